import vm from "node:vm";
import { describe, check, run, eq, ok, deepEq, throws } from "../harness.mjs";

describe("vm");
check("runInNewContext with sandbox", () => eq(vm.runInNewContext("a + b", { a: 1, b: 2 }), 3));
check("createContext + isContext", () => { const c = vm.createContext({}); ok(vm.isContext(c) && !vm.isContext({}), "isContext wrong"); });
check("context globals persist between runs", () => {
  const c = vm.createContext({});
  vm.runInContext("var x = 40", c);
  vm.runInContext("x += 2", c);
  eq(c.x, 42);
});
check("contextified object sees new globals", () => { const c = vm.createContext({}); vm.runInContext("globalThis.y = 1", c); eq(c.y, 1); });
check("separate realm: Array differs", () => ok(vm.runInNewContext("[]") instanceof Array === false, "same realm Array"));
check("runInThisContext sees globals not locals", () => { globalThis.__bk = 5; const local = 1; eq(vm.runInThisContext("typeof local + __bk"), "undefined5"); });
check("Script reuse in two contexts", () => { const s = new vm.Script("n * 2"); deepEq([s.runInNewContext({ n: 1 }), s.runInNewContext({ n: 2 })], [2, 4]); });
check("timeout option stops infinite loop", () => throws(() => vm.runInNewContext("while(true){}", {}, { timeout: 50 }), (e) => e.code === "ERR_SCRIPT_EXECUTION_TIMEOUT"));
check("filename appears in stack", () => {
  try { vm.runInNewContext("throw new Error('x')", {}, { filename: "probe-file.js" }); } catch (e) { ok(String(e.stack).includes("probe-file.js"), "filename missing from stack"); return; }
  ok(false, "no throw");
});
check("SyntaxError from bad code", () => throws(() => new vm.Script("let let"), (e) => e.name === "SyntaxError"));
check("compileFunction with params", () => eq(vm.compileFunction("return a + 1", ["a"])(1), 2));
check("microtaskMode afterEvaluate drains microtasks", () => {
  const c = vm.createContext({ out: [] }, { microtaskMode: "afterEvaluate" });
  vm.runInContext("Promise.resolve().then(() => out.push(1))", c);
  eq(c.out.length, 1);
});
check("codeGeneration strings:false blocks eval", () => {
  const c = vm.createContext({}, { codeGeneration: { strings: false } });
  throws(() => vm.runInContext("eval('1')", c), (e) => e.name === "EvalError");
});
check("createContext(DONT_CONTEXTIFY) returns the new context's own global", () => {
  const c = vm.createContext(vm.constants.DONT_CONTEXTIFY);
  eq(vm.runInContext("globalThis", c), c);
});
check("measureMemory returns a promise of a result", async () => {
  const r = await vm.measureMemory({ execution: "eager" });
  ok(r && r.total && typeof r.total.jsMemoryEstimate === "number", `got ${JSON.stringify(r)}`);
});
check("Script.createCachedData produces code cache", () => { const d = new vm.Script("1+1").createCachedData(); ok(d.length > 0, "empty cached data"); });
check("cachedData accepted by a new Script", () => {
  const d = new vm.Script("1+2").createCachedData();
  const s = new vm.Script("1+2", { cachedData: d });
  eq(s.cachedDataRejected, false);
});
check("importModuleDynamically option allows import()", async () => {
  const s = new vm.Script("import('node:path')", { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const m = await s.runInThisContext();
  eq(typeof m.join, "function");
});
check("jest-environment style: globals copied into context", () => {
  const c = vm.createContext({ console, setTimeout, Buffer });
  eq(vm.runInContext("typeof setTimeout + typeof Buffer.from", c), "functionfunction");
});
check("Object.prototype pollution stays in the context", () => { const c = vm.createContext({}); vm.runInContext("Object.prototype.polluted = 1", c); eq({}.polluted, undefined); });
check("a context's globalThis is the contextified object's view", () => {
  const sandbox = { a: 1 };
  const c = vm.createContext(sandbox);
  vm.runInContext("globalThis.b = a + 1; var d = 4;", c);
  deepEq([sandbox.b, sandbox.d], [2, 4]);
});
check("errors from another context are not instanceof this realm's Error", () => {
  try { vm.runInNewContext("throw new TypeError('other realm')"); } catch (e) { deepEq([e instanceof TypeError, e.name, e.message], [false, "TypeError", "other realm"]); return; }
  ok(false, "no throw");
});
check("runInContext with a timeout inside a promise job stays bounded", () => {
  const c = vm.createContext({}, { microtaskMode: "afterEvaluate" });
  throws(() => vm.runInContext("Promise.resolve().then(() => { while (true) {} })", c, { timeout: 50 }), (e) => e.code === "ERR_SCRIPT_EXECUTION_TIMEOUT");
});
check("Script.runInContext breakOnSigint option accepted for a normal script", () => eq(new vm.Script("7*6").runInContext(vm.createContext({}), { breakOnSigint: true }), 42));
await run();
