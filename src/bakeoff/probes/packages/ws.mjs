// Smoke test: ws — server + client, text/binary messages, ping/pong, close codes.
import { WebSocketServer, WebSocket } from "ws";
import { once } from "node:events";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("pkg:ws");
const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
await once(wss, "listening");
wss.on("connection", (s) => s.on("message", (d, isBinary) => s.send(isBinary ? d : `echo:${d}`, { binary: isBinary })));
const url = `ws://127.0.0.1:${wss.address().port}`;
const open = async () => { const c = new WebSocket(url); await once(c, "open"); return c; };
check("text echo", async () => { const c = await open(); c.send("hi"); const [m] = await once(c, "message"); c.close(); eq(m.toString(), "echo:hi"); });
check("binary echo", async () => { const c = await open(); c.send(Buffer.from([1, 2, 3])); const [m, bin] = await once(c, "message"); c.close(); deepEq([bin, [...m]], [true, [1, 2, 3]]); });
check("ping/pong", async () => { const c = await open(); c.ping(); await once(c, "pong"); c.close(); });
check("close code and reason", async () => { const c = await open(); c.close(4001, "bye"); const [code] = await once(c, "close"); eq(code, 4001); });
check("global WebSocket client talks to ws server", async () => {
  const c = new globalThis.WebSocket(url);
  await new Promise((r, j) => { c.onopen = r; c.onerror = j; });
  c.send("g");
  const m = await new Promise((r) => (c.onmessage = (e) => r(e.data)));
  c.close();
  eq(String(m), "echo:g");
});
check("server clients set", async () => { const c = await open(); ok(wss.clients.size >= 1, "no clients"); c.close(); });
await run();
wss.close();
