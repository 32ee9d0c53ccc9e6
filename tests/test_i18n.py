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
