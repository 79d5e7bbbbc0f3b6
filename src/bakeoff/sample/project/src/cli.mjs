#!/usr/bin/env node
// The sample project's command-line tool: summarise the product catalogue.
//   node src/cli.mjs [--count N] [--category NAME] [--top K] [--json]
// Dependency-free (node:util parseArgs only) so it can be packaged as a single-file executable.
import { parseArgs } from "node:util";
import process from "node:process";
import { makeProducts } from "./data.mjs";

function summarise(products, top) {
  const byCategory = new Map();
  for (const p of products) {
    const c = byCategory.get(p.category) ?? { category: p.category, items: 0, stock: 0, value: 0 };
    c.items += 1;
    c.stock += p.stock;
    c.value += p.price * p.stock;
    byCategory.set(p.category, c);
  }
  const categories = [...byCategory.values()]
    .map((c) => ({ ...c, value: Math.round(c.value * 100) / 100 }))
    .sort((a, b) => b.value - a.value || a.category.localeCompare(b.category));
  const priciest = [...products].sort((a, b) => b.price - a.price || a.id - b.id).slice(0, top);
  return { products: products.length, categories, priciest: priciest.map(({ id, name, price }) => ({ id, name, price })) };
}

function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: "string", default: "1000" },
      category: { type: "string" },
      top: { type: "string", default: "3" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write("usage: cli [--count N] [--category NAME] [--top K] [--json]\n");
    return 0;
  }
  const count = Number(values.count);
  const top = Number(values.top);
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(top) || top < 0) {
    process.stderr.write("error: --count and --top take non-negative integers\n");
    return 2;
  }
  let products = makeProducts(count);
  if (values.category) products = products.filter((p) => p.category === values.category);
  const s = summarise(products, top);
  if (values.json) {
    process.stdout.write(JSON.stringify(s) + "\n");
    return 0;
  }
  const lines = [`${s.products} products`];
  for (const c of s.categories) lines.push(`  ${c.category.padEnd(8)} ${String(c.items).padStart(5)} items  stock ${String(c.stock).padStart(7)}  value ${c.value.toFixed(2)}`);
  lines.push("most expensive:");
  for (const p of s.priciest) lines.push(`  #${p.id} ${p.name} ${p.price.toFixed(2)}`);
  process.stdout.write(lines.join("\n") + "\n");
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`error: ${err.message}\n`);
  process.exitCode = 2;
}
