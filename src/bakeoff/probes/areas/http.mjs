import http from "node:http";
import { once } from "node:events";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("http");
async function serve(handler) {
  const s = http.createServer(handler);
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  return s;
}
function request(port, opts = {}, body) {
  return new Promise((res, rej) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/", ...opts }, (r) => {
      let data = "";
      r.setEncoding("utf8");
      r.on("data", (c) => (data += c));
      r.on("end", () => res({ r, data }));
    });
    req.on("error", rej);
    req.end(body);
  });
}
const srv = await serve((req, res) => {
  if (req.url === "/chunked") {
    res.write("a");
    setTimeout(() => res.end("b"), 10);
    return;
  }
  if (req.url === "/echo") {
    const parts = [];
    req.on("data", (c) => parts.push(c.length));
    req.on("end", () => res.end(JSON.stringify({ chunks: parts.length, te: req.headers["transfer-encoding"] || null, method: req.method })));
    return;
  }
  if (req.url === "/headers") {
    res.setHeader("Set-Cookie", ["a=1", "b=2"]);
    res.setHeader("X-Multi", ["x", "y"]);
    res.end(JSON.stringify({ raw: req.rawHeaders, h: req.headers, v: req.httpVersion }));
    return;
  }
  if (req.url === "/slow") return;
  res.writeHead(201, "Made It", { "content-type": "text/plain" });
  res.end("hello");
});
const port = srv.address().port;

check("status code and message", async () => {
  const { r, data } = await request(port);
  deepEq([r.statusCode, r.statusMessage, data], [201, "Made It", "hello"]);
});
check("http.get receives the status code", async () => {
  const r = await new Promise((res) => http.get(`http://127.0.0.1:${port}/`, res));
  eq(r.statusCode, 201);
  r.resume();
});
check("chunked response without content-length", async () => {
  const { r, data } = await request(port, { path: "/chunked" });
  eq(r.headers["transfer-encoding"], "chunked", "transfer-encoding");
  eq(data, "ab", "body");
});
check("set-cookie is an array, others joined", async () => {
  const { r } = await request(port, { path: "/headers" });
  deepEq(r.headers["set-cookie"], ["a=1", "b=2"], "set-cookie");
  eq(r.headers["x-multi"], "x, y", "x-multi");
});
check("rawHeaders keep case and order", async () => {
  const { data } = await request(port, { path: "/headers", headers: { "X-Camel-Case": "1" } });
  const raw = JSON.parse(data).raw;
  ok(raw.includes("X-Camel-Case"), `rawHeaders ${JSON.stringify(raw)}`);
});
check("incoming header names are lower-cased", async () => {
  const { data } = await request(port, { path: "/headers", headers: { "X-UP": "v" } });
  eq(JSON.parse(data).h["x-up"], "v");
});
check("httpVersion is 1.1 for a default request", async () => {
  const { data } = await request(port, { path: "/headers" });
  eq(JSON.parse(data).v, "1.1");
});
check("streaming request body arrives in several chunks", async () => {
  const body = await new Promise((res, rej) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/echo", method: "POST" }, (r) => {
      let d = "";
      r.on("data", (c) => (d += c));
      r.on("end", () => res(JSON.parse(d)));
    });
    req.on("error", rej);
    req.write("x".repeat(10));
    setTimeout(() => { req.write("y".repeat(10)); setTimeout(() => req.end("z"), 30); }, 30);
  });
  eq(body.te, "chunked", "transfer-encoding");
  ok(body.chunks >= 2, `server saw ${body.chunks} chunk(s): request body was buffered, not streamed`);
});
check("keep-alive Agent reuses the socket", async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set();
  for (let i = 0; i < 3; i++) {
    await new Promise((res, rej) => {
      const req = http.request({ host: "127.0.0.1", port, agent }, (r) => { r.resume(); r.on("end", res); });
      req.on("socket", (s) => sockets.add(s));
      req.on("error", rej);
      req.end();
    });
  }
  agent.destroy();
  eq(sockets.size, 1, "distinct sockets");
});
check("response 'connection: keep-alive' by default", async () => {
  const { r } = await request(port);
  eq(r.headers.connection, "keep-alive");
});
check("request timeout event", async () => {
  await new Promise((res, rej) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/slow", timeout: 100 });
    req.on("timeout", () => { req.destroy(); res(); });
    req.on("error", () => {});
    req.end();
  });
});
check("invalid header value throws ERR_INVALID_CHAR", () => {
  const req = http.request({ host: "127.0.0.1", port });
  req.on("error", () => {});
  try {
    req.setHeader("x", "a\nb");
    ok(false, "did not throw");
  } catch (e) {
    eq(e.code, "ERR_INVALID_CHAR");
  } finally {
    req.destroy();
  }
});
check("METHODS and STATUS_CODES list PATCH and 418", () => {
  ok(http.METHODS.includes("PATCH"), "METHODS");
  eq(http.STATUS_CODES[418], "I'm a Teapot");
});
check("server.close calls back when closed", async () => {
  const s = await serve((_q, r) => r.end());
  await new Promise((r) => s.close(r));
});
check("server 'request' headersTimeout/requestTimeout defaults", () => {
  deepEq([srv.headersTimeout, srv.requestTimeout], [60000, 300000]);
});
check("res.writeHead returns res for chaining", async () => {
  const s = await serve((_q, res) => { ok(res.writeHead(200) === res, "not chained"); res.end("c"); });
  const { data } = await request(s.address().port);
  s.close();
  eq(data, "c");
});
check("req.on('close') when client aborts", async () => {
  let closed;
  const p = new Promise((r) => (closed = r));
  const s = await serve((req) => { req.on("close", closed); });
  const req = http.request({ host: "127.0.0.1", port: s.address().port });
  req.on("error", () => {});
  req.end();
  setTimeout(() => req.destroy(), 50);
  await p;
  s.close();
});
check("flushHeaders sends headers before body", async () => {
  const s = await serve((_q, res) => { res.flushHeaders(); setTimeout(() => res.end("late"), 50); });
  const r = await new Promise((res) => http.get(`http://127.0.0.1:${s.address().port}/`, res));
  eq(r.statusCode, 200);
  r.resume();
  await once(r, "end");
  s.close();
});
check("trailers sent with addTrailers reach the client", async () => {
  const s = await serve((_q, res) => { res.setHeader("Trailer", "X-T"); res.write("a"); res.addTrailers({ "X-T": "done" }); res.end(); });
  const r = await new Promise((res) => http.get(`http://127.0.0.1:${s.address().port}/`, res));
  r.resume();
  await once(r, "end");
  s.close();
  eq(r.trailers["x-t"], "done");
});
check("maxHeaderSize is 16 KiB by default", () => eq(http.maxHeaderSize, 16384));
check("closeAllConnections closes an idle keep-alive connection", async () => {
  const s = await serve((_q, r) => r.end("k"));
  const agent = new http.Agent({ keepAlive: true });
  const sock = await new Promise((res, rej) => { const req = http.get({ host: "127.0.0.1", port: s.address().port, agent }, (r) => { r.resume(); r.on("end", () => res(req.socket)); }); req.on("error", rej); });
  const closed = once(sock, "close");
  s.closeAllConnections();
  await closed;
  s.close();
  agent.destroy();
});
check("closeIdleConnections keeps an active request running", async () => {
  let release;
  const s = await serve((_q, r) => { release = () => r.end("done"); });
  const p = request(s.address().port);
  await new Promise((r) => setTimeout(r, 50));
  s.closeIdleConnections();
  release();
  const { data } = await p;
  s.close();
  eq(data, "done");
});
check("validateHeaderName rejects a name with a space", () => {
  try { http.validateHeaderName("bad name"); ok(false, "no throw"); } catch (e) { eq(e.code, "ERR_INVALID_HTTP_TOKEN"); }
});
check("Expect: 100-continue -> checkContinue", async () => {
  const s = http.createServer();
  s.on("checkContinue", (req, res) => { res.writeContinue(); req.resume(); req.on("end", () => res.end("ok")); });
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const got = await new Promise((res, rej) => {
    const req = http.request({ host: "127.0.0.1", port: s.address().port, method: "POST", headers: { Expect: "100-continue" } }, (r) => { r.resume(); r.on("end", () => res(r.statusCode)); });
    req.on("continue", () => req.end("body"));
    req.on("error", rej);
  });
  s.close();
  eq(got, 200);
});
check("request to a closed port emits ECONNREFUSED", async () => {
  const s = await serve(() => {});
  const p = s.address().port;
  await new Promise((r) => s.close(r));
  const e = await new Promise((r) => http.get(`http://127.0.0.1:${p}/`).on("error", r));
  eq(e.code, "ECONNREFUSED");
});
check("res.setHeader after headers were sent throws ERR_HTTP_HEADERS_SENT", async () => {
  let code;
  const s = await serve((_q, res) => { res.end("x"); try { res.setHeader("x", "1"); } catch (e) { code = e.code; } });
  await request(s.address().port);
  s.close();
  eq(code, "ERR_HTTP_HEADERS_SENT");
});
check("server keepAliveTimeout closes an idle connection", async () => {
  const s = await serve((_q, r) => r.end());
  s.keepAliveTimeout = 100;
  const agent = new http.Agent({ keepAlive: true });
  const sock = await new Promise((res) => { const req = http.get({ host: "127.0.0.1", port: s.address().port, agent }, (r) => { r.resume(); r.on("end", () => res(req.socket)); }); });
  const t0 = Date.now();
  await once(sock, "close");
  s.close();
  agent.destroy();
  ok(Date.now() - t0 < 2000, `closed after ${Date.now() - t0} ms`);
});
await run();
srv.close();
