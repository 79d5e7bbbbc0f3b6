import process from "node:process";
import { spawnSync, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, check, run, eq, ok, deepEq, selfArgv } from "../harness.mjs";

describe("process");
const child = fileURLToPath(new URL("../fixtures/exit-child.mjs", import.meta.url));
const runtimeArgs = process.execArgv.length ? process.execArgv : [];
const self = (mode) => {
  const [cmd, ...args] = selfArgv(child, [mode], runtimeArgs);
  return spawnSync(cmd, args, { encoding: "utf8", timeout: 10000 });
};
check("process.exitCode sets the exit status", () => eq(self("exitCode").status, 7));
check("process.exit(n) runs 'exit' handlers with code", () => { const r = self("exit"); deepEq([r.status, r.stdout], [3, "exit:3"]); });
check("uncaught exception exits 1 with stack on stderr", () => { const r = self("throw"); eq(r.status, 1, "status"); ok(r.stderr.includes("uncaught-in-child"), "message not on stderr"); });
check("an unhandled rejection exits with status 1", () => eq(self("reject").status, 1));
check("beforeExit can schedule more work", () => eq(self("beforeExit").stdout, "rescheduled"));
check("a SIGTERM handler runs and its exit(0) is the status", async () => {
  const [cmd, ...args] = selfArgv(child, ["sigterm"]);
  const p = spawn(cmd, args);
  let out = "";
  p.stdout.on("data", (c) => { out += c; if (out.includes("ready")) p.kill("SIGTERM"); });
  const [code] = await once(p, "exit");
  deepEq([code, out.replace("ready\n", "")], [0, "got-sigterm"]);
});
check("nextTick before promise microtasks (from a macrotask)", async () => {
  const order = [];
  await new Promise((r) => setTimeout(() => { Promise.resolve().then(() => order.push("promise")); process.nextTick(() => order.push("tick")); setTimeout(r, 1); }, 1));
  deepEq(order, ["tick", "promise"]);
});
check("nextTick passes extra arguments", async () => eq(await new Promise((r) => process.nextTick((a, b) => r(a + b), 1, 2)), 3));
check("hrtime.bigint is a monotonic bigint", () => { const a = process.hrtime.bigint(); ok(process.hrtime.bigint() >= a && typeof a === "bigint", "bad"); });
check("hrtime(prev) diff tuple", () => { const d = process.hrtime(process.hrtime()); ok(Array.isArray(d) && d.length === 2 && d[0] >= 0, "bad tuple"); });
check("memoryUsage has the five numeric fields", () => { const m = process.memoryUsage(); ok(["rss", "heapTotal", "heapUsed", "external", "arrayBuffers"].every((k) => typeof m[k] === "number"), JSON.stringify(m)); });
check("memoryUsage.rss() is positive", () => ok(process.memoryUsage.rss() > 0, "rss 0"));
check("cpuUsage reports user CPU time", () => { const c = process.cpuUsage(); ok(c.user > 0 && typeof c.system === "number", JSON.stringify(c)); });
check("resourceUsage reports maxRSS", () => ok(process.resourceUsage().maxRSS > 0, "maxRSS"));
check("process.versions.node is a semver", () => ok(/^\d+\.\d+\.\d+/.test(process.versions.node), process.versions.node));
check("process.version starts with v", () => ok(process.version.startsWith("v"), process.version));
check("process.release.name is node everywhere", () => eq(process.release.name, "node"));
check("process.platform is linux and arch agrees with os.arch()", async () => deepEq([process.platform, process.arch], ["linux", (await import("node:os")).arch()]));
check("process.env is string-coercing", () => { process.env.BK_NUM = 5; eq(process.env.BK_NUM, "5"); delete process.env.BK_NUM; });
check("process.env missing key is undefined", () => eq(process.env.BK_NOT_SET_ANYWHERE, undefined));
check("process.chdir changes process.cwd", () => { const c = process.cwd(); process.chdir("/"); eq(process.cwd(), "/"); process.chdir(c); });
check("process.pid/ppid are positive", () => ok(process.pid > 0 && process.ppid > 0, "bad"));
check("process.uptime is positive", () => ok(process.uptime() > 0, "0"));
check("process.emitWarning emits a warning event", async () => {
  const w = new Promise((r) => { const f = (x) => { if (x.message === "careful") { process.off("warning", f); r(x); } }; process.on("warning", f); });
  process.emitWarning("careful", "CustomWarning");
  eq((await w).name, "CustomWarning");
});
check("process.stdout.write returns true when the pipe takes the data", () => eq(process.stdout.write(""), true));
check("process.stdout.isTTY undefined when piped", () => ok(!process.stdout.isTTY, "isTTY true"));
check("process.umask sets and returns the previous mask", () => { const old = process.umask(0o027); const back = process.umask(old); deepEq([back, process.umask()], [0o027, old]); });
check("process.getuid matches the uid from os.userInfo", async () => eq(process.getuid(), (await import("node:os")).userInfo().uid));
check("process.kill(pid, 0) for self", () => eq(process.kill(process.pid, 0), true));
check("process.title can be set and read back", () => { const old = process.title; process.title = "bk-title"; const now = process.title; process.title = old; eq(now, "bk-title"); });
check("process.features.require_module agrees with require(esm) working", async () => {
  const { createRequire } = await import("node:module");
  const req = createRequire(import.meta.url);
  let works = false;
  try { works = req("../fixtures/mod/esm-lib.mjs").kind === "esm"; } catch {}
  eq(process.features.require_module, works, "features.require_module vs behaviour");
});
check("process.constrainedMemory is at least availableMemory", () => {
  const c = process.constrainedMemory(), a = process.availableMemory();
  ok(typeof c === "number" && (c === 0 || c >= a), `constrainedMemory ${c}, availableMemory ${a}`);
});
check("process.availableMemory returns a positive number", () => ok(typeof process.availableMemory === "function" && process.availableMemory() > 0, "missing"));
check("process.loadEnvFile sets variables from a .env file", async () => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const f = `${os.tmpdir()}/bk-${process.pid}.env`;
  fs.writeFileSync(f, "BK_ENV_A=1\nBK_ENV_B=\"two words\"\n");
  try {
    process.loadEnvFile(f);
    deepEq([process.env.BK_ENV_A, process.env.BK_ENV_B], ["1", "two words"]);
  } finally {
    fs.rmSync(f, { force: true });
    delete process.env.BK_ENV_A;
    delete process.env.BK_ENV_B;
  }
});
check("process.getBuiltinModule returns node:fs", () => { ok(typeof process.getBuiltinModule === "function", "missing"); eq(typeof process.getBuiltinModule("node:fs").readFileSync, "function"); });
check("process.report.getReport returns a report with a header", () => { ok(process.report && typeof process.report.getReport === "function", "process.report missing"); ok(process.report.getReport().header, "no header"); });
// Old packages (graceful-fs < 4, early native wrappers) still call process.binding.
check("process.binding('constants') returns the OS constants", () => eq(process.binding("constants").os.signals.SIGTERM, 15));
check("process.on('exit') registered listener count", () => { const f = () => {}; process.on("exit", f); ok(process.listenerCount("exit") >= 1, "no listener"); process.off("exit", f); });
check("queueMicrotask runs the callback", async () => eq(await new Promise((r) => queueMicrotask(() => r(1))), 1));
// What is keeping the loop alive: used by test runners and leak detectors (why-is-node-running).
check("getActiveResourcesInfo lists a pending Timeout and a listening TCP server", async () => {
  const net = await import("node:net");
  const before = process.getActiveResourcesInfo();
  const t = setTimeout(() => {}, 10000);
  const srv = net.createServer().listen(0, "127.0.0.1");
  await once(srv, "listening");
  const during = process.getActiveResourcesInfo();
  clearTimeout(t);
  await new Promise((r) => srv.close(r));
  const count = (list, k) => list.filter((x) => x === k).length;
  ok(count(during, "Timeout") > count(before, "Timeout"), `Timeout not listed: ${during.join(",")}`);
  ok(count(during, "TCPServerWrap") > count(before, "TCPServerWrap"), `TCPServerWrap not listed: ${during.join(",")}`);
});
check("getActiveResourcesInfo drops a Timeout once cleared", async () => {
  const t = setTimeout(() => {}, 10000);
  const n1 = process.getActiveResourcesInfo().filter((x) => x === "Timeout").length;
  clearTimeout(t);
  const n2 = process.getActiveResourcesInfo().filter((x) => x === "Timeout").length;
  eq(n1 - n2, 1, "Timeouts removed by clearTimeout");
});
check("getActiveResourcesInfo lists an fs.stat request in flight", async () => {
  const fs = await import("node:fs");
  const p = new Promise((r) => fs.stat("/", r));
  const during = process.getActiveResourcesInfo();
  await p;
  ok(during.includes("FSReqCallback"), `got ${during.join(",")}`);
});
check("an unref'd timer is not listed by getActiveResourcesInfo", () => {
  const before = process.getActiveResourcesInfo().filter((x) => x === "Timeout").length;
  const t = setTimeout(() => {}, 10000);
  t.unref();
  const after = process.getActiveResourcesInfo().filter((x) => x === "Timeout").length;
  clearTimeout(t);
  eq(after, before);
});
check("process.exit() inside 'exit' handlers keeps the first code", () => { const r = self("exit"); eq(r.status, 3); });
check("process.kill with an unknown signal name throws ERR_UNKNOWN_SIGNAL", () => { try { process.kill(process.pid, "SIGBOGUS"); ok(false, "no throw"); } catch (e) { eq(e.code, "ERR_UNKNOWN_SIGNAL"); } });
await run();
