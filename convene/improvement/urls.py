from django.urls import path

from . import coaching_views, cycles_views, diagram_views, plans_views, spread_views, views

app_name = "improvement"

urlpatterns = [
    path("c/<int:collaborative_id>/changes/", views.change_package, name="package"),
    path("c/<int:collaborative_id>/changes/concepts/new/", views.new_concept, name="new-concept"),
    path("c/<int:collaborative_id>/changes/copy/", views.copy_from, name="copy"),
    path(
        "c/<int:collaborative_id>/changes/concepts/<int:concept_id>/move/<str:direction>/",
        views.move_concept,
        name="move-concept",
    ),
    path(
        "c/<int:collaborative_id>/changes/key-changes/<int:key_change_id>/move/<str:direction>/",
        views.move_key_change,
        name="move-key-change",
    ),
    path(
        "c/<int:collaborative_id>/changes/concepts/<int:concept_id>/edit/",
        views.edit_concept,
        name="edit-concept",
    ),
    path(
        "c/<int:collaborative_id>/changes/concepts/<int:concept_id>/delete/",
        views.delete_concept,
        name="delete-concept",
    ),
    path(
        "c/<int:collaborative_id>/changes/concepts/<int:concept_id>/key-changes/new/",
        views.new_key_change,
        name="new-key-change",
    ),
    path(
        "c/<int:collaborative_id>/changes/key-changes/<int:key_change_id>/edit/",
        views.edit_key_change,
        name="edit-key-change",
    ),
    path(
        "c/<int:collaborative_id>/changes/key-changes/<int:key_change_id>/delete/",
        views.delete_key_change,
        name="delete-key-change",
    ),
]

# PDSA cycles (cycles_views.py).
urlpatterns += [
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/cycles/",
        cycles_views.team_cycles,
        name="cycles",
    ),
    path("c/<int:collaborative_id>/cycles/<int:cycle_id>/", cycles_views.cycle, name="cycle"),
    path(
        "c/<int:collaborative_id>/cycles/<int:cycle_id>/edit/",
        cycles_views.edit_cycle,
        name="edit-cycle",
    ),
    path(
        "c/<int:collaborative_id>/cycles/<int:cycle_id>/ramp/",
        cycles_views.ramp,
        name="ramp",
    ),
]

# The driver diagram (diagram_views.py).
urlpatterns += [
    path("c/<int:collaborative_id>/diagram/", diagram_views.driver_diagram, name="diagram"),
    path(
        "c/<int:collaborative_id>/diagram/file.<str:fmt>",
        diagram_views.diagram_file,
        name="diagram-file",
    ),
    path(
        "c/<int:collaborative_id>/diagram/start/",
        diagram_views.diagram_start,
        name="diagram-start",
    ),
    path("c/<int:collaborative_id>/diagram/new/", diagram_views.new_node, name="new-node"),
    path(
        "c/<int:collaborative_id>/diagram/nodes/<int:node_id>/edit/",
        diagram_views.edit_node,
        name="edit-node",
    ),
    path(
        "c/<int:collaborative_id>/diagram/nodes/<int:node_id>/move/<str:operation>/",
        diagram_views.move_node,
        name="move-node",
    ),
    path(
        "c/<int:collaborative_id>/diagram/nodes/<int:node_id>/move-under/",
        diagram_views.move_node_to,
        name="move-node-under",
    ),
    path(
        "c/<int:collaborative_id>/diagram/nodes/<int:node_id>/delete/",
        diagram_views.delete_node,
        name="delete-node",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/diagram/",
        diagram_views.team_diagram,
        name="team-diagram",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/diagram/file.<str:fmt>",
        diagram_views.team_diagram_file,
        name="team-diagram-file",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/diagram/adopt/",
        diagram_views.adopt_diagram,
        name="adopt-diagram",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/diagram/new/",
        diagram_views.new_team_node,
        name="new-team-node",
    ),
]

# The spread matrix (spread_views.py).
urlpatterns += [
    path("c/<int:collaborative_id>/changes/spread/", spread_views.spread, name="spread"),
]
# PDSA cycles: the worksheet, print view, files, comments, and the cycles teams shared.
urlpatterns += [
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/cycles/new/",
        cycles_views.new_cycle,
        name="new-cycle",
    ),
    path(
        "c/<int:collaborative_id>/cycles/<int:cycle_id>/delete/",
        cycles_views.delete_cycle,
        name="delete-cycle",
    ),
    path(
        "c/<int:collaborative_id>/cycles/<int:cycle_id>/print/",
        cycles_views.print_cycle,
        name="print-cycle",
    ),
    path(
        "c/<int:collaborative_id>/cycles/<int:cycle_id>/attachments/",
        cycles_views.add_attachment,
        name="add-attachment",
    ),
    path(
        "c/<int:collaborative_id>/cycle-files/<int:attachment_id>/",
        cycles_views.attachment,
        name="attachment",
    ),
    path(
        "c/<int:collaborative_id>/cycle-files/<int:attachment_id>/delete/",
        cycles_views.delete_attachment,
        name="delete-attachment",
    ),
    path(
        "c/<int:collaborative_id>/cycles/<int:cycle_id>/comments/",
        cycles_views.add_comment,
        name="comment-on-cycle",
    ),
    path(
        "c/<int:collaborative_id>/cycle-comments/<int:comment_id>/delete/",
        cycles_views.delete_comment,
        name="delete-cycle-comment",
    ),
    path(
        "c/<int:collaborative_id>/shared-cycles/", cycles_views.shared_cycles, name="shared-cycles"
    ),
]

# Action plans (plans_views.py) and the coach's view (coaching_views.py).

urlpatterns += [
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/action-plans/",
        plans_views.action_plans,
        name="action-plans",
    ),
    path(
        "c/<int:collaborative_id>/action-plans/<int:plan_id>/",
        plans_views.action_plan,
        name="action-plan",
    ),
    path(
        "c/<int:collaborative_id>/action-plans/<int:plan_id>/status/",
        plans_views.plan_status,
        name="plan-status",
    ),
    path(
        "c/<int:collaborative_id>/action-plans/<int:plan_id>/delete/",
        plans_views.delete_plan,
        name="delete-plan",
    ),
    path(
        "c/<int:collaborative_id>/action-plans/<int:plan_id>/steps/new/",
        plans_views.new_step,
        name="new-step",
    ),
    path(
        "c/<int:collaborative_id>/action-steps/<int:step_id>/edit/",
        plans_views.edit_step,
        name="edit-step",
    ),
    path(
        "c/<int:collaborative_id>/action-steps/<int:step_id>/delete/",
        plans_views.delete_step,
        name="delete-step",
    ),
    path(
        "c/<int:collaborative_id>/action-steps/<int:step_id>/move/<str:direction>/",
        plans_views.move_step,
        name="move-step",
    ),
    path(
        "c/<int:collaborative_id>/action-steps/<int:step_id>/to-cycle/",
        plans_views.make_cycle,
        name="step-to-cycle",
    ),
    path("c/<int:collaborative_id>/coaching/", coaching_views.coaching, name="coaching"),
    path(
        "c/<int:collaborative_id>/coaching/plans/<int:plan_id>/feedback/",
        coaching_views.plan_feedback,
        name="plan-feedback",
    ),
    path(
        "c/<int:collaborative_id>/coaching/cycles/<int:cycle_id>/feedback/",
        coaching_views.cycle_feedback,
        name="coaching-cycle-feedback",
    ),
]
