"""A person's own notifications: the bell, the list, opening and marking read, their choices
of how to hear of each kind, and the one-click unsubscribe link of the e-mails.

With htmx, marking one read swaps that item and tells the bell to count again; without
JavaScript every button posts and the list comes back.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import kinds
from .access import notification_for, notifications_of, unsubscribe_for
from .forms import PreferencesForm
from .models import Channel, Notification, Preference

PER_PAGE = 20
CHANGED = "notifications-changed"  # the event the bell listens for


def _list_url(page: str | int | None = None) -> str:
    url = reverse("notifications:list")
    return f"{url}?page={page}" if page and str(page).isdigit() and str(page) != "1" else url


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    mine = notifications_of(request)
    page = Paginator(mine.select_related("collaborative"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    unread = mine.filter(read_at__isnull=True).count()
    return render(request, "notifications/list.html", {"page": page, "unread": unread})


@require_GET
@login_required
def bell(request: HttpRequest) -> HttpResponse:
    """The header's link to the list with the unread count, which htmx puts in on load."""
    unread = notifications_of(request).filter(read_at__isnull=True).count()
    return render(request, "notifications/_bell.html", {"unread": unread})


def _safe_link(request: HttpRequest, link: str) -> bool:
    """Only a path of this site: a notification never sends anyone elsewhere."""
    return (
        link.startswith("/")
        and not link.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()})
    )


@require_GET
@login_required
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = notification_for(request, notification_id)
    _mark(notification)
    if not notification.link:
        return redirect(_list_url())
    if not _safe_link(request, notification.link):
        messages.error(request, _("This notification's link does not lead to a page of Convene."))
        return redirect(_list_url())
    return redirect(notification.link)


def _mark(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


@require_POST
@login_required
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = notification_for(request, notification_id)
    _mark(notification)
    if request.htmx:  # type: ignore[attr-defined]
        # The item, read now, and the count above the list (swapped out of band).
        unread = notifications_of(request).filter(read_at__isnull=True).count()
        context = {"notification": notification, "unread": unread, "out_of_band": True}
        item = render_to_string("notifications/_item.html", context, request)
        summary = render_to_string("notifications/_summary.html", context, request)
        response = HttpResponse(item + summary)
        response["HX-Trigger"] = CHANGED
        return response
    return redirect(_list_url(request.POST.get("page")))


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = notifications_of(request).filter(read_at__isnull=True).update(read_at=timezone.now())
    if marked:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect(_list_url())


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    chosen = dict(Preference.objects.filter(user=request.user).values_list("kind", "channel"))
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, kinds=kinds.registered(), chosen=chosen)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "notifications/preferences.html", {"form": form}, status=400)
        for kind, channel in form.changes().items():
            Preference.choose(request.user, kind, channel)
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # a mail client's one-click POST (RFC 8058) carries no CSRF token: the token rules
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """What an e-mail's unsubscribe link stops, and the button that stops it; no sign-in."""
    try:
        user, kind_names = unsubscribe_for(token)
    except Http404:  # a page that says what is wrong with the link, not the bare "not found"
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    labels = [str(k.label) if (k := kinds.get(name)) else name for name in kind_names]
    done = request.method == "POST"
    if done:
        for name in kind_names:
            Preference.choose(user, name, Channel.IN_APP)
    return render(request, "notifications/unsubscribe.html", {"labels": labels, "done": done})
