"""Domain errors and the one place that turns any error into a response.

Services raise DomainError subclasses with a fixed code; API paths answer
`{"error": {"code", "message", "fields"?}}` (API.md), pages render an error
page in the user's language. Any unhandled exception rolls the request back
(app/unit_of_work.py ends every request; `commit_failed` answers when its commit fails).
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import login_manager
from app.unit_of_work import discard

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule said no. `code` is stable and machine-readable."""

    status = 409
    code = "conflict"
    default_message = _l("操作与当前状态冲突")

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 fields: dict[str, str] | None = None, extra: dict | None = None):
        self.message = str(message) if message is not None else str(self.default_message)
        if code:
            self.code = code
        self.fields = fields
        self.extra = extra or {}
        super().__init__(self.message)


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"
    default_message = _l("提交的内容有误，请检查标出的字段")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _l("找不到该对象，或您无权查看")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = _l("您没有执行此操作的权限")


class Gone(DomainError):
    status = 410
    code = "gone"
    default_message = _l("已过期")


# Status code → (error code, message) for HTTP errors raised outside services.
_HTTP_CODES = {
    400: ("bad_request", _l("请求格式有误")),
    401: ("unauthorized", _l("需要登录或有效的 API 令牌")),
    403: ("forbidden", _l("您没有执行此操作的权限")),
    404: ("not_found", _l("找不到该页面或对象")),
    405: ("method_not_allowed", _l("不支持该请求方法")),
    409: ("conflict", _l("操作与当前状态冲突")),
    410: ("gone", _l("已过期")),
    413: ("payload_too_large", _l("提交的内容过大")),
    415: ("unsupported_media_type", _l("请以 JSON 格式提交")),
    422: ("validation_error", _l("提交的内容有误，请检查标出的字段")),
    429: ("rate_limited", _l("请求过于频繁，请稍后再试")),
    500: ("internal_error", _l("服务器出错了，请稍后再试；问题已记录")),
    503: ("unavailable", _l("服务暂时不可用，请稍后再试")),
}

# marshmallow/webargs messages → Chinese, so API field errors read naturally.
_FIELD_MESSAGES = {
    "Missing data for required field.": _l("必填"),
    "Field may not be null.": _l("不能为空"),
    "Unknown field.": _l("未知字段"),
    "Not a valid string.": _l("应为文本"),
    "Not a valid integer.": _l("应为整数"),
    "Not a valid number.": _l("应为数字"),
    "Not a valid boolean.": _l("应为 true 或 false"),
    "Not a valid datetime.": _l("应为 ISO 8601 时间，如 2026-09-25T14:00:00+08:00"),
    "Not a valid date.": _l("应为日期，如 2026-09-25"),
    "Not a valid aware datetime.": _l("应为带时区的 ISO 8601 时间，如 2026-09-25T14:00:00+08:00"),
    "Not a valid list.": _l("应为列表"),
    "Not a valid mapping type.": _l("应为对象"),
    "Invalid input type.": _l("类型不正确"),
    "Invalid JSON body.": _l("请求体不是有效的 JSON"),
    "Shorter than minimum length 1.": _l("不能为空"),
}


def is_api_request() -> bool:
    return request.path.startswith("/api/")


# Pages customers open (API.md "Public pages"): their errors never point at the staff side.
PUBLIC_PREFIXES = ("/e/", "/t/", "/c/")
PUBLIC_PATHS = ("/privacy",)
# What a customer is told when a public link leads nowhere, by the kind of link.
_PUBLIC_NOT_FOUND = {
    "/e/": _l("找不到该活动，可能链接不完整，或活动已下线"),
    "/t/": _l("找不到该入场凭证，请检查链接是否完整"),
    "/c/": _l("找不到该签到码，请重新扫描现场的签到二维码"),
}


def is_public_page() -> bool:
    path = request.path
    return path.startswith(PUBLIC_PREFIXES) or path in PUBLIC_PATHS


def error_page(status: int, message: str, headers: dict | None = None):
    """The HTML error page: the staff one (with its way home), or for customers one without staff links."""
    if is_public_page():
        if status == 404:
            message = str(next((text for prefix, text in _PUBLIC_NOT_FOUND.items()
                                if request.path.startswith(prefix)), message))
        response = render_template("errors/public.html", status=status, message=message), status
    else:
        response = render_template("errors/error.html", status=status, message=message), status
    return (*response, headers) if headers else response


def _field_message(msg) -> str:
    if isinstance(msg, list):
        return "; ".join(_field_message(m) for m in msg)
    if isinstance(msg, dict):
        return "; ".join(f"{k}: {_field_message(v)}" for k, v in msg.items())
    text = str(msg)
    if text in _FIELD_MESSAGES:
        return str(_FIELD_MESSAGES[text])
    if text.startswith("Must be one of:"):
        return _("取值无效，可选：") + text.removeprefix("Must be one of:").rstrip(".")
    if text.startswith("Must be greater than or equal to") and " and less than or equal to " in text:
        low, high = text.removeprefix("Must be greater than or equal to").rstrip(".").split(
            " and less than or equal to ")
        return _("应在 %(low)s 到 %(high)s 之间", low=low.strip(), high=high.strip())
    if text.startswith("Must be greater than or equal to"):
        return _("不能小于") + text.removeprefix("Must be greater than or equal to").rstrip(".")
    if text.startswith("Must be less than or equal to"):
        return _("不能大于") + text.removeprefix("Must be less than or equal to").rstrip(".")
    if text.startswith("Length must be between"):
        low, _and, high = text.removeprefix("Length must be between").rstrip(".").split()
        return _("长度应在 %(low)s 到 %(high)s 之间", low=low, high=high)
    if text.startswith("Longer than maximum length"):
        return _("过长，最多") + text.removeprefix("Longer than maximum length").rstrip(".") + _(" 个字符")
    return text


def flatten_field_errors(messages: dict) -> dict[str, str]:
    """webargs nests messages by location ({"json": {"phone": [...]}}); flatten them."""
    fields: dict[str, str] = {}
    for location, errors in messages.items():
        if isinstance(errors, dict):
            for name, msg in errors.items():
                if name == "_schema":
                    fields["_schema"] = _field_message(msg)
                else:
                    fields[str(name)] = _field_message(msg)
        else:
            fields[str(location)] = _field_message(errors)
    return fields


def error_response(status: int, code: str, message: str, fields: dict | None = None,
                   headers: dict | None = None, extra: dict | None = None):
    body: dict = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    if extra:
        body.update(extra)
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    code, message = _HTTP_CODES.get(status, ("error", error.description or ""))
    message = str(message)
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if status == 429:
        retry_after = getattr(error, "retry_after", None)
        headers.setdefault("Retry-After", str(retry_after or 60))
    fields = None
    messages = data.get("messages") or data.get("errors")
    if messages:
        fields = flatten_field_errors(messages)
        if status == 400 and "json" in fields:
            message = fields.pop("json")
    if data.get("message"):
        message = str(data["message"])
    if is_api_request():
        return error_response(status, code, message, fields, headers)
    if status == 401:
        return login_manager.unauthorized()
    return error_page(status, message, headers)


def handle_csrf_error(error: CSRFError):
    message = str(_l("页面已过期或请求来源不可信，请刷新页面后重试"))
    if is_api_request():
        return error_response(400, "csrf_failed", message)
    return error_page(400, message)


def handle_domain_error(error: DomainError):
    if is_api_request():
        return error_response(error.status, error.code, error.message, error.fields, extra=error.extra)
    return error_page(error.status, error.message)


def _database_unreachable(error: Exception) -> bool:
    # A lost connection (the server restarted or went away): SQLAlchemy has already dropped
    # the pool's other connections, so the next request starts afresh. Say "try again", not "bug".
    return isinstance(error, sa.exc.OperationalError) or getattr(error, "connection_invalidated", False)


def handle_unexpected(error: Exception):
    discard()  # before the error page is rendered: a failed flush leaves the session unusable until then
    if _database_unreachable(error):
        # One line, the driver's reason only: the statement's parameters may hold names and phones.
        reason = (str(getattr(error, "orig", None) or type(error).__name__).strip().splitlines() or [""])[0]
        log.warning("database unreachable on %s %s: %s: %s", request.method, request.path,
                    type(error).__name__, reason[:200])
        code, message = _HTTP_CODES[503]
        if is_api_request():
            return error_response(503, code, str(message))
        return error_page(503, str(message))
    log.exception("unhandled error on %s %s", request.method, request.path)
    code, message = _HTTP_CODES[500]
    if is_api_request():
        return error_response(500, code, str(message))
    return error_page(500, str(message))


def commit_failed(error: Exception):
    """The answer when a request's commit fails (its changes are rolled back already).

    A constraint that refused the write at commit time is a conflict (another request was quicker),
    an unreachable database is 503; anything else is the 500 of a bug.
    """
    if isinstance(error, sa.exc.IntegrityError):
        log.warning("commit refused on %s %s: %s", request.method, request.path, type(error.orig).__name__)
        code, message = _HTTP_CODES[409]
        if is_api_request():
            return error_response(409, code, str(message))
        return error_page(409, str(message))
    return handle_unexpected(error)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)
