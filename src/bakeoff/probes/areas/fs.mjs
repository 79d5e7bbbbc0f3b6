import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, check, run, eq, ok, deepEq, throws, code, isFn } from "../harness.mjs";

describe("fs");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bakeoff-fs-"));
const f = (n) => path.join(dir, n);

check("writeFileSync/readFileSync round trip", () => {
  fs.writeFileSync(f("a.txt"), "héllo");
  eq(fs.readFileSync(f("a.txt"), "utf8"), "héllo");
});
check("readFileSync without encoding returns a Buffer", () => {
  ok(Buffer.isBuffer(fs.readFileSync(f("a.txt"))), "not a Buffer");
});
check("appendFileSync appends to the file", () => {
  fs.appendFileSync(f("a.txt"), "!");
  eq(fs.readFileSync(f("a.txt"), "utf8"), "héllo!");
});
check("statSync reports size, isFile and isDirectory", () => {
  const st = fs.statSync(f("a.txt"));
  eq(st.size, 7, "size");
  ok(st.isFile() && !st.isDirectory(), "isFile/isDirectory wrong");
});
check("statSync bigint option", () => {
  eq(typeof fs.statSync(f("a.txt"), { bigint: true }).size, "bigint");
});
check("ENOENT error code and syscall", () => {
  const e = throws(() => fs.readFileSync(f("missing")), code("ENOENT"));
  eq(e.syscall, "open", "syscall");
  eq(e.errno, -2, "errno");
});
check("statSync throwIfNoEntry:false returns undefined", () => {
  eq(fs.statSync(f("missing"), { throwIfNoEntry: false }), undefined);
});
check("mkdirSync recursive returns first created dir", () => {
  eq(fs.mkdirSync(f("x/y/z"), { recursive: true }), f("x"));
});
check("readdirSync withFileTypes gives Dirents", () => {
  const ents = fs.readdirSync(dir, { withFileTypes: true });
  const x = ents.find((e) => e.name === "x");
  ok(x && x.isDirectory(), "Dirent for x is not a directory");
});
check("readdirSync recursive lists nested files", () => {
  fs.writeFileSync(f("x/y/z/deep.txt"), "d");
  const all = fs.readdirSync(dir, { recursive: true }).map((p) => p.split(path.sep).join("/"));
  ok(all.includes("x/y/z/deep.txt"), `deep file missing: ${all.join(",")}`);
});
check("Dirent.parentPath is set", () => {
  const ents = fs.readdirSync(f("x"), { withFileTypes: true });
  eq(ents[0].parentPath, f("x"), "parentPath");
});
check("renameSync and existsSync", () => {
  fs.writeFileSync(f("r1"), "1");
  fs.renameSync(f("r1"), f("r2"));
  ok(!fs.existsSync(f("r1")) && fs.existsSync(f("r2")), "rename failed");
});
check("copyFileSync COPYFILE_EXCL fails on existing", () => {
  throws(() => fs.copyFileSync(f("a.txt"), f("r2"), fs.constants.COPYFILE_EXCL), code("EEXIST"));
});
check("cpSync recursive copies a tree", () => {
  fs.cpSync(f("x"), f("xcopy"), { recursive: true });
  eq(fs.readFileSync(f("xcopy/y/z/deep.txt"), "utf8"), "d");
});
check("rmSync recursive force", () => {
  fs.rmSync(f("xcopy"), { recursive: true, force: true });
  ok(!fs.existsSync(f("xcopy")), "still exists");
});
check("symlinkSync/readlinkSync/lstatSync agree on a link", () => {
  fs.symlinkSync(f("a.txt"), f("link"));
  eq(fs.readlinkSync(f("link")), f("a.txt"), "readlink");
  ok(fs.lstatSync(f("link")).isSymbolicLink(), "lstat not symlink");
});
check("realpathSync resolves symlink", () => {
  eq(fs.realpathSync(f("link")), fs.realpathSync(f("a.txt")));
});
check("chmodSync mode bits", () => {
  fs.chmodSync(f("a.txt"), 0o600);
  eq(fs.statSync(f("a.txt")).mode & 0o777, 0o600);
});
check("openSync/writeSync/readSync with position", () => {
  const fd = fs.openSync(f("p.bin"), "w+");
  fs.writeSync(fd, Buffer.from("abcdef"));
  const b = Buffer.alloc(3);
  fs.readSync(fd, b, 0, 3, 2);
  fs.closeSync(fd);
  eq(b.toString(), "cde");
});
check("callback readFile returns the content", async () => {
  const s = await new Promise((res, rej) => fs.readFile(f("a.txt"), "utf8", (e, d) => (e ? rej(e) : res(d))));
  eq(s, "héllo!");
});
check("createReadStream honours highWaterMark/start/end", async () => {
  const chunks = [];
  for await (const c of fs.createReadStream(f("p.bin"), { start: 1, end: 3, highWaterMark: 1 })) chunks.push(c.toString());
  deepEq(chunks, ["b", "c", "d"]);
});
check("createWriteStream finish and bytesWritten", async () => {
  const ws = fs.createWriteStream(f("w.txt"));
  ws.write("12");
  ws.end("345");
  await new Promise((r) => ws.on("finish", r));
  eq(ws.bytesWritten, 5, "bytesWritten");
});
check("fs.watch reports a change", async () => {
  const w = fs.watch(dir);
  const got = new Promise((r) => w.once("change", (ev, name) => r(name)));
  setTimeout(() => fs.writeFileSync(f("watched.txt"), "1"), 50);
  const name = await got;
  w.close();
  eq(String(name), "watched.txt");
});
check("opendirSync reads directory entries", () => {
  const d = fs.opendirSync(f("x"));
  const e = d.readSync();
  d.closeSync();
  eq(e.name, "y");
});
check("mkdtempSync unique suffix", () => {
  const a = fs.mkdtempSync(f("t-"));
  ok(path.basename(a).startsWith("t-") && path.basename(a).length === 8, `unexpected ${path.basename(a)}`);
});
check("utimesSync sets mtime", () => {
  fs.utimesSync(f("a.txt"), 1000, 2000);
  eq(fs.statSync(f("a.txt")).mtimeMs, 2000000);
});
check("globSync finds files", () => {
  isFn(fs, "globSync");
  const r = fs.globSync("**/*.txt", { cwd: dir }).map((p) => p.split(path.sep).join("/")).sort();
  ok(r.includes("x/y/z/deep.txt") && r.includes("a.txt"), `got ${r.join(",")}`);
});
check("constants F_OK/R_OK/W_OK/X_OK have POSIX values", () => {
  deepEq([fs.constants.F_OK, fs.constants.R_OK, fs.constants.W_OK, fs.constants.X_OK], [0, 4, 2, 1]);
});

await run();
fs.rmSync(dir, { recursive: true, force: true });
