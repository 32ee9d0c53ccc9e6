"""Event posters: a phone-sized PNG to share in WeChat and an A4 PDF to print, same content.

Both carry a QR code of the registration URL (with the referrer's code for a
personal poster) and use only the shipped font, so they look the same on every
server. Long titles wrap to at most three lines and shrink before they are cut; any text cut to
fit ends with "…" at the end of a phrase (app.linebreak.clamp), on the PNG and the PDF alike.
The subtitle is the event's public description (never staff notes), run together into one
paragraph.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from jinja2 import Environment, FileSystemLoader, select_autoescape
from PIL import Image, ImageDraw, ImageFont

from app.linebreak import clamp, cut_line, wrap, wrap_balanced
from app.pdf import FONT_BOLD, FONT_REGULAR, render_pdf
from app.qr import qr_data_uri, qr_image

__all__ = ["PNG_SIZE", "PosterContent", "poster_context", "poster_html", "poster_image", "poster_pdf", "poster_png"]

PNG_SIZE = (1080, 1920)  # 9:16, a phone screen; WeChat shows it full width
RED = (200, 16, 46)  # #c8102e, the bank red
RED_TINT = (253, 242, 243)
INK = (31, 31, 31)
GREY = (102, 102, 102)
LIGHT_GREY = (153, 153, 153)
WHITE = (255, 255, 255)
MARGIN = 80
OPENING_FULL_WIDTH = set("（《「『【〔〈“‘")
QR_TARGET = 600  # px including the quiet zone; a whole number of pixels per module below it
SUBTITLE_LINES = 3  # the description under the title; the PDF, in smaller type, fits as much in 2


@dataclass(frozen=True, kw_only=True)
class PosterContent:
    """What a poster says. Empty optional fields are simply left out."""

    title: str
    url: str  # what the QR code encodes: the registration link, with ?ref=… for a personal poster
    date_text: str = ""  # "2026年9月19日 周六 14:00–16:00"
    venue: str = ""
    outlet_name: str = ""
    subtitle: str | None = None  # the event's public description; paragraphs are run together
    partner_names: Sequence[str] = field(default_factory=tuple)
    referrer_name: str | None = None
    footer: str = "扫码报名 · 名额有限"
    synthetic_note: str | None = None  # "演示数据" on demo and test posters

    def __post_init__(self) -> None:
        # Lazy translation strings and other str-likes become plain str, so every renderer can slice them.
        for name in ("title", "url", "date_text", "venue", "outlet_name", "footer"):
            object.__setattr__(self, name, str(getattr(self, name) or ""))
        for name in ("subtitle", "referrer_name", "synthetic_note"):
            value = getattr(self, name)
            object.__setattr__(self, name, str(value) if value is not None else None)
        if self.subtitle is not None:
            object.__setattr__(self, "subtitle", _one_paragraph(self.subtitle))
        object.__setattr__(self, "partner_names", tuple(str(p) for p in self.partner_names or ()))

    def info_rows(self) -> list[tuple[str, str]]:
        """(label, value) rows under the title: time, place, co-hosts."""
        rows = [("时间", self.date_text), ("地点", self.venue)]
        rows.append(("联合举办", "、".join(name.strip() for name in self.partner_names if name.strip())))
        return [(label, value.strip()) for label, value in rows if value.strip()]


def _one_paragraph(text: str) -> str:
    """Paragraphs run together: no gap after Chinese punctuation or ideographs, a space otherwise."""
    out = ""
    for line in (part.strip() for part in text.splitlines()):
        if not line:
            continue
        if out and (ord(out[-1]) < 0x2E80 or ord(line[0]) < 0x2E80):
            out += " "
        out += line
    return out


# ---------------------------------------------------------------- PNG (Pillow)


@lru_cache(maxsize=64)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    # BASIC layout: no dependency on libraqm being present, so the PNG is the same everywhere.
    return ImageFont.truetype(str(FONT_BOLD if bold else FONT_REGULAR), size,
                              layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    return frozenset(TTFont(FONT_REGULAR, lazy=True).getBestCmap())


def _drawable(text: str) -> str:
    """Drop emoji and other symbols the shipped font lacks: Pillow has no fallback font, so they
    would print as boxes. Letters it lacks (a very rare hanzi) are kept; the PDF can fall back."""
    covered = _covered()
    return "".join(ch for ch in text if ord(ch) in covered or ch.isspace()
                   or unicodedata.category(ch) not in {"So", "Sk", "Sm", "Cf", "Cn", "Co", "Cs", "Mn", "Me"})


def _for_png(content: PosterContent) -> PosterContent:
    def clean(value: str | None) -> str | None:
        return _drawable(value) if value is not None else None

    return replace(content, title=_drawable(content.title), date_text=_drawable(content.date_text),
                   venue=_drawable(content.venue), outlet_name=_drawable(content.outlet_name),
                   subtitle=clean(content.subtitle), referrer_name=clean(content.referrer_name),
                   footer=_drawable(content.footer), synthetic_note=clean(content.synthetic_note),
                   partner_names=tuple(_drawable(name) for name in content.partner_names))


@dataclass
class _Block:
    """Lines of one font, laid out top-down, `gap` pixels below the block."""

    lines: list[str]
    font: ImageFont.FreeTypeFont
    fill: tuple[int, int, int]
    line_height: int
    gap: int = 0
    x: int = MARGIN
    label: str | None = None  # info rows: a red label pill left of the value

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)


def _title_lines(title: str, width: int, scale: float) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """The largest title size (down to about 60 px) that fits in three lines; cut it beyond that."""
    sizes = [round(s * scale) for s in (100, 92, 84, 76, 68, 62)]
    for size in sizes:
        font = _font(size, bold=True)
        if len(wrap(title, font.getlength, width)) <= 3:
            return wrap_balanced(title, font.getlength, width), font
    return clamp(wrap(title, font.getlength, width), 3, font.getlength, width), font


def _text_blocks(content: PosterContent, scale: float) -> list[_Block]:
    width = PNG_SIZE[0] - 2 * MARGIN
    title_lines, title_font = _title_lines(content.title.strip(), width, scale)
    blocks = [_Block(title_lines, title_font, INK, round(title_font.size * 1.28), gap=round(28 * scale))]
    if content.subtitle and content.subtitle.strip():
        font = _font(round(38 * scale))
        lines = clamp(wrap(content.subtitle.strip(), font.getlength, width), SUBTITLE_LINES, font.getlength, width)
        blocks.append(_Block(lines, font, GREY, round(font.size * 1.45), gap=round(20 * scale)))
    blocks[-1].gap += round(36 * scale)
    label_width = round(190 * scale)
    for label, value in content.info_rows():
        font = _font(round(40 * scale))
        value_width = width - label_width
        lines = clamp(wrap(value, font.getlength, value_width), 2, font.getlength, value_width)
        blocks.append(_Block(lines, font, INK, round(font.size * 1.45), gap=round(22 * scale),
                             x=MARGIN + label_width, label=label))
    return blocks


def _draw_header(draw: ImageDraw.ImageDraw, content: PosterContent) -> int:
    """The red band with the outlet's name; returns where the content may start."""
    width = PNG_SIZE[0]
    draw.rectangle((0, 0, width, 300), fill=RED)
    # Faint circles on the right: a festive mark without any image asset.
    for cx, cy, r in ((930, 70, 150), (1040, 200, 95)):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(222, 88, 108), width=6)
    # A wide ellipse cut out of the band's lower edge gives a soft curve instead of a hard line.
    draw.ellipse((-360, 250, width + 360, 560), fill=WHITE)
    name_font = _font(50, bold=True)
    name = clamp(wrap(content.outlet_name.strip(), name_font.getlength, 760), 1,
                 name_font.getlength, 760)[0] if content.outlet_name.strip() else ""
    draw.text((MARGIN, 92), name, font=name_font, fill=WHITE, anchor="la")
    draw.text((MARGIN, 170), "网点活动 · 诚邀您参加", font=_font(34), fill=(248, 214, 219), anchor="la")
    return 330


def _draw_blocks(draw: ImageDraw.ImageDraw, blocks: list[_Block], top: int) -> None:
    y = top
    for block in blocks:
        if block.label:
            pill_font = _font(round(block.font.size * 0.75), bold=True)
            pill_w = round(pill_font.getlength(block.label)) + 32
            pill_h = round(pill_font.size * 1.6)
            pill_top = y + (block.line_height - pill_h) // 2
            draw.rounded_rectangle((MARGIN, pill_top, MARGIN + pill_w, pill_top + pill_h),
                                   radius=pill_h // 2, fill=RED_TINT, outline=RED, width=2)
            draw.text((MARGIN + pill_w // 2, pill_top + pill_h // 2), block.label, font=pill_font,
                      fill=RED, anchor="mm")
        for index, line in enumerate(block.lines):
            # Anchor "lm": each line is centred vertically in its line box, whatever the font size.
            middle = y + index * block.line_height + block.line_height // 2
            # A full-width opening bracket carries half an em of blank on its left: hang it.
            x = block.x - block.font.size // 2 if line[:1] in OPENING_FULL_WIDTH else block.x
            draw.text((x, middle), line, font=block.font, fill=block.fill, anchor="lm")
        y += block.height + block.gap


def _qr_for_poster(url: str) -> Image.Image:
    """The QR with its quiet zone, a whole number of pixels per module, about QR_TARGET wide."""
    probe = qr_image(url, box_size=1, border=4)
    box = max(QR_TARGET // probe.width, 4)
    return qr_image(url, box_size=box, border=4)


def _draw_bottom(image: Image.Image, draw: ImageDraw.ImageDraw, content: PosterContent) -> int:
    """The tinted bottom section with the QR card and the footer lines; returns its top edge."""
    width, height = PNG_SIZE
    qr = _qr_for_poster(content.url)
    lines: list[tuple[str, ImageFont.FreeTypeFont, tuple[int, int, int], int]] = []
    if content.footer.strip():
        lines.append((content.footer.strip(), _font(50, bold=True), RED, 74))
    if content.referrer_name and content.referrer_name.strip():
        lines.append((f"推荐人：{content.referrer_name.strip()}", _font(32), GREY, 52))
    note_height = 48 if content.synthetic_note else 0
    card_pad = 28
    below = sum(step for *_, step in lines)
    section_top = height - (60 + note_height + below + 36 + qr.height + 2 * card_pad + 56)
    draw.rectangle((0, section_top, width, height), fill=RED_TINT)
    card_top = section_top + 56
    card_left = (width - qr.width) // 2 - card_pad
    card = (card_left, card_top, width - card_left, card_top + qr.height + 2 * card_pad)
    draw.rounded_rectangle((card[0], card[1] + 8, card[2], card[3] + 8), radius=28, fill=(240, 216, 220))
    draw.rounded_rectangle(card, radius=28, fill=WHITE)
    image.paste(qr.convert("RGB"), (card_left + card_pad, card_top + card_pad))
    y = card[3] + 36
    for text, font, fill, step in lines:
        fitted = clamp(wrap(text, font.getlength, width - 2 * MARGIN), 1, font.getlength, width - 2 * MARGIN)
        draw.text((width // 2, y + step // 2), fitted[0], font=font, fill=fill, anchor="mm")
        y += step
    if content.synthetic_note:
        font = _font(24)
        note = clamp(wrap(content.synthetic_note, font.getlength, width - 2 * MARGIN), 1, font.getlength,
                     width - 2 * MARGIN)[0]
        draw.text((width // 2, height - 40), note, font=font, fill=LIGHT_GREY, anchor="mm")
    return section_top


def poster_image(content: PosterContent) -> Image.Image:
    """The 1080×1920 RGB poster; text shrinks a little when the event has a lot to say."""
    content = _for_png(content)
    image = Image.new("RGB", PNG_SIZE, WHITE)
    draw = ImageDraw.Draw(image)
    top = _draw_header(draw, content)
    bottom = _draw_bottom(image, draw, content)
    room = bottom - top - 40
    for scale in (1.0, 0.92, 0.85, 0.78, 0.72):
        blocks = _text_blocks(content, scale)
        needed = sum(b.height + b.gap for b in blocks) - blocks[-1].gap
        if needed <= room:
            break
    # Centre the text block in the free band between the header and the QR section.
    _draw_blocks(draw, blocks, top + max(0, (room - needed) // 2))
    return image


def poster_png(content: PosterContent) -> bytes:
    """The shareable poster as PNG bytes (about 60–200 KB)."""
    buffer = io.BytesIO()
    poster_image(content).save(buffer, "PNG")  # optimize=True: 4x slower for 3 % smaller
    return buffer.getvalue()


# ---------------------------------------------------------------- PDF (WeasyPrint)

_templates = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
                         autoescape=select_autoescape(default=True, default_for_string=True))


POSTER_TEMPLATE = "events/poster.html"
PDF_TITLE_MAX = 64  # characters; beyond that even the smallest title size needs a fourth line


def _title_class(title: str) -> str:
    """Shrink long titles a step at a time (about 10, 12, 15, 18, 22 characters a line on A4)."""
    length = len(title)
    return ("title-xl" if length <= 9 else "title-l" if length <= 24 else "title-m" if length <= 40
            else "title-s" if length <= 50 else "title-xs")


# Text widths of templates/events/poster.html, in points (1 mm = 72/25.4 pt): the A4 page less 2 × 18 mm,
# and the info value column less its 30 mm label. Measured with the same font as WeasyPrint uses,
# at a little less than the real width, so the browser-grade line breaker never needs an extra line.
PT_PER_MM = 72 / 25.4
PDF_TEXT_WIDTH = (210 - 2 * 18) * PT_PER_MM
PDF_VALUE_WIDTH = PDF_TEXT_WIDTH - 30 * PT_PER_MM
PDF_SUBTITLE_PT, PDF_VALUE_PT = 13, 14
PDF_FIT = 0.94


def _pdf_fit(text: str, size_pt: float, width_pt: float, max_lines: int) -> str:
    """`text` as it fits in `max_lines` lines of the PDF; cut text ends with "…" at a phrase's end."""
    font = _font(round(size_pt * 10))  # tenths of a point: enough precision for Pillow's integer sizes
    width = width_pt * 10 * PDF_FIT
    lines = wrap(text, font.getlength, width)
    if len(lines) <= max_lines:
        return text
    return _one_paragraph("\n".join(clamp(lines, max_lines, font.getlength, width)))


def poster_context(content: PosterContent) -> dict[str, object]:
    """The variables templates/events/poster.html expects (also usable with `render_template_pdf`)."""
    title = content.title.strip()
    if len(title) > PDF_TITLE_MAX:
        title = cut_line(title[:PDF_TITLE_MAX], len, PDF_TITLE_MAX)
    subtitle = (content.subtitle or "").strip()
    subtitle = _pdf_fit(subtitle, PDF_SUBTITLE_PT, PDF_TEXT_WIDTH, 2) if subtitle else ""
    rows = [(label, _pdf_fit(value, PDF_VALUE_PT, PDF_VALUE_WIDTH, 2)) for label, value in content.info_rows()]
    return {"c": content, "title": title, "subtitle": subtitle, "rows": rows, "title_class": _title_class(title),
            "qr_uri": qr_data_uri(content.url, box_size=12, border=4)}


def poster_html(content: PosterContent) -> str:
    """The HTML of the A4 poster; rendered with a standalone Jinja environment, no Flask app needed."""
    return _templates.get_template(POSTER_TEMPLATE).render(**poster_context(content))


def poster_pdf(content: PosterContent) -> bytes:
    """The printable A4 poster, one page, as PDF bytes."""
    return render_pdf(poster_html(content))
