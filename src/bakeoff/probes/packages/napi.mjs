// Smoke test: a native N-API addon installed from the registry alone (@node-rs/argon2 ships
// per-platform .node binaries as optional npm packages; no compiler, no install script).
import { createRequire } from "node:module";
import { describe, check, run, eq, ok } from "../harness.mjs";

describe("pkg:napi");
const require = createRequire(import.meta.url);
let argon;
check("require() loads the native binding", () => { argon = require("@node-rs/argon2"); ok(typeof argon.hash === "function", `exports: ${Object.keys(argon).join(",") || "none"}`); });
check("the platform package is a .node file", () => { const p = require.resolve("@node-rs/argon2-linux-x64-gnu"); ok(p.endsWith(".node"), p); });
check("async hash + verify (threadpool work)", async () => { const h = await argon.hash("pw"); ok(h.startsWith("$argon2id$"), h.slice(0, 12)); eq(await argon.verify(h, "pw"), true); });
check("sync hash", () => ok(argon.hashSync("pw").startsWith("$argon2id$"), "bad"));
check("wrong password verifies false", async () => eq(await argon.verify(await argon.hash("a"), "b"), false));
check("invalid argument throws a JS error", () => { try { argon.hashSync(123); } catch (e) { ok(e instanceof Error, "not an Error"); return; } ok(false, "no throw"); });
await run();
