"""What a browser would submit from a page's form: the test client posts exactly what the page shows."""

from __future__ import annotations

from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict


class _FormReader(HTMLParser):
    def __init__(self, index: int | str) -> None:
        super().__init__(convert_charrefs=True)
        self.index, self.seen, self.inside = index, -1, False
        self.pairs: list[tuple[str, str]] = []
        self.names: set[str] = set()
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.seen += 1
            self.inside = (self.index in (a.get("class") or "").split() if isinstance(self.index, str)
                           else self.seen == self.index)
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            self.names.add(a["name"])
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.pairs.append((a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and a.get("name"):
            self.names.add(a["name"])
            self._select = {"name": a["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
        elif tag == "textarea" and a.get("name"):
            self.names.add(a["name"])
            self._textarea = {"name": a["name"], "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "option" and self._option is not None and self._select is not None:
            value = self._option["value"] if self._option["value"] is not None else self._option["text"]
            if self._select["first"] is None:
                self._select["first"] = value
            if self._option["selected"]:
                self._select["chosen"] = value
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] if self._select["chosen"] is not None else self._select["first"]
            if chosen is not None:
                self.pairs.append((self._select["name"], chosen))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.pairs.append((self._textarea["name"], self._textarea["text"].removeprefix("\n")))
            self._textarea = None


def form_data(html: str, index: int | str = 0) -> MultiDict:
    """The name/value pairs a browser sends, unchanged, from the `index`-th POST form (or the one with that class)."""
    reader = _FormReader(index)
    reader.feed(html)
    return MultiDict(reader.pairs)


def field_names(html: str, index: int | str = 0) -> set[str]:
    reader = _FormReader(index)
    reader.feed(html)
    return reader.names
