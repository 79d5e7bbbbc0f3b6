import fsp from "node:fs/promises";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, check, run, eq, ok, deepEq, throwsAsync, code, isFn } from "../harness.mjs";

describe("fs_promises");
const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "bakeoff-fsp-"));
const f = (n) => path.join(dir, n);

check("writeFile/readFile round trip", async () => {
  await fsp.writeFile(f("a"), "data");
  eq(await fsp.readFile(f("a"), "utf8"), "data");
});
check("readFile rejects with ENOENT", async () => {
  await throwsAsync(() => fsp.readFile(f("nope")), code("ENOENT"));
});
check("FileHandle read/write/stat/close at a position", async () => {
  const h = await fsp.open(f("h"), "w+");
  await h.write("hello world");
  const { bytesRead, buffer } = await h.read(Buffer.alloc(5), 0, 5, 6);
  const st = await h.stat();
  await h.close();
  eq(buffer.toString("utf8", 0, bytesRead), "world", "read");
  eq(st.size, 11, "size");
});
check("FileHandle.readLines yields each line", async () => {
  await fsp.writeFile(f("lines"), "a\nb\nc\n");
  const h = await fsp.open(f("lines"));
  const out = [];
  for await (const l of h.readLines()) out.push(l);
  deepEq(out, ["a", "b", "c"]);
});
check("FileHandle.readableWebStream yields the content", async () => {
  const h = await fsp.open(f("a"));
  isFn(h, "readableWebStream");
  const rs = h.readableWebStream();
  const r = rs.getReader();
  const { value } = await r.read();
  await r.cancel();
  await h.close();
  eq(Buffer.from(value).toString(), "data");
});
check("FileHandle [Symbol.asyncDispose] closes the handle", async () => {
  const h = await fsp.open(f("a"));
  isFn(h, Symbol.asyncDispose);
  await h[Symbol.asyncDispose]();
});
check("mkdir recursive + readdir", async () => {
  await fsp.mkdir(f("d/e"), { recursive: true });
  deepEq(await fsp.readdir(f("d")), ["e"]);
});
check("access rejects for missing file", async () => {
  await throwsAsync(() => fsp.access(f("missing")), code("ENOENT"));
});
check("rm recursive removes a tree", async () => {
  await fsp.rm(f("d"), { recursive: true });
  ok(!fs.existsSync(f("d")), "still there");
});
check("fs.promises === node:fs/promises", () => {
  ok(fs.promises === fsp || fs.promises.readFile === fsp.readFile, "different objects");
});
check("watch async iterator with AbortSignal", async () => {
  const ac = new AbortController();
  const it = fsp.watch(dir, { signal: ac.signal });
  setTimeout(() => fs.writeFileSync(f("w"), "x"), 50);
  let name;
  try {
    for await (const ev of it) {
      name = ev.filename;
      ac.abort();
    }
  } catch (e) {
    if (e.name !== "AbortError") throw e;
  }
  eq(String(name), "w");
});
check("cp recursive copies a tree", async () => {
  await fsp.mkdir(f("src/in"), { recursive: true });
  await fsp.writeFile(f("src/in/x"), "1");
  await fsp.cp(f("src"), f("dst"), { recursive: true });
  eq(await fsp.readFile(f("dst/in/x"), "utf8"), "1");
});
check("writeFile with AbortSignal already aborted", async () => {
  const ac = new AbortController();
  ac.abort();
  await throwsAsync(() => fsp.writeFile(f("ab"), "x", { signal: ac.signal }), (e) => e.name === "AbortError");
});
check("stat of directory", async () => {
  ok((await fsp.stat(dir)).isDirectory(), "not a directory");
});
check("truncate shortens the file", async () => {
  await fsp.writeFile(f("t"), "123456");
  await fsp.truncate(f("t"), 2);
  eq(await fsp.readFile(f("t"), "utf8"), "12");
});
check("glob async iterator", async () => {
  isFn(fsp, "glob");
  const out = [];
  for await (const p of fsp.glob("src/**/x", { cwd: dir })) out.push(p.split(path.sep).join("/"));
  deepEq(out, ["src/in/x"]);
});
check("constants O_RDONLY has the POSIX value", () => {
  eq(fsp.constants.O_RDONLY, 0);
});
check("open with flag wx fails on existing", async () => {
  await throwsAsync(() => fsp.open(f("a"), "wx"), code("EEXIST"));
});

await run();
await fsp.rm(dir, { recursive: true, force: true });
