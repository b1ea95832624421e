"""Two believable demo collaboratives; running it again adds only what is missing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from convene.collaboratives.audit import acting_as
from convene.collaboratives.models import (
    CharterDecision,
    Collaborative,
    Invitation,
    Organisation,
    PeerGroup,
    Team,
    TeamMembership,
)
from convene.demo.world import COLLABORATIVES, DEMO_PASSWORD, PEOPLE


class Command(BaseCommand):
    help = "Load the demo collaboratives, organisations, teams and people (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        started = timezone.now()
        users = self._people()
        with acting_as(users["hana.okafor@demo.convene.test"]):
            for spec in COLLABORATIVES:
                self._collaborative(spec, users)
        from convene.demo.notices import load_notices

        load_notices(started)
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))

    def _people(self) -> dict[str, Any]:
        User = get_user_model()
        # Hash the shared demo password once: Argon2 is slow on purpose.
        template = User(email="template@demo.convene.test")
        template.set_password(DEMO_PASSWORD)
        users = {}
        for email, name, extra in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create(
                    email=email, full_name=name, password=template.password, **extra
                )
            users[email] = user
        return users

    def _organisation(self, spec: dict[str, str]) -> Organisation:
        organisation, _created = Organisation.objects.get_or_create(
            name=spec["name"], defaults={k: v for k, v in spec.items() if k != "name"}
        )
        return organisation

    def _collaborative(self, spec: dict[str, Any], users: dict[str, Any]) -> None:
        fields = dict(spec["fields"])
        fields["host_organisation"] = self._organisation(spec["host"])
        collaborative = Collaborative.all_objects.filter(name=fields["name"]).first()
        if collaborative is None:
            collaborative = Collaborative.objects.create(
                created_by=users["hana.okafor@demo.convene.test"], **fields
            )
        for email, role in spec["roles"]:
            collaborative.add_member(users[email], role)
        for decided_on, text in spec["decisions"]:
            CharterDecision.objects.get_or_create(
                collaborative=collaborative,
                decision=text,
                defaults={"decided_on": decided_on, "author": users[spec["roles"][0][0]]},
            )
        teams = {}
        for team_spec in spec["teams"]:
            team = self._team(collaborative, team_spec, users)
            teams[team.name] = team
        for group_spec in spec["groups"]:
            group, _created = PeerGroup.objects.get_or_create(
                collaborative=collaborative,
                name=group_spec["name"],
                defaults={"basis": group_spec["basis"], "coach": users.get(group_spec["coach"])},
            )
            group.teams.add(*[teams[name] for name in group_spec["teams"]])
        self._measures(collaborative, spec)
        # Then what the teams did with it: the driver diagram, PDSA cycles, action plans.
        from convene.demo.improvement import load_improvement

        load_improvement(collaborative, spec, users)
        self._check_ins(collaborative, spec, teams, users)
        for email, role, team_name in spec.get("pending_invitations", []):
            if not Invitation.objects.filter(collaborative=collaborative, email=email).exists():
                Invitation.issue(
                    collaborative=collaborative,
                    team=teams.get(team_name),
                    email=email,
                    role=role,
                    invited_by=users[spec["roles"][0][0]],
                )

    def _check_ins(
        self, collaborative: Collaborative, spec: dict[str, Any], teams: dict, users: dict
    ) -> None:
        from convene.notifications.models import CheckIn

        today = collaborative.today()
        for team_name, coach, days_ago, how, notes, follow_up, follow_up_in in spec.get(
            "check_ins", []
        ):
            team = teams[team_name]
            if CheckIn.all_objects.filter(team=team).exists():
                continue
            held_on = today - timedelta(days=days_ago)
            with acting_as(users[coach]):
                CheckIn.objects.create(
                    team=team,
                    author=users[coach],
                    held_on=held_on,
                    how=how,
                    notes=notes,
                    follow_up=follow_up,
                    follow_up_on=held_on + timedelta(days=follow_up_in),
                )

    def _measures(self, collaborative: Collaborative, spec: dict[str, Any]) -> None:
        from convene.demo.figures import load_trials, load_values
        from convene.measures.library import library_fields
        from convene.measures.models import Metric, ReportingSchedule, Stratification, Stratum

        strata = {}
        for name, groups in spec.get("strata", {}).items():
            stratification, _created = Stratification.objects.get_or_create(
                collaborative=collaborative, name=name
            )
            for position, group in enumerate(groups):
                Stratum.objects.get_or_create(
                    stratification=stratification, name=group, defaults={"position": position}
                )
            strata[name] = stratification
        for position, (key, extra, strata_name) in enumerate(spec.get("metrics", [])):
            fields = library_fields(key)
            if not collaborative.metrics.filter(short_name=fields["short_name"]).exists():
                metric = Metric(collaborative=collaborative, position=position, **fields, **extra)
                metric.stratification = strata.get(strata_name)
                metric.full_clean()
                metric.save()
        self._change_package(collaborative, spec.get("change_package", []))
        if (
            "schedule" in spec
            and not ReportingSchedule.objects.filter(collaborative=collaborative).exists()
        ):
            ReportingSchedule.objects.create(
                collaborative=collaborative, **spec["schedule"]
            ).sync_periods()
        # Each team's data lead sent a trial run, then "entered" its figures.
        waiting = frozenset(spec.get("trial_waiting", ()))
        load_trials(collaborative, waiting)
        load_values(collaborative, waiting, spec.get("stopped_reporting"))

    def _change_package(self, collaborative: Collaborative, concepts: list[Any]) -> None:
        from convene.improvement.models import ChangeConcept, KeyChange

        metrics = {m.short_name: m for m in collaborative.metrics.filter(team__isnull=True)}
        for position, (name, description, key_changes) in enumerate(concepts):
            concept, _created = ChangeConcept.objects.get_or_create(
                collaborative=collaborative,
                name=name,
                defaults={"description": description, "position": position},
            )
            for index, (change, what, measured_by) in enumerate(key_changes):
                key_change, created = KeyChange.objects.get_or_create(
                    concept=concept, name=change, defaults={"description": what, "position": index}
                )
                if created:
                    key_change.metrics.set([metrics[short] for short in measured_by])

    def _team(self, collaborative: Collaborative, spec: dict[str, Any], users: dict) -> Team:
        organisation = self._organisation(spec["organisation"])
        team = Team.objects.filter(collaborative=collaborative, name=spec["name"]).first()
        if team is None:
            team = Team.objects.create(
                collaborative=collaborative,
                organisation=organisation,
                name=spec["name"],
                joined_on=collaborative.start_on,
            )
        # Noon, so the date reads the same in every demo person's time zone.
        start = timezone.make_aware(
            datetime.combine(collaborative.start_on, time(12)), timezone.get_fixed_timezone(0)
        )
        for email, role in spec["members"]:
            if not TeamMembership.all_objects.filter(team=team, user=users[email]).exists():
                membership = team.add_member(users[email], role)
                membership.started_at = start
                membership.save(update_fields=["started_at"])
        # History the toolkit asks hosts to keep: someone who left, a role that changed.
        for email, role, months_in in spec.get("left", []):
            user = users[email]
            if not TeamMembership.all_objects.filter(team=team, user=user).exists():
                TeamMembership.objects.create(
                    team=team,
                    user=user,
                    role=role,
                    started_at=start,
                    ended_at=start + timedelta(days=30 * months_in),
                )
        for email, old_role, new_role, months_in in spec.get("changed", []):
            user = users[email]
            if not TeamMembership.all_objects.filter(team=team, user=user).exists():
                changed_at = start + timedelta(days=30 * months_in)
                TeamMembership.objects.create(
                    team=team, user=user, role=old_role, started_at=start, ended_at=changed_at
                )
                TeamMembership.objects.create(
                    team=team, user=user, role=new_role, started_at=changed_at
                )
        if spec.get("coach"):
            assignment = team.assign_coach(users[spec["coach"]])
            if assignment.started_at > start:
                assignment.started_at = start
                assignment.save(update_fields=["started_at"])
        return team
