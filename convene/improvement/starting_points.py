"""Driver diagrams a host can start from, written in our own words.

Each is a tree of drafts (``diagram.Draft``): primary drivers, their secondary drivers, and the
change ideas under those. Every string is translatable; copying a starting point into a
collaborative stores the texts in the language of the person who copies it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .diagram import Draft


@dataclass(frozen=True)
class StartingPoint:
    key: str
    title: Any
    summary: Any
    tree: tuple  # ((primary, ((secondary, (idea, …)), …)), …)

    def drafts(self) -> list[Draft]:
        return [
            Draft(
                text=str(primary),
                kids=[
                    Draft(text=str(secondary), kids=[Draft(text=str(idea)) for idea in ideas])
                    for secondary, ideas in secondaries
                ],
            )
            for primary, secondaries in self.tree
        ]

    def count(self) -> int:
        return sum(
            1 + sum(1 + len(ideas) for _secondary, ideas in secondaries)
            for _primary, secondaries in self.tree
        )


HYPERTENSION = StartingPoint(
    key="hypertension",
    title=_("Hypertension control"),
    summary=_("More adults with high blood pressure brought under control."),
    tree=(
        (
            _("Accurate blood-pressure measurement"),
            (
                (
                    _("Staff measure blood pressure the same, validated way every time"),
                    (
                        _("Train and check every measuring staff member once a year"),
                        _("Seat the patient, feet flat, arm supported, five quiet minutes first"),
                        _("Keep cuffs in every size in each room"),
                    ),
                ),
                (
                    _("High readings are confirmed before anyone acts on them"),
                    (
                        _("Repeat a reading of 140/90 or more and record the second one"),
                        _("Use an automated office device for the repeat"),
                    ),
                ),
                (
                    _("Equipment is validated and calibrated"),
                    (_("Keep a calibration log for each device"),),
                ),
            ),
        ),
        (
            _("Treatment intensification"),
            (
                (
                    _("A shared treatment protocol everyone follows"),
                    (
                        _("Adopt a written stepped protocol with standard first-line medicines"),
                        _("Let nurses and pharmacists adjust doses under the protocol"),
                    ),
                ),
                (
                    _("Patients with uncontrolled blood pressure are seen again soon"),
                    (
                        _("Book a follow-up within four weeks of any change of treatment"),
                        _("Run a monthly registry list of patients above goal"),
                        _("Offer blood-pressure-only visits without a doctor"),
                    ),
                ),
                (
                    _("Clinicians see their own results"),
                    (_("Share each clinician's control rate every month"),),
                ),
            ),
        ),
        (
            _("Patient self-management support"),
            (
                (
                    _("Patients measure their blood pressure at home"),
                    (
                        _("Lend validated home cuffs"),
                        _("Teach home measurement with the teach-back method"),
                        _("Collect home readings by phone, portal or text"),
                    ),
                ),
                (
                    _("Patients take their medicines as agreed"),
                    (
                        _("Prescribe once-daily and combination pills where possible"),
                        _("Offer 90-day refills and reminders"),
                    ),
                ),
                (
                    _("Patients set their own goals for diet, activity and salt"),
                    (_("Agree one small goal at each visit and check it at the next"),),
                ),
            ),
        ),
    ),
)

TOBACCO = StartingPoint(
    key="tobacco",
    title=_("Tobacco cessation"),
    summary=_("More people who use tobacco are helped to quit, and stay quit."),
    tree=(
        (
            _("Every patient is asked, advised and referred"),
            (
                (
                    _("Tobacco use is asked about and recorded at every visit"),
                    (
                        _("Add tobacco use to the vital signs the intake staff record"),
                        _("Include vaping and smokeless tobacco in the question"),
                    ),
                ),
                (
                    _("Every user hears clear advice to quit"),
                    (
                        _("Give a short, personal quit message at the visit"),
                        _("Use a brief-advice script everyone has practised"),
                    ),
                ),
                (
                    _("Patients ready to quit are connected to help"),
                    (
                        _("Refer electronically to the quitline during the visit"),
                        _("Offer group or individual counselling in-house"),
                        _("Hand over a quit plan before the patient leaves"),
                    ),
                ),
            ),
        ),
        (
            _("Pharmacotherapy"),
            (
                (
                    _("Every adult trying to quit is offered medicines"),
                    (
                        _("Use standing orders for nicotine replacement"),
                        _("Offer combination nicotine replacement by default"),
                    ),
                ),
                (
                    _("Cost and access are not barriers"),
                    (
                        _("Check coverage and help patients get medicines at no cost"),
                        _("Keep starter packs on site"),
                    ),
                ),
            ),
        ),
        (
            _("Follow-up and relapse prevention"),
            (
                (
                    _("Patients are contacted soon after their quit date"),
                    (
                        _("Call within a week of the quit date"),
                        _("Schedule follow-ups at one and three months"),
                    ),
                ),
                (
                    _("Relapse is treated as part of quitting"),
                    (_("Offer a new quit attempt and a change of medicine after a relapse"),),
                ),
            ),
        ),
        (
            _("Systems that make it routine"),
            (
                (
                    _("The record prompts and tracks every step"),
                    (
                        _("Add reminders for ask, advise and refer to the record"),
                        _("Report monthly on patients asked, advised and referred"),
                    ),
                ),
                (
                    _("Leaders and staff champion quitting"),
                    (_("Name a tobacco champion in each clinic"),),
                ),
            ),
        ),
    ),
)

REHOUSING = StartingPoint(
    key="rehousing",
    title=_("Rapid re-housing"),
    summary=_("People who lose their homes move back into housing quickly, and stay housed."),
    tree=(
        (
            _("Landlord engagement"),
            (
                (
                    _("Enough landlords are willing to rent to our participants"),
                    (
                        _("Give one person the job of recruiting and keeping landlords"),
                        _("Hold landlord breakfasts with landlords who already take part"),
                        _("Keep a shared list of open units"),
                    ),
                ),
                (
                    _("Landlords know help is there if something goes wrong"),
                    (
                        _("Offer a risk-mitigation fund for damages and missed rent"),
                        _("Answer a landlord's call within one working day"),
                    ),
                ),
                (
                    _("Paperwork and inspections do not slow move-in"),
                    (
                        _("Inspect units within two days of a match"),
                        _("Pay deposits and first rent on the day of signing"),
                    ),
                ),
            ),
        ),
        (
            _("Housing-focused case management"),
            (
                (
                    _("Every plan starts from where the person wants to live"),
                    (
                        _("Write the housing plan in the first meeting"),
                        _("Remove conditions such as sobriety or income before housing"),
                    ),
                ),
                (
                    _("Rent help is flexible and sized to each household"),
                    (
                        _("Review the rent share every month and taper it gradually"),
                        _("Connect households to income and benefits in the first month"),
                    ),
                ),
                (
                    _("Support continues after move-in"),
                    (
                        _("Visit at home within a week of moving in"),
                        _("Keep in touch for at least six months after help ends"),
                    ),
                ),
            ),
        ),
        (
            _("Rapid exits from shelter"),
            (
                (
                    _("Housing search starts on the first day in shelter"),
                    (
                        _("Assess housing needs at shelter intake"),
                        _("Hold a weekly case conference on everyone staying over 30 days"),
                    ),
                ),
                (
                    _("Documents never hold up a move"),
                    (
                        _("Gather identification and income papers in the first week"),
                        _("Keep copies of documents safely for each participant"),
                    ),
                ),
                (
                    _("Shelter and housing providers work as one system"),
                    (
                        _("Share one list of people waiting, ranked the same way"),
                        _("Agree a target for the days from shelter entry to move-in"),
                    ),
                ),
            ),
        ),
    ),
)

STARTING_POINTS: dict[str, StartingPoint] = {
    point.key: point for point in (HYPERTENSION, TOBACCO, REHOUSING)
}
