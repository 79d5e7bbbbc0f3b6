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
check("authorized flag", async () => eq((await connect({ ca: cert, servername: "localhost" })).s.authorized, true));
check("unknown CA rejected", async () => { try { await connect({ servername: "localhost" }); ok(false, "accepted"); } catch (e) { ok(e.code, "no code"); } });
check("getProtocol TLSv1.3", async () => eq((await connect({ ca: cert, servername: "localhost" })).s.protocolAtConnect, "TLSv1.3"));
check("getCipher name", async () => { const c = (await connect({ ca: cert, servername: "localhost" })).s.cipherAtConnect; ok(c && c.name, `getCipher() in secureConnect: ${JSON.stringify(c)}`); });
check("checkServerIdentity rejects wrong host", () => {
  const e = tls.checkServerIdentity("example.com", { subject: { CN: "localhost" }, subjectaltname: "DNS:localhost" });
  ok(e instanceof Error && e.code === "ERR_TLS_CERT_ALTNAME_INVALID", `got ${e && e.code}`);
});
check("rootCertificates non-empty", () => ok(tls.rootCertificates.length > 50, `${tls.rootCertificates.length}`));
check("createSecureContext", () => ok(tls.createSecureContext({ key, cert }).context, "no context"));
check("DEFAULT_MIN_VERSION", () => eq(tls.DEFAULT_MIN_VERSION, "TLSv1.2"));
check("getCiphers", () => ok(tls.getCiphers().length > 5, "few ciphers"));
check("maxVersion TLSv1.2 negotiates 1.2", async () => eq((await connect({ ca: cert, servername: "localhost", maxVersion: "TLSv1.2" })).s.protocolAtConnect, "TLSv1.2"));
check("SNICallback", async () => {
  let asked;
  const s = tls.createServer({ key, cert, SNICallback: (name, cb) => { asked = name; cb(null, tls.createSecureContext({ key, cert })); } }, (x) => x.end("sni"));
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  await new Promise((res, rej) => { const c = tls.connect({ port: s.address().port, host: "127.0.0.1", servername: "localhost", ca: cert }, () => { c.resume(); c.on("end", res); }); c.on("error", rej); });
  s.close();
  eq(asked, "localhost");
});
await run();
srv.close();
