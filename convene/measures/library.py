"""A small library of well-known metric definitions that hosts copy and adapt.

Written in our own words from common practice in primary care, behavioural health and
homeless services; each entry states what is counted, not which registry owns the name.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

LIBRARY: dict[str, dict[str, Any]] = {
    "bp-control": {
        "name": _("Hypertension control"),
        "short_name": "BP control",
        "conceptual_definition": _(
            "The share of adults with high blood pressure whose blood pressure is under control."
        ),
        "operational_definition": _(
            "Of the patients in the denominator, those whose most recent blood pressure in the "
            "month's look-back year was below 140/90 mmHg. Take the lowest systolic and lowest "
            "diastolic of the last visit with a reading."
        ),
        "numerator": _("Patients whose most recent reading is below 140/90 mmHg."),
        "denominator": _(
            "Patients aged 18–85 with a hypertension diagnosis and at least one visit in the "
            "last 12 months."
        ),
        "exclusions": _("Pregnancy, end-stage renal disease, hospice or palliative care."),
        "data_source": _("Electronic health record report"),
        "sampling": _("Whole population; no sampling."),
        "kind": "proportion",
        "unit": "%",
        "direction": "up",
        "category": "core",
    },
    "bp-measured-correctly": {
        "name": _("Blood pressure measured correctly"),
        "short_name": "BP technique",
        "conceptual_definition": _(
            "How often staff follow the full technique for an accurate blood-pressure reading."
        ),
        "operational_definition": _(
            "Observe 10 adult visits a month, chosen at random. A visit counts when the patient "
            "sat quietly for five minutes, feet flat, arm supported at heart level, with the "
            "right cuff size, and a high first reading was repeated."
        ),
        "numerator": _("Observed visits where every step was followed."),
        "denominator": _("Observed visits."),
        "data_source": _("Observation checklist"),
        "sampling": _("10 random visits a month."),
        "kind": "proportion",
        "unit": "%",
        "direction": "up",
        "category": "core",
    },
    "hypotension": {
        "name": _("Low blood pressure events"),
        "short_name": "Hypotension",
        "conceptual_definition": _(
            "A balancing measure: tighter control must not make patients faint or fall."
        ),
        "operational_definition": _(
            "Visits or calls in the month where a patient on blood-pressure medicine had a "
            "systolic reading below 100 mmHg or reported dizziness on standing."
        ),
        "numerator": _("Events recorded in the month."),
        "data_source": _("Electronic health record report"),
        "kind": "count",
        "direction": "down",
        "category": "balancing",
    },
    "tobacco": {
        "name": _("Tobacco screening and cessation support"),
        "short_name": "Tobacco",
        "conceptual_definition": _(
            "Adults asked about tobacco use and, if they use it, offered help to quit."
        ),
        "operational_definition": _(
            "Of the adults seen in the month, those screened for tobacco use in the last 12 "
            "months and, when they use tobacco, given counselling or medicine or both."
        ),
        "numerator": _("Adults screened and, if users, offered cessation help."),
        "denominator": _("Adults aged 18 or over with at least one visit in the month."),
        "data_source": _("Electronic health record report"),
        "kind": "proportion",
        "unit": "%",
        "direction": "up",
        "category": "core",
    },
    "no-show": {
        "name": _("No-show rate"),
        "short_name": "No-shows",
        "conceptual_definition": _("Booked appointments that patients did not attend."),
        "operational_definition": _(
            "Appointments in the month marked as missed without cancellation at least 24 hours "
            "before, out of all appointments booked for the month."
        ),
        "numerator": _("Missed appointments."),
        "denominator": _("Booked appointments."),
        "data_source": _("Scheduling system"),
        "kind": "proportion",
        "unit": "%",
        "direction": "down",
        "category": "core",
    },
    "time-to-first-appointment": {
        "name": _("Days to first appointment"),
        "short_name": "Days to 1st appt",
        "conceptual_definition": _("How long new clients wait for their first appointment."),
        "operational_definition": _(
            "For new clients whose first appointment happened in the month: the average number "
            "of calendar days from first contact to that appointment."
        ),
        "numerator": _("Average days from first contact to first appointment."),
        "data_source": _("Scheduling system"),
        "kind": "continuous",
        "unit": _("days"),
        "direction": "down",
        "category": "core",
    },
    "continuation": {
        "name": _("30-day continuation in treatment"),
        "short_name": "30-day continuation",
        "conceptual_definition": _("New clients who are still in treatment a month later."),
        "operational_definition": _(
            "Of clients admitted in the month before last, those with at least one further "
            "treatment service between day 30 and day 60 after admission."
        ),
        "numerator": _("Clients with a service on days 30 to 60."),
        "denominator": _("Clients admitted in the month before last."),
        "data_source": _("Treatment records"),
        "kind": "proportion",
        "unit": "%",
        "direction": "up",
        "category": "core",
    },
    "referral-to-housing": {
        "name": _("Days from referral to move-in"),
        "short_name": "Days to housing",
        "conceptual_definition": _("How quickly referred households get into housing."),
        "operational_definition": _(
            "For households that moved in during the month: the median number of calendar days "
            "from referral to rapid re-housing until the move-in date on the lease."
        ),
        "numerator": _("Median days from referral to move-in."),
        "data_source": _("Homeless management information system"),
        "kind": "continuous",
        "unit": _("days"),
        "direction": "down",
        "category": "core",
    },
    "housing-retention": {
        "name": _("Still housed after six months"),
        "short_name": "Retention 6 m",
        "conceptual_definition": _("Households that keep their housing once placed."),
        "operational_definition": _(
            "Of households that moved in six months before the reporting month, those not "
            "recorded as returning to homelessness since."
        ),
        "numerator": _("Households still housed."),
        "denominator": _("Households placed six months earlier."),
        "data_source": _("Homeless management information system"),
        "kind": "proportion",
        "unit": "%",
        "direction": "up",
        "category": "core",
    },
}


def library_fields(key: str) -> dict[str, Any]:
    """The entry's fields as plain strings, ready for a Metric."""
    return {name: str(value) for name, value in LIBRARY[key].items()}
