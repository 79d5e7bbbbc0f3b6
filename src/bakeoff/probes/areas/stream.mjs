import { Readable, Writable, Transform, PassThrough, Duplex, pipeline as pipelineCb, finished, addAbortSignal, compose } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ReadableStream, TextEncoderStream } from "node:stream/web";
import { text, json } from "node:stream/consumers";
import { describe, check, run, eq, ok, deepEq, throwsAsync } from "../harness.mjs";

describe("stream");
const collect = () => {
  const out = [];
  return [out, new Writable({ objectMode: true, write(c, _e, cb) { out.push(c); cb(); } })];
};
check("Readable.from iterable yields each item", async () => {
  const [out, w] = collect();
  await pipeline(Readable.from([1, 2, 3]), w);
  deepEq(out, [1, 2, 3]);
});
check("Readable.from async generator", async () => {
  async function* g() { yield "a"; yield "b"; }
  eq(await text(Readable.from(g())), "ab");
});
check("pipeline with Transform", async () => {
  const up = new Transform({ transform(c, _e, cb) { cb(null, c.toString().toUpperCase()); } });
  let s = "";
  await pipeline(Readable.from(["ab", "c"]), up, new Writable({ write(c, _e, cb) { s += c; cb(); } }));
  eq(s, "ABC");
});
check("pipeline with async generator stage", async () => {
  let s = "";
  await pipeline(Readable.from(["x", "y"]), async function* (src) { for await (const c of src) yield c + "!"; }, new Writable({ write(c, _e, cb) { s += c; cb(); } }));
  eq(s, "x!y!");
});
check("pipeline propagates errors and destroys", async () => {
  const src = new Readable({ read() { this.destroy(new Error("src failed")); } });
  const pt = new PassThrough();
  await throwsAsync(() => pipeline(src, pt), (e) => e.message === "src failed");
  ok(pt.destroyed, "downstream not destroyed");
});
check("callback pipeline calls back without error", async () => {
  await new Promise((res, rej) => pipelineCb(Readable.from(["a"]), new PassThrough(), new Writable({ write(_c, _e, cb) { cb(); } }), (e) => (e ? rej(e) : res())));
});
check("finished callback runs when the stream ends", async () => {
  const r = Readable.from(["a"]);
  const p = new Promise((res) => finished(r, res));
  r.resume();
  eq(await p, undefined);
});
check("backpressure: write returns false past highWaterMark", () => {
  const w = new Writable({ highWaterMark: 2, write(_c, _e, _cb) {} });
  w.write("a");
  eq(w.write("bc"), false);
});
check("objectMode highWaterMark default 16", () => eq(new Readable({ objectMode: true, read() {} }).readableHighWaterMark, 16));
check("byte stream highWaterMark default 65536", () => eq(new Readable({ read() {} }).readableHighWaterMark, 65536));
check("Readable.toWeb gives a readable web stream", async () => {
  const rs = Readable.toWeb(Readable.from([Buffer.from("w")]));
  const r = rs.getReader();
  const { value } = await r.read();
  eq(Buffer.from(value).toString(), "w");
});
check("Readable.fromWeb reads a web stream", async () => {
  const rs = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("web")); c.close(); } });
  eq(await text(Readable.fromWeb(rs)), "web");
});
check("Writable.toWeb writes to the Node stream", async () => {
  let s = "";
  const ws = Writable.toWeb(new Writable({ write(c, _e, cb) { s += c; cb(); } }));
  const w = ws.getWriter();
  await w.write(new TextEncoder().encode("ok"));
  await w.close();
  eq(s, "ok");
});
check("Duplex.from an async generator gives a Duplex", () => ok(typeof Duplex.from === "function" && Duplex.from(async function* (s) { for await (const c of s) yield c; }) instanceof Duplex, "Duplex.from failed"));
check("stream/consumers json parses chunked JSON", async () => deepEq(await json(Readable.from(['{"a":', "1}"])), { a: 1 }));
check("Readable.map/filter/toArray transform items", async () => {
  deepEq(await Readable.from([1, 2, 3, 4]).filter((x) => x % 2 === 0).map((x) => x * 10).toArray(), [20, 40]);
});
check("addAbortSignal destroys stream", async () => {
  const ac = new AbortController();
  const r = addAbortSignal(ac.signal, new Readable({ read() {} }));
  const err = new Promise((res) => r.on("error", res));
  ac.abort();
  eq((await err).name, "AbortError");
});
check("compose builds a transform from a generator", async () => {
  ok(typeof compose === "function", "compose missing");
  const s = compose(async function* (src) { for await (const c of src) yield String(c).toUpperCase(); });
  let out = "";
  await pipeline(Readable.from(["q"]), s, new Writable({ write(c, _e, cb) { out += c; cb(); } }));
  eq(out, "Q");
});
check("TextEncoderStream through pipeThrough", async () => {
  const rs = new ReadableStream({ start(c) { c.enqueue("é"); c.close(); } }).pipeThrough(new TextEncoderStream());
  const { value } = await rs.getReader().read();
  eq(value.length, 2);
});
check("'close' emitted after 'finish'", async () => {
  const order = [];
  const w = new Writable({ write(_c, _e, cb) { cb(); } });
  w.on("finish", () => order.push("finish"));
  const closed = new Promise((r) => w.on("close", () => { order.push("close"); r(); }));
  w.end("x");
  await closed;
  deepEq(order, ["finish", "close"]);
});
check("setEncoding yields strings", async () => {
  const r = Readable.from([Buffer.from("ab")], { objectMode: false });
  r.setEncoding("utf8");
  for await (const c of r) eq(typeof c, "string");
});
check("getDefaultHighWaterMark is 64 KiB for bytes", async () => {
  const s = await import("node:stream");
  ok(typeof s.getDefaultHighWaterMark === "function", "missing");
  eq(s.getDefaultHighWaterMark(false), 65536);
});
await run();
