// Loads native code the way a dependency does, with require(), and prints one JSON line:
// {"ok": true, "exports": [...], "count": n} or {"ok": false, "code", "error"}.
//   native-load.mjs file <path.node>    load one addon binary
//   native-load.mjs package <folder>    require the package folder (it picks its own binary)
// Run by the compat suite under each runtime, one process per target, so a crash ends only it.
import { createRequire } from "node:module";
import path from "node:path";
const [mode, target] = process.argv.slice(2);
const require = createRequire(path.join(mode === "package" ? target : path.dirname(target), "noop.js"));
try {
  const m = require(target);
  const keys = m && (typeof m === "object" || typeof m === "function") ? Object.keys(m) : [];
  // An addon that loads as an empty object did not register (seen with unsupported N-API).
  process.stdout.write(JSON.stringify({ ok: keys.length > 0, exports: keys.slice(0, 12), count: keys.length, error: keys.length ? undefined : "loaded, but exports nothing" }) + "\n");
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, code: e && e.code, error: String((e && e.message) || e).replace(/\s*\n\s*/g, " ").slice(0, 300) }) + "\n");
}
