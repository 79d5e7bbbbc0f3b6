// Smoke test: express 5 — routing, JSON body parsing, params, error middleware.
import express from "express";
import { once } from "node:events";
import { describe, check, run, eq, deepEq } from "../harness.mjs";

describe("pkg:express");
const app = express();
app.use(express.json());
app.get("/items/:id", (req, res) => res.json({ id: req.params.id, q: req.query.q }));
app.post("/echo", (req, res) => res.status(201).json(req.body));
app.get("/boom", () => { throw new Error("boom"); });
app.use((err, _req, res, _next) => res.status(500).json({ error: err.message }));
const srv = app.listen(0, "127.0.0.1");
await once(srv, "listening");
const base = `http://127.0.0.1:${srv.address().port}`;
check("route params and query", async () => deepEq(await (await fetch(`${base}/items/7?q=x`)).json(), { id: "7", q: "x" }));
check("express.json body", async () => {
  const r = await fetch(`${base}/echo`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' });
  deepEq([r.status, await r.json()], [201, { a: 1 }]);
});
check("error middleware", async () => { const r = await fetch(`${base}/boom`); deepEq([r.status, (await r.json()).error], [500, "boom"]); });
check("404 for unknown route", async () => eq((await fetch(`${base}/nope`)).status, 404));
check("x-powered-by header", async () => eq((await fetch(`${base}/items/1`)).headers.get("x-powered-by"), "Express"));
await run();
srv.close();
