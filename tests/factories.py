"""Small builders for test data, written by us so each test says only what matters to it."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from convene.accounts.models import User
from convene.collaboratives.models import Collaborative, Organisation, Team

_numbers = count(1)


def make_user(name: str | None = None, **fields: Any) -> User:
    number = next(_numbers)
    name = name or f"Person {number}"
    email = fields.pop("email", f"{name.lower().replace(' ', '.')}.{number}@example.test")
    user = User(email=email, full_name=name, **fields)
    user.set_unusable_password()
    user.save()
    return user


def make_organisation(name: str | None = None, **fields: Any) -> Organisation:
    return Organisation.objects.create(name=name or f"Organisation {next(_numbers)}", **fields)


def make_collaborative(name: str | None = None, **fields: Any) -> Collaborative:
    defaults: dict[str, Any] = {
        "topic": "Blood-pressure control",
        "start_on": date(2026, 1, 1),
        "end_on": date(2026, 12, 31),
        "sharing": Collaborative.Sharing.ANONYMISED,
    }
    defaults.update(fields)
    if "host_organisation" not in defaults:
        defaults["host_organisation"] = make_organisation("Host association")
    return Collaborative.objects.create(name=name or f"Collaborative {next(_numbers)}", **defaults)


def make_team(collaborative: Collaborative, name: str | None = None, **fields: Any) -> Team:
    if "organisation" not in fields:
        fields["organisation"] = make_organisation()
    return Team.objects.create(
        collaborative=collaborative, name=name or f"Team {next(_numbers)}", **fields
    )
