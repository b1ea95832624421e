# Values, reports, their revisions, feedback and progress scores, moved here from measures
# (measures/0009) with their tables unchanged. Audit events and content types take the new
# label so the audit log's filters and links keep working for old events.

import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

MOVED = {
    ("measures", "value"): ("reporting", "value"),
    ("measures", "valuerevision"): ("reporting", "valuerevision"),
    ("measures", "report"): ("reporting", "report"),
    ("measures", "reportrevision"): ("reporting", "reportrevision"),
    ("measures", "feedback"): ("reporting", "feedback"),
    ("measures", "progressscore"): ("reporting", "progressscore"),
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
                    name='Report',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('changes_tested', models.TextField(blank=True, verbose_name='changes tested this period')),
                        ('improvements', models.TextField(blank=True, verbose_name='improvements seen')),
                        ('challenges', models.TextField(blank=True, verbose_name='challenges and barriers')),
                        ('unintended_consequences', models.TextField(blank=True, verbose_name='unintended consequences')),
                        ('support_requested', models.TextField(blank=True, verbose_name='support requested')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted')], default='draft', max_length=12)),
                        ('submitted_at', models.DateTimeField(blank=True, null=True)),
                        ('is_late', models.BooleanField(default=False, verbose_name='late')),
                        ('reopened_at', models.DateTimeField(blank=True, null=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('period', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='measures.reportingperiod')),
                        ('reopened_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('submitted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='collaboratives.team')),
                    ],
                    options={
                        'verbose_name': 'report',
                        'verbose_name_plural': 'reports',
                        'db_table': 'measures_report',
                        'ordering': ['period__starts_on'],
                    },
                ),
                migrations.CreateModel(
                    name='Feedback',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('deleted_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('text', models.TextField(verbose_name='feedback')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('deleted_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='feedback', to='reporting.report')),
                    ],
                    options={
                        'verbose_name': 'feedback',
                        'verbose_name_plural': 'feedback',
                        'db_table': 'measures_feedback',
                        'ordering': ['created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportRevision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('narrative', models.JSONField()),
                        ('replaced_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('replaced_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='reporting.report')),
                    ],
                    options={
                        'verbose_name': 'report revision',
                        'verbose_name_plural': 'report revisions',
                        'db_table': 'measures_reportrevision',
                        'ordering': ['-replaced_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Value',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('numerator', models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True, verbose_name='numerator or value')),
                        ('denominator', models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True, verbose_name='denominator')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                        ('is_excluded', models.BooleanField(default=False, verbose_name="excluded from the chart's calculations")),
                        ('exclusion_reason', models.CharField(blank=True, max_length=300, verbose_name='why excluded')),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('metric', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='values', to='measures.metric')),
                        ('period', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='values', to='measures.reportingperiod')),
                        ('stratum', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='values', to='measures.stratum')),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='values', to='collaboratives.team')),
                        ('updated_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'value',
                        'verbose_name_plural': 'values',
                        'db_table': 'measures_value',
                    },
                ),
                migrations.CreateModel(
                    name='ValueRevision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('numerator', models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True)),
                        ('denominator', models.DecimalField(blank=True, decimal_places=4, max_digits=14, null=True)),
                        ('note', models.CharField(blank=True, max_length=300)),
                        ('is_excluded', models.BooleanField(default=False)),
                        ('exclusion_reason', models.CharField(blank=True, max_length=300)),
                        ('recorded_at', models.DateTimeField()),
                        ('replaced_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('reason', models.CharField(blank=True, max_length=300, verbose_name='reason for the change')),
                        ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('replaced_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('value', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='reporting.value')),
                    ],
                    options={
                        'verbose_name': 'value revision',
                        'verbose_name_plural': 'value revisions',
                        'db_table': 'measures_valuerevision',
                        'ordering': ['-replaced_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ProgressScore',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rater', models.CharField(choices=[('team', 'team'), ('coach', 'coach')], max_length=8, verbose_name='rated by')),
                        ('score', models.DecimalField(choices=[(Decimal('0.5'), '0.5'), (Decimal('1.0'), '1.0'), (Decimal('1.5'), '1.5'), (Decimal('2.0'), '2.0'), (Decimal('2.5'), '2.5'), (Decimal('3.0'), '3.0'), (Decimal('3.5'), '3.5'), (Decimal('4.0'), '4.0'), (Decimal('4.5'), '4.5'), (Decimal('5.0'), '5.0')], decimal_places=1, max_digits=2, verbose_name='progress score')),
                        ('note', models.TextField(blank=True, verbose_name='why this score')),
                        ('scored_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('version', models.PositiveIntegerField(default=1, editable=False)),
                        ('period', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='progress_scores', to='measures.reportingperiod')),
                        ('scored_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='progress_scores', to='collaboratives.team')),
                    ],
                    options={
                        'verbose_name': 'progress score',
                        'verbose_name_plural': 'progress scores',
                        'db_table': 'measures_progressscore',
                        'ordering': ['period__starts_on', 'rater'],
                        'constraints': [models.UniqueConstraint(fields=('team', 'period', 'rater'), name='one_progress_score_per_rater')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='report',
                    constraint=models.UniqueConstraint(fields=('team', 'period'), name='one_report_per_period'),
                ),
                migrations.AddIndex(
                    model_name='value',
                    index=models.Index(fields=['metric', 'period'], name='value_by_metric_period'),
                ),
                migrations.AddConstraint(
                    model_name='value',
                    constraint=models.UniqueConstraint(condition=models.Q(('stratum__isnull', True)), fields=('team', 'metric', 'period'), name='one_total_value'),
                ),
                migrations.AddConstraint(
                    model_name='value',
                    constraint=models.UniqueConstraint(condition=models.Q(('stratum__isnull', False)), fields=('team', 'metric', 'period', 'stratum'), name='one_stratum_value'),
                ),
                migrations.AddConstraint(
                    model_name='value',
                    constraint=models.CheckConstraint(condition=models.Q(('numerator__gte', 0), ('numerator__isnull', True), _connector='OR'), name='value_numerator_not_negative'),
                ),
                migrations.AddConstraint(
                    model_name='value',
                    constraint=models.CheckConstraint(condition=models.Q(('denominator__gte', 0), ('denominator__isnull', True), _connector='OR'), name='value_denominator_not_negative'),
                ),
    
            ],
        ),
        migrations.RunPython(relabel, unlabel),
    ]
