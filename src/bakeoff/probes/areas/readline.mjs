import readline from "node:readline";
import rlp from "node:readline/promises";
import { Readable, PassThrough } from "node:stream";
import { describe, check, run, eq, deepEq, ok } from "../harness.mjs";

describe("readline");
check("async iterator over lines", async () => {
  const rl = readline.createInterface({ input: Readable.from(["a\nb", "\nc"]), crlfDelay: Infinity });
  const out = [];
  for await (const l of rl) out.push(l);
  deepEq(out, ["a", "b", "c"]);
});
check("CRLF line endings are stripped", async () => {
  const rl = readline.createInterface({ input: Readable.from(["x\r\ny\r\n"]), crlfDelay: Infinity });
  const out = [];
  for await (const l of rl) out.push(l);
  deepEq(out, ["x", "y"]);
});
check("line event and close", async () => {
  const rl = readline.createInterface({ input: Readable.from(["1\n2\n"]) });
  const out = [];
  rl.on("line", (l) => out.push(l));
  await new Promise((r) => rl.on("close", r));
  deepEq(out, ["1", "2"]);
});
check("question with output stream", async () => {
  const input = new PassThrough(), output = new PassThrough();
  let shown = "";
  output.on("data", (c) => (shown += c));
  const rl = readline.createInterface({ input, output, terminal: false });
  const p = new Promise((r) => rl.question("name? ", r));
  input.write("bob\n");
  eq(await p, "bob", "answer");
  rl.close();
  ok(shown.includes("name? "), "prompt not written");
});
check("readline/promises question resolves with the answer", async () => {
  const input = new PassThrough();
  const rl = rlp.createInterface({ input, output: new PassThrough(), terminal: false });
  const p = rl.question("q? ");
  input.write("yes\n");
  eq(await p, "yes");
  rl.close();
});
check("emitKeypressEvents turns input bytes into keypress events", async () => {
  const input = new PassThrough();
  readline.emitKeypressEvents(input);
  const keys = [];
  input.on("keypress", (_s, k) => keys.push(k && k.name));
  input.write("a");
  input.write("\x1b[A");
  input.write("\r");
  await new Promise((r) => setTimeout(r, 20));
  deepEq(keys, ["a", "up", "return"]);
});
check("clearLine/cursorTo on non-TTY", () => { const s = new PassThrough(); ok(readline.cursorTo(s, 0) === true && readline.clearLine(s, 0) === true, "returned false"); });
check("Interface.getPrompt returns what setPrompt set", () => {
  const rl = readline.createInterface({ input: new PassThrough(), output: new PassThrough(), terminal: false });
  rl.setPrompt("> ");
  eq(rl.getPrompt(), "> ");
  rl.close();
});
check("history option on terminal interface", () => {
  const rl = readline.createInterface({ input: new PassThrough(), output: new PassThrough(), terminal: true, history: ["old"] });
  deepEq(rl.history, ["old"]);
  rl.close();
});
check("line without trailing newline is emitted on end", async () => {
  const rl = readline.createInterface({ input: Readable.from(["tail"]) });
  const out = [];
  for await (const l of rl) out.push(l);
  deepEq(out, ["tail"]);
});
check("a 100 kB line arrives as one line event", async () => {
  const rl = readline.createInterface({ input: Readable.from(["x".repeat(50000), "y".repeat(50000) + "\nz\n"]) });
  const lens = [];
  for await (const l of rl) lens.push(l.length);
  deepEq(lens, [100000, 1]);
});
check("question with an AbortSignal rejects on abort", async () => {
  const rl = rlp.createInterface({ input: new PassThrough(), output: new PassThrough(), terminal: false });
  const ac = new AbortController();
  const p = rl.question("q? ", { signal: ac.signal });
  ac.abort();
  try { await p; ok(false, "resolved"); } catch (e) { eq(e.name, "AbortError"); } finally { rl.close(); }
});
check("pause() stops line events until resume()", async () => {
  const input = new PassThrough();
  const rl = readline.createInterface({ input, terminal: false });
  const lines = [];
  rl.on("line", (l) => lines.push(l));
  rl.pause();
  input.write("held\n");
  await new Promise((r) => setTimeout(r, 20));
  const whilePaused = lines.length;
  rl.resume();
  await new Promise((r) => setTimeout(r, 20));
  rl.close();
  deepEq([whilePaused, lines], [0, ["held"]]);
});
await run();
