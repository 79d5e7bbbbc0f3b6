"""A fake npm registry on 127.0.0.1 serving packuments and tarballs built in the test."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SCRIPTS = {
    "node": ("package/bin/node", "#!/bin/sh\necho v{version}\n"),
    "bun": ("package/bin/bun", "#!/bin/sh\necho {version}\n"),
    "deno": ("package/deno", "#!/bin/sh\necho 'deno {version} (stable, release, x86_64)'\n"),
}


def make_tarball(family: str, version: str) -> bytes:
    path, body = SCRIPTS[family]
    data = body.format(version=version).encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo(path)
        info.size = len(data)
        info.mode = 0o755
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


class FakeRegistry:
    def __init__(self) -> None:
        self.packages: dict[str, dict[str, Any]] = {}
        self.tarballs: dict[str, bytes] = {}
        self.raw: dict[str, bytes] = {}  # path -> the exact body to answer (HTML, garbage)
        self.redirects: dict[str, str] = {}  # path -> Location of a 302 answer
        self.requests: list[str] = []
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = urllib.parse.unquote(self.path.lstrip("/"))
                registry.requests.append(path)
                if path in registry.redirects:
                    self.send_response(302)
                    self.send_header("Location", registry.redirects[path])
                    self.end_headers()
                    return
                if path in registry.raw:
                    body = registry.raw[path]
                elif path in registry.tarballs:
                    body = registry.tarballs[path]
                elif path in registry.packages:
                    body = json.dumps(registry.packages[path]).encode()
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def publish(
        self,
        package: str,
        family: str,
        versions: list[str],
        latest: str | None = None,
        corrupt: bool = False,
    ) -> None:
        meta = self.packages.setdefault(package, {"name": package, "dist-tags": {}, "versions": {}})
        for v in versions:
            data = make_tarball(family, v)
            key = f"{package}/-/{package.split('/')[-1]}-{v}.tgz"
            self.tarballs[key] = data + (b"tampered" if corrupt else b"")
            meta["versions"][v] = {
                "name": package,
                "version": v,
                "dist": {"integrity": sri(data), "tarball": self.url + key},
            }
        meta["dist-tags"]["latest"] = latest or versions[-1]

    def publish_tarball(
        self,
        package: str,
        version: str,
        data: bytes,
        dist: dict[str, Any] | None = None,
    ) -> str:
        """Publish ``data`` as ``package@version`` with a matching sha512 integrity (or the
        given ``dist``); returns the tarball URL."""
        meta = self.packages.setdefault(package, {"name": package, "dist-tags": {}, "versions": {}})
        key = f"{package}/-/{package.split('/')[-1]}-{version}.tgz"
        self.tarballs[key] = data
        meta["versions"][version] = {
            "name": package,
            "version": version,
            "dist": dist or {"integrity": sri(data), "tarball": self.url + key},
        }
        meta["dist-tags"]["latest"] = version
        return self.url + key

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
