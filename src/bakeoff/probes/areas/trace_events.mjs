// node:trace_events: tracing categories turned on at run time (APM and profiling tools).
import trace_events from "node:trace_events";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, check, run, eq, ok, deepEq, selfArgv } from "../harness.mjs";

describe("trace_events");
// Node writes node_trace.*.log into the working folder when tracing runs: keep it out of
// bakeoff's installed probes folder (the suite's TMPDIR is removed with the run).
process.chdir(os.tmpdir());
const child = fileURLToPath(new URL("../fixtures/trace-child.mjs", import.meta.url));
check("createTracing reports its categories and starts disabled", () => {
  const t = trace_events.createTracing({ categories: ["node.perf", "v8"] });
  deepEq([t.categories, t.enabled], ["node.perf,v8", false]);
});
check("enable() adds the categories to getEnabledCategories", () => {
  const t = trace_events.createTracing({ categories: ["node.async_hooks"] });
  t.enable();
  const during = trace_events.getEnabledCategories() || "";
  t.disable();
  ok(during.split(",").includes("node.async_hooks"), `enabled categories: ${JSON.stringify(during)}`);
});
check("disable() removes them again", () => {
  const t = trace_events.createTracing({ categories: ["node.fs.sync"] });
  t.enable();
  t.disable();
  const after = trace_events.getEnabledCategories() || "";
  deepEq([t.enabled, after.split(",").includes("node.fs.sync")], [false, false]);
});
check("two tracings enable the union of their categories", () => {
  const a = trace_events.createTracing({ categories: ["node.perf.usertiming"] });
  const b = trace_events.createTracing({ categories: ["node.perf.timerify"] });
  a.enable(); b.enable();
  const both = (trace_events.getEnabledCategories() || "").split(",");
  a.disable();
  const left = (trace_events.getEnabledCategories() || "").split(",");
  b.disable();
  deepEq([both.includes("node.perf.usertiming"), both.includes("node.perf.timerify"), left.includes("node.perf.usertiming"), left.includes("node.perf.timerify")], [true, true, false, true]);
});
check("createTracing without categories throws ERR_TRACE_EVENTS_CATEGORY_REQUIRED", () => {
  try { trace_events.createTracing({ categories: [] }); ok(false, "no throw"); } catch (e) { eq(e.code, "ERR_TRACE_EVENTS_CATEGORY_REQUIRED"); }
});
let traced;
const traceRun = () => {
  if (traced) return traced;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bk-trace-"));
  try {
    const [cmd, ...args] = selfArgv(child);
    const r = spawnSync(cmd, args, { cwd: dir, encoding: "utf8", timeout: 15000 });
    const files = fs.readdirSync(dir);
    const text = files.map((f) => fs.readFileSync(path.join(dir, f), "utf8")).join("\n");
    traced = { status: r.status, files, text, stderr: (r.stderr || "").split("\n")[0] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return traced;
};
check("enabled tracing writes a node_trace log file", () => {
  const t = traceRun();
  ok(t.status === 0, `child exited ${t.status}: ${t.stderr}`);
  ok(t.files.some((f) => /^node_trace\.\d+\.log$/.test(f)), `files written: ${t.files.join(",") || "none"}`);
}, { timeoutMs: 20000 });
check("the trace file holds begin/end events of the traced fs.readFileSync", () => {
  const t = traceRun();
  let events = [];
  try { events = JSON.parse(t.text).traceEvents || []; } catch { /* not JSON: no events */ }
  const open = events.filter((e) => e.name === "fs.sync.open").map((e) => e.ph).join("");
  ok(open === "BE", `${events.length} events; fs.sync.open phases: ${JSON.stringify(open)}`);
}, { timeoutMs: 20000 });
await run();
