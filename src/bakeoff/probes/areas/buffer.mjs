import { Buffer, Blob, constants, isUtf8, isAscii, transcode, File, atob as batob, kMaxLength } from "node:buffer";
import { describe, check, run, eq, ok, deepEq, throws, code } from "../harness.mjs";

describe("buffer");
check("from string encodings", () => {
  deepEq([Buffer.from("hi").toString("hex"), Buffer.from("hi").toString("base64"), Buffer.from("aGk=", "base64").toString()], ["6869", "aGk=", "hi"]);
});
check("base64url encoding uses - and _", () => eq(Buffer.from([0xfb, 0xff]).toString("base64url"), "-_8"));
check("latin1 and ucs2", () => {
  eq(Buffer.from("é", "latin1").length, 1, "latin1 length");
  eq(Buffer.from("ab", "utf16le").length, 4, "utf16le length");
});
check("alloc is zero-filled", () => ok(Buffer.alloc(16).every((b) => b === 0), "not zeroed"));
check("concat/compare/equals on byte content", () => {
  const a = Buffer.concat([Buffer.from("a"), Buffer.from("b")]);
  ok(a.equals(Buffer.from("ab")), "concat");
  eq(Buffer.compare(Buffer.from("a"), Buffer.from("b")), -1, "compare");
});
check("readUInt32BE/writeInt16LE round trip", () => {
  const b = Buffer.alloc(6);
  b.writeUInt32BE(0xdeadbeef, 0);
  b.writeInt16LE(-2, 4);
  deepEq([b.readUInt32BE(0), b.readInt16LE(4)], [0xdeadbeef, -2]);
});
check("readBigUInt64LE reads a little-endian 64-bit value", () => eq(Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]).readBigUInt64LE(0), 1n));
check("read past the end throws ERR_BUFFER_OUT_OF_BOUNDS", () => {
  throws(() => Buffer.alloc(2).readUInt32LE(0), code("ERR_BUFFER_OUT_OF_BOUNDS"));
});
check("bad offset throws ERR_OUT_OF_RANGE", () => {
  throws(() => Buffer.alloc(8).readUInt32LE(5), code("ERR_OUT_OF_RANGE"));
});
check("subarray shares memory", () => {
  const b = Buffer.from("abc");
  b.subarray(1)[0] = 0x7a;
  eq(b.toString(), "azc");
});
check("slice shares memory (deprecated alias)", () => {
  const b = Buffer.from("abc");
  b.slice(0, 1)[0] = 0x41;
  eq(b.toString(), "Abc");
});
check("indexOf/includes/lastIndexOf find substrings", () => {
  const b = Buffer.from("abcabc");
  deepEq([b.indexOf("c"), b.lastIndexOf("a"), b.includes("ca")], [2, 3, true]);
});
check("fill with string", () => eq(Buffer.alloc(5).fill("ab").toString(), "ababa"));
check("byteLength of utf8", () => eq(Buffer.byteLength("€"), 3));
check("toJSON gives {type: 'Buffer', data}", () => deepEq(Buffer.from([1, 2]).toJSON(), { type: "Buffer", data: [1, 2] }));
check("swap16 swaps byte pairs in place", () => eq(Buffer.from([1, 2, 3, 4]).swap16().toString("hex"), "02010403"));
check("invalid utf8 replaced with U+FFFD", () => eq(Buffer.from([0xff]).toString(), "\ufffd"));
check("isUtf8/isAscii validate byte content", () => deepEq([isUtf8(Buffer.from([0xff])), isAscii(Buffer.from("abc"))], [false, true]));
check("transcode utf8 -> latin1", () => eq(transcode(Buffer.from("é"), "utf8", "latin1").length, 1));
check("Blob slice/text/type behave like the spec", async () => {
  const b = new Blob(["hello ", "world"], { type: "text/plain" });
  eq(await b.slice(6).text(), "world", "slice");
  eq(b.type, "text/plain", "type");
});
check("File keeps name, size and lastModified", () => {
  const f = new File(["x"], "a.txt", { lastModified: 42 });
  deepEq([f.name, f.size, f.lastModified], ["a.txt", 1, 42]);
});
check("constants.MAX_LENGTH = kMaxLength", () => eq(constants.MAX_LENGTH, kMaxLength));
check("atob from node:buffer decodes base64", () => eq(batob("aGk="), "hi"));
check("allocUnsafe returns the requested length", () => ok(Buffer.allocUnsafe(10).length === 10 && typeof Buffer.poolSize === "number", "bad"));
check("Buffer instanceof Uint8Array", () => ok(Buffer.alloc(1) instanceof Uint8Array, "not a Uint8Array"));
check("Buffer.copyBytesFrom copies a typed array view", () => {
  ok(typeof Buffer.copyBytesFrom === "function", "missing");
  eq(Buffer.copyBytesFrom(new Uint16Array([1, 2]), 1).length, 2);
});
check("inspect shows <Buffer ..>", async () => {
  const util = await import("node:util");
  eq(util.inspect(Buffer.from("ab")), "<Buffer 61 62>");
});
await run();
