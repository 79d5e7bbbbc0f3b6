"""Comparability guard: the fingerprint every results document carries, and what differs between
two of them.

A fingerprint names the machine (CPU model, cores, memory, hashed host name, architecture,
virtualization), the OS and kernel, every contestant's runtime version and binary sha256, the
bakeoff version and a hash of the measuring settings. ``differences`` lists what changed
between two documents and marks the differences that *matter*: numbers measured on another
machine or with another runtime build are not comparable, so ``bakeoff compare`` refuses them
unless forced. OS, kernel, bakeoff version and settings changes are reported but not blocking.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from bakeoff.results import ResultsDocument
from bakeoff.results.sections import (
    Fingerprint,
    MachineFingerprint,
    RuntimeFingerprint,
    Settings,
)

MACHINE_KEYS = ("cpu_model", "cores_logical", "memory_gb", "hostname_sha256", "arch")
# settings that change what is measured or how it is judged
CONFIG_KEYS = ("precision", "min_runs", "max_runs", "warmups", "timeout_s", "threshold", "runtimes")


def config_hash(settings: Settings) -> str:
    picked = {k: getattr(settings, k) for k in CONFIG_KEYS}
    blob = json.dumps(picked, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def fingerprint(doc: ResultsDocument) -> Fingerprint:
    """The fingerprint of ``doc`` (built from its environment, contestants and settings)."""
    env = doc.environment
    return Fingerprint(
        machine=MachineFingerprint(
            cpu_model=env.cpu_model,
            cores_logical=env.cores_logical,
            memory_gb=env.memory_gb,
            hostname_sha256=env.hostname_sha256,
            arch=env.arch,
            virtualization=env.virtualization,
        ),
        os=env.os_release or env.os,
        kernel=env.kernel,
        runtimes={
            c.name: RuntimeFingerprint(runtime=c.runtime, version=c.version, sha256=c.sha256)
            for c in doc.contestants
        },
        bakeoff_version=doc.bakeoff_version,
        config_hash=config_hash(doc.settings),
    )


def of(doc: ResultsDocument) -> Fingerprint:
    """The stored fingerprint, or one derived from the document (older files lack it)."""
    return doc.fingerprint or fingerprint(doc)


Value = str | int | float | None


@dataclass(frozen=True)
class Difference:
    field: str
    base: Value
    new: Value
    matters: bool  # True: results are not comparable without --force

    def __str__(self) -> str:
        return f"{self.field}: {self.base} → {self.new}"


def differences(base: Fingerprint, new: Fingerprint) -> list[Difference]:
    out: list[Difference] = []
    bm, nm = base.machine.model_dump(), new.machine.model_dump()
    for key in sorted(set(bm) | set(nm)):
        if bm.get(key) != nm.get(key):
            out.append(Difference(f"machine.{key}", bm.get(key), nm.get(key), True))
    br, nr = base.runtimes, new.runtimes
    for name in sorted(set(br) & set(nr)):
        b_rt, n_rt = br[name].model_dump(), nr[name].model_dump()
        for key in ("runtime", "version", "sha256"):
            if b_rt[key] != n_rt[key]:
                out.append(Difference(f"runtimes.{name}.{key}", b_rt[key], n_rt[key], True))
    for name in sorted(set(br) ^ set(nr)):
        out.append(
            Difference(
                f"runtimes.{name}",
                "present" if name in br else "absent",
                "present" if name in nr else "absent",
                False,
            )
        )
    for key in ("os", "kernel", "bakeoff_version", "config_hash"):
        b, n = getattr(base, key), getattr(new, key)
        if b != n:
            out.append(Difference(key, b, n, False))
    return out
