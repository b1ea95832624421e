"""Text as people type or upload it, made safe to store and to export."""

from __future__ import annotations

import re

# C0 control characters but tab, newline and carriage return; DEL; the two non-characters and
# the lone surrogates XML cannot hold. Spreadsheets (openpyxl refuses them), SVG and PNG charts
# and PostgreSQL (NUL) fail on them, and nobody means to type them: a vertical tab comes from
# pasting out of a word processor.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` without control characters (see ``CONTROL_CHARACTERS``); tab, newline and
    carriage return stay."""
    return CONTROL_CHARACTERS.sub("", text)
