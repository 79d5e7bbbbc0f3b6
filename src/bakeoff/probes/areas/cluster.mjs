import cluster from "node:cluster";
import { spawnSync } from "node:child_process";
import net from "node:net";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("cluster");
const app = fileURLToPath(new URL("../fixtures/cluster-app.mjs", import.meta.url));
check("isPrimary in main process", () => deepEq([cluster.isPrimary, cluster.isWorker], [true, false]));
check("isMaster alias", () => eq(cluster.isMaster, true));
check("schedulingPolicy constants", () => deepEq([cluster.SCHED_NONE, cluster.SCHED_RR], [1, 2]));
check("setupPrimary exists", () => ok(typeof cluster.setupPrimary === "function", "missing"));
let pending;
const getResult = () => (pending ??= runApp());
const runApp = async () => {
  const s = net.createServer().listen(0, "127.0.0.1");
  await once(s, "listening");
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  const deno = typeof globalThis.Deno !== "undefined";
  const r = spawnSync(process.execPath, deno ? ["run", "--allow-all", app, String(port)] : [app, String(port)], { encoding: "utf8", timeout: 10000 });
  if (r.error || r.status !== 0) throw new Error(`cluster app failed: status ${r.status} ${r.signal || ""} ${(r.stderr || "").split("\n")[0].slice(0, 150)}`);
  return JSON.parse(r.stdout);
};
check("fork two workers that come online and listen", async () => eq((await getResult()).workers, 2), { timeoutMs: 14000 });
check("workers share one listening port", async () => eq((await getResult()).sharedPort, true), { timeoutMs: 14000 });
check("worker -> primary IPC messages", async () => eq((await getResult()).messages, 2), { timeoutMs: 14000 });
check("workers exit 0 after disconnect", async () => {
  const r = await getResult();
  ok(!r.stalled, `only ${r.exitCodes.length} of 2 workers exited within 5 s of worker.disconnect()`);
  deepEq(r.exitCodes, [0, 0]);
}, { timeoutMs: 14000 });
check("round-robin spreads requests over workers", async () => eq((await getResult()).distinctWorkersServed, 2), { timeoutMs: 14000 });
await run();
