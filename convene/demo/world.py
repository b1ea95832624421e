"""The demo world: two collaboratives drawn from the kind of work Convene is for.

Every name, place and e-mail address is invented. E-mail addresses use the reserved
``.test`` domain so nothing can ever be delivered to a real person.
"""

from __future__ import annotations

from datetime import date
from typing import Any

DEMO_PASSWORD = "convene-demo"  # noqa: S105 - a published demo password, not a secret
D = "@demo.convene.test"

HOST = "host_admin"
PLANNING = "planning"
FACULTY = "faculty"
COACH = "coach"
OBSERVER = "observer"

# (email, full name, extra fields)
PEOPLE: list[tuple[str, str, dict[str, Any]]] = [
    (f"admin{D}", "Site Administrator", {"is_staff": True, "is_superuser": True}),
    (
        f"hana.okafor{D}",
        "Hana Okafor",
        {"can_create_collaboratives": True, "time_zone": "America/Chicago"},
    ),
    (f"priya.raman{D}", "Priya Raman", {"time_zone": "America/Chicago"}),
    (f"luis.ortega{D}", "Dr Luis Ortega", {"time_zone": "America/Denver", "language": "es"}),
    (f"grace.lindqvist{D}", "Grace Lindqvist", {"time_zone": "America/Chicago"}),
    (f"carmen.diaz{D}", "Carmen Díaz", {"time_zone": "America/Chicago", "language": "es"}),
    (f"sam.whitfield{D}", "Sam Whitfield", {"time_zone": "America/New_York"}),
    (f"olivia.grant{D}", "Olivia Grant", {"time_zone": "America/New_York"}),
    (f"marcus.bell{D}", "Marcus Bell", {"time_zone": "America/Los_Angeles"}),
    (f"ayesha.khan{D}", "Ayesha Khan", {"time_zone": "America/Los_Angeles"}),
    (f"tom.reyes{D}", "Tom Reyes", {"time_zone": "America/Los_Angeles"}),
]

FIRST = [
    "Dana",
    "Miguel",
    "Rosa",
    "Kwame",
    "Lena",
    "Ibrahim",
    "Sofia",
    "Jae",
    "Nora",
    "Tariq",
    "Elena",
    "Owen",
    "Mai",
    "Andre",
    "Fatima",
    "Peter",
    "Lucia",
    "Hiro",
    "Amara",
    "Ben",
    "Yara",
    "Diego",
    "Ruth",
    "Samir",
    "Ingrid",
    "Joel",
    "Keisha",
    "Viktor",
    "Alma",
    "Chen",
    "Maya",
    "Paulo",
    "Greta",
    "Idris",
    "June",
    "Rafael",
    "Selma",
    "Theo",
    "Uma",
    "Wes",
]
LAST = [
    "Morgan",
    "Alvarez",
    "Nguyen",
    "Mensah",
    "Hoffman",
    "Haddad",
    "Rossi",
    "Park",
    "Quinn",
    "Aziz",
    "Petrova",
    "Brennan",
    "Tran",
    "Jackson",
    "Osei",
    "Novak",
    "Ferreira",
    "Sato",
    "Eze",
    "Levy",
    "Saleh",
    "Herrera",
    "Cohen",
    "Rahman",
    "Berg",
    "Murphy",
    "Baptiste",
    "Ivanov",
    "Ortiz",
    "Wei",
    "Patel",
    "Costa",
    "Holm",
    "Bello",
    "Kim",
    "Mendes",
    "Yilmaz",
    "Walsh",
    "Rao",
    "Dubois",
]

TEAM_ROLES = ["executive_sponsor", "change_leader", "data_lead", "clinician_champion", "member"]
AGENCY_ROLES = ["executive_sponsor", "change_leader", "data_lead", "member"]

# Starts at 1: index 0 would make a second Dana Morgan beside the named demo data lead.
_people_counter = iter(range(1, 1000))


def _member(team_slug: str) -> str:
    index = next(_people_counter)
    first, last = FIRST[index % len(FIRST)], LAST[(index * 7) % len(LAST)]
    email = f"{first.lower()}.{last.lower()}.{team_slug}{D}"
    PEOPLE.append((email, f"{first} {last}", {}))
    return email


def _team(
    name: str,
    org: dict[str, str],
    slug: str,
    coach: str,
    roles: list[str],
    left: bool = False,
    changed: bool = False,
) -> dict[str, Any]:
    members = [(_member(slug), role) for role in roles]
    spec: dict[str, Any] = {"name": name, "organisation": org, "members": members, "coach": coach}
    if left:
        spec["left"] = [(_member(slug), "data_lead", 3)]
    if changed:
        spec["changed"] = [(_member(slug), "member", "data_lead", 4)]
    return spec


def _clinic(name: str, city: str, kind: str = "clinic") -> dict[str, str]:
    return {"name": name, "kind": kind, "city": city, "region": "Mid-River region"}


CLINICS = [
    ("Eastside Family Health Center", "Riverton", "eastside", f"carmen.diaz{D}"),
    ("Valley Community Clinic", "Alder Falls", "valley", f"carmen.diaz{D}"),
    ("Harbor Health Partners", "Port Ellis", "harbor", f"carmen.diaz{D}"),
    ("Northgate Free Clinic", "Riverton", "northgate", f"carmen.diaz{D}"),
    ("Lakeview Health Centre", "Lakeview", "lakeview", f"sam.whitfield{D}"),
    ("Pine Street Clinic", "Millbrook", "pinestreet", f"sam.whitfield{D}"),
    ("Southside Family Medicine", "Riverton", "southside", f"sam.whitfield{D}"),
    ("Mesa Verde Community Health", "Dry Creek", "mesaverde", f"sam.whitfield{D}"),
]

HYPERTENSION_TEAMS = [
    _team(
        f"{name} team",
        _clinic(name, city),
        slug,
        coach,
        TEAM_ROLES,
        left=(i == 1),
        changed=(i == 2),
    )
    for i, (name, city, slug, coach) in enumerate(CLINICS)
]
# The named demo data lead: the first clinic's data lead signs in as dana.
HYPERTENSION_TEAMS[0]["members"][2] = (f"dana.morgan{D}", "data_lead")
PEOPLE.append((f"dana.morgan{D}", "Dana Morgan", {"time_zone": "America/Chicago"}))

AGENCIES = [
    ("Harbor Light Housing Services", "Port Ellis", "harborlight"),
    ("New Roots Family Shelter", "Riverton", "newroots"),
    ("Open Door Outreach", "Riverton", "opendoor"),
    ("Cedar House Youth Services", "Alder Falls", "cedarhouse"),
    ("Bridgeway Veterans Housing", "Lakeview", "bridgeway"),
    ("St. Brendan's Community Kitchen and Housing", "Millbrook", "stbrendans"),
    ("Metro Tenant Support Network", "Riverton", "tenantsupport"),
]
REHOUSING_TEAMS = [
    _team(
        f"{name}",
        {"name": name, "kind": "social_service", "city": city, "region": "Metro County"},
        slug,
        f"marcus.bell{D}" if i < 4 else f"ayesha.khan{D}",
        AGENCY_ROLES,
        left=(i == 3),
    )
    for i, (name, city, slug) in enumerate(AGENCIES)
]

COLLABORATIVES: list[dict[str, Any]] = [
    {
        "host": {
            "name": "Mid-River Primary Care Association",
            "kind": "association",
            "city": "Riverton",
            "region": "Mid-River region",
        },
        "fields": {
            "name": "Hypertension Control Collaborative 2026",
            "topic": "Blood-pressure control in adult primary care",
            "sponsor": "Mid-River Community Health Foundation",
            "start_on": date(2026, 1, 12),
            "end_on": date(2026, 12, 18),
            "status": "active",
            "sharing": "anonymised",
            "time_zone": "America/Chicago",
            "aim_statement": (
                "By December 2026, 70% of adult patients with diagnosed hypertension at the "
                "eight participating clinics will have their most recent blood pressure below "
                "140/90, up from 58% at baseline."
            ),
            "aim_population": "Adults aged 18–85 with a diagnosis of hypertension and at least "
            "one visit in the measurement year, at the eight clinics.",
            "aim_timeframe": "By December 2026",
            "aim_change": "Blood-pressure control from 58% to 70%.",
            "charter_purpose": (
                "Help safety-net clinics bring more of their patients' blood pressure under "
                "control by testing proven changes together and learning from each other's data."
            ),
            "charter_objectives": (
                "Accurate blood-pressure measurement at every visit.\n"
                "A treatment protocol adopted by every prescriber.\n"
                "Follow-up within four weeks for every uncontrolled reading.\n"
                "Monthly reporting of the core measures by every team."
            ),
            "charter_scope": (
                "Adult primary care at the participating sites. Paediatrics, pregnancy-related "
                "hypertension and specialty clinics are out of scope."
            ),
            "charter_activities": (
                "Three learning sessions (January, May, September), monthly coaching calls, "
                "monthly data reports, a shared change package, and a wrap-up congress in "
                "December."
            ),
            "charter_stakeholders": (
                "Clinic leadership, care teams, patients and family advisers, the foundation, "
                "and the association's quality-improvement staff."
            ),
        },
        "roles": [
            (f"hana.okafor{D}", HOST),
            (f"priya.raman{D}", PLANNING),
            (f"tom.reyes{D}", PLANNING),
            (f"luis.ortega{D}", FACULTY),
            (f"grace.lindqvist{D}", FACULTY),
            (f"carmen.diaz{D}", COACH),
            (f"sam.whitfield{D}", COACH),
            (f"olivia.grant{D}", OBSERVER),
        ],
        "decisions": [
            (
                date(2025, 10, 2),
                "Core measures: BP control, BP measured correctly at the visit, "
                "follow-up within four weeks; balancing measure: hypotension "
                "events.",
            ),
            (date(2025, 11, 14), "Teams share data anonymised; each team sees its own name only."),
            (
                date(2026, 2, 20),
                "Reporting is due on the 10th of the following month, with five days' grace.",
            ),
        ],
        "teams": HYPERTENSION_TEAMS,
        "groups": [
            {
                "name": "Riverton clinics",
                "basis": "Region",
                "coach": f"carmen.diaz{D}",
                "teams": [
                    "Eastside Family Health Center team",
                    "Northgate Free Clinic team",
                    "Southside Family Medicine team",
                ],
            },
            {
                "name": "Shared EHR users",
                "basis": "EHR system",
                "coach": f"sam.whitfield{D}",
                "teams": [
                    "Lakeview Health Centre team",
                    "Pine Street Clinic team",
                    "Mesa Verde Community Health team",
                    "Valley Community Clinic team",
                ],
            },
        ],
        "metrics": [
            ("bp-control", {"goal": 70, "goal_date": date(2026, 12, 31)}, "Age group"),
            ("bp-measured-correctly", {"goal": 90}, None),
            ("hypotension", {}, None),
        ],
        "strata": {"Age group": ["18–44", "45–64", "65–85"]},
        # Concept → key changes, each with the short names of the metrics that measure it.
        "change_package": [
            (
                "Measure blood pressure accurately",
                "A reading taken badly hides control, or invents a problem.",
                [
                    (
                        "Standard technique at every visit",
                        "Five quiet minutes seated, right cuff size, arm supported at heart level.",
                        ["BP technique", "BP control"],
                    ),
                    (
                        "Repeat a high reading",
                        "When the first reading is 140/90 or above, take a second after a pause "
                        "and record the lower.",
                        ["BP control"],
                    ),
                ],
            ),
            (
                "Intensify treatment safely",
                "Adjust treatment sooner, without harm.",
                [
                    (
                        "Treatment protocol with standing orders",
                        "Nurses and pharmacists adjust medicine under an agreed protocol.",
                        ["BP control", "Hypotension"],
                    ),
                    (
                        "Follow-up within four weeks",
                        "Book the next visit before the patient leaves.",
                        ["BP control"],
                    ),
                ],
            ),
            (
                "Partner with patients",
                "",
                [
                    (
                        "Self-measured blood pressure with loaner cuffs",
                        "Patients take readings at home and send them in.",
                        ["BP control"],
                    ),
                ],
            ),
        ],
        # The driver diagram, in our own words: primary driver → secondary drivers → change
        # ideas, each idea with the key changes it puts into practice and the metrics it moves.
        "driver_diagram": [
            (
                "Every reading is accurate",
                "A badly taken reading hides control, or invents a problem.",
                [
                    (
                        "Standard technique at every rooming",
                        [
                            (
                                "Five quiet minutes seated before the reading",
                                ["Standard technique at every visit"],
                                ["BP technique", "BP control"],
                            ),
                            (
                                "Cuff sizes at every station, chosen by arm measure",
                                ["Standard technique at every visit"],
                                ["BP technique"],
                            ),
                        ],
                    ),
                    (
                        "High readings confirmed before they count",
                        [
                            (
                                "Repeat a reading of 140/90 or more after a pause",
                                ["Repeat a high reading"],
                                ["BP control"],
                            ),
                            (
                                "Automated office machine in the exam room",
                                ["Repeat a high reading"],
                                ["BP control"],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "Treatment is stepped up promptly and safely",
                "Most uncontrolled patients are on too little medicine, not the wrong one.",
                [
                    (
                        "One protocol that every prescriber uses",
                        [
                            (
                                "Standing orders for nurses to start or step up medicine",
                                ["Treatment protocol with standing orders"],
                                ["BP control", "Hypotension"],
                            ),
                            (
                                "Protocol card on every exam-room wall",
                                ["Treatment protocol with standing orders"],
                                ["BP control"],
                            ),
                        ],
                    ),
                    (
                        "No uncontrolled patient goes without follow-up",
                        [
                            (
                                "Book the next visit before the patient leaves",
                                ["Follow-up within four weeks"],
                                ["BP control"],
                            ),
                            (
                                "Weekly list of uncontrolled patients without a visit",
                                ["Follow-up within four weeks"],
                                ["BP control"],
                            ),
                            (
                                "Text-message reminders for follow-up visits",
                                ["Follow-up within four weeks"],
                                ["BP control"],
                            ),
                        ],
                    ),
                    (
                        "Side effects caught early",
                        [
                            (
                                "Ask about dizziness and falls at every step-up",
                                ["Treatment protocol with standing orders"],
                                ["Hypotension"],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "Patients take part in their own care",
                "Readings at home and medicines that fit a patient's day.",
                [
                    (
                        "Readings at home between visits",
                        [
                            (
                                "Loaner cuffs with a reading log",
                                ["Self-measured blood pressure with loaner cuffs"],
                                ["BP control"],
                            ),
                            (
                                "Home readings sent by portal message",
                                ["Self-measured blood pressure with loaner cuffs"],
                                ["BP control"],
                            ),
                        ],
                    ),
                    (
                        "Medicines that patients can keep taking",
                        [
                            (
                                "Once-daily combination pill where suitable",
                                ["Treatment protocol with standing orders"],
                                ["BP control"],
                            ),
                            (
                                "Pharmacist phone call one week after a change",
                                ["Treatment protocol with standing orders"],
                                ["BP control", "Hypotension"],
                            ),
                        ],
                    ),
                ],
            ),
        ],
        # The collaborative's meetings so far: teams leave each with an action plan.
        "learning_sessions": [
            (date(2026, 1, 22), "Learning session 1"),
            (date(2026, 5, 14), "Learning session 2"),
            (date(2026, 9, 17), "Learning session 3"),
        ],
        "schedule": {
            "first_period_on": date(2025, 1, 1),
            "baseline_periods": 12,
            "trial_run": "required",
        },
        # Northgate has gone quiet: nothing for its last two months that fell due, so it has
        # been reminded, then escalated to its coach (and its cycles were abandoned).
        "stopped_reporting": {"Northgate Free Clinic team": 2},
        # The coach's check-ins (team, coach, days ago, how, notes, follow-up, follow up in days):
        # Valley's follow-up date has passed, so My teams shows it slipping.
        "check_ins": [
            (
                "Eastside Family Health Center team",
                f"carmen.diaz{D}",
                9,
                "call",
                "Registry clean-up done; the repeat-reading protocol is printed for every room.",
                "Look at the next report together before it is submitted.",
                21,
            ),
            (
                "Valley Community Clinic team",
                f"carmen.diaz{D}",
                30,
                "visit",
                "The data lead has left; the change leader is covering the monthly report.",
                "Help the clinic name a new data lead and invite them.",
                14,
            ),
        ],
        "pending_invitations": [
            (f"new.faculty{D}", FACULTY, None),
            (f"new.member.eastside{D}", "member", "Eastside Family Health Center team"),
        ],
    },
    {
        "host": {
            "name": "Metro County Continuum of Care",
            "kind": "social_service",
            "city": "Riverton",
            "region": "Metro County",
        },
        "fields": {
            "name": "Rapid Re-housing Learning Collaborative",
            "topic": "Moving families and individuals from shelter into housing faster",
            "sponsor": "Metro County Housing Trust",
            "start_on": date(2026, 3, 2),
            "end_on": date(2027, 2, 26),
            "status": "active",
            "sharing": "named",
            "chart_rules": "ihi",
            "time_zone": "America/Chicago",
            "aim_statement": (
                "By February 2027, participating agencies will cut the median time from "
                "referral to move-in from 94 days to 45 days, with at least 80% of households "
                "still housed six months later."
            ),
            "aim_population": "Households referred to rapid re-housing by the seven agencies.",
            "aim_timeframe": "By February 2027",
            "aim_change": "Median days from referral to move-in from 94 to 45; 80% housed at "
            "six months.",
            "charter_purpose": (
                "Shorten homelessness by redesigning how agencies find units, work with "
                "landlords and support households after the move."
            ),
            "charter_objectives": (
                "A shared landlord engagement approach.\n"
                "Document readiness before a unit is found.\n"
                "Monthly data on time to move-in and housing retention."
            ),
            "charter_scope": "Rapid re-housing programmes of the participating agencies.",
            "charter_activities": "Kickoff, two learning sessions, biweekly coaching calls, "
            "100-day sprints.",
            "charter_stakeholders": "Agencies, landlords, people with lived experience, the "
            "Continuum of Care board, the housing trust.",
        },
        "roles": [
            (f"hana.okafor{D}", HOST),
            (f"ayesha.khan{D}", PLANNING),
            (f"grace.lindqvist{D}", FACULTY),
            (f"marcus.bell{D}", COACH),
            (f"ayesha.khan{D}", COACH),
            (f"olivia.grant{D}", OBSERVER),
        ],
        "decisions": [
            (date(2026, 1, 20), "Measure time to move-in from referral date, not from intake."),
        ],
        "teams": REHOUSING_TEAMS,
        "metrics": [
            ("referral-to-housing", {"goal": 45, "goal_date": date(2027, 2, 28)}, None),
            ("housing-retention", {"goal": 80}, None),
        ],
        "strata": {},
        "change_package": [
            (
                "Engage landlords",
                "More units, found faster, from landlords who trust the programme.",
                [
                    (
                        "Landlord liaison",
                        "One person calls every listed unit each week and keeps the relationship.",
                        ["Days to housing"],
                    ),
                    (
                        "Risk mitigation fund",
                        "Cover damages and missed rent, so landlords take a chance.",
                        ["Days to housing", "Retention 6 m"],
                    ),
                ],
            ),
            (
                "Be ready before the unit is",
                "",
                [
                    (
                        "Documents at intake",
                        "Collect identity and income papers at intake, before a unit is found.",
                        ["Days to housing"],
                    ),
                ],
            ),
            (
                "Support after the move",
                "",
                [
                    (
                        "Case management visits for six months",
                        "Home visits weekly for the first month, then monthly.",
                        ["Retention 6 m"],
                    ),
                ],
            ),
        ],
        "driver_diagram": [
            (
                "More units, found faster",
                "Households wait longest for a landlord who will say yes.",
                [
                    (
                        "Landlords who trust the programme",
                        [
                            (
                                "One landlord liaison calls every listed unit each week",
                                ["Landlord liaison"],
                                ["Days to housing"],
                            ),
                            (
                                "Risk mitigation fund promised in writing",
                                ["Risk mitigation fund"],
                                ["Days to housing", "Retention 6 m"],
                            ),
                            (
                                "Landlord appreciation breakfast",
                                ["Landlord liaison"],
                                ["Days to housing"],
                            ),
                        ],
                    ),
                    (
                        "Units matched to households quickly",
                        [
                            (
                                "Shared unit list across agencies, updated daily",
                                ["Landlord liaison"],
                                ["Days to housing"],
                            ),
                            (
                                "Inspection booked the day a unit is offered",
                                [],
                                ["Days to housing"],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "Households are ready when a unit is",
                "Papers and money in hand before the keys are offered.",
                [
                    (
                        "Documents in hand early",
                        [
                            (
                                "Collect identity and income papers at intake",
                                ["Documents at intake"],
                                ["Days to housing"],
                            ),
                            (
                                "Document checklist texted to the household",
                                ["Documents at intake"],
                                ["Days to housing"],
                            ),
                        ],
                    ),
                    (
                        "Money ready for the move",
                        [
                            (
                                "Deposit and first month's rent paid within 48 hours",
                                [],
                                ["Days to housing"],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "Households stay housed",
                "A move-in is the start of the work, not the end.",
                [
                    (
                        "Support after the move",
                        [
                            (
                                "Weekly home visit in the first month",
                                ["Case management visits for six months"],
                                ["Retention 6 m"],
                            ),
                            (
                                "Move-in kit: furniture and utilities ready before the keys",
                                ["Case management visits for six months"],
                                ["Retention 6 m"],
                            ),
                        ],
                    ),
                    (
                        "Problems caught before an eviction",
                        [
                            (
                                "Landlord calls the case manager first, not the court",
                                ["Risk mitigation fund", "Landlord liaison"],
                                ["Retention 6 m"],
                            ),
                            (
                                "Rent ledger check at each monthly visit",
                                ["Case management visits for six months"],
                                ["Retention 6 m"],
                            ),
                        ],
                    ),
                ],
            ),
        ],
        "learning_sessions": [
            (date(2026, 3, 5), "Kickoff"),
            (date(2026, 6, 11), "Learning session 1"),
            (date(2026, 10, 8), "Learning session 2"),
        ],
        "schedule": {
            "first_period_on": date(2025, 3, 1),
            "baseline_periods": 12,
            "trial_run": "required",
        },
        # The newest agency has just joined: its trial run awaits the host's review.
        "trial_waiting": ["Metro Tenant Support Network"],
        "groups": [
            {
                "name": "Family shelters",
                "basis": "Population served",
                "coach": f"marcus.bell{D}",
                "teams": ["New Roots Family Shelter", "Harbor Light Housing Services"],
            },
        ],
    },
]

# The logins printed by ``make run``: (what to try, e-mail).
DEMO_LOGINS = [
    ("site staff", f"admin{D}"),
    ("host admin of both collaboratives", f"hana.okafor{D}"),
    ("planning group", f"priya.raman{D}"),
    ("faculty", f"luis.ortega{D}"),
    ("coach of four clinics", f"carmen.diaz{D}"),
    ("data lead, Eastside Family Health Center", f"dana.morgan{D}"),
    ("observer (funder)", f"olivia.grant{D}"),
]
