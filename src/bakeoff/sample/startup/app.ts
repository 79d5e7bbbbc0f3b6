// A TypeScript module using only erasable syntax (type annotations, interfaces, generics,
// type-only imports), so Node's built-in type stripping, Bun and Deno all run it directly.

interface Money {
  readonly amount: number;
  readonly currency: "USD" | "EUR" | "GBP";
}

interface LineItem {
  sku: string;
  title: string;
  unitPrice: Money;
  quantity: number;
  tags?: readonly string[];
}

interface Order {
  id: string;
  customer: { id: number; name: string; email: string; tier: "free" | "pro" | "team" };
  items: LineItem[];
  createdAt: Date;
  coupon?: { code: string; percentOff: number } | null;
}

type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E };

type Validator<T> = (value: unknown, path: string) => Result<T>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(minLength = 1): Validator<string> {
  return (value: unknown, path: string): Result<string> =>
    typeof value === "string" && value.length >= minLength
      ? { ok: true, value }
      : { ok: false, error: `${path}: expected a string of length >= ${minLength}` };
}

function num(min = -Infinity, max = Infinity): Validator<number> {
  return (value: unknown, path: string): Result<number> =>
    typeof value === "number" && Number.isFinite(value) && value >= min && value <= max
      ? { ok: true, value }
      : { ok: false, error: `${path}: expected a number in [${min}, ${max}]` };
}

function oneOf<T extends string>(...choices: T[]): Validator<T> {
  return (value: unknown, path: string): Result<T> =>
    typeof value === "string" && (choices as string[]).includes(value)
      ? { ok: true, value: value as T }
      : { ok: false, error: `${path}: expected one of ${choices.join(", ")}` };
}

function arrayOf<T>(item: Validator<T>): Validator<T[]> {
  return (value: unknown, path: string): Result<T[]> => {
    if (!Array.isArray(value)) return { ok: false, error: `${path}: expected an array` };
    const out: T[] = [];
    for (let i = 0; i < value.length; i++) {
      const r = item(value[i], `${path}[${i}]`);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return { ok: true, value: out };
  };
}

function object<T>(shape: { [K in keyof T]: Validator<T[K]> }): Validator<T> {
  return (value: unknown, path: string): Result<T> => {
    if (!isRecord(value)) return { ok: false, error: `${path}: expected an object` };
    const out: Partial<T> = {};
    for (const key of Object.keys(shape) as (keyof T)[]) {
      const r = shape[key](value[key as string], `${path}.${String(key)}`);
      if (!r.ok) return r;
      out[key] = r.value;
    }
    return { ok: true, value: out as T };
  };
}

const moneyV = object<Money>({ amount: num(0), currency: oneOf("USD", "EUR", "GBP") });
const itemV = object<Omit<LineItem, "tags">>({
  sku: str(3),
  title: str(),
  unitPrice: moneyV,
  quantity: num(1, 1000),
});

class Ledger<K, V extends { total: number }> {
  private readonly entries = new Map<K, V>();
  private readonly label: string;
  constructor(label: string) {
    this.label = label;
  }
  add(key: K, entry: V): this {
    const prev = this.entries.get(key);
    this.entries.set(key, prev ? { ...entry, total: prev.total + entry.total } : entry);
    return this;
  }
  top(n: number): Array<[K, V]> {
    return [...this.entries.entries()].sort((a, b) => b[1].total - a[1].total).slice(0, n);
  }
  describe(): string {
    return `${this.label}: ${this.entries.size} entries`;
  }
}

function orderTotal(order: Order): number {
  const gross = order.items.reduce(
    (sum: number, it: LineItem) => sum + it.unitPrice.amount * it.quantity,
    0,
  );
  const off = order.coupon ? (gross * order.coupon.percentOff) / 100 : 0;
  return Math.round((gross - off) * 100) / 100;
}

function makeOrders(count: number): Order[] {
  const tiers = ["free", "pro", "team"] as const;
  const orders: Order[] = [];
  for (let i = 0; i < count; i++) {
    const items: LineItem[] = [];
    for (let j = 0; j < (i % 5) + 1; j++) {
      items.push({
        sku: `SKU-${(i * 7 + j) % 97}`,
        title: `Item ${j}`,
        unitPrice: { amount: ((i + j) % 50) + 0.99, currency: "USD" },
        quantity: (j % 3) + 1,
      });
    }
    orders.push({
      id: `ord_${i}`,
      customer: { id: i % 13, name: `Customer ${i % 13}`, email: `c${i % 13}@example.com`, tier: tiers[i % 3] },
      items,
      createdAt: new Date(Date.UTC(2026, 0, 1 + (i % 28))),
      coupon: i % 4 === 0 ? { code: "SAVE10", percentOff: 10 } : null,
    });
  }
  return orders;
}

const orders = makeOrders(200);
const ledger = new Ledger<number, { total: number; name: string }>("revenue by customer");
let invalid = 0;
for (const order of orders) {
  for (const item of order.items) {
    const checked = itemV(item as unknown, `order ${order.id}`);
    if (!checked.ok) invalid++;
  }
  ledger.add(order.customer.id, { total: orderTotal(order), name: order.customer.name });
}
const arrV = arrayOf(str());
const tagsOk = arrV(["a", "b"], "tags").ok;
console.log(ledger.describe(), ledger.top(1)[0][1].name, invalid, tagsOk);
