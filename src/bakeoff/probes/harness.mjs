// The probe harness: each area script registers checks with `check(name, fn)`; `run()` executes
// them one by one (each with its own time limit) and prints one JSON line per check, prefixed
// with PREFIX so the Python side can tell results from anything else the runtime prints.
// Written for bakeoff; runs unchanged under Node, Bun and Deno (node: specifiers only).
import process from "node:process";

const PREFIX = "@@bakeoff-probe ";
const checks = [];
let area = "unknown";

export function describe(name) {
  area = name;
}

export function check(name, fn, opts = {}) {
  checks.push({ name, fn, timeoutMs: opts.timeoutMs ?? 5000 });
}

export class CheckFailure extends Error {}

function short(v) {
  let s;
  try {
    s = typeof v === "string" ? JSON.stringify(v) : typeof v === "bigint" ? `${v}n` : JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  if (s === undefined) s = String(v);
  return s.length > 120 ? s.slice(0, 117) + "..." : s;
}

export function ok(cond, detail) {
  if (!cond) throw new CheckFailure(detail || "expected a truthy value");
}

export function eq(actual, expected, what = "value") {
  if (!Object.is(actual, expected)) {
    throw new CheckFailure(`${what}: expected ${short(expected)}, got ${short(actual)}`);
  }
}

export function deepEq(actual, expected, what = "value") {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new CheckFailure(`${what}: expected ${short(expected)}, got ${short(actual)}`);
}

export function type(value, t, what = "value") {
  if (typeof value !== t) throw new CheckFailure(`${what}: expected typeof ${t}, got ${typeof value}`);
}

export function isFn(obj, name) {
  if (obj == null || typeof obj[name] !== "function") {
    throw new CheckFailure(`${name} is not a function (got ${obj == null ? obj : typeof obj[name]})`);
  }
}

export async function throwsAsync(fn, pred, what = "call") {
  try {
    await fn();
  } catch (e) {
    if (pred && !pred(e)) throw new CheckFailure(`${what} threw the wrong error: ${e && (e.code || e.message)}`);
    return e;
  }
  throw new CheckFailure(`${what} did not throw`);
}

export function throws(fn, pred, what = "call") {
  try {
    fn();
  } catch (e) {
    if (pred && !pred(e)) throw new CheckFailure(`${what} threw the wrong error: ${e && (e.code || e.message)}`);
    return e;
  }
  throw new CheckFailure(`${what} did not throw`);
}

export function code(c) {
  return (e) => e && e.code === c;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise,
    new Promise((_, rej) => {
      t = setTimeout(() => rej(new CheckFailure(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

function emit(obj) {
  process.stdout.write(PREFIX + JSON.stringify({ area, ...obj }) + "\n");
}

function detailOf(e) {
  if (e instanceof CheckFailure) return e.message;
  const name = (e && e.constructor && e.constructor.name) || "Error";
  const msg = e && e.message !== undefined ? e.message : String(e);
  const c = e && e.code ? ` [${e.code}]` : "";
  return `threw ${name}${c}: ${String(msg).split("\n")[0].slice(0, 200)}`;
}

export async function run() {
  const only = process.env.BAKEOFF_PROBE_ONLY;
  emit({ event: "start", total: checks.length });
  process.on("uncaughtException", (e) => emit({ event: "stray", detail: detailOf(e) }));
  process.on("unhandledRejection", (e) => emit({ event: "stray", detail: detailOf(e) }));
  for (const c of checks) {
    if (only && c.name !== only) continue;
    const t0 = performance.now();
    let status = "pass";
    let detail = "";
    try {
      const r = await withTimeout(Promise.resolve().then(c.fn), c.timeoutMs, "check");
      if (r && typeof r === "object" && r.skip) {
        status = "skip";
        detail = String(r.skip);
      }
    } catch (e) {
      status = "fail";
      detail = detailOf(e);
    }
    emit({ check: c.name, status, detail, ms: Math.round(performance.now() - t0) });
  }
  emit({ event: "end" });
  // Leftover handles (servers, workers) must not keep an area alive.
  setTimeout(() => process.exit(0), 20);
}
