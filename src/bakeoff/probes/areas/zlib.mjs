import zlib from "node:zlib";
import { promisify } from "node:util";
import { pipeline } from "node:stream/promises";
import { Readable, Writable } from "node:stream";
import { describe, check, run, eq, ok, throws } from "../harness.mjs";

describe("zlib");
const data = Buffer.from("hello ".repeat(1000));
check("gzipSync/gunzipSync round trip", () => ok(zlib.gunzipSync(zlib.gzipSync(data)).equals(data), "round trip"));
check("gzip header magic", () => eq(zlib.gzipSync(data).subarray(0, 2).toString("hex"), "1f8b"));
check("deflate/inflate round trip", () => ok(zlib.inflateSync(zlib.deflateSync(data)).equals(data), "round trip"));
check("deflateRaw/inflateRaw round trip", () => ok(zlib.inflateRawSync(zlib.deflateRawSync(data)).equals(data), "round trip"));
check("brotli round trip", () => ok(zlib.brotliDecompressSync(zlib.brotliCompressSync(data)).equals(data), "round trip"));
check("brotli quality param", () => {
  const q1 = zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } });
  ok(zlib.brotliDecompressSync(q1).equals(data), "round trip");
});
check("unzip autodetects gzip", () => ok(zlib.unzipSync(zlib.gzipSync(data)).equals(data), "unzip"));
check("promisified gzip/gunzip round trip", async () => {
  const gz = await promisify(zlib.gzip)(data);
  ok((await promisify(zlib.gunzip)(gz)).equals(data), "round trip");
});
check("stream gzip pipeline", async () => {
  const chunks = [];
  await pipeline(Readable.from([data]), zlib.createGzip(), zlib.createGunzip(), new Writable({ write(c, _e, cb) { chunks.push(c); cb(); } }));
  ok(Buffer.concat(chunks).equals(data), "mismatch");
});
check("brotli stream round trip", async () => {
  const chunks = [];
  await pipeline(Readable.from([data]), zlib.createBrotliCompress(), zlib.createBrotliDecompress(), new Writable({ write(c, _e, cb) { chunks.push(c); cb(); } }));
  ok(Buffer.concat(chunks).equals(data), "mismatch");
});
check("corrupt input throws Z_DATA_ERROR", () => {
  throws(() => zlib.gunzipSync(Buffer.from("not gzip")), (e) => e.code === "Z_DATA_ERROR");
});
check("crc32 of hello matches the vector", () => {
  ok(typeof zlib.crc32 === "function", "zlib.crc32 missing");
  eq(zlib.crc32("hello"), 907060870);
});
check("constants Z_BEST_COMPRESSION is 9", () => eq(zlib.constants.Z_BEST_COMPRESSION, 9));
check("gzip level option changes output", () => ok(zlib.gzipSync(data, { level: 1 }).length >= zlib.gzipSync(data, { level: 9 }).length, "level ignored"));
check("flush on deflate stream", async () => {
  const d = zlib.createDeflate();
  const got = new Promise((r) => d.once("data", r));
  d.write("abc");
  d.flush();
  ok((await got).length > 0, "no data after flush");
  d.destroy();
});
check("info option returns engine", () => {
  const r = zlib.gzipSync(data, { info: true });
  ok(r.buffer && r.engine, "no {buffer, engine}");
});
check("maxOutputLength enforced with ERR_BUFFER_TOO_LARGE", () => {
  throws(() => zlib.gunzipSync(zlib.gzipSync(data), { maxOutputLength: 10 }), (e) => e.code === "ERR_BUFFER_TOO_LARGE");
});
check("zstd round trip", () => {
  ok(typeof zlib.zstdCompressSync === "function", "zstdCompressSync missing");
  ok(zlib.zstdDecompressSync(zlib.zstdCompressSync(data)).equals(data), "round trip");
});
await run();
