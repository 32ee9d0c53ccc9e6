"""Hostile input stops at the edge, once, for every route (issue 13).

PostgreSQL refuses NUL in text and a lone surrogate cannot be encoded to UTF-8: either,
reaching a query, is a 500 (on PostgreSQL only, for NUL). So before any view runs:

- a path with a control character → 404 (no such page);
- a query argument, form field or JSON string (keys too, at any depth) with a control
  character (other than tab and line breaks in bodies) or a lone surrogate → 400 naming the field;
- JSON nested deeper than `MAX_JSON_DEPTH` → 400;
- a body without Content-Length (chunked) longer than MAX_CONTENT_LENGTH → 413, measured on the
  bytes actually sent (`BodyLimit`, a WSGI middleware), not only on the header.

Names additionally refuse invisible format characters (`name_problem`), so that no name can
display reversed (U+202E) or hide text on a staff page.
"""

from __future__ import annotations

import io
import unicodedata

from flask import Flask, abort, render_template, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from app.errors import error_response, is_api_request
from app.fields import INT32_MAX

MAX_JSON_DEPTH = 32
_ALLOWED_IN_BODY = frozenset("\t\n\r")
_TOO_LARGE = "app.body_too_large"


def _bad_char(text: str, *, allow_breaks: bool) -> bool:
    for char in text:
        if char in _ALLOWED_IN_BODY and allow_breaks:
            continue
        if unicodedata.category(char) in ("Cc", "Cs"):
            return True
    return False


# Format characters a name may keep: the joiners inside emoji sequences and Indic scripts.
_NAME_FORMAT_OK = frozenset("\u200c\u200d")


def name_problem(name: str) -> str | None:
    """Why a person's name is refused, or None: control or invisible format characters.

    Unicode category Cf holds the bidirectional overrides and isolates (U+202A–U+202E,
    U+2066–U+2069) that display a name reversed, the zero-width space and word joiner,
    and the BOM. ZWNJ and ZWJ stay allowed: they join emoji (👩‍👩‍👧) and some scripts' letters
    and cannot reorder text.
    """
    for char in name:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") or (category == "Cf" and char not in _NAME_FORMAT_OK):
            return _("姓名含有不可见或控制字符（U+%(code)04X），请删除后重新填写", code=ord(char))
    return None


def _refuse(field: str):
    message = _("提交的内容含有不允许的控制字符：%(field)s", field=field)
    if is_api_request():
        return error_response(400, "bad_request", message, {field: _("含有不允许的控制字符")})
    return render_template("errors/error.html", status=400, message=message), 400


def _json_problem(value) -> tuple[str, str] | None:
    """(kind, where) of the first problem in a parsed JSON document: "depth" or "char"."""
    stack = [(value, "", 1)]
    while stack:
        item, where, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return "depth", where
        if isinstance(item, str):
            if _bad_char(item, allow_breaks=True):
                return "char", where or "json"
        elif isinstance(item, dict):
            for key, child in item.items():
                path = f"{where}.{key}" if where else str(key)
                if _bad_char(str(key), allow_breaks=False):
                    return "char", where or "json"
                stack.append((child, path, depth + 1))
        elif isinstance(item, list):
            for index, child in enumerate(item):
                stack.append((child, f"{where}.{index}" if where else str(index), depth + 1))
    return None


def _too_deep():
    message = _("JSON 嵌套过深（最多 %(n)d 层）", n=MAX_JSON_DEPTH)
    return error_response(400, "bad_request", message) if is_api_request() else (
        render_template("errors/error.html", status=400, message=message), 400)


def guard_request():
    if request.environ.get(_TOO_LARGE):
        abort(413)
    if _bad_char(request.path, allow_breaks=False):
        abort(404)
    for key, value in request.args.items(multi=True):
        if _bad_char(key, allow_breaks=False) or _bad_char(value, allow_breaks=False):
            return _refuse(key if not _bad_char(key, allow_breaks=False) else "query")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in request.form.items(multi=True):
            if _bad_char(key, allow_breaks=False) or _bad_char(value, allow_breaks=True):
                return _refuse(key if not _bad_char(key, allow_breaks=False) else "form")
        for key, upload in request.files.items(multi=True):
            if _bad_char(upload.filename or "", allow_breaks=False):
                return _refuse(key)
    elif request.is_json and request.content_length != 0:
        try:
            document = request.get_json(silent=True)
        except RecursionError:
            return _too_deep()
        problem = _json_problem(document) if document is not None else None
        if problem and problem[0] == "depth":
            return _too_deep()
        if problem:
            return _refuse(problem[1])
    return None


class BodyLimit:
    """A body sent without Content-Length (chunked) is read here, up to MAX_CONTENT_LENGTH + 1 bytes.

    Werkzeug cuts such a stream at the limit silently (the view then sees a truncated body); here a
    longer body is marked so that the request answers 413, and a body within the limit is handed on
    with its length known.
    """

    def __init__(self, wsgi_app, flask_app: Flask):
        self.wsgi_app = wsgi_app
        self.flask_app = flask_app

    def __call__(self, environ, start_response):
        limit = self.flask_app.config.get("MAX_CONTENT_LENGTH")
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if limit and not environ.get("CONTENT_LENGTH") and (chunked or environ.get("wsgi.input_terminated")):
            stream = environ["wsgi.input"]
            data = bytearray()
            while len(data) <= limit:
                piece = stream.read(min(64 * 1024, limit + 1 - len(data)))
                if not piece:
                    break
                data += piece
            if len(data) > limit:
                environ[_TOO_LARGE] = True
                data = bytearray()
            environ["wsgi.input"] = io.BytesIO(bytes(data))
            environ["CONTENT_LENGTH"] = str(len(data))
            environ.pop("wsgi.input_terminated", None)
            environ.pop("HTTP_TRANSFER_ENCODING", None)  # werkzeug ignores CONTENT_LENGTH beside "chunked"
        return self.wsgi_app(environ, start_response)


def _up_to(limit: int) -> str:
    """A regular expression matching exactly the decimal numbers 0 … `limit` (leading zeros aside)."""
    digits = str(limit)
    options = ["\\d{1," + str(len(digits) - 1) + "}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        rest = len(digits) - i - 1
        if int(digit) > (1 if i == 0 else 0):
            low = "1" if i == 0 else "0"
            options.append(digits[:i] + f"[{low}-{int(digit) - 1}]" + ("\\d{" + str(rest) + "}" if rest else ""))
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


class BoundedIntConverter(IntegerConverter):
    """`<int:id>` that matches only what an INTEGER column can hold: a larger number is a 404.

    The bound is in the regular expression, not only in `to_python`: werkzeug answers 405 instead of
    404 when a rule for another method matched the text and only the converter refused it.
    """

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        maximum = max if max is not None else INT32_MAX
        super().__init__(map, fixed_digits=fixed_digits, min=min if min is not None else 0,
                         max=maximum, signed=signed)
        if not fixed_digits and not signed:
            self.regex = _up_to(maximum)


def init_input_guard(app: Flask) -> None:
    """Before the blueprints: their `<int:…>` rules must be built with the bounded converter."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.wsgi_app = BodyLimit(app.wsgi_app, app)  # type: ignore[method-assign]  # Flask's way to add WSGI middleware
    app.before_request(guard_request)
