import crypto from "node:crypto";
import { promisify } from "node:util";
import { describe, check, run, eq, ok, deepEq, throws, isFn } from "../harness.mjs";

describe("crypto");
check("sha256 hex digest matches the FIPS vector", () => eq(crypto.createHash("sha256").update("abc").digest("hex"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
check("md5 base64 digest of the empty string", () => eq(crypto.createHash("md5").update("").digest("base64"), "1B2M2Y8AsgTpgAmY7PhCfg=="));
check("sha512 incremental updates", () => {
  const a = crypto.createHash("sha512").update("ab").update("c").digest("hex");
  eq(a, crypto.createHash("sha512").update("abc").digest("hex"));
});
check("hash.copy continues from the copied state", () => {
  const h = crypto.createHash("sha1").update("a");
  const c = h.copy();
  eq(h.digest("hex"), c.digest("hex"));
});
check("crypto.hash one-shot digest matches the vector", () => {
  isFn(crypto, "hash");
  eq(crypto.hash("sha1", "abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
});
check("hmac sha256 matches the RFC example", () => eq(crypto.createHmac("sha256", "key").update("The quick brown fox jumps over the lazy dog").digest("hex"), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"));
check("getHashes includes sha256", () => ok(crypto.getHashes().includes("sha256"), "missing"));
check("randomUUID v4 format", () => ok(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()), "bad uuid"));
check("randomBytes returns the requested length", () => eq(crypto.randomBytes(16).length, 16));
check("randomInt stays within [min, max)", () => {
  for (let i = 0; i < 100; i++) { const n = crypto.randomInt(3, 7); ok(n >= 3 && n < 7, `out of range ${n}`); }
});
check("aes-256-gcm round trip with auth tag", () => {
  const key = crypto.randomBytes(32), iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv("aes-256-gcm", key, iv);
  const enc = Buffer.concat([c.update("secret"), c.final()]);
  const tag = c.getAuthTag();
  const d = crypto.createDecipheriv("aes-256-gcm", key, iv);
  d.setAuthTag(tag);
  eq(Buffer.concat([d.update(enc), d.final()]).toString(), "secret");
});
check("aes-gcm wrong tag throws", () => {
  const key = crypto.randomBytes(32), iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv("aes-256-gcm", key, iv);
  const enc = Buffer.concat([c.update("x"), c.final()]);
  const d = crypto.createDecipheriv("aes-256-gcm", key, iv);
  d.setAuthTag(Buffer.alloc(16));
  d.update(enc);
  throws(() => d.final());
});
check("aes-128-cbc known vector", () => {
  const key = Buffer.alloc(16, 1), iv = Buffer.alloc(16, 2);
  const c = crypto.createCipheriv("aes-128-cbc", key, iv);
  const enc = Buffer.concat([c.update("hello"), c.final()]);
  eq(enc.length, 16, "padded length");
  const d = crypto.createDecipheriv("aes-128-cbc", key, iv);
  eq(Buffer.concat([d.update(enc), d.final()]).toString(), "hello");
});
check("chacha20-poly1305 encrypt/decrypt round trip", () => {
  const key = crypto.randomBytes(32), iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv("chacha20-poly1305", key, iv, { authTagLength: 16 });
  const enc = Buffer.concat([c.update("abc"), c.final()]);
  const d = crypto.createDecipheriv("chacha20-poly1305", key, iv, { authTagLength: 16 });
  d.setAuthTag(c.getAuthTag());
  eq(Buffer.concat([d.update(enc), d.final()]).toString(), "abc");
});
check("pbkdf2Sync known vector", () => eq(crypto.pbkdf2Sync("password", "salt", 1, 20, "sha1").toString("hex"), "0c60c80f961f0e71f3a9b524af6012062fe037a6"));
check("pbkdf2 async derives the requested length", async () => eq((await promisify(crypto.pbkdf2)("p", "s", 10, 8, "sha256")).length, 8));
check("scryptSync known vector", () => eq(crypto.scryptSync("", "", 64, { N: 16, r: 1, p: 1 }).toString("hex").slice(0, 16), "77d6576238657b20"));
check("scrypt async derives the requested length", async () => eq((await promisify(crypto.scrypt)("pw", "salt", 16)).length, 16));
check("hkdfSync derives the requested length", () => eq(Buffer.from(crypto.hkdfSync("sha256", "key", "salt", "info", 16)).length, 16));
check("generateKeyPairSync rsa + sign/verify", () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 1024 });
  const sig = crypto.sign("sha256", Buffer.from("m"), privateKey);
  ok(crypto.verify("sha256", Buffer.from("m"), publicKey, sig), "verify failed");
});
check("generateKeyPair ed25519 async", async () => {
  const { publicKey, privateKey } = await promisify(crypto.generateKeyPair)("ed25519");
  const sig = crypto.sign(null, Buffer.from("m"), privateKey);
  ok(crypto.verify(null, Buffer.from("m"), publicKey, sig), "verify failed");
});
check("ec P-256 createSign/createVerify", () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const s = crypto.createSign("SHA256").update("d").sign(privateKey);
  ok(crypto.createVerify("SHA256").update("d").verify(publicKey, s), "verify failed");
});
check("KeyObject export pem/jwk", () => {
  const { publicKey } = crypto.generateKeyPairSync("ed25519");
  ok(publicKey.export({ type: "spki", format: "pem" }).startsWith("-----BEGIN PUBLIC KEY-----"), "pem");
  eq(publicKey.export({ format: "jwk" }).crv, "Ed25519", "jwk crv");
});
check("createSecretKey + asymmetricKeyType", () => {
  eq(crypto.createSecretKey(Buffer.alloc(16)).type, "secret", "secret");
  eq(crypto.generateKeyPairSync("ed25519").privateKey.asymmetricKeyType, "ed25519");
});
check("publicEncrypt/privateDecrypt round trip", () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 1024 });
  eq(crypto.privateDecrypt(privateKey, crypto.publicEncrypt(publicKey, Buffer.from("x"))).toString(), "x");
});
check("ECDH shared secret", () => {
  const a = crypto.createECDH("prime256v1"), b = crypto.createECDH("prime256v1");
  a.generateKeys(); b.generateKeys();
  ok(a.computeSecret(b.getPublicKey()).equals(b.computeSecret(a.getPublicKey())), "secrets differ");
});
check("diffieHellman x25519 agrees on one secret", () => {
  const a = crypto.generateKeyPairSync("x25519"), b = crypto.generateKeyPairSync("x25519");
  ok(crypto.diffieHellman({ privateKey: a.privateKey, publicKey: b.publicKey }).equals(crypto.diffieHellman({ privateKey: b.privateKey, publicKey: a.publicKey })), "differ");
});
check("timingSafeEqual compares and rejects length mismatch", () => {
  ok(crypto.timingSafeEqual(Buffer.from("ab"), Buffer.from("ab")), "equal");
  throws(() => crypto.timingSafeEqual(Buffer.from("a"), Buffer.from("ab")));
});
check("getCiphers includes aes-256-gcm", () => ok(crypto.getCiphers().includes("aes-256-gcm"), "missing"));
check("X509Certificate parses subject and checks host", async () => {
  const fs = await import("node:fs");
  const pem = fs.readFileSync(new URL("../fixtures/tls/cert.pem", import.meta.url));
  const x = new crypto.X509Certificate(pem);
  ok(x.subject.includes("CN=localhost"), `subject ${x.subject}`);
  ok(x.checkHost("localhost") === "localhost", "checkHost");
});
check("getRandomValues via crypto.webcrypto", () => eq(crypto.webcrypto.getRandomValues(new Uint8Array(4)).length, 4));
check("unknown digest throws", () => throws(() => crypto.createHash("nope")));
check("crypto.constants RSA_PKCS1_OAEP_PADDING has Node's value", () => eq(crypto.constants.RSA_PKCS1_OAEP_PADDING, 4));
await run();
