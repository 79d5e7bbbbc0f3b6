// Smoke test: fastify — schema validation, hooks, inject and a real listen.
import Fastify from "fastify";
import { describe, check, run, eq, deepEq, ok } from "../harness.mjs";

describe("pkg:fastify");
const app = Fastify({ logger: false });
let hooked = 0;
app.addHook("onRequest", async () => { hooked++; });
app.post("/sum", { schema: { body: { type: "object", required: ["a", "b"], properties: { a: { type: "number" }, b: { type: "number" } } } } }, async (req) => ({ sum: req.body.a + req.body.b }));
app.get("/hello/:name", async (req) => ({ hi: req.params.name }));
check("inject GET", async () => deepEq((await app.inject({ method: "GET", url: "/hello/x" })).json(), { hi: "x" }));
check("schema validation rejects bad body", async () => eq((await app.inject({ method: "POST", url: "/sum", payload: { a: 1 } })).statusCode, 400));
check("schema validation accepts good body", async () => eq((await app.inject({ method: "POST", url: "/sum", payload: { a: 1, b: 2 } })).json().sum, 3));
check("listen and serve over the network", async () => {
  const addr = await app.listen({ port: 0, host: "127.0.0.1" });
  const r = await fetch(`${addr}/hello/net`);
  deepEq(await r.json(), { hi: "net" });
});
check("onRequest hook ran", () => ok(hooked >= 3, `hook ran ${hooked} times`));
await run();
await app.close();
