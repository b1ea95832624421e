from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from convene.accounts.models import time_zone_choices
from convene.lib.forms import Styled
from convene.lib.versioning import VersionField, save_if_unchanged, version_of

from .models import (
    CharterDecision,
    Collaborative,
    CollaborativeRole,
    Organisation,
    PeerGroup,
    Team,
    TeamRole,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionedForm(Styled, forms.ModelForm):
    """A form that carries the version it was read at, to catch a colleague's edit."""

    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = version_of(self.instance)

    def save_unless_changed(self) -> bool:
        """Save the edited object unless someone saved it since this form was read: then
        store nothing and answer False."""
        with transaction.atomic():
            instance = self.save(commit=False)
            fields = [
                field.name
                for field in instance._meta.concrete_fields
                if field.name in self.cleaned_data and field.name != "version"
            ]
            if not save_if_unchanged(instance, self.cleaned_data["version"], fields):
                transaction.set_rollback(True)  # an organisation named on the way, too
                return False
            self.save_m2m()
        return True


def time_zone_field() -> forms.ChoiceField:
    """The collaborative's own clock, chosen from the zones a person chooses from."""
    return forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=Collaborative._meta.get_field("time_zone").help_text,
    )


class CollaborativeSettingsForm(VersionedForm):
    time_zone = time_zone_field()

    class Meta:
        model = Collaborative
        fields = [
            "name",
            "topic",
            "host_organisation",
            "sponsor",
            "start_on",
            "end_on",
            "status",
            "sharing",
            "time_zone",
            "chart_rules",
            "can_teams_add_metrics",
        ]
        widgets = {
            "start_on": DATE,
            "end_on": DATE,
            "sharing": forms.RadioSelect,
            "chart_rules": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_organisation"].queryset = Organisation.objects.order_by("name")


class NewCollaborativeForm(Styled, forms.ModelForm):
    new_host_organisation = forms.CharField(
        label=_("…or a new host organisation"),
        max_length=200,
        required=False,
        help_text=_("Type a name if the host organisation is not in the list."),
    )
    time_zone = time_zone_field()

    class Meta:
        model = Collaborative
        fields = [
            "name",
            "topic",
            "host_organisation",
            "sponsor",
            "start_on",
            "end_on",
            "status",
            "sharing",
            "time_zone",
            "aim_statement",
        ]
        widgets = {
            "start_on": DATE,
            "end_on": DATE,
            "sharing": forms.RadioSelect,
            "aim_statement": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, host: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The collaborative keeps its creating host's clock unless they choose another.
        if host is not None and host.time_zone in dict(time_zone_choices()):
            self.initial["time_zone"] = host.time_zone
        self.fields["host_organisation"].required = False
        self.fields["host_organisation"].queryset = Organisation.objects.order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        new_name = (data.get("new_host_organisation") or "").strip()
        if not data.get("host_organisation") and not new_name:
            self.add_error(
                "host_organisation", _("Choose the host organisation or name a new one.")
            )
        return data

    def save(self, commit: bool = True) -> Collaborative:
        new_name = self.cleaned_data.get("new_host_organisation", "").strip()
        if not self.cleaned_data.get("host_organisation") and new_name:
            self.instance.host_organisation = Organisation.objects.create(name=new_name)
        return super().save(commit)


class CharterForm(VersionedForm):
    class Meta:
        model = Collaborative
        fields = [
            "aim_statement",
            "aim_population",
            "aim_timeframe",
            "aim_change",
            "charter_purpose",
            "charter_objectives",
            "charter_scope",
            "charter_activities",
            "charter_stakeholders",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in [
                "aim_statement",
                "aim_population",
                "aim_change",
                "charter_purpose",
                "charter_objectives",
                "charter_scope",
                "charter_activities",
                "charter_stakeholders",
            ]
        }
        help_texts = {
            "aim_statement": _(
                "One sentence: by when, how much, for whom. For example: by June 2027, "
                "70% of adults with hypertension at the participating clinics will have "
                "blood pressure under 140/90."
            ),
            "aim_population": _("Who the change is for."),
            "aim_timeframe": _("By when."),
            "aim_change": _("What will change, and by how much."),
        }


class DecisionForm(Styled, forms.ModelForm):
    class Meta:
        model = CharterDecision
        fields = ["decided_on", "decision"]
        widgets = {"decided_on": DATE, "decision": forms.Textarea(attrs={"rows": 2})}


class EmailField(forms.EmailField):
    def clean(self, value: Any) -> str:
        return super().clean(value).strip().lower()


class CollaborativeInviteForm(Styled, forms.Form):
    email = EmailField(label=_("E-mail address"))
    # No role is chosen for the person: the first choice is empty, and required.
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("Choose a role")), *CollaborativeRole.choices],
        error_messages={"required": _("Choose the role this person will have.")},
    )
    message = forms.CharField(
        label=_("Personal message (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    confirm_host_admin = forms.BooleanField(
        label=_("I understand a host admin can change everything"),
        help_text=_("Only when inviting a host admin."),
        required=False,
    )

    def __init__(self, *args: Any, collaborative: Collaborative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.collaborative = collaborative

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        email, role = data.get("email"), data.get("role")
        if role == CollaborativeRole.HOST_ADMIN and not data.get("confirm_host_admin"):
            self.add_error(
                "confirm_host_admin",
                _(
                    "A host admin can change every setting, person and figure: confirm that "
                    "this is the role you mean to give."
                ),
            )
        if email and role:
            if (
                self.collaborative.memberships.current()
                .filter(user__email=email, role=role)
                .exists()
            ):
                raise forms.ValidationError(_("This person already has that role."))
            if (
                self.collaborative.invitations.pending()
                .filter(email=email, role=role, team__isnull=True)
                .exists()
            ):
                raise forms.ValidationError(
                    _("An invitation for this role is already waiting for this address.")
                )
        return data


class TeamInviteForm(Styled, forms.Form):
    email = EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Team role"), choices=TeamRole.choices)
    message = CollaborativeInviteForm.base_fields["message"]

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = team

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        email, role = data.get("email"), data.get("role")
        if email and role:
            if self.team.memberships.current().filter(user__email=email, role=role).exists():
                raise forms.ValidationError(_("This person already has that role on the team."))
            if self.team.invitations.pending().filter(email=email, role=role).exists():
                raise forms.ValidationError(
                    _("An invitation for this role is already waiting for this address.")
                )
        return data


class TeamForm(VersionedForm):
    new_organisation = forms.CharField(
        label=_("…or a new organisation"),
        max_length=200,
        required=False,
        help_text=_("Type a name if the team's organisation is not in the list."),
    )

    class Meta:
        model = Team
        fields = ["name", "organisation", "joined_on", "history_from"]
        widgets = {"joined_on": DATE, "history_from": DATE}

    def __init__(self, *args: Any, collaborative: Collaborative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.collaborative = collaborative
        self.fields["joined_on"].required = True
        if self.instance.pk is None:
            # Added before the start, a team joins at the start (and owes its first period).
            self.initial.setdefault("joined_on", Team.default_joined_on(collaborative))
        self.fields["organisation"].required = False
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = self.collaborative.teams.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another team in this collaborative has that name."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("organisation") and not (data.get("new_organisation") or "").strip():
            self.add_error("organisation", _("Choose the organisation or name a new one."))
        joined_on, history_from = data.get("joined_on"), data.get("history_from")
        if joined_on and history_from and history_from >= joined_on:
            self.add_error(
                "history_from", _("Baseline history comes before the date the team joined.")
            )
        return data

    def save(self, commit: bool = True) -> Team:
        new_name = self.cleaned_data.get("new_organisation", "").strip()
        if not self.cleaned_data.get("organisation") and new_name:
            self.instance.organisation = Organisation.objects.create(name=new_name)
        self.instance.collaborative = self.collaborative
        return super().save(commit)


class ChangeTeamRoleForm(Styled, forms.Form):
    role = forms.ChoiceField(label=_("New role"), choices=TeamRole.choices)


def coaches_of(collaborative: Collaborative) -> Any:
    return (
        get_user_model()
        .objects.filter(
            collaborative_memberships__collaborative=collaborative,
            collaborative_memberships__role=CollaborativeRole.COACH,
            collaborative_memberships__ended_at__isnull=True,
            collaborative_memberships__deleted_at__isnull=True,
        )
        .distinct()
        .order_by("full_name")
    )


class AssignCoachForm(Styled, forms.Form):
    coach = forms.ModelChoiceField(label=_("Coach"), queryset=None)

    def __init__(self, *args: Any, collaborative: Collaborative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coaches_of(collaborative)


class PeerGroupForm(VersionedForm):
    class Meta:
        model = PeerGroup
        fields = ["name", "basis", "coach", "teams"]
        widgets = {"teams": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, collaborative: Collaborative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.collaborative = collaborative
        self.fields["coach"].queryset = coaches_of(collaborative)
        self.fields["teams"].queryset = collaborative.teams.order_by("name")


class AuditFilterForm(Styled, forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any action"))],
    )
    object_type = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind"))])
    actor = forms.ModelChoiceField(
        label=_("Person"), required=False, queryset=None, empty_label=_("Anyone")
    )
    since = forms.DateField(label=_("From"), required=False, widget=DATE)
    until = forms.DateField(label=_("To"), required=False, widget=DATE)
    q = forms.CharField(label=_("Contains"), required=False, max_length=100)

    def __init__(self, *args: Any, actors: Any, object_types: list[tuple[str, str]], **kw: Any):
        super().__init__(*args, **kw)
        from .models import AuditEvent

        self.fields["action"].choices = [("", _("Any action")), *AuditEvent.Action.choices]
        self.fields["object_type"].choices = [("", _("Any kind")), *object_types]
        self.fields["actor"].queryset = actors
