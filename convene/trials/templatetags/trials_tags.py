"""The trial runs awaiting review, for pages of other apps that point to them."""

from __future__ import annotations

from typing import Any

from django import template

from ..trial import waiting_count

register = template.Library()


@register.simple_tag
def trials_waiting(collaborative: Any, access: Any) -> int | None:
    """How many trial runs await review; None for those who do not see reporting status."""
    return waiting_count(collaborative, access)
