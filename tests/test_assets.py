"""Static assets: fingerprinted URLs with long caching, compression, and no WeUI bloat on the public pages."""

from __future__ import annotations

import gzip
import importlib.util
import re
from pathlib import Path

import brotli
import pytest

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "app/static"
IMMUTABLE = "public, max-age=31536000, immutable"
BROWSER = "gzip, deflate, br"


def _trim_module():
    spec = importlib.util.spec_from_file_location("trim_weui", ROOT / "scripts/trim-weui.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _asset_urls(html: str) -> list[str]:
    return re.findall(r'<(?:link|script)\b[^>]*\b(?:href|src)="(/static/[^"]+)"', html)


def _decoded(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.data)
    if encoding == "gzip":
        return gzip.decompress(response.data)
    return response.data


@pytest.fixture
def register_page(client, make):
    questions = [{"key": "kids", "label": "孩子年龄", "type": "number", "required": True, "min": 1, "max": 12},
                 {"key": "diet", "label": "饮食禁忌", "type": "choice", "options": ["无", "不吃坚果", "素食"]}]
    event = make.event(title="中秋亲子手作月饼（测试）", max_party_size=3, questions=questions)
    response = client.get(f"/e/{event.slug}", headers={"Accept-Encoding": BROWSER})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("accept", [BROWSER, "gzip"])
def test_the_registration_page_transfers_under_60_kb(client, register_page, accept):
    html = register_page.data
    urls = _asset_urls(register_page.get_data(as_text=True))
    assert any(u.endswith(".css") for u in urls) and any(u.endswith(".js") for u in urls)
    total = len(html)  # pages go out uncompressed (see app/assets.py), so counted at full size
    for url in urls:
        response = client.get(url, headers={"Accept-Encoding": accept})
        assert response.status_code == 200, url
        if url.endswith((".css", ".js")):
            assert response.headers["Content-Encoding"] == accept.split(",")[-1].strip(), url
        total += len(response.data)
    assert total < 60 * 1024, f"{total} bytes"


def test_asset_urls_are_fingerprinted_and_cached_for_a_year(client, register_page):
    urls = _asset_urls(register_page.get_data(as_text=True))
    assert "/static/vendor/weui/weui.min.css" not in " ".join(urls)
    for url in urls:
        assert re.search(r"\.[0-9a-f]{10}\.(css|js|svg)$", url), url
        response = client.get(url, headers={"Accept-Encoding": BROWSER})
        assert response.headers["Cache-Control"] == IMMUTABLE, url
        assert "Cookie" not in response.headers.get("Vary", ""), url
        plain = re.sub(r"\.[0-9a-f]{10}(\.\w+)$", r"\1", url).removeprefix("/static/")
        assert _decoded(response) == (STATIC / plain).read_bytes(), url


def test_compression_follows_accept_encoding(client):
    url = "/static/css/app.css"
    raw = (STATIC / "css/app.css").read_bytes()
    for accept, encoding in ((BROWSER, "br"), ("gzip", "gzip"), ("", None), ("identity", None)):
        response = client.get(url, headers={"Accept-Encoding": accept})
        assert response.headers.get("Content-Encoding") == encoding, accept
        assert response.headers["Vary"] == "Accept-Encoding"
        assert _decoded(response) == raw
        if encoding:
            assert len(response.data) < len(raw) / 3
    # A revalidation with the compressed copy's ETag is answered with 304 and no body.
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_plain_and_stale_urls_keep_working_with_short_caching(client):
    raw = (STATIC / "js/app.js").read_bytes()
    for url in ("/static/js/app.js", "/static/js/app.0123456789.js"):  # the second: a digest from an older deploy
        response = client.get(url)
        assert response.status_code == 200 and response.data == raw, url
        assert response.headers["Cache-Control"] == "public, max-age=300", url
    assert client.get("/static/js/nothing.js").status_code == 404
    assert client.get("/static/../config.py").status_code == 404
    assert client.get("/static/%2e%2e/config.py").status_code == 404


def test_signed_in_asset_answers_leave_the_session_alone(client, auth, make):
    make.user("staff", username="asset.staff")
    auth.login("asset.staff")
    page = client.get("/today")
    url = _asset_urls(page.get_data(as_text=True))[0]
    response = client.get(url, headers={"Accept-Encoding": BROWSER})
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "Set-Cookie" not in response.headers
    assert client.get("/today").status_code == 200  # still signed in


def test_no_unused_weui_on_the_pages(client, register_page):
    css_urls = [u for u in _asset_urls(register_page.get_data(as_text=True)) if u.endswith(".css")]
    sizes = {u: len(_decoded(client.get(u, headers={"Accept-Encoding": BROWSER}))) for u in css_urls}
    weui = [size for url, size in sizes.items() if "/weui/" in url]
    assert weui and weui[0] < 16 * 1024, sizes  # the full WeUI is 188 KB
    assert sum(sizes.values()) < 48 * 1024, sizes  # decoded; what travels is bounded by the 60 KB test above


def test_the_committed_trimmed_weui_is_what_the_script_makes():
    committed = (STATIC / "vendor/weui/weui.trimmed.css").read_text(encoding="utf-8")
    assert committed == _trim_module().build(), "a template uses a new weui- class: run `make assets` and commit"


def test_trimming_keeps_what_can_match_and_drops_the_rest():
    css = ("/*! WeUI licence */"
           ":root,body{--weui-A:#111;--weui-B:var(--weui-C);--weui-C:#222;--weui-UNUSED:#333}"
           "*{margin:0}"
           ".weui-btn{color:var(--weui-A);animation:weuiSpin 1s}"
           ".weui-btn_primary:not(.weui-btn_disabled):active{background:var(--weui-B)}"
           ".weui-dialog{color:red}.weui-dialog .weui-btn{color:blue}"
           ".weui-dialog,.weui-btn_mini{padding:1px}"
           "[class*=\" weui-icon-\"]{display:inline-block}"
           "@media (prefers-color-scheme:dark){body{--weui-A:#eee;--weui-UNUSED:#000}.weui-toast{color:red}}"
           "@keyframes weuiSpin{to{transform:rotate(1turn)}}@keyframes weuiFade{to{opacity:0}}")
    out = _trim_module().trim(css, {"weui-btn", "weui-btn_primary", "weui-btn_mini", "weui-icon-warn"})
    assert out.startswith("/*! WeUI licence */")
    assert "*{margin:0}" in out
    assert ".weui-btn_primary:not(.weui-btn_disabled):active{background:var(--weui-B)}" in out
    assert ".weui-btn_mini{padding:1px}" in out and "weui-dialog" not in out and "weui-toast" not in out
    assert '[class*=" weui-icon-"]{display:inline-block}' in out
    assert "--weui-A:#111" in out and "--weui-B:var(--weui-C)" in out and "--weui-C:#222" in out
    assert "@media (prefers-color-scheme:dark){body{--weui-A:#eee}}" in out
    assert "UNUSED" not in out
    assert "@keyframes weuiSpin" in out and "weuiFade" not in out


def test_meta_descriptions_without_personal_data(client, make):
    event = make.event(title="重阳敬老讲座（测试）")
    registration = make.registration(event, name="欧阳娜娜", phone="19900007788")
    register = client.get(f"/e/{event.slug}").get_data(as_text=True)
    description = re.search(r'<meta name="description" content="([^"]+)">', register).group(1)
    assert description.startswith("重阳敬老讲座（测试） · ") and "网点二楼（测试）" in description

    ticket = client.get(f"/t/{registration.ticket_token}").get_data(as_text=True)
    descriptions = re.findall(r'<meta name="description" content="([^"]+)">', ticket)
    assert len(descriptions) == 1 and descriptions[0].startswith("入场凭证 · 重阳敬老讲座（测试）")
    for personal in ("欧阳", "娜娜", "7788", "1990000"):
        assert personal not in descriptions[0]
    # A ticket's address is its secret: search engines are asked not to keep it.
    assert '<meta name="robots" content="noindex, nofollow">' in ticket

    staff_page = client.get("/login").get_data(as_text=True)
    assert re.search(r'<meta name="description" content="网点活动通：[^"]+">', staff_page)
