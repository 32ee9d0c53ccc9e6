"""The message settings of API.md: SMS_BACKEND (and its old name), the gateway, QUIET_HOURS, MAIL_*;
and `flask users create --email`, where staff e-mail goes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from config import ConfigError, load_config

BASE = {"SECRET_KEY": "x" * 40}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("SMS_BACKEND", "NOTIFY_BACKEND", "SMS_GATEWAY_URL", "SMS_GATEWAY_SECRET", "QUIET_HOURS",
                 "MAIL_SERVER", "MAIL_FROM", "MAIL_PORT"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_are_the_contracts():
    config = load_config(BASE)
    assert config["SMS_BACKEND"] == "log" and config["QUIET_HOURS"] == "21:00-08:00"
    assert config["SMS_GATEWAY_TIMEOUT"] == 10 and config["MAIL_SERVER"] is None


def test_http_needs_the_gateway_and_its_secret(monkeypatch):
    monkeypatch.setenv("SMS_BACKEND", "http")
    with pytest.raises(ConfigError, match="SMS_GATEWAY_URL"):
        load_config(BASE)
    monkeypatch.setenv("SMS_GATEWAY_URL", "https://sms.bank.example/send")
    monkeypatch.setenv("SMS_GATEWAY_SECRET", "k")
    assert load_config(BASE)["SMS_BACKEND"] == "http"


def test_notify_backend_is_the_old_name_of_sms_backend(monkeypatch):
    monkeypatch.setenv("NOTIFY_BACKEND", "log")
    assert load_config(BASE)["SMS_BACKEND"] == "log"
    monkeypatch.setenv("SMS_BACKEND", "carrier-pigeon")
    with pytest.raises(ConfigError, match="SMS_BACKEND"):
        load_config(BASE)


def test_bad_quiet_hours_and_mail_without_a_sender_are_refused(monkeypatch):
    monkeypatch.setenv("QUIET_HOURS", "9pm-8am")
    with pytest.raises(ConfigError, match="QUIET_HOURS"):
        load_config(BASE)
    monkeypatch.setenv("QUIET_HOURS", "off")
    monkeypatch.setenv("MAIL_SERVER", "smtp.bank.example")
    with pytest.raises(ConfigError, match="MAIL_FROM"):
        load_config(BASE)


def test_users_create_takes_an_email(app, make):
    make.outlet("UE1")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "mail1", "--role", "staff", "--outlet", "UE1",
                                 "--email", "mail1@bank.example", "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(args=["users", "create", "mail2", "--role", "staff", "--outlet", "UE1",
                              "--email", "not-an-address", "--password", "long-enough-1"])
    assert bad.exit_code == 2 and "email" in bad.output
    emails = dict(db.session.execute(sa.select(User.username, User.email)).all())
    assert emails == {"mail1": "mail1@bank.example"}
