import { webcrypto } from "node:crypto";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("webcrypto");
const { subtle } = webcrypto;
const enc = new TextEncoder();
const hex = (b) => Buffer.from(b).toString("hex");
check("globalThis.crypto digest equals node:crypto webcrypto digest", async () => {
  const data = enc.encode("same");
  eq(hex(await globalThis.crypto.subtle.digest("SHA-256", data)), hex(await subtle.digest("SHA-256", data)));
});
check("digest SHA-256 matches the vector", async () => eq(hex(await subtle.digest("SHA-256", enc.encode("abc"))).slice(0, 16), "ba7816bf8f01cfea"));
check("HMAC sign/verify round trip", async () => {
  const k = await subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, true, ["sign", "verify"]);
  const sig = await subtle.sign("HMAC", k, enc.encode("m"));
  ok(await subtle.verify("HMAC", k, sig, enc.encode("m")), "verify");
});
check("AES-GCM encrypt/decrypt round trip", async () => {
  const k = await subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await subtle.encrypt({ name: "AES-GCM", iv }, k, enc.encode("hi"));
  eq(new TextDecoder().decode(await subtle.decrypt({ name: "AES-GCM", iv }, k, ct)), "hi");
});
check("ECDSA P-256 sign/verify", async () => {
  const k = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const alg = { name: "ECDSA", hash: "SHA-256" };
  ok(await subtle.verify(alg, k.publicKey, await subtle.sign(alg, k.privateKey, enc.encode("m")), enc.encode("m")), "verify");
});
check("Ed25519 sign/verify round trip", async () => {
  const k = await subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  ok(await subtle.verify("Ed25519", k.publicKey, await subtle.sign("Ed25519", k.privateKey, enc.encode("m")), enc.encode("m")), "verify");
});
check("RSA-OAEP encrypt/decrypt round trip", async () => {
  const k = await subtle.generateKey({ name: "RSA-OAEP", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, false, ["encrypt", "decrypt"]);
  const ct = await subtle.encrypt({ name: "RSA-OAEP" }, k.publicKey, enc.encode("x"));
  eq(new TextDecoder().decode(await subtle.decrypt({ name: "RSA-OAEP" }, k.privateKey, ct)), "x");
});
check("exportKey jwk for HMAC", async () => {
  const k = await subtle.importKey("raw", enc.encode("secret"), { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
  const j = await subtle.exportKey("jwk", k);
  deepEq([j.kty, j.alg], ["oct", "HS256"]);
});
check("PBKDF2 deriveBits matches the RFC vector", async () => {
  const base = await subtle.importKey("raw", enc.encode("password"), "PBKDF2", false, ["deriveBits"]);
  const bits = await subtle.deriveBits({ name: "PBKDF2", salt: enc.encode("salt"), iterations: 1, hash: "SHA-1" }, base, 160);
  eq(hex(bits), "0c60c80f961f0e71f3a9b524af6012062fe037a6");
});
check("HKDF deriveKey to AES", async () => {
  const base = await subtle.importKey("raw", enc.encode("k"), "HKDF", false, ["deriveKey"]);
  const k = await subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(), info: new Uint8Array() }, base, { name: "AES-GCM", length: 128 }, true, ["encrypt"]);
  eq(k.algorithm.length, 128);
});
check("ECDH deriveBits agrees on one secret", async () => {
  const a = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
  const b = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
  const s1 = await subtle.deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, 256);
  const s2 = await subtle.deriveBits({ name: "ECDH", public: a.publicKey }, b.privateKey, 256);
  eq(hex(s1), hex(s2));
});
check("X25519 deriveBits agrees on one secret", async () => {
  const a = await subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]);
  const b = await subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]);
  eq(hex(await subtle.deriveBits({ name: "X25519", public: b.publicKey }, a.privateKey, 256)), hex(await subtle.deriveBits({ name: "X25519", public: a.publicKey }, b.privateKey, 256)));
});
check("wrapKey/unwrapKey AES-KW round trip", async () => {
  const kek = await subtle.generateKey({ name: "AES-KW", length: 128 }, false, ["wrapKey", "unwrapKey"]);
  const k = await subtle.generateKey({ name: "AES-GCM", length: 128 }, true, ["encrypt"]);
  const wrapped = await subtle.wrapKey("raw", k, kek, "AES-KW");
  const un = await subtle.unwrapKey("raw", wrapped, kek, "AES-KW", "AES-GCM", true, ["encrypt"]);
  eq(un.type, "secret");
});
check("generated keys are instances of the global CryptoKey", async () => {
  const k = await subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  deepEq([k instanceof CryptoKey, k.type, k.extractable, k.usages], [true, "secret", false, ["sign"]]);
});
check("an invalid key usage rejects with a SyntaxError DOMException", async () => {
  try {
    await subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["sign"]);
    ok(false, "did not reject");
  } catch (e) {
    eq(e.name, "SyntaxError");
  }
});
check("exporting a non-extractable key rejects with InvalidAccessError", async () => {
  const k = await subtle.generateKey({ name: "AES-GCM", length: 128 }, false, ["encrypt"]);
  try { await subtle.exportKey("raw", k); ok(false, "exported"); } catch (e) { eq(e.name, "InvalidAccessError"); }
});
check("AES-GCM decrypt of a tampered ciphertext rejects with OperationError", async () => {
  const k = await subtle.generateKey({ name: "AES-GCM", length: 128 }, false, ["encrypt", "decrypt"]);
  const iv = new Uint8Array(12);
  const ct = new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv }, k, enc.encode("x")));
  ct[0] ^= 1;
  try { await subtle.decrypt({ name: "AES-GCM", iv }, k, ct); ok(false, "decrypted"); } catch (e) { eq(e.name, "OperationError"); }
});
check("importKey of a JWK RSA public key verifies an RSASSA signature", async () => {
  const kp = await subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"]);
  const jwk = await subtle.exportKey("jwk", kp.publicKey);
  const pub = await subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
  const sig = await subtle.sign("RSASSA-PKCS1-v1_5", kp.privateKey, enc.encode("m"));
  ok(await subtle.verify("RSASSA-PKCS1-v1_5", pub, sig, enc.encode("m")), "verify failed");
});
await run();
