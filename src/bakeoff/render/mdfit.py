"""Fitting a Markdown report into a pull-request comment: GitHub refuses a comment body over
65,536 characters. A report under the limit is left exactly as it is. A longer one has its long
tables and lists folded into ``<details>`` blocks (collapsed, one click away), and then the
longest of them keep only their first rows, saying how many were left out and where the rest
is, until the whole fits."""

from __future__ import annotations

from dataclasses import dataclass, field

LIMIT = 65_536  # GitHub's maximum comment body, in characters
FOLD_ROWS = 15  # tables and lists longer than this are folded
MIN_ROWS = 3  # a truncated block keeps at least this many rows
ELSEWHERE = "the full data is in the HTML report and results.json"


@dataclass
class _Block:
    kind: str  # "table" | "list" | "text"
    lines: list[str]
    head: int = 0  # lines kept above the rows (a table's header and separator)
    keep: int | None = None  # rows kept after truncation (None: all)
    folded: bool = False

    @property
    def rows(self) -> list[str]:
        return self.lines[self.head :]

    def render(self) -> list[str]:
        if self.kind == "text":
            return self.lines
        rows = self.rows if self.keep is None else self.rows[: self.keep]
        body = self.lines[: self.head] + rows
        if self.keep is not None and self.keep < len(self.rows):
            body += ["", f"_… {len(self.rows) - self.keep} more rows not shown ({ELSEWHERE})._"]
        if not self.folded:
            return body
        what = "rows" if self.kind == "table" else "items"
        return [
            f"<details><summary>{len(self.rows)} {what}</summary>",
            "",
            *body,
            "",
            "</details>",
        ]


@dataclass
class _Doc:
    blocks: list[_Block] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(line for b in self.blocks for line in b.render())


def _kind(line: str) -> str:
    if line.startswith("|"):
        return "table"
    if line.startswith(("- ", "* ")):
        return "list"
    return "text"


def _parse(text: str) -> _Doc:
    doc = _Doc()
    for line in text.split("\n"):
        kind = _kind(line)
        last = doc.blocks[-1] if doc.blocks else None
        if last is not None and last.kind == kind:
            last.lines.append(line)
        else:
            doc.blocks.append(_Block(kind, [line]))
    for b in doc.blocks:
        if b.kind == "table":
            b.head = 2 if len(b.lines) >= 2 and set(b.lines[1]) <= set("|-: ") else 1
    return doc


def fit(text: str, limit: int = LIMIT, fold_rows: int = FOLD_ROWS) -> str:
    """``text`` folded and, when needed, truncated to at most ``limit`` characters."""
    if len(text) <= limit:
        return text
    trailing = "\n" if text.endswith("\n") else ""
    doc = _parse(text.removesuffix("\n"))
    long = [b for b in doc.blocks if b.kind != "text" and len(b.rows) > fold_rows]
    for b in long:
        b.folded = True
    out = doc.text() + trailing
    while len(out) > limit:
        shrinkable = [b for b in long if (b.keep if b.keep is not None else len(b.rows)) > MIN_ROWS]
        if not shrinkable:
            break
        # cut the block with the most characters in its kept rows, by as much as is needed
        block = max(shrinkable, key=lambda b: sum(len(r) + 1 for r in b.rows[: b.keep]))
        kept = block.rows[: block.keep]
        excess = len(out) - limit + 120  # room for the note line
        size, n = sum(len(r) + 1 for r in kept), len(kept)
        while n > MIN_ROWS and size > 0 and excess > 0:
            n -= 1
            size -= len(kept[n]) + 1
            excess -= len(kept[n]) + 1
        block.keep = n
        out = doc.text() + trailing
    if len(out) > limit:  # long prose, not tables: cut at a line boundary
        note = f"\n\n_… report truncated to {limit:,} characters ({ELSEWHERE})._\n"
        cut = out[: limit - len(note)]
        out = cut[: cut.rfind("\n")] + note
    return out
