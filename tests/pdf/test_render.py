"""render_pdf: the shipped font is embedded, Chinese text survives, and only allowed files are fetched."""

from __future__ import annotations

import ctypes.util
import logging
import os
import socket
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.events.posters import PosterContent, poster_context
from app.pdf import (
    PDF_DIR,
    ForbiddenResource,
    RestrictedURLFetcher,
    render_pdf,
    render_template_pdf,
)
from app.qr import qr_data_uri
from tests.pdf.helpers import pdf_fonts, pdf_image_count, pdf_reader, pdf_text

SUBSET = "Noto-Sans-SC-Subset"
PAGE = '<html lang="zh-CN"><body>{}</body></html>'


def test_chinese_text_comes_back_out_of_the_pdf():
    pdf = render_pdf(PAGE.format("<h1>中秋亲子手作月饼</h1><p>滨江支行三楼客户活动室，欢迎参加！</p>"))
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "中秋亲子手作月饼" in text
    assert "滨江支行三楼客户活动室，欢迎参加！" in text


def test_the_shipped_font_is_embedded_regular_and_bold():
    pdf = render_pdf(PAGE.format("<p>普通 <b>加粗</b></p>"))
    fonts = pdf_fonts(pdf)
    assert set(fonts) == {SUBSET, f"{SUBSET}-Bold"}
    for descriptor in fonts.values():
        assert "/FontFile3" in descriptor  # the outlines travel with the file: no font needed to print


@pytest.fixture
def harfbuzz_subset():
    """Byte-identical PDFs need HarfBuzz's subsetter: WeasyPrint's fonttools fallback differs run to run."""
    if ctypes.util.find_library("harfbuzz-subset") is None:
        message = "Debian's libharfbuzz-subset0 is not installed (apt-get install libharfbuzz-subset0)"
        if os.environ.get("REQUIRE_DEBIAN_PACKAGES") == "1":  # .ci/run installs it
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.usefixtures("harfbuzz_subset")
def test_identical_input_gives_identical_bytes():
    html = PAGE.format("<h1>签到表</h1><p>2026年9月19日</p>")
    assert render_pdf(html) == render_pdf(html)


def test_extra_stylesheets_apply_after_print_css():
    pdf = render_pdf(PAGE.format("<p>横向</p>"), stylesheets=["@page { size: A4 landscape; }"])
    box = pdf_reader(pdf).pages[0].mediabox
    assert float(box.width) > float(box.height)


def test_table_header_repeats_on_every_page():
    rows = "".join(f"<tr><td>{i}</td><td>王小明</td></tr>" for i in range(150))
    pdf = render_pdf(PAGE.format(f"<table><thead><tr><th>序号</th><th>姓名签到</th></tr></thead>"
                                 f"<tbody>{rows}</tbody></table>"))
    pages = pdf_reader(pdf).pages
    assert len(pages) >= 3
    assert all("姓名签到" in page.extract_text() for page in pages)


def test_paged_body_numbers_its_pages():
    pdf = render_pdf(PAGE.replace("<body>", "<body class='paged'>").format("<p>一</p>" * 80))
    pages = pdf_reader(pdf).pages
    assert f"第 1 / {len(pages)} 页" in pages[0].extract_text()


# ---------------------------------------------------------------- the restricted fetcher

FORBIDDEN = [
    "http://example.com/x.png",
    "https://example.com/x.css",
    "ftp://example.com/x.png",
    "file:///etc/passwd",
    f"{PDF_DIR.as_uri()}/../../../../etc/passwd",
    f"{PDF_DIR.as_uri()}/../__init__.py",
    "file://otherhost/etc/passwd",
]


@pytest.mark.parametrize("url", FORBIDDEN)
def test_fetcher_refuses_everything_but_allowed_files(url):
    with pytest.raises(ForbiddenResource):
        RestrictedURLFetcher().fetch(url)


def test_fetcher_serves_package_files_static_files_and_data_uris():
    fetcher = RestrictedURLFetcher()
    assert b"@font-face" in fetcher.fetch(f"{PDF_DIR.as_uri()}/print.css").read()
    assert fetcher.fetch("data:text/plain;base64,5Lit5paH").read() == "中文".encode()
    static = next((PDF_DIR.parent / "static").rglob("*.css"), None)
    if static is not None:
        assert fetcher.fetch(static.as_uri()).read() == static.read_bytes()


@pytest.fixture
def no_network(monkeypatch):
    """Fail loudly on any socket connection and record every URL handed to urllib."""
    opened: list[str] = []
    real_open = urllib.request.OpenerDirector.open

    def spy_open(self, url, *args, **kwargs):
        opened.append(url.full_url if isinstance(url, urllib.request.Request) else url)
        return real_open(self, url, *args, **kwargs)

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", spy_open)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return opened


def test_rendering_never_fetches_outside_resources(no_network):
    html = PAGE.format(
        '<link rel="stylesheet" href="https://example.com/evil.css">'
        '<style>@import url("http://example.com/more.css"); '
        'p { background: url("http://example.com/bg.png"); }</style>'
        '<p>外部资源</p>'
        '<img src="file:///etc/passwd"><img src="http://example.com/x.png">'
        '<img src="../../../../etc/hostname"><img src="/etc/hostname">'
    )
    pdf = render_pdf(html)  # no exception escapes: refused resources are simply left out
    assert "外部资源" in pdf_text(pdf)
    assert pdf_image_count(pdf) == 0
    allowed = (PDF_DIR.as_uri(), "data:")
    assert all(url.startswith(allowed) for url in no_network), no_network
    assert b"root:" not in pdf


def test_allowed_images_are_embedded(no_network):
    favicon = PDF_DIR.parent / "static" / "favicon.svg"
    html = PAGE.format(f'<img src="{qr_data_uri("https://hd.example.cn/r/x")}">'
                       '<img src="../static/favicon.svg" style="width:10mm">')
    pdf = render_pdf(html)
    assert pdf_image_count(pdf) == 1  # the PNG; an SVG becomes vector drawing, not an image
    if favicon.exists():
        assert favicon.as_uri() in no_network


# ---------------------------------------------------------------- Flask templates


def test_render_template_pdf_renders_a_template_of_the_app(app):
    content = PosterContent(title="理财沙龙", url="https://hd.example.cn/r/x", date_text="9月25日 周五 19:00",
                            venue="本网点", outlet_name="示例银行")
    with app.test_request_context():
        pdf = render_template_pdf("events/poster.html", **poster_context(content))
    assert "理财沙龙" in pdf_text(pdf)


@pytest.mark.usefixtures("harfbuzz_subset")
def test_threads_render_side_by_side():
    html = PAGE.format("<h1>并发渲染</h1>")
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: render_pdf(html), range(3)))
    assert all("并发渲染" in pdf_text(pdf) for pdf in results)
    assert results[0] == results[1] == results[2] == render_pdf(html)


def test_rendering_writes_no_progress_lines_to_the_log(caplog):
    caplog.set_level(logging.INFO)  # the app logs at INFO
    render_pdf(PAGE.format("<p>日志</p>"))
    assert [r for r in caplog.records if r.name.startswith("weasyprint")] == []
