"""Every e-mail Convene sends: one function per kind, each with subject, text and HTML templates.

Callers pass the recipients, found through the access policy
(``convene.collaboratives.access.people_who_may``): this module knows no app's models.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template import Context, engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def _plain(template_name: str, context: dict[str, Any]) -> str:
    # A subject is not HTML: "St. Brendan's" must not arrive as "St. Brendan&#x27;s".
    template = engines["django"].get_template(template_name)
    return template.template.render(Context(context, autoescape=False))  # type: ignore[attr-defined]


def _send(
    kind: str,
    to: list[str],
    context: dict[str, Any],
    language: str | None = None,
    headers: dict[str, str] | None = None,
    connection: Any = None,
) -> None:
    with translation.override(language or translation.get_language()):
        subject = _plain(f"emails/{kind}_subject.txt", context)
        text = render_to_string(f"emails/{kind}.txt", context)
        html = render_to_string(f"emails/{kind}.html", context)
    # One line: a header cannot hold a newline.
    message = EmailMultiAlternatives(
        " ".join(subject.split()), text, to=to, headers=headers, connection=connection
    )
    message.attach_alternative(html, "text/html")
    message.send()


def _absolute(request: HttpRequest | None, path: str) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL + path


def password_reset(context: dict[str, Any], to: str) -> None:
    """The link to choose a new password (``context`` is the one Django's reset form makes)."""
    _send("password_reset", [to], context)


def invitation(request: HttpRequest | None, invitation: Any, token: str) -> None:
    """The invitation to a role, with its single-use link."""
    link = _absolute(request, reverse("collaboratives:accept-invitation", args=[token]))
    _send(
        "invitation",
        [invitation.email],
        {
            "invitation": invitation,
            "link": link,
            "valid_until": invitation.expires_at,
        },
    )


def invitation_requested(request: HttpRequest | None, invitation: Any, to: list[str]) -> None:
    """Tells the host admins (``to``) that someone asked for a fresh invitation."""
    if not to:
        return
    link = _absolute(request, reverse("collaboratives:people", args=[invitation.collaborative_id]))
    _send("invitation_requested", to, {"invitation": invitation, "link": link})


def _unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    # RFC 8058: a mail client may offer "unsubscribe" and POST to the link without a visit.
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def notification(
    to: str,
    context: dict[str, Any],
    *,
    language: str | None,
    unsubscribe_url: str,
    connection: Any = None,
) -> None:
    """One notification, at once. ``context`` holds plain values: ``text`` (also the subject),
    ``link`` (absolute, or empty), ``kind_label``, ``list_url``, ``preferences_url`` and
    ``unsubscribe_url``. Raises whatever the mail backend raises: the caller retries."""
    _send(
        "notification",
        [to],
        {**context, "unsubscribe_url": unsubscribe_url},
        language,
        headers=_unsubscribe_headers(unsubscribe_url),
        connection=connection,
    )


def digest(
    to: str,
    context: dict[str, Any],
    *,
    language: str | None,
    unsubscribe_url: str,
    connection: Any = None,
) -> None:
    """The day's digest: ``context["items"]`` are dicts with ``text``, ``link`` and
    ``created_at``; ``kind_labels`` names the kinds that ``unsubscribe_url`` stops e-mailing."""
    _send(
        "digest",
        [to],
        {**context, "unsubscribe_url": unsubscribe_url},
        language,
        headers=_unsubscribe_headers(unsubscribe_url),
        connection=connection,
    )
