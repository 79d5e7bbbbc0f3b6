import v8 from "node:v8";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("v8");
check("getHeapStatistics", () => { const h = v8.getHeapStatistics(); ok(h.total_heap_size > 0 && h.heap_size_limit > 0, JSON.stringify(h).slice(0, 80)); });
check("getHeapSpaceStatistics", () => ok(v8.getHeapSpaceStatistics().some((s) => s.space_name === "old_space"), "no old_space"));
check("serialize/deserialize round trip", () => { const v = { m: new Map([[1, 2]]), d: new Date(0), b: 1n }; const r = v8.deserialize(v8.serialize(v)); ok(r.m.get(1) === 2 && r.b === 1n && r.d.getTime() === 0, "lost data"); });
check("serialize wire format header 0xFF", () => eq(v8.serialize("x")[0], 0xff));
check("serialize wire format matches Node (version 15)", () => eq(v8.serialize(1).toString("hex"), "ff0f4902"));
check("cachedDataVersionTag", () => eq(typeof v8.cachedDataVersionTag(), "number"));
check("setFlagsFromString", () => { v8.setFlagsFromString("--no-lazy"); ok(true); });
check("writeHeapSnapshot to file", () => {
  const f = path.join(os.tmpdir(), `bk-${process.pid}.heapsnapshot`);
  const out = v8.writeHeapSnapshot(f);
  const size = fs.statSync(out).size;
  fs.rmSync(out);
  ok(size > 1000, `size ${size}`);
}, { timeoutMs: 15000 });
check("getHeapSnapshot stream", async () => {
  let n = 0;
  for await (const c of v8.getHeapSnapshot()) n += c.length;
  ok(n > 1000, `bytes ${n}`);
}, { timeoutMs: 15000 });
check("getHeapCodeStatistics", () => ok(typeof v8.getHeapCodeStatistics().code_and_metadata_size === "number", "missing"));
check("Serializer/Deserializer classes", () => { const s = new v8.Serializer(); s.writeHeader(); s.writeValue(5); const d = new v8.Deserializer(s.releaseBuffer()); d.readHeader(); eq(d.readValue(), 5); });
check("isStringOneByteRepresentation", () => { ok(typeof v8.isStringOneByteRepresentation === "function", "missing"); eq(v8.isStringOneByteRepresentation("abc"), true); });
check("startupSnapshot API", () => ok(v8.startupSnapshot && typeof v8.startupSnapshot.isBuildingSnapshot === "function", "missing"));
check("GCProfiler", () => ok(typeof v8.GCProfiler === "function", "missing"));
check("queryObjects", () => { ok(typeof v8.queryObjects === "function", "missing"); class BkQ {} const keep = [new BkQ(), new BkQ()]; eq(v8.queryObjects(BkQ, { format: "count" }), 2); void keep; });
await run();
