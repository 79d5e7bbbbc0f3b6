import dc from "node:diagnostics_channel";
import http from "node:http";
import { once } from "node:events";
import { describe, check, run, eq, ok, deepEq, throws } from "../harness.mjs";

describe("diagnostics_channel");
check("channel publish reaches a subscriber with the name", () => {
  const ch = dc.channel("bk:test");
  let got;
  const fn = (m, name) => (got = [m.x, name]);
  dc.subscribe("bk:test", fn);
  ch.publish({ x: 1 });
  dc.unsubscribe("bk:test", fn);
  deepEq(got, [1, "bk:test"]);
});
check("hasSubscribers follows subscribe/unsubscribe", () => {
  const ch = dc.channel("bk:has");
  const fn = () => {};
  ch.subscribe(fn);
  const a = ch.hasSubscribers;
  ch.unsubscribe(fn);
  deepEq([a, ch.hasSubscribers], [true, false]);
});
check("tracingChannel traceSync publishes start and end", () => {
  const tc = dc.tracingChannel("bk:trace");
  const ev = [];
  tc.subscribe({ start: () => ev.push("start"), end: () => ev.push("end"), asyncStart() {}, asyncEnd() {}, error: () => ev.push("error") });
  eq(tc.traceSync(() => 5, {}), 5);
  deepEq(ev, ["start", "end"]);
});
check("tracingChannel tracePromise publishes the four events", async () => {
  const tc = dc.tracingChannel("bk:tp");
  const ev = [];
  tc.subscribe({ start: () => ev.push("start"), end: () => ev.push("end"), asyncStart: () => ev.push("asyncStart"), asyncEnd: () => ev.push("asyncEnd"), error() {} });
  await tc.tracePromise(async () => 1, {});
  deepEq(ev, ["start", "end", "asyncStart", "asyncEnd"]);
});
check("bindStore + runStores put the transformed message into an AsyncLocalStorage", async () => {
  const { AsyncLocalStorage } = await import("node:async_hooks");
  const als = new AsyncLocalStorage();
  const ch = dc.channel("bk:store");
  ch.bindStore(als, (msg) => `store:${msg.v}`);
  const inside = ch.runStores({ v: 5 }, () => als.getStore());
  ch.unbindStore(als);
  eq(inside, "store:5");
});
check("http.server.request.start published for an incoming request", async () => {
  let seen = false;
  const fn = () => (seen = true);
  dc.subscribe("http.server.request.start", fn);
  const s = http.createServer((_q, r) => r.end()).listen(0, "127.0.0.1");
  await once(s, "listening");
  await fetch(`http://127.0.0.1:${s.address().port}/`).then((r) => r.text());
  s.close();
  dc.unsubscribe("http.server.request.start", fn);
  ok(seen, "no http.server.request.start message");
});
check("http.client.request.start published for http.get", async () => {
  let seen = false;
  const fn = () => (seen = true);
  dc.subscribe("http.client.request.start", fn);
  const s = http.createServer((_q, r) => r.end()).listen(0, "127.0.0.1");
  await once(s, "listening");
  await new Promise((r) => http.get(`http://127.0.0.1:${s.address().port}/`, (x) => { x.resume(); x.on("end", r); }));
  s.close();
  dc.unsubscribe("http.client.request.start", fn);
  ok(seen, "no http.client.request.start message");
});
check("undici:request:create published by fetch", async () => {
  let seen = false;
  const fn = () => (seen = true);
  dc.subscribe("undici:request:create", fn);
  const s = http.createServer((_q, r) => r.end()).listen(0, "127.0.0.1");
  await once(s, "listening");
  await fetch(`http://127.0.0.1:${s.address().port}/`).then((r) => r.text());
  s.close();
  dc.unsubscribe("undici:request:create", fn);
  ok(seen, "fetch published no undici:request:create");
});
check("net.client.socket published for net.connect", async () => {
  let seen = false;
  const fn = () => (seen = true);
  dc.subscribe("net.client.socket", fn);
  const net = await import("node:net");
  const s = net.createServer((x) => x.end()).listen(0, "127.0.0.1");
  await once(s, "listening");
  const c = net.connect(s.address().port, "127.0.0.1");
  await once(c, "connect");
  c.destroy();
  s.close();
  dc.unsubscribe("net.client.socket", fn);
  ok(seen, "no net.client.socket message");
});
check("subscribe before the channel exists still receives its messages", () => {
  let got;
  const fn = (m) => (got = m.v);
  dc.subscribe("bk:early", fn);
  dc.channel("bk:early").publish({ v: 7 });
  dc.unsubscribe("bk:early", fn);
  eq(got, 7);
});
check("tracingChannel traceSync publishes error and rethrows", () => {
  const tc = dc.tracingChannel("bk:err");
  const ev = [];
  tc.subscribe({ start() {}, end() {}, asyncStart() {}, asyncEnd() {}, error: (m) => ev.push(m.error.message) });
  throws(() => tc.traceSync(() => { throw new Error("traced"); }, {}), (e) => e.message === "traced");
  deepEq(ev, ["traced"]);
});
check("tracingChannel traceCallback publishes asyncStart with the callback result", async () => {
  const tc = dc.tracingChannel("bk:cb");
  const ev = [];
  tc.subscribe({ start: () => ev.push("start"), end: () => ev.push("end"), asyncStart: (m) => ev.push(`asyncStart:${m.result}`), asyncEnd: () => ev.push("asyncEnd"), error() {} });
  await new Promise((r) => tc.traceCallback((cb) => setTimeout(() => cb(null, 9), 1), -1, {}, null, () => r()));
  deepEq(ev, ["start", "end", "asyncStart:9", "asyncEnd"]);
});
check("http.server.response.finish published when the response ends", async () => {
  let code;
  const fn = (m) => (code = m.response.statusCode);
  dc.subscribe("http.server.response.finish", fn);
  const s = http.createServer((_q, r) => { r.statusCode = 204; r.end(); }).listen(0, "127.0.0.1");
  await once(s, "listening");
  await fetch(`http://127.0.0.1:${s.address().port}/`).then((r) => r.text());
  s.close();
  dc.unsubscribe("http.server.response.finish", fn);
  eq(code, 204);
});
await run();
