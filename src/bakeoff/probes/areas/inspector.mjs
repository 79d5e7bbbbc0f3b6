import inspector from "node:inspector";
import inspectorp from "node:inspector/promises";
import { describe, check, run, eq, ok } from "../harness.mjs";

describe("inspector");
check("url() is undefined when the inspector is not active", () => eq(inspector.url(), undefined));
check("Session connect/post Runtime.evaluate computes a value", async () => {
  const s = new inspector.Session();
  s.connect();
  const r = await new Promise((res, rej) => s.post("Runtime.evaluate", { expression: "6*7" }, (e, v) => (e ? rej(e) : res(v))));
  s.disconnect();
  eq(r.result.value, 42);
});
check("inspector/promises Session evaluates an expression", async () => {
  const s = new inspectorp.Session();
  s.connect();
  const r = await s.post("Runtime.evaluate", { expression: "1+1" });
  s.disconnect();
  eq(r.result.value, 2);
});
check("Profiler start/stop returns a profile", async () => {
  const s = new inspectorp.Session();
  s.connect();
  await s.post("Profiler.enable");
  await s.post("Profiler.start");
  for (let i = 0; i < 1e5; i++) Math.sqrt(i);
  const { profile } = await s.post("Profiler.stop");
  s.disconnect();
  ok(profile && profile.nodes.length > 0, "empty profile");
});
check("HeapProfiler.takeHeapSnapshot streams chunks", async () => {
  const s = new inspectorp.Session();
  s.connect();
  let n = 0;
  s.on("HeapProfiler.addHeapSnapshotChunk", () => n++);
  await s.post("HeapProfiler.takeHeapSnapshot", null);
  s.disconnect();
  ok(n > 0, "no chunks");
}, { timeoutMs: 15000 });
check("open() makes url() a ws:// address until close()", () => {
  inspector.open(0, "127.0.0.1", false);
  const u = inspector.url();
  inspector.close();
  ok(typeof u === "string" && u.startsWith("ws://127.0.0.1:"), `url ${u}`);
});
check("inspector.console.log reaches a session as Runtime.consoleAPICalled", async () => {
  const s = new inspectorp.Session();
  s.connect();
  const seen = [];
  s.on("Runtime.consoleAPICalled", (m) => seen.push(m.params.args[0] && m.params.args[0].value));
  await s.post("Runtime.enable");
  inspector.console.log("bk-inspector-console");
  await new Promise((r) => setTimeout(r, 20));
  s.disconnect();
  ok(seen.includes("bk-inspector-console"), `consoleAPICalled values: ${JSON.stringify(seen)}`);
});
check("Debugger.enable emits scriptParsed events", async () => {
  const s = new inspectorp.Session();
  s.connect();
  let n = 0;
  s.on("Debugger.scriptParsed", () => n++);
  await s.post("Debugger.enable");
  await s.post("Debugger.disable");
  s.disconnect();
  ok(n > 0, "no scriptParsed events");
});
check("Profiler.takePreciseCoverage counts calls of a function", async () => {
  const s = new inspectorp.Session();
  s.connect();
  await s.post("Profiler.enable");
  await s.post("Profiler.startPreciseCoverage", { callCount: true, detailed: true });
  const bkCovered = new Function("return 1");
  for (let i = 0; i < 3; i++) bkCovered();
  const { result } = await s.post("Profiler.takePreciseCoverage");
  await s.post("Profiler.stopPreciseCoverage");
  s.disconnect();
  const fns = result.flatMap((r) => r.functions);
  ok(fns.some((f) => f.ranges.some((x) => x.count === 3)), `${fns.length} functions, none with count 3`);
});
check("Runtime.evaluate runs in the main realm and sees its globals", async () => {
  const s = new inspectorp.Session();
  s.connect();
  globalThis.bkInspectorValue = 41;
  const r = await s.post("Runtime.evaluate", { expression: "bkInspectorValue + 1" });
  s.disconnect();
  eq(r.result.value, 42);
});
check("Runtime.getHeapUsage reports a used size", async () => {
  const s = new inspectorp.Session();
  s.connect();
  const u = await s.post("Runtime.getHeapUsage");
  s.disconnect();
  ok(u.usedSize > 0 && u.totalSize >= u.usedSize, JSON.stringify(u));
});
check("an unknown method rejects with ERR_INSPECTOR_COMMAND", async () => {
  const s = new inspectorp.Session();
  s.connect();
  try { await s.post("Bakeoff.noSuchMethod"); ok(false, "resolved"); } catch (e) { eq(e.code, "ERR_INSPECTOR_COMMAND"); } finally { s.disconnect(); }
});
await run();
