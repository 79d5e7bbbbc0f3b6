// Catalogue reports built on a few small, popular npm packages: the code the sample's CLI and
// test suite exercise (the HTTP service itself has no dependencies).
import dayjs from "dayjs";
import ms from "ms";
import { customAlphabet } from "nanoid";
import pc from "picocolors";
import semver from "semver";

const orderId = customAlphabet("0123456789ABCDEFGHJKLMNPQRSTVWXYZ", 12);

export function newOrderId() {
  return orderId();
}

export function summarize(products) {
  const byCategory = new Map();
  for (const p of products) {
    const row = byCategory.get(p.category) ?? { category: p.category, count: 0, value: 0 };
    row.count += 1;
    row.value += p.price * p.stock;
    byCategory.set(p.category, row);
  }
  return [...byCategory.values()]
    .map((r) => ({ ...r, value: Math.round(r.value * 100) / 100 }))
    .sort((a, b) => b.value - a.value || a.category.localeCompare(b.category));
}

export function formatTable(rows, { color = false } = {}) {
  const paint = color ? pc.bold : (s) => s;
  const lines = [paint("category        items      stock value")];
  for (const r of rows) {
    lines.push(`${r.category.padEnd(14)} ${String(r.count).padStart(6)} ${r.value.toFixed(2).padStart(16)}`);
  }
  return lines.join("\n");
}

export function shippingDate(orderedAt, leadTime) {
  return dayjs(orderedAt).add(ms(leadTime), "millisecond").format("YYYY-MM-DD");
}

export function compatible(version, range) {
  return semver.satisfies(version, range);
}
