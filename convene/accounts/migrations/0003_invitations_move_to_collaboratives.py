# Invitations belong to the collaboratives app now (collaboratives/0004); the table
# accounts_invitation and its rows stay where they are.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_invitation_links"),
        ("collaboratives", "0003_teams_may_add_own_metrics"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Invitation")],
        ),
    ]
