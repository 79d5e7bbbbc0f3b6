#!/usr/bin/env node
// The sample's reporting CLI, built on its npm dependencies (what the build and CI suites bundle).
//   report-cli [--limit N] [--category NAME] [--json]
import { parseArgs } from "node:util";
import { makeProducts } from "./data.mjs";
import { formatTable, summarize } from "./lib/report.mjs";

const { values } = parseArgs({
  options: {
    limit: { type: "string", default: "5000" },
    category: { type: "string" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log("usage: catalog [--limit N] [--category NAME] [--json]");
  process.exit(0);
}
let products = makeProducts(Number(values.limit));
if (values.category) products = products.filter((p) => p.category === values.category);
const rows = summarize(products);
console.log(values.json ? JSON.stringify(rows) : formatTable(rows));
