"""Simplified Chinese by default; English is available and switchable."""


def test_chinese_is_the_default_language(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "网点活动通" in html and "用户名" in html


def test_english_can_be_chosen_and_sticks_for_the_session(client):
    client.get("/lang/en?next=/login")
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Branch Events" in html and "Username" in html and "用户名" not in html
    client.get("/lang/zh_Hans_CN")
    assert "用户名" in client.get("/login").get_data(as_text=True)


def test_unknown_language_codes_are_ignored(client):
    client.get("/lang/xx")
    assert '<html lang="zh-CN">' in client.get("/login").get_data(as_text=True)


def test_english_pages_show_english_dates_and_statuses(client, auth, make):
    outlet = make.outlet()
    make.user("staff", outlet=outlet, username="en.staff")
    make.event(outlet, title="Salon (test)")
    auth.login("en.staff")
    client.get("/lang/en")
    html = client.get("/events").get_data(as_text=True)
    assert "Salon (test)" in html
    assert "报名中" not in html and "周" not in html


def test_every_message_has_an_english_translation():
    from pathlib import Path

    from babel.messages.pofile import read_po

    catalogue = Path(__file__).resolve().parent.parent / "app/translations/en/LC_MESSAGES/messages.po"
    with catalogue.open("rb") as f:
        messages = [m for m in read_po(f, locale="en") if m.id]
    assert [m.id for m in messages if not m.string] == []
    assert [m.id for m in messages for _problem in m.check()] == []
