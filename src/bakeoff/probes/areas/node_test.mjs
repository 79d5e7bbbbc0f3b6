import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, check, run, eq, ok } from "../harness.mjs";

describe("node_test");
const file = fileURLToPath(new URL("../fixtures/node-test-file.mjs", import.meta.url));
let out;
// Run the file the way each runtime runs node:test files directly (no test-runner CLI flags).
const result = () => {
  if (out) return out;
  const deno = typeof globalThis.Deno !== "undefined";
  const r = spawnSync(process.execPath, deno ? ["run", "--allow-all", file] : [file], { encoding: "utf8", timeout: 15000, env: { ...process.env, NO_COLOR: "1", NODE_TEST_CONTEXT: "" } });
  out = { status: r.status, text: (r.stdout || "") + (r.stderr || "") };
  return out;
};
check("node:test module exports test/describe/it/mock", async () => {
  const t = await import("node:test");
  ok(["test", "describe", "it", "mock", "before", "after", "beforeEach", "afterEach", "suite"].every((k) => typeof t[k] === "function" || typeof t[k] === "object"), "missing exports");
});
check("run() API exists", async () => ok(typeof (await import("node:test")).run === "function", "node:test run() missing"));
check("mock.timers API", async () => ok(typeof (await import("node:test")).mock.timers.enable === "function", "mock.timers missing"));
check("running a test file directly exits 0", () => eq(result().status, 0, `exit status (output: ${result().text.slice(0, 120).replace(/\n/g, " | ")})`), { timeoutMs: 20000 });
check("TAP/spec output reports 'pass 7'", () => ok(/pass 7\b/.test(result().text), "no 'pass 7' summary line"), { timeoutMs: 20000 });
check("skipped test reported as 'skipped 1'", () => ok(/skipped 1\b/.test(result().text), "no 'skipped 1' summary line"), { timeoutMs: 20000 });
check("mock.fn in main process", async () => { const { mock } = await import("node:test"); const f = mock.fn(); f(1); eq(f.mock.calls[0].arguments[0], 1); });
check("mock.method restores", async () => {
  const { mock } = await import("node:test");
  const o = { m: () => 1 };
  mock.method(o, "m", () => 2);
  const during = o.m();
  mock.restoreAll();
  eq(`${during}${o.m()}`, "21");
});
check("node:test reporters module", async () => { const r = await import("node:test/reporters"); ok(typeof r.spec === "function" || typeof r.tap === "function", "no reporters"); });
check("test.snapshot API", async () => ok((await import("node:test")).snapshot && typeof (await import("node:test")).snapshot.setResolveSnapshotPath === "function", "snapshot API missing"));
await run();
