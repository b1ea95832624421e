"""The one-click unsubscribe link of every notification e-mail: it works without signing in,
from a mail client's own POST too, and stops that kind for that person only."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core import mail, signing
from django.test import Client

from convene.notifications.api import notify
from convene.notifications.delivery import send_pending
from convene.notifications.models import Channel, Notification, Preference
from convene.notifications.tokens import make

State = Notification.EmailState


def _link_in_the_email(person, kind) -> str:
    """The path of the unsubscribe link that an e-mail of ``kind`` brought ``person``."""
    mail.outbox.clear()
    notify([person], kind.name, key=f"unsubscribe:{kind.name}", text="News", link="/")
    send_pending()
    (message,) = mail.outbox
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url in message.body
    return urlsplit(url).path


def _channel(person, kind) -> str | None:
    return (
        Preference.objects.filter(user=person, kind=kind.name)
        .values_list("channel", flat=True)
        .first()
    )


def test_the_link_shows_what_it_stops_and_stops_it_without_signing_in(world, kind):
    link = _link_in_the_email(world.data_lead, kind)
    page = Client().get(link)
    assert page.status_code == 200
    text = page.content.decode()
    assert "This stops the e-mails about Test news" in text
    assert "Stop these e-mails" in text
    assert _channel(world.data_lead, kind) is None  # a visit alone changes nothing

    done = Client().post(link)
    assert done.status_code == 200
    assert "Done: you will get no more e-mails about Test news" in done.content.decode()
    assert _channel(world.data_lead, kind) == Channel.IN_APP
    # The next news of that kind stays under the bell.
    mail.outbox.clear()
    notify([world.data_lead], kind.name, key="later", text="Later news")
    send_pending()
    assert mail.outbox == []
    assert Notification.objects.get(key="later").email_state == State.NONE


def test_a_mail_clients_one_click_post_without_a_csrf_token_works(world, kind):
    link = _link_in_the_email(world.data_lead, kind)
    client = Client(enforce_csrf_checks=True)
    response = client.post(link, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert _channel(world.data_lead, kind) == Channel.IN_APP


def test_unsubscribing_stops_the_emails_of_that_kind_still_waiting(world, kind, other_kind):
    Preference.objects.create(user=world.leader, kind=other_kind.name, channel=Channel.DIGEST)
    notify([world.leader], kind.name, key="a", text="Waiting to be sent")
    notify([world.leader], other_kind.name, key="b", text="Waiting for the digest")
    Client().post(f"/notifications/unsubscribe/{make(world.leader.pk, [kind.name])}/")
    states = dict(Notification.objects.values_list("key", "email_state"))
    assert states == {"a": State.NONE, "b": State.DIGEST}  # the other kind still goes


def test_a_link_for_one_kind_and_person_changes_nothing_else(world, kind, other_kind):
    link = _link_in_the_email(world.data_lead, kind)
    Client().post(link)
    assert _channel(world.data_lead, other_kind) is None
    assert _channel(world.leader, kind) is None
    assert Preference.objects.count() == 1


def test_a_tampered_or_foreign_token_is_a_page_in_words_and_changes_nothing(world, kind):
    token = make(world.data_lead.pk, [kind.name])
    payload, rest = token.split(":", 1)
    others = {
        "tampered": token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        # The same value signed for another purpose (no salt, as a signed cookie would be).
        "foreign": signing.dumps([world.data_lead.pk, [kind.name]], compress=True),
        # Another person's payload under this signature.
        "swapped": signing.dumps([world.leader.pk, [kind.name]], compress=True).split(":")[0]
        + ":"
        + rest,
        "not a token": "unsubscribe-me",
    }
    for what, bad in others.items():
        for method in ("get", "post"):
            response = getattr(Client(), method)(f"/notifications/unsubscribe/{bad}/")
            assert response.status_code == 404, what
            assert "This unsubscribe link is not valid" in response.content.decode(), what
    assert not Preference.objects.exists()


def test_a_digest_link_stops_every_kind_that_digest_listed(world, kind, other_kind):
    from datetime import UTC, datetime

    import time_machine

    from convene.notifications.delivery import send_digests

    for each in (kind, other_kind):
        Preference.objects.create(user=world.member, kind=each.name, channel=Channel.DIGEST)
        notify([world.member], each.name, key=each.name, text=f"About {each.label}")
    with time_machine.travel(datetime(2099, 1, 1, 8, 0, tzinfo=UTC)):
        assert send_digests() == 1
    (digest,) = mail.outbox
    assert "Stop e-mails about Test news, Test notes" in digest.body
    url = digest.extra_headers["List-Unsubscribe"].strip("<>")
    Client().post(urlsplit(url).path)
    assert _channel(world.member, kind) == _channel(world.member, other_kind) == Channel.IN_APP


def test_wrong_method_is_refused(world, kind):
    url = f"/notifications/unsubscribe/{make(world.data_lead.pk, [kind.name])}/"
    assert Client().put(url).status_code == 405
