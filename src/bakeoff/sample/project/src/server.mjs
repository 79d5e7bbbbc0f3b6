// The bundled sample service: a small JSON API on node:http that runs unchanged on Node, Bun
// and Deno. No npm dependencies, so the serve suite needs no install step.
//
// Routes:
//   GET  /health                  liveness/readiness
//   GET  /products/:id            one record from an in-memory dataset
//   GET  /search?q=&category=&min=&max=&sort=price|-price|name&limit=
//   POST /orders                  parse + validate a JSON body, compute a total
//   GET  /hash?rounds=N           real CPU work: N rounds of SHA-256 (default 200)
//   GET  /slow?ms=N               a small async I/O wait (default 5 ms, max 200)
import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { makeProducts } from "./data.mjs";

const PRODUCTS = makeProducts(5000);
const BY_ID = new Map(PRODUCTS.map((p) => [p.id, p]));
const CATEGORIES = new Set(PRODUCTS.map((p) => p.category));

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function readJson(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > limit) {
        reject(Object.assign(new Error("body too large"), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8") || "null"));
      } catch {
        reject(Object.assign(new Error("invalid JSON"), { status: 400 }));
      }
    });
    req.on("error", reject);
  });
}

function validateOrder(body) {
  const errors = [];
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return ["body must be a JSON object"];
  }
  if (typeof body.customer !== "string" || body.customer.length < 2) {
    errors.push("customer: expected a string of at least 2 characters");
  }
  if (!Array.isArray(body.items) || body.items.length === 0 || body.items.length > 50) {
    errors.push("items: expected 1 to 50 items");
  } else {
    body.items.forEach((it, i) => {
      if (!BY_ID.has(it?.id)) errors.push(`items[${i}].id: unknown product`);
      if (!Number.isInteger(it?.qty) || it.qty < 1 || it.qty > 100) {
        errors.push(`items[${i}].qty: expected an integer 1..100`);
      }
    });
  }
  return errors;
}

function search(params) {
  const q = (params.get("q") || "").toLowerCase();
  const category = params.get("category");
  const min = Number(params.get("min") ?? 0);
  const max = Number(params.get("max") ?? Infinity);
  const limit = Math.min(Number(params.get("limit") ?? 20), 100);
  const sort = params.get("sort") || "price";
  if (category && !CATEGORIES.has(category)) return null;
  const hits = PRODUCTS.filter(
    (p) =>
      (!q || p.name.toLowerCase().includes(q)) &&
      (!category || p.category === category) &&
      p.price >= min &&
      p.price <= max,
  );
  const key = sort.replace(/^-/, "");
  const dir = sort.startsWith("-") ? -1 : 1;
  hits.sort((a, b) => (a[key] < b[key] ? -dir : a[key] > b[key] ? dir : a.id - b.id));
  return { total: hits.length, items: hits.slice(0, limit) };
}

async function handle(req, res) {
  const url = new URL(req.url, "http://localhost");
  const path = url.pathname;
  if (req.method === "GET" && path === "/health") return send(res, 200, { status: "ok" });
  if (req.method === "GET" && path.startsWith("/products/")) {
    const p = BY_ID.get(Number(path.slice("/products/".length)));
    return p ? send(res, 200, p) : send(res, 404, { error: "not found" });
  }
  if (req.method === "GET" && path === "/search") {
    const result = search(url.searchParams);
    return result ? send(res, 200, result) : send(res, 400, { error: "unknown category" });
  }
  if (req.method === "POST" && path === "/orders") {
    const body = await readJson(req);
    const errors = validateOrder(body);
    if (errors.length) return send(res, 422, { errors });
    const total = body.items.reduce((s, it) => s + BY_ID.get(it.id).price * it.qty, 0);
    return send(res, 201, {
      customer: body.customer,
      lines: body.items.length,
      total: Math.round(total * 100) / 100,
    });
  }
  if (req.method === "GET" && path === "/hash") {
    const rounds = Math.min(Math.max(Number(url.searchParams.get("rounds") ?? 200), 1), 5000);
    let digest = "bakeoff";
    for (let i = 0; i < rounds; i++) digest = createHash("sha256").update(digest).digest("hex");
    return send(res, 200, { rounds, digest });
  }
  if (req.method === "GET" && path === "/slow") {
    const ms = Math.min(Math.max(Number(url.searchParams.get("ms") ?? 5), 0), 200);
    await sleep(ms);
    return send(res, 200, { waited_ms: ms });
  }
  return send(res, 404, { error: "no route" });
}

const server = createServer((req, res) => {
  handle(req, res).catch((err) => send(res, err.status || 500, { error: err.message }));
});
server.keepAliveTimeout = 65_000;
const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || "127.0.0.1";
server.listen(port, host, () => {
  console.log(`listening on http://${host}:${port}`);
});
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => server.close(() => process.exit(0)));
