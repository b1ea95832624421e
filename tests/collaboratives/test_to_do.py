"""The home page's to-do list: what awaits a person across collaboratives, overdue first."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from convene.collaboratives import providers
from convene.collaboratives.models import Invitation, Team, TeamRole

from ..factories import make_collaborative, make_team

HOME = "/"


def _items(page: str) -> list[str]:
    section = page[page.index('id="to-do-heading"') : page.index("</section>")]
    return re.findall(r'<a href="[^"]*" class="fw-semibold">([^<]*)</a>', section)


@pytest.fixture
def reports_to_submit():
    """A provider as the reporting app registers one: a report per team the person leads."""
    seen: list[dict] = []

    def provider(user, accesses):
        seen.append(accesses)
        led = [pk for access in accesses.values() for pk in access.lead_team_ids]
        return [  # one query, however many collaboratives: as a provider must
            providers.ToDo(
                text=f"Submit {team.name}'s February report",
                link=f"/c/{team.collaborative_id}/teams/{team.pk}/reports/feb/",
                collaborative=accesses[team.collaborative_id].collaborative,
                due_on=date(2026, 3, 10),
                is_overdue=team.name.startswith("Late"),
            )
            for team in Team.objects.filter(pk__in=led)
        ]

    providers.register_to_do("test.reports", provider)
    yield seen
    providers._TO_DO.pop("test.reports")


def test_an_empty_list_says_so_in_words(client, world):
    client.force_login(world.observer)
    page = client.get(HOME).content.decode()
    assert "To do" in page and "Nothing waits for you" in page


def test_items_of_every_provider_show_overdue_first_then_by_date(client, world, reports_to_submit):
    late = make_collaborative("Sepsis Collaborative")
    make_team(late, "Late clinic").add_member(world.data_lead, TeamRole.DATA_LEAD)
    Invitation.issue(
        collaborative=make_collaborative("Asthma Collaborative"),
        email=world.data_lead.email.upper(),
        role="faculty",
    )
    client.force_login(world.data_lead)
    page = client.get(HOME).content.decode()
    assert _items(page) == [
        "Submit Late clinic&#x27;s February report",
        "Submit Eastside clinic&#x27;s February report",
        "Answer the invitation to join as faculty",
    ]
    assert "Overdue" in page and "Sepsis Collaborative" in page and "Asthma Collaborative" in page
    # The accesses came loaded, for every collaborative the person takes part in.
    assert {a.collaborative.name for a in reports_to_submit[0].values()} == {
        "Hypertension Collaborative",
        "Sepsis Collaborative",
    }


def test_only_pending_invitations_to_the_person_s_address_are_to_answer(client, world):
    other = make_collaborative("Asthma Collaborative")
    answered, _t = Invitation.issue(collaborative=other, email=world.member.email, role="faculty")
    answered.accept(world.member)
    withdrawn, _t = Invitation.issue(collaborative=other, email=world.member.email, role="coach")
    withdrawn.revoke()
    Invitation.issue(collaborative=other, email="someone.else@example.test", role="observer")
    team = make_team(other, "Harbour clinic")
    Invitation.issue(collaborative=other, team=team, email=world.member.email, role="data_lead")
    client.force_login(world.member)
    page = client.get(HOME).content.decode()
    assert _items(page) == ["Answer the invitation to join Harbour clinic as data lead"]


def test_the_invitation_link_lets_the_invited_person_accept(client, world):
    other = make_collaborative("Asthma Collaborative")
    invitation, _token = Invitation.issue(
        collaborative=other, email=world.member.email, role="faculty"
    )
    url = reverse("collaboratives:answer-invitation", args=[invitation.pk])
    client.force_login(world.observer)  # not the invited address
    assert client.get(url).status_code == 404
    client.force_login(world.member)
    assert "Asthma Collaborative" in client.get(url).content.decode()
    response = client.post(url)
    assert response["Location"] == reverse("collaboratives:overview", args=[other.pk])
    assert other.memberships.current().filter(user=world.member, role="faculty").exists()
    assert client.get(url).status_code == 404  # answered: nothing left to answer
    assert "Answer the invitation" not in client.get(HOME).content.decode()


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


def _join(world, index: int) -> None:
    collaborative = make_collaborative(f"Collaborative {index}")
    make_team(collaborative, f"Clinic {index}").add_member(world.data_lead, TeamRole.DATA_LEAD)
    Invitation.issue(collaborative=collaborative, email=world.data_lead.email, role="observer")


def test_queries_do_not_grow_with_the_collaboratives(client, world, reports_to_submit):
    client.force_login(world.data_lead)
    _join(world, 1)
    small = _count(client)
    for index in range(2, 7):
        _join(world, index)
    assert _count(client) == small
    page = client.get(HOME).content.decode()
    assert len(_items(page)) == 1 + 6 + 6
