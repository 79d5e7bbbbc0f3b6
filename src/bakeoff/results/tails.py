"""The telling line of a failed run's output: what every report and the decisions quote
beside a failure's reason (a line naming the cause beats an error line beats the last)."""

from __future__ import annotations

import re

from bakeoff.results.records import Failure

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# a line naming the cause ("Missing environment variables", "Usage:", "No tests found")
_SPECIFIC = re.compile(
    r"missing|required|not found|cannot|can't find|no such|EADDRINUSE|EACCES|usage:|invalid|"
    r"not defined|is not a function|unexpected|no tests? found|refused|denied|unsupported|"
    r"not supported",
    re.I,
)
_ERRORISH = re.compile(r"\b\w*Error\b|\bERR_[A-Z_]+|\berror:|\berror\[|\bfailed\b|\bFAIL\b")
_WARNING = re.compile(r"\b\w*Warning\b|^warn(ing)?\b|\bdeprecated\b", re.I)
_GENERIC = re.compile(
    r"exit(?:ing|ed)? with (?:error )?code|error code \d+$|^npm (?:ERR|error)!?\s*$|"
    r"^error: Test failed$|npm (?:ERR!|error) (?:code|path|command|errno|A complete log)|"
    r"command failed with exit code|^info visit https?://|^ELIFECYCLE|lifecycle script|"
    r"^Node\.js v\d|^throw err;?$|^\^+$",
    re.I,
)


def telling_line(*tails: str) -> str:
    """The most telling line of a failed run's output (stderr first, then stdout): one that
    names the cause (``Missing environment variables: ...``, ``Usage: ...``, ``No tests
    found``) beats an error line (``TypeError: ...``), which beats the last line; generic lines
    (``Exiting with error code 1``, ``Node.js v26``) and warnings lose to anything else;
    without terminal colour codes, stack frames or ``=====`` rules."""
    lines: list[str] = []
    for tail in tails:
        lines += [ln.strip() for ln in ANSI.sub("", tail or "").splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln.startswith(("at ", "Stack backtrace", "0: <unknown>"))]
    lines = [ln for ln in lines if re.search(r"[A-Za-z0-9]", ln)]
    if not lines:
        return ""

    def score(ln: str) -> int:
        specific = bool(_SPECIFIC.search(ln))
        return (
            4 * specific
            + 2 * bool(_ERRORISH.search(ln))
            - 3 * (bool(_GENERIC.search(ln)) and not specific)
            - 5 * bool(_WARNING.search(ln))
        )

    best = max(range(len(lines)), key=lambda i: (score(lines[i]), -i))  # the first of equals
    pick = (
        lines[best]
        if score(lines[best]) > 0
        else next((ln for ln in reversed(lines) if score(ln) == 0), lines[-1])
    )
    if pick.endswith(":"):  # "Missing environment variables:" then the names
        i = lines.index(pick)
        pick = " ".join([pick, *(ln for ln in lines[i + 1 : i + 3] if score(ln) >= 0)])
    return pick


def failure_line(f: Failure) -> str:
    """The reason a run failed plus the most telling line of its stderr or stdout."""
    pick = telling_line(f.stderr_tail, f.stdout_tail)
    text = f.reason + (f": {pick}" if pick and pick not in f.reason else "")
    return text if len(text) <= 260 else text[:257] + "..."
