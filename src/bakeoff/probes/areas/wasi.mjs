// node:wasi running small WASI preview1 programs assembled here byte by byte (no toolchain):
// each program calls a few WASI functions and reports through stdout or its exit code.
import { WASI } from "node:wasi";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, check, run, eq, ok, deepEq, throws } from "../harness.mjs";

describe("wasi");
// -- a minimal wasm encoder ----------------------------------------------------------------
const uleb = (n) => { const o = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
const sleb = (n) => { const o = []; for (;;) { const b = n & 0x7f; n >>= 7; if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) { o.push(b); return o; } o.push(b | 0x80); } };
const str = (s) => { const b = [...Buffer.from(s)]; return [...uleb(b.length), ...b]; };
const vec = (items) => [...uleb(items.length), ...items.flat()];
const section = (id, body) => [id, ...uleb(body.length), ...body];
const I32 = 0x7f;
const c = (n) => [0x41, ...sleb(n)]; // i32.const
const store = [0x36, 2, 0]; // i32.store align=4 offset=0
const load = [0x28, 2, 0]; // i32.load
const call = (i) => [0x10, ...uleb(i)];
const DROP = 0x1a;
// WASI imports used by the programs: name -> [params, results]
const WASI_FNS = {
  fd_write: [[I32, I32, I32, I32], [I32]],
  proc_exit: [[I32], []],
  args_sizes_get: [[I32, I32], [I32]],
  environ_sizes_get: [[I32, I32], [I32]],
  fd_prestat_get: [[I32, I32], [I32]],
  clock_time_get: [[I32, 0x7e, I32], [I32]],
};
// program(imports, body, {data, exportName}) -> wasm bytes; body uses call(index of the import)
function program(imports, body, { data = [], exportName = "_start" } = {}) {
  const types = imports.map((n) => [0x60, ...vec(WASI_FNS[n][0].map((t) => [t])), ...vec(WASI_FNS[n][1].map((t) => [t]))]);
  types.push([0x60, 0, 0]); // the exported function: () -> ()
  const mainType = types.length - 1, mainIdx = imports.length;
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec(types)),
    ...section(2, vec(imports.map((n, i) => [...str("wasi_snapshot_preview1"), ...str(n), 0x00, ...uleb(i)]))),
    ...section(3, vec([[...uleb(mainType)]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([[...str("memory"), 0x02, 0], [...str(exportName), 0x00, ...uleb(mainIdx)]])),
    ...section(10, vec([(() => { const f = [0, ...body.flat(), 0x0b]; return [...uleb(f.length), ...f]; })()])),
    ...section(11, vec(data.map(([at, bytes]) => [0x00, ...c(at), 0x0b, ...vec([...bytes].map((b) => [b]))]))),
  ]);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bk-wasi-"));
// Run a program with WASI options; returns { code, stdout } (stdout captured through a file).
async function runWasi(bytes, opts = {}, method = "start") {
  const outFile = path.join(tmp, `out-${Math.random().toString(36).slice(2)}`);
  const fd = fs.openSync(outFile, "w+");
  try {
    const wasi = new WASI({ version: "preview1", stdout: fd, returnOnExit: true, ...opts });
    const { instance } = await WebAssembly.instantiate(bytes, { wasi_snapshot_preview1: wasi.wasiImport });
    const code = wasi[method](instance);
    return { code, stdout: fs.readFileSync(outFile, "utf8") };
  } finally {
    fs.closeSync(fd);
  }
}
const hello = "hello from wasi\n";
// iovec {ptr 64, len} at 0, then fd_write(1, iov=0, 1 entry, nwritten at 32); exit(code)
const writeAndExit = (code) => program(["fd_write", "proc_exit"], [c(0), c(64), store, c(4), c(hello.length), store, c(1), c(0), c(1), c(32), call(0), [DROP], c(code), call(1)], { data: [[64, Buffer.from(hello)]] });
// exit with the count written by a *_sizes_get call (argc / environ count)
const exitWithCount = (fn) => program([fn, "proc_exit"], [c(0), c(4), call(0), [DROP], c(0), load, call(1)]);
check("start() runs _start and fd_write reaches the stdout fd", async () => eq((await runWasi(writeAndExit(0))).stdout, hello));
check("proc_exit's code is returned by start() with returnOnExit", async () => eq((await runWasi(writeAndExit(3))).code, 3));
check("args_sizes_get counts the args option", async () => eq((await runWasi(exitWithCount("args_sizes_get"), { args: ["prog", "a", "b"] })).code, 3));
check("environ_sizes_get counts the env option", async () => eq((await runWasi(exitWithCount("environ_sizes_get"), { env: { A: "1", B: "2" } })).code, 2));
// fd 3 is the first preopen; fd_prestat_get returns errno 0 for it and EBADF (8) without preopens
const prestat = program(["fd_prestat_get", "proc_exit"], [c(3), c(16), call(0), call(1)]);
check("preopens make fd 3 a preopened directory", async () => deepEq([(await runWasi(prestat, { preopens: { "/sandbox": tmp } })).code, (await runWasi(prestat)).code], [0, 8]));
// clock_time_get(REALTIME, precision 1, out at 16): write the 8 bytes to stdout
const clock = program(["clock_time_get", "fd_write", "proc_exit"], [c(0), [0x42, 1], c(16), call(0), [DROP], c(0), c(16), store, c(4), c(8), store, c(1), c(0), c(1), c(32), call(1), [DROP], c(0), call(2)]);
check("clock_time_get REALTIME is close to Date.now()", async () => {
  const outFile = path.join(tmp, "clock");
  const fd = fs.openSync(outFile, "w+");
  try {
    const wasi = new WASI({ version: "preview1", stdout: fd, returnOnExit: true });
    const { instance } = await WebAssembly.instantiate(clock, { wasi_snapshot_preview1: wasi.wasiImport });
    wasi.start(instance);
    const ns = fs.readFileSync(outFile).readBigUInt64LE(0);
    const diffMs = Math.abs(Number(ns / 1000000n) - Date.now());
    ok(diffMs < 5000, `wasi clock differs from Date.now() by ${diffMs} ms`);
  } finally {
    fs.closeSync(fd);
  }
});
// A reactor (library-style module) exports _initialize instead of _start.
const reactor = program(["fd_write"], [c(0), c(64), store, c(4), c(hello.length), store, c(1), c(0), c(1), c(32), call(0), [DROP]], { data: [[64, Buffer.from(hello)]], exportName: "_initialize" });
check("initialize() runs a reactor's _initialize", async () => eq((await runWasi(reactor, {}, "initialize")).stdout, hello));
check("WASI without a version option throws ERR_INVALID_ARG_TYPE", () => throws(() => new WASI({}), (e) => e.code === "ERR_INVALID_ARG_TYPE"));
check("start() twice throws ERR_WASI_ALREADY_STARTED", async () => {
  const wasi = new WASI({ version: "preview1", returnOnExit: true });
  const { instance } = await WebAssembly.instantiate(program(["proc_exit"], [c(0), call(0)]), { wasi_snapshot_preview1: wasi.wasiImport });
  wasi.start(instance);
  throws(() => wasi.start(instance), (e) => e.code === "ERR_WASI_ALREADY_STARTED");
});
check("getImportObject() instantiates and runs a program", async () => {
  const outFile = path.join(tmp, "import-object");
  const fd = fs.openSync(outFile, "w+");
  try {
    const wasi = new WASI({ version: "preview1", stdout: fd, returnOnExit: true });
    const { instance } = await WebAssembly.instantiate(writeAndExit(0), wasi.getImportObject());
    wasi.start(instance);
    eq(fs.readFileSync(outFile, "utf8"), hello);
  } finally {
    fs.closeSync(fd);
  }
});
await run();
fs.rmSync(tmp, { recursive: true, force: true });
