import { Worker, MessageChannel, receiveMessageOnPort, isMainThread, threadId, BroadcastChannel, markAsUntransferable, getEnvironmentData, setEnvironmentData, SHARE_ENV } from "node:worker_threads";
import wt from "node:worker_threads";
import { once } from "node:events";
import { describe, check, run, eq, ok, deepEq, isFn, stub } from "../harness.mjs";

describe("worker_threads");
const url = new URL("../fixtures/worker.mjs", import.meta.url);
const ask = async (w, msg, transfer) => { w.postMessage(msg, transfer); return (await once(w, "message"))[0]; };
check("isMainThread/threadId in main", () => deepEq([isMainThread, threadId], [true, 0]));
check("Worker workerData round trip", async () => {
  const w = new Worker(url, { workerData: { a: [1, 2] } });
  const info = await ask(w, { cmd: "info" });
  await w.terminate();
  deepEq([info.workerData, info.isMainThread, info.threadId > 0], [{ a: [1, 2] }, false, true]);
});
check("structured clone of Map/Date", async () => {
  const w = new Worker(url);
  const back = await ask(w, { m: new Map([[1, new Date(0)]]) });
  await w.terminate();
  ok(back.m instanceof Map && back.m.get(1) instanceof Date, "clone lost types");
});
check("transfer list detaches ArrayBuffer", async () => {
  const w = new Worker(url);
  const buf = new ArrayBuffer(8);
  const len = await ask(w, { cmd: "len", buf }, [buf]);
  await w.terminate();
  deepEq([len, buf.byteLength], [8, 0]);
});
check("MessageChannel port transfer", async () => {
  const w = new Worker(url);
  const { port1, port2 } = new MessageChannel();
  w.postMessage({ cmd: "port", port: port2 }, [port2]);
  const [m] = await once(port1, "message");
  port1.close();
  await w.terminate();
  eq(m, "via-port");
});
check("receiveMessageOnPort reads a queued message synchronously", () => {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage({ x: 1 });
  const r = receiveMessageOnPort(port2);
  port1.close();
  deepEq(r, { message: { x: 1 } });
});
check("resourceLimits visible inside worker", async () => {
  const w = new Worker(url, { resourceLimits: { maxOldGenerationSizeMb: 64 } });
  const info = await ask(w, { cmd: "info" });
  await w.terminate();
  eq(info.resourceLimits && info.resourceLimits.maxOldGenerationSizeMb, 64, "resourceLimits.maxOldGenerationSizeMb");
}, { ref: "https://bun.sh/reference/node/worker_threads" });
check("resourceLimits enforced: worker exits with ERR_WORKER_OUT_OF_MEMORY", async () => {
  const w = new Worker(url, { resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } });
  w.postMessage({ cmd: "oom" });
  const got = await new Promise((res) => { w.on("error", res); w.on("message", res); w.on("exit", () => res(null)); setTimeout(() => res({ silent: true }), 6000); });
  if (got && got.silent) { w.terminate(); ok(false, "worker went silent: no 'error', 'exit' or 'message' within 6 s of exceeding a 16 MB heap limit"); }
  await w.terminate();
  if (got && got.survivedMb) ok(false, `limit not enforced: worker heap grew to ${got.survivedMb} MB under a 16 MB limit`);
  eq(got && got.code, "ERR_WORKER_OUT_OF_MEMORY", "error code");
}, { timeoutMs: 8000, ref: "https://github.com/oven-sh/bun/issues/31411 https://github.com/denoland/deno/issues/26156" });
check("worker error event with message", async () => {
  const w = new Worker(url);
  w.postMessage({ cmd: "throw" });
  const [e] = await once(w, "error");
  eq(e.message, "worker boom");
});
check("terminate resolves exit code 1", async () => {
  const w = new Worker(url);
  await once(w, "online");
  eq(await w.terminate(), 1);
});
check("eval worker runs code from a string", async () => {
  const w = new Worker("require('node:worker_threads').parentPort.postMessage(6*7)", { eval: true });
  const [m] = await once(w, "message");
  await w.terminate();
  eq(m, 42);
});
check("SharedArrayBuffer + Atomics shared", async () => {
  const sab = new SharedArrayBuffer(4);
  const w = new Worker("const {workerData}=require('node:worker_threads'); const a=new Int32Array(workerData); Atomics.store(a,0,7); Atomics.notify(a,0);", { eval: true, workerData: sab });
  const a = new Int32Array(sab);
  await once(w, "exit");
  eq(Atomics.load(a, 0), 7);
});
check("BroadcastChannel delivers between two channels", async () => {
  const a = new BroadcastChannel("bk"), b = new BroadcastChannel("bk");
  const p = once(b, "message");
  a.postMessage("hi");
  const [ev] = await p;
  a.close(); b.close();
  eq(ev.data, "hi");
});
check("environmentData set in the parent is seen in a worker", async () => {
  setEnvironmentData("k", "v");
  const w = new Worker("const w=require('node:worker_threads'); w.parentPort.postMessage(w.getEnvironmentData('k'))", { eval: true });
  const [m] = await once(w, "message");
  await w.terminate();
  eq(m, "v");
});
check("markAsUntransferable makes a transfer of that buffer throw DataCloneError", () => {
  const buf = new ArrayBuffer(4);
  markAsUntransferable(buf);
  const { port1, port2 } = new MessageChannel();
  try { port1.postMessage(buf, [buf]); ok(false, `transferred (byteLength now ${buf.byteLength})`); } catch (e) { eq(e.name, "DataCloneError"); } finally { port1.close(); port2.close(); }
}, { ref: "https://bun.sh/reference/node/worker_threads" });
check("moveMessagePortToContext delivers messages inside the vm context", async () => {
  const vm = await import("node:vm");
  const ctx = vm.createContext({});
  const { port1, port2 } = new MessageChannel();
  const moved = wt.moveMessagePortToContext(port2, ctx);
  ctx.moved = moved;
  const got = new Promise((r) => { ctx.done = r; });
  vm.runInContext("moved.onmessage = (e) => done(e.data); moved.start();", ctx);
  port1.postMessage("into-context");
  const v = await Promise.race([got, new Promise((r) => setTimeout(() => r("nothing within 2 s"), 2000))]);
  port1.close(); moved.close();
  eq(v, "into-context");
}, { ref: "https://bun.sh/reference/node/worker_threads" });
check("worker stdout option pipes the worker's console.log", async () => {
  const w = new Worker("console.log('from-worker')", { eval: true, stdout: true });
  let d = "";
  w.stdout.on("data", (c) => (d += c));
  await once(w, "exit");
  eq(d, "from-worker\n");
}, { ref: "https://github.com/denoland/deno/issues/31889" });
check("env: SHARE_ENV lets a worker change the parent's process.env", async () => {
  delete process.env.BK_SHARED;
  const w = new Worker("process.env.BK_SHARED = 'from-worker'", { eval: true, env: SHARE_ENV });
  await once(w, "exit");
  eq(process.env.BK_SHARED, "from-worker");
  delete process.env.BK_SHARED;
});
check("worker.threadId is positive and worker.resourceLimits reports the heap limit", async () => {
  const w = new Worker(url, { resourceLimits: { maxOldGenerationSizeMb: 48 } });
  await once(w, "online");
  const v = [w.threadId > 0, w.resourceLimits && w.resourceLimits.maxOldGenerationSizeMb];
  await w.terminate();
  deepEq(v, [true, 48]);
});
// A worker from a data: URL (bundlers and some libraries inline worker code this way).
check("a worker from a data: URL runs and posts back", async () => {
  const code = "import { parentPort } from 'node:worker_threads'; parentPort.postMessage(6 * 7);";
  const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  const m = await Promise.race([once(w, "message").then(([x]) => x), once(w, "error").then(([e]) => `error: ${e.message}`)]);
  await w.terminate();
  eq(m, 42);
});
check("a worker from a data: URL can import node: built-ins and export nothing", async () => {
  const code = "import os from 'node:os'; import { parentPort } from 'node:worker_threads'; parentPort.postMessage(typeof os.cpus());";
  const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  const m = await Promise.race([once(w, "message").then(([x]) => x), once(w, "error").then(([e]) => `error: ${e.message}`)]);
  await w.terminate();
  eq(m, "object");
});
check("process.exit(3) in a worker ends only the worker with code 3", async () => {
  const w = new Worker("process.exit(3)", { eval: true });
  const [code] = await once(w, "exit");
  eq(code, 3);
});
check("worker.postMessage with a transferList option detaches the buffer", async () => {
  const w = new Worker(url);
  const buf = new ArrayBuffer(16);
  w.postMessage({ cmd: "len", buf }, { transfer: [buf] });
  const [len] = await once(w, "message");
  await w.terminate();
  deepEq([len, buf.byteLength], [16, 0]);
});
check("worker.performance.eventLoopUtilization reports the worker's loop", async () => {
  const w = new Worker("setTimeout(() => {}, 200)", { eval: true });
  await once(w, "online");
  await new Promise((r) => setTimeout(r, 50));
  const elu = w.performance && typeof w.performance.eventLoopUtilization === "function" ? w.performance.eventLoopUtilization() : null;
  await w.terminate();
  isFn(w.performance || {}, "eventLoopUtilization");
  if (elu.idle + elu.active === 0) stub(`idle and active stayed 0 over 50 ms: ${JSON.stringify(elu)}`);
  ok(elu.idle + elu.active > 0, `elu ${JSON.stringify(elu)}`);
});
await run();
