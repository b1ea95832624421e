# KeyChange.metrics takes over the link Metric.key_changes had, in the same table
# (measures_metric_key_changes, columns metric_id and keychange_id): no data moves.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("changes", "0001_change_package"),
        ("measures", "0008_key_change_links_belong_to_the_key_change"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="keychange",
                    name="metrics",
                    field=models.ManyToManyField(
                        blank=True,
                        db_table="measures_metric_key_changes",
                        related_name="key_changes",
                        to="measures.metric",
                        verbose_name="metrics",
                    ),
                ),
            ],
        ),
    ]
