# Invitations move here from accounts (accounts/0003), which must not point up at
# collaboratives. Only Django's idea of the models changes: the table keeps its name
# (accounts_invitation). Audit events and content types take the new label, so the audit
# log's filters and links keep working for old events.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = {("accounts", "invitation"): ("collaboratives", "invitation")}


def relabel(apps, schema_editor, moves=MOVED):
    """Rename the moved models' app label in audit events and content types."""
    event = apps.get_model("collaboratives", "AuditEvent")
    content_type = apps.get_model("contenttypes", "ContentType")
    for (old_app, model), (new_app, new_model) in moves.items():
        event.objects.filter(object_type=f"{old_app}.{model}").update(
            object_type=f"{new_app}.{new_model}"
        )
        if not content_type.objects.filter(app_label=new_app, model=new_model).exists():
            content_type.objects.filter(app_label=old_app, model=model).update(
                app_label=new_app, model=new_model
            )


def unlabel(apps, schema_editor):
    relabel(apps, schema_editor, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("collaboratives", "0003_teams_may_add_own_metrics"),
        ("accounts", "0003_invitations_move_to_collaboratives"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Invitation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("email", models.EmailField(max_length=254, verbose_name="e-mail address")),
                        ("role", models.CharField(max_length=32, verbose_name="role")),
                        ("message", models.TextField(blank=True, verbose_name="personal message")),
                        (
                            "token_hash",
                            models.CharField(editable=False, max_length=64, unique=True),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("expires_at", models.DateTimeField()),
                        ("accepted_at", models.DateTimeField(blank=True, null=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "accepted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="accepted_invitations",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "collaborative",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="invitations",
                                to="collaboratives.collaborative",
                            ),
                        ),
                        (
                            "invited_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="invitations",
                                to="collaboratives.team",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "invitation",
                        "verbose_name_plural": "invitations",
                        "db_table": "accounts_invitation",
                        "ordering": ["-created_at"],
                    },
                ),
            ],
        ),
        migrations.RunPython(relabel, unlabel),
    ]
