// @bakeoff node-args: --experimental-vm-modules
// vm.SourceTextModule / SyntheticModule: the API Jest's ESM mode (and other test runners and
// sandboxes) runs every test file through. Node needs --experimental-vm-modules for it, which is
// how Jest users run it (NODE_OPTIONS); the probe is run with that flag under Node.
import vm from "node:vm";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, check, run, eq, ok, deepEq, isFn, selfArgv, timedOut } from "../harness.mjs";

describe("vm_modules");
const T = { timeoutMs: 4000 };
const loopChild = fileURLToPath(new URL("../fixtures/vm-timeout-child.mjs", import.meta.url));
const mod = (src, opts = {}) => { isFn(vm, "SourceTextModule"); return new vm.SourceTextModule(src, { context: opts.context ?? vm.createContext({}), ...opts }); };
const noImports = () => { throw new Error("no imports expected"); };
check("SourceTextModule evaluates and exposes its namespace", async () => {
  const m = mod("export const answer = 6 * 7;");
  await m.link(noImports);
  await m.evaluate();
  eq(m.namespace.answer, 42);
}, T);
check("status moves unlinked -> linked -> evaluated", async () => {
  const m = mod("export default 1;");
  const seen = [m.status];
  await m.link(noImports);
  seen.push(m.status);
  await m.evaluate();
  seen.push(m.status);
  deepEq(seen, ["unlinked", "linked", "evaluated"]);
}, T);
check("link() calls the linker for each import and wires the modules", async () => {
  const context = vm.createContext({});
  const dep = mod("export const dep = 'from-dep';", { context });
  const main = mod("import { dep } from 'bk:dep'; export const got = dep;", { context });
  const asked = [];
  await main.link((spec) => { asked.push(spec); return dep; });
  await main.evaluate();
  deepEq([asked, main.namespace.got], [["bk:dep"], "from-dep"]);
}, T);
check("SyntheticModule exports set with setExport are importable", async () => {
  isFn(vm, "SyntheticModule");
  const context = vm.createContext({});
  const syn = new vm.SyntheticModule(["value"], function () { this.setExport("value", "synthetic"); }, { context });
  const main = mod("import { value } from 'bk:syn'; export const got = value;", { context });
  await main.link(() => syn);
  await main.evaluate();
  eq(main.namespace.got, "synthetic");
}, T);
check("module code sees the context's globals, not the main realm's", async () => {
  globalThis.bkMainOnly = "main";
  const m = mod("export const a = typeof bkMainOnly; export const b = ctxValue;", { context: vm.createContext({ ctxValue: "ctx" }) });
  await m.link(noImports);
  await m.evaluate();
  delete globalThis.bkMainOnly;
  deepEq([m.namespace.a, m.namespace.b], ["undefined", "ctx"]);
}, T);
check("initializeImportMeta sets import.meta properties", async () => {
  const m = mod("export const url = import.meta.url;", { initializeImportMeta: (meta) => { meta.url = "bk://test-file.mjs"; } });
  await m.link(noImports);
  await m.evaluate();
  eq(m.namespace.url, "bk://test-file.mjs");
}, T);
check("top-level await inside the module completes evaluate()", async () => {
  const m = mod("export const v = await Promise.resolve('awaited');");
  await m.link(noImports);
  await m.evaluate();
  eq(m.namespace.v, "awaited");
}, T);
check("a throwing module makes evaluate() reject and status errored", async () => {
  const m = mod("throw new Error('bk-module-boom');");
  await m.link(noImports);
  let msg;
  try { await m.evaluate(); } catch (e) { msg = e.message; }
  deepEq([msg, m.status, m.error && m.error.message], ["bk-module-boom", "errored", "bk-module-boom"]);
}, T);
check("importModuleDynamically serves import() inside the module", async () => {
  const context = vm.createContext({});
  const target = new vm.SyntheticModule(["x"], function () { this.setExport("x", 5); }, { context });
  const m = mod("export const p = import('bk:dynamic').then((ns) => ns.x);", {
    context,
    importModuleDynamically: async () => { if (target.status === "unlinked") await target.link(noImports); if (target.status === "linked") await target.evaluate(); return target; },
  });
  await m.link(noImports);
  await m.evaluate();
  eq(await m.namespace.p, 5);
}, T);
check("moduleRequests lists the module's imports", async () => {
  const m = mod("import a from 'bk:a'; import { b } from 'bk:b'; export { a, b };");
  const reqs = m.moduleRequests ? m.moduleRequests.map((r) => r.specifier) : m.dependencySpecifiers;
  deepEq([...reqs], ["bk:a", "bk:b"]);
}, T);
check("identifier appears in the stack of an error thrown by the module", async () => {
  const m = mod("export function f() { throw new Error('where'); }", { identifier: "bk-test-identifier.mjs" });
  await m.link(noImports);
  await m.evaluate();
  try { m.namespace.f(); } catch (e) { ok(String(e.stack).includes("bk-test-identifier.mjs"), String(e.stack).split("\n").slice(0, 2).join(" | ")); return; }
  ok(false, "no throw");
}, T);
check("createCachedData of a SourceTextModule is accepted by a new one", async () => {
  const src = "export const c = 1;";
  const data = mod(src).createCachedData();
  const again = mod(src, { cachedData: data });
  await again.link(noImports);
  await again.evaluate();
  deepEq([data.length > 0, again.namespace.c], [true, 1]);
}, T);
// Runs in a child process: a runtime that ignores the timeout loops forever, and only a separate
// process can be stopped; that is recorded as a timeout of this check.
check("evaluate({ timeout }) stops an infinite loop with ERR_SCRIPT_EXECUTION_TIMEOUT", () => {
  const [cmd, ...args] = selfArgv(loopChild, [], ["--experimental-vm-modules", "--no-warnings"]);
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 5000 });
  if (r.error && r.error.code === "ETIMEDOUT") timedOut("evaluate({ timeout: 100 }) did not stop the loop: the child was killed after 5 s");
  eq(r.stdout, "ERR_SCRIPT_EXECUTION_TIMEOUT", `child output (status ${r.status}, ${(r.stderr || "").split("\n")[0].slice(0, 80)})`);
}, { timeoutMs: 8000 });
await run();
