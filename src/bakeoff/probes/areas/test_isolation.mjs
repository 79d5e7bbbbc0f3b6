// Isolation between test files in each runtime's own test runner (node --test, bun test,
// deno test): the first file mocks a module and patches a global, an object method and module
// state without restoring them; the second file records what it sees. Jest gives every file a
// fresh module registry and global; a runner that shares them leaks mocks across files, which
// makes a migrated suite pass or fail depending on file order.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, check, run, eq, ok, isDeno, isBun } from "../harness.mjs";

describe("test_isolation");
const fx = fileURLToPath(new URL("../fixtures/isolation/", import.meta.url));
const family = isDeno ? "deno" : isBun ? "bun" : "node";
// The way a team runs its test files with this runtime's own runner, one file after the other.
const argv = {
  node: [process.execPath, "--test", "--experimental-test-module-mocks", "--test-concurrency=1", "--no-warnings", path.join(fx, "node", "a.test.mjs"), path.join(fx, "node", "b.test.mjs")],
  bun: [process.execPath, "test", "./a.test.mjs", "./b.test.mjs"],
  deno: [process.execPath, "test", "-A", "--no-check", "a_test.mjs", "b_test.mjs"],
}[family];
let seen;
const observe = () => {
  if (seen) return seen;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "bk-isolation-"));
  try {
    const r = spawnSync(argv[0], argv.slice(1), { cwd: path.join(fx, family), encoding: "utf8", timeout: 30000, env: { ...process.env, BK_ISOLATION_OUT: out, NO_COLOR: "1" } });
    const read = (n) => (fs.existsSync(path.join(out, `${n}.json`)) ? JSON.parse(fs.readFileSync(path.join(out, `${n}.json`), "utf8")) : null);
    seen = { status: r.status, a: read("a"), b: read("b"), tail: ((r.stdout || "") + (r.stderr || "")).trim().split("\n").slice(-2).join(" | ").slice(0, 160) };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  return seen;
};
// Both files ran, the first one before the second (else the check says nothing).
const ordered = () => {
  const s = observe();
  ok(s.a && s.b, `runner (exit ${s.status}) did not run both files: ${s.tail}`);
  ok(s.a.at <= s.b.at, `the second file ran before the first (${s.b.at} < ${s.a.at})`);
  return s;
};
const T = { timeoutMs: 35000 };
check("the runtime's test runner runs both test files in order", () => { ordered(); }, T);
check("a module mock made in one test file does not reach the next file", () => {
  const s = ordered();
  if (family === "deno") return { skip: "deno test has no module-mocking API" };
  eq(s.a.mocked, "mocked", "the mock worked in its own file");
  eq(s.b.value, "real", "value the second file imported");
}, { ...T, ref: "https://github.com/oven-sh/bun/issues/12823" });
check("a global patched in one test file is not visible in the next file", () => eq(ordered().b.global, null, "globalThis.bkIsolationLeak in the second file"), T);
check("an object method patched in one test file is restored for the next file", () => eq(ordered().b.method, "real", "api.get() in the second file"), T);
check("module state changed in one test file is fresh in the next file", () => eq(ordered().b.count, 0, "count in the second file"), T);
await run();
