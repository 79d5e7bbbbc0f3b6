import { test } from "node:test";
import assert from "node:assert/strict";
import { makeProducts } from "../src/data.mjs";

test("products have unique ids and sane prices", () => {
  const products = makeProducts(1000);
  assert.equal(new Set(products.map((p) => p.id)).size, 1000);
  for (const p of products) {
    assert.ok(p.price > 0 && p.price < 10000, `price ${p.price}`);
    assert.ok(Number.isInteger(p.stock) && p.stock >= 0);
  }
});

test("the dataset is the same on every run", () => {
  assert.deepEqual(makeProducts(50), makeProducts(50));
});
