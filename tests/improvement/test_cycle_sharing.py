"""Cycles teams share, their comments and their files: who reads, who writes, under which name."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from convene.improvement import signals
from convene.improvement.models import Comment, CycleAttachment, PDSACycle

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def make_cycle(world, title="Quiet room first", team=None, shared=False, **fields) -> PDSACycle:
    return PDSACycle.objects.create(
        collaborative=world.collaborative,
        team=team or world.team_a,
        title=title,
        own_idea="Quiet room",
        is_shared=shared,
        shared_at=timezone.now() if shared else None,
        **fields,
    )


def url(name, world, *args):
    return reverse(f"improvement:{name}", args=[world.collaborative.pk, *args])


def set_sharing(world, sharing: str) -> None:
    world.collaborative.sharing = sharing
    world.collaborative.save(update_fields=["sharing"])


# --- the shared list --------------------------------------------------------------------------


def test_shared_cycles_newest_first_under_the_label_the_viewer_may_see(client, world) -> None:
    now = timezone.now()
    make_cycle(world, "B's older test", team=world.team_b, shared=True)
    PDSACycle.objects.filter(title="B's older test").update(shared_at=now - timedelta(days=3))
    make_cycle(world, "A's newer test", shared=True)
    make_cycle(world, "B's private test", team=world.team_b)
    client.force_login(world.member)  # team A, anonymised sharing
    body = client.get(url("shared-cycles", world)).content.decode()
    assert body.index("A&#x27;s newer test") < body.index("B&#x27;s older test")
    assert "Team B" in body and "Valley clinic" not in body
    assert "B&#x27;s private test" not in body
    assert "Eastside clinic" in body  # the viewer's own team by its name
    ids_in_links = set(re.findall(r"/teams/(\d+)/", body))
    assert str(world.team_b.pk) not in ids_in_links  # no link names the other team
    set_sharing(world, "named")
    body = client.get(url("shared-cycles", world)).content.decode()
    assert "Valley clinic" in body


def test_under_aggregate_sharing_other_teams_see_none(client, world) -> None:
    set_sharing(world, "aggregate")
    theirs = make_cycle(world, "B's shared test", team=world.team_b, shared=True)
    make_cycle(world, "A's shared test", shared=True)
    client.force_login(world.member)
    body = client.get(url("shared-cycles", world)).content.decode()
    assert "A&#x27;s shared test" in body and "B&#x27;s shared test" not in body
    assert client.get(url("cycle", world, theirs.pk)).status_code == 403
    client.force_login(world.faculty)  # sees every team, by name
    body = client.get(url("shared-cycles", world)).content.decode()
    assert "B&#x27;s shared test" in body and "Valley clinic" in body


def test_observers_do_not_read_shared_cycles(client, world) -> None:
    cycle = make_cycle(world, shared=True)
    client.force_login(world.observer)
    assert client.get(url("shared-cycles", world)).status_code == 403
    assert client.get(url("cycle", world, cycle.pk)).status_code == 403


@pytest.mark.parametrize("count", [1, 10])
def test_the_shared_list_costs_the_same_however_many(
    client, world, django_assert_max_num_queries, count
) -> None:
    for number in range(count):
        make_cycle(
            world, f"Shared {number}", team=[world.team_a, world.team_b][number % 2], shared=True
        )
    client.force_login(world.member)
    with django_assert_max_num_queries(12):
        response = client.get(url("shared-cycles", world))
    assert response.content.decode().count("Shared ") >= count


def test_another_teams_cycle_page_shows_its_letter_and_no_link_to_the_team(client, world) -> None:
    theirs = make_cycle(world, "B's shared test", team=world.team_b, shared=True)
    client.force_login(world.member)
    body = client.get(url("cycle", world, theirs.pk)).content.decode()
    assert "Team B" in body and "Valley clinic" not in body
    assert f"/teams/{world.team_b.pk}/" not in body
    assert "Edit the worksheet" not in body and "Delete this cycle" not in body
    body = client.get(url("ramp", world, theirs.pk)).content.decode()
    assert "Team B" in body and "Valley clinic" not in body
    assert f"/teams/{world.team_b.pk}/" not in body


def test_the_ramp_of_another_team_shows_only_its_shared_cycles(client, world) -> None:
    first = make_cycle(world, "Shared first", team=world.team_b, shared=True)
    private = make_cycle(world, "Kept private", team=world.team_b, builds_on=first)
    make_cycle(world, "Shared third", team=world.team_b, shared=True, builds_on=private)
    client.force_login(world.member)
    body = client.get(url("ramp", world, first.pk)).content.decode()
    assert "Shared first" in body and "Shared third" in body and "Kept private" not in body


# --- comments ---------------------------------------------------------------------------------


def test_a_coach_comments_on_a_shared_cycle_and_the_hook_is_sent_once(client, world) -> None:
    theirs = make_cycle(world, team=world.team_b, shared=True)
    sent = []

    def listen(sender, comment, **kwargs):
        sent.append((sender, comment))

    signals.cycle_commented.connect(listen)
    try:
        client.force_login(world.coach)  # coaches team A, reads B's shared cycle
        response = client.post(url("comment-on-cycle", world, theirs.pk), {"text": "Try mornings"})
    finally:
        signals.cycle_commented.disconnect(listen)
    comment = Comment.objects.get()
    assert response["Location"] == url("cycle", world, theirs.pk) + f"#comment-{comment.pk}"
    assert (comment.cycle, comment.author, comment.text) == (theirs, world.coach, "Try mornings")
    assert sent == [(Comment, comment)]
    client.force_login(world.other_team)
    body = client.get(url("cycle", world, theirs.pk)).content.decode()
    assert "Try mornings" in body and "Coach" in body  # people are named, teams anonymised


def test_an_empty_comment_is_not_saved_nor_sent(client, world) -> None:
    cycle = make_cycle(world)
    sent = []

    def listen(**kwargs):
        sent.append(kwargs)

    signals.cycle_commented.connect(listen)
    try:
        client.force_login(world.member)
        client.post(url("comment-on-cycle", world, cycle.pk), {"text": "  "})
    finally:
        signals.cycle_commented.disconnect(listen)
    assert not Comment.objects.exists() and sent == []


def test_the_author_or_a_host_deletes_a_comment(client, world) -> None:
    cycle = make_cycle(world, shared=True)
    comment = Comment.objects.create(cycle=cycle, author=world.other_team, text="Nice")
    client.force_login(world.member)
    assert client.post(url("delete-cycle-comment", world, comment.pk)).status_code == 403
    client.force_login(world.other_team)
    assert client.post(url("delete-cycle-comment", world, comment.pk)).status_code == 302
    comment = Comment.all_objects.get()
    assert comment.deleted_by == world.other_team
    assert "Nice" not in client.get(url("cycle", world, cycle.pk)).content.decode()
    second = Comment.objects.create(cycle=cycle, author=world.other_team, text="Again")
    client.force_login(world.host)
    assert client.post(url("delete-cycle-comment", world, second.pk)).status_code == 302


# --- attachments ------------------------------------------------------------------------------


def upload(client, world, cycle, name="run chart.pdf", content=PDF):
    file = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(url("add-attachment", world, cycle.pk), {"file": file})


def test_a_team_member_attaches_a_file_and_readers_download_it(client, world, settings) -> None:
    cycle = make_cycle(world)
    client.force_login(world.data_lead)
    assert upload(client, world, cycle).status_code == 302
    attachment = CycleAttachment.objects.get()
    assert attachment.name == "run chart.pdf" and attachment.size == len(PDF)
    assert attachment.file.name.startswith("uploads/cycles/") and "run" not in attachment.file.name
    assert (settings.MEDIA_ROOT / attachment.file.name).read_bytes() == PDF
    body = client.get(url("cycle", world, cycle.pk)).content.decode()
    assert url("attachment", world, attachment.pk) in body
    client.force_login(world.coach)
    response = client.get(url("attachment", world, attachment.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"].split("; ")


def test_a_disguised_file_is_refused_with_a_message(client, world) -> None:
    cycle = make_cycle(world)
    client.force_login(world.data_lead)
    response = upload(client, world, cycle, "results.pdf", b"<html><script>x</script></html>")
    assert not CycleAttachment.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "This kind of file is not accepted." in page


def test_files_are_not_served_to_those_who_may_not_read_the_cycle(client, world) -> None:
    cycle = make_cycle(world)
    client.force_login(world.data_lead)
    upload(client, world, cycle)
    attachment = CycleAttachment.objects.get()
    target = url("attachment", world, attachment.pk)
    for persona, status in (("other_team", 403), ("other_coach", 403), ("observer", 403)):
        client.force_login(world.people[persona])
        assert client.get(target).status_code == status, persona
    client.force_login(world.outsider)
    assert client.get(target).status_code == 404
    other = reverse("improvement:attachment", args=[world.other_collaborative.pk, attachment.pk])
    assert client.get(other).status_code == 404  # its id under the outsider's collaborative
    client.force_login(world.member)
    assert client.post(target).status_code == 405
    # Once the cycle is shared, the other team may read it, and its file.
    cycle.is_shared = True
    cycle.save()
    client.force_login(world.other_team)
    assert client.get(target).status_code == 200
    assert client.post(url("delete-attachment", world, attachment.pk)).status_code == 403


def test_a_removed_file_is_no_longer_served(client, world) -> None:
    cycle = make_cycle(world)
    client.force_login(world.data_lead)
    upload(client, world, cycle)
    attachment = CycleAttachment.objects.get()
    client.post(url("delete-attachment", world, attachment.pk))
    assert client.get(url("attachment", world, attachment.pk)).status_code == 404
    assert CycleAttachment.all_objects.get().deleted_by == world.data_lead
    cycle.soft_delete(world.data_lead)  # files of a deleted cycle are not served either
    restored = CycleAttachment.all_objects.get()
    restored.restore()
    assert client.get(url("attachment", world, attachment.pk)).status_code == 404


# --- who wrote a comment ----------------------------------------------------------------------


def _commented_by_team_b(world) -> PDSACycle:
    cycle = make_cycle(world, shared=True)
    Comment.objects.create(cycle=cycle, author=world.other_team, text="We tried this too.")
    Comment.objects.create(cycle=cycle, author=world.coach, text="Well planned.")
    return cycle


def test_a_member_of_a_team_shown_by_its_letter_signs_with_the_letter(client, world) -> None:
    """Anonymised: team A reads team B's comment as "A member of Team B", never the person's
    name (which would name the team); the coach, who is on no team, keeps her name."""
    cycle = _commented_by_team_b(world)
    author = world.other_team.get_full_name()
    client.force_login(world.data_lead)
    body = client.get(url("cycle", world, cycle.pk)).content.decode()
    assert "We tried this too." in body
    assert "A member of Team B" in body and author not in body
    assert world.coach.get_full_name() in body


def test_names_are_shown_where_the_team_is_named(client, world) -> None:
    cycle = _commented_by_team_b(world)
    author = world.other_team.get_full_name()
    client.force_login(world.host)  # hosts see every team by name
    assert author in client.get(url("cycle", world, cycle.pk)).content.decode()
    set_sharing(world, "named")
    client.force_login(world.data_lead)
    body = client.get(url("cycle", world, cycle.pk)).content.decode()
    assert author in body and "A member of" not in body
