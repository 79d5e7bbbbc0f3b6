import dc from "node:diagnostics_channel";
import http from "node:http";
import { once } from "node:events";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("diagnostics_channel");
check("channel publish/subscribe", () => {
  const ch = dc.channel("bk:test");
  let got;
  const fn = (m, name) => (got = [m.x, name]);
  dc.subscribe("bk:test", fn);
  ch.publish({ x: 1 });
  dc.unsubscribe("bk:test", fn);
  deepEq(got, [1, "bk:test"]);
});
check("hasSubscribers", () => {
  const ch = dc.channel("bk:has");
  const fn = () => {};
  ch.subscribe(fn);
  const a = ch.hasSubscribers;
  ch.unsubscribe(fn);
  deepEq([a, ch.hasSubscribers], [true, false]);
});
check("tracingChannel traceSync", () => {
  const tc = dc.tracingChannel("bk:trace");
  const ev = [];
  tc.subscribe({ start: () => ev.push("start"), end: () => ev.push("end"), asyncStart() {}, asyncEnd() {}, error: () => ev.push("error") });
  eq(tc.traceSync(() => 5, {}), 5);
  deepEq(ev, ["start", "end"]);
});
check("tracingChannel tracePromise", async () => {
  const tc = dc.tracingChannel("bk:tp");
  const ev = [];
  tc.subscribe({ start: () => ev.push("start"), end: () => ev.push("end"), asyncStart: () => ev.push("asyncStart"), asyncEnd: () => ev.push("asyncEnd"), error() {} });
  await tc.tracePromise(async () => 1, {});
  deepEq(ev, ["start", "end", "asyncStart", "asyncEnd"]);
});
check("channel bindStore", () => {
  ok(typeof dc.channel("x").bindStore === "function", "bindStore missing");
});
check("http.server.request.start published", async () => {
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
check("http.client.request.start published", async () => {
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
check("net.client.socket published", async () => {
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
check("Channel is instanceof dc.Channel", () => ok(dc.channel("z") instanceof dc.Channel, "not a Channel"));
await run();
