# The trial run's models, moved here from measures (measures/0009) with their tables
# unchanged. Audit events and content types take the new label.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = {
    ("measures", "trialrun"): ("trials", "trialrun"),
    ("measures", "trialrecord"): ("trials", "trialrecord"),
    ("measures", "trialanswer"): ("trials", "trialanswer"),
    ("measures", "trialreview"): ("trials", "trialreview"),
}


def relabel(apps, schema_editor, moves=None):
    """Rename the moved models' app label in audit events and content types."""
    moves = MOVED if moves is None else moves
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

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('collaboratives', '0004_invitations_move_in'),
        ('measures', '0009_figures_and_trials_move_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='TrialRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Awaiting review'), ('returned', 'Returned to the team'), ('accepted', 'Accepted'), ('excused', 'Excused')], default='draft', max_length=10, verbose_name='status')),
                        ('questions', models.TextField(blank=True, help_text='What was unclear in the definitions, hard to find in the records, or slow to collect? The host reads this with the records.', verbose_name='questions and problems')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True)),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('team', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='trial_run', to='collaboratives.team')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'trial run',
                        'verbose_name_plural': 'trial runs',
                        'db_table': 'measures_trialrun',
                    },
                ),
                migrations.CreateModel(
                    name='TrialReview',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('decision', models.CharField(choices=[('accepted', 'Accept'), ('returned', 'Return to the team'), ('excused', 'Excuse the team from the trial run')], max_length=10, verbose_name='decision')),
                        ('comment', models.TextField(blank=True, verbose_name='comment to the team')),
                        ('reviewed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('records', models.JSONField(blank=True, default=list, editable=False)),
                        ('reviewed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('trial', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='trials.trialrun')),
                    ],
                    options={
                        'verbose_name': 'trial review',
                        'verbose_name_plural': 'trial reviews',
                        'db_table': 'measures_trialreview',
                        'ordering': ['-reviewed_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='TrialRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveSmallIntegerField()),
                        ('reference', models.CharField(blank=True, max_length=40, verbose_name='record reference')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                        ('trial', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='records', to='trials.trialrun')),
                    ],
                    options={
                        'verbose_name': 'trial record',
                        'verbose_name_plural': 'trial records',
                        'db_table': 'measures_trialrecord',
                        'ordering': ['position'],
                    },
                ),
                migrations.CreateModel(
                    name='TrialAnswer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('numerator', models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True)),
                        ('denominator', models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True)),
                        ('metric', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='trial_answers', to='measures.metric')),
                        ('stratum', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='measures.stratum')),
                        ('record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='trials.trialrecord')),
                    ],
                    options={
                        'verbose_name': 'trial answer',
                        'verbose_name_plural': 'trial answers',
                        'db_table': 'measures_trialanswer',
                        'constraints': [models.UniqueConstraint(fields=('record', 'metric'), name='one_trial_answer_per_metric')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='trialrecord',
                    constraint=models.UniqueConstraint(fields=('trial', 'position'), name='one_trial_record_per_place'),
                ),
    
            ],
        ),
        migrations.RunPython(relabel, unlabel),
    ]
