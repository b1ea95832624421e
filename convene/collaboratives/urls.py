from django.urls import path

from . import views

app_name = "collaboratives"

urlpatterns = [
    path("", views.home, name="home"),
    # Under accounts/ since before invitations moved here: the links in sent e-mails stay good.
    path("accounts/invitations/<str:token>/", views.accept_invitation, name="accept-invitation"),
    path(
        "accounts/invitations/<str:token>/ask-again/",
        views.request_new_invitation,
        name="request-invitation",
    ),
    path("invitations/<int:invitation_id>/", views.answer_invitation, name="answer-invitation"),
    path("c/new/", views.create_collaborative, name="create"),
    path("c/<int:collaborative_id>/", views.overview, name="overview"),
    path("c/<int:collaborative_id>/settings/", views.edit_collaborative, name="edit"),
    path("c/<int:collaborative_id>/delete/", views.delete_collaborative, name="delete"),
    path("c/<int:collaborative_id>/restore/", views.restore_collaborative, name="restore"),
    path("c/<int:collaborative_id>/charter/", views.charter, name="charter"),
    path("c/<int:collaborative_id>/charter/edit/", views.edit_charter, name="edit-charter"),
    path("c/<int:collaborative_id>/charter/decisions/", views.add_decision, name="add-decision"),
    path(
        "c/<int:collaborative_id>/charter/decisions/<int:decision_id>/delete/",
        views.delete_decision,
        name="delete-decision",
    ),
    path("c/<int:collaborative_id>/people/", views.people, name="people"),
    path("c/<int:collaborative_id>/people/invite/", views.invite, name="invite"),
    path(
        "c/<int:collaborative_id>/people/<int:membership_id>/end/",
        views.end_role,
        name="end-role",
    ),
    path(
        "c/<int:collaborative_id>/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke-invitation",
    ),
    path(
        "c/<int:collaborative_id>/invitations/<int:invitation_id>/resend/",
        views.resend_invitation,
        name="resend-invitation",
    ),
    path("c/<int:collaborative_id>/teams/new/", views.add_team, name="add-team"),
    path("c/<int:collaborative_id>/teams/<int:team_id>/", views.team_detail, name="team"),
    path("c/<int:collaborative_id>/teams/<int:team_id>/edit/", views.edit_team, name="edit-team"),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/delete/",
        views.delete_team,
        name="delete-team",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/invite/",
        views.invite_to_team,
        name="invite-to-team",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/members/<int:membership_id>/end/",
        views.end_team_membership,
        name="end-team-membership",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/members/<int:membership_id>/role/",
        views.change_team_role,
        name="change-team-role",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/members/<int:membership_id>/delete/",
        views.delete_team_membership,
        name="delete-team-membership",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/coaches/",
        views.assign_coach,
        name="assign-coach",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/coaches/<int:assignment_id>/end/",
        views.end_coach_assignment,
        name="end-coach-assignment",
    ),
    path("c/<int:collaborative_id>/groups/", views.peer_groups, name="groups"),
    path("c/<int:collaborative_id>/groups/<int:group_id>/", views.edit_group, name="edit-group"),
    path(
        "c/<int:collaborative_id>/groups/<int:group_id>/delete/",
        views.delete_group,
        name="delete-group",
    ),
    path("c/<int:collaborative_id>/audit/", views.audit_log, name="audit"),
    path("c/<int:collaborative_id>/deleted/", views.deleted_items, name="deleted"),
    path(
        "c/<int:collaborative_id>/deleted/<str:kind>/<int:item_id>/restore/",
        views.restore_item,
        name="restore-item",
    ),
    path("organisations/<int:organisation_id>/", views.organisation_detail, name="organisation"),
]
