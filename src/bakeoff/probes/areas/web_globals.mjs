import http from "node:http";
import { once } from "node:events";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("web_globals");
const srv = http.createServer((req, res) => {
  if (req.url === "/json") { res.setHeader("content-type", "application/json"); res.end('{"ok":true}'); return; }
  if (req.url === "/redirect") { res.writeHead(302, { location: "/json" }); res.end(); return; }
  if (req.url === "/slow") { setTimeout(() => res.end("late"), 2000); return; }
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => res.end(JSON.stringify({ method: req.method, ct: req.headers["content-type"] || "", body })));
});
srv.listen(0, "127.0.0.1");
await once(srv, "listening");
const base = `http://127.0.0.1:${srv.address().port}`;
check("fetch JSON from a local server", async () => deepEq(await (await fetch(`${base}/json`)).json(), { ok: true }));
check("fetch follows redirects", async () => { const r = await fetch(`${base}/redirect`); deepEq([r.status, r.redirected, new URL(r.url).pathname], [200, true, "/json"]); });
check("fetch POST JSON body", async () => eq(JSON.parse(await (await fetch(base, { method: "POST", body: JSON.stringify({ a: 1 }), headers: { "content-type": "application/json" } })).text()).body, '{"a":1}'));
check("fetch FormData body multipart", async () => { const fd = new FormData(); fd.append("k", "v"); const r = JSON.parse(await (await fetch(base, { method: "POST", body: fd })).text()); ok(r.ct.startsWith("multipart/form-data; boundary="), r.ct); });
check("fetch URLSearchParams body content-type", async () => eq(JSON.parse(await (await fetch(base, { method: "POST", body: new URLSearchParams({ a: "1" }) })).text()).ct, "application/x-www-form-urlencoded;charset=UTF-8"));
check("fetch streaming request body (duplex: half)", async () => {
  const body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("st")); c.enqueue(new TextEncoder().encode("ream")); c.close(); } });
  eq(JSON.parse(await (await fetch(base, { method: "POST", body, duplex: "half" })).text()).body, "stream");
});
check("fetch AbortSignal.timeout rejects with TimeoutError", async () => {
  try { await fetch(`${base}/slow`, { signal: AbortSignal.timeout(50) }); ok(false, "no abort"); } catch (e) { eq(e.name, "TimeoutError"); }
});
check("fetch connection refused is TypeError", async () => {
  try { await fetch("http://127.0.0.1:1/"); ok(false, "no error"); } catch (e) { eq(e.name, "TypeError"); }
});
check("Response.json static builds a JSON response", async () => eq((await Response.json({ a: 1 }).json()).a, 1));
check("Request clone keeps the body", async () => { const r = new Request(base, { method: "POST", body: "x" }); eq(await r.clone().text(), "x"); });
check("Headers getSetCookie keeps each cookie", () => { const h = new Headers(); h.append("set-cookie", "a=1"); h.append("set-cookie", "b=2"); deepEq(h.getSetCookie(), ["a=1", "b=2"]); });
check("structuredClone keeps Map and Error types", () => { const c = structuredClone({ m: new Map([[1, 2]]), e: new RangeError("r") }); ok(c.m.get(1) === 2 && c.e instanceof RangeError && c.e.message === "r", "lost types"); });
check("structuredClone transfer detaches the buffer", () => { const b = new ArrayBuffer(4); structuredClone(b, { transfer: [b] }); eq(b.byteLength, 0); });
check("structuredClone rejects functions with DataCloneError", () => { try { structuredClone(() => {}); ok(false, "no throw"); } catch (e) { eq(e.name, "DataCloneError"); } });
check("AbortSignal.timeout aborts with TimeoutError", async () => { const s = AbortSignal.timeout(5); await new Promise((r) => setTimeout(r, 30)); deepEq([s.aborted, s.reason.name], [true, "TimeoutError"]); });
check("AbortSignal.any follows its inputs", () => { const a = new AbortController(); const s = AbortSignal.any([a.signal]); a.abort("why"); eq(s.reason, "why"); });
check("Blob + FormData file", async () => { const fd = new FormData(); fd.append("f", new Blob(["abc"]), "a.txt"); const f = fd.get("f"); deepEq([f.name, await f.text()], ["a.txt", "abc"]); });
check("BroadcastChannel global delivers between two channels", async () => {
  const a = new BroadcastChannel("bk-global"), b = new BroadcastChannel("bk-global");
  const got = new Promise((r) => (b.onmessage = (e) => r(e.data)));
  a.postMessage({ n: 1 });
  const v = await got;
  a.close(); b.close();
  deepEq(v, { n: 1 });
});
check("WebSocket global reports a refused connection with error then close", async () => {
  ok(typeof WebSocket === "function", "WebSocket global missing");
  const ws = new WebSocket("ws://127.0.0.1:1/");
  const ev = [];
  await new Promise((r) => { ws.onerror = () => ev.push("error"); ws.onclose = (e) => { ev.push(`close:${e.wasClean}`); r(); }; });
  deepEq(ev, ["error", "close:false"]);
});
check("MessageChannel global delivers a message", async () => { const { port1, port2 } = new MessageChannel(); const p = new Promise((r) => (port2.onmessage = (e) => r(e.data))); port1.postMessage(5); eq(await p, 5); port1.close(); port2.close(); });
check("TextDecoder fatal throws on invalid input", () => { try { new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xff])); ok(false, "no throw"); } catch (e) { eq(e.name, "TypeError"); } });
check("TextDecoder utf-16le decodes", () => eq(new TextDecoder("utf-16le").decode(new Uint8Array([104, 0])), "h"));
check("CompressionStream gzip round trip", async () => { const s = new Blob(["aaaa"]).stream().pipeThrough(new CompressionStream("gzip")).pipeThrough(new DecompressionStream("gzip")); eq(await new Response(s).text(), "aaaa"); });
check("DOMException codes match the names", () => eq(new DOMException("x", "AbortError").code, 20));
check("performance global now() returns a number", () => eq(typeof performance.now(), "number"));
check("navigator.hardwareConcurrency is positive", () => ok(navigator.hardwareConcurrency > 0, `got ${navigator.hardwareConcurrency}`));
check("EventTarget once option", () => { const t = new EventTarget(); let n = 0; t.addEventListener("x", () => n++, { once: true }); t.dispatchEvent(new Event("x")); t.dispatchEvent(new Event("x")); eq(n, 1); });
check("crypto.randomUUID global gives 36 characters", () => eq(crypto.randomUUID().length, 36));
check("global is an alias of globalThis", () => eq(globalThis.global, globalThis));
check("navigator.language is a valid BCP 47 tag", () => eq(new Intl.Locale(navigator.language).baseName.length > 0, true));
check("queueMicrotask runs before a 0 ms timer", async () => {
  const order = [];
  await new Promise((r) => { setTimeout(() => { order.push("timer"); r(); }, 0); queueMicrotask(() => order.push("microtask")); });
  deepEq(order, ["microtask", "timer"]);
});
check("Iterator helpers / Array.fromAsync", async () => deepEq(await Array.fromAsync((async function* () { yield 1; yield 2; })()), [1, 2]));
check("Promise.withResolvers resolves the promise", async () => { const { promise, resolve } = Promise.withResolvers(); resolve(3); eq(await promise, 3); });
check("Response.body is a ReadableStream", async () => ok((await fetch(`${base}/json`)).body instanceof ReadableStream, "not a ReadableStream"));
check("fetch Response.clone lets the body be read twice", async () => {
  const r = await fetch(`${base}/json`);
  const c = r.clone();
  deepEq([await r.json(), await c.json()], [{ ok: true }, { ok: true }]);
});
check("fetch of a data: URL returns its payload", async () => eq(await (await fetch("data:text/plain,hello%20data")).text(), "hello data"));
check("Headers are case-insensitive and combine repeated values", () => { const h = new Headers([["X-A", "1"], ["x-a", "2"]]); eq(h.get("X-a"), "1, 2"); });
check("ReadableStream tee gives two readers the same data", async () => {
  const [a, b] = new ReadableStream({ start(c) { c.enqueue("t"); c.close(); } }).tee();
  deepEq([(await a.getReader().read()).value, (await b.getReader().read()).value], ["t", "t"]);
});
await run();
srv.close();
