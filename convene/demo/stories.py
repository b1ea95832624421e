"""What each demo team tested: PDSA cycles in ramps, and the action plan after the last session.

A ramp is a change idea tested at growing scale, each cycle building on the one before. Teams
whose figures improve adopted an idea whose first cycle starts before the month their figures
shift (``figures.team_story``); the teams that do not improve abandoned theirs. The loader in
``improvement.py`` decides the dates: "shift" ramps lead up to the team's shift month, "recent"
ramps end in a cycle under way or planned around the demo's today.
"""

from __future__ import annotations

from typing import Any


def _done(
    title: str,
    scale: str,
    objective: str,
    prediction: str,
    plan: str,
    happened: str,
    results: str,
    learned: str,
    decision: str,
    next_steps: str,
) -> dict[str, Any]:
    return {
        "title": title,
        "scale": scale,
        "objective": objective,
        "prediction": prediction,
        "plan_details": plan,
        "what_happened": happened,
        "results": results,
        "learned": learned,
        "decision": decision,
        "next_steps": next_steps,
        "status": "done",
    }


def _doing(
    title: str, scale: str, objective: str, prediction: str, plan: str, happened: str
) -> dict[str, Any]:
    return {
        "title": title,
        "scale": scale,
        "objective": objective,
        "prediction": prediction,
        "plan_details": plan,
        "what_happened": happened,
        "status": "doing",
    }


def _planned(title: str, scale: str, objective: str, prediction: str, plan: str) -> dict[str, Any]:
    return {
        "title": title,
        "scale": scale,
        "objective": objective,
        "prediction": prediction,
        "plan_details": plan,
        "status": "planned",
    }


# Ramp name → the change idea (a driver-diagram node's text, or the team's own idea with
# ``own``) and its cycles, smallest first.
RAMPS: dict[str, dict[str, Any]] = {
    # ---- Hypertension Control Collaborative -------------------------------------------------
    "eastside-repeat": {
        "idea": "Repeat a reading of 140/90 or more after a pause",
        "stages": [
            _done(
                "Repeat a high reading: one patient",
                "1 patient",
                "See whether a medical assistant can take a second reading after a three-minute "
                "pause without holding up the doctor.",
                "The second reading will be lower, and the pause will add no more than four "
                "minutes.",
                "Our senior medical assistant, Tuesday morning, room 3: the first patient whose "
                "first reading is 140/90 or above.",
                "First reading 152/94. After three minutes seated quietly the second was 138/86. "
                "The doctor was running late anyway, so nobody waited.",
                "Second reading 14 points lower systolic; the pause took four minutes with the "
                "explanation.",
                "Patients accept the pause when we say why. The record has one vitals row, so "
                "the second reading ended up in the note where no report finds it.",
                "adapt",
                "Five patients, with a second vitals row added to the flowsheet.",
            ),
            _done(
                "Repeat a high reading: five patients",
                "5 patients",
                "Check the pause still works on a busy morning and that the second reading lands "
                "in the right place.",
                "At least four of five second readings will be lower; both readings will be in "
                "the flowsheet.",
                "Both medical assistants, Monday and Wednesday mornings, until five patients.",
                "Five patients over two mornings. One left before the second reading to catch "
                "a bus.",
                "Four of five second readings lower (by 6 to 18 points systolic); three of the "
                "four in the new row, one still in the note.",
                "The new row sits below the fold of the screen and was missed once. IT can move "
                "it up.",
                "adapt",
                "A whole clinic session, with the new row moved up.",
            ),
            _done(
                "Repeat a high reading: one clinic session",
                "one clinic session",
                "Both medical assistants repeat every high reading through one whole session.",
                "Every high first reading gets a second; the session runs no more than ten "
                "minutes late.",
                "Tuesday morning session; Dana checks the flowsheets the same afternoon.",
                "Eleven patients had a high first reading and ten had a second. The session ran "
                "seven minutes late, mostly for other reasons.",
                "10 of 11 repeated (91%); seven of the ten were below 140/90 on the second "
                "reading.",
                "The one missed was a walk-in roomed by a nurse who had not heard of the test. "
                "Nurses need the same huddle.",
                "adopt",
                "All sessions from the first of the month, announced at the Monday huddle, "
                "nurses included.",
            ),
            _done(
                "Repeat a high reading: all sessions",
                "all sessions",
                "Make the repeat reading the standard for everyone who rooms patients.",
                "Over three weeks 90% of high first readings are repeated, and the monthly BP "
                "control figure rises.",
                "Every session; Dana pulls a daily list of high readings without a second one.",
                "Started after the Monday huddle. The daily list went to the medical assistants "
                "by noon each day.",
                "212 of 231 high readings repeated (92%) in three weeks. BP control above our "
                "median for the first time.",
                "The daily list is what keeps it going: when Dana was off for two days the rate "
                "fell to 80%.",
                "adopt",
                "Keep the daily list, and hand it to the front-desk lead so it does not rest on "
                "one person.",
            ),
        ],
    },
    "eastside-saturday": {
        "idea": "Walk-in blood-pressure check on Saturday mornings",
        "stages": [
            _done(
                "Saturday walk-in BP check: one morning",
                "one Saturday morning",
                "See whether patients who cannot come on weekdays will use a walk-in reading "
                "on Saturday.",
                "Ten patients will come; most will be working-age adults.",
                "One nurse and one medical assistant, 9 to 12, letters to 60 patients overdue "
                "for a reading.",
                "Fourteen came, eleven of them aged 18 to 44. Two brought a relative who also "
                "wanted a reading.",
                "14 readings, against 10 predicted; five uncontrolled, all booked for a visit.",
                "The youngest patients, our worst group, come when it suits their work.",
                "adapt",
                "Four Saturdays in a row, with text invitations as well as letters.",
            ),
            _planned(
                "Saturday walk-in BP check: four Saturdays",
                "four Saturday mornings",
                "Find out whether the turnout holds over a month.",
                "At least ten patients each Saturday; half aged 18 to 44.",
                "Same staffing; the medical director agreed overtime for four weeks.",
            ),
        ],
    },
    "valley-standing": {
        "idea": "Standing orders for nurses to start or step up medicine",
        "stages": [
            _done(
                "Nurse standing order: one patient",
                "1 nurse, 1 patient",
                "See whether a nurse can step up amlodipine under the draft protocol without "
                "waiting for a prescriber.",
                "The nurse will finish within the visit and the prescriber will agree with the "
                "change.",
                "Nurse lead, Thursday afternoon, one patient on amlodipine 5 mg above 150/95 "
                "twice.",
                "The nurse stepped the dose to 10 mg, checked for ankle swelling and booked a "
                "two-week recheck. The doctor signed the order the same day.",
                "Done in twelve minutes; the prescriber agreed.",
                "The draft protocol did not say what to do when a patient already has swelling. "
                "We added a stop rule.",
                "adapt",
                "Five patients with the stop rule.",
            ),
            _done(
                "Nurse standing order: five patients",
                "5 patients",
                "Test the revised protocol with two nurses.",
                "All five stepped up in the visit; no dizziness at the recheck.",
                "Both nurses, one week, patients above 140/90 on two visits.",
                "Four stepped up. For one patient the last potassium was over a year old, so "
                "the nurse ordered labs first.",
                "Four of five stepped up in the visit; at the two-week recheck three of four "
                "were below 140/90, nobody dizzy.",
                "The protocol needs a check that labs are recent before the step-up. Nurses "
                "liked having the words to explain the change.",
                "adopt",
                "All nurse visits, protocol on the wall of each room.",
            ),
            _done(
                "Nurse standing order: all sessions",
                "all sessions",
                "Every nurse visit with an uncontrolled reading uses the standing order.",
                "Half of eligible patients are stepped up in the visit in the first month.",
                "Live at every session; two prescribers review each order for the first week.",
                "The prescribers stopped reviewing after five days: they had changed nothing.",
                "41 of 68 eligible patients stepped up in the visit (60%). One patient "
                "light-headed, better by the next visit.",
                "Trust came from the first week's review, not from the training. Hypotension "
                "events stayed at their usual level.",
                "adopt",
                "Bring the pharmacists under the standing order.",
            ),
        ],
    },
    "valley-dizziness": {
        "idea": "Ask about dizziness and falls at every step-up",
        "stages": [
            _done(
                "Dizziness question at step-up: five patients",
                "5 patients",
                "Add two questions (dizzy on standing? any fall?) to the step-up visit.",
                "Takes under a minute; finds no problem in most patients.",
                "Nurses, one week, questions printed on the protocol card.",
                "One patient of 78 said she had felt faint twice; her dose was held.",
                "Five asked, one positive, under a minute each.",
                "The question found something the readings did not. Older patients need it most.",
                "adopt",
                "Every step-up, with a standing reading for those over 65.",
            ),
            _doing(
                "Dizziness question at step-up: all nurse visits",
                "all nurse visits",
                "Ask at every step-up and take a standing reading for patients over 65.",
                "Two or three positives a month; no rise in hypotension events.",
                "All nurses from the start of the month; the data lead counts positives weekly.",
                "Two weeks in: 23 asked, two positive, one standing reading forgotten.",
            ),
        ],
    },
    "harbor-booking": {
        "idea": "Book the next visit before the patient leaves",
        "stages": [
            _done(
                "Book the follow-up in the room: one patient",
                "1 patient",
                "Find out whether the doctor can book the four-week follow-up from the exam room.",
                "Under two minutes, and the patient leaves with an appointment card.",
                "Dr on the Monday afternoon list, first uncontrolled patient.",
                "Booked from the room, but the scheduling screen asked for a visit type we "
                "never use.",
                "Booked in three minutes; the patient left with the card.",
                "We need a 'BP follow-up' visit type at the top of the list.",
                "adapt",
                "Add the visit type; try five patients booked at the desk instead.",
            ),
            _done(
                "Book the follow-up at the desk: five patients",
                "5 patients",
                "Test booking at the check-out desk with a 'BP in 4 weeks' slip from the doctor.",
                "All five leave with a date; the desk queue does not grow.",
                "Two doctors, Tuesday, slips in each room.",
                "Four slips reached the desk; one patient left by the side door after labs.",
                "Four of five booked; the queue unchanged.",
                "Patients leave by the side door after labs. The slip should go with the "
                "patient, not the chart.",
                "adapt",
                "One session with the slip handed to the patient and a sign at the side door.",
            ),
            _done(
                "Follow-up slip in the patient's hand: one session",
                "one clinic session",
                "Hand the slip to every uncontrolled patient through one Wednesday session.",
                "90% leave with a booked visit.",
                "Wednesday morning; the lab technician reminds side-door leavers.",
                "Nine uncontrolled patients. The lab technician sent two back to the desk.",
                "Nine of nine booked.",
                "The lab technician is our safety net: she joins the huddle from now on.",
                "adopt",
                "All sessions, with a weekly count of uncontrolled patients with nothing booked.",
            ),
            _done(
                "Follow-up booked before leaving: all sessions",
                "all sessions",
                "Every uncontrolled patient leaves with a visit within four weeks.",
                "No-shows for these visits stay below 20%; BP control rises within two months.",
                "All sessions; the desk keeps a tally sheet, the data lead reads it on Fridays.",
                "Running since the first of the month. Two agency nurses needed the slip "
                "explained.",
                "87% booked before leaving in the first three weeks; no-shows 17%.",
                "Booking before leaving works. Most no-shows are patients with no working "
                "phone number on file.",
                "adopt",
                "Try a reminder call two days before for patients we can reach.",
            ),
        ],
    },
    "harbor-card": {
        "idea": "Protocol card on every exam-room wall",
        "stages": [
            _done(
                "Protocol card: one prescriber",
                "1 prescriber, one week",
                "See whether a wall card with the four treatment steps changes what a "
                "prescriber does.",
                "More step-ups at visits with a high reading.",
                "One nurse practitioner, card in her two rooms, one week.",
                "She used it twice to explain the plan to patients; she stepped up 6 of 9.",
                "6 of 9 high-reading visits stepped up, against about half before.",
                "The card helps the conversation with patients as much as the prescriber.",
                "adopt",
                "Cards in every room, prescribers told at the staff meeting.",
            ),
            _planned(
                "Protocol card: all prescribers",
                "all prescribers",
                "Every exam room has the card; see whether step-ups rise across the clinic.",
                "Step-ups at high-reading visits above 60% in the month.",
                "Cards laminated; the medical director presents them at the staff meeting.",
            ),
        ],
    },
    "lakeview-quiet": {
        "idea": "Five quiet minutes seated before the reading",
        "stages": [
            _done(
                "Five quiet minutes: one patient",
                "1 patient",
                "Time how long five quiet minutes really adds for one patient.",
                "Five minutes extra; the reading at least 5 mmHg lower than our usual quick one.",
                "Medical assistant, Monday morning, first patient with hypertension.",
                "Quick reading at check-in 148/92; after five minutes seated, feet flat and arm "
                "supported, 136/84.",
                "12 points lower systolic; seven minutes in all.",
                "The waiting-room chairs have no arm support: we used a pillow.",
                "adapt",
                "Five patients in the exam room, where the chair has an arm rest.",
            ),
            _done(
                "Five quiet minutes: five patients, two assistants",
                "5 patients",
                "Check both medical assistants follow the same technique and the wait fits the "
                "rooming time.",
                "Readings 5 mmHg lower on average; no visit starts late because of it.",
                "Both assistants with a checklist card, Tuesday.",
                "The fifth visit started four minutes late.",
                "Average drop 9 mmHg; both assistants did all five steps on the checklist.",
                "Start the timer when the patient sits, then do the medicine list meanwhile: "
                "the wait is almost free.",
                "adopt",
                "All sessions, with a monthly technique audit of ten readings.",
            ),
            _done(
                "Five quiet minutes: all sessions",
                "all sessions",
                "Standard technique at every rooming, checked by a monthly audit.",
                "The BP technique measure reaches 80% in the first audit.",
                "All assistants trained at the huddle; the nurse manager audits ten readings in "
                "week three.",
                "Large cuffs ran out twice in the first week.",
                "Technique audit in week three: 8 of 10 readings right (80%).",
                "The audit catches what the training misses. Large cuffs need a reorder level.",
                "adopt",
                "Order more large cuffs; bring the flagged patients to the morning huddle.",
            ),
        ],
    },
    "lakeview-huddle": {
        "idea": "Morning huddle names the patients whose last reading was high",
        "stages": [
            _done(
                "Huddle list of high readings: one morning",
                "one morning huddle",
                "See whether naming today's patients with a high last reading changes the visit.",
                "The doctor will plan a step-up or a repeat for each named patient.",
                "The data lead prints the list at 7:45; the huddle reads it at 8:00.",
                "Six names; the doctors planned something for five. The sixth was a "
                "same-day sick visit.",
                "Five of six with a plan.",
                "Two minutes of huddle time is enough; the list must be on paper, not on screen.",
                "adopt",
                "Every morning huddle for a month.",
            ),
            _doing(
                "Huddle list of high readings: every morning",
                "every morning for a month",
                "Make the list part of every huddle and count the plans made.",
                "Eight in ten named patients get a plan.",
                "Data lead prints the list daily; the charge nurse keeps the count.",
                "Three weeks in: 71 names, 54 plans. Fridays are the weak day.",
            ),
        ],
    },
    "pine-cuffs": {
        "idea": "Loaner cuffs with a reading log",
        "stages": [
            _done(
                "Loaner cuff: one patient",
                "1 patient",
                "See whether a patient can use a loaner cuff and keep a log for a week.",
                "Fourteen readings in the log, morning and evening, taken correctly.",
                "Nurse teaches one patient on Monday; cuff back the next Monday.",
                "Nine readings logged; two taken just after climbing the stairs.",
                "9 of 14 expected, 7 usable.",
                "Teaching took longer than planned; the patient asked for a picture guide.",
                "adapt",
                "Picture guide, five patients, a phone call on day three.",
            ),
            _done(
                "Loaner cuffs: five patients with a picture guide",
                "5 patients",
                "Test the picture guide and a day-three phone call.",
                "At least four of five bring back a usable log.",
                "Two nurses, five cuffs, calls by the medical assistant.",
                "The day-three call found one patient who had not started yet.",
                "Four of five logs with 10 or more usable readings; one cuff came back broken.",
                "The day-three call rescues slow starters. Cuffs need a sign-out sheet.",
                "adapt",
                "Offer cuffs at all nurse visits, with a sign-out sheet.",
            ),
            _done(
                "Loaner cuffs: all nurse visits",
                "all sessions",
                "Offer a cuff to every uncontrolled patient and use the home readings at the "
                "next visit.",
                "Half of those offered take one; prescribers change treatment on home readings.",
                "All nurse visits for three weeks; sign-out sheet at the nurses' station.",
                "Offered to 46 patients; 27 took a cuff.",
                "27 of 46 (59%) took a cuff; 19 logs back, eight treatment changes made on home "
                "readings.",
                "Home readings changed minds: two patients with office-only high readings "
                "avoided a second medicine.",
                "adopt",
                "Ask the foundation for thirty more cuffs; let patients send readings by portal.",
            ),
        ],
    },
    "pine-portal": {
        "idea": "Home readings sent by portal message",
        "stages": [
            _done(
                "Home readings by portal: five patients",
                "5 patients",
                "See whether patients with a loaner cuff will send readings through the portal "
                "instead of bringing the log.",
                "Three of five send at least one message.",
                "Patients already on the portal; the nurse shows the message form.",
                "Two sent readings; one could not log in; two preferred paper.",
                "Two of five, below the prediction.",
                "The portal log-in is the barrier, not the readings.",
                "adapt",
                "A one-page log-in guide handed out with the cuff.",
            ),
            _doing(
                "Home readings by portal: one nurse's patients",
                "one nurse's patients",
                "Test the log-in guide with every cuff one nurse lends.",
                "Half of her patients send readings through the portal.",
                "One nurse, four weeks, guide printed on the back of the log.",
                "Two weeks in: 11 cuffs lent, 5 patients have sent readings.",
            ),
        ],
    },
    "southside-list": {
        "idea": "Weekly list of uncontrolled patients without a visit",
        "stages": [
            _done(
                "Outreach list: one provider panel",
                "1 provider panel",
                "See whether the record can list one provider's uncontrolled patients with no "
                "visit in four weeks.",
                "About twenty names, built in under half an hour.",
                "The data lead builds the report on Tuesday.",
                "The report listed 37 names; eight had moved or died.",
                "37 names, 29 real; it took 50 minutes.",
                "The registry has stale addresses: clean it as we go.",
                "adapt",
                "Call five patients from the list.",
            ),
            _done(
                "Outreach list: five calls",
                "5 patients",
                "Call five patients from the list and book a visit.",
                "Three of five will book.",
                "Outreach worker, Thursday afternoon.",
                "Two booked, one asked for a Saturday, two unreachable.",
                "Two of five booked against three predicted.",
                "Evening calls might reach more people; ask for a number that takes texts.",
                "adapt",
                "One week's list for every provider, calls from 5 to 7 pm.",
            ),
            _done(
                "Outreach list: all providers, one week",
                "all providers, one week",
                "Work the whole list for one week with evening calls.",
                "Half the patients reached book a visit.",
                "Outreach worker and a volunteer, evening calls Monday to Thursday.",
                "112 names; 71 reached.",
                "44 of 71 reached booked (62%).",
                "Evening calls doubled the reach. The list shrank by a fifth in a month.",
                "adopt",
                "Run the list every week and share the call script with the other Riverton "
                "clinics.",
            ),
        ],
    },
    "southside-cuffs": {
        "idea": "Cuff sizes at every station, chosen by arm measure",
        "stages": [
            _done(
                "Cuff by arm measure: one station",
                "one rooming station",
                "Measure arm circumference and pick the cuff from a chart taped to the station.",
                "One patient in four needs a large cuff we would not have used.",
                "Station 2, one morning, a tape measure and the chart.",
                "Eighteen patients measured; five needed the large cuff.",
                "5 of 18 (28%) needed the large cuff.",
                "We had only one large cuff in the building.",
                "adopt",
                "Buy large cuffs for every station, then roll out.",
            ),
            _doing(
                "Cuff by arm measure: all stations",
                "all stations",
                "Every station has the chart, a tape and all three cuff sizes.",
                "The technique audit shows the right cuff in nine of ten readings.",
                "Cuffs arrived; the nurse manager audits in week two.",
                "Charts up at all four stations; the audit is next week.",
            ),
        ],
    },
    "northgate-texts": {
        "idea": "Text-message reminders for follow-up visits",
        "stages": [
            _done(
                "Reminder texts: five patients",
                "5 patients",
                "Send a reminder text two days before a BP follow-up.",
                "All five texts delivered; all five come.",
                "Front-desk lead, using the texting tool's free trial.",
                "Two texts bounced; one patient replied STOP; another called to say the number "
                "was her daughter's.",
                "Three of five delivered; two came.",
                "Our phone numbers are out of date and the tool cannot tell us which.",
                "adapt",
                "Check numbers at check-in for a week, then text a whole session.",
            ),
            _done(
                "Reminder texts: one clinic session",
                "one clinic session",
                "Text every BP follow-up due in one session, after checking numbers at check-in.",
                "80% delivered; no-shows below 25%.",
                "Numbers checked for a week; texts sent on Monday for Wednesday's session.",
                "Fourteen texts sent. The trial account lapsed mid-week and two texts never went.",
                "9 of 14 delivered; no-shows 38%, no better than before.",
                "The texting contract costs more than it saves us; the real gap is wrong phone "
                "numbers.",
                "abandon",
                "Drop texts. Get phone numbers right at every check-in instead.",
            ),
        ],
    },
    "northgate-pharmacist": {
        "idea": "Pharmacist phone call one week after a change",
        "stages": [
            _done(
                "Pharmacist call: one patient",
                "1 patient",
                "A pharmacist calls one patient a week after a new medicine.",
                "The call finds a side effect or a question we would otherwise miss.",
                "Part-time pharmacist, one patient started on lisinopril.",
                "Reached on the third try; no problems.",
                "One call, three tries, twenty minutes.",
                "Worth trying on more patients, but the calls take long.",
                "adapt",
                "Five patients, with a call time agreed at the visit.",
            ),
            _done(
                "Pharmacist call: five patients",
                "5 patients",
                "Call five patients at a time agreed at the visit.",
                "Four of five reached at the agreed time.",
                "Pharmacist Tuesdays and Thursdays.",
                "The pharmacist left in week two; two calls were made.",
                "Two of five reached.",
                "We do not have the pharmacist hours for this.",
                "abandon",
                "Park the idea; raise pharmacist hours with the medical director.",
            ),
        ],
    },
    "northgate-phones": {
        "idea": "Confirm the patient's phone number at every check-in",
        "own": True,
        "stages": [
            _done(
                "Confirm phone numbers: one session",
                "one clinic session",
                "Front desk confirms the phone number of every patient checked in.",
                "Under 30 seconds each; one wrong number in five.",
                "Both front-desk staff, Thursday morning.",
                "38 numbers confirmed; 9 were wrong or disconnected.",
                "9 of 38 wrong (24%), about 20 seconds each.",
                "Worth doing, but two patients felt checked up on: the desk needs a one-line "
                "script that says why we ask.",
                "adapt",
                "All sessions, with the script taped to the desk.",
            ),
            _doing(
                "Confirm phone numbers: all sessions",
                "all sessions",
                "Confirm the number at every check-in for a month.",
                "The share of wrong numbers falls below one in ten by week four.",
                "Front desk; weekly count by the data lead.",
                "Week one: 162 confirmed, 31 corrected.",
            ),
        ],
    },
    "mesaverde-combination": {
        "idea": "Once-daily combination pill where suitable",
        "stages": [
            _done(
                "Combination pill: five patients",
                "1 prescriber, 5 patients",
                "Switch five patients on two separate pills to one combination pill.",
                "All five switched; refills on time the next month.",
                "One physician, patients on amlodipine and lisinopril.",
                "The pharmacy benefit rejected the combination for three of five.",
                "Two of five switched.",
                "Formulary limits decide this, not our prescribers.",
                "adapt",
                "Check the formulary first; try only the plans that cover it.",
            ),
            _done(
                "Combination pill: one clinic session",
                "one clinic session",
                "Switch every eligible patient whose plan covers the combination.",
                "Ten switched in the session.",
                "All prescribers, formulary list at each station.",
                "Four eligible patients had a covering plan; two preferred not to change.",
                "Two switched.",
                "Too few patients fit for it to move our numbers.",
                "abandon",
                "Stop. Ask the association to raise coverage with the health plans.",
            ),
        ],
    },
    "mesaverde-automated": {
        "idea": "Automated office machine in the exam room",
        "stages": [
            _done(
                "Automated machine: one exam room",
                "one exam room, one session",
                "Use a borrowed machine that takes three readings with the patient alone.",
                "Readings lower than manual; no extra staff time.",
                "Room 4, Monday afternoon.",
                "The machine worked, but the room was needed for procedures twice, so patients "
                "waited in the hall.",
                "On average 7 mmHg lower than manual readings the same day.",
                "It works, but we have one spare room at best.",
                "adapt",
                "Try the machine in the nurse's office for two afternoon sessions.",
            ),
            _done(
                "Automated machine: nurse's office",
                "two sessions",
                "Move the machine to the nurse's office.",
                "Every uncontrolled patient gets the automated reading.",
                "Two afternoons; the nurse sends patients in between injections.",
                "The office was busy with injections all afternoon.",
                "6 of 17 patients had the reading (35%).",
                "There is no space for it without a room change.",
                "abandon",
                "Return the machine; look again when the new wing opens.",
            ),
        ],
    },
    "mesaverde-quiet": {
        "idea": "Five quiet minutes seated before the reading",
        "stages": [
            _done(
                "Quiet minutes: one assistant, five patients",
                "5 patients",
                "Try the five quiet minutes with one medical assistant.",
                "Readings 5 mmHg lower; visits keep to time.",
                "One assistant, Wednesday morning.",
                "Two rooms had no arm support, so she held the patient's arm.",
                "Average drop 6 mmHg; no visit late.",
                "Works, but we need arm supports in two rooms first.",
                "adapt",
                "Order arm supports, then one whole session.",
            ),
            _planned(
                "Quiet minutes: one clinic session",
                "one clinic session",
                "Both assistants use the five quiet minutes through one session.",
                "Readings 5 mmHg lower on average; the session keeps to time.",
                "After the arm supports arrive; the nurse manager observes.",
            ),
        ],
    },
    # ---- Rapid Re-housing Learning Collaborative ---------------------------------------------
    "harborlight-liaison": {
        "idea": "One landlord liaison calls every listed unit each week",
        "stages": [
            _done(
                "Landlord call: one listing",
                "1 listing",
                "A housing navigator calls one newly listed unit and explains the programme.",
                "The landlord takes the call and agrees to a viewing.",
                "Navigator, Monday, a two-bedroom listed that morning.",
                "The landlord took the call but asked who pays if the tenant leaves early.",
                "Viewing agreed on condition of a guarantee.",
                "A landlord's first question is risk: we need a one-page answer.",
                "adapt",
                "Five landlords, with a one-page programme sheet.",
            ),
            _done(
                "Landlord calls: five landlords",
                "5 landlords",
                "Test the one-page sheet with five landlords.",
                "Three of five agree to a viewing.",
                "Navigator, Monday afternoon; sheet e-mailed after each call.",
                "All five took the call; one asked for the sheet in Spanish.",
                "Four of five agreed to a viewing; two units leased within the month.",
                "The sheet works, and the same-day e-mail matters.",
                "adapt",
                "Every new listing for one week, one liaison.",
            ),
            _done(
                "Landlord calls: one week's listings",
                "one week's listings",
                "The liaison calls every new listing in the county for one week.",
                "A third agree to a viewing.",
                "Liaison full time for the week; listings from three websites.",
                "Reached 17 of 23 listings; 8 agreed.",
                "8 of 23 (35%), as predicted.",
                "Thursday is the best day to call: half the listings are gone by the weekend.",
                "adopt",
                "Weekly calls, Thursdays first.",
            ),
            _done(
                "Landlord calls: every week",
                "every week",
                "Make the liaison's weekly calls standard work.",
                "Median days to housing below 70 within two months.",
                "Liaison logs every landlord in a shared sheet; reviewed at the team meeting.",
                "Calls every week; the sheet grew to 31 landlords.",
                "Six households housed through the sheet in three weeks, all in under 70 days.",
                "The relationship is with the liaison, not the agency: we need a back-up caller.",
                "adopt",
                "Train a back-up caller; offer the sheet to the other agencies.",
            ),
        ],
    },
    "harborlight-peer": {
        "idea": "Peer navigator with lived experience goes to viewings",
        "stages": [
            _done(
                "Peer navigator at a viewing: one household",
                "1 household",
                "A peer navigator who was once housed by the programme goes to a viewing.",
                "The household asks more questions and decides on the day.",
                "Peer navigator, Thursday viewing, family of four.",
                "The peer navigator asked about the bus route and laundry; the family said yes "
                "on the spot.",
                "Decision on the day, against a usual wait of three days.",
                "Households trust someone who has been where they are.",
                "adopt",
                "Five viewings over two weeks.",
            ),
            _doing(
                "Peer navigator at viewings: five households",
                "5 households",
                "See whether the same-day decisions hold over five viewings.",
                "Four of five households decide on the day.",
                "Peer navigator paid for ten hours a week; viewings booked by the liaison.",
                "Three viewings so far; two same-day decisions.",
            ),
        ],
    },
    "newroots-documents": {
        "idea": "Collect identity and income papers at intake",
        "stages": [
            _done(
                "Papers at intake: one family",
                "1 family",
                "See what it takes to gather identity and income papers at intake.",
                "All papers in hand within a week.",
                "Case manager, one family entering shelter on Monday.",
                "The mother had no birth certificate for the youngest child; the state fee "
                "waiver took nine days.",
                "All papers in 11 days.",
                "Birth certificates are the slow paper: start them on day one.",
                "adapt",
                "Five families, with fee-waiver forms filled in at intake.",
            ),
            _done(
                "Papers at intake: five families",
                "5 families",
                "Test a checklist and fee-waiver forms at intake.",
                "Four of five families have every paper within ten days.",
                "Two case managers, intake checklist, waiver forms in the intake folder.",
                "One family left shelter for a relative's house in week one.",
                "Three of four remaining families complete within ten days.",
                "The checklist keeps case managers on track; income letters from employers are "
                "now the slow part.",
                "adopt",
                "All intakes, with a standard employer letter.",
            ),
            _done(
                "Papers at intake: all intakes",
                "all intakes",
                "Every family leaves intake with a checklist and the slow papers started.",
                "Median days from referral to a ready file below 14.",
                "Every case manager; the program lead reviews the checklist weekly.",
                "21 intakes in three weeks; two families would not start until a unit was found.",
                "Median 12 days to a ready file; no move-in delayed by papers.",
                "Ready files let us say yes to a unit the day it is offered.",
                "adopt",
                "Keep the checklist; visit every family weekly after the move.",
            ),
        ],
    },
    "newroots-visits": {
        "idea": "Weekly home visit in the first month",
        "stages": [
            _done(
                "Weekly visits after move-in: two families",
                "2 families",
                "Visit two newly housed families every week for their first month.",
                "We find one problem per family that a monthly visit would miss.",
                "Case manager, Tuesdays, 45 minutes a visit.",
                "One family had no gas connected in week two; the other was fine.",
                "One problem found in two families.",
                "Utilities are the first-month risk; check them on the first visit.",
                "adapt",
                "All families housed this month, with a utilities check on visit one.",
            ),
            _planned(
                "Weekly visits after move-in: all new tenants",
                "all families housed in the month",
                "Weekly visits for every family housed this month.",
                "No family reports an unresolved problem at the end of the month.",
                "Two case managers share the visits; the program lead tracks them.",
            ),
        ],
    },
    "opendoor-fund": {
        "idea": "Risk mitigation fund promised in writing",
        "stages": [
            _done(
                "Fund letter: one landlord",
                "1 landlord",
                "Offer one hesitant landlord a signed letter from the fund.",
                "The landlord accepts a tenant with an eviction on record.",
                "Housing specialist, one landlord who had said no last month.",
                "The landlord read the letter twice and called the fund to check it was real.",
                "Accepted; the household moved in 16 days later.",
                "The letter needs a phone number the landlord can call.",
                "adapt",
                "Five landlords, letter with the fund's phone number.",
            ),
            _done(
                "Fund letter: five landlords",
                "5 landlords",
                "Test the revised letter with five landlords.",
                "Three of five accept a household they would have refused.",
                "Two housing specialists, two weeks.",
                "Four read it; one would not meet.",
                "Three of four accepted.",
                "Landlords value the phone number more than the amount.",
                "adopt",
                "Offer the letter with every unit we ask for.",
            ),
            _done(
                "Fund letter: every offer",
                "all offers",
                "Send the fund letter with every request for a unit.",
                "Fewer refusals; days to housing fall.",
                "Every housing specialist; refusals logged.",
                "Letters sent with 37 requests; no claims yet.",
                "Refusals fell from about half to a quarter; median 71 days.",
                "Few landlords claim; the promise alone does the work.",
                "adopt",
                "Keep it; ask landlords to call us before going to court.",
            ),
        ],
    },
    "opendoor-callfirst": {
        "idea": "Landlord calls the case manager first, not the court",
        "stages": [
            _done(
                "Call us first: three landlords",
                "3 landlords",
                "Agree with three landlords that they call the case manager before any notice.",
                "At least one call in a month; no notices served.",
                "Case managers, written agreement added to the lease packet.",
                "One landlord called about late rent; the fund covered half and a payment plan "
                "the rest.",
                "One call, no notices.",
                "Landlords like having a name to call.",
                "adopt",
                "Add the agreement to every new lease.",
            ),
            _doing(
                "Call us first: every new lease",
                "every new lease",
                "Every new lease comes with the call-us-first agreement.",
                "No eviction filing among new tenants in three months.",
                "Housing specialists add it to the lease packet.",
                "Nine leases signed with the agreement; two calls so far.",
            ),
        ],
    },
    "bridgeway-inspection": {
        "idea": "Inspection booked the day a unit is offered",
        "stages": [
            _done(
                "Same-day inspection booking: one unit",
                "1 unit",
                "Book the housing-quality inspection the day a landlord offers a unit.",
                "Inspection within five days instead of about two weeks.",
                "Housing specialist calls the housing authority the same afternoon.",
                "The authority had a slot in four days.",
                "Inspected on day four; passed.",
                "The wait was our own, not the authority's.",
                "adapt",
                "Five units, with the landlord's pre-inspection checklist sent the same day.",
            ),
            _done(
                "Same-day inspection booking: five units",
                "5 units",
                "Book five inspections on the day of the offer and send the checklist.",
                "All inspected within a week; four pass first time.",
                "Two specialists, checklist by e-mail.",
                "One landlord did not read the checklist: a missing smoke detector.",
                "All five inspected within six days; four passed first time.",
                "The checklist saves a second inspection.",
                "adopt",
                "Every unit offered.",
            ),
            _done(
                "Same-day inspection booking: every unit",
                "all units",
                "Book every inspection the day the unit is offered.",
                "Median days to housing below 75.",
                "Every specialist; dates kept in the case file.",
                "Booked for 22 units; one authority closure for a holiday.",
                "Median 8 days from offer to inspection; days to housing 74.",
                "This shortens the wait without costing anything.",
                "adopt",
                "Keep it, and work on the money side next.",
            ),
        ],
    },
    "bridgeway-deposit": {
        "idea": "Deposit and first month's rent paid within 48 hours",
        "stages": [
            _done(
                "Deposit in 48 hours: one veteran",
                "1 household",
                "Pay the deposit and first month's rent within two days of a signed lease.",
                "The veteran moves in within a week of signing.",
                "Finance officer cuts a cheque outside the weekly run.",
                "Cheque ready in a day; the landlord gave keys on day three.",
                "Moved in on day three.",
                "The weekly cheque run was costing us four days.",
                "adopt",
                "Every signed lease for a month.",
            ),
            _doing(
                "Deposit in 48 hours: every lease",
                "every signed lease",
                "Pay every deposit within 48 hours for a month.",
                "Median days from lease to move-in below five.",
                "Finance officer with a back-up signer.",
                "Six leases so far; five paid in time, one waited for a second signature.",
            ),
        ],
    },
    "stbrendans-list": {
        "idea": "Shared unit list across agencies, updated daily",
        "stages": [
            _done(
                "Shared unit list: two agencies, one week",
                "2 agencies, one week",
                "Share a list of open units with one other agency for a week.",
                "Each agency fills one unit it would not have known about.",
                "Our housing lead and Open Door's; one shared spreadsheet.",
                "Nine units listed; one filled by us from Open Door's list.",
                "One unit filled, as predicted.",
                "The list goes stale in a day unless someone owns it.",
                "adapt",
                "Three agencies, two weeks, one owner updating it each morning.",
            ),
            _done(
                "Shared unit list: three agencies",
                "3 agencies, two weeks",
                "Test a daily owner for the list.",
                "Three units filled across agencies.",
                "Our housing lead updates it every morning at 9.",
                "24 units listed; the owner was off sick for two days.",
                "Four units filled across agencies.",
                "The daily update is what makes it usable.",
                "adopt",
                "Offer it to every agency in the collaborative.",
            ),
            _done(
                "Shared unit list: all agencies",
                "all agencies",
                "Every agency adds its open units and reads the list.",
                "Days to housing falls for every agency using it.",
                "Housing leads from five agencies; the Continuum of Care hosts the sheet.",
                "Five agencies joined in the first week, six by the end.",
                "61 units listed in three weeks; 14 filled across agencies; our median 69 days.",
                "Sharing units costs nobody a household.",
                "adopt",
                "Ask the Continuum of Care to keep the list after the collaborative.",
            ),
        ],
    },
    "stbrendans-kit": {
        "idea": "Move-in kit: furniture and utilities ready before the keys",
        "stages": [
            _done(
                "Move-in kit: one household",
                "1 household",
                "Have a bed, a table and the utilities on before the household arrives.",
                "The household sleeps there the first night.",
                "Volunteer crew from the kitchen, furniture bank voucher.",
                "Bed delivered, electricity on; the gas needed a second visit.",
                "Slept there the first night.",
                "The gas company needs two days' notice.",
                "adapt",
                "Three households, gas booked at lease signing.",
            ),
            _planned(
                "Move-in kit: three households",
                "3 households",
                "Test booking the gas at lease signing.",
                "All three sleep in their home on the first night.",
                "Volunteer crew; case manager books utilities the day the lease is signed.",
            ),
        ],
    },
    "cedarhouse-breakfast": {
        "idea": "Landlord appreciation breakfast",
        "stages": [
            _done(
                "Landlord breakfast: first try",
                "one breakfast",
                "Invite landlords to breakfast to hear what the programme offers young tenants.",
                "Ten landlords come; three offer a unit.",
                "Invitations to 40 landlords; breakfast at the youth centre.",
                "Four landlords came, two of them already working with us.",
                "Four came; no new units.",
                "Landlords are busy on weekday mornings.",
                "adapt",
                "A second breakfast on a Saturday with a personal call to each invitee.",
            ),
            _done(
                "Landlord breakfast: Saturday",
                "one Saturday breakfast, personal invitations",
                "Try a Saturday with personal invitations.",
                "Eight landlords come; two offer a unit.",
                "Staff called each of 25 landlords.",
                "Five came; one offered a studio that was too expensive for the subsidy.",
                "Five came; no unit we could use.",
                "Events do not find landlords for young tenants; individual relationships do.",
                "abandon",
                "Stop the breakfasts. Ask Harbor Light about their landlord calls.",
            ),
        ],
    },
    "cedarhouse-checklist": {
        "idea": "Document checklist texted to the household",
        "stages": [
            _done(
                "Checklist by text: three young people",
                "3 young people",
                "Text the document checklist so the young person can gather papers.",
                "All three gather their papers within two weeks.",
                "Youth worker texts the checklist after intake.",
                "One changed phone within the week; two started.",
                "One of three complete in two weeks.",
                "Phone numbers change often at this age.",
                "adapt",
                "Two weeks of all intakes, with the checklist also on paper.",
            ),
            _done(
                "Checklist by text and paper: all intakes",
                "all intakes, two weeks",
                "Text and hand the checklist to every young person at intake.",
                "Half complete in two weeks.",
                "All youth workers, two weeks.",
                "Eleven intakes; most lost the paper and several texts bounced.",
                "Two of eleven complete in two weeks.",
                "A list does not gather papers; a worker sitting with the young person does.",
                "abandon",
                "Drop the checklist; try going with young people to the records office.",
            ),
        ],
    },
    "cedarhouse-visits": {
        "idea": "Weekly home visit in the first month",
        "stages": [
            _done(
                "Weekly visits: two young tenants",
                "2 young people",
                "Visit two newly housed young people weekly in their first month.",
                "Both still housed and paying rent at the end of the month.",
                "Youth worker, Wednesdays.",
                "One missed two visits; the landlord called us about noise.",
                "Both still housed; one warning from a landlord.",
                "Weekly visits catch trouble early, but young tenants want them at evening times.",
                "adapt",
                "Evening visits for three young tenants.",
            ),
            _planned(
                "Weekly visits in the evening: three young tenants",
                "3 young people",
                "Test evening visit times.",
                "Every planned visit happens.",
                "Youth workers swap shifts to cover two evenings a week.",
            ),
        ],
    },
    "tenantsupport-ledger": {
        "idea": "Rent ledger check at each monthly visit",
        "stages": [
            _done(
                "Rent ledger check: one household",
                "1 household",
                "Ask one household and its landlord for the rent ledger at the monthly visit.",
                "The ledger shows the rent paid; the check takes ten minutes.",
                "Tenant advocate, one visit, landlord's consent.",
                "The ledger showed a late fee the tenant did not know about.",
                "Fee found and waived after a call; fifteen minutes.",
                "Ledgers show problems tenants cannot see.",
                "adopt",
                "Five households this month.",
            ),
            _doing(
                "Rent ledger check: five households",
                "5 households",
                "Check the ledger at five monthly visits.",
                "One household in five has a problem on the ledger.",
                "Two tenant advocates, consent form in the visit pack.",
                "Three visits done; one ledger showed a month's rent unrecorded.",
            ),
            _planned(
                "Rent ledger check: whole caseload",
                "the whole caseload",
                "Make the ledger check part of every monthly visit.",
                "Problems found a month before a notice would have come.",
                "All advocates from the start of next month.",
            ),
        ],
    },
}

# Team name → its ramps (with when they ran), the cycles it shared and the comments they drew,
# a cycle edited after the fact, and the action plan it left the last session with.
# Comment authors: "coach" (the team's coach) or another team's name (its change leader).
# Plan steps: (text, owner's role, when) where "when" is done, overdue, soon, later, or
# cycle (the step that became the team's newest cycle).
TEAMS: dict[str, dict[str, Any]] = {
    "Eastside Family Health Center team": {
        "ramps": [("eastside-repeat", "shift"), ("eastside-saturday", "recent")],
        "shared": [
            (
                "eastside-repeat",
                3,
                "coach",
                "A lovely ramp. Could you post the query behind the daily list? Two other "
                "clinics asked for it at the coaching call.",
            ),
            (
                "eastside-repeat",
                3,
                "Southside Family Medicine team",
                "We tried this for a week and lost track without a list. Copying your daily "
                "list now.",
            ),
        ],
        "revised": (
            "eastside-repeat",
            1,
            "results",
            "Four of five second readings lower; all of them in the new row.",
        ),
        "plan": {
            "changes": "Saturday walk-in readings for working-age patients; keep the repeat "
            "reading going.",
            "measure": "Number of Saturday readings by age group; BP control for ages 18–44.",
            "idea": "eastside-saturday",
            "steps": [
                ("Hand the daily repeat-reading list to the front-desk lead", "data_lead", "done"),
                ("Agree Saturday overtime with the medical director", "executive_sponsor", "done"),
                ("Run four Saturday walk-in mornings", "change_leader", "cycle"),
                ("Share the daily-list query with the other clinics", "data_lead", "overdue"),
            ],
        },
        "feedback": "Good plan. The Saturday idea goes straight at your youngest patients, "
        "where the gap is. Keep the age breakdown on the chart so we can see it work.",
    },
    "Valley Community Clinic team": {
        "ramps": [("valley-standing", "shift"), ("valley-dizziness", "recent")],
        "plan": {
            "changes": "Dizziness and fall questions at every step-up; pharmacists under the "
            "standing order.",
            "measure": "Hypotension events; share of step-ups with the questions asked.",
            "idea": "valley-dizziness",
            "steps": [
                ("Print the questions on the protocol card", "clinician_champion", "done"),
                ("Ask about dizziness at every step-up", "change_leader", "cycle"),
                ("Draft the pharmacists' standing order", "clinician_champion", "later"),
            ],
        },
    },
    "Harbor Health Partners team": {
        "ramps": [("harbor-booking", "shift"), ("harbor-card", "recent")],
        "plan": {
            "changes": "Protocol card in every exam room; reminder calls for patients we can "
            "reach.",
            "measure": "Share of high-reading visits with a step-up; no-shows for follow-ups.",
            "idea": "harbor-card",
            "steps": [
                ("Laminate protocol cards for all rooms", "member", "done"),
                ("Present the card at the staff meeting", "clinician_champion", "cycle"),
                ("Script a reminder call for follow-up visits", "change_leader", "overdue"),
                ("Count no-shows by phone status for a month", "data_lead", "later"),
            ],
        },
    },
    "Northgate Free Clinic team": {
        "ramps": [
            ("northgate-texts", "shift"),
            ("northgate-pharmacist", "shift"),
            ("northgate-phones", "recent"),
        ],
        "shared": [
            (
                "northgate-texts",
                1,
                "Harbor Health Partners team",
                "We saw the same bounce rate. Booking the visit before the patient leaves did "
                "more for us than any reminder.",
            ),
            (
                "northgate-texts",
                1,
                "coach",
                "Thank you for sharing a test that did not work: that is how the others learn. "
                "The phone-number finding is worth a cycle of its own.",
            ),
        ],
        "plan": {
            "changes": "Correct phone numbers at every check-in; try booking follow-ups before "
            "the patient leaves.",
            "measure": "Wrong numbers found per week; follow-up visits booked within four weeks.",
            "idea": "northgate-phones",
            "steps": [
                ("Confirm phone numbers at every check-in", "member", "cycle"),
                ("Call Harbor about their follow-up slip", "change_leader", "overdue"),
                ("Ask the medical director about pharmacist hours", "executive_sponsor", "later"),
            ],
        },
    },
    "Lakeview Health Centre team": {
        "ramps": [("lakeview-quiet", "shift"), ("lakeview-huddle", "recent")],
        "plan": {
            "changes": "Morning huddle list of patients whose last reading was high.",
            "measure": "Named patients with a plan made; BP control.",
            "idea": "lakeview-huddle",
            "steps": [
                ("Set a reorder level for large cuffs", "member", "done"),
                ("Read the high-reading list at every huddle", "data_lead", "cycle"),
                ("Bring Friday's huddle in line with the other days", "change_leader", "soon"),
            ],
        },
    },
    "Pine Street Clinic team": {
        "ramps": [("pine-cuffs", "shift"), ("pine-portal", "recent")],
        "shared": [
            (
                "pine-cuffs",
                2,
                "coach",
                "The two patients who avoided a second medicine make a good story for the next "
                "learning session. Would you present it?",
            ),
        ],
        "plan": {
            "changes": "Home readings sent through the portal.",
            "measure": "Patients sending portal readings; treatment changes made on them.",
            "idea": "pine-portal",
            "steps": [
                ("Write the one-page portal log-in guide", "data_lead", "done"),
                ("Test the guide with one nurse's patients", "clinician_champion", "cycle"),
                ("Ask the foundation for thirty more cuffs", "executive_sponsor", "overdue"),
            ],
        },
    },
    "Southside Family Medicine team": {
        "ramps": [("southside-list", "shift"), ("southside-cuffs", "recent")],
        "plan": {
            "changes": "The right cuff size at every station.",
            "measure": "Technique audit: right cuff in nine of ten readings.",
            "idea": "southside-cuffs",
            "steps": [
                ("Order large cuffs for every station", "executive_sponsor", "done"),
                ("Put up the arm-measure chart at all stations", "member", "cycle"),
                ("Send the call script to the Riverton clinics", "change_leader", "soon"),
            ],
        },
    },
    "Mesa Verde Community Health team": {
        "ramps": [
            ("mesaverde-combination", "shift"),
            ("mesaverde-automated", "shift"),
            ("mesaverde-quiet", "recent"),
        ],
        "plan": {
            "changes": "Five quiet minutes before every reading, once the arm supports arrive.",
            "measure": "Technique audit; BP control.",
            "idea": "mesaverde-quiet",
            "steps": [
                ("Order arm supports for rooms 2 and 5", "executive_sponsor", "overdue"),
                ("One session with the quiet minutes", "change_leader", "cycle"),
                ("Ask Lakeview how they run their technique audit", "data_lead", "soon"),
            ],
        },
    },
    "Harbor Light Housing Services": {
        "ramps": [("harborlight-liaison", "shift"), ("harborlight-peer", "recent")],
        "shared": [
            (
                "harborlight-liaison",
                3,
                "coach",
                "Thursday calling is a great finding. Please bring the landlord sheet to the "
                "next coaching call.",
            ),
            (
                "harborlight-liaison",
                3,
                "New Roots Family Shelter",
                "Could we add our landlords to your sheet? We keep calling the same ones as you.",
            ),
        ],
        "revised": (
            "harborlight-liaison",
            2,
            "results",
            "8 of 23 agreed to a viewing.",
        ),
        "plan": {
            "changes": "Peer navigator at viewings; a back-up landlord caller.",
            "measure": "Same-day decisions at viewings; days to housing.",
            "idea": "harborlight-peer",
            "steps": [
                ("Pay the peer navigator for ten hours a week", "executive_sponsor", "done"),
                ("Peer navigator at five viewings", "change_leader", "cycle"),
                ("Train a back-up landlord caller", "member", "overdue"),
                ("Offer the landlord sheet to the other agencies", "data_lead", "later"),
            ],
        },
        "feedback": "Strong plan. Write down what the peer navigator says at a viewing, so "
        "someone else can do it when she is away.",
    },
    "New Roots Family Shelter": {
        "ramps": [("newroots-documents", "shift"), ("newroots-visits", "recent")],
        "plan": {
            "changes": "Weekly home visits in the first month after a move.",
            "measure": "Problems found per visit; households housed at six months.",
            "idea": "newroots-visits",
            "steps": [
                ("Add a utilities check to the first visit", "change_leader", "done"),
                ("Weekly visits for every family housed this month", "member", "cycle"),
                ("Share the intake checklist with Cedar House", "data_lead", "soon"),
            ],
        },
    },
    "Open Door Outreach": {
        "ramps": [("opendoor-fund", "shift"), ("opendoor-callfirst", "recent")],
        "plan": {
            "changes": "Landlords call the case manager before any notice.",
            "measure": "Calls received; eviction filings among new tenants.",
            "idea": "opendoor-callfirst",
            "steps": [
                ("Add the call-us-first agreement to the lease packet", "change_leader", "cycle"),
                ("Report fund claims to the housing trust", "data_lead", "overdue"),
                ("Thank the landlords who called", "member", "soon"),
            ],
        },
    },
    "Cedar House Youth Services": {
        "ramps": [
            ("cedarhouse-breakfast", "shift"),
            ("cedarhouse-checklist", "shift"),
            ("cedarhouse-visits", "recent"),
        ],
        "shared": [
            (
                "cedarhouse-breakfast",
                1,
                "coach",
                "Thank you for writing this up honestly. Harbor Light's weekly calls might suit "
                "you better: shall I set up a call with their liaison?",
            ),
        ],
        "plan": {
            "changes": "Evening home visits for young tenants; going with young people to the "
            "records office.",
            "measure": "Visits that happen as planned; young people housed at six months.",
            "idea": "cedarhouse-visits",
            "steps": [
                ("Swap shifts to cover two evenings a week", "change_leader", "done"),
                ("Evening visits for three young tenants", "member", "cycle"),
                ("Call Harbor Light's landlord liaison", "executive_sponsor", "overdue"),
            ],
        },
    },
    "Bridgeway Veterans Housing": {
        "ramps": [("bridgeway-inspection", "shift"), ("bridgeway-deposit", "recent")],
        "plan": {
            "changes": "Deposits and first month's rent paid within 48 hours.",
            "measure": "Days from lease to move-in.",
            "idea": "bridgeway-deposit",
            "steps": [
                ("Name a back-up cheque signer", "executive_sponsor", "done"),
                ("Pay every deposit within 48 hours", "data_lead", "cycle"),
                ("Write up the inspection checklist for landlords", "change_leader", "later"),
            ],
        },
    },
    "St. Brendan's Community Kitchen and Housing": {
        "ramps": [("stbrendans-list", "shift"), ("stbrendans-kit", "recent")],
        "plan": {
            "changes": "A move-in kit ready before the keys.",
            "measure": "Households who sleep in their home on the first night.",
            "idea": "stbrendans-kit",
            "steps": [
                ("Ask the Continuum of Care to host the unit list", "executive_sponsor", "done"),
                ("Book utilities at lease signing for three households", "member", "cycle"),
                ("Recruit a second volunteer crew", "change_leader", "overdue"),
            ],
        },
    },
    "Metro Tenant Support Network": {
        "ramps": [("tenantsupport-ledger", "recent")],
        "plan": {
            "title": "First steps after joining",
            "changes": "Rent ledger checks at monthly visits.",
            "measure": "Ledger problems found; households still housed.",
            "idea": "tenantsupport-ledger",
            "steps": [
                ("Name the data lead for monthly reports", "executive_sponsor", "done"),
                ("Ledger checks at five monthly visits", "change_leader", "cycle"),
                ("Read the change package with the whole team", "executive_sponsor", "soon"),
            ],
        },
    },
}

# Teams that adopted their collaborative's diagram, and the idea each added under a secondary
# driver of it: team name → (secondary driver, idea, description).
TEAM_DIAGRAMS: dict[str, tuple[str, str, str]] = {
    "Eastside Family Health Center team": (
        "No uncontrolled patient goes without follow-up",
        "Walk-in blood-pressure check on Saturday mornings",
        "For working-age patients who cannot come on a weekday.",
    ),
    "Lakeview Health Centre team": (
        "High readings confirmed before they count",
        "Morning huddle names the patients whose last reading was high",
        "The data lead prints the list before the huddle.",
    ),
    "Harbor Light Housing Services": (
        "Units matched to households quickly",
        "Peer navigator with lived experience goes to viewings",
        "Someone who was housed by the programme helps the household decide.",
    ),
}
