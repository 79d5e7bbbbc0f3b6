"""The npm registry client: fetch (abbreviated) package metadata and tarballs, honouring
``BAKEOFF_REGISTRY`` and ``npm_config_registry`` mirrors. Metadata is kept on disk, in one
folder per registry URL (a mirror's answers never stand in for another registry's), so
resolving works offline and does not re-fetch on every call.

What a registry may point bakeoff at: the registry URL itself and every tarball URL must be
``https``, except on a loopback host (a local mirror or a test registry may use ``http``);
``file://`` and other schemes are refused, redirects included. Answers that are not the JSON
of a package document (an HTML error page, a truncated body) are refused with one line.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import re
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.client import HTTPMessage
from pathlib import Path
from typing import IO, Any

from bakeoff.errors import ProvisionError

DEFAULT_REGISTRY = "https://registry.npmjs.org/"
ACCEPT = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8"
TIMEOUT_S = 15.0
METADATA_TTL_S = 600.0
CHUNK = 256 * 1024
MAX_METADATA_BYTES = 256 << 20
MAX_TARBALL_BYTES = 2 << 30
ENV_VARS = ("BAKEOFF_REGISTRY", "npm_config_registry", "NPM_CONFIG_REGISTRY")


class RegistryUnreachable(Exception):
    """The registry could not be reached (network down, DNS, timeout, 5xx)."""


class NotFound(Exception):
    """The registry answered 404 for the package."""


class BadAnswer(Exception):
    """The registry answered, but not with a package document (HTML, truncated, not JSON)."""


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_problem(url: str) -> str | None:
    """Why bakeoff will not fetch from ``url`` (None when it may)."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "it is not a valid URL"
    if parts.scheme not in ("http", "https") or not host:
        return "it is not an http(s) URL"
    if parts.scheme == "http" and not _is_loopback(host):
        return "plain http is only allowed on a loopback host (use https)"
    return None


def registry_url() -> str:
    """The registry URL from the environment (or the default), validated."""
    for var in ENV_VARS:
        value = os.environ.get(var)
        if value:
            return _checked_registry(value, var)
    return DEFAULT_REGISTRY


def _checked_registry(value: str, source: str) -> str:
    url = value.strip()
    problem = url_problem(url)
    if problem:
        raise ProvisionError(
            f"{source}={value!r} is not a usable registry: {problem}",
            "set it to an https URL like https://registry.npmjs.org/",
        )
    return url if url.endswith("/") else url + "/"


def _cache_key(url: str) -> str:
    """A folder name for one registry URL: readable host plus a hash of the whole URL."""
    host = urllib.parse.urlsplit(url).netloc or "registry"
    slug = re.sub(r"[^A-Za-z0-9.-]+", "_", host)[:60]
    return f"{slug}-{hashlib.sha256(url.encode()).hexdigest()[:12]}"


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to a URL bakeoff would fetch directly (never to plain http on a
    remote host, never to file://)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        problem = url_problem(newurl)
        if problem:
            raise urllib.error.URLError(f"refused redirect to {newurl}: {problem}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_Redirects)


def _open(req: urllib.request.Request | str) -> Any:
    return _OPENER.open(req, timeout=TIMEOUT_S)


def _start(body: bytes) -> str:
    text = body[:40].decode("utf-8", "replace").strip()
    return re.sub(r"\s+", " ", text)


def parse_packument(body: bytes, package: str, url: str) -> dict[str, Any]:
    """The package document from a registry answer, or ``BadAnswer`` naming what came back."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise BadAnswer(
            f"the registry answered {url} with something that is not JSON "
            f"(it starts {_start(body)!r})"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("versions"), dict):
        raise BadAnswer(f"the registry's answer for {package} is not a package document")
    tags = data.get("dist-tags", {})
    if not isinstance(tags, dict):
        raise BadAnswer(f"the registry's answer for {package} has malformed dist-tags")
    return data


class Registry:
    def __init__(
        self, url: str | None = None, metadata_dir: Path | None = None, offline: bool = False
    ) -> None:
        self.url = _checked_registry(url, "the registry URL") if url else registry_url()
        self.metadata_dir = metadata_dir / _cache_key(self.url) if metadata_dir else None
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
            return parse_packument(path.read_bytes(), package, str(path))
        except (OSError, BadAnswer):
            return None

    def packument(self, package: str) -> dict[str, Any]:
        """Package metadata: fresh from disk if fetched recently, else from the registry.
        Raises RegistryUnreachable (offline or network failure), NotFound or BadAnswer."""
        path = self._meta_path(package)
        try:
            fresh = path is not None and time.time() - path.stat().st_mtime < METADATA_TTL_S
        except OSError:
            fresh = False
        if fresh:
            cached = self.cached_packument(package)
            if cached is not None:
                return cached
        if self.offline:
            raise RegistryUnreachable("offline mode")
        url = self.url + urllib.parse.quote(package, safe="@")
        req = urllib.request.Request(url, headers={"Accept": ACCEPT})
        try:
            with _open(req) as resp:
                body = resp.read(MAX_METADATA_BYTES + 1)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                raise NotFound(package) from None
            raise RegistryUnreachable(f"HTTP {exc.code} from {url}") from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise RegistryUnreachable(str(getattr(exc, "reason", exc))) from None
        if len(body) > MAX_METADATA_BYTES:
            raise BadAnswer(f"the registry's answer for {package} is over 256 MB")
        data = parse_packument(body, package, url)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(body)
                os.replace(tmp, path)
            except OSError:
                pass  # the metadata cache is an optimisation: resolving still works
        return data

    def tarball_url(self, url: str) -> str:
        """Rewrite a tarball URL onto the configured mirror when one is set, and refuse a URL
        bakeoff will not fetch (``ProvisionError``)."""
        out = url
        if self.url != DEFAULT_REGISTRY and url.startswith(DEFAULT_REGISTRY):
            out = self.url + url[len(DEFAULT_REGISTRY) :]
        problem = url_problem(out)
        if problem:
            raise ProvisionError(
                f"refusing the tarball URL {out[:120]!r} from {self.url}: {problem}",
                "check BAKEOFF_REGISTRY / npm_config_registry",
            )
        return out

    def download(
        self, url: str, dest: Path, on_chunk: Callable[[int, int | None], None] | None = None
    ) -> None:
        if self.offline:
            raise RegistryUnreachable("offline mode")
        source = self.tarball_url(url)
        try:
            fh = dest.open("wb")
        except OSError as exc:
            raise ProvisionError(f"cannot write the download to {dest}: {exc.strerror}") from None
        try:
            with fh, _open(source) as resp:
                total = int(resp.headers.get("Content-Length") or 0) or None
                done = 0
                while chunk := resp.read(CHUNK):
                    fh.write(chunk)
                    done += len(chunk)
                    if done > MAX_TARBALL_BYTES:
                        raise ProvisionError(f"refusing {url}: the download is over 2 GiB")
                    if on_chunk:
                        on_chunk(done, total)
        except urllib.error.HTTPError as exc:
            raise RegistryUnreachable(f"HTTP {exc.code} downloading {url}") from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise RegistryUnreachable(str(getattr(exc, "reason", exc))) from None
