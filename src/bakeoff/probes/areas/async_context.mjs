// AsyncLocalStorage across the boundaries request-scoped context crosses in real services:
// awaits of real I/O, .then chains, timers, stream callbacks, EventEmitters, http handlers,
// callbacks of fs/crypto/zlib/dns/net. Request loggers, tracing (OpenTelemetry's context
// manager) and Svelte/Next SSR rely on each; several broke in 2025-26 releases. Node's semantics:
// a continuation runs in the context that was current when it was scheduled (await, .then(),
// setTimeout, a resource's creation), an EventEmitter listener in the context of emit().
import { AsyncLocalStorage } from "node:async_hooks";
import { EventEmitter } from "node:events";
import { Readable, Writable, PassThrough, pipeline, finished } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import fs from "node:fs";
import fsp from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import crypto from "node:crypto";
import zlib from "node:zlib";
import dns from "node:dns";
import readline from "node:readline";
import vm from "node:vm";
import { once } from "node:events";
import { describe, check, run, eq, deepEq } from "../harness.mjs";

describe("async_context");
const als = new AsyncLocalStorage();
const inCtx = (v, fn) => als.run(v, fn);
const cb2p = (v, start) => inCtx(v, () => new Promise((r) => start(() => r(als.getStore()))));
check("store survives an await of real file I/O", async () => eq(await inCtx("fs-await", async () => { await fsp.readFile(new URL(import.meta.url)); return als.getStore(); }), "fs-await"));
check("store survives an await of a TCP round trip", async () => {
  const srv = net.createServer((s) => s.end("pong")).listen(0, "127.0.0.1");
  await once(srv, "listening");
  const got = await inCtx("net-await", async () => { const c = net.connect(srv.address().port, "127.0.0.1"); for await (const _ of c); return als.getStore(); });
  srv.close();
  eq(got, "net-await");
});
check(".then attached inside run() to an outside promise sees the inner store", async () => {
  const outside = Promise.resolve();
  eq(await inCtx("then-inside", () => outside.then(() => als.getStore())), "then-inside");
});
check(".then attached outside to a promise resolved inside sees no store", async () => {
  let resolve;
  const p = inCtx("resolved-inside", () => new Promise((r) => { resolve = r; }));
  inCtx("resolved-inside", () => resolve());
  eq(await p.then(() => als.getStore()), undefined);
});
check("a long .then chain keeps the store on every link", async () => {
  const seen = await inCtx("chain", () => { let p = Promise.resolve([]); for (let i = 0; i < 5; i++) p = p.then((a) => sleep(1).then(() => [...a, als.getStore()])); return p; });
  deepEq(seen, ["chain", "chain", "chain", "chain", "chain"]);
});
check("setInterval keeps the store on every tick", async () => {
  const seen = await inCtx("interval", () => new Promise((r) => { const got = []; const i = setInterval(() => { got.push(als.getStore()); if (got.length === 3) { clearInterval(i); r(got); } }, 1); }));
  deepEq(seen, ["interval", "interval", "interval"]);
});
check("timers/promises setTimeout keeps the store", async () => eq(await inCtx("tp", async () => { await sleep(2); return als.getStore(); }), "tp"));
check("a timer set in an await continuation keeps the store", async () => eq(await inCtx("nested-timer", async () => { await sleep(1); return new Promise((r) => setTimeout(() => r(als.getStore()), 1)); }), "nested-timer"));
check("stream.finished callback keeps the store after an async write", async () => {
  const got = await inCtx("finished-write", () => new Promise((r) => {
    const w = new Writable({ write(_c, _e, cb) { setTimeout(cb, 2); } });
    finished(w, () => r(als.getStore()));
    w.write("a");
    w.end("b");
  }));
  eq(got, "finished-write");
});
check("stream.pipeline callback keeps the store", async () => {
  const got = await inCtx("pipeline", () => new Promise((r) => pipeline(Readable.from(["x", "y"]), new PassThrough(), new Writable({ write(_c, _e, cb) { setImmediate(cb); } }), () => r(als.getStore()))));
  eq(got, "pipeline");
});
check("a Transform's callbacks keep the store of the stream's creation", async () => {
  const got = await inCtx("transform", () => new Promise((r) => { const p = new PassThrough(); p.on("data", () => r(als.getStore())); setTimeout(() => p.write("z"), 1); }));
  eq(got, "transform");
});
check("an EventEmitter listener runs in the context of emit()", async () => {
  const e = new EventEmitter();
  let got;
  inCtx("registered", () => e.on("x", () => (got = als.getStore())));
  inCtx("emitted", () => e.emit("x"));
  eq(got, "emitted");
});
check("an AbortSignal listener sees the store of abort()", () => {
  const ac = new AbortController();
  let got;
  inCtx("listener", () => ac.signal.addEventListener("abort", () => (got = als.getStore())));
  inCtx("aborter", () => ac.abort());
  eq(got, "aborter");
});
check("concurrent http requests each see their own store", async () => {
  const srv = http.createServer((req, res) => inCtx(req.url, async () => { await sleep(5 + Math.random() * 10); res.end(String(als.getStore())); }));
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const base = `http://127.0.0.1:${srv.address().port}`;
  const ids = ["/a", "/b", "/c", "/d", "/e"];
  const got = await Promise.all(ids.map((id) => fetch(base + id).then((r) => r.text())));
  srv.close();
  deepEq(got, ids);
});
check("an http client response 'end' handler keeps the store of the request", async () => {
  const srv = http.createServer((_q, r) => r.end("x")).listen(0, "127.0.0.1");
  await once(srv, "listening");
  const got = await cb2p("http-client", (done) => http.get(`http://127.0.0.1:${srv.address().port}/`, (res) => { res.resume(); res.on("end", done); }));
  srv.close();
  eq(got, "http-client");
});
check("fetch().then keeps the store", async () => {
  const srv = http.createServer((_q, r) => r.end("x")).listen(0, "127.0.0.1");
  await once(srv, "listening");
  const got = await inCtx("fetch", () => fetch(`http://127.0.0.1:${srv.address().port}/`).then((r) => r.text()).then(() => als.getStore()));
  srv.close();
  eq(got, "fetch");
});
check("an fs.readFile callback keeps the store", async () => eq(await cb2p("fs-cb", (done) => fs.readFile(new URL(import.meta.url), done)), "fs-cb"));
check("a crypto.randomBytes callback keeps the store", async () => eq(await cb2p("crypto-cb", (done) => crypto.randomBytes(8, done)), "crypto-cb"));
check("a crypto.pbkdf2 threadpool callback keeps the store", async () => eq(await cb2p("pbkdf2-cb", (done) => crypto.pbkdf2("p", "s", 1000, 16, "sha256", done)), "pbkdf2-cb"));
check("a zlib.gzip callback keeps the store", async () => eq(await cb2p("zlib-cb", (done) => zlib.gzip("data", done)), "zlib-cb"));
check("a dns.lookup callback keeps the store", async () => eq(await cb2p("dns-cb", (done) => dns.lookup("127.0.0.1", done)), "dns-cb"));
check("a socket created inside run() sees the store in its data handler", async () => {
  const srv = net.createServer((s) => setTimeout(() => s.end("late data"), 5)).listen(0, "127.0.0.1");
  await once(srv, "listening");
  const got = await inCtx("socket", () => new Promise((r) => net.connect(srv.address().port, "127.0.0.1").once("data", () => r(als.getStore()))));
  srv.close();
  eq(got, "socket");
});
check("a readline line handler set up inside run() keeps the store", async () => eq(await inCtx("readline", () => new Promise((r) => { const input = new PassThrough(); readline.createInterface({ input }).once("line", () => r(als.getStore())); setTimeout(() => input.write("l\n"), 1); })), "readline"));
check("an async generator keeps the store across yields", async () => {
  async function* gen() { for (let i = 0; i < 3; i++) { await sleep(1); yield als.getStore(); } }
  const got = await inCtx("generator", async () => { const out = []; for await (const v of gen()) out.push(v); return out; });
  deepEq(got, ["generator", "generator", "generator"]);
});
check("two AsyncLocalStorage instances hold independent stores", async () => {
  const other = new AsyncLocalStorage();
  const got = await inCtx("first", () => other.run("second", async () => { await sleep(1); return [als.getStore(), other.getStore()]; }));
  deepEq(got, ["first", "second"]);
});
check("run() restores the outer store when the callback throws", () => {
  const got = inCtx("outer", () => { try { inCtx("inner", () => { throw new Error("x"); }); } catch {} return als.getStore(); });
  eq(got, "outer");
});
check("a promise job started by code in a vm context keeps the store", async () => eq(await inCtx("vm", () => new Promise((r) => vm.runInNewContext("Promise.resolve().then(cb)", { cb: () => r(als.getStore()) }))), "vm"));
check("queueMicrotask inside a .then keeps the store", async () => eq(await inCtx("micro-in-then", () => Promise.resolve().then(() => new Promise((r) => queueMicrotask(() => r(als.getStore()))))), "micro-in-then"));
await run();
