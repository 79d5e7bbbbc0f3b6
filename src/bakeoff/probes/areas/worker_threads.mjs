import { Worker, MessageChannel, receiveMessageOnPort, isMainThread, threadId, BroadcastChannel, markAsUntransferable, getEnvironmentData, setEnvironmentData, SHARE_ENV } from "node:worker_threads";
import wt from "node:worker_threads";
import { once } from "node:events";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

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
check("receiveMessageOnPort", () => {
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
});
check("resourceLimits enforced: worker exits with ERR_WORKER_OUT_OF_MEMORY", async () => {
  const w = new Worker(url, { resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } });
  w.postMessage({ cmd: "oom" });
  const got = await new Promise((res) => { w.on("error", res); w.on("message", res); w.on("exit", () => res(null)); setTimeout(() => res({ silent: true }), 6000); });
  if (got && got.silent) { w.terminate(); ok(false, "worker went silent: no 'error', 'exit' or 'message' within 6 s of exceeding a 16 MB heap limit"); }
  await w.terminate();
  if (got && got.survivedMb) ok(false, `limit not enforced: worker heap grew to ${got.survivedMb} MB under a 16 MB limit`);
  eq(got && got.code, "ERR_WORKER_OUT_OF_MEMORY", "error code");
}, { timeoutMs: 8000 });
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
check("eval worker", async () => {
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
check("BroadcastChannel", async () => {
  const a = new BroadcastChannel("bk"), b = new BroadcastChannel("bk");
  const p = once(b, "message");
  a.postMessage("hi");
  const [ev] = await p;
  a.close(); b.close();
  eq(ev.data, "hi");
});
check("environmentData", async () => {
  setEnvironmentData("k", "v");
  const w = new Worker("const w=require('node:worker_threads'); w.parentPort.postMessage(w.getEnvironmentData('k'))", { eval: true });
  const [m] = await once(w, "message");
  await w.terminate();
  eq(m, "v");
});
check("markAsUntransferable", () => ok(typeof markAsUntransferable === "function", "markAsUntransferable missing"));
check("moveMessagePortToContext", () => ok(typeof wt.moveMessagePortToContext === "function", "moveMessagePortToContext missing"));
check("worker stdout option", async () => {
  const w = new Worker("console.log('from-worker')", { eval: true, stdout: true });
  let d = "";
  w.stdout.on("data", (c) => (d += c));
  await once(w, "exit");
  eq(d, "from-worker\n");
});
check("SHARE_ENV", () => eq(typeof SHARE_ENV, "symbol"));
check("worker.threadId and resourceLimits property", async () => {
  const w = new Worker(url);
  await once(w, "online");
  ok(typeof w.threadId === "number" && typeof w.resourceLimits === "object", "missing properties");
  await w.terminate();
});
await run();
