import timers from "node:timers";
import { setTimeout as sleep, setImmediate as immediate, setInterval as every, scheduler } from "node:timers/promises";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("timers");
check("setTimeout returns a Timeout object", () => { const t = setTimeout(() => {}, 10); ok(typeof t === "object" && typeof t.ref === "function", `got ${typeof t}`); clearTimeout(t); });
check("Timeout.hasRef/unref", () => { const t = setTimeout(() => {}, 10); t.unref(); eq(t.hasRef(), false); clearTimeout(t); });
check("Timeout.refresh", () => { const t = setTimeout(() => {}, 10); ok(t.refresh() === t, "refresh not chainable"); clearTimeout(t); });
check("Timeout to primitive id", () => { const t = setTimeout(() => {}, 10); ok(typeof +t === "number" && !Number.isNaN(+t), "no numeric id"); clearTimeout(+t); });
check("timers/promises setTimeout value", async () => eq(await sleep(1, "v"), "v"));
check("timers/promises setImmediate", async () => eq(await immediate("i"), "i"));
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
check("scheduler.wait", async () => { ok(typeof scheduler.wait === "function", "missing"); await scheduler.wait(1); });
check("scheduler.yield", async () => { ok(typeof scheduler.yield === "function", "missing"); await scheduler.yield(); });
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
check("node:timers exports globals", () => ok(timers.setTimeout === setTimeout || typeof timers.setTimeout === "function", "no setTimeout"));
check("Timeout is disposable", () => { const t = setTimeout(() => {}, 10); ok(typeof t[Symbol.dispose] === "function", "no Symbol.dispose"); t[Symbol.dispose](); });
check("nested setTimeout at 1ms not clamped to 4ms+", async () => {
  const t0 = performance.now();
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0));
  ok(performance.now() - t0 < 200, "too slow");
});
await run();
