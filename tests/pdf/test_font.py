"""The shipped font covers what people type, so no name prints as a box (tofu)."""

from __future__ import annotations

from functools import cache

import pytest
from fontTools.ttLib import TTFont

from app.pdf import FONT_BOLD, FONT_FAMILY, FONT_REGULAR, render_pdf
from tests.pdf.helpers import pdf_fonts, pdf_text

COMMON = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
          "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点"
          "从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原")
PUNCTUATION = "，。、；：？！“”‘’（）《》【】…—～·「」『』〇￥％＋－＝１２３ＡＢＣ①②③℃№"
LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 @#&*()-_=+[]{};:'\",.<>/?"
PINYIN = "āáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜü"
# Characters of real Chinese given names and surnames, several outside GB2312.
NAMES = ("喆玥昊堃彧赟淼犇垚燊祎珺琬婕晗熠翀玮炜锃昇旻晟煜琦瑾璇璟珏珩婧妍芃芮蔚沅泓瀚禹翊羿颢"
         "欧阳上官司马诸葛慕容尉迟长孙宇文邝郗靳隗庹冼")
SAMPLES = {"common": COMMON, "punctuation": PUNCTUATION, "latin": LATIN, "pinyin": PINYIN, "names": NAMES}


@cache
def _cmap(path: str) -> dict[int, str]:
    return TTFont(path, lazy=True).getBestCmap()


@pytest.mark.parametrize("path", [FONT_REGULAR, FONT_BOLD], ids=["regular", "bold"])
@pytest.mark.parametrize("sample", SAMPLES, ids=list(SAMPLES))
def test_every_character_has_a_glyph_in_the_shipped_font(path, sample):
    cmap = _cmap(str(path))
    missing = [ch for ch in SAMPLES[sample] if ord(ch) not in cmap]
    assert missing == []


def test_the_font_covers_gb2312_and_the_8105_standard_characters():
    cmap = _cmap(str(FONT_REGULAR))
    gb2312 = [bytes((hi, lo)).decode("gb2312") for hi in range(0xB0, 0xF8) for lo in range(0xA1, 0xFF)
              if not (hi == 0xD7 and lo > 0xF9)]
    assert len(gb2312) == 6763
    assert all(ord(ch) in cmap for ch in gb2312)
    hanzi = [cp for cp in cmap if 0x3400 <= cp <= 0x9FFF or 0x20000 <= cp <= 0x3FFFF]
    assert len(hanzi) >= 8105  # GB2312 ∪ 《通用规范汉字表》, which adds about 1,400 name and place characters


def test_font_files_are_small_and_renamed():
    for path in (FONT_REGULAR, FONT_BOLD):
        assert path.stat().st_size < 4_000_000
        assert TTFont(path, lazy=True)["name"].getDebugName(1) == FONT_FAMILY
    assert (FONT_REGULAR.parent / "OFL.txt").read_text().count("SIL OPEN FONT LICENSE Version 1.1") == 1


def test_a_pdf_of_names_uses_only_the_shipped_font():
    """If any character were missing, Pango would fall back to a system font (or a box)."""
    text = "签到：" + NAMES + PINYIN + "（共 3 人）"
    pdf = render_pdf(f'<html lang="zh-CN"><body><p>{text}</p><p><b>{NAMES}</b></p></body></html>')
    assert set(pdf_fonts(pdf)) == {"Noto-Sans-SC-Subset", "Noto-Sans-SC-Subset-Bold"}
    assert text in pdf_text(pdf).replace("\n", "")
