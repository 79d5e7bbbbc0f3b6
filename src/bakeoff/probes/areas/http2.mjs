import http2 from "node:http2";
import fs from "node:fs";
import { once } from "node:events";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("http2");
const key = fs.readFileSync(new URL("../fixtures/tls/key.pem", import.meta.url));
const cert = fs.readFileSync(new URL("../fixtures/tls/cert.pem", import.meta.url));
const onStream = (stream, headers) => {
  if (headers[":path"] === "/trailers") {
    stream.respond({ ":status": 200 }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers({ "x-trailer": "t" }));
    stream.end("body");
    return;
  }
  if (headers[":path"] === "/echo") {
    let n = 0;
    stream.on("data", (c) => (n += c.length));
    stream.on("end", () => { stream.respond({ ":status": 200 }); stream.end(String(n)); });
    return;
  }
  stream.respond({ ":status": 200, "content-type": "text/plain", "x-h": "v" });
  stream.end(`h2:${headers[":method"]}`);
};
const plain = http2.createServer();
plain.on("stream", onStream);
plain.listen(0, "127.0.0.1");
await once(plain, "listening");
const secure = http2.createSecureServer({ key, cert });
secure.on("stream", onStream);
secure.listen(0, "127.0.0.1");
await once(secure, "listening");
const get = (client, path = "/", body) => new Promise((res, rej) => {
  const req = client.request({ ":path": path, ":method": body ? "POST" : "GET" });
  let data = "", headers, trailers;
  req.on("response", (h) => (headers = h));
  req.on("trailers", (t) => (trailers = t));
  req.setEncoding("utf8");
  req.on("data", (c) => (data += c));
  req.on("end", () => res({ data, headers, trailers }));
  req.on("error", rej);
  req.end(body);
});
check("h2c request gets status, header and body", async () => {
  const c = http2.connect(`http://127.0.0.1:${plain.address().port}`);
  const r = await get(c);
  c.close();
  deepEq([r.data, r.headers[":status"], r.headers["x-h"]], ["h2:GET", 200, "v"]);
});
check("TLS h2 with ALPN", async () => {
  const c = http2.connect(`https://localhost:${secure.address().port}`, { ca: cert });
  const r = await get(c);
  eq(c.alpnProtocol, "h2", "alpnProtocol");
  c.close();
  eq(r.data, "h2:GET");
});
check("multiplexed streams on one session", async () => {
  const c = http2.connect(`http://127.0.0.1:${plain.address().port}`);
  const rs = await Promise.all([get(c), get(c), get(c)]);
  c.close();
  eq(rs.filter((r) => r.data === "h2:GET").length, 3);
});
check("trailers (gRPC style)", async () => {
  const c = http2.connect(`http://127.0.0.1:${plain.address().port}`);
  const r = await get(c, "/trailers");
  c.close();
  eq(r.trailers && r.trailers["x-trailer"], "t", "trailer");
});
check("request body streaming", async () => {
  const c = http2.connect(`http://127.0.0.1:${plain.address().port}`);
  const r = await get(c, "/echo", "x".repeat(100000));
  c.close();
  eq(r.data, "100000");
});
check("compat API (req,res) handler", async () => {
  const s = http2.createServer((req, res) => res.end(`compat:${req.httpVersion}`));
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const c = http2.connect(`http://127.0.0.1:${s.address().port}`);
  const r = await get(c);
  c.close();
  s.close();
  eq(r.data, "compat:2.0");
});
check("session ping measures a round trip", async () => {
  const c = http2.connect(`http://127.0.0.1:${plain.address().port}`);
  await once(c, "connect");
  const d = await new Promise((res, rej) => c.ping((e, dur) => (e ? rej(e) : res(dur))));
  c.close();
  ok(typeof d === "number", `duration ${d}`);
});
check("session settings exchanged", async () => {
  const c = http2.connect(`http://127.0.0.1:${plain.address().port}`);
  await once(c, "remoteSettings");
  ok(typeof c.remoteSettings.initialWindowSize === "number", "no remote settings");
  c.close();
});
check("constants and getDefaultSettings have Node's values", () => { eq(http2.constants.HTTP2_HEADER_STATUS, ":status"); ok(typeof http2.getDefaultSettings().maxConcurrentStreams === "number" || http2.getDefaultSettings().enablePush !== undefined, "no defaults"); });
check("goaway on close", async () => {
  const c = http2.connect(`http://127.0.0.1:${plain.address().port}`);
  await once(c, "connect");
  const closed = once(c, "close");
  c.close();
  await closed;
  eq(c.closed, true);
});
check("sensitiveHeaders marks a header as sensitive on the receiving side", async () => {
  const s = http2.createServer();
  const got = new Promise((r) => s.on("stream", (st, headers) => { r(headers[http2.sensitiveHeaders]); st.respond({ ":status": 200 }); st.end(); }));
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const c = http2.connect(`http://127.0.0.1:${s.address().port}`);
  const req = c.request({ ":path": "/", authorization: "secret", [http2.sensitiveHeaders]: ["authorization"] });
  req.resume();
  req.end();
  const marked = await got;
  c.close();
  s.close();
  ok(Array.isArray(marked) && marked.includes("authorization"), `sensitive headers seen by the server: ${JSON.stringify(marked)}`);
});
// gRPC servers send status in trailers; both the stream API and the compat API must deliver them.
check("compat API res.addTrailers reaches the client as trailers", async () => {
  const s = http2.createServer((_req, res) => { res.writeHead(200, { "content-type": "application/grpc" }); res.addTrailers({ "grpc-status": "0", "grpc-message": "OK" }); res.end("payload"); });
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const c = http2.connect(`http://127.0.0.1:${s.address().port}`);
  const r = await get(c);
  c.close();
  s.close();
  deepEq([r.data, r.trailers && r.trailers["grpc-status"], r.trailers && r.trailers["grpc-message"]], ["payload", "0", "OK"]);
});
check("trailers after a streamed body arrive after all data", async () => {
  const s = http2.createServer();
  s.on("stream", (st) => {
    st.respond({ ":status": 200 }, { waitForTrailers: true });
    st.on("wantTrailers", () => st.sendTrailers({ "grpc-status": "13" }));
    st.write("a");
    setTimeout(() => st.end("b"), 20);
  });
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const c = http2.connect(`http://127.0.0.1:${s.address().port}`);
  const order = [];
  await new Promise((res, rej) => {
    const req = c.request({ ":path": "/" });
    req.on("data", (d) => order.push(`data:${d}`));
    req.on("trailers", (t) => order.push(`trailers:${t["grpc-status"]}`));
    req.on("end", res);
    req.on("error", rej);
    req.end();
  });
  c.close();
  s.close();
  deepEq(order, ["data:a", "data:b", "trailers:13"]);
});
check("client-sent trailers reach the server stream", async () => {
  const s = http2.createServer();
  const got = new Promise((r) => s.on("stream", (st) => { st.on("trailers", (t) => r(t["x-client-trailer"])); st.resume(); st.on("end", () => { st.respond({ ":status": 200 }); st.end(); }); }));
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const c = http2.connect(`http://127.0.0.1:${s.address().port}`);
  const req = c.request({ ":path": "/", ":method": "POST" }, { waitForTrailers: true });
  req.on("wantTrailers", () => req.sendTrailers({ "x-client-trailer": "sent" }));
  req.resume();
  req.end("body");
  const v = await Promise.race([got, new Promise((r) => setTimeout(() => r("no trailers within 2 s"), 2000))]);
  c.close();
  s.close();
  eq(v, "sent");
});
check("RST_STREAM with a code reaches the client as an error", async () => {
  const s = http2.createServer();
  s.on("stream", (st) => st.close(http2.constants.NGHTTP2_CANCEL));
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const c = http2.connect(`http://127.0.0.1:${s.address().port}`);
  const req = c.request({ ":path": "/" });
  req.on("error", () => {});
  req.resume();
  req.end();
  await once(req, "close");
  const code = req.rstCode;
  c.close();
  s.close();
  eq(code, http2.constants.NGHTTP2_CANCEL);
});
await run();
plain.close();
secure.close();
