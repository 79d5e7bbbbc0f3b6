"""Progress events. Measuring code never prints: it calls an ``on_event`` callback with these,
and the CLI renders them (a Rich progress bar) or ignores them (tests, library use)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bakeoff.runtimes.provision import DownloadProgress


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


def download(p: DownloadProgress) -> Event:
    """A download's progress (a runtime, a tool, k6) as an event."""
    return Event("download", detail=f"{p.package}@{p.version}", done=p.done, total=p.total or 0)
