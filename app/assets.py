"""Static files: fingerprinted URLs cached for a year, compressed when the client accepts it.

`url_for('static', filename='css/app.css')` gives `/static/css/app.<digest>.css`, where the digest is
taken from the file's content, so a changed file gets a new URL and a browser may keep each URL for
a year (`immutable`). The plain URL keeps working with a short cache lifetime, and so does an old
digest (a page served just before a deploy): it gets the current file, cached briefly.

CSS, JavaScript and SVG go out brotli- or gzip-compressed when the request's Accept-Encoding allows,
compressed once per file version and process and kept in memory (the static folder is small).
Pages themselves are not compressed here: they carry CSRF tokens and echo input, which compression
would expose to a BREACH-style guessing attack.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, abort, current_app, request, send_file
from flask.sessions import SessionInterface
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

try:  # a runtime dependency; without it gzip alone is offered
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT_MAX_AGE = 300
DIGEST_LENGTH = 10
FINGERPRINTED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})(?P<ext>\.[A-Za-z0-9]+)$")
COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json",
                "text/plain"}
MIN_COMPRESS_BYTES = 512
# Brotli's best level costs about 3 s for the 1.1 MB chart library; a lower level for big files
# keeps a worker's first request for it short.
BROTLI_BEST_UP_TO = 256 * 1024


class StaticAssets:
    """Digests and compressed copies of the files in one static folder, keyed by file version."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = str(folder)
        self._digests: dict[str, tuple[tuple[int, int], str]] = {}
        self._compressed: dict[tuple[str, str], tuple[tuple[int, int], bytes]] = {}

    def path(self, filename: str) -> Path | None:
        joined = safe_join(self.folder, filename)
        if joined is None:
            return None
        path = Path(joined)
        return path if path.is_file() else None

    @staticmethod
    def _version(path: Path) -> tuple[int, int]:
        st = path.stat()
        return (st.st_mtime_ns, st.st_size)

    def digest(self, path: Path) -> str:
        version = self._version(path)
        cached = self._digests.get(str(path))
        if cached and cached[0] == version:
            return cached[1]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:DIGEST_LENGTH]
        self._digests[str(path)] = (version, digest)
        return digest

    def fingerprinted(self, filename: str) -> str:
        """`css/app.css` → `css/app.<digest>.css`; a name that is not a file is left as it is."""
        path = self.path(filename)
        if path is None:
            return filename
        stem, dot, ext = filename.rpartition(".")
        if not dot or "/" in ext:
            return filename
        return f"{stem}.{self.digest(path)}.{ext}"

    def compressed(self, path: Path, encoding: str) -> bytes:
        version = self._version(path)
        key = (str(path), encoding)
        cached = self._compressed.get(key)
        if cached and cached[0] == version:
            return cached[1]
        raw = path.read_bytes()
        if encoding == "br":
            body = brotli.compress(raw, quality=11 if len(raw) <= BROTLI_BEST_UP_TO else 5)
        else:
            body = gzip.compress(raw, compresslevel=9, mtime=0)
        self._compressed[key] = (version, body)
        return body


def _encoding_for(mimetype: str | None, size: int) -> str | None:
    if mimetype not in COMPRESSIBLE or size < MIN_COMPRESS_BYTES:
        return None
    accepted = request.accept_encodings
    if brotli is not None and accepted["br"]:
        return "br"
    if accepted["gzip"]:
        return "gzip"
    return None


def serve_static(filename: str):
    """The `static` endpoint: plain or fingerprinted names, compressed when the client accepts it."""
    assets: StaticAssets = current_app.extensions["static_assets"]
    path, immutable = assets.path(filename), False
    if path is None and (match := FINGERPRINTED.match(filename)):
        path = assets.path(match["stem"] + match["ext"])
        immutable = path is not None and assets.digest(path) == match["digest"]
    if path is None:
        abort(404)
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    encoding = _encoding_for(mimetype, path.stat().st_size)
    response: Response
    if encoding is None:
        response = send_file(path, mimetype=mimetype, max_age=SHORT_MAX_AGE, conditional=True)
    else:
        response = current_app.response_class(assets.compressed(path, encoding), mimetype=mimetype)
        response.headers["Content-Encoding"] = encoding
        response.set_etag(f"{assets.digest(path)}-{encoding}")
        response.last_modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        response = response.make_conditional(request)
    if mimetype in COMPRESSIBLE:
        response.vary.add("Accept-Encoding")
    if immutable:
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = f"public, max-age={SHORT_MAX_AGE}"
    return response


class _SessionUntouchedByAssets(SessionInterface):
    """The app's session interface, except that an asset answer never carries the session.

    Flask-Login reads the session after every request, which makes Flask add `Vary: Cookie`; a
    signed-in person's session cookie changes on every page (its last-seen time), so a browser
    honouring that Vary would fetch each "immutable" asset again after every page.
    """

    def __init__(self, inner: SessionInterface) -> None:
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def open_session(self, app, request):
        return self.inner.open_session(app, request)

    def make_null_session(self, app):
        return self.inner.make_null_session(app)

    def is_null_session(self, obj) -> bool:
        return self.inner.is_null_session(obj)

    def save_session(self, app, session, response) -> None:
        if request.endpoint == "static" and not session.modified:
            return None
        return self.inner.save_session(app, session, response)


def init_assets(app: Flask) -> None:
    if not app.static_folder or "static" not in app.view_functions:
        return
    assets = app.extensions["static_assets"] = StaticAssets(app.static_folder)
    app.view_functions["static"] = serve_static
    app.session_interface = _SessionUntouchedByAssets(app.session_interface)

    @app.url_defaults
    def _fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = assets.fingerprinted(values["filename"])
