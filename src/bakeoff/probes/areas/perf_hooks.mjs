import { performance, PerformanceObserver, monitorEventLoopDelay, createHistogram } from "node:perf_hooks";
import { describe, check, run, eq, ok, stub } from "../harness.mjs";

describe("perf_hooks");
check("performance.now never goes back", () => { const a = performance.now(); const b = performance.now(); ok(b >= a, "went back"); });
check("timeOrigin is a wall-clock epoch in ms", () => ok(performance.timeOrigin > 1e12, "bad timeOrigin"));
check("mark/measure give a named duration", () => {
  performance.mark("a");
  performance.mark("b");
  const m = performance.measure("a-b", "a", "b");
  ok(m.duration >= 0 && m.name === "a-b", "bad measure");
});
check("getEntriesByName returns recorded marks", () => ok(performance.getEntriesByName("a").length >= 1, "no entries"));
check("PerformanceObserver receives a mark entry", async () => {
  const got = new Promise((r) => { const o = new PerformanceObserver((l) => { o.disconnect(); r(l.getEntries()[0].name); }); o.observe({ entryTypes: ["mark"] }); });
  performance.mark("observed");
  eq(await got, "observed");
});
check("eventLoopUtilization sees a 30 ms busy loop as active time", async () => {
  const a = performance.eventLoopUtilization();
  const end = Date.now() + 30;
  while (Date.now() < end);
  await new Promise((r) => setTimeout(r, 30));
  const d = performance.eventLoopUtilization(a);
  if (d.utilization === 0 && d.active === 0) stub("utilization and active stayed 0 over a 30 ms busy loop");
  ok(d.utilization > 0 && d.utilization <= 1 && d.active >= 20, `utilization ${d.utilization}, active ${d.active}`);
}, { ref: "https://bun.sh/reference/node/perf_hooks https://docs.deno.com/runtime/reference/node_apis/" });
// A 200 ms synchronous block must show up as a delay of about 200 ms; a histogram that stays
// at 0 (or only counts samples) is a stub.
check("monitorEventLoopDelay records a 200 ms block (max >= 150 ms)", async () => {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  await new Promise((r) => setTimeout(r, 30));
  const end = Date.now() + 200;
  while (Date.now() < end);
  await new Promise((r) => setTimeout(r, 30));
  h.disable();
  const maxMs = h.max / 1e6, meanMs = h.mean / 1e6;
  if (maxMs < 1) stub(`a 200 ms block recorded as max ${maxMs.toFixed(3)} ms, mean ${meanMs.toFixed(3)} ms (count ${h.count})`);
  ok(maxMs >= 150 && meanMs > 0 && h.count > 0, `max ${maxMs.toFixed(1)} ms, mean ${meanMs.toFixed(1)} ms, count ${h.count}`);
}, { ref: "https://docs.deno.com/runtime/reference/node_apis/" });
check("timerify wraps a function and records a function entry", async () => {
  const f = performance.timerify(function work() { return 1; });
  const got = new Promise((r) => { const o = new PerformanceObserver((l) => { o.disconnect(); r(l.getEntries()[0]); }); o.observe({ entryTypes: ["function"] }); });
  eq(f(), 1, "return value");
  const e = await got;
  eq(e.name, "work", "entry name");
}, { timeoutMs: 1500 });
check("createHistogram records values and percentiles", () => {
  const h = createHistogram();
  for (let i = 1; i <= 100; i++) h.record(i);
  ok(h.min === 1 && h.max === 100 && h.percentile(50) >= 50 && h.percentile(50) <= 51, `p50 ${h.percentile(50)}`);
});
check("performance.nodeTiming bootstrapComplete lies before now", () => {
  const t = performance.nodeTiming;
  ok(t, "performance.nodeTiming missing");
  ok(t.bootstrapComplete > 0 && t.bootstrapComplete <= performance.now(), `bootstrapComplete ${t.bootstrapComplete}`);
});
check("clearMarks removes all marks", () => { performance.clearMarks(); eq(performance.getEntriesByType("mark").length, 0); });
check("performance.toJSON includes timeOrigin", () => ok(typeof performance.toJSON().timeOrigin === "number", "no timeOrigin"));
check("histogram reset clears recorded values", () => {
  const h = createHistogram();
  h.record(5);
  h.reset();
  eq(h.count, 0);
});
check("measure with start/end options gives their difference", () => {
  const m = performance.measure("bk-range", { start: 10, end: 35 });
  eq(m.duration, 25);
});
check("mark with detail keeps the detail", () => eq(performance.mark("bk-detail", { detail: { k: 1 } }).detail.k, 1));
check("PerformanceObserver buffered gets earlier entries", async () => {
  performance.mark("bk-before-observe");
  const got = await new Promise((r) => { const o = new PerformanceObserver((l) => { o.disconnect(); r(l.getEntries().map((e) => e.name)); }); o.observe({ type: "mark", buffered: true }); });
  ok(got.includes("bk-before-observe"), got.join(","));
});
await run();
