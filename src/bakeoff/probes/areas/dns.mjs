import dns from "node:dns";
import dnsp from "node:dns/promises";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("dns");
check("lookup localhost", async () => {
  const r = await dnsp.lookup("localhost", { family: 4 });
  deepEq(r, { address: "127.0.0.1", family: 4 });
});
check("lookup all:true returns array", async () => ok(Array.isArray(await dnsp.lookup("localhost", { all: true })), "not an array"));
check("callback lookup", async () => {
  const addr = await new Promise((r, j) => dns.lookup("127.0.0.1", (e, a) => (e ? j(e) : r(a))));
  eq(addr, "127.0.0.1");
});
check("lookup IP literal skips resolution", async () => eq((await dnsp.lookup("::1")).family, 6));
check("lookup of invalid name rejects ENOTFOUND", async () => {
  try { await dnsp.lookup("does-not-exist.invalid"); ok(false, "resolved"); } catch (e) { ok(e.code === "ENOTFOUND" || e.code === "EAI_AGAIN", `code ${e.code}`); }
});
check("Resolver class", () => ok(typeof new dns.Resolver().resolve4 === "function", "no resolve4"));
check("getServers returns array", () => ok(Array.isArray(dns.getServers()), "not array"));
check("setDefaultResultOrder/getDefaultResultOrder", () => {
  dns.setDefaultResultOrder("ipv4first");
  eq(dns.getDefaultResultOrder(), "ipv4first");
});
check("error code constants", () => deepEq([dns.NOTFOUND, dns.ADDRCONFIG !== undefined], ["ENOTFOUND", true]));
check("lookupService", async () => {
  const r = await dnsp.lookupService("127.0.0.1", 22);
  ok(typeof r.hostname === "string" && r.service === "ssh", `got ${JSON.stringify(r)}`);
});
await run();
