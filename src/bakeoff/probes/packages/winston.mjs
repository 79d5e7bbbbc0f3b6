// Smoke test: winston — JSON format, custom transport stream, levels, metadata.
import winston from "winston";
import { Writable } from "node:stream";
import { describe, check, run, eq, deepEq, ok } from "../harness.mjs";

describe("pkg:winston");
const out = [];
const stream = new Writable({ write(c, _e, cb) { out.push(JSON.parse(c.toString())); cb(); } });
const log = winston.createLogger({ level: "info", format: winston.format.combine(winston.format.timestamp(), winston.format.json()), defaultMeta: { svc: "probe" }, transports: [new winston.transports.Stream({ stream })] });
const flush = () => new Promise((r) => setImmediate(r));
check("info with metadata", async () => { log.info("hello", { a: 1 }); await flush(); const l = out.at(-1); deepEq([l.message, l.level, l.svc, l.a], ["hello", "info", "probe", 1]); });
check("timestamp format", async () => { log.warn("t"); await flush(); ok(!Number.isNaN(Date.parse(out.at(-1).timestamp)), "bad timestamp"); });
check("debug filtered", async () => { const n = out.length; log.debug("x"); await flush(); eq(out.length, n); });
check("child logger", async () => { log.child({ req: "r2" }).error("e"); await flush(); deepEq([out.at(-1).req, out.at(-1).level], ["r2", "error"]); });
check("printf format", () => { const f = winston.format.printf((i) => `${i.level}:${i.message}`); eq(f.transform({ level: "info", message: "m", [Symbol.for("level")]: "info" })[Symbol.for("message")], "info:m"); });
await run();
