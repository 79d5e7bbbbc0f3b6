import v8 from "node:v8";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { describe, check, run, eq, ok, deepEq, throws, stub, isFn } from "../harness.mjs";

describe("v8");
check("getHeapStatistics reports heap sizes", () => { const h = v8.getHeapStatistics(); ok(h.total_heap_size > 0 && h.heap_size_limit > 0, JSON.stringify(h).slice(0, 80)); });
check("getHeapSpaceStatistics lists old_space", () => ok(v8.getHeapSpaceStatistics().some((s) => s.space_name === "old_space"), "no old_space"));
check("serialize/deserialize round trip keeps Map, Date and BigInt", () => { const v = { m: new Map([[1, 2]]), d: new Date(0), b: 1n }; const r = v8.deserialize(v8.serialize(v)); ok(r.m.get(1) === 2 && r.b === 1n && r.d.getTime() === 0, "lost data"); });
check("serialize wire format starts with the 0xFF header", () => eq(v8.serialize("x")[0], 0xff));
check("serialize wire format matches Node (version 15)", () => eq(v8.serialize(1).toString("hex"), "ff0f4902"));
check("cachedDataVersionTag is a stable number", () => { const a = v8.cachedDataVersionTag(); ok(Number.isInteger(a) && a === v8.cachedDataVersionTag(), `tag ${a}`); });
// Node's documented way to get a gc() function at run time: set --expose-gc, then a new
// context has it. A setFlagsFromString that ignores the flag leaves no gc in the new context.
check("setFlagsFromString('--expose-gc') exposes gc() in a new context", async () => {
  const vm = await import("node:vm");
  v8.setFlagsFromString("--expose-gc");
  let gc;
  try { gc = vm.runInNewContext("gc"); } catch (e) { stub(`the flag had no effect: ${String(e.message).slice(0, 80)}`); }
  eq(typeof gc, "function", "typeof gc in a new context");
  gc();
});
check("writeHeapSnapshot writes a snapshot file", () => {
  const f = path.join(os.tmpdir(), `bk-${process.pid}.heapsnapshot`);
  const out = v8.writeHeapSnapshot(f);
  const size = fs.statSync(out).size;
  fs.rmSync(out);
  ok(size > 1000, `size ${size}`);
}, { timeoutMs: 15000 });
check("getHeapSnapshot streams a snapshot", async () => {
  let n = 0;
  for await (const c of v8.getHeapSnapshot()) n += c.length;
  ok(n > 1000, `bytes ${n}`);
}, { timeoutMs: 15000 });
check("getHeapCodeStatistics reports code size", () => {
  const c = v8.getHeapCodeStatistics();
  if (Object.values(c).every((v) => v === 0)) stub(`every field is 0: ${JSON.stringify(c).slice(0, 80)}`);
  ok(c.code_and_metadata_size > 0, JSON.stringify(c));
});
check("Serializer/Deserializer round trip a value", () => { const s = new v8.Serializer(); s.writeHeader(); s.writeValue(5); const d = new v8.Deserializer(s.releaseBuffer()); d.readHeader(); eq(d.readValue(), 5); });
check("isStringOneByteRepresentation tells Latin-1 from two-byte strings", () => { isFn(v8, "isStringOneByteRepresentation"); deepEq([v8.isStringOneByteRepresentation("abc"), v8.isStringOneByteRepresentation("\u20ac")], [true, false]); });
check("startupSnapshot.addSerializeCallback throws when no snapshot is being built", () => {
  ok(!v8.startupSnapshot.isBuildingSnapshot(), "isBuildingSnapshot is truthy at run time");
  throws(() => v8.startupSnapshot.addSerializeCallback(() => {}), (e) => e.code === "ERR_NOT_BUILDING_SNAPSHOT");
});
check("GCProfiler records the collections caused by allocation", () => {
  const p = new v8.GCProfiler();
  p.start();
  let keep = [];
  for (let i = 0; i < 300; i++) keep.push(new Array(1e4).fill(i));
  keep = null;
  for (let i = 0; i < 200; i++) new Array(1e5).fill(0);
  const r = p.stop();
  ok(r && Array.isArray(r.statistics) && r.statistics.length > 0, `statistics: ${r && r.statistics && r.statistics.length}`);
  ok(typeof r.statistics[0].gcType === "string" && r.statistics[0].cost >= 0, JSON.stringify(r.statistics[0]).slice(0, 100));
});
check("queryObjects counts live instances of a class", () => { isFn(v8, "queryObjects"); class BkQ {} const keep = [new BkQ(), new BkQ()]; eq(v8.queryObjects(BkQ, { format: "count" }), 2); void keep; });
check("getHeapStatistics used_heap_size grows with 20 MB of live objects", () => {
  const before = v8.getHeapStatistics().used_heap_size;
  const keep = Array.from({ length: 200 }, (_, i) => new Array(12500).fill(i + 0.5));
  const after = v8.getHeapStatistics().used_heap_size;
  ok(after - before > 10 * 1048576, `grew by ${((after - before) / 1048576).toFixed(1)} MB`);
  void keep;
});
check("serialize of a function throws a DataCloneError", () => throws(() => v8.serialize({ f() {} }), (e) => e.name === "DataCloneError" || /could not be cloned/i.test(e.message)));
await run();
