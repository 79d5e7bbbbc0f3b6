import https from "node:https";
import fs from "node:fs";
import { once } from "node:events";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("https");
const key = fs.readFileSync(new URL("../fixtures/tls/key.pem", import.meta.url));
const cert = fs.readFileSync(new URL("../fixtures/tls/cert.pem", import.meta.url));
const srv = https.createServer({ key, cert }, (req, res) => res.end(`secure:${req.socket.encrypted === true}`));
srv.listen(0, "127.0.0.1");
await once(srv, "listening");
const port = srv.address().port;
const get = (opts) => new Promise((res, rej) => {
  const req = https.request({ host: "127.0.0.1", port, ...opts }, (r) => { let d = ""; r.cn = r.socket.getPeerCertificate().subject?.CN; r.on("data", (c) => (d += c)); r.on("end", () => res({ r, d })); });
  req.on("error", rej);
  req.end();
});
check("request with custom ca", async () => eq((await get({ ca: cert, servername: "localhost" })).d, "secure:true"));
check("self-signed rejected by default", async () => {
  try { await get({}); ok(false, "accepted self-signed cert"); } catch (e) { ok(/self[- ]signed|DEPTH_ZERO|certificate/i.test(e.code + e.message), `unexpected ${e.code}`); }
});
check("rejectUnauthorized:false accepts a self-signed cert", async () => eq((await get({ rejectUnauthorized: false })).r.statusCode, 200));
check("socket.getPeerCertificate gives the server's CN", async () => {
  const { r } = await get({ ca: cert, servername: "localhost" });
  eq(r.cn, "localhost", "peer certificate CN");
});
check("keep-alive https.Agent reuses the TLS socket", async () => {
  const agent = new https.Agent({ keepAlive: true, ca: cert });
  const s = new Set();
  for (let i = 0; i < 2; i++) {
    await new Promise((res, rej) => {
      const req = https.request({ host: "127.0.0.1", port, agent, servername: "localhost" }, (r) => { r.resume(); r.on("end", res); });
      req.on("socket", (x) => s.add(x));
      req.on("error", rej);
      req.end();
    });
  }
  agent.destroy();
  eq(s.size, 1);
});
check("https.request without an agent uses https.globalAgent", async () => {
  const req = https.request({ host: "127.0.0.1", port, ca: cert, servername: "localhost" });
  req.on("error", () => {});
  const same = req.agent === https.globalAgent;
  req.destroy();
  eq(same, true);
});
check("fetch to https with NODE_EXTRA_CA_CERTS absent fails closed", async () => {
  try { await fetch(`https://127.0.0.1:${port}/`); ok(false, "fetch accepted self-signed"); } catch (e) { ok(e instanceof TypeError, `expected TypeError, got ${e.name}`); }
});
check("server.setSecureContext serves the new certificate to new connections", async () => {
  const key2 = fs.readFileSync(new URL("../fixtures/tls/key2.pem", import.meta.url));
  const cert2 = fs.readFileSync(new URL("../fixtures/tls/cert2.pem", import.meta.url));
  const s = https.createServer({ key, cert }, (_q, r) => r.end("x"));
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const org = () => new Promise((res, rej) => { const req = https.get({ host: "127.0.0.1", port: s.address().port, rejectUnauthorized: false, agent: false }, (r) => { res(r.socket.getPeerCertificate().subject.O || "none"); r.resume(); }); req.on("error", rej); });
  const before = await org();
  s.setSecureContext({ key: key2, cert: cert2 });
  const after = await org();
  s.close();
  deepEq([before, after], ["none", "bakeoff-second"]);
});
check("server sees the client's SNI servername", async () => {
  const s = https.createServer({ key, cert }, (q, r) => r.end(String(q.socket.servername)));
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const got = await new Promise((res, rej) => { const req = https.get({ host: "127.0.0.1", port: s.address().port, ca: cert, servername: "localhost", agent: false }, (r) => { let d = ""; r.on("data", (c) => (d += c)); r.on("end", () => res(d)); }); req.on("error", rej); });
  s.close();
  eq(got, "localhost");
});
await run();
srv.close();
