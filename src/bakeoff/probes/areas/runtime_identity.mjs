// Which executable really runs the code. A package bin script starts with `#!/usr/bin/env node`
// (jest, vitest, tsc, next, eslint ...): started through PATH or a package.json script it runs
// under whatever `node` is on PATH, so a test or build "under Bun" may really run under Node.
// The contestant's own directory is first on PATH, as when a team installs only that runtime
// next to a system Node. The bin reports process.execPath and versions; the compat suite also
// watches the process tree while this area runs (bakeoff.compat.identity).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, check, run, eq, ok, isDeno, isBun, selfArgv } from "../harness.mjs";

describe("runtime_identity");
const app = fileURLToPath(new URL("../fixtures/mod/", import.meta.url));
const family = isDeno ? "deno" : isBun ? "bun" : "node";
const binScript = path.join(app, "node_modules", "whoami-cli", "bin", "whoami.js");
const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`, NO_COLOR: "1" };
function who(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { cwd: app, env, encoding: "utf8", timeout: 15000 });
  const line = (r.stdout || "").split("\n").find((l) => l.startsWith("{"));
  if (!line) return { error: r.error ? r.error.code : `exit ${r.status}: ${((r.stderr || "") + (r.stdout || "")).trim().split("\n").slice(-1)[0].slice(0, 120)}` };
  return JSON.parse(line);
}
const same = (got) => {
  ok(!got.error, `the bin did not run: ${got.error}`);
  ok(got.runtime === family, `ran under ${got.runtime} ${got.version} (${got.execPath}), not ${family}: the contestant is not really tested`);
  eq(got.execPath, process.execPath, "executable");
};
const T = { timeoutMs: 20000 };
check("a child started with process.execPath reports this runtime", () => same(who(selfArgv(binScript))), T);
check("a node_modules/.bin entry with a node shebang, run through PATH, runs under this runtime", () => same(who([path.join(app, "node_modules", ".bin", "whoami-cli")])), T);
// The runtime's own way to run a package.json script: node --run, bun run, deno task.
const scriptRunner = { node: [process.execPath, "--run", "whoami"], bun: [process.execPath, "run", "whoami"], deno: [process.execPath, "task", "whoami"] }[family];
check("a package.json script calling a node-shebang bin runs under this runtime", () => same(who(scriptRunner)), { ...T, ref: "https://bun.com/docs/cli/run" });
check("the runtime's force flag runs a script's node-shebang bin under it (bun --bun run)", () => {
  if (family !== "bun") return { skip: `${family} has no such flag (its script runner already decides)` };
  same(who([process.execPath, "--bun", "run", "whoami"]));
}, T);
check("process.execPath of this probe is an absolute path to an executable", async () => {
  const fs = await import("node:fs");
  ok(path.isAbsolute(process.execPath), process.execPath);
  fs.accessSync(process.execPath, fs.constants.X_OK);
});
await run();
