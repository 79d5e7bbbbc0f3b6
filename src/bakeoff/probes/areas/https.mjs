import https from "node:https";
import fs from "node:fs";
import { once } from "node:events";
import { describe, check, run, eq, ok } from "../harness.mjs";

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
check("rejectUnauthorized:false accepted", async () => eq((await get({ rejectUnauthorized: false })).r.statusCode, 200));
check("socket.getPeerCertificate", async () => {
  const { r } = await get({ ca: cert, servername: "localhost" });
  eq(r.cn, "localhost", "peer certificate CN");
});
check("keep-alive https.Agent", async () => {
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
check("globalAgent is https.Agent", () => ok(https.globalAgent instanceof https.Agent, "not an Agent"));
check("fetch to https with NODE_EXTRA_CA_CERTS absent fails closed", async () => {
  try { await fetch(`https://127.0.0.1:${port}/`); ok(false, "fetch accepted self-signed"); } catch (e) { ok(e instanceof TypeError, `expected TypeError, got ${e.name}`); }
});
check("server.setSecureContext exists", () => ok(typeof srv.setSecureContext === "function", "missing"));
await run();
srv.close();
