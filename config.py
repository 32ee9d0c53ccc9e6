"""Configuration from environment variables or a `.env` file.

The variables and their defaults are the public contract of ../shared/API.md
(SECRET_KEY, DATABASE_URL, REDIS_URL, BASE_URL, TIMEZONE, RATELIMIT_ENABLED);
the README lists the few additions (APP_ENV, session and proxy settings).
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv
from redis.backoff import NoBackoff
from redis.retry import Retry

ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = ROOT / "instance"

load_dotenv(ROOT / ".env")


class ConfigError(RuntimeError):
    """The deployment is misconfigured; the message says which variable."""


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _local_secret_key() -> str:
    """A key generated once into instance/ so `make run` needs no setup.

    Never used in production: there SECRET_KEY must come from the environment.
    """
    INSTANCE_DIR.mkdir(exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _normalise_db_url(url: str) -> str:
    # Heroku-style and bare postgres URLs mean psycopg 3 here.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


REDIS_TIMEOUT_SECONDS = 0.5


def _redis_options() -> dict:
    """redis-py client options: short connect/read timeouts, one retry without back-off."""
    return {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS,
            "retry": Retry(NoBackoff(), 1), "health_check_interval": 30}


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask config mapping from the environment (and test overrides)."""
    overrides = overrides or {}
    app_env = overrides.get("APP_ENV", os.environ.get("APP_ENV", "development")).strip().lower()
    production = app_env == "production"

    secret = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY", "").strip()
    if not secret:
        if production:
            raise ConfigError("SECRET_KEY is required when APP_ENV=production")
        secret = _local_secret_key()

    db_url = overrides.get("DATABASE_URL") or os.environ.get("DATABASE_URL", "").strip()
    if not db_url:
        INSTANCE_DIR.mkdir(exist_ok=True)
        db_url = f"sqlite:///{INSTANCE_DIR / 'branch_events.db'}"
    db_url = _normalise_db_url(db_url)

    redis_url = overrides.get("REDIS_URL", os.environ.get("REDIS_URL", "").strip()) or None
    ratelimit_enabled = overrides.get("RATELIMIT_ENABLED", _flag("RATELIMIT_ENABLED", True))

    sms_backend = (os.environ.get("SMS_BACKEND", "").strip() or os.environ.get("NOTIFY_BACKEND", "").strip()
                   or "log").lower()

    config = {
        "APP_ENV": app_env,
        "PRODUCTION": production,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": db_url,
        # Idle connections are pinged before use by app.database, not every checkout.
        # hide_parameters: an error's message never carries the statement's values (names, phones) into logs.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False, "hide_parameters": True},
        "REDIS_URL": redis_url,
        "BASE_URL": (os.environ.get("BASE_URL", "").strip().rstrip("/") or None),
        "TIMEZONE": os.environ.get("TIMEZONE", "").strip() or "Asia/Shanghai",
        # Flask-Limiter
        "RATELIMIT_ENABLED": ratelimit_enabled,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis down (or black-holed) must not stop the site: each process falls back to its own
        # in-memory counters, re-checks Redis now and then (1, 2, 4 … s apart) and goes back to it.
        # Short timeouts and one immediate retry: a lost Redis costs a request at most ~1 s, once.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": _redis_options() if redis_url else {},
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": "branch-events",
        # Sessions: signed cookie, short-lived, never readable by scripts.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        # Flask-Login reads REMEMBER_COOKIE_DURATION (a timedelta) and nothing else.
        "REMEMBER_COOKIE_DURATION": timedelta(days=_int("REMEMBER_COOKIE_DAYS", 7)),
        "SESSION_IDLE_MINUTES": _int("SESSION_IDLE_MINUTES", 30),
        "SESSION_MAX_HOURS": _int("SESSION_MAX_HOURS", 12),
        "API_TOKEN_DAYS": _int("API_TOKEN_DAYS", 90),
        "PASSWORD_HASH_METHOD": "scrypt",
        # Scheduled work (`flask jobs run-due`): finish published events this many hours after they end.
        "AUTO_FINISH_HOURS": _int("AUTO_FINISH_HOURS", 24),
        # The daily digest of due follow-ups goes out once per local day, from this hour on.
        "DIGEST_HOUR": _int("DIGEST_HOUR", 8),
        # Personal data of prospects (never customers) is erased this many days after their last event.
        "RETENTION_DAYS": _int("RETENTION_DAYS", 730),
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        # Messages (app/notify): `log` writes SMS to the log, `http` posts them to the bank's SMS platform
        # (NOTIFY_BACKEND is the old name of SMS_BACKEND); the secret signs both ways (X-Signature).
        "SMS_BACKEND": sms_backend,
        "SMS_GATEWAY_URL": os.environ.get("SMS_GATEWAY_URL", "").strip() or None,
        "SMS_GATEWAY_SECRET": os.environ.get("SMS_GATEWAY_SECRET", "").strip() or None,
        "SMS_GATEWAY_TIMEOUT": _int("SMS_GATEWAY_TIMEOUT", 10),
        # Invitations and reminders due in this local window wait until it ends ("" or "off": none).
        "QUIET_HOURS": os.environ.get("QUIET_HOURS", "21:00-08:00").strip(),
        # Staff e-mail (the daily digest) over SMTP; unset MAIL_SERVER: staff messages go to the log.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "").strip() or None,
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", "").strip() or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", "") or None,
        "MAIL_FROM": os.environ.get("MAIL_FROM", "").strip() or None,
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 10),
        "MAIL_BACKEND": "smtp",  # Flask-Mailman would keep test mail in memory; ours goes to a real server
        # The 【签名】 every SMS starts with (app/sms_text.py), as registered with the bank's SMS platform.
        "SMS_SIGNATURE": os.environ.get("SMS_SIGNATURE", "").strip() or "网点活动通",
        # Requests are small forms and JSON; uploads (customer imports) stay under 5 MB.
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 512 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # the session's own timeouts bound a token's life
        # Babel
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": {"zh_Hans_CN": "简体中文", "en": "English"},
        # flask-smorest: the OpenAPI document is generated from the code.
        "API_TITLE": "网点活动通 Branch Events API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
    config.update(overrides)
    _check_messages(config)
    return config


def _check_messages(config: dict) -> None:
    if config["SMS_BACKEND"] not in ("log", "http"):
        raise ConfigError(f"SMS_BACKEND must be log or http, got {config['SMS_BACKEND']!r}")
    if config["SMS_BACKEND"] == "http" and not (config["SMS_GATEWAY_URL"] and config["SMS_GATEWAY_SECRET"]):
        raise ConfigError("SMS_BACKEND=http needs SMS_GATEWAY_URL and SMS_GATEWAY_SECRET")
    if config["MAIL_SERVER"] and not config["MAIL_FROM"]:
        raise ConfigError("MAIL_SERVER needs MAIL_FROM (the sender address of staff e-mail)")
    quiet = config["QUIET_HOURS"].strip().lower()
    if quiet not in ("", "off") and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d\s*-\s*([01]\d|2[0-3]):[0-5]\d", quiet):
        raise ConfigError(f"QUIET_HOURS must look like 21:00-08:00 (or off), got {config['QUIET_HOURS']!r}")
