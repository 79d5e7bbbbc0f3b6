"""Progress events. Measuring code never prints: it calls an ``on_event`` callback with these,
and the CLI renders them (a Rich progress bar) or ignores them (tests, library use)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Event:
    kind: str  # "case_start" | "warmup" | "run" | "case_end" | "message" | "download"
    suite: str = ""
    case: str = ""
    contestant: str = ""
    done: int = 0
    total: int = 0
    detail: str = ""
    data: dict[str, object] = field(default_factory=dict)


OnEvent = Callable[[Event], None]


def ignore(_: Event) -> None:
    """The default callback: drop every event."""
