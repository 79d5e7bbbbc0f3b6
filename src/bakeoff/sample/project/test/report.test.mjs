// Runs unchanged under `node --test`, `bun test` and `deno test`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { makeProducts } from "../src/data.mjs";
import { compatible, formatTable, newOrderId, shippingDate, summarize } from "../src/lib/report.mjs";

describe("summarize", () => {
  it("groups every product into its category", () => {
    const products = makeProducts(500);
    const rows = summarize(products);
    assert.equal(rows.reduce((n, r) => n + r.count, 0), 500);
    assert.equal(new Set(rows.map((r) => r.category)).size, rows.length);
  });

  it("orders categories by stock value", () => {
    const rows = summarize(makeProducts(200));
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].value >= rows[i].value);
  });

  it("is deterministic", () => {
    assert.deepEqual(summarize(makeProducts(100)), summarize(makeProducts(100)));
  });
});

describe("formatting", () => {
  it("prints one line per category plus a header", () => {
    const rows = summarize(makeProducts(100));
    assert.equal(formatTable(rows).split("\n").length, rows.length + 1);
  });

  it("computes shipping dates with ms durations", () => {
    assert.equal(shippingDate("2026-01-30T12:00:00Z", "3 days"), "2026-02-02");
  });
});

describe("ids and versions", () => {
  it("makes unique 12-character order ids", () => {
    const ids = new Set(Array.from({ length: 1000 }, newOrderId));
    assert.equal(ids.size, 1000);
    for (const id of ids) assert.match(id, /^[0-9A-HJ-NP-TV-Z]{12}$/);
  });

  it("checks engine ranges with semver", () => {
    assert.ok(compatible("24.11.0", ">=20"));
    assert.ok(!compatible("18.0.0", ">=20"));
  });
});
