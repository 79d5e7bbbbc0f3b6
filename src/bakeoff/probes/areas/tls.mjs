import tls from "node:tls";
import fs from "node:fs";
import { once } from "node:events";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("tls");
const key = fs.readFileSync(new URL("../fixtures/tls/key.pem", import.meta.url));
const cert = fs.readFileSync(new URL("../fixtures/tls/cert.pem", import.meta.url));
const srv = tls.createServer({ key, cert, ALPNProtocols: ["bk/1"] }, (s) => s.end(`tls:${s.alpnProtocol}`));
srv.listen(0, "127.0.0.1");
await once(srv, "listening");
const port = srv.address().port;
const connect = (opts) => new Promise((res, rej) => {
  const s = tls.connect({ port, host: "127.0.0.1", ...opts }, () => {
    s.protocolAtConnect = s.getProtocol();
    s.cipherAtConnect = s.getCipher();
    let d = "";
    s.on("data", (c) => (d += c));
    s.on("end", () => res({ s, d }));
  });
  s.on("error", rej);
});
check("connect with ca and servername", async () => eq((await connect({ ca: cert, servername: "localhost", ALPNProtocols: ["bk/1"] })).d, "tls:bk/1"));
check("authorized flag set for a trusted cert", async () => eq((await connect({ ca: cert, servername: "localhost" })).s.authorized, true));
check("unknown CA rejected", async () => { try { await connect({ servername: "localhost" }); ok(false, "accepted"); } catch (e) { ok(e.code, "no code"); } });
check("getProtocol reports TLSv1.3 by default", async () => eq((await connect({ ca: cert, servername: "localhost" })).s.protocolAtConnect, "TLSv1.3"));
check("getCipher names the negotiated cipher", async () => { const c = (await connect({ ca: cert, servername: "localhost" })).s.cipherAtConnect; ok(c && c.name, `getCipher() in secureConnect: ${JSON.stringify(c)}`); });
check("checkServerIdentity rejects wrong host", () => {
  const e = tls.checkServerIdentity("example.com", { subject: { CN: "localhost" }, subjectaltname: "DNS:localhost" });
  ok(e instanceof Error && e.code === "ERR_TLS_CERT_ALTNAME_INVALID", `got ${e && e.code}`);
});
check("rootCertificates lists the bundled CAs", () => ok(tls.rootCertificates.length > 50, `${tls.rootCertificates.length}`));
check("createSecureContext builds a context from key and cert", () => ok(tls.createSecureContext({ key, cert }).context, "no context"));
check("DEFAULT_MIN_VERSION is TLSv1.2", () => eq(tls.DEFAULT_MIN_VERSION, "TLSv1.2"));
check("getCiphers lists several ciphers", () => ok(tls.getCiphers().length > 5, "few ciphers"));
check("maxVersion TLSv1.2 negotiates 1.2", async () => eq((await connect({ ca: cert, servername: "localhost", maxVersion: "TLSv1.2" })).s.protocolAtConnect, "TLSv1.2"));
check("SNICallback receives the client's servername", async () => {
  let asked;
  const s = tls.createServer({ key, cert, SNICallback: (name, cb) => { asked = name; cb(null, tls.createSecureContext({ key, cert })); } }, (x) => x.end("sni"));
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  await new Promise((res, rej) => { const c = tls.connect({ port: s.address().port, host: "127.0.0.1", servername: "localhost", ca: cert }, () => { c.resume(); c.on("end", res); }); c.on("error", rej); });
  s.close();
  eq(asked, "localhost");
});
// TLS 1.2 cipher selection: services pin suites with the `ciphers` option (compliance, legacy
// clients). The negotiated suite must be the one allowed, and a client sharing none must fail.
const withServer = async (opts, fn) => {
  const s = tls.createServer({ key, cert, ...opts }, (x) => x.end("ok"));
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  try { return await fn(s.address().port); } finally { s.close(); }
};
const hello = (p, opts) => new Promise((res, rej) => {
  const c = tls.connect({ port: p, host: "127.0.0.1", ca: cert, servername: "localhost", ...opts }, () => { const info = { cipher: c.getCipher().name, protocol: c.getProtocol(), reused: c.isSessionReused(), eph: c.getEphemeralKeyInfo() }; c.resume(); c.on("end", () => res(info)); });
  c.on("error", rej);
});
check("server ciphers option fixes the TLS 1.2 suite", async () => {
  const got = await withServer({ ciphers: "ECDHE-RSA-AES128-GCM-SHA256" }, (p) => hello(p, { maxVersion: "TLSv1.2" }));
  deepEq([got.protocol, got.cipher], ["TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"]);
});
check("client ciphers option picks the TLS 1.2 suite", async () => {
  const got = await withServer({}, (p) => hello(p, { maxVersion: "TLSv1.2", ciphers: "ECDHE-RSA-AES256-GCM-SHA384" }));
  eq(got.cipher, "ECDHE-RSA-AES256-GCM-SHA384");
});
check("no shared TLS 1.2 cipher fails the handshake", async () => {
  await withServer({ ciphers: "ECDHE-RSA-AES128-GCM-SHA256", maxVersion: "TLSv1.2" }, async (p) => {
    try { await hello(p, { maxVersion: "TLSv1.2", ciphers: "ECDHE-RSA-AES256-GCM-SHA384" }); ok(false, "handshake succeeded without a shared cipher"); } catch (e) { ok(e && (e.code || e.message), "no error detail"); }
  });
});
check("honorCipherOrder makes the server's preference win", async () => {
  const got = await withServer({ ciphers: "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384", honorCipherOrder: true }, (p) => hello(p, { maxVersion: "TLSv1.2", ciphers: "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256" }));
  eq(got.cipher, "ECDHE-RSA-AES128-GCM-SHA256");
});
check("TLS 1.3 suite chosen through the ciphers option", async () => {
  const got = await withServer({ ciphers: "TLS_CHACHA20_POLY1305_SHA256" }, (p) => hello(p, {}));
  deepEq([got.protocol, got.cipher], ["TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256"]);
});
check("server minVersion TLSv1.3 rejects a TLS 1.2-only client", async () => {
  await withServer({ minVersion: "TLSv1.3" }, async (p) => {
    try { await hello(p, { maxVersion: "TLSv1.2" }); ok(false, "TLS 1.2 client accepted"); } catch (e) { ok(e && (e.code || e.message), "no error detail"); }
  });
});
check("getEphemeralKeyInfo reports the ECDH curve of a TLS 1.2 handshake", async () => {
  const got = await withServer({}, (p) => hello(p, { maxVersion: "TLSv1.2" }));
  ok(got.eph && got.eph.type === "ECDH" && typeof got.eph.name === "string", JSON.stringify(got.eph));
});
check("a saved session is resumed on the next connection", async () => {
  await withServer({}, async (p) => {
    let session;
    await new Promise((res, rej) => { const c = tls.connect({ port: p, host: "127.0.0.1", ca: cert, servername: "localhost", maxVersion: "TLSv1.2" }, () => { session = c.getSession(); c.resume(); c.on("end", res); }); c.on("error", rej); });
    const again = await hello(p, { maxVersion: "TLSv1.2", session });
    eq(again.reused, true);
  });
});
await run();
srv.close();
