"""The notification pages with something on them pass the Nu Html Checker (the demo crawl in
tests/pages/ sees them empty, and never sees the unsubscribe pages)."""

from __future__ import annotations

from pathlib import Path

from django.test import Client

from convene.notifications.api import notify
from convene.notifications.tokens import make

from ..pages.test_html_checker import vnu_errors


def test_the_pages_with_notifications_pass_the_checker(client, world, kind, other_kind, tmp_path):
    for number in range(25):
        notify([world.data_lead], kind.name, key=f"n{number}", text=f"News {number}", link="/")
    client.force_login(world.data_lead)
    token = make(world.data_lead.pk, [kind.name, other_kind.name])
    pages = {
        "list": client.get("/notifications/"),
        "list-2": client.get("/notifications/?page=2"),
        "preferences": client.get("/notifications/preferences/"),
        "unsubscribe": Client().get(f"/notifications/unsubscribe/{token}/"),
        "unsubscribed": Client().post(f"/notifications/unsubscribe/{token}/"),
        "invalid": Client().get("/notifications/unsubscribe/nonsense/"),
    }
    files: list[Path] = []
    for name, response in pages.items():
        file = tmp_path / f"{name}.html"
        file.write_text(response.content.decode())
        files.append(file)
    assert vnu_errors(files) == []
