# The link between metrics and key changes moves to the key change (KeyChange.metrics):
# only Django's idea of the models changes; the table measures_metric_key_changes stays.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0007_trial_review_keeps_the_records"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="metric", name="key_changes"),
            ],
        ),
    ]
