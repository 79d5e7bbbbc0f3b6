// node:tty on a real pseudo-terminal: CLIs (prompts, TUIs, `--watch` key handling) switch stdin
// to raw mode. The child runs under util-linux `script`, which gives it a pty; the probe types
// into it and reads what the child saw.
import tty from "node:tty";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, check, run, eq, ok, deepEq, selfArgv } from "../harness.mjs";

describe("tty");
const child = fileURLToPath(new URL("../fixtures/tty-child.mjs", import.meta.url));
const hasScript = spawnSync("script", ["--version"]).status === 0;
const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
// Run the child on a pty; `type` is written once the child says READY.
const onPty = (mode, type = "", env = {}) => new Promise((res, rej) => {
  const cmd = `stty cols 101 rows 31; ${selfArgv(child, [mode]).map(quote).join(" ")}`;
  // a terminal as a developer has it: no colour overrides (bakeoff sets NO_COLOR for its runs)
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !["NO_COLOR", "FORCE_COLOR", "NODE_DISABLE_COLORS"].includes(k)));
  const p = spawn("script", ["-q", "-e", "-c", cmd, "/dev/null"], { env: { ...base, TERM: "xterm-256color", ...env } });
  let out = "", typed = false;
  p.stdout.on("data", (c) => {
    out += c;
    if (!typed && out.includes("READY")) { typed = true; p.stdin.write(type); }
    const m = out.match(/TTYRESULT (\{.*\})/);
    if (m) { p.kill(); res(JSON.parse(m[1])); }
  });
  p.on("error", rej);
  p.on("exit", () => setTimeout(() => rej(new Error(`pty child ended without a result: ${JSON.stringify(out.slice(-120))}`)), 50));
});
const needPty = () => (hasScript ? null : { skip: "util-linux `script` (a pseudo-terminal) is not available on this machine" });
check("tty.isatty is false for a pipe", () => eq(tty.isatty(1), false));
check("process.stdin/stdout are TTYs on a pseudo-terminal", async () => needPty() ?? deepEq((({ stdinTTY, stdoutTTY, isatty0, isReadStream }) => [stdinTTY, stdoutTTY, isatty0, isReadStream])(await onPty("size")), [true, true, true, true]), { timeoutMs: 10000 });
check("setRawMode(true) sets isRaw and returns the stream", async () => needPty() ?? deepEq((({ chained, isRaw }) => [chained, isRaw])(await onPty("raw", "x")), [true, true]), { timeoutMs: 10000 });
check("raw mode delivers a keystroke without waiting for Enter", async () => needPty() ?? eq((await onPty("raw", "x")).beforeNewline, "x"), { timeoutMs: 10000 });
check("setRawMode(false) restores cooked mode", async () => needPty() ?? eq((await onPty("raw", "x")).isRawAfter, false), { timeoutMs: 10000 });
check("cooked mode holds a keystroke until Enter", async () => needPty() ?? eq((await onPty("cooked", "x")).beforeNewline, ""), { timeoutMs: 10000 });
check("emitKeypressEvents in raw mode names Ctrl-C and arrow keys", async () => needPty() ?? deepEq((await onPty("keys", "\x03\x1b[B")).keys, ["ctrl-c", "down"]), { timeoutMs: 10000 });
check("stdout.columns/rows and getWindowSize follow the terminal size", async () => {
  if (needPty()) return needPty();
  const r = await onPty("size");
  deepEq([r.columns, r.rows, r.size], [101, 31, [101, 31]]);
}, { timeoutMs: 10000 });
check("getColorDepth is 8 for TERM=xterm-256color and 1 for dumb", async () => {
  if (needPty()) return needPty();
  const r = await onPty("colors");
  deepEq([r.depth, r.has256, r.depthDumb], [8, true, 1]);
}, { timeoutMs: 10000 });
await run();
