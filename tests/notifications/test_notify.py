"""``notify``: one notification per person and event, how each person hears of it (their
choice, else the role's default, else the kind's), and its text as each person reads it."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from django.utils import formats, timezone, translation

from convene.notifications.api import notify
from convene.notifications.models import Channel, Notification, Preference

from ..factories import make_user

State = Notification.EmailState


def test_the_same_event_twice_tells_each_person_once(world, kind):
    first = notify([world.data_lead, world.leader], kind.name, key="report:1:due", text="Due")
    again = notify(
        [world.data_lead, world.leader, world.member], kind.name, key="report:1:due", text="Due"
    )
    assert len(first) == 2
    assert [n.recipient for n in again] == [world.member]
    assert Notification.objects.filter(recipient=world.data_lead).count() == 1
    assert Notification.objects.count() == 3


def test_each_person_hears_by_their_choice_else_by_their_roles_default_else_the_kinds(
    world, kind, other_kind
):
    Preference.objects.create(user=world.leader, kind=kind.name, channel=Channel.IN_APP)
    Preference.objects.create(user=world.member, kind=other_kind.name, channel=Channel.EMAIL)
    people = [world.data_lead, world.leader, world.member]
    notify(people, kind.name, key="k1", text="News")
    notify([world.coach], kind.name, key="k1", text="News", role="coach")
    notify(people, other_kind.name, key="k2", text="Notes")
    states = {
        (n.recipient.full_name, n.kind): n.email_state
        for n in Notification.objects.select_related("recipient")
    }
    assert states == {
        ("Data_Lead", "test_news"): State.PENDING,  # the kind's default: an e-mail at once
        ("Leader", "test_news"): State.NONE,  # chose: only under the bell
        ("Member", "test_news"): State.PENDING,
        ("Coach", "test_news"): State.DIGEST,  # coaches hear of it in the digest
        ("Data_Lead", "test_notes"): State.NONE,  # that kind's default: only under the bell
        ("Leader", "test_notes"): State.NONE,
        ("Member", "test_notes"): State.PENDING,  # chose e-mail
    }


def test_a_text_is_written_in_each_readers_language_and_time_zone(world, kind):
    lucia = make_user("Lucía", language="es", time_zone="America/Mexico_City")
    world.data_lead.time_zone = "Asia/Tokyo"
    world.data_lead.save()
    meeting = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)

    def text() -> str:
        when = formats.date_format(timezone.localtime(meeting), "DATETIME_FORMAT")
        return f"[{translation.get_language()}] {when}"

    with translation.override("en"):
        notify([world.data_lead, lucia], kind.name, key="meeting", text=text)
    texts = dict(Notification.objects.values_list("recipient__full_name", "text"))
    assert texts["Data_Lead"] == "[en] March 3, 2026, 8:30 a.m."  # the next morning in Tokyo
    assert texts["Lucía"] == "[es] 2 de marzo de 2026 a las 17:30"
    assert translation.get_language() == "en"  # the reader's language did not stay on


def test_a_pending_email_is_due_at_once(world, kind):
    moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        (made,) = notify([world.data_lead], kind.name, key="k", text="Now")
    assert made.email_state == State.PENDING and made.email_next_at == moment
