"""Inline SVG plots for the self-contained HTML report, generated here (no JavaScript, no CDN):
line charts, distribution strips, grouped bars with CI whiskers, stacked bars and a status
heatmap. Every function returns an ``<svg>`` string sized by its ``viewBox``."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from html import escape

PALETTE = ("#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0891b2", "#db2777", "#65a30d")
STATUS_COLOURS = {
    "pass": "#16a34a",
    "fail": "#dc2626",
    "error": "#b91c1c",
    "timeout": "#ea580c",
    "skip": "#9ca3af",
}
FONT = 'font-family="system-ui,sans-serif" font-size="11"'


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _n(x: float) -> str:
    return f"{x:.1f}"


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        return [0.0]
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks: list[float] = []
    v = start
    while (not ticks or ticks[-1] < hi - 1e-12) and len(ticks) < 40:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _fmt_tick(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.0f}"
    return f"{v:.3g}"


def _legend(names: Sequence[str], x: float, y: float) -> str:
    out = []
    for i, name in enumerate(names):
        yy = y + i * 16
        out.append(
            f'<rect x="{_n(x)}" y="{_n(yy - 9)}" width="10" height="10" fill="{colour(i)}"/>'
            f'<text x="{_n(x + 14)}" y="{_n(yy)}" {FONT}>{escape(name)}</text>'
        )
    return "".join(out)


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )


def line_chart(
    series: dict[str, list[tuple[float, float]]],
    title: str,
    x_label: str,
    y_label: str,
    width: int = 520,
    height: int = 280,
    names: Sequence[str] | None = None,
    x_map: Callable[[float], float] | None = None,
    x_ticks: Sequence[tuple[float, str]] | None = None,
) -> str:
    """One polyline per series (colour by position in ``names``). ``x_map`` transforms x
    before plotting (e.g. percentiles to a log-tail scale) with ``x_ticks`` as
    (raw value, label) pairs."""
    if x_map is not None:
        series = {k: [(x_map(x), y) for x, y in v] for k, v in series.items()}
    order = list(names or series)
    pts = [p for s in series.values() for p in s]
    if not pts:
        return ""
    left, right, top, bottom = 56, 110, 24, 40
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    xt = nice_ticks(min(xs), max(xs))
    yt = nice_ticks(0 if min(ys) >= 0 else min(ys), max(ys))
    x0, x1, y0, y1 = xt[0], xt[-1], yt[0], yt[-1]
    pw, ph = width - left - right, height - top - bottom

    def sx(v: float) -> float:
        return left + (v - x0) / ((x1 - x0) or 1) * pw

    def sy(v: float) -> float:
        return top + ph - (v - y0) / ((y1 - y0) or 1) * ph

    labels: dict[float, str] = {}
    if x_ticks is not None and x_map is not None:
        labels = {x_map(raw): text for raw, text in x_ticks}
        xt = sorted(labels)
        x0, x1 = min(xt[0], min(xs)), max(xt[-1], max(xs))
    out = [
        _open(width, height, title),
        _axes(left, top, pw, ph, xt, yt, sx, sy, x_label, y_label, labels),
    ]
    for name, s in series.items():
        i = order.index(name) if name in order else 0
        path = " ".join(f"{_n(sx(x))},{_n(sy(y))}" for x, y in sorted(s))
        out.append(
            f'<polyline class="series" data-series="{escape(name)}" fill="none" '
            f'stroke="{colour(i)}" stroke-width="2" points="{path}"/>'
        )
    out.append(_legend([n for n in order if n in series], width - right + 12, top + 10))
    out.append("</svg>")
    return "".join(out)


def _axes(
    left: float,
    top: float,
    pw: float,
    ph: float,
    xt: list[float],
    yt: list[float],
    fx: Callable[[float], float],
    fy: Callable[[float], float],
    x_label: str,
    y_label: str,
    x_labels: dict[float, str] | None = None,
) -> str:
    out = [
        f'<rect x="{left}" y="{top}" width="{_n(pw)}" height="{_n(ph)}" '
        'fill="#fafafa" stroke="#ddd"/>'
    ]
    for t in yt:
        y = fy(t)
        out.append(
            f'<line x1="{left}" x2="{_n(left + pw)}" y1="{_n(y)}" y2="{_n(y)}" stroke="#e5e7eb"/>'
            f'<text x="{left - 6}" y="{_n(y + 4)}" text-anchor="end" {FONT}>{_fmt_tick(t)}</text>'
        )
    for t in xt:
        x = fx(t)
        out.append(
            f'<text x="{_n(x)}" y="{_n(top + ph + 16)}" text-anchor="middle" {FONT}>'
            f"{(x_labels or {}).get(t) or _fmt_tick(t)}</text>"
        )
    out.append(
        f'<text x="{_n(left + pw / 2)}" y="{_n(top + ph + 34)}" text-anchor="middle" {FONT}>'
        f"{escape(x_label)}</text>"
        f'<text x="14" y="{_n(top + ph / 2)}" text-anchor="middle" {FONT} '
        f'transform="rotate(-90 14 {_n(top + ph / 2)})">{escape(y_label)}</text>'
    )
    return "".join(out)


def strip_plot(groups: dict[str, list[float]], title: str, unit: str, width: int = 520) -> str:
    """Each group's samples as dots on a horizontal line, with the inter-quartile box and the
    median marked — a distribution at a glance."""
    groups = {k: v for k, v in groups.items() if v}
    if not groups:
        return ""
    row, left, right, top = 34, 90, 20, 14
    height = top + row * len(groups) + 40
    allv = [v for vs in groups.values() for v in vs]
    ticks = nice_ticks(min(0.0, min(allv)), max(allv))
    x0, x1 = ticks[0], ticks[-1]
    pw = width - left - right

    def sx(v: float) -> float:
        return left + (v - x0) / ((x1 - x0) or 1) * pw

    out = [_open(width, height, title)]
    for t in ticks:
        out.append(
            f'<line x1="{_n(sx(t))}" x2="{_n(sx(t))}" y1="{top}" y2="{top + row * len(groups)}" '
            f'stroke="#e5e7eb"/><text x="{_n(sx(t))}" y="{top + row * len(groups) + 14}" '
            f'text-anchor="middle" {FONT}>{_fmt_tick(t)}</text>'
        )
    for i, (name, vals) in enumerate(groups.items()):
        cy = top + row * i + row / 2
        q1, med, q3 = _quantiles(vals)
        out.append(
            f'<g class="dist" data-series="{escape(name)}">'
            f'<text x="{left - 8}" y="{_n(cy + 4)}" text-anchor="end" {FONT}>{escape(name)}</text>'
            f'<rect x="{_n(sx(q1))}" y="{_n(cy - 9)}" width="{_n(max(1.0, sx(q3) - sx(q1)))}" '
            f'height="18" fill="{colour(i)}" fill-opacity="0.18" stroke="{colour(i)}"/>'
        )
        for j, v in enumerate(vals[:400]):
            jitter = ((j * 7919) % 13 - 6) * 0.9
            out.append(
                f'<circle cx="{_n(sx(v))}" cy="{_n(cy + jitter)}" r="2" fill="{colour(i)}" '
                'fill-opacity="0.6"/>'
            )
        out.append(
            f'<line x1="{_n(sx(med))}" x2="{_n(sx(med))}" y1="{_n(cy - 11)}" y2="{_n(cy + 11)}" '
            f'stroke="#111" stroke-width="2"/></g>'
        )
    out.append(
        f'<text x="{_n(left + pw / 2)}" y="{height - 6}" text-anchor="middle" {FONT}>'
        f"{escape(unit)}</text></svg>"
    )
    return "".join(out)


def _quantiles(vals: list[float]) -> tuple[float, float, float]:
    s = sorted(vals)

    def q(p: float) -> float:
        k = (len(s) - 1) * p
        f = math.floor(k)
        c = min(f + 1, len(s) - 1)
        return s[f] + (s[c] - s[f]) * (k - f)

    return q(0.25), q(0.5), q(0.75)


def grouped_bars(
    groups: dict[str, dict[str, tuple[float, float | None, float | None]]],
    title: str,
    unit: str,
    names: Sequence[str],
    width: int = 520,
) -> str:
    """Horizontal bars: one block per group (e.g. install state), one bar per contestant,
    with a CI whisker when (lo, hi) are given."""
    if not groups:
        return ""
    bar, gap, left, right, top = 14, 12, 110, 90, 10
    n_rows = sum(len(g) for g in groups.values())
    height = top + n_rows * (bar + 3) + gap * len(groups) + 36
    allv = [
        max(v for v in (m, hi) if v is not None) for g in groups.values() for m, _, hi in g.values()
    ]
    ticks = nice_ticks(0.0, max(allv) if allv else 1.0)
    pw = width - left - right

    def sx(v: float) -> float:
        return left + v / (ticks[-1] or 1) * pw

    out = [_open(width, height, title)]
    y = top
    for gname, bars in groups.items():
        out.append(
            f'<text x="{left - 8}" y="{_n(y + bar - 2)}" text-anchor="end" {FONT} '
            f'font-weight="bold">{escape(gname)}</text>'
        )
        for name, (m, lo, hi) in bars.items():
            i = list(names).index(name) if name in names else 0
            out.append(
                f'<rect class="bar" data-series="{escape(name)}" x="{left}" y="{_n(y)}" '
                f'width="{_n(max(0.5, sx(m) - left))}" height="{bar}" fill="{colour(i)}"/>'
            )
            if lo is not None and hi is not None:
                cy = y + bar / 2
                out.append(
                    f'<line x1="{_n(sx(lo))}" x2="{_n(sx(hi))}" y1="{_n(cy)}" y2="{_n(cy)}" '
                    'stroke="#111"/>'
                )
            out.append(
                f'<text x="{_n(sx(max(m, hi or m)) + 4)}" y="{_n(y + bar - 3)}" {FONT}>'
                f"{escape(name)} {_fmt_tick(m)}</text>"
            )
            y += bar + 3
        y += gap
    for t in ticks:
        out.append(
            f'<text x="{_n(sx(t))}" y="{_n(y + 10)}" text-anchor="middle" {FONT}>'
            f"{_fmt_tick(t)}</text>"
        )
    out.append(
        f'<text x="{_n(left + pw / 2)}" y="{_n(y + 26)}" text-anchor="middle" {FONT}>'
        f"{escape(unit)}</text></svg>"
    )
    return "".join(out)


def stacked_bars(
    bars: dict[str, dict[str, float]],
    title: str,
    unit: str,
    categories: Sequence[str],
    width: int = 520,
) -> str:
    """One horizontal bar per contestant, split by category (e.g. cost lines)."""
    if not bars:
        return ""
    bar, left, right, top = 20, 90, 20, 10
    height = top + len(bars) * (bar + 8) + 40 + 16 * math.ceil(len(categories) / 3)
    total = max((sum(v.values()) for v in bars.values()), default=0.0)
    ticks = nice_ticks(0.0, total or 1.0)
    pw = width - left - right

    def sw(v: float) -> float:
        return v / (ticks[-1] or 1) * pw

    out = [_open(width, height, title)]
    y = top
    for name, parts in bars.items():
        out.append(
            f'<text x="{left - 8}" y="{y + 14}" text-anchor="end" {FONT}>{escape(name)}</text>'
        )
        x = float(left)
        for ci, cat in enumerate(categories):
            v = parts.get(cat, 0.0)
            if v <= 0:
                continue
            out.append(
                f'<rect class="bar" data-series="{escape(name)}" data-category="{escape(cat)}" '
                f'x="{_n(x)}" y="{y}" width="{_n(max(0.5, sw(v)))}" height="{bar}" '
                f'fill="{colour(ci)}"><title>{escape(cat)}: {v:,.2f}</title></rect>'
            )
            x += sw(v)
        y += bar + 8
    for t in ticks:
        out.append(
            f'<text x="{_n(left + sw(t))}" y="{y + 8}" text-anchor="middle" {FONT}>'
            f"{_fmt_tick(t)}</text>"
        )
    out.append(
        f'<text x="{_n(left + pw / 2)}" y="{y + 22}" text-anchor="middle" {FONT}>'
        f"{escape(unit)}</text>"
    )
    ly = y + 38
    for ci, cat in enumerate(categories):
        lx = left + (ci % 3) * 140
        yy = ly + (ci // 3) * 16
        out.append(
            f'<rect x="{lx}" y="{yy - 9}" width="10" height="10" fill="{colour(ci)}"/>'
            f'<text x="{lx + 14}" y="{yy}" {FONT}>{escape(cat)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def heatmap(
    rows: list[str], cols: list[str], cells: Mapping[tuple[str, str], str], title: str
) -> str:
    """A status grid: rows (checks) × columns (contestants), coloured pass/fail/error/skip."""
    if not rows or not cols:
        return ""
    cell_w, cell_h, left, top = 70, 18, 230, 24
    width = left + cell_w * len(cols) + 20
    height = top + cell_h * len(rows) + 30
    out = [_open(width, height, title)]
    for j, c in enumerate(cols):
        out.append(
            f'<text x="{left + cell_w * j + cell_w / 2}" y="{top - 8}" text-anchor="middle" '
            f"{FONT}>{escape(c)}</text>"
        )
    for i, r in enumerate(rows):
        y = top + cell_h * i
        label = r if len(r) <= 38 else r[:37] + "…"
        out.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" {FONT}>{escape(label)}</text>'
        )
        for j, c in enumerate(cols):
            st = cells.get((r, c), "")
            fill = STATUS_COLOURS.get(st, "#f3f4f6")
            out.append(
                f'<rect class="cell" data-status="{escape(st)}" x="{left + cell_w * j + 1}" '
                f'y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}">'
                f"<title>{escape(r)} · {escape(c)}: {escape(st or 'not run')}</title></rect>"
            )
    lx = 10
    for k, (st, fill) in enumerate(STATUS_COLOURS.items()):
        x = lx + k * 64
        out.append(
            f'<rect x="{x}" y="{height - 18}" width="10" height="10" fill="{fill}"/>'
            f'<text x="{x + 14}" y="{height - 9}" {FONT}>{st}</text>'
        )
    out.append("</svg>")
    return "".join(out)
