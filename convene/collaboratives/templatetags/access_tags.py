from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def can(access: Any, action: str, team: Any = None) -> bool:
    """``{% can access "manage_team" team as allowed %}``: the policy, asked from a template."""
    return bool(access) and access.can(action, team)
