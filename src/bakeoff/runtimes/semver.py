"""A small npm-style semver range matcher: exact versions, partial/x-ranges (``24``, ``1.4``,
``1.x``, ``*``), caret and tilde, comparators (``>=``, ``<=``, ``>``, ``<``, ``=``),
space-separated AND, ``||`` OR and hyphen ranges (``1.2 - 1.4``).

Prerelease versions (``1.4.2-canary.1``) only match an alternative that names a prerelease of
the same version, as npm's own rule says. Checked against npm's own range test cases
(``tests/test_semver_npm.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import total_ordering

_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")
_PARTIAL = re.compile(
    r"^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?"
    r"(?:\+[0-9A-Za-z.-]+)?$"  # build metadata: allowed, and ignored (as npm does)
)


@total_ordering
@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    pre: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Version | None:
        m = _VERSION.match(text.strip())
        if not m:
            return None
        pre = tuple(m.group(4).split(".")) if m.group(4) else ()
        return cls(int(m.group(1)), int(m.group(2)), int(m.group(3)), pre)

    def _key(self) -> tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]:
        pre_key = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.pre)
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, pre_key)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        base = f"{self.major}.{self.minor}.{self.patch}"
        return f"{base}-{'.'.join(self.pre)}" if self.pre else base


@dataclass(frozen=True)
class _Cmp:
    op: str
    version: Version

    def test(self, v: Version) -> bool:
        if self.op == "=":
            return v == self.version
        if self.op == ">=":
            return v >= self.version
        if self.op == ">":
            return v > self.version
        if self.op == "<=":
            return v <= self.version
        return v < self.version


class RangeError(ValueError):
    """The range text is not a valid npm range."""


def _partial(text: str) -> tuple[list[int | None], tuple[str, ...]]:
    m = _PARTIAL.match(text)
    if not m:
        raise RangeError(f"not a version: {text!r}")
    parts: list[int | None] = []
    for g in m.group(1, 2, 3):
        parts.append(None if g is None or g in "xX*" else int(g))
    for i in range(1, 3):  # anything after a wildcard is a wildcard
        if parts[i - 1] is None:
            parts[i] = None
    pre = tuple(m.group(4).split(".")) if m.group(4) else ()
    return parts, pre


def _xrange(text: str) -> list[_Cmp]:
    (ma, mi, pa), pre = _partial(text)
    if ma is None:
        return [_Cmp(">=", Version(0, 0, 0))]
    if mi is None:
        return [_Cmp(">=", Version(ma, 0, 0)), _Cmp("<", Version(ma + 1, 0, 0))]
    if pa is None:
        return [_Cmp(">=", Version(ma, mi, 0)), _Cmp("<", Version(ma, mi + 1, 0))]
    return [_Cmp("=", Version(ma, mi, pa, pre))]


def _caret(text: str) -> list[_Cmp]:
    (ma, mi, pa), pre = _partial(text)
    if ma is None:
        return _xrange("*")
    lo = Version(ma, mi or 0, pa or 0, pre)
    if ma > 0 or mi is None:
        hi = Version(ma + 1, 0, 0)
    elif mi > 0 or pa is None:
        hi = Version(0, mi + 1, 0)
    else:
        hi = Version(0, 0, pa + 1)
    return [_Cmp(">=", lo), _Cmp("<", hi)]


def _tilde(text: str) -> list[_Cmp]:
    (ma, mi, pa), pre = _partial(text)
    if ma is None:
        return _xrange("*")
    lo = Version(ma, mi or 0, pa or 0, pre)
    hi = Version(ma + 1, 0, 0) if mi is None else Version(ma, mi + 1, 0)
    return [_Cmp(">=", lo), _Cmp("<", hi)]


def _comparator(op: str, text: str) -> list[_Cmp]:
    (ma, mi, pa), pre = _partial(text)
    if ma is None:
        return (
            [_Cmp(">=", Version(0, 0, 0))]
            if op in (">=", "<=", "=")
            else [_Cmp("<", Version(0, 0, 0))]
        )
    if op in ("=", ""):
        return _xrange(text)
    if mi is None or pa is None:  # partial comparators: >1.4 means >=1.5.0, <=1.4 means <1.5.0
        bump = Version(ma + 1, 0, 0) if mi is None else Version(ma, mi + 1, 0)
        floor = Version(ma, mi or 0, 0)
        return {
            ">": [_Cmp(">=", bump)],
            ">=": [_Cmp(">=", floor)],
            "<": [_Cmp("<", floor)],
            "<=": [_Cmp("<", bump)],
        }[op]
    return [_Cmp(op, Version(ma, mi, pa, pre))]


_TOKEN = re.compile(r"(\^|~>?|>=|<=|>|<|=)?\s*(v?[0-9xX*][0-9A-Za-z.*+-]*|\*)")


def _conjunction(text: str) -> list[_Cmp]:
    text = text.strip()
    if not text or text in ("*", "x", "X", "latest"):
        return _xrange("*")
    hyphen = re.match(r"^(\S+)\s+-\s+(\S+)$", text)
    if hyphen:
        lo, hi = hyphen.groups()
        return _comparator(">=", lo) + _comparator("<=", hi)
    out: list[_Cmp] = []
    pos = 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        m = _TOKEN.match(text, pos)
        if not m:
            raise RangeError(f"cannot parse range {text!r} at {text[pos:]!r}")
        op, ver = m.group(1) or "", m.group(2)
        if op == "^":
            out += _caret(ver)
        elif op.startswith("~"):
            out += _tilde(ver)
        else:
            out += _comparator(op, ver)
        pos = m.end()
    return out


class Range:
    """A parsed npm range."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.alternatives = [_conjunction(part) for part in text.split("||")]

    @staticmethod
    def _names_prerelease(alt: list[_Cmp], v: Version) -> bool:
        return any(
            c.version.pre
            and (c.version.major, c.version.minor, c.version.patch) == (v.major, v.minor, v.patch)
            for c in alt
        )

    def matches(self, v: Version) -> bool:
        """npm's rule: a prerelease satisfies an alternative (a ``||`` part) only when that
        alternative itself names a prerelease of the same major.minor.patch."""
        return any(
            all(c.test(v) for c in alt) and (not v.pre or self._names_prerelease(alt, v))
            for alt in self.alternatives
        )

    def best(self, versions: Iterable[str]) -> str | None:
        """The highest version string in ``versions`` satisfying the range."""
        found: list[tuple[Version, str]] = []
        for text in versions:
            v = Version.parse(text)
            if v is not None and self.matches(v):
                found.append((v, text))
        return max(found)[1] if found else None


def highest(versions: Iterable[str], include_pre: bool = False) -> str | None:
    parsed = [(v, t) for t in versions if (v := Version.parse(t)) and (include_pre or not v.pre)]
    return max(parsed)[1] if parsed else None
