import inspector from "node:inspector";
import inspectorp from "node:inspector/promises";
import { describe, check, run, eq, ok } from "../harness.mjs";

describe("inspector");
check("url() undefined when not active", () => eq(inspector.url(), undefined));
check("Session connect/post Runtime.evaluate", async () => {
  const s = new inspector.Session();
  s.connect();
  const r = await new Promise((res, rej) => s.post("Runtime.evaluate", { expression: "6*7" }, (e, v) => (e ? rej(e) : res(v))));
  s.disconnect();
  eq(r.result.value, 42);
});
check("inspector/promises Session", async () => {
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
check("HeapProfiler.takeHeapSnapshot chunks", async () => {
  const s = new inspectorp.Session();
  s.connect();
  let n = 0;
  s.on("HeapProfiler.addHeapSnapshotChunk", () => n++);
  await s.post("HeapProfiler.takeHeapSnapshot", null);
  s.disconnect();
  ok(n > 0, "no chunks");
}, { timeoutMs: 15000 });
check("open() then url() then close()", () => {
  inspector.open(0, "127.0.0.1", false);
  const u = inspector.url();
  inspector.close();
  ok(typeof u === "string" && u.startsWith("ws://127.0.0.1:"), `url ${u}`);
});
check("console API present", () => ok(inspector.console && typeof inspector.console.log === "function", "missing"));
check("Debugger.enable + scriptParsed events", async () => {
  const s = new inspectorp.Session();
  s.connect();
  let n = 0;
  s.on("Debugger.scriptParsed", () => n++);
  await s.post("Debugger.enable");
  await s.post("Debugger.disable");
  s.disconnect();
  ok(n > 0, "no scriptParsed events");
});
check("Network domain events exist (inspector.Network)", () => ok(inspector.Network && typeof inspector.Network.requestWillBeSent === "function", "inspector.Network missing"));
await run();
