"""Static assets: versioned URLs, caching headers, compression.

Templates write ``{{ asset('/static/moduai.css') }}`` → ``/static/moduai.css?v=<content hash>``.  A request
carrying the current hash is cached for a year (``immutable``): a new file is a new URL.  Any other asset
request gets ``Cache-Control: no-cache`` and an ETag, so a browser revalidates (304, no body).
plotly.min.js (4.8 MB) is gzipped once per process and sent compressed (≈1.4 MB) to browsers that accept it;
pages and other files are compressed on the way out by Starlette's ``GZipMiddleware`` (see ``web/app.py``).
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from moduai.web.templating import STATIC_DIR, templates

# plotly.js comes from the installed plotly wheel: no CDN, works offline (found without importing plotly).
PLOTLY_JS = Path(importlib.util.find_spec("plotly").origin).parent / "package_data" / "plotly.min.js"
VENDOR = {"/vendor/plotly.min.js": PLOTLY_JS}
LONG_CACHE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_PREFIXES = ("/static/", "/vendor/")


def _file_of(path: str) -> Path | None:
    if path in VENDOR:
        return VENDOR[path]
    if path.startswith("/static/"):
        f = (STATIC_DIR / path[len("/static/"):]).resolve()
        if f.is_relative_to(STATIC_DIR.resolve()) and f.is_file():
            return f
    return None


@lru_cache(maxsize=256)
def _version(path: str, mtime_ns: int, size: int) -> str:
    f = _file_of(path)
    return hashlib.sha256(f.read_bytes()).hexdigest()[:12] if f else ""


def asset_version(path: str) -> str:
    """Content hash of an asset (12 hex digits); follows the file when it changes (keyed on mtime and size)."""
    f = _file_of(path)
    if f is None:
        return ""
    st = f.stat()
    return _version(path, st.st_mtime_ns, st.st_size)


def asset_url(path: str) -> str:
    """``/static/x.css`` → ``/static/x.css?v=<hash>`` (a URL that may be cached for a year)."""
    v = asset_version(path)
    return f"{path}?v={v}" if v else path


templates.env.globals["asset"] = asset_url


@lru_cache(maxsize=4)
def _gzipped(path: str, version: str) -> bytes:
    return gzip.compress(VENDOR[path].read_bytes(), compresslevel=6, mtime=0)


def vendor_response(request: Request, path: str) -> Response:
    """A vendored script: ETag, 304 on a match, gzip when accepted; cache headers by :class:`AssetCacheMiddleware`."""
    version = asset_version(path)
    etag = f'"{version}"'
    headers = {"ETag": etag, "Vary": "Accept-Encoding"}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        return Response(_gzipped(path, version), media_type="application/javascript",
                        headers={**headers, "Content-Encoding": "gzip"})
    return Response(VENDOR[path].read_bytes(), media_type="application/javascript", headers=headers)


def warm_assets() -> None:
    """Hash and compress the vendored scripts ahead of the first chart page (the warm-up thread calls this)."""
    for path in VENDOR:
        _gzipped(path, asset_version(path))


class AssetCacheMiddleware:
    """Sets ``Cache-Control`` on /static and /vendor responses: a year for the current ``?v=`` hash, else revalidate."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(_PREFIXES):
            return await self.app(scope, receive, send)
        query = scope.get("query_string", b"").decode("latin-1")
        wanted = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("v")
        current = asset_version(path)
        policy = LONG_CACHE if wanted and current and wanted == current else REVALIDATE

        async def send_wrapped(message: dict) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                headers.append((b"cache-control", policy.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_wrapped)
