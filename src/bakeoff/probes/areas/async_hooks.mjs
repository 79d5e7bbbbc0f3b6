import { AsyncLocalStorage, AsyncResource, createHook, executionAsyncId, triggerAsyncId } from "node:async_hooks";
import { EventEmitter } from "node:events";
import { Readable, finished } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("async_hooks");
const als = new AsyncLocalStorage();
const inCtx = (v, fn) => als.run(v, fn);
check("run + getStore sync", () => eq(inCtx(1, () => als.getStore()), 1));
check("store kept across await", async () => eq(await inCtx(2, async () => { await sleep(1); return als.getStore(); }), 2));
check("store kept in .then callback", async () => eq(await inCtx(3, () => Promise.resolve().then(() => als.getStore())), 3));
check("store kept in custom thenable", async () => {
  const thenable = { then(res) { setTimeout(() => res(als.getStore()), 1); } };
  eq(await inCtx(4, async () => await thenable), 4);
});
check("store kept in setTimeout", async () => eq(await inCtx(5, () => new Promise((r) => setTimeout(() => r(als.getStore()), 1))), 5));
check("store kept in setImmediate", async () => eq(await inCtx(6, () => new Promise((r) => setImmediate(() => r(als.getStore())))), 6));
check("store kept in process.nextTick", async () => eq(await inCtx(7, () => new Promise((r) => process.nextTick(() => r(als.getStore())))), 7));
check("store kept in queueMicrotask", async () => eq(await inCtx(8, () => new Promise((r) => queueMicrotask(() => r(als.getStore())))), 8));
check("EventEmitter listener sees emitter-time store", async () => {
  const e = new EventEmitter();
  const p = new Promise((r) => e.on("x", () => r(als.getStore())));
  inCtx(9, () => setTimeout(() => e.emit("x"), 1));
  eq(await p, 9);
});
check("stream.finished callback keeps store", async () => {
  const got = await inCtx(10, () => new Promise((r) => { const s = Readable.from(["a"]); finished(s, () => r(als.getStore())); s.resume(); }));
  eq(got, 10);
});
check("stream 'data' callback keeps store", async () => {
  const got = await inCtx(11, () => new Promise((r) => { Readable.from(["a"]).on("data", () => r(als.getStore())); }));
  eq(got, 11);
});
check("exit() clears store", () => eq(inCtx(12, () => als.exit(() => als.getStore())), undefined));
check("enterWith sets the store for the rest of the callback", async () => {
  const got = await new Promise((r) => setTimeout(() => { als.enterWith(13); setTimeout(() => r(als.getStore()), 1); }, 1));
  eq(got, 13);
});
check("nested run() restores the outer store", () => deepEq(inCtx(1, () => [als.getStore(), inCtx(2, () => als.getStore()), als.getStore()]), [1, 2, 1]));
check("AsyncLocalStorage.bind captures the current store", () => { const f = inCtx(14, () => AsyncLocalStorage.bind(() => als.getStore())); eq(f(), 14); });
check("AsyncLocalStorage.snapshot runs a function in the captured store", () => { const s = inCtx(15, () => AsyncLocalStorage.snapshot()); eq(s(() => als.getStore()), 15); });
check("AsyncResource.runInAsyncScope keeps store", () => {
  const r = inCtx(16, () => new AsyncResource("X"));
  eq(r.runInAsyncScope(() => als.getStore()), 16);
});
check("AsyncResource.bind runs the function in the bound store", () => { const f = inCtx(17, () => AsyncResource.bind(() => als.getStore())); eq(f(), 17); });
check("store kept across unhandled-safe Promise.all", async () => eq(await inCtx(18, async () => (await Promise.all([sleep(1).then(() => als.getStore())]))[0]), 18));
check("executionAsyncId is positive inside setImmediate", async () => {
  const id = await new Promise((r) => setImmediate(() => r(executionAsyncId())));
  ok(id > 0, `got ${id}`);
});
check("executionAsyncId differs between two timers", async () => {
  const a = await new Promise((r) => setTimeout(() => r(executionAsyncId()), 1));
  const b = await new Promise((r) => setTimeout(() => r(executionAsyncId()), 1));
  ok(a > 0 && b > 0 && a !== b, `ids ${a} and ${b}`);
});
check("triggerAsyncId in timeout is the creating resource", async () => {
  const [outer, trig] = await new Promise((r) => setImmediate(() => { const o = executionAsyncId(); setTimeout(() => r([o, triggerAsyncId()]), 1); }));
  ok(outer > 0 && trig === outer, `created in ${outer}, triggerAsyncId ${trig}`);
});
check("createHook init fires for Timeout", async () => {
  const types = [];
  const h = createHook({ init(_id, type) { types.push(type); } }).enable();
  await new Promise((r) => setTimeout(r, 1));
  h.disable();
  ok(types.includes("Timeout"), `init types: ${types.join(",") || "none"}`);
});
check("createHook before/after fire", async () => {
  let before = 0, after = 0;
  const h = createHook({ before() { before++; }, after() { after++; } }).enable();
  await new Promise((r) => setTimeout(r, 1));
  h.disable();
  ok(before > 0 && after > 0, `before=${before} after=${after}`);
});
check("createHook promiseResolve fires", async () => {
  let n = 0;
  const h = createHook({ promiseResolve() { n++; } }).enable();
  await Promise.resolve(1);
  h.disable();
  ok(n > 0, "promiseResolve never called");
});
check("AsyncResource has positive asyncId and a triggerAsyncId", () => {
  const r = new AsyncResource("Y");
  ok(r.asyncId() > 0 && r.triggerAsyncId() >= 0, `asyncId ${r.asyncId()}`);
});
await run();
