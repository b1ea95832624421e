"""Every page of the demo passes the Nu Html Checker (vnu), as each role sees it.

The demo is loaded, then each persona's pages are found by following the links from their
home page (two pages of each kind at most: a team's page stands for every team's), and every
HTML answer, htmx fragments aside, is checked by the real checker in one run of Java.
scripts/test.sh installs the checker (npm's vnu-jar) into .cache/; without it or without Java
the test says why it cannot run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from convene.accounts.models import User

REPO = Path(__file__).resolve().parents[2]
VNU_JAR = Path(
    os.environ.get("VNU_JAR", REPO / ".cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
)
PERSONAS = ["hana.okafor", "carmen.diaz", "dana.morgan", "olivia.grant", "luis.ortega"]
PER_KIND = 2  # pages of one URL pattern checked per persona
NOT_FOLLOWED = ("admin:", "accounts:logout", "set_language")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.found.append(href)


def _kind(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name
    return None if name.startswith(NOT_FOLLOWED) or "." in path.rsplit("/", 1)[-1] else name


def crawl(client: Client, start: str = "/") -> dict[str, str]:
    """The HTML pages reachable from ``start`` by links of this site: {url: html}."""
    pages: dict[str, str] = {}
    seen_kinds: Counter[str] = Counter()
    queue, queued = [start], {start}
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        parser = _Links()
        parser.feed(html)
        for href in parser.found:
            link = urldefrag(href).url
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            kind = _kind(parts.path)
            if kind is None or link in queued or seen_kinds[kind] >= PER_KIND:
                continue
            seen_kinds[kind] += 1
            queued.add(link)
            queue.append(link)
    return pages


def vnu_errors(files: list[Path], *flags: str) -> list[str]:
    """The checker's errors for ``files``, as "file:line: message"."""
    java = shutil.which("java")
    if not java or not VNU_JAR.exists():
        why = "the Nu Html Checker needs Java and vnu.jar (scripts/test.sh installs both)"
        if os.environ.get("VNU_REQUIRED"):
            pytest.fail(why)
        pytest.skip(why)
    result = subprocess.run(  # noqa: S603
        [java, "-jar", str(VNU_JAR), *flags, "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]


@pytest.mark.django_db
def test_every_page_passes_the_nu_html_checker(tmp_path: Path) -> None:
    call_command("load_demo", verbosity=0)
    files: list[Path] = []
    where: dict[str, str] = {}
    for persona in PERSONAS:
        client = Client()
        client.force_login(User.objects.get(email=f"{persona}@demo.convene.test"))
        for number, (url, html) in enumerate(crawl(client).items()):
            file = tmp_path / f"{persona}-{number:03}.html"
            file.write_text(html)
            files.append(file)
            where[file.name] = f"{persona} {url}"
    anonymous = Client()
    for number, url in enumerate(["/accounts/sign-in/", "/accounts/password/reset/"]):
        file = tmp_path / f"anonymous-{number:03}.html"
        file.write_text(anonymous.get(url).content.decode())
        files.append(file)
        where[file.name] = f"anonymous {url}"
    assert len(files) > 60  # the crawl reached the pages of every role
    errors = vnu_errors(files)
    assert not errors, "\n".join(
        f"{where[e.split(':', 1)[0]]}: {e.split(':', 1)[1]}" for e in errors[:40]
    )


def test_our_stylesheets_pass_the_css_checker() -> None:
    """A stylesheet with one unclosed block loses every rule after it, silently: a merge once
    left ``@media print {`` open and the spread matrix lost its colours."""
    sheets = sorted((REPO / "static/css").glob("*.css"))
    assert sheets
    errors = vnu_errors(sheets, "--css")
    assert not errors, "\n".join(errors)
