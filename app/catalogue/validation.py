"""Reading typed fields out of parsed TOML, failing loudly with the file and the field path.

A `Table` wraps one TOML table and knows where it sits (`questions[1]`), so
every error reads like "mid_autumn_family.toml: questions[1].options:
required for type 'choice'". Array indexes are 0-based, as in the file's order.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any, Literal, NoReturn, overload

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class CatalogueError(ValueError):
    """A catalogue file is malformed; the message names the file and the field."""

    def __init__(self, source: str, path: str, problem: str) -> None:
        self.source, self.path, self.problem = source, path, problem
        super().__init__(f"{source}: {path}: {problem}" if path else f"{source}: {problem}")


class Table:
    """One TOML table plus its location, with typed accessors that raise `CatalogueError`."""

    def __init__(self, data: Mapping[str, Any], source: str, path: str = "") -> None:
        self.data, self.source, self.path = data, source, path

    def where(self, name: str | int) -> str:
        if isinstance(name, int):
            return f"{self.path}[{name}]"
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str | int | None, problem: str) -> NoReturn:
        raise CatalogueError(self.source, self.path if name is None else self.where(name), problem)

    def only(self, *allowed: str) -> None:
        """Reject fields nobody reads: a typo must not silently drop data."""
        for name in self.data:
            if name not in allowed:
                self.fail(name, "unknown field")

    def _get(self, name: str, default: Any) -> Any:
        if name in self.data:
            return self.data[name]
        if default is _REQUIRED:
            self.fail(name, "required")
        return default

    def text(self, name: str) -> str:
        value = self._get(name, _REQUIRED)
        if not isinstance(value, str) or not value.strip():
            self.fail(name, "must be a non-empty string")
        return value.strip()

    def key(self, name: str) -> str:
        value = self.text(name)
        if not KEY_PATTERN.match(value):
            self.fail(name, f"{value!r} must be lower-case ascii letters, digits and underscores")
        return value

    def boolean(self, name: str) -> bool:
        value = self._get(name, _REQUIRED)
        if not isinstance(value, bool):
            self.fail(name, "must be true or false")
        return value

    @overload
    def integer(self, name: str, *, minimum: int | None = None, optional: Literal[False] = False) -> int: ...
    @overload
    def integer(self, name: str, *, minimum: int | None = None, optional: bool) -> int | None: ...
    def integer(self, name: str, *, minimum: int | None = None, optional: bool = False) -> int | None:
        value = self._get(name, None if optional else _REQUIRED)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, "must be a whole number")
        if minimum is not None and value < minimum:
            self.fail(name, f"must be at least {minimum}, got {value}")
        return value

    def number(self, name: str, *, minimum: float, maximum: float | None = None) -> float:
        value = self._get(name, _REQUIRED)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(name, "must be a number")
        if value < minimum or (maximum is not None and value > maximum):
            bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            self.fail(name, f"must be {bounds}, got {value}")
        return float(value)

    def texts(self, name: str, *, allowed: Collection[str] | None = None, what: str = "value",
              nonempty: bool = True, optional: bool = False) -> tuple[str, ...]:
        """A list of distinct non-empty strings, each from `allowed` (a `what`) when given."""
        value = self._get(name, [] if optional else _REQUIRED)
        if not isinstance(value, list):
            self.fail(name, "must be a list of strings")
        if nonempty and not value:
            self.fail(name, "must not be empty")
        seen: set[str] = set()
        for index, item in enumerate(value):
            where = f"{name}[{index}]"
            if not isinstance(item, str) or not item.strip():
                self.fail(where, "must be a non-empty string")
            if allowed is not None and item not in allowed:
                self.fail(where, f"unknown {what} {item!r}; known: {', '.join(sorted(allowed))}")
            if item in seen:
                self.fail(where, f"{item!r} is listed twice")
            seen.add(item)
        return tuple(item.strip() for item in value)

    def table(self, name: str) -> Table:
        value = self._get(name, _REQUIRED)
        if not isinstance(value, dict):
            self.fail(name, "must be a table")
        return Table(value, self.source, self.where(name))

    def tables(self, name: str, *, nonempty: bool = True, optional: bool = False) -> list[Table]:
        """An array of tables (`[[name]]` in TOML)."""
        value = self._get(name, [] if optional else _REQUIRED)
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(name, "must be an array of tables ([[" + name + "]])")
        if nonempty and not value:
            self.fail(name, "must not be empty")
        here = self.where(name)
        return [Table(item, self.source, f"{here}[{index}]") for index, item in enumerate(value)]


_REQUIRED = object()
