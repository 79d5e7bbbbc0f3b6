// Smoke test: pino — JSON lines to a destination stream, child loggers, levels; pino.transport worker.
import pino from "pino";
import { Writable } from "node:stream";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("pkg:pino");
const lines = [];
const dest = new Writable({ write(c, _e, cb) { lines.push(...c.toString().trim().split("\n").map((l) => JSON.parse(l))); cb(); } });
const log = pino({ level: "info", base: { svc: "probe" } }, dest);
check("info line is JSON with msg/level/svc", () => { log.info({ a: 1 }, "hello"); const l = lines.at(-1); deepEq([l.msg, l.level, l.svc, l.a], ["hello", 30, "probe", 1]); });
check("debug filtered at info level", () => { const n = lines.length; log.debug("hidden"); eq(lines.length, n); });
check("child bindings", () => { log.child({ req: "r1" }).warn("w"); deepEq([lines.at(-1).req, lines.at(-1).level], ["r1", 40]); });
check("error serializer", () => { log.error(new Error("bad")); ok(lines.at(-1).err && lines.at(-1).err.message === "bad" && lines.at(-1).err.stack, "no err serialization"); });
check("pino.destination sync to file", async () => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const f = `${os.tmpdir()}/pino-${process.pid}.log`;
  const d = pino.destination({ dest: f, sync: true });
  pino(d).info("to-file");
  d.flushSync();
  ok(fs.readFileSync(f, "utf8").includes("to-file"), "not written");
  fs.rmSync(f);
});
check("pino.transport (worker thread) delivers", async () => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const f = `${os.tmpdir()}/pino-t-${process.pid}.log`;
  const t = pino.transport({ target: "pino/file", options: { destination: f, mkdir: true } });
  const l = pino(t);
  l.info("via-transport");
  await new Promise((r) => { t.on("close", r); t.end(); });
  ok(fs.existsSync(f) && fs.readFileSync(f, "utf8").includes("via-transport"), "transport wrote nothing");
  fs.rmSync(f, { force: true });
}, { timeoutMs: 10000 });
await run();
