"""What the browser tests share: the accessibility check and the screenshots."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.templatetags.static import static

AXE = "vendor/axe-core/axe.min.js"  # a static file: the page's own policy lets it load
SHOTS = Path("/tmp/convene-shots")  # noqa: S108 (outside the repository on purpose)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# Reported through the console, which Playwright hears (it does not hear the browser's own
# "Refused to ..." messages): the directive, what it blocked, and where.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (event) => console.error(
    `CSP violation: ${event.effectiveDirective} refused ${event.blockedURI || "inline code"} `
    + `(${event.sourceFile || location.href}:${event.lineNumber}) `
    + (event.target.outerHTML || "").slice(0, 160)), true);"""


def watch_csp(context: Any) -> list[str]:
    """The Content-Security-Policy violations on every page of the context, as they happen."""
    violations: list[str] = []
    context.add_init_script(CSP_LISTENER)
    context.on(
        "console",
        lambda message: (
            violations.append(message.text) if message.text.startswith("CSP violation") else None
        ),
    )
    return violations


def watch_vega(context: Any) -> list[str]:
    """Vega's warnings on every page of the context: a spec it had to bend ("Dropping fit-y",
    "Conflicting scale property", "Infinite extent") is a chart drawn other than written."""
    warnings: list[str] = []
    context.on(
        "console",
        lambda message: (
            warnings.append(message.text)
            if message.type == "warning" and message.text.startswith("WARN")
            else None
        ),
    )
    return warnings


def assert_no_vega_warnings(warnings: list[str]) -> None:
    assert not warnings, "Vega warned in the console:\n" + "\n".join(warnings)


def assert_no_csp_violations(violations: list[str]) -> None:
    assert not violations, "The page broke its Content-Security-Policy:\n" + "\n".join(violations)


def assert_accessible(page: Any) -> None:
    """Fail with a readable list if axe-core finds WCAG 2.1 A/AA violations on the page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=static(AXE))
    results = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
                count: v.nodes.length,
            }));
        }""",
        WCAG,
    )
    if results:
        lines = [f"{len(results)} accessibility violation(s) on {page.url}:"]
        for v in results:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['count']} node(s)]")
            lines += [f"    {target}" for target in v["targets"]]
        raise AssertionError("\n".join(lines))


def assert_no_sideways_scroll(page: Any) -> None:
    """Fail if the page is wider than the window, naming the elements that stick out."""
    width = page.evaluate("document.documentElement.clientWidth")
    if page.evaluate("document.documentElement.scrollWidth") <= width:
        return
    culprits = page.evaluate(
        """(width) => [...document.body.querySelectorAll("*")]
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .slice(0, 5)
            .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`)""",
        width,
    )
    raise AssertionError(f"{page.url} scrolls sideways at {width} px: {culprits}")


def shoot(page: Any, name: str) -> None:
    """Save the whole page at desktop and phone widths, to look at after the run."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    current = page.viewport_size
    try:
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.screenshot(path=str(SHOTS / f"{slug}-{label}.png"), full_page=True)
        assert_no_sideways_scroll(page)
    finally:
        page.set_viewport_size(current)


def check_page(page: Any, name: str) -> None:
    """The accessibility check, the screenshots and the phone-width check a main page gets."""
    assert_accessible(page)
    shoot(page, name)
