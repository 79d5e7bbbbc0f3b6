// node:domain: deprecated but still used by older servers and frameworks to catch errors from
// callbacks of one request. Each check throws from an async callback and observes the domain.
import domain from "node:domain";
import { EventEmitter } from "node:events";
import fs from "node:fs";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("domain");
const caught = (d, ms = 2000) => new Promise((res) => { d.once("error", (e) => res(e)); setTimeout(() => res(null), ms); });
check("an error thrown in a timer inside run() reaches the domain's error event", async () => {
  const d = domain.create();
  const got = caught(d);
  d.run(() => setTimeout(() => { throw new Error("bk-domain-timer"); }, 1));
  const e = await got;
  eq(e && e.message, "bk-domain-timer");
});
check("the caught error carries domain and domainThrown", async () => {
  const d = domain.create();
  const got = caught(d);
  d.run(() => setImmediate(() => { throw new Error("bk-domain-props"); }));
  const e = await got;
  ok(e, "not caught");
  deepEq([e.domain === d, e.domainThrown], [true, true]);
});
check("process.domain is the active domain inside run()", () => {
  const d = domain.create();
  const inside = d.run(() => process.domain);
  deepEq([inside === d, process.domain == null], [true, true]);
});
check("an error thrown in an fs callback is caught", async () => {
  const d = domain.create();
  const got = caught(d);
  d.run(() => fs.stat("/", () => { throw new Error("bk-domain-fs"); }));
  eq((await got)?.message, "bk-domain-fs");
});
check("bind() routes a callback's error to the domain", async () => {
  const d = domain.create();
  const got = caught(d);
  const f = d.bind(() => { throw new Error("bk-domain-bind"); });
  setTimeout(f, 1);
  eq((await got)?.message, "bk-domain-bind");
});
check("intercept() routes a first-argument error and passes the rest", async () => {
  const d = domain.create();
  const got = caught(d);
  let value;
  const cb = d.intercept((v) => { value = v; });
  cb(null, "ok-value");
  cb(new Error("bk-domain-intercept"));
  deepEq([value, (await got)?.message], ["ok-value", "bk-domain-intercept"]);
});
check("an emitter created inside run() sends an unhandled 'error' to the domain", async () => {
  const d = domain.create();
  const got = caught(d);
  let em;
  d.run(() => { em = new EventEmitter(); });
  setTimeout(() => em.emit("error", new Error("bk-domain-emitter")), 1);
  eq((await got)?.message, "bk-domain-emitter");
});
check("add() binds an emitter created outside", async () => {
  const d = domain.create();
  const em = new EventEmitter();
  d.add(em);
  const got = caught(d);
  em.emit("error", new Error("bk-domain-add"));
  eq((await got)?.message, "bk-domain-add");
});
check("a nested domain catches its own errors first", async () => {
  const outer = domain.create(), inner = domain.create();
  const seen = [];
  outer.on("error", () => seen.push("outer"));
  const got = new Promise((r) => inner.on("error", () => { seen.push("inner"); r(); }));
  outer.run(() => inner.run(() => setTimeout(() => { throw new Error("nested"); }, 1)));
  await got;
  await new Promise((r) => setTimeout(r, 20));
  deepEq(seen, ["inner"]);
});
check("enter()/exit() set and clear process.domain", () => {
  const d = domain.create();
  d.enter();
  const during = process.domain === d;
  d.exit();
  deepEq([during, process.domain == null], [true, true]);
});
await run();
