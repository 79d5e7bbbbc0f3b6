// A deterministic in-memory product catalogue (no randomness: every runtime sees the same data).
const CATEGORIES = ["books", "games", "garden", "kitchen", "music", "outdoor", "tools", "toys"];
const WORDS = ["alpha", "bravo", "cedar", "delta", "ember", "fjord", "gamma", "harbor", "iris",
  "juniper", "kilo", "lumen", "maple", "nova", "onyx", "pine", "quartz", "river", "sierra", "tango"];

export function makeProducts(count) {
  const out = [];
  let seed = 42;
  // LCG; use the high bits (the low bits of a power-of-two LCG cycle quickly)
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor(seed / 65536);
  };
  for (let id = 1; id <= count; id++) {
    const a = WORDS[next() % WORDS.length];
    const b = WORDS[next() % WORDS.length];
    out.push({
      id,
      name: `${a} ${b} ${id}`,
      category: CATEGORIES[next() % CATEGORIES.length],
      price: Math.round((next() % 20000) + 99) / 100,
      stock: next() % 500,
      tags: [a, b],
    });
  }
  return out;
}
