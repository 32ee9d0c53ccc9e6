"""The "今日" home page is assembled from panels that features register.

Each feature adds what is due today (events, follow-ups …) without the home
page knowing about it: `register_panel(order, template, context_function)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    order: int
    template: str
    context: Callable[[object], dict | None]  # given the user; None hides the panel


PANELS: list[Panel] = []


def register_panel(order: int, template: str, context: Callable[[object], dict | None]) -> None:
    if any(p.template == template for p in PANELS):
        return  # create_app may run more than once in a process (tests)
    PANELS.append(Panel(order, template, context))
    PANELS.sort(key=lambda p: p.order)


def render_panels(user) -> list[tuple[str, dict]]:
    shown = []
    for panel in PANELS:
        context = panel.context(user)
        if context is not None:
            shown.append((panel.template, context))
    return shown
