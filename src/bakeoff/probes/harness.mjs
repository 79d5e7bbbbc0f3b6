// The probe harness: each area script registers checks with `check(name, fn, opts)`; `run()`
// executes them one by one (each with its own time limit) and prints one JSON line per check,
// prefixed with PREFIX so the Python side can tell results from anything else the runtime prints.
// Written for bakeoff; runs unchanged under Node, Bun and Deno (node: specifiers only).
//
// Every check calls the API and observes its effect. The name says which behaviour that is.
// Options:
//   timeoutMs  the check's own time limit (default 5000); past it the check is a `timeout`
//   existence  "why only existence can be checked here" — marks one of the few checks that only
//              look for an API (the detail then starts with "existence only:"); the Python side
//              counts them and a unit test keeps them at <= 2% of all checks
//   ref        the public source (issue, docs page) when the check encodes a known bug; failures
//              carry it in their detail
// An API that exists but does nothing is a failure with a detail starting "stub:" (`stub()`).
import process from "node:process";

const PREFIX = "@@bakeoff-probe ";
const checks = [];
let area = "unknown";

export function describe(name) {
  area = name;
}

export function check(name, fn, opts = {}) {
  checks.push({ name, fn, timeoutMs: opts.timeoutMs ?? 5000, existence: opts.existence, ref: opts.ref });
}

export class CheckFailure extends Error {}
class CheckTimeout extends CheckFailure {}

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

// Fails unless obj[name] is a function; used before calling it, so a missing API reads
// "x is not a function" rather than a TypeError from the call.
export function isFn(obj, name) {
  if (obj == null || typeof obj[name] !== "function") {
    throw new CheckFailure(`${String(name)} is not a function (got ${obj == null ? obj : typeof obj[name]})`);
  }
}

// The behaviour never finished (e.g. a child process running it had to be killed): a timeout.
export function timedOut(what) {
  throw new CheckTimeout(what);
}

// The API exists and was called, but had no effect: a stub.
export function stub(what) {
  throw new CheckFailure(`stub: ${what}`);
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
      t = setTimeout(() => rej(new CheckTimeout(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

export const isDeno = typeof globalThis.Deno !== "undefined";
export const isBun = typeof globalThis.Bun !== "undefined";

// argv that runs `script` under the runtime running this probe, the way each runtime runs a
// script (Deno needs `run` and permissions). `nodeArgs` are Node flags (passed to Node only).
export function selfArgv(script, args = [], nodeArgs = []) {
  if (isDeno) return [process.execPath, "run", "--allow-all", "--unstable-detect-cjs", script, ...args];
  if (isBun) return [process.execPath, script, ...args];
  return [process.execPath, ...nodeArgs, script, ...args];
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
  // Checks already reported by an earlier run of this area that hung or crashed (JSON list).
  const skip = new Set(JSON.parse(process.env.BAKEOFF_PROBE_SKIP || "[]"));
  emit({ event: "start", total: checks.length });
  process.on("uncaughtException", (e) => emit({ event: "stray", detail: detailOf(e) }));
  process.on("unhandledRejection", (e) => emit({ event: "stray", detail: detailOf(e) }));
  for (const c of checks) {
    if ((only && c.name !== only) || skip.has(c.name)) continue;
    // Announced first, so that a check that hangs the whole process (synchronously) is known.
    emit({ event: "begin", check: c.name, timeoutMs: c.timeoutMs });
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
      status = e instanceof CheckTimeout ? "timeout" : "fail";
      detail = detailOf(e);
      if (c.ref) detail += ` (known: ${c.ref})`;
    }
    if (c.existence) detail = `existence only: ${c.existence}` + (detail ? `; ${detail}` : "");
    emit({
      check: c.name,
      status,
      detail,
      ms: Math.round(performance.now() - t0),
      kind: c.existence ? "existence" : "behaviour",
    });
  }
  emit({ event: "end" });
  // Leftover handles (servers, workers) must not keep an area alive.
  setTimeout(() => process.exit(0), 20);
}
