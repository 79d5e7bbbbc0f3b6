import dns from "node:dns";
import dnsp from "node:dns/promises";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("dns");
check("lookup localhost gives 127.0.0.1 for family 4", async () => {
  const r = await dnsp.lookup("localhost", { family: 4 });
  deepEq(r, { address: "127.0.0.1", family: 4 });
});
check("lookup all:true returns array", async () => ok(Array.isArray(await dnsp.lookup("localhost", { all: true })), "not an array"));
check("callback lookup of an IP literal", async () => {
  const addr = await new Promise((r, j) => dns.lookup("127.0.0.1", (e, a) => (e ? j(e) : r(a))));
  eq(addr, "127.0.0.1");
});
check("lookup IP literal skips resolution", async () => eq((await dnsp.lookup("::1")).family, 6));
check("lookup of invalid name rejects ENOTFOUND", async () => {
  try { await dnsp.lookup("does-not-exist.invalid"); ok(false, "resolved"); } catch (e) { ok(e.code === "ENOTFOUND" || e.code === "EAI_AGAIN", `code ${e.code}`); }
});
check("Resolver setServers is read back by getServers", () => {
  const r = new dns.Resolver();
  r.setServers(["127.0.0.1", "[::1]:5353"]);
  deepEq(r.getServers(), ["127.0.0.1", "[::1]:5353"]);
});
check("getServers returns array", () => ok(Array.isArray(dns.getServers()), "not array"));
check("setDefaultResultOrder is read back by getDefaultResultOrder", () => {
  dns.setDefaultResultOrder("ipv4first");
  eq(dns.getDefaultResultOrder(), "ipv4first");
});
check("error code constants have Node's values", () => deepEq([dns.NOTFOUND, dns.ADDRCONFIG !== undefined], ["ENOTFOUND", true]));
check("lookupService maps port 22 to ssh", async () => {
  const r = await dnsp.lookupService("127.0.0.1", 22);
  ok(typeof r.hostname === "string" && r.service === "ssh", `got ${JSON.stringify(r)}`);
});
check("lookup with verbatim order returns both loopback families for localhost", async () => {
  const all = await dnsp.lookup("localhost", { all: true, order: "verbatim" });
  ok(all.some((a) => a.family === 4 && a.address === "127.0.0.1"), JSON.stringify(all));
});
check("resolve4 against an unreachable server fails with a DNS error code", async () => {
  const r = new dnsp.Resolver({ timeout: 200, tries: 1 });
  r.setServers(["127.0.0.1:1"]);
  try { await r.resolve4("example.com"); ok(false, "resolved"); } catch (e) { ok(/^E[A-Z]+$/.test(e.code || ""), `code ${e.code}`); }
});
await run();
