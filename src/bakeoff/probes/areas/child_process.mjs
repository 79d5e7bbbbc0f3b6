import cp from "node:child_process";
import { promisify } from "node:util";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import net from "node:net";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("child_process");
const child = fileURLToPath(new URL("../fixtures/fork-child.mjs", import.meta.url));
const handleChild = fileURLToPath(new URL("../fixtures/handle-child.mjs", import.meta.url));
const readAll = (sock) => new Promise((res, rej) => { let d = ""; sock.setEncoding("utf8"); sock.on("data", (c) => (d += c)); sock.on("end", () => res(d)); sock.on("error", rej); });
const forkReady = async (file) => { const p = cp.fork(file); const [m] = await once(p, "message"); ok(m && m.ready, "child did not start"); return p; };
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
check("execFileSync returns the child's stdout", () => eq(cp.execFileSync("echo", ["hi"]).toString(), "hi\n"));
check("spawnSync reports status and stdout", () => {
  const r = cp.spawnSync("sh", ["-c", "printf x; exit 2"], { encoding: "utf8" });
  deepEq([r.status, r.stdout], [2, "x"]);
});
check("env and cwd options", () => eq(cp.execSync("echo $FOO; pwd", { env: { FOO: "bar", PATH: process.env.PATH }, cwd: "/tmp" }).toString(), "bar\n/tmp\n"));
check("stdin piping reaches the child", async () => {
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
check("AbortSignal option kills the child on abort", async () => {
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
check("send(msg, socket) hands a TCP connection to the child", async () => {
  const p = await forkReady(handleChild);
  const srv = net.createServer({ pauseOnConnect: true }, (sock) => p.send("socket", sock));
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  try {
    const answer = await readAll(net.connect(srv.address().port, "127.0.0.1"));
    eq(answer, `child:${p.pid}`, "who answered on the passed socket");
  } finally {
    srv.close();
    p.kill();
  }
});
check("send(msg, server) lets the child accept on the parent's listening socket", async () => {
  const p = await forkReady(handleChild);
  const srv = net.createServer((s) => s.end("parent"));
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const port = srv.address().port;
  try {
    p.send("server", srv);
    const [m] = await once(p, "message");
    ok(m && m.done === "server", `child said ${JSON.stringify(m)}`);
    srv.close(); // the parent stops accepting: only the child's copy of the handle is left
    eq(await readAll(net.connect(port, "127.0.0.1")), `child:${p.pid}`, "who answered");
  } finally {
    p.kill();
  }
});
check("execFile passes an argument with spaces as one argument", () => eq(cp.execFileSync("printf", ["%s|", "a b"]).toString(), "a b|"));
check("spawnSync input option feeds stdin", () => eq(cp.spawnSync("cat", { input: "fed" }).stdout.toString(), "fed"));
check("shell:true runs the command line through /bin/sh", () => eq(cp.spawnSync("echo $((2*3))", { shell: true, encoding: "utf8" }).stdout, "6\n"));
check("exec timeout kills with the given killSignal", async () => {
  const e = await new Promise((r) => cp.exec("sleep 5", { timeout: 100, killSignal: "SIGKILL" }, (err) => r(err)));
  ok(e, "no error after timeout");
  eq(e.signal, "SIGKILL", "signal");
});
check("execFile with maxBuffer overflow", async () => {
  try { await promisify(cp.execFile)("head", ["-c", "2000", "/dev/zero"], { maxBuffer: 10 }); ok(false, "no error"); } catch (e) { eq(e.code, "ERR_CHILD_PROCESS_STDIO_MAXBUFFER"); }
});
await run();
