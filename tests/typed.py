"""What a form on a page holds, as a browser would send it: for tests that check typing is kept."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = {key: value or "" for key, value in attrs}
        name = given.get("name")
        if tag == "input" and name and given.get("type") not in {"submit", "radio"}:
            if given.get("type") != "checkbox":
                self.values[name] = given.get("value", "")
            elif "checked" in given:
                self.values[name] = "on"
        elif tag == "select" and name:
            self._select = name
            self.values[name] = ""
        elif tag == "option" and self._select and "selected" in given:
            self.values[self._select] = given.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data.removeprefix("\n")


def typed_values(response: Any) -> dict[str, str]:
    """Every named field of the page and the value it would send (checked boxes as "on")."""
    parser = _Fields()
    parser.feed(response.content.decode())
    return parser.values
