import { EventEmitter, once, on, getEventListeners, setMaxListeners, errorMonitor, captureRejectionSymbol } from "node:events";
import events from "node:events";
import { describe, check, run, eq, ok, deepEq, throws } from "../harness.mjs";

describe("events");
check("on/emit order and return value", () => {
  const e = new EventEmitter();
  const seen = [];
  e.on("x", (a) => seen.push(1 + a));
  e.prependListener("x", (a) => seen.push(0 + a));
  eq(e.emit("x", 10), true, "emit return");
  deepEq(seen, [10, 11]);
});
check("once removes itself", () => {
  const e = new EventEmitter();
  let n = 0;
  e.once("x", () => n++);
  e.emit("x");
  e.emit("x");
  eq(n, 1);
});
check("emit('error') without listener throws", () => {
  const e = new EventEmitter();
  throws(() => e.emit("error", new Error("boom")), (x) => x.message === "boom");
});
check("errorMonitor sees errors first", () => {
  const e = new EventEmitter();
  const seen = [];
  e.on(errorMonitor, () => seen.push("monitor"));
  e.on("error", () => seen.push("handler"));
  e.emit("error", new Error("x"));
  deepEq(seen, ["monitor", "handler"]);
});
check("events.once resolves with args array", async () => {
  const e = new EventEmitter();
  setTimeout(() => e.emit("ready", 1, 2), 1);
  deepEq(await once(e, "ready"), [1, 2]);
});
check("events.once rejects on error", async () => {
  const e = new EventEmitter();
  setTimeout(() => e.emit("error", new Error("bad")), 1);
  try {
    await once(e, "ready");
    ok(false, "did not reject");
  } catch (err) {
    eq(err.message, "bad");
  }
});
check("events.on async iterator", async () => {
  const e = new EventEmitter();
  const ac = new AbortController();
  setTimeout(() => { e.emit("d", 1); e.emit("d", 2); }, 1);
  const got = [];
  try {
    for await (const [v] of on(e, "d", { signal: ac.signal })) {
      got.push(v);
      if (got.length === 2) ac.abort();
    }
  } catch (err) {
    eq(err.name, "AbortError", "error name");
  }
  deepEq(got, [1, 2]);
});
check("MaxListenersExceededWarning emitted past the limit", async () => {
  const e = new EventEmitter();
  e.setMaxListeners(1);
  const w = new Promise((r) => process.once("warning", r));
  e.on("x", () => {});
  e.on("x", () => {});
  const warning = await w;
  eq(warning.name, "MaxListenersExceededWarning");
});
check("listenerCount/eventNames/rawListeners report listeners", () => {
  const e = new EventEmitter();
  const fn = () => {};
  e.once("a", fn);
  e.on(Symbol.for("s"), fn);
  eq(e.listenerCount("a"), 1, "listenerCount");
  eq(e.eventNames().length, 2, "eventNames");
  eq(e.rawListeners("a")[0].listener, fn, "rawListeners wrapper");
});
check("getEventListeners on EventTarget", () => {
  const t = new EventTarget();
  const fn = () => {};
  t.addEventListener("foo", fn);
  deepEq(getEventListeners(t, "foo").length, 1);
});
check("setMaxListeners on EventTarget triggers the leak warning past the limit", async () => {
  const t = new EventTarget();
  setMaxListeners(1, t);
  const w = new Promise((r) => { const f = (x) => { if (x.name === "MaxListenersExceededWarning") { process.off("warning", f); r(x.name); } }; process.on("warning", f); setTimeout(() => { process.off("warning", f); r("no warning"); }, 500); });
  t.addEventListener("foo", () => {});
  t.addEventListener("foo", () => {});
  eq(await w, "MaxListenersExceededWarning");
});
check("captureRejections routes async errors", async () => {
  const e = new EventEmitter({ captureRejections: true });
  const got = new Promise((r) => e.on("error", r));
  e.on("x", async () => { throw new Error("async boom"); });
  e.emit("x");
  eq((await got).message, "async boom");
});
check("captureRejectionSymbol method receives the async rejection", async () => {
  const e = new EventEmitter({ captureRejections: true });
  const got = new Promise((r) => { e[captureRejectionSymbol] = (err, event) => r(`${err.message}/${event}`); });
  e.on("x", async () => { throw new Error("routed"); });
  e.emit("x");
  eq(await got, "routed/x");
});
check("defaultMaxListeners is 10 by default", () => eq(events.defaultMaxListeners, 10));
check("removeListener event fires", () => {
  const e = new EventEmitter();
  let fired = false;
  const fn = () => {};
  e.on("removeListener", (name) => { fired = name === "x"; });
  e.on("x", fn);
  e.off("x", fn);
  ok(fired, "removeListener not emitted");
});
check("addAbortListener calls back once and is disposable", () => {
  ok(typeof events.addAbortListener === "function", "addAbortListener missing");
  const ac = new AbortController();
  let n = 0;
  const d = events.addAbortListener(ac.signal, () => n++);
  ac.abort();
  eq(n, 1, "calls");
  ok(typeof d[Symbol.dispose] === "function", "not disposable");
});
check("EventEmitterAsyncResource listeners run in the construction-time context", async () => {
  const { AsyncLocalStorage } = await import("node:async_hooks");
  const als = new AsyncLocalStorage();
  const e = als.run("made-here", () => new events.EventEmitterAsyncResource({ name: "BkEmitter" }));
  const got = new Promise((r) => e.on("x", () => r(als.getStore())));
  als.run("emitted-here", () => e.emit("x"));
  eq(await got, "made-here");
});
check("CustomEvent global carries detail", () => eq(new CustomEvent("x", { detail: 5 }).detail, 5));
check("events.once with an aborted signal rejects with AbortError", async () => {
  const ac = new AbortController();
  const p = once(new EventEmitter(), "never", { signal: ac.signal });
  ac.abort();
  try { await p; ok(false, "resolved"); } catch (e) { eq(e.name, "AbortError"); }
});
check("prependOnceListener runs first and only once", () => {
  const e = new EventEmitter();
  const seen = [];
  e.on("x", () => seen.push("on"));
  e.prependOnceListener("x", () => seen.push("first"));
  e.emit("x");
  e.emit("x");
  deepEq(seen, ["first", "on", "on"]);
});
check("newListener fires before the listener is added", () => {
  const e = new EventEmitter();
  let countAtEvent = -1;
  e.on("newListener", (name) => { if (name === "x") countAtEvent = e.listenerCount("x"); });
  e.on("x", () => {});
  eq(countAtEvent, 0);
});
check("listeners() returns the unwrapped once listener", () => {
  const e = new EventEmitter();
  const fn = () => {};
  e.once("x", fn);
  eq(e.listeners("x")[0], fn);
});
check("removeAllListeners(name) removes only that event", () => {
  const e = new EventEmitter();
  e.on("a", () => {});
  e.on("b", () => {});
  e.removeAllListeners("a");
  deepEq(e.eventNames(), ["b"]);
});
check("a listener that throws makes emit throw", () => {
  const e = new EventEmitter();
  e.on("x", () => { throw new Error("from listener"); });
  throws(() => e.emit("x"), (x) => x.message === "from listener");
});
check("getMaxListeners reads what setMaxListeners set", () => {
  const e = new EventEmitter();
  e.setMaxListeners(3);
  eq(events.getMaxListeners(e), 3);
});
check("EventTarget preventDefault makes dispatchEvent return false", () => {
  const t = new EventTarget();
  t.addEventListener("x", (ev) => ev.preventDefault());
  eq(t.dispatchEvent(new Event("x", { cancelable: true })), false);
});
await run();
