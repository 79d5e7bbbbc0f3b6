"""The import-heavy start-up case: a deterministic graph of ES modules written to a folder.

It stands in for a real application's module graph (hundreds of small modules, each importing a
few others, with classes, closures and data tables) without depending on node_modules. The same
``(modules, fan_out)`` always produces byte-identical files, so runs are comparable.
"""

from __future__ import annotations

from pathlib import Path

MODULES = 300
FAN_OUT = 3

_TEMPLATE = """\
{imports}
const TABLE_{i} = [
{rows}
];

export class Service{i} {{
  constructor(options = {{}}) {{
    this.name = "service-{i}";
    this.retries = options.retries ?? {retries};
    this.cache = new Map();
  }}
  lookup(key) {{
    if (this.cache.has(key)) return this.cache.get(key);
    const row = TABLE_{i}.find((r) => r.key === key) ?? null;
    this.cache.set(key, row);
    return row;
  }}
  score(values) {{
    let acc = {i};
    for (const v of values) acc = (acc * 31 + v) % 1000003;
    return acc;
  }}
}}

export function helper{i}(input) {{
  const parts = String(input).split("-");
  return parts.map((p, idx) => p.length * (idx + 1)).reduce((a, b) => a + b, {i});
}}

export function checksum{i}() {{
  let sum = helper{i}("a-bb-ccc") + TABLE_{i}.length;
{calls}
  return sum % 1000003;
}}
"""


def _module(i: int, modules: int, fan_out: int) -> str:
    children = [c for c in range(i * fan_out + 1, i * fan_out + fan_out + 1) if c < modules]
    imports = "\n".join(f'import {{ checksum{c} }} from "./m{c}.mjs";' for c in children)
    rows = "\n".join(
        f'  {{ key: "k{i}_{r}", value: {(i * 17 + r * 13) % 997}, label: "row {r} of {i}" }},'
        for r in range(8)
    )
    calls = "\n".join(f"  sum += checksum{c}();" for c in children)
    return _TEMPLATE.format(i=i, imports=imports, rows=rows, retries=i % 5, calls=calls)


def write_graph(folder: Path, modules: int = MODULES, fan_out: int = FAN_OUT) -> Path:
    """Write the graph into ``folder`` and return the entry script's path."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(modules):
        (folder / f"m{i}.mjs").write_text(_module(i, modules, fan_out), encoding="utf-8")
    entry = folder / "main.mjs"
    entry.write_text(
        'import { checksum0 } from "./m0.mjs";\nconsole.log("graph checksum", checksum0());\n',
        encoding="utf-8",
    )
    return entry
