"""How a message leaves: the log, the bank's SMS platform over HTTP, SMTP for staff.

A backend's `send(message)` delivers one message or raises `SendFailed`; the sender in
app/notify/services.py claims rows, calls it outside any transaction and records the outcome.
Which backend a message takes depends on its channel: `sms` goes to `SMS_BACKEND` (`log` or
`http`), `staff` over SMTP when `MAIL_SERVER` is set and the person has an address, else to the log.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field
from typing import Protocol

import requests
from flask import current_app
from flask_mailman import EmailMessage, Mail

from app.privacy import mask_phone

log = logging.getLogger("app.notify")

mail = Mail()


@dataclass(frozen=True)
class Outgoing:
    """What a backend needs of a claimed row, copied out of the claim's transaction (so sending touches
    no session: on SQLite every transaction takes the write lock)."""

    id: int
    external_id: str
    kind: str
    channel: str
    recipient: str
    subject: str
    body: str
    payload: dict = field(default_factory=dict)
    user_id: int | None = None
    attempts: int = 1


class SendFailed(Exception):
    """The gateway refused the message or did not answer; the sender retries it later."""


class Backend(Protocol):
    def send(self, message: Outgoing) -> None:
        """Deliver one message or raise SendFailed; the caller records the outcome."""


def sign(body: bytes, secret: str) -> str:
    """X-Signature of the SMS platform's interface, both ways: hex HMAC-SHA256 of the raw body."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(body: bytes, signature: str | None, secret: str | None) -> bool:
    if not secret or not signature:
        return False
    return hmac.compare_digest(sign(body, secret), signature.strip().lower())


class LogBackend:
    """Writes messages to the application log; the default until a gateway is configured."""

    def send(self, message: Outgoing) -> None:
        # Only the masked recipient is logged: logs are read by more people than customer data is.
        recipient = mask_phone(message.recipient) if message.channel == "sms" else message.recipient
        log.info("notify %s via %s to %s: %s", message.kind, message.channel, recipient, message.body)


class HttpBackend:
    """POSTs `{"id", "to", "kind", "text"}` to SMS_GATEWAY_URL, signed; a 2xx answer is accepted.

    One backend serves a whole sending run, so its HTTP connection is kept alive between messages.
    """

    def __init__(self) -> None:
        config = current_app.config
        self.url: str = config["SMS_GATEWAY_URL"]
        self.secret: str = config["SMS_GATEWAY_SECRET"]
        self.timeout: float = config["SMS_GATEWAY_TIMEOUT"]
        self.session = requests.Session()
        # The platform is an internal interface: no proxy or netrc from the environment (and reading them
        # for every message cost a fifth of the sending time).
        self.session.trust_env = False

    @staticmethod
    def body(message: Outgoing) -> bytes:
        return json.dumps({"id": message.external_id, "to": message.recipient, "kind": message.kind,
                           "text": message.body}, ensure_ascii=False, separators=(",", ":")).encode()

    def send(self, message: Outgoing) -> None:
        body = self.body(message)
        try:
            answer = self.session.post(self.url, data=body, timeout=self.timeout, headers={
                "Content-Type": "application/json; charset=utf-8", "X-Signature": sign(body, self.secret)})
        except requests.RequestException as exc:
            raise SendFailed(f"gateway unreachable: {type(exc).__name__}") from exc
        if not 200 <= answer.status_code < 300:
            raise SendFailed(f"gateway answered {answer.status_code}")

    def close(self) -> None:
        self.session.close()


class MailBackend:
    """Staff messages over SMTP (Flask-Mailman); one connection for the run, opened at the first message."""

    def __init__(self) -> None:
        config = current_app.config
        self.connection = mail.get_connection(
            backend="smtp", host=config["MAIL_SERVER"], port=config["MAIL_PORT"],
            username=config["MAIL_USERNAME"], password=config["MAIL_PASSWORD"],
            use_tls=config["MAIL_USE_TLS"], use_ssl=config["MAIL_USE_SSL"], timeout=config["MAIL_TIMEOUT"])
        self.sender = config["MAIL_FROM"]

    def send(self, message: Outgoing, address: str | None = None) -> None:
        """To `address` (the staff member's, looked up when the message was claimed)."""
        to = address or (message.payload or {}).get("email")
        if not to:  # nowhere to mail it: the log keeps it, as without MAIL_*
            LogBackend().send(message)
            return
        email = EmailMessage(subject=message.subject or message.kind, body=message.body, from_email=self.sender,
                             to=[to], connection=self.connection)
        try:
            email.send()
        except Exception as exc:  # smtplib and socket errors alike: retried later
            raise SendFailed(f"smtp: {type(exc).__name__}: {exc}"[:300]) from exc

    def close(self) -> None:
        self.connection.close()
