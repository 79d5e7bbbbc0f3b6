import dgram from "node:dgram";
import { once } from "node:events";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("dgram");
check("udp4 send/receive on loopback", async () => {
  const a = dgram.createSocket("udp4"), b = dgram.createSocket("udp4");
  b.bind(0, "127.0.0.1");
  a.bind(0, "127.0.0.1");
  await Promise.all([once(b, "listening"), once(a, "listening")]);
  const got = once(b, "message");
  a.send("ping", b.address().port, "127.0.0.1");
  const [msg, rinfo] = await got;
  a.close(); b.close();
  deepEq([msg.toString(), rinfo.family, rinfo.address], ["ping", "IPv4", "127.0.0.1"]);
});
check("udp6 send/receive on loopback", async () => {
  const s = dgram.createSocket("udp6");
  s.bind(0, "::1");
  await once(s, "listening");
  const got = once(s, "message");
  s.send("v6", s.address().port, "::1");
  const [m] = await got;
  s.close();
  eq(m.toString(), "v6");
});
check("connect() + send without address", async () => {
  const a = dgram.createSocket("udp4"), b = dgram.createSocket("udp4");
  b.bind(0, "127.0.0.1");
  a.bind(0, "127.0.0.1");
  await Promise.all([once(b, "listening"), once(a, "listening")]);
  a.connect(b.address().port, "127.0.0.1");
  await once(a, "connect");
  const got = once(b, "message");
  a.send("c");
  eq((await got)[0].toString(), "c", "payload");
  eq(a.remoteAddress().port, b.address().port, "remoteAddress");
  a.close(); b.close();
});
check("send callback bytes", async () => {
  const a = dgram.createSocket("udp4");
  a.bind(0, "127.0.0.1");
  await once(a, "listening");
  const n = await new Promise((r, j) => a.send(Buffer.from("12345"), 9, "127.0.0.1", (e, b) => (e ? j(e) : r(b))));
  a.close();
  eq(n, 5);
});
check("close() emits the close event", async () => { const s = dgram.createSocket("udp4"); s.bind(0, "127.0.0.1"); await once(s, "listening"); const c = once(s, "close"); s.close(); await c; });
check("setBroadcast after bind", async () => { const s = dgram.createSocket("udp4"); s.bind(0, "127.0.0.1"); await once(s, "listening"); s.setBroadcast(true); s.close(); });
check("addMembership/dropMembership on a multicast group", async () => { const s = dgram.createSocket({ type: "udp4", reuseAddr: true }); s.bind(0, "127.0.0.1"); await once(s, "listening"); s.addMembership("239.1.2.3"); s.dropMembership("239.1.2.3"); s.close(); });
check("setTTL returns value", async () => { const s = dgram.createSocket("udp4"); s.bind(0, "127.0.0.1"); await once(s, "listening"); eq(s.setTTL(10), 10); s.close(); });
check("getRecvBufferSize reports a positive size", async () => { const s = dgram.createSocket("udp4"); s.bind(0, "127.0.0.1"); await once(s, "listening"); ok(s.getRecvBufferSize() > 0, "0"); s.close(); });
check("multiple buffers in send", async () => {
  const b = dgram.createSocket("udp4");
  b.bind(0, "127.0.0.1");
  await once(b, "listening");
  const got = once(b, "message");
  const a = dgram.createSocket("udp4");
  a.bind(0, "127.0.0.1");
  await once(a, "listening");
  a.send([Buffer.from("a"), Buffer.from("b")], b.address().port, "127.0.0.1");
  eq((await got)[0].toString(), "ab");
  a.close(); b.close();
});
await run();
