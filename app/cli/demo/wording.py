"""Short, plain, fictitious wording for demo records. ``{name}`` is the patient's given name.

Written to be kind to the subject: what a careful nurse would write, without lurid detail.
"""

from __future__ import annotations

from app.models.codes import InterventionReason

_R = InterventionReason

REASON_NARRATIVES: dict[InterventionReason, tuple[str, ...]] = {
    _R.PREVENT_VIOLENCE_TO_OTHERS: (
        "{name} hit a fellow patient in the dining room and went to hit them again.",
        "{name} threw a chair towards staff in the day room.",
        "{name} became very distressed during a talk about leave and tried to hit a nurse.",
        "{name} was kicking at another patient's bedroom door and threatening them.",
        "{name} followed a fellow patient down the corridor, shouting and raising a fist.",
    ),
    _R.PREVENT_SERIOUS_INTENTIONAL_SELF_HARM: (
        "{name} was found with a ligature in the bathroom and would not hand it over.",
        "{name} was hitting their head against the corridor wall and could not stop.",
        "{name} was trying to cut their arm with a broken piece of plastic.",
    ),
    _R.PREVENT_SERIOUS_ACCIDENTAL_INJURY_TO_SELF: (
        "{name} had not slept for days and kept climbing on the lounge furniture.",
    ),
    _R.LAWFULLY_GIVE_MEDICINE_OR_TREATMENT: (
        (
            "Prescribed depot medication was due under the treatment plan; {name} declined after "
            "a long discussion with the consultant."
        ),
    ),
    _R.FACILITATE_PERSONAL_CARE: (
        (
            "{name} needed a wound on their leg cleaned and dressed and could not manage it "
            "without help."
        ),
    ),
    _R.PREVENT_EXTREME_PROLONGED_OVERACTIVITY: (
        "{name} had been extremely over-active for many hours without rest, food or drink.",
    ),
    _R.PREVENT_OTHERWISE_DANGEROUS_BEHAVIOUR: (
        "{name} was throwing objects around the lounge and breaking furniture.",
        "{name} pulled a fire extinguisher off the wall and was swinging it.",
    ),
    _R.SEARCH_FOR_SAFETY_OF_OTHERS: (
        "Staff had good reason to think {name} had brought a blade back from leave.",
    ),
    _R.PREVENT_ABSCONDING: (
        "{name} tried to follow a visitor out through the airlock.",
        "{name} climbed onto the garden bench to get over the fence.",
    ),
}

EFFORTS: tuple[str, ...] = (
    "Talked calmly with {name}, offered quiet space and a hot drink, offered PRN by mouth.",
    (
        "Followed the de-escalation steps in the care plan: less noise, one familiar nurse, "
        "choices offered."
    ),
    "Offered time in the garden and a phone call to family; oral medication offered and declined.",
    "Named nurse used distraction and reassurance; other patients moved away to give space.",
    "Nurse in charge spoke with {name} for ten minutes and offered to sort out the leave question.",
)

OUTCOMES: tuple[str, ...] = (
    "{name} settled within half an hour and spent the evening in the lounge.",
    "Calmer after the hold; accepted a drink and talked with staff about what happened.",
    "Went to their room and slept; physical observations within normal range.",
    "No further incidents this shift; observation level reviewed by the nurse in charge.",
    "Apologised to staff later; care plan to be talked through at the next ward round.",
)

LOCATIONS: tuple[str, ...] = (
    "Day room",
    "Dining room",
    "Main corridor",
    "Bedroom corridor",
    "Patient's bedroom",
    "Lounge",
    "Garden",
    "Corridor by the nursing office",
)

#: How force was used, per shape of incident (see app.cli.demo.incidents).
HOW: dict[str, tuple[str, ...]] = {
    "standing": (
        (
            "Two staff held {name}'s arms in a standing hold while talking calmly; released as "
            "soon as {name} agreed to step away."
        ),
        "Brief standing hold by two staff, one on each arm, to move {name} away from others.",
    ),
    "escort": (
        "Two staff walked {name} to their bedroom holding an arm each; released at the door.",
        "Restrictive escort by two staff from the airlock back to the lounge.",
    ),
    "seated": (
        "Standing hold, then {name} was helped to sit on the sofa and held seated until calm.",
    ),
    "supine": (
        (
            "Standing hold; {name} went to the floor and was held face up, one staff member "
            "supporting the head, until calmer."
        ),
    ),
    "side": (
        (
            "Standing hold, then held on the floor on their side in the recovery position until "
            "settled."
        ),
    ),
    "prone_short": (
        (
            "Standing hold; {name} fell face down and was held briefly, then turned face up as "
            "soon as it was safe."
        ),
    ),
    "prone_long": (
        (
            "Standing hold; {name} went face down and kept struggling, so staff could not turn "
            "them at once. Turned onto their side when safe; breathing watched throughout."
        ),
    ),
    "rapid_tranquillisation": (
        (
            "Standing hold, then held face up on the floor while the nurse gave intramuscular "
            "medication as prescribed."
        ),
    ),
    "oral": ("Held seated on the sofa; accepted oral medication while held.",),
    "treatment": (
        (
            "Held seated in the clinic room by three staff while the prescribed depot injection "
            "was given."
        ),
    ),
    "personal_care": (
        "Held seated with two staff supporting while the nurse cleaned and dressed the wound.",
    ),
    "mechanical": (
        (
            "Held face up on the floor; soft leg straps applied to stop severe kicking and "
            "head-banging, removed as soon as it was safe. Continuous observation throughout."
        ),
    ),
    "seclusion": (
        (
            "Standing hold, then restrictive escort to the seclusion suite; seclusion started "
            "when staff withdrew."
        ),
    ),
}

NOT_HELD_WITH_PATIENT = (
    "Declined when offered; to be offered again tomorrow.",
    "Asleep after medication; offered the next morning and declined.",
)

NOT_NOTIFIED = "Tried twice by telephone with no answer; the day team will try again."

NON_STAFF = (
    (
        "Police",
        (
            "Officers had just brought {name} back to the ward after absence without leave and "
            "stayed to help while staff arrived."
        ),
    ),
    (
        "Site security team",
        "Called to help because only three ward staff were on duty overnight.",
    ),
)

AMENDMENT_REASON = "Bruise found at the next day's physical health check; injury answer corrected."
AMENDMENT_OUTCOME = (
    " Small bruise on the left forearm found at the next day's physical health check; "
    "first aid only."
)

SERIOUS_INJURY = "Fractured finger found on X-ray; treated at the emergency department."
