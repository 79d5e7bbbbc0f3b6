import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, check, run, eq, ok, deepEq, isFn, selfArgv, stub } from "../harness.mjs";

describe("node_test");
const file = fileURLToPath(new URL("../fixtures/node-test-file.mjs", import.meta.url));
let out;
// Run the file the way each runtime runs node:test files directly (no test-runner CLI flags).
const result = () => {
  if (out) return out;
  const [cmd, ...args] = selfArgv(file);
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 15000, env: { ...process.env, NO_COLOR: "1", NODE_TEST_CONTEXT: "" } });
  out = { status: r.status, text: (r.stdout || "") + (r.stderr || "") };
  return out;
};
check("run() runs a test file and streams test:pass events", async () => {
  const t = await import("node:test");
  isFn(t, "run");
  let pass = 0, fail = 0;
  const stream = t.run({ files: [file] });
  stream.on("test:pass", (d) => { if (d.nesting === 0) pass++; });
  stream.on("test:fail", () => fail++);
  for await (const _ of stream);
  if (pass + fail === 0) stub("run() returned a stream that reported no test at all");
  deepEq([pass, fail], [6, 0], "top-level passes and failures");
}, { timeoutMs: 20000 });
check("spec reporter formats a run() stream", async () => {
  const t = await import("node:test");
  const { spec } = await import("node:test/reporters");
  let out = "";
  for await (const chunk of t.run({ files: [file] }).compose(spec)) out += chunk;
  ok(out.includes("passes") && out.includes("nested"), `spec output: ${out.slice(0, 120)}`);
}, { timeoutMs: 20000 });
check("mock.timers tick fires a pending setTimeout", async () => {
  const { mock } = await import("node:test");
  mock.timers.enable({ apis: ["setTimeout"] });
  let fired = false;
  try {
    setTimeout(() => { fired = true; }, 1000);
    mock.timers.tick(999);
    const early = fired;
    mock.timers.tick(1);
    deepEq([early, fired], [false, true]);
  } finally {
    mock.timers.reset();
  }
});
check("running a test file directly exits 0", () => eq(result().status, 0, `exit status (output: ${result().text.slice(0, 120).replace(/\n/g, " | ")})`), { timeoutMs: 20000 });
check("TAP/spec output reports 'pass 7'", () => ok(/pass 7\b/.test(result().text), "no 'pass 7' summary line"), { timeoutMs: 20000 });
check("skipped test reported as 'skipped 1'", () => ok(/skipped 1\b/.test(result().text), "no 'skipped 1' summary line"), { timeoutMs: 20000 });
check("mock.fn in the main process records arguments", async () => { const { mock } = await import("node:test"); const f = mock.fn(); f(1); eq(f.mock.calls[0].arguments[0], 1); });
check("mock.method replaces and restoreAll restores", async () => {
  const { mock } = await import("node:test");
  const o = { m: () => 1 };
  mock.method(o, "m", () => 2);
  const during = o.m();
  mock.restoreAll();
  eq(`${during}${o.m()}`, "21");
});
check("mock.fn implementation and call count", async () => {
  const { mock } = await import("node:test");
  const f = mock.fn((a) => a * 2);
  deepEq([f(2), f(3), f.mock.callCount(), f.mock.calls[1].result], [4, 6, 2, 6]);
});
check("mock.method with a getter replaces a property read", async () => {
  const { mock } = await import("node:test");
  const o = { get v() { return "real"; } };
  mock.method(o, "v", () => "mocked", { getter: true });
  const during = o.v;
  mock.restoreAll();
  deepEq([during, o.v], ["mocked", "real"]);
});
await run();
