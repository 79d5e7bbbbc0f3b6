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
check("CRLF handled", async () => {
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
check("readline/promises question", async () => {
  const input = new PassThrough();
  const rl = rlp.createInterface({ input, output: new PassThrough(), terminal: false });
  const p = rl.question("q? ");
  input.write("yes\n");
  eq(await p, "yes");
  rl.close();
});
check("emitKeypressEvents exists", () => ok(typeof readline.emitKeypressEvents === "function", "missing"));
check("clearLine/cursorTo on non-TTY", () => { const s = new PassThrough(); ok(readline.cursorTo(s, 0) === true && readline.clearLine(s, 0) === true, "returned false"); });
check("Interface.getPrompt/setPrompt", () => {
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
await run();
