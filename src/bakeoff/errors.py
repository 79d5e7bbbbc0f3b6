"""The exception hierarchy. Library code raises these; only the CLI turns them into messages
and exit codes (see ``cli.py``). Every message is one line that says what to do."""

from __future__ import annotations


class BakeoffError(Exception):
    """Base of every error bakeoff reports to a user. ``exit_code`` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(BakeoffError):
    """bakeoff.toml or a command-line value is malformed. Names the field, expected and found."""

    exit_code = 2


class UsageError(BakeoffError):
    """A command was called with arguments that cannot work together."""

    exit_code = 2


class RuntimeSpecError(BakeoffError):
    """A runtime spec (``node@24``, ``bun@latest``, ``system:node``, a path) cannot be parsed or
    names an unknown runtime."""

    exit_code = 2


class ProvisionError(BakeoffError):
    """A runtime could not be resolved, downloaded, verified or installed."""

    exit_code = 3


class NoMatchingVersionError(ProvisionError):
    """No published version satisfies the requested range."""


class IntegrityError(ProvisionError):
    """A download did not match the registry's ``dist.integrity``; it was deleted."""


class OfflineError(ProvisionError):
    """The registry is unreachable and the cache has no matching runtime."""


class MeasurementError(BakeoffError):
    """The measuring machinery itself failed (not a contestant: those are recorded as results)."""

    exit_code = 4


class NothingMeasured(BakeoffError):
    """The evaluation ran but no contestant produced a single valid measurement (every suite
    failed for everyone): the results are saved with every failure's reason."""

    exit_code = 5


class ResultsError(BakeoffError):
    """A results document is missing, unreadable or of an unknown schema."""

    exit_code = 2


class NotComparableError(BakeoffError):
    """Two results documents come from different machines or runtime builds (see
    ``bakeoff.fingerprint``); comparing them needs ``--force``."""

    exit_code = 2


class RegressionFound(BakeoffError):
    """``bakeoff compare`` found a significant regression beyond ``--fail-on`` (CI gate)."""

    exit_code = 1


class ClusterError(BakeoffError):
    """``--cluster``: the Dask extra is missing, the scheduler is unreachable, or the project
    cannot be shipped to the workers. A machine that fails is a recorded result, not this."""

    exit_code = 6


class Interrupted(BakeoffError):
    """The user pressed Ctrl-C; partial results have been saved."""

    exit_code = 130
