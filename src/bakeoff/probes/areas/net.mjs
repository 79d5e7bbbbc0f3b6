import net from "node:net";
import { once } from "node:events";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("net");
const srv = net.createServer((s) => s.pipe(s));
srv.listen(0, "127.0.0.1");
await once(srv, "listening");
const { port } = srv.address();
check("echo over TCP", async () => {
  const c = net.connect(port, "127.0.0.1");
  c.end("ping");
  let d = "";
  for await (const x of c) d += x;
  eq(d, "ping");
});
check("address() reports family and address", () => deepEq([srv.address().family, srv.address().address], ["IPv4", "127.0.0.1"]));
check("connect event and remotePort", async () => {
  const c = net.createConnection({ port, host: "127.0.0.1" });
  await once(c, "connect");
  eq(c.remotePort, port);
  c.destroy();
});
check("connect to a closed port fails with ECONNREFUSED", async () => {
  const s = net.createServer();
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const p = s.address().port;
  await new Promise((r) => s.close(r));
  const c = net.connect(p, "127.0.0.1");
  const [e] = await once(c, "error").catch((x) => [x]);
  eq(e.code, "ECONNREFUSED");
});
check("isIP/isIPv4/isIPv6 classify addresses", () => deepEq([net.isIP("::1"), net.isIPv4("1.2.3.4"), net.isIPv6("x")], [6, true, false]));
check("setNoDelay/setKeepAlive return socket", async () => {
  const c = net.connect(port, "127.0.0.1");
  await once(c, "connect");
  ok(c.setNoDelay(true) === c && c.setKeepAlive(true, 1000) === c, "not chainable");
  c.destroy();
});
check("unix domain socket", async () => {
  const path = `/tmp/bakeoff-${process.pid}.sock`;
  const s = net.createServer((x) => x.end("unix"));
  s.listen(path);
  await once(s, "listening");
  let d = "";
  for await (const x of net.connect(path)) d += x;
  s.close();
  eq(d, "unix");
});
check("BlockList matches addresses in a subnet", () => {
  const b = new net.BlockList();
  b.addSubnet("10.0.0.0", 8);
  ok(b.check("10.1.2.3") && !b.check("11.0.0.1"), "BlockList wrong");
});
check("SocketAddress keeps the port", () => eq(new net.SocketAddress({ address: "127.0.0.1", port: 80 }).port, 80));
check("server.getConnections calls back with a count", async () => {
  const n = await new Promise((r, j) => srv.getConnections((e, c) => (e ? j(e) : r(c))));
  eq(typeof n, "number");
});
check("bytesWritten/bytesRead count echoed bytes", async () => {
  const c = net.connect(port, "127.0.0.1");
  c.end("12345");
  for await (const _ of c);
  deepEq([c.bytesWritten, c.bytesRead], [5, 5]);
});
check("allowHalfOpen lets the server write after the client ends", async () => {
  const s = net.createServer({ allowHalfOpen: true }, (x) => { x.on("end", () => x.end("after-end")); x.resume(); });
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const c = net.connect(s.address().port, "127.0.0.1");
  c.end("x");
  let d = "";
  for await (const x of c) d += x;
  s.close();
  eq(d, "after-end");
});
check("socket.setTimeout emits timeout", async () => {
  const c = net.connect(port, "127.0.0.1");
  c.setTimeout(50);
  await once(c, "timeout");
  c.destroy();
});
check("getDefaultAutoSelectFamily returns a boolean", () => eq(typeof net.getDefaultAutoSelectFamily(), "boolean"));
await run();
srv.close();
