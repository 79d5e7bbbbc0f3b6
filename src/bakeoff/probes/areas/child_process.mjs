import cp from "node:child_process";
import { promisify } from "node:util";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("child_process");
const child = fileURLToPath(new URL("../fixtures/fork-child.mjs", import.meta.url));
check("spawn stdout and exit code", async () => {
  const p = cp.spawn("sh", ["-c", "echo out; exit 3"]);
  let d = "";
  p.stdout.on("data", (c) => (d += c));
  const [c] = await once(p, "close");
  deepEq([d, c], ["out\n", 3]);
});
check("spawn 'spawn' event before exit", async () => {
  const ev = [];
  const p = cp.spawn("true");
  p.on("spawn", () => ev.push("spawn"));
  p.on("exit", () => ev.push("exit"));
  await once(p, "close");
  deepEq(ev, ["spawn", "exit"]);
});
check("spawn ENOENT error event", async () => {
  const p = cp.spawn("/definitely/not/here");
  const [e] = await once(p, "error");
  eq(e.code, "ENOENT");
});
check("exec with shell", async () => eq((await promisify(cp.exec)("echo $((1+2))")).stdout, "3\n"));
check("exec failure has code", async () => {
  try { await promisify(cp.exec)("exit 7"); ok(false, "no error"); } catch (e) { eq(e.code, 7); }
});
check("execFileSync", () => eq(cp.execFileSync("echo", ["hi"]).toString(), "hi\n"));
check("spawnSync status/stdout", () => {
  const r = cp.spawnSync("sh", ["-c", "printf x; exit 2"], { encoding: "utf8" });
  deepEq([r.status, r.stdout], [2, "x"]);
});
check("env and cwd options", () => eq(cp.execSync("echo $FOO; pwd", { env: { FOO: "bar", PATH: process.env.PATH }, cwd: "/tmp" }).toString(), "bar\n/tmp\n"));
check("stdin piping", async () => {
  const p = cp.spawn("cat");
  p.stdin.end("piped");
  let d = "";
  for await (const c of p.stdout) d += c;
  eq(d, "piped");
});
check("kill sends SIGTERM", async () => {
  const p = cp.spawn("sleep", ["10"]);
  await once(p, "spawn");
  p.kill();
  const [code, sig] = await once(p, "exit");
  deepEq([code, sig], [null, "SIGTERM"]);
});
check("timeout option kills child", () => {
  const r = cp.spawnSync("sleep", ["5"], { timeout: 100 });
  eq(r.signal, "SIGTERM");
});
check("AbortSignal option", async () => {
  const ac = new AbortController();
  const p = cp.spawn("sleep", ["5"], { signal: ac.signal });
  p.on("error", () => {});
  ac.abort();
  const [, sig] = await once(p, "exit");
  eq(sig, "SIGTERM");
});
check("fork with JSON IPC", async () => {
  const p = cp.fork(child, ["a1"]);
  await once(p, "message");
  p.send({ n: 1 });
  const [m] = await once(p, "message");
  p.send("exit");
  await once(p, "exit");
  deepEq(m, { echo: { n: 1 }, argv: ["a1"], connected: true });
});
check("fork with serialization 'advanced' (Map, BigInt)", async () => {
  const p = cp.fork(child, [], { serialization: "advanced" });
  await once(p, "message");
  p.send({ m: new Map([["k", 1n]]) });
  const [m] = await once(p, "message");
  p.send("exit");
  await once(p, "exit");
  ok(m.echo.m instanceof Map && m.echo.m.get("k") === 1n, `got ${typeof m.echo.m}`);
});
check("child.disconnect emits disconnect", async () => {
  const p = cp.fork(child);
  await once(p, "message");
  const d = once(p, "disconnect");
  p.disconnect();
  await d;
  p.kill();
});
check("stdio 'inherit' and 'ignore' accepted", async () => {
  const p = cp.spawn("true", { stdio: ["ignore", "ignore", "inherit"] });
  const [c] = await once(p, "close");
  eq(c, 0);
});
check("detached + unref", async () => {
  const p = cp.spawn("true", { detached: true, stdio: "ignore" });
  p.unref();
  await once(p, "exit");
});
check("exitCode and pid properties", async () => {
  const p = cp.spawn("true");
  ok(typeof p.pid === "number", "no pid");
  await once(p, "exit");
  eq(p.exitCode, 0);
});
check("execFile with maxBuffer overflow", async () => {
  try { await promisify(cp.execFile)("head", ["-c", "2000", "/dev/zero"], { maxBuffer: 10 }); ok(false, "no error"); } catch (e) { eq(e.code, "ERR_CHILD_PROCESS_STDIO_MAXBUFFER"); }
});
await run();
