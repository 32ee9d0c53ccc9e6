#!/usr/bin/env python3
"""Full-width punctuation in Chinese text: `含逾期 7 条,请优先处理` becomes `含逾期 7 条，请优先处理`.

    scripts/fullwidth.py            rewrite in place
    scripts/fullwidth.py --check    list offenders, exit 1 when there are any
    scripts/fullwidth.py PATH …     only these files or folders

What is looked at:
- `.py` files (app/, tests/, scripts/, bench/): string literals (tokenize), not code or comments;
- `.html` / `.txt` templates: the text between tags and the string literals inside `{{ }}` / `{% %}`,
  never HTML tags or their attributes, nor Jinja code outside its strings;
- `app/translations/*/LC_MESSAGES/messages.po` and `app/translations/messages.pot`: every msgid
  (msgstr too in the Chinese catalogue), rewritten exactly as the source is, so English translations
  keep matching. An entry whose new msgid already exists is dropped (the existing translation wins).

A half-width , : ; ! ? ( ) becomes full-width only next to Chinese: `,` `:` `;` `!` `?` right after a
CJK character, or right before one (then also not after a digit); `(` … `)` as a pair when the `(`
follows a CJK character or the text inside starts with one, and never after a letter, a digit or `%`
(`%(name)s`, `_(…)`, `f(x)`). So `1,000`, `14:00`, URLs, `{n:,}`, `%(name)s` and code stay as they are.
The space after a converted comma, colon or semicolon goes (full-width marks carry their own).
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("app", "tests", "scripts", "bench")
SKIP_PARTS = {".venv", "node_modules", "static", "migrations", "__pycache__", "vendor", "fonts"}
SELF = Path(__file__).resolve()
EXAMPLES = ROOT / "tests" / "test_typography.py"  # its half-width examples are meant

FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x3000 <= o <= 0x303F
            or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x2A6DF)


def has_cjk(text: str) -> bool:
    return any(is_cjk(ch) for ch in text)


def _next_visible(text: str, i: int) -> str:
    j = i
    while j < len(text) and text[j] == " ":
        j += 1
    return text[j] if j < len(text) else ""


def is_punct(ch: str) -> bool:
    return bool(ch) and not ch.isalnum() and not ch.isspace()


def convert(text: str) -> str:
    """`text` with the half-width marks next to Chinese made full-width (unchanged without Chinese)."""
    if not has_cjk(text):
        return text
    while True:  # （签章）: needs the parentheses first, then the colon
        new = _convert_once(text)
        if new == text:
            return new
        text = new


def _convert_once(text: str) -> str:
    out = list(text)
    drop: set[int] = set()
    n = len(text)
    for i, ch in enumerate(text):
        if ch not in FULL or ch in "()":
            continue
        prev = text[i - 1] if i else ""
        nxt = _next_visible(text, i + 1)
        after_cjk = bool(prev) and is_cjk(prev)
        before_cjk = bool(nxt) and is_cjk(nxt) and not prev.isdigit()
        if ch == ":" and text[i + 1:i + 3] == "//":
            continue  # a URL
        if is_punct(prev) and is_punct(text[i + 1] if i + 1 < n else ""):
            continue  # a set of marks such as "。！？!?;,", not prose
        word = re.search(r"[A-Za-z]+$", text[:i])
        if before_cjk and word and len(word.group()) > 1 and not text[:word.start()].endswith((")", "}")):
            before_cjk = False  # English prose quoting Chinese: "masked: 张**"
        if after_cjk or (before_cjk and ch in ",;:"):
            out[i] = FULL[ch]
            j = i + 1
            while ch in ",;:" and j < n and text[j] == " ":
                drop.add(j)
                j += 1
    # Parentheses, as pairs without nesting.
    # A pair may hold %(name)s placeholders: (其中逾期 %(n)d 条).
    for match in re.finditer(r"\(((?:[^()]|%\(\w+\)[sdfr])*)\)", text):
        start, end = match.start(), match.end() - 1
        prev = text[start - 1] if start else ""
        inner = match.group(1)
        if prev and prev.isascii() and (prev.isalpha() or prev in "%_.$"):
            continue  # a call or a placeholder: _(…), %(name)s
        if prev.isdigit() and not (inner[:1] and is_cjk(inner[0])):
            continue
        back = start - 1
        while back >= 0 and text[back] == " ":
            back -= 1
        after_cjk = back >= 0 and is_cjk(text[back])
        if not (after_cjk or (inner[:1] and is_cjk(inner[0]))):
            continue
        if not after_cjk and start and text[start - 1] == " " and back >= 0 and text[back].isascii():
            continue  # English prose with a Chinese aside: "Opening campaign (开门红)"
        if re.search(r"[=\"'{}]", inner):
            continue  # code (a call's arguments), not prose
        out[start], out[end] = "（", "）"
        if after_cjk:
            drop.update(range(back + 1, start))  # 客户 (可选) → 客户（可选）
    return "".join(c for k, c in enumerate(out) if k not in drop)


# --- .py --------------------------------------------------------------------------------------------

def convert_python(source: str) -> str:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    kinds = {tokenize.STRING} | {getattr(tokenize, "FSTRING_MIDDLE", -1)}
    pieces: list[tuple[int, int, str]] = []
    statement_start = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL, tokenize.COMMENT}
    for n, tok in enumerate(tokens):
        if tok.type not in kinds or not has_cjk(tok.string):
            continue
        before = tokens[n - 1].type if n else tokenize.NEWLINE
        after = tokens[n + 1].type if n + 1 < len(tokens) else tokenize.NEWLINE
        if before in statement_start and after in (tokenize.NEWLINE, tokenize.ENDMARKER):
            continue  # a docstring: notes for developers, not text users read
        start = offsets[tok.start[0] - 1] + tok.start[1]
        end = offsets[tok.end[0] - 1] + tok.end[1]
        new = _convert_literal(tok.string)
        if new != tok.string:
            pieces.append((start, end, new))
    for start, end, new in reversed(pieces):
        source = source[:start] + new + source[end:]
    return source


def is_csv(body: str) -> bool:
    """Several lines with the same number (1 or more) of commas: rows of comma-separated values."""
    counts = [line.count(",") for line in re.split(r"\n|\\n", body) if line.strip()]  # real or escaped
    return len(counts) >= 2 and counts[0] >= 1 and len(set(counts)) == 1


def _convert_literal(literal: str) -> str:
    match = re.match(r"(?is)([rbuf]*)('''|\"\"\"|'|\")(.*)\2$", literal)
    if not match:
        return convert(literal)
    prefix, quote, body = match.groups()
    if is_csv(body):
        return literal  # data in a file format (tests' CSV), where "," is a separator, not punctuation
    if "f" in prefix.lower():
        # Convert only the literal parts of an f-string, not its {expressions}.
        parts = re.split(r"(\{\{|\}\}|\{[^{}]*\})", body)
        body = "".join(p if p.startswith("{") and p not in ("{{", "}}") else convert(p) for p in parts)
    else:
        body = convert(body)
    return f"{prefix}{quote}{body}{quote}"


# --- templates ----------------------------------------------------------------------------------------

_JINJA = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.S)
_JINJA_STRING = re.compile(r"(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')")


def convert_template(source: str, html: bool) -> str:
    out = []
    in_tag = False
    for k, part in enumerate(_JINJA.split(source)):
        if k % 2:  # Jinja: only its string literals
            if part.startswith("{#"):
                out.append(part)
            else:
                out.append(_JINJA_STRING.sub(lambda m: m.group(0)[0] + convert(m.group(0)[1:-1]) + m.group(0)[-1],
                                             part))
            continue
        if not html:
            out.append(convert(part))
            continue
        # Text between tags only; a tag may span Jinja parts, so the state carries over.
        text, buf, i = [], [], 0
        while i < len(part):
            ch = part[i]
            if in_tag:
                buf.append(ch)
                if ch == ">":
                    in_tag = False
                    text.append("".join(buf))
                    buf = []
            elif ch == "<" and i + 1 < len(part) and (part[i + 1].isalpha() or part[i + 1] in "/!"):
                if buf:
                    text.append(convert("".join(buf)))
                    buf = []
                in_tag = True
                buf.append(ch)
            else:
                buf.append(ch)
            i += 1
        if buf:
            text.append("".join(buf) if in_tag else convert("".join(buf)))
        out.append("".join(text))
    return "".join(out)


# --- .po / .pot ---------------------------------------------------------------------------------------

_PO_STRING = re.compile(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt)?\s*"(.*)"\s*$')


def convert_po(source: str, also_msgstr: bool) -> str:
    parts = re.split(r"(\n\n+)", source)  # entries and the blank lines between them, kept as they are
    seen: set[tuple[str, str]] = set()
    kept: list[str] = []
    for index in range(0, len(parts), 2):
        entry, gap = parts[index], parts[index + 1] if index + 1 < len(parts) else ""
        lines = entry.split("\n")
        field = None
        new_lines = []
        values: dict[str, str] = {}
        for line in lines:
            match = _PO_STRING.match(line)
            if match is None or line.startswith("#"):
                new_lines.append(line)
                field = None
                continue
            field = match.group(1) or field
            body = match.group(2)
            if field in ("msgid", "msgid_plural") or (also_msgstr and field and field.startswith("msgstr")):
                new_body = convert(body)
                line = line[: line.rindex(body)] + new_body + line[line.rindex(body) + len(body):] if body else line
                body = new_body
            values[field or ""] = values.get(field or "", "") + body
            new_lines.append(line)
        key = (values.get("msgctxt", ""), values.get("msgid", ""))
        if "msgid" in values and key != ("", "") and key in seen:
            continue  # the converted msgid already has its own entry
        seen.add(key)
        kept.append("\n".join(new_lines) + gap)
    return "".join(kept)




# --- walking the tree ---------------------------------------------------------------------------------

def files(paths: list[Path]) -> list[Path]:
    found = []
    for base in paths:
        candidates = [base] if base.is_file() else sorted(base.rglob("*"))
        for path in candidates:
            if not path.is_file() or path.resolve() in (SELF, EXAMPLES):
                continue
            rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            if SKIP_PARTS & set(rel.parts[:-1]):
                continue
            if path.suffix in (".py", ".html", ".txt", ".po", ".pot"):
                if path.suffix == ".txt" and "templates" not in rel.parts:
                    continue
                found.append(path)
    return found


def rewrite(path: Path) -> str:
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return convert_python(source)
    if path.suffix in (".html", ".txt"):
        return convert_template(source, html=path.suffix == ".html")
    if path.suffix in (".po", ".pot"):
        return convert_po(source, also_msgstr="zh" in path.parts[-3] if len(path.parts) >= 3 else False)
    return source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="list offenders and exit 1, change nothing")
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.paths or [ROOT / d for d in SOURCE_DIRS if (ROOT / d).exists()]
    offenders = 0
    for path in files(paths):
        old = path.read_text(encoding="utf-8")
        new = rewrite(path)
        if new == old:
            continue
        rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        if args.check:
            old_lines, new_lines = old.splitlines(), new.splitlines()
            if len(old_lines) == len(new_lines):
                for number, (a, b) in enumerate(zip(old_lines, new_lines, strict=True), 1):
                    if a != b:
                        offenders += 1
                        print(f"{rel}:{number}: {a.strip()}")
            else:
                offenders += 1
                print(f"{rel}: duplicate entries after conversion")
        else:
            path.write_text(new, encoding="utf-8")
            offenders += 1
            print(f"rewrote {rel}")
    if args.check and offenders:
        print(f"{offenders} line(s) with half-width punctuation in Chinese text; run scripts/fullwidth.py",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
