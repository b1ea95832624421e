"""A person's notification pages: the bell, the list, opening one, marking read, preferences."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from convene.notifications import kinds
from convene.notifications.api import notify
from convene.notifications.models import Channel, Notification, Preference

LIST = "/notifications/"
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _tell(person, kind, count=1, link="/", start=0):
    made = []
    for n in range(start, start + count):
        made += notify([person], kind.name, key=f"n{n}", text=f"Message {n}", link=link)
    return made


def _checked(html: str, name: str) -> str | None:
    """The value of the radio button of ``name`` that is checked."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and " checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)  # type: ignore[union-attr]
    return None


@pytest.fixture
def lead_client(client, world):
    client.force_login(world.data_lead)
    return client


def test_the_bell_counts_the_unread_in_words_and_a_badge(lead_client, world, kind):
    _tell(world.data_lead, kind, 3)
    _tell(world.leader, kind, 2, start=10)  # someone else's
    Notification.objects.filter(key="n0").update(read_at=NOW)
    html = lead_client.get(reverse("notifications:bell")).content.decode()
    assert "Notifications, 2 unread" in html
    assert 'aria-hidden="true">2</span>' in html
    assert f'href="{LIST}"' in html
    Notification.objects.update(read_at=NOW)
    html = lead_client.get(reverse("notifications:bell")).content.decode()
    assert "Notifications, none unread" in html and "badge" not in html


def test_every_signed_in_page_has_the_bell_link_that_loads_the_count(lead_client, client):
    html = lead_client.get(reverse("collaboratives:home")).content.decode()
    assert 'id="notification-bell"' in html
    assert 'data-hx-get="/notifications/bell/"' in html and 'data-hx-trigger="load"' in html
    client.logout()
    assert 'id="notification-bell"' not in client.get(reverse("accounts:login")).content.decode()


def test_the_list_shows_newest_first_marks_unread_in_words_and_in_the_readers_time(
    lead_client, world, kind
):
    world.data_lead.time_zone = "Asia/Tokyo"
    world.data_lead.save()
    with time_machine.travel(NOW - timedelta(hours=3), tick=False):
        _tell(world.data_lead, kind, 1, start=0)
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        _tell(world.data_lead, kind, 1, start=1)
    Notification.objects.filter(key="n0").update(read_at=NOW)
    with time_machine.travel(NOW, tick=False):
        html = lead_client.get(LIST).content.decode()
    assert html.index("Message 1") < html.index("Message 0")
    assert html.count(">Unread</span>") == 1
    assert "1 unread" in html and "Mark all as read" in html
    assert "2\xa0hours ago" in html or "2 hours ago" in html
    assert 'title="March 2, 2026, 7 p.m."' in html  # 10:00 UTC in Tokyo
    assert reverse("notifications:preferences") in html


def test_the_list_says_when_there_is_nothing(lead_client):
    html = lead_client.get(LIST).content.decode()
    assert "No notifications yet" in html and "Mark all as read" not in html


def test_the_list_is_paginated(lead_client, world, kind):
    _tell(world.data_lead, kind, 25)
    first = lead_client.get(LIST).content.decode()
    second = lead_client.get(LIST + "?page=2").content.decode()
    assert first.count('class="notification-text"') == 20
    assert second.count('class="notification-text"') == 5
    assert "Page 1 of 2" in first and "?page=2" in first and "Page 2 of 2" in second


def test_opening_one_marks_it_read_and_goes_to_its_page(lead_client, world, kind):
    (note,) = _tell(world.data_lead, kind, link="/accounts/profile/")
    response = lead_client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    note.refresh_from_db()
    assert note.is_read


@pytest.mark.parametrize(
    "link", ["https://evil.example/", "//evil.example/path", "/\\evil.example", "javascript:x"]
)
def test_opening_one_never_leaves_the_site(lead_client, world, kind, link):
    (note,) = _tell(world.data_lead, kind, link=link)
    response = lead_client.get(reverse("notifications:open", args=[note.pk]), follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "does not lead to a page of Convene" in response.content.decode()


def test_anothers_notification_is_not_found(lead_client, world, kind):
    (theirs,) = _tell(world.leader, kind)
    for name, method in [("notifications:open", "get"), ("notifications:mark-read", "post")]:
        response = getattr(lead_client, method)(reverse(name, args=[theirs.pk]))
        assert response.status_code == 404, name
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_marking_one_read_without_javascript_comes_back_to_the_same_page(lead_client, world, kind):
    made = _tell(world.data_lead, kind, 25)
    oldest = made[0]
    response = lead_client.post(reverse("notifications:mark-read", args=[oldest.pk]), {"page": "2"})
    assert response.status_code == 302 and response["Location"] == LIST + "?page=2"
    oldest.refresh_from_db()
    assert oldest.is_read
    assert Notification.objects.filter(read_at__isnull=True).count() == 24


def test_marking_one_read_with_htmx_swaps_it_and_tells_the_bell(lead_client, world, kind):
    (note,) = _tell(world.data_lead, kind)
    response = lead_client.post(
        reverse("notifications:mark-read", args=[note.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and response["HX-Trigger"] == "notifications-changed"
    assert f'id="notification-{note.pk}"' in html and "Unread" not in html
    assert "Mark read" not in html
    assert 'id="unread-summary" data-hx-swap-oob="true">You have read them all.' in html


def test_marking_all_read(lead_client, world, kind):
    _tell(world.data_lead, kind, 3)
    _tell(world.leader, kind, 1, start=10)
    response = lead_client.post(reverse("notifications:mark-all-read"), follow=True)
    assert "All your notifications are marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=world.data_lead, read_at=None).exists()
    assert Notification.objects.filter(recipient=world.leader, read_at=None).count() == 1


@pytest.mark.parametrize(
    ("name", "args"),
    [("notifications:mark-read", [1]), ("notifications:mark-all-read", [])],
)
def test_wrong_method_is_refused(lead_client, name, args):
    assert lead_client.get(reverse(name, args=args)).status_code == 405


def test_the_pages_want_a_sign_in(client):
    for name in ["notifications:list", "notifications:bell", "notifications:preferences"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/")


def test_preferences_show_each_kind_with_its_default_and_save_only_what_changed(
    lead_client, world, kind, other_kind
):
    html = lead_client.get(reverse("notifications:preferences")).content.decode()
    assert _checked(html, kind.name) == Channel.EMAIL  # the defaults, where none was chosen
    assert _checked(html, other_kind.name) == Channel.IN_APP
    for each in (kind, other_kind):
        assert f"{each.label}" in html and each.description in html
    assert html.count("<fieldset") >= 2 and "<legend" in html
    assert "An e-mail at once (default)" in html and "Only here, under the bell (default)" in html
    notify([world.data_lead], kind.name, key="waiting", text="Waiting")
    # The form as a browser sends it: every kind's checked choice, two of them ours.
    sent = {each.name: _checked(html, each.name) for each in kinds.registered()}
    sent.update(
        {kind.name: Channel.IN_APP, other_kind.name: Channel.IN_APP}
    )  # the second unchanged
    response = lead_client.post(reverse("notifications:preferences"), sent, follow=True)
    assert "Your choices are saved." in response.content.decode()
    assert list(Preference.objects.values_list("kind", "channel")) == [(kind.name, Channel.IN_APP)]
    waiting = Notification.objects.get(key="waiting")
    assert waiting.email_state == Notification.EmailState.NONE  # no e-mail after "stop"
    html = response.content.decode()
    assert _checked(html, kind.name) == Channel.IN_APP
    assert _checked(html, other_kind.name) == Channel.IN_APP


def test_preferences_refuse_a_channel_that_does_not_exist(lead_client, kind):
    response = lead_client.post(reverse("notifications:preferences"), {kind.name: "pigeon"})
    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_the_profile_links_to_the_preferences(lead_client):
    html = lead_client.get(reverse("accounts:profile")).content.decode()
    assert reverse("notifications:preferences") in html


def test_query_counts_do_not_grow_with_the_notifications(
    lead_client, world, kind, django_assert_max_num_queries
):
    _tell(world.data_lead, kind, 2)
    with django_assert_max_num_queries(12) as few:
        lead_client.get(LIST)
    _tell(world.data_lead, kind, 30, start=100)
    with django_assert_max_num_queries(len(few.captured_queries)):
        lead_client.get(LIST)
    with django_assert_max_num_queries(6) as bell:
        lead_client.get(reverse("notifications:bell"))
    _tell(world.data_lead, kind, 10, start=300)
    with django_assert_max_num_queries(len(bell.captured_queries)):
        lead_client.get(reverse("notifications:bell"))
