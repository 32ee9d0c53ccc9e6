#!/usr/bin/env python3
"""Write app/static/vendor/weui/weui.trimmed.css: the vendored WeUI with only the rules our pages use.

WeUI ships some 188 KB of CSS for every component; the pages use a handful (buttons, the tab bar,
the message page). This keeps a rule when one of its selectors names only `weui-…` classes that
appear somewhere in our templates, Python or JavaScript (classes inside `:not()` do not count:
they match elements that lack them). Element selectors (WeUI's reset) are kept. Then the custom
properties (`--weui-…`) that no kept declaration reads, directly or through another property, are
dropped, and so are keyframes no kept rule animates with. The dark-theme blocks stay for what is kept.

Run by `make vendor` after vendoring and by `make assets` alone; commit the result. A test checks
that the committed file is what this script makes from the current templates, so a `weui-` class
newly used in a template fails the tests until this is run again.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import tinycss2

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "app/static/vendor/weui/weui.min.css"
TARGET = ROOT / "app/static/vendor/weui/weui.trimmed.css"

CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
NOT = re.compile(r":not\([^()]*\)")
ATTR_CLASS = re.compile(r"""\[class[*^]?=["']?\s*([\w-]+)\s*["']?\]""")
USED = re.compile(r"weui-[\w-]*[\w]")
DYNAMIC = re.compile(r"weui-[\w-]*\{\{")
VAR = re.compile(r"var\(\s*(--[\w-]+)")
IDENT = re.compile(r"[\w-]+")


def used_classes(root: Path = ROOT) -> set[str]:
    """Every `weui-…` name written in the app's templates, Python and own JavaScript (not vendor files)."""
    used: set[str] = set()
    for path in sorted((root / "app").rglob("*")):
        if path.suffix not in {".html", ".py", ".js"} or "vendor" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if DYNAMIC.search(text):
            raise SystemExit(f"{path}: a weui- class built from a template expression; write it out in full")
        used.update(USED.findall(text))
    return used


def app_css_vars(root: Path = ROOT) -> set[str]:
    """Custom properties our own stylesheets read (they may lean on WeUI's)."""
    found: set[str] = set()
    for path in (root / "app/static/css").glob("*.css"):
        found.update(VAR.findall(path.read_text(encoding="utf-8")))
    return found


def _split_selectors(prelude: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(prelude):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    parts.append(prelude[start:])
    return [p.strip() for p in parts if p.strip()]


def _selector_used(selector: str, used: set[str]) -> bool:
    plain = selector
    while NOT.search(plain):
        plain = NOT.sub("", plain)
    if any(name not in used for name in CLASS.findall(plain)):
        return False
    # [class*="weui-icon-"] and the like match when some used class contains the fragment.
    return all(any(fragment in name for name in used) for fragment in ATTR_CLASS.findall(plain))


def _declarations(content) -> list:
    return [d for d in tinycss2.parse_declaration_list(content, skip_comments=True, skip_whitespace=True)
            if d.type == "declaration"]


def _decl_text(d) -> str:
    return f"{d.name}:{tinycss2.serialize(d.value).strip()}{'!important' if d.important else ''}"


class _Trimmer:
    def __init__(self, used: set[str]) -> None:
        self.used = used

    def select(self, rules) -> list:
        """First pass: (selector text, declarations) and at-rule trees whose selectors are used."""
        out = []
        for rule in rules:
            if rule.type == "qualified-rule":
                kept = [s for s in _split_selectors(tinycss2.serialize(rule.prelude)) if _selector_used(s, self.used)]
                if kept:
                    out.append(("rule", ",".join(kept), _declarations(rule.content)))
            elif rule.type == "at-rule" and rule.lower_at_keyword in {"media", "supports"}:
                inner = self.select(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))
                if inner:
                    out.append(("group", f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()}", inner))
            elif rule.type == "at-rule" and rule.lower_at_keyword.endswith("keyframes"):
                name = tinycss2.serialize(rule.prelude).strip()
                out.append(("keyframes", f"@{rule.at_keyword} {name}", name, tinycss2.serialize(rule.content)))
        return out

    @staticmethod
    def _walk_decls(tree):
        for node in tree:
            if node[0] == "rule":
                yield from node[2]
            elif node[0] == "group":
                yield from _Trimmer._walk_decls(node[2])

    def referenced(self, tree, extra_vars: set[str]) -> tuple[set[str], set[str]]:
        """Custom properties read (transitively) and identifiers used by the kept ordinary declarations."""
        definitions: dict[str, list[str]] = {}
        wanted, idents = set(extra_vars), set()
        for d in self._walk_decls(tree):
            value = tinycss2.serialize(d.value)
            if d.name.startswith("--"):
                definitions.setdefault(d.name, []).append(value)
            else:
                wanted.update(VAR.findall(value))
                if d.lower_name in {"animation", "animation-name", "-webkit-animation", "-webkit-animation-name"}:
                    idents.update(IDENT.findall(value))
        todo = list(wanted)
        while todo:
            for value in definitions.get(todo.pop(), ()):
                for name in VAR.findall(value):
                    if name not in wanted:
                        wanted.add(name)
                        todo.append(name)
        return wanted, idents

    def render(self, tree, wanted: set[str], idents: set[str]) -> str:
        out = []
        for node in tree:
            if node[0] == "rule":
                decls = [_decl_text(d) for d in node[2] if not d.name.startswith("--") or d.name in wanted]
                if decls:
                    out.append(f"{node[1]}{{{';'.join(decls)}}}")
            elif node[0] == "group":
                inner = self.render(node[2], wanted, idents)
                if inner:
                    out.append(f"{node[1]}{{{inner}}}")
            elif node[2] in idents:
                out.append(f"{node[1]}{{{node[3]}}}")
        return "".join(out)


def trim(css: str, used: set[str], extra_vars: set[str] = frozenset()) -> str:
    """The rules of `css` that can match an element with the `used` classes, minified."""
    licence = re.match(r"\s*(/\*!.*?\*/)", css, re.S)
    trimmer = _Trimmer(used)
    tree = trimmer.select(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    wanted, idents = trimmer.referenced(tree, set(extra_vars))
    head = (licence.group(1) + "\n") if licence else ""
    note = "/* Trimmed to the classes the app uses by scripts/trim-weui.py: do not edit, run `make assets`. */\n"
    return head + note + trimmer.render(tree, wanted, idents) + "\n"


def build(root: Path = ROOT) -> str:
    return trim(SOURCE.read_text(encoding="utf-8"), used_classes(root), app_css_vars(root))


def main() -> int:
    css = build()
    TARGET.write_text(css, encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {len(css.encode())} bytes "
          f"(from {SOURCE.stat().st_size} bytes, {len(used_classes())} classes used)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
