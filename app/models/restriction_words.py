"""What each restriction beyond force is, in plain English, with an example: the forms show
these above the fields so staff record the right thing (issue 10, item 2).

Written by the project, not quoted from guidance. domain.md §1 lists only the force the Use of
Force Act counts; these kinds come from national guidance on reducing restrictive practice
*(not in domain.md; verify the wording with the trust's reducing-restrictive-practice lead)*.
Keyed by record ``KIND`` so a screen finds the words for the record it edits.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PlainWords:
    """A kind's name, what it means and an example, as the form shows them."""

    title: str
    definition: str
    example: str


BLANKET_RESTRICTION_WORDS = PlainWords(
    title="Blanket restriction",
    definition=(
        "A rule that limits what everyone on the ward may do, whatever each person's own "
        "risk: locked rooms, items nobody may keep, set times for phones, the garden or the "
        "internet, limits on visiting. A patient may be exempted after an individual "
        "assessment."
    ),
    example=(
        "The kitchen is locked from 23:00 to 07:00, so no patient can make a hot drink at night."
    ),
)

ENHANCED_OBSERVATION_WORDS = PlainWords(
    title="Enhanced observation",
    definition=(
        "Watching one patient more closely than the ward's general observation — at set "
        "intervals, always within sight, or within arm's reach — because of a risk to them "
        "or to others. It takes away privacy, so it is recorded and reviewed."
    ),
    example=(
        "After a ligature attempt, a support worker stays within arm's length of the patient, "
        "bathroom included, until the review next morning."
    ),
)

INDIVIDUAL_RESTRICTION_WORDS = PlainWords(
    title="Individual restriction",
    definition=(
        "A limit placed on one patient — their belongings, visits, phone, leave, internet or "
        "something else — decided for that person because of their own risk."
    ),
    example=(
        "A patient's mobile phone is kept in the office for 48 hours after it was used to "
        "arrange drugs being brought in; they may use the ward phone meanwhile."
    ),
)

PSYCHOLOGICAL_RESTRAINT_WORDS = PlainWords(
    title="Psychological restraint or coercion",
    definition=(
        "Controlling what a patient does by pressure instead of touch: telling them what "
        "will happen if they do not comply, threatening them, or holding back something "
        "they want or need until they do."
    ),
    example=(
        "Telling a patient they will lose their leave unless they take their medication, or "
        "that they cannot phone home until they are quiet."
    ),
)

CULTURAL_RESTRAINT_WORDS = PlainWords(
    title="Cultural restraint",
    definition=(
        "Stopping, or failing to make room for, a patient's religious or cultural practice, "
        "diet, dress or language — by a rule, by a member of staff, or by what the ward does "
        "not provide."
    ),
    example=(
        "No time or quiet space to pray at the times the patient's faith asks; no halal meal "
        "offered; a patient told to speak only English when a relative visits."
    ),
)

#: The words for each kind, by the record's ``KIND``.
WORDS_BY_KIND: dict[str, PlainWords] = {
    "blanket_restriction": BLANKET_RESTRICTION_WORDS,
    "enhanced_observation": ENHANCED_OBSERVATION_WORDS,
    "individual_restriction": INDIVIDUAL_RESTRICTION_WORDS,
    "psychological_restraint": PSYCHOLOGICAL_RESTRAINT_WORDS,
    "cultural_restraint": CULTURAL_RESTRAINT_WORDS,
}
