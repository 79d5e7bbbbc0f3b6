import cluster from "node:cluster";
import { spawnSync } from "node:child_process";
import net from "node:net";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, check, run, eq, ok, deepEq, selfArgv } from "../harness.mjs";

describe("cluster");
const app = fileURLToPath(new URL("../fixtures/cluster-app.mjs", import.meta.url));
check("isPrimary true and isWorker false in the main process", () => deepEq([cluster.isPrimary, cluster.isWorker], [true, false]));
check("isMaster alias equals isPrimary", () => eq(cluster.isMaster, true));
check("schedulingPolicy constants have Node's values", () => deepEq([cluster.SCHED_NONE, cluster.SCHED_RR], [1, 2]));
check("setupPrimary stores exec/args in cluster.settings", () => {
  cluster.setupPrimary({ exec: app, args: ["bk-arg"] });
  deepEq([cluster.settings.exec, cluster.settings.args], [app, ["bk-arg"]]);
});
let pending;
const getResult = () => (pending ??= runApp());
const runApp = async () => {
  const s = net.createServer().listen(0, "127.0.0.1");
  await once(s, "listening");
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  const [cmd, ...args] = selfArgv(app, [String(port)]);
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 12000 });
  if (r.error || r.status !== 0) throw new Error(`cluster app failed: status ${r.status} ${r.signal || ""} ${(r.stderr || "").split("\n")[0].slice(0, 150)}`);
  return JSON.parse(r.stdout);
};
const T = { timeoutMs: 15000 };
check("fork two workers that come online and listen", async () => eq((await getResult()).workers, 2), T);
check("workers see isWorker and their worker.id", async () => {
  const info = (await getResult()).workerInfo.sort((a, b) => a.id - b.id);
  deepEq(info, [{ isWorker: true, id: 1 }, { isWorker: true, id: 2 }]);
}, T);
check("workers share one listening port", async () => eq((await getResult()).sharedPort, true), T);
check("worker -> primary IPC messages arrive", async () => eq((await getResult()).messages, 2), T);
check("workers exit 0 after disconnect", async () => {
  const r = await getResult();
  ok(!r.stalled, `only ${r.exitCodes.length} of 2 workers exited within 6 s of worker.disconnect()`);
  deepEq(r.exitCodes, [0, 0]);
}, { ...T, ref: "https://bun.com/reference/node/cluster/node:cluster" });
// Deterministic: with SCHED_RR the primary hands connections out in turn.
check("SCHED_RR hands 20 successive connections to the workers in turn", async () => {
  const seq = (await getResult()).sequence;
  const pattern = seq.map((p) => (p === seq[0] ? "A" : "B")).join("");
  eq(pattern, "AB".repeat(10), "which worker served each connection");
}, { ...T, ref: "https://bun.com/reference/node/cluster/node:cluster" });
// Holds for any fair distribution too: if connections went to a worker at random, all 20 would
// land on one worker with probability 2 * 2^-20 (< 2e-6), so a failure is not chance.
check("20 connections reach both workers (false failure < 2e-6 under random spreading)", async () => eq((await getResult()).distinctWorkersServed, 2), T);
await run();
