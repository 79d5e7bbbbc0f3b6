import { StringDecoder } from "node:string_decoder";
import { describe, check, run, eq } from "../harness.mjs";

describe("string_decoder");
const euro = Buffer.from("€");
check("split multibyte utf8", () => { const d = new StringDecoder("utf8"); eq(d.write(euro.subarray(0, 1)) + d.write(euro.subarray(1)), "€"); });
check("end flushes incomplete as U+FFFD", () => { const d = new StringDecoder("utf8"); d.write(euro.subarray(0, 2)); eq(d.end(), "\ufffd"); });
check("utf16le split across writes", () => { const d = new StringDecoder("utf16le"); const b = Buffer.from("hi", "utf16le"); eq(d.write(b.subarray(0, 1)) + d.write(b.subarray(1)), "hi"); });
check("base64 partial groups", () => { const d = new StringDecoder("base64"); eq(d.write(Buffer.from("ab")) + d.end(), "YWI="); });
check("hex encoding of a byte", () => eq(new StringDecoder("hex").write(Buffer.from([255])), "ff"));
check("latin1 decodes a byte as é", () => eq(new StringDecoder("latin1").write(Buffer.from([0xe9])), "é"));
check("encoding property normalized", () => eq(new StringDecoder("UTF-8").encoding, "utf8"));
check("unknown encoding throws", () => { try { new StringDecoder("nope"); } catch (e) { eq(e.code, "ERR_UNKNOWN_ENCODING"); return; } throw new Error("no throw"); });
check("surrogate pair split in utf8", () => { const d = new StringDecoder("utf8"); const b = Buffer.from("😀"); eq(d.write(b.subarray(0, 3)) + d.write(b.subarray(3)), "😀"); });
check("end(buffer) decodes the last chunk", () => eq(new StringDecoder("utf8").end(Buffer.from("z")), "z"));
await run();
