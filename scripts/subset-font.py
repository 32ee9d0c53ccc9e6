#!/usr/bin/env python3
"""Build the shipped CJK font: a subset of Noto Sans CJK SC (OFL) for PDFs and posters.

The subset covers ASCII, Latin-1, general and CJK punctuation, full-width forms,
everything encodable in GB2312 and the 8105 characters of 《通用规范汉字表》
(Unihan's kTGH field), plus a list of characters seen in personal names.

Needs Debian's fonts-noto-cjk (the source TTCs) and, for the 8105 list,
unicode-data (/usr/share/unicode/Unihan_OtherMappings.txt.bz2); without the
latter it falls back to GB2312 plus the name list and says so. Run from the
repository root with the project's venv, then commit app/pdf/fonts/:

    .venv/bin/python scripts/subset-font.py
"""

from __future__ import annotations

import argparse
import bz2
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "app" / "pdf" / "fonts"
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
UNIHAN = Path("/usr/share/unicode/Unihan_OtherMappings.txt.bz2")

SOURCE_FACE = "NotoSansCJKsc-{weight}"  # PostScript name of the SC face inside the TTC
FAMILY = "Noto Sans SC Subset"
PS_FAMILY = "NotoSansSCSubset"
WEIGHTS = ("Regular", "Bold")

# Unicode blocks kept whole: punctuation and symbols that appear in Chinese text.
RANGES: list[tuple[int, int]] = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 (·, ×, ¥, é for transliterated names)
    (0x2000, 0x206F),  # general punctuation: – — ‘ ’ “ ” … ‧ ‰
    (0x2100, 0x214F),  # letterlike: ℃ № ™
    (0x2150, 0x218F),  # number forms: Ⅰ Ⅱ Ⅲ
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed alphanumerics: ① ②
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes: ■ □ ▲ ○ ●
    (0x2600, 0x26FF),  # misc symbols: ★ ☆ ☎
    (0x2713, 0x2717),  # check and cross marks
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、 。 《 》 〇
    (0x3200, 0x32FF),  # enclosed CJK: ㈠ ㊣
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
]

# Characters people carry in their names, some outside GB2312 (and a few outside
# the 8105 list); the sign-in sheet must never print one of them as a box.
NAME_CHARS = (
    "喆玥昊堃彧赟淼犇垚燊祎珺琬婕晗熠翀玮炜锃"
    "昇旻昉昕晟晔暐暄曦晞煜焱炅炘烨熹燚琦琪琰琨瑛瑜瑶瑾璇璐璟璠璞瑄瑀琇琤"
    "珈珏珂珩珣珮琛琮瑭璋瓒骞骐骅骁麒麟鑫鎏钰铖锴镕镔鋆镓"
    "婧婷嫣嫱妍妤娅娆娉媛嫒姝姣婳婵嬿妘姮"
    "芃芊芮芷苒茜荟莘菁萱蓁蔚蕙蕤薇蘅"
    "沅沣泓洺浔涵淇渟湉滢漪澍澜濛瀚"
    "祐祯禛禧禹禺"
    "翾翊翎翌翔羿"
    "頔甯堉坤埕垲崟峣嵘岚岫"
    "杺枫桢梓楠槿樾橦"
    "铠钧钊钦锋锐"
    "怿恺悦愔慜"
    "婕妤媞嫚"
    "旸晖晋晏"
    "玙玗玠玢玹珅珽琏琭琼瑗瑷璨璩"
    "歆钦韵韬颢颉颀"
    "彤彬彪"
    "霈霏霖霁"
    "贇喆甡"
    "㛃㵘"
    "乜亓佘冼厍叚咸奚宓宦尉巫帅幸庹晁杭汲沈相矫粟耿訾谌邝郗郜郦鄢阙隗靳鞠饶"
    "欧阳上官司马诸葛东方皇甫尉迟公孙慕容长孙宇文澹台公冶"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noto-dir", type=Path, default=NOTO_DIR, help="where NotoSansCJK-*.ttc live")
    parser.add_argument("--unihan", type=Path, default=UNIHAN, help="Unihan_OtherMappings.txt(.bz2)")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    return parser.parse_args()


def tongyong_guifan(path: Path) -> set[int]:
    """The 8105 characters of 《通用规范汉字表》 (2013), from Unihan's kTGH field."""
    opener = bz2.open if path.suffix == ".bz2" else open
    found: set[int] = set()
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if "\tkTGH\t" in line:
                found.add(int(line.split("\t", 1)[0][2:], 16))
    return found


def gb2312() -> set[int]:
    """Every character encodable in GB2312: 6763 hanzi plus pinyin, kana, Greek, Cyrillic, symbols."""
    found: set[int] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def wanted_codepoints(unihan: Path) -> set[int]:
    points = gb2312()
    for start, end in RANGES:
        points.update(range(start, end + 1))
    points.update(ord(ch) for ch in NAME_CHARS)
    if unihan.exists():
        tgh = tongyong_guifan(unihan)
        print(f"《通用规范汉字表》：{len(tgh)} characters from {unihan}")
        points |= tgh
    else:
        print(f"warning: {unihan} missing (apt-get install unicode-data); "
              "using GB2312 and the name list only", file=sys.stderr)
    return points


def load_face(noto_dir: Path, weight: str) -> TTFont:
    """Pick the Simplified Chinese face out of the pan-CJK collection by its PostScript name."""
    path = noto_dir / f"NotoSansCJK-{weight}.ttc"
    wanted = SOURCE_FACE.format(weight=weight)
    for index, face in enumerate(TTCollection(path, lazy=True).fonts):
        if face["name"].getDebugName(6) == wanted:
            return TTFont(path, fontNumber=index, recalcTimestamp=False)  # reproducible bytes
    raise SystemExit(f"{wanted} not found in {path}")


def rename(font: TTFont, weight: str) -> None:
    """A distinct family name, so the subset is never mistaken for the full system font."""
    full = f"{FAMILY} {weight}" if weight != "Regular" else FAMILY
    ps_name = f"{PS_FAMILY}-{weight}"
    # Regular and Bold share family name ID 1 and differ by style ID 2 (RIBBI style linking).
    values = {1: FAMILY, 2: weight, 3: f"{ps_name};subset", 4: full, 6: ps_name}
    name = font["name"]
    # Drop every family/style record (localized ones too) that still names the original font.
    name.names = [rec for rec in name.names if rec.nameID not in (1, 2, 3, 4, 6, 16, 17)]
    for name_id, value in values.items():
        name.setName(value, name_id, 3, 1, 0x409)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [ps_name]
        top = cff.topDictIndex[0]
        top.FullName, top.FamilyName = full, FAMILY
        top.rawDict["FullName"], top.rawDict["FamilyName"] = full, FAMILY


def build(weight: str, points: set[int], args: argparse.Namespace) -> Path:
    font = load_face(args.noto_dir, weight)
    cmap = font.getBestCmap()
    missing = sorted(p for p in points if p not in cmap)
    options = subset.Options()
    # The default features keep vert, palt, halt and kern; locl is dropped because in this
    # pan-CJK font it only pulls in the Japanese, Korean and traditional glyphs (twice the size).
    options.layout_features = [f for f in options.layout_features if f != "locl"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables = [*options.drop_tables, "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[p for p in points if p in cmap])
    subsetter.subset(font)
    rename(font, weight)
    out = args.out / f"NotoSansSC-{weight}-subset.otf"
    font.save(out)
    print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: "
          f"{len(font.getBestCmap())} characters, {out.stat().st_size / 1e6:.2f} MB; "
          f"{len(missing)} code points of the kept blocks are not in the source font")
    return out


def main() -> None:
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    points = wanted_codepoints(args.unihan)
    for weight in WEIGHTS:
        build(weight, points, args)


if __name__ == "__main__":
    main()
