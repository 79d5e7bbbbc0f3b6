// node:repl driven through streams, the way custom REPLs, admin consoles and tools embed it.
import repl from "node:repl";
import { PassThrough } from "node:stream";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("repl");
// A REPL on in-memory streams; `send` writes a line and waits until the output contains `want`.
function session(opts = {}) {
  const input = new PassThrough(), output = new PassThrough();
  let out = "";
  output.on("data", (c) => (out += c));
  const r = repl.start({ prompt: "> ", input, output, terminal: false, ...opts });
  const send = (line, want, ms = 2000) => new Promise((res, rej) => {
    const start = out.length;
    input.write(line + "\n");
    const t0 = Date.now();
    const tick = () => {
      const fresh = out.slice(start);
      if (fresh.includes(want)) return res(fresh);
      if (Date.now() - t0 > ms) return rej(new Error(`no ${JSON.stringify(want)} in output within ${ms} ms: ${JSON.stringify(fresh.slice(0, 80))}`));
      setTimeout(tick, 5);
    };
    tick();
  });
  return { r, send, close: () => r.close(), out: () => out };
}
check("repl.start evaluates an expression and prints the result", async () => {
  const s = session();
  try { await s.send("6 * 7", "42"); } finally { s.close(); }
});
check("values put on r.context are visible to evaluated code", async () => {
  const s = session();
  s.r.context.bkValue = 20;
  try { await s.send("bkValue + 1", "21"); } finally { s.close(); }
});
check("a custom eval function receives the command and its result is printed", async () => {
  let seen;
  const s = session({ eval: (cmd, _ctx, _file, cb) => { seen = cmd.trim(); cb(null, `evaluated:${cmd.trim()}`); } });
  try { await s.send("anything", "evaluated:anything"); } finally { s.close(); }
  eq(seen, "anything");
});
check("the writer option formats results", async () => {
  const s = session({ writer: (v) => `<<${JSON.stringify(v)}>>` });
  try { await s.send("({ a: 1 })", '<<{"a":1}>>'); } finally { s.close(); }
});
check("defineCommand registers a dot-command", async () => {
  const s = session();
  s.r.defineCommand("bkhello", { help: "say hello", action(name) { this.output.write(`hello ${name}\n`); this.displayPrompt(); } });
  try { await s.send(".bkhello team", "hello team"); } finally { s.close(); }
});
check("_ holds the last result", async () => {
  const s = session();
  try { await s.send("40 + 2", "42"); await s.send("_ + 1", "43"); } finally { s.close(); }
});
check("an unfinished expression continues on the next line", async () => {
  const s = session();
  try { await s.send("[1,", "| "); await s.send("2].length", "2"); } finally { s.close(); }
});
check("top-level await works in the REPL", async () => {
  const s = session();
  try { await s.send("await Promise.resolve(99)", "99"); } finally { s.close(); }
});
check("a thrown error is printed and the REPL keeps going", async () => {
  const s = session();
  try { await s.send("throw new Error('bk-repl-boom')", "bk-repl-boom"); await s.send("1 + 1", "2"); } finally { s.close(); }
});
check(".exit emits the exit event", async () => {
  const s = session();
  const exited = new Promise((r) => s.r.on("exit", () => r(true)));
  s.r.input.write(".exit\n");
  eq(await Promise.race([exited, new Promise((r) => setTimeout(() => r(false), 2000))]), true);
});
check("useGlobal:false keeps REPL assignments off the main global", async () => {
  const s = session({ useGlobal: false });
  try { await s.send("bkReplLeak = 5", "5"); } finally { s.close(); }
  eq(globalThis.bkReplLeak, undefined);
});
check("useGlobal:true makes REPL assignments visible on the main global", async () => {
  const s = session({ useGlobal: true });
  try { await s.send("bkReplShared = 6", "6"); } finally { s.close(); }
  eq(globalThis.bkReplShared, 6);
  delete globalThis.bkReplShared;
});
check("builtinModules lists fs and http", () => deepEq(["fs", "http"].map((m) => repl.builtinModules.includes(m)), [true, true]));
await run();
