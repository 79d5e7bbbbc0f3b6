"""The npm registry client: fetch (abbreviated) package metadata and tarballs, honouring
``BAKEOFF_REGISTRY`` and ``npm_config_registry`` mirrors. Metadata is kept on disk so resolving
works offline and does not re-fetch on every call."""

from __future__ import annotations

import json
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEFAULT_REGISTRY = "https://registry.npmjs.org/"
ACCEPT = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8"
TIMEOUT_S = 15.0
METADATA_TTL_S = 600.0
CHUNK = 256 * 1024


class RegistryUnreachable(Exception):
    """The registry could not be reached (network down, DNS, timeout, 5xx)."""


class NotFound(Exception):
    """The registry answered 404 for the package."""


def registry_url() -> str:
    for var in ("BAKEOFF_REGISTRY", "npm_config_registry", "NPM_CONFIG_REGISTRY"):
        value = os.environ.get(var)
        if value:
            return value if value.endswith("/") else value + "/"
    return DEFAULT_REGISTRY


class Registry:
    def __init__(
        self, url: str | None = None, metadata_dir: Path | None = None, offline: bool = False
    ) -> None:
        self.url = url or registry_url()
        self.metadata_dir = metadata_dir
        self.offline = offline

    def _meta_path(self, package: str) -> Path | None:
        if self.metadata_dir is None:
            return None
        return self.metadata_dir / (package.replace("/", "__") + ".json")

    def cached_packument(self, package: str) -> dict[str, Any] | None:
        path = self._meta_path(package)
        if path is None or not path.is_file():
            return None
        try:
            data: dict[str, Any] = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            return None
        return data

    def packument(self, package: str) -> dict[str, Any]:
        """Package metadata: fresh from disk if fetched recently, else from the registry.
        Raises RegistryUnreachable (offline or network failure) or NotFound."""
        path = self._meta_path(package)
        if (
            path is not None
            and path.is_file()
            and time.time() - path.stat().st_mtime < METADATA_TTL_S
        ):
            cached = self.cached_packument(package)
            if cached is not None:
                return cached
        if self.offline:
            raise RegistryUnreachable("offline mode")
        url = self.url + urllib.parse.quote(package, safe="@")
        req = urllib.request.Request(url, headers={"Accept": ACCEPT})
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
                body = resp.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                raise NotFound(package) from None
            raise RegistryUnreachable(f"HTTP {exc.code} from {url}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise RegistryUnreachable(str(getattr(exc, "reason", exc))) from None
        data = json.loads(body)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
            os.replace(tmp, path)
        return dict(data)

    def tarball_url(self, url: str) -> str:
        """Rewrite a tarball URL onto the configured mirror when one is set."""
        if self.url == DEFAULT_REGISTRY or not url.startswith(DEFAULT_REGISTRY):
            return url
        return self.url + url[len(DEFAULT_REGISTRY) :]

    def download(
        self, url: str, dest: Path, on_chunk: Callable[[int, int | None], None] | None = None
    ) -> None:
        if self.offline:
            raise RegistryUnreachable("offline mode")
        try:
            with (
                urllib.request.urlopen(self.tarball_url(url), timeout=TIMEOUT_S) as resp,
                dest.open("wb") as fh,
            ):
                total = int(resp.headers.get("Content-Length") or 0) or None
                done = 0
                while chunk := resp.read(CHUNK):
                    fh.write(chunk)
                    done += len(chunk)
                    if on_chunk:
                        on_chunk(done, total)
        except urllib.error.HTTPError as exc:
            raise RegistryUnreachable(f"HTTP {exc.code} downloading {url}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise RegistryUnreachable(str(getattr(exc, "reason", exc))) from None
