"""Posters: the QR on the PNG and on the printed PDF scans to the exact registration URL."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from app.events import posters
from app.events.posters import PNG_SIZE, PosterContent, poster_html, poster_pdf, poster_png
from app.qr import qr_matrix
from tests.pdf.helpers import decode_qr, pdf_fonts, pdf_page_png, pdf_reader, pdf_text, qr_width

URL = "https://hd.example.cn/r/mid-autumn-2026?ref=ABCD1234"

MID_AUTUMN = PosterContent(
    title="中秋亲子手作月饼",
    subtitle="和孩子一起揉面、压模、烘烤，带走一盒自己做的月饼",
    date_text="2026年9月19日 周六 14:00–16:00",
    venue="滨江支行三楼客户活动室",
    partner_names=["麦香坊烘焙"],
    url=URL,
    outlet_name="示例银行滨江支行",
    referrer_name="林晓",
    synthetic_note="演示数据 · 非真实活动",
)

LONG = PosterContent(
    title="2026年度退休客户养老金融知识讲座暨重阳节敬老茶话会（含健康义诊与书法体验）" * 2,
    subtitle="特邀三甲医院医生现场义诊，讲师讲解养老理财与防范电信诈骗，现场书法老师为您写福字" * 2,
    date_text="2026年10月29日 周四 09:30–11:30",
    venue="城南支行二楼贵宾厅（人民路188号，地铁2号线人民广场站C口出步行300米）" * 2,
    partner_names=["康宁社区卫生服务中心", "墨香书画社", "麦香坊烘焙", "城南社区居委会"] * 3,
    url="https://hd.example.cn/r/chongyang-2026?ref=ZXCV9876",
    outlet_name="示例银行城南支行营业部",
    referrer_name="欧阳喆",
)

BARE = PosterContent(title="理财沙龙", url="https://hd.example.cn/r/salon", date_text="9月25日 周五 19:00",
                     venue="本网点", outlet_name="示例银行")


def _png(content: PosterContent) -> Image.Image:
    return Image.open(io.BytesIO(poster_png(content)))


@pytest.mark.parametrize("content", [MID_AUTUMN, LONG, BARE], ids=["typical", "long", "bare"])
def test_png_poster_qr_scans_to_the_exact_url(content):
    image = _png(content)
    assert image.format == "PNG"
    assert image.size == PNG_SIZE == (1080, 1920)  # 9:16, a phone screen
    assert decode_qr(image) == [content.url]
    _assert_large_with_quiet_zone(image, content.url)


def _assert_large_with_quiet_zone(image: Image.Image, url: str) -> None:
    """The symbol plus its 4-module quiet zone is at least 520 px wide, and the quiet zone is white."""
    symbol = qr_width(image)
    module = symbol / len(qr_matrix(url))
    assert symbol + 8 * module >= 520
    corner = zxingcpp.read_barcodes(image)[0].position.top_left
    margin = round(4 * module)
    quiet = image.convert("L").crop((corner.x - margin, corner.y - margin, corner.x + symbol + margin,
                                     corner.y + symbol + margin))
    ring = [quiet.getpixel((x, y)) for x in range(0, quiet.width, 3) for y in (2, quiet.height - 3)]
    ring += [quiet.getpixel((x, y)) for y in range(0, quiet.height, 3) for x in (2, quiet.width - 3)]
    assert min(ring) > 230


def test_png_poster_is_bank_red_on_top_and_white_in_the_qr_card():
    image = _png(MID_AUTUMN).convert("RGB")
    assert image.getpixel((20, 20)) == (200, 16, 46)  # #c8102e header band
    assert image.getpixel((540, 1920 - 2)) != (200, 16, 46)


@pytest.mark.parametrize("content", [MID_AUTUMN, LONG, BARE], ids=["typical", "long", "bare"])
def test_pdf_poster_is_one_a4_page_with_text_and_embedded_font(content):
    pdf = poster_pdf(content)
    reader = pdf_reader(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    assert set(pdf_fonts(pdf)) <= {"Noto-Sans-SC-Subset", "Noto-Sans-SC-Subset-Bold"}
    assert all("/FontFile3" in descriptor for descriptor in pdf_fonts(pdf).values())


def test_pdf_poster_text_can_be_extracted():
    text = pdf_text(poster_pdf(MID_AUTUMN)).replace("\n", "")
    for expected in ("中秋亲子手作月饼", "滨江支行三楼客户活动室", "2026年9月19日", "麦香坊烘焙",
                     "示例银行滨江支行", "扫码报名", "推荐人：林晓", "演示数据"):
        assert expected in text


def test_pdf_poster_qr_scans_after_printing():
    page = pdf_page_png(poster_pdf(MID_AUTUMN), dpi=100)
    assert decode_qr(page) == [URL]


def test_long_pdf_poster_qr_still_scans():
    assert decode_qr(pdf_page_png(poster_pdf(LONG), dpi=100)) == [LONG.url]


def test_empty_optional_fields_are_left_out():
    text = pdf_text(poster_pdf(BARE))
    assert "联合举办" not in text
    assert "推荐人" not in text
    html = poster_html(PosterContent(title="x", url="https://hd.example.cn/r/x", subtitle="  ",
                                     partner_names=["", ""], referrer_name=""))
    assert 'class="subtitle"' not in html and "联合举办" not in html and "推荐人" not in html


def test_user_text_is_escaped_in_the_pdf_html():
    content = PosterContent(title='<img src="http://example.com/x.png">讲座', url="https://hd.example.cn/r/x",
                            venue="A & B <楼>")
    html = poster_html(content)
    assert "<img src=\"http" not in html
    assert "&lt;img" in html and "A &amp; B &lt;楼&gt;" in html
    assert "讲座" in pdf_text(poster_pdf(content))


def test_png_drops_emoji_the_font_cannot_draw_but_keeps_text():
    assert posters._drawable("🥮中秋亲子手作月饼🎉\ufe0f") == "中秋亲子手作月饼"
    content = PosterContent(title="🥮中秋亲子手作月饼", url=URL, referrer_name="林晓😊")
    assert decode_qr(_png(content)) == [URL]


def test_lazy_strings_and_lists_are_normalised():
    class Lazy:
        def __str__(self) -> str:
            return "扫码报名"

    content = PosterContent(title="讲座", url=URL, footer=Lazy(), partner_names=["甲", "乙"])  # type: ignore[arg-type]
    assert content.footer == "扫码报名" and content.partner_names == ("甲", "乙")
    assert content.info_rows() == [("联合举办", "甲、乙")]


DESCRIPTION = ("和孩子一起动手做冰皮月饼，带走一盒自己做的中秋礼物。面点师傅手把手教，三到十二岁的孩子都能上手，"
               "家长全程陪同。月饼冷藏定型的时候，大家装礼盒、写祝福卡、拍全家福。\n每个家庭带走一盒六只装的月饼。")


def test_a_long_description_is_cut_at_a_phrase_with_an_ellipsis_on_both_posters():
    content = PosterContent(title="中秋亲子DIY冰皮月饼", url=URL, subtitle=DESCRIPTION, venue="滨江支行三楼",
                            date_text="2026年9月19日 周六 14:00–16:00")
    flat = DESCRIPTION.replace("\n", "")
    pdf_subtitle = posters.poster_context(content)["subtitle"]
    png_subtitle = "".join(posters._text_blocks(posters._for_png(content), 1.0)[1].lines)
    for subtitle in (pdf_subtitle, png_subtitle):
        assert subtitle.endswith("…") and len(subtitle) > 30
        kept = subtitle[:-1]
        assert flat.startswith(kept) and flat[len(kept)] in "，。、；：", subtitle
    # What the PDF really prints is that text, ending with the ellipsis (not a line cut off mid-phrase).
    printed = "".join(pdf_text(poster_pdf(content)).split())
    assert pdf_subtitle in printed
