"""PDF rendering with WeasyPrint: the shipped CJK font, print CSS and a restricted URL fetcher.

A document may load only this package's own files, the app's static files and
`data:` URIs; anything else (http, https, ftp, file:// elsewhere) is refused and
simply left out of the PDF, so a user-supplied string can never make the server
fetch a URL or read a local file.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import render_template
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = [
    "FONT_BOLD",
    "FONT_FAMILY",
    "FONT_REGULAR",
    "ForbiddenResource",
    "RestrictedURLFetcher",
    "render_pdf",
    "render_template_pdf",
]

PDF_DIR = Path(__file__).resolve().parent
STATIC_DIR = PDF_DIR.parent / "static"
FONTS_DIR = PDF_DIR / "fonts"
FONT_REGULAR = FONTS_DIR / "NotoSansSC-Regular-subset.otf"
FONT_BOLD = FONTS_DIR / "NotoSansSC-Bold-subset.otf"
FONT_FAMILY = "Noto Sans SC Subset"
PRINT_CSS = PDF_DIR / "print.css"
ALLOWED_ROOTS = (PDF_DIR, STATIC_DIR.resolve())

# WeasyPrint reports every rendering step at INFO (some 25 lines for a 500-row sign-in
# sheet), which the app's INFO logging would write for each PDF served.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

log = logging.getLogger(__name__)

class ForbiddenResource(ValueError):
    """A document asked for a resource outside the allowed files; WeasyPrint leaves it out."""


class RestrictedURLFetcher(URLFetcher):
    """Fetch only `data:` URIs and files under app/pdf/ or app/static/; refuse everything else."""

    def __init__(self) -> None:
        # Errors are not fatal: a refused resource is skipped and the PDF is still produced.
        super().__init__(timeout=2, allowed_protocols=("data", "file"), allow_redirects=False,
                         fail_on_errors=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and self.allowed_path(url) is not None:
            return super().fetch(url, headers)
        log.warning("PDF rendering refused to fetch %s", url[:200])
        raise ForbiddenResource(f"not an allowed resource: {url[:200]}")

    @staticmethod
    def allowed_path(url: str) -> Path | None:
        """The local file a file: URL names, if it lies inside an allowed folder (after resolving ..)."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()
        if any(path.is_relative_to(root) for root in ALLOWED_ROOTS) and path.is_file():
            return path
        return None


class _Renderer:
    """A font configuration and the parsed base stylesheet, made once per thread.

    Loading the 2.5 MB fonts into fontconfig costs tens of milliseconds, so it is
    done on a thread's first PDF rather than for every document (nor at import);
    WeasyPrint objects are not shared between threads.
    """

    def __init__(self) -> None:
        self.fetcher = RestrictedURLFetcher()
        self.font_config = FontConfiguration()
        self.base_css = CSS(filename=str(PRINT_CSS), url_fetcher=self.fetcher,
                            font_config=self.font_config)


_local = threading.local()


def _renderer() -> _Renderer:
    renderer = getattr(_local, "renderer", None)
    if renderer is None:
        renderer = _local.renderer = _Renderer()
    return renderer


def render_pdf(html: str, *, stylesheets: list[str] | None = None) -> bytes:
    """Render an HTML string to PDF bytes with print.css, then each of `stylesheets` (CSS source text).

    Relative URLs resolve against app/pdf/, so `fonts/…` or `print.css` work;
    other resources must be `data:` URIs or files under app/static/.
    """
    r = _renderer()
    sheets = [r.base_css]
    sheets += [CSS(string=text, base_url=PDF_DIR.as_uri() + "/", url_fetcher=r.fetcher,
                   font_config=r.font_config) for text in stylesheets or ()]
    document = HTML(string=html, base_url=PDF_DIR.as_uri() + "/", url_fetcher=r.fetcher)
    # A fixed identifier and no creation date keep the bytes identical for identical input.
    return document.write_pdf(stylesheets=sheets, font_config=r.font_config,
                              pdf_identifier=b"branch-events")


def render_template_pdf(template_name: str, /, *, stylesheets: list[str] | None = None,
                        **context: Any) -> bytes:
    """Render a Jinja template with Flask's `render_template` (needs an app context), then to PDF."""
    return render_pdf(render_template(template_name, **context), stylesheets=stylesheets)
