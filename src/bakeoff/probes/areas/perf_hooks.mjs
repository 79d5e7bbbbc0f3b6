import { performance, PerformanceObserver, monitorEventLoopDelay, createHistogram } from "node:perf_hooks";
import { describe, check, run, eq, ok } from "../harness.mjs";

describe("perf_hooks");
check("performance.now monotonic", () => { const a = performance.now(); const b = performance.now(); ok(b >= a, "went back"); });
check("timeOrigin", () => ok(performance.timeOrigin > 1e12, "bad timeOrigin"));
check("mark/measure", () => {
  performance.mark("a");
  performance.mark("b");
  const m = performance.measure("a-b", "a", "b");
  ok(m.duration >= 0 && m.name === "a-b", "bad measure");
});
check("getEntriesByName", () => ok(performance.getEntriesByName("a").length >= 1, "no entries"));
check("PerformanceObserver mark", async () => {
  const got = new Promise((r) => { const o = new PerformanceObserver((l) => { o.disconnect(); r(l.getEntries()[0].name); }); o.observe({ entryTypes: ["mark"] }); });
  performance.mark("observed");
  eq(await got, "observed");
});
check("eventLoopUtilization values in [0,1]", async () => {
  const a = performance.eventLoopUtilization();
  const end = Date.now() + 30;
  while (Date.now() < end);
  await new Promise((r) => setTimeout(r, 30));
  const d = performance.eventLoopUtilization(a);
  ok(d.utilization > 0 && d.utilization <= 1 && d.active > 0, `utilization ${d.utilization}, active ${d.active}`);
});
check("monitorEventLoopDelay records", async () => {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const end = Date.now() + 50;
  while (Date.now() < end);
  await new Promise((r) => setTimeout(r, 50));
  h.disable();
  ok(h.max > 0 && h.count > 0, `max ${h.max}, count ${h.count}`);
});
check("timerify wraps and records function", async () => {
  const f = performance.timerify(function work() { return 1; });
  const got = new Promise((r) => { const o = new PerformanceObserver((l) => { o.disconnect(); r(l.getEntries()[0]); }); o.observe({ entryTypes: ["function"] }); });
  eq(f(), 1, "return value");
  const e = await got;
  eq(e.name, "work", "entry name");
}, { timeoutMs: 1500 });
check("createHistogram record/percentile", () => {
  const h = createHistogram();
  for (let i = 1; i <= 100; i++) h.record(i);
  ok(h.min === 1 && h.max === 100 && h.percentile(50) >= 50 && h.percentile(50) <= 51, `p50 ${h.percentile(50)}`);
});
check("performance.nodeTiming", () => ok(performance.nodeTiming && typeof performance.nodeTiming.bootstrapComplete === "number", "nodeTiming missing"));
check("clearMarks", () => { performance.clearMarks(); eq(performance.getEntriesByType("mark").length, 0); });
check("performance.toJSON", () => ok(typeof performance.toJSON().timeOrigin === "number", "no timeOrigin"));
await run();
