import timers from "node:timers";
import { setTimeout as sleep, setImmediate as immediate, setInterval as every, scheduler } from "node:timers/promises";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("timers");
check("setTimeout returns a Timeout object", () => { const t = setTimeout(() => {}, 10); ok(typeof t === "object" && typeof t.ref === "function", `got ${typeof t}`); clearTimeout(t); });
check("Timeout.unref clears hasRef", () => { const t = setTimeout(() => {}, 10); t.unref(); eq(t.hasRef(), false); clearTimeout(t); });
check("Timeout.refresh returns the timer and restarts it", async () => { const t0 = performance.now(); let at; const t = setTimeout(() => (at = performance.now()), 40); await new Promise((r) => setTimeout(r, 25)); ok(t.refresh() === t, "refresh not chainable"); await new Promise((r) => setTimeout(r, 80)); ok(at - t0 >= 60, `fired after ${(at - t0).toFixed(0)} ms: refresh did not restart it`); });
check("Timeout to primitive id", () => { const t = setTimeout(() => {}, 10); ok(typeof +t === "number" && !Number.isNaN(+t), "no numeric id"); clearTimeout(+t); });
check("timers/promises setTimeout value", async () => eq(await sleep(1, "v"), "v"));
check("timers/promises setImmediate resolves with the value", async () => eq(await immediate("i"), "i"));
check("timers/promises abort rejects AbortError", async () => {
  const ac = new AbortController();
  const p = sleep(1000, null, { signal: ac.signal });
  ac.abort();
  try { await p; ok(false, "resolved"); } catch (e) { eq(e.name, "AbortError"); }
});
check("timers/promises setInterval async iterator", async () => {
  let n = 0;
  for await (const v of every(1, "tick")) { eq(v, "tick"); if (++n === 3) break; }
  eq(n, 3);
});
check("scheduler.wait resolves after the delay", async () => { const t0 = performance.now(); await scheduler.wait(20); ok(performance.now() - t0 >= 15, "resolved early"); });
check("scheduler.yield lets an earlier setImmediate run first", async () => {
  const order = [];
  setImmediate(() => order.push("immediate"));
  await scheduler.yield();
  order.push("after-yield");
  deepEq(order, ["immediate", "after-yield"]);
});
check("order from a timer callback: nextTick, then microtask, then setImmediate", async () => {
  const order = [];
  await new Promise((r) => setTimeout(() => {
    setImmediate(() => { order.push("immediate"); r(); });
    Promise.resolve().then(() => order.push("micro"));
    process.nextTick(() => order.push("tick"));
  }, 1));
  deepEq(order, ["tick", "micro", "immediate"]);
});
check("setTimeout delay coerced: 0 and negative run", async () => { await new Promise((r) => setTimeout(r, -5)); });
check("setInterval + clearInterval", async () => {
  let n = 0;
  await new Promise((r) => { const i = setInterval(() => { if (++n === 3) { clearInterval(i); r(); } }, 1); });
  eq(n, 3);
});
check("setTimeout passes extra args", async () => eq(await new Promise((r) => setTimeout((a, b) => r(a + b), 1, 1, 2)), 3));
check("node:timers setTimeout fires and clearTimeout cancels", async () => {
  let cancelled = true;
  const t = timers.setTimeout(() => { cancelled = false; }, 5);
  timers.clearTimeout(t);
  const v = await new Promise((r) => timers.setTimeout(() => r("fired"), 1));
  deepEq([v, cancelled], ["fired", true]);
});
check("Timeout [Symbol.dispose] cancels the timer", async () => {
  let fired = false;
  const t = setTimeout(() => { fired = true; }, 5);
  t[Symbol.dispose]();
  await new Promise((r) => setTimeout(r, 30));
  eq(fired, false);
});
check("nested setTimeout at 1ms not clamped to 4ms+", async () => {
  const t0 = performance.now();
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0));
  ok(performance.now() - t0 < 200, "too slow");
});
check("setInterval callback sees increasing delays of about its period", async () => {
  const stamps = [];
  await new Promise((r) => { const i = setInterval(() => { stamps.push(performance.now()); if (stamps.length === 4) { clearInterval(i); r(); } }, 20); });
  const gaps = stamps.slice(1).map((t, k) => t - stamps[k]);
  ok(gaps.every((g) => g >= 15), `gaps ${gaps.map((g) => g.toFixed(1)).join(",")}`);
});
check("a timer created in a timer callback with 0 ms runs on a later turn", async () => {
  const order = [];
  await new Promise((r) => setTimeout(() => { setTimeout(() => { order.push("inner"); r(); }, 0); order.push("outer-end"); }, 1));
  deepEq(order, ["outer-end", "inner"]);
});
await run();
