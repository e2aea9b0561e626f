"""The seclusion record: one seclusion episode on paper (domain.md §3 "Seclusion"; issue 8
item 1) — who was secluded, why, by whose authority, the care plan, every review clock, a
timeline chart of each observation and review against when it was due, what was late or
missed, every review and observation, and lines to sign.

A function of domain objects only (:class:`SeclusionRecordInputs`). The clocks and lapses are
the models' (:mod:`app.models.seclusion_clock`), shown as they stood at ``at`` (the moment of
printing): a running episode shows what is due or overdue now; an ended one, stopped clocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.models.clock import as_utc
from app.models.incident import UseOfForceIncident
from app.models.patient import Patient
from app.models.policy import DEFAULT_POLICY, SeclusionPolicy
from app.models.review_clocks import ReviewClock, ReviewLapse
from app.models.seclusion import SeclusionEpisode, SeclusionObservation, SeclusionReview
from app.models.seclusion_clock import seclusion_clocks, seclusion_lapses
from app.reports.document import Heading, render
from app.reports.parts import (
    BODY,
    H1,
    NOT_RECORDED,
    SMALL,
    day,
    facts,
    heading,
    markup,
    nhs,
    section,
    signature_lines,
    text,
    when,
)
from app.reports.seclusion_timeline import seclusion_lanes
from app.reports.segregation_parts import (
    answer,
    clocks_table,
    lapses_table,
    length,
    named,
    opened,
    table_or_none,
)
from app.reports.timeline_chart import legend, timeline_chart

WIDTH = 174 * mm
#: How far past "now" the chart of a running episode reaches, to show what falls due next.
LOOK_AHEAD = timedelta(hours=1)

#: The section headings as printed (tests look for each).
TITLES = (
    "1. Patient",
    "2. Seclusion episode",
    "3. Seclusion care plan",
    "4. Review clocks",
    "5. Timeline: observations and reviews against when each was due",
    "6. Late or missed observations and reviews",
    "7. Reviews",
    "8. Observations",
    "9. Sign-off",
)

_CARE_PLAN_LABELS = (
    ("food", "Food"),
    ("fluids", "Fluids"),
    ("toilet", "Toilet"),
    ("hygiene", "Hygiene"),
    ("clothing", "Clothing"),
    ("bedding", "Bedding"),
    ("medication", "Medication"),
    ("physical_health", "Physical health"),
    ("steps_to_end_seclusion", "Steps to end seclusion"),
)


@dataclass(frozen=True)
class SeclusionRecordInputs:
    """Everything the record is made from. ``observations`` and ``reviews`` may include
    other episodes' (ignored); ``episodes_of_patient`` are the patient's seclusion episodes,
    which the 12-hours-in-48 rule needs; ``incident`` is the linked use-of-force record."""

    episode: SeclusionEpisode
    patient: Patient
    ward_name: str
    at: datetime
    observations: tuple[SeclusionObservation, ...] = ()
    reviews: tuple[SeclusionReview, ...] = ()
    episodes_of_patient: tuple[SeclusionEpisode, ...] = ()
    incident: UseOfForceIncident | None = None
    policy: SeclusionPolicy = field(default=DEFAULT_POLICY.seclusion)

    @cached_property
    def own_observations(self) -> tuple[SeclusionObservation, ...]:
        """This episode's observations, in time order."""
        own = (o for o in self.observations if o.episode_id == self.episode.id)
        return tuple(sorted(own, key=lambda o: o.observed_at))

    @cached_property
    def own_reviews(self) -> tuple[SeclusionReview, ...]:
        """This episode's reviews, in time order."""
        own = (r for r in self.reviews if r.episode_id == self.episode.id)
        return tuple(sorted(own, key=lambda r: r.held_at))

    @cached_property
    def others(self) -> tuple[SeclusionEpisode, ...]:
        """The patient's seclusion episodes (for the independent MDT trigger)."""
        return tuple(e for e in self.episodes_of_patient if e.patient_id == self.patient.id)

    @cached_property
    def clocks(self) -> tuple[ReviewClock, ...]:
        """Every seclusion clock at ``at``."""
        return seclusion_clocks(
            self.episode,
            self.own_observations,
            self.own_reviews,
            self.at,
            episodes_of_patient=self.others,
            policy=self.policy,
        )

    @cached_property
    def lapses(self) -> tuple[ReviewLapse, ...]:
        """Observations and reviews done late or not at all, up to ``at``."""
        return seclusion_lapses(
            self.episode,
            self.own_observations,
            self.own_reviews,
            self.at,
            episodes_of_patient=self.others,
            policy=self.policy,
        )

    @property
    def running(self) -> bool:
        """Still running at ``at``."""
        return self.episode.is_active_at(self.at)


def seclusion_record_story(inputs: SeclusionRecordInputs, printed: Heading) -> list[Flowable]:
    """Every section of the record, in order."""
    return [
        heading("Seclusion record", H1),
        *_patient(inputs),
        *_episode(inputs),
        *_care_plan(inputs),
        *_clocks(inputs),
        *_timeline(inputs),
        *opened(TITLES[5], lapses_table(inputs.lapses, inputs.clocks)),
        *_reviews(inputs),
        *_observations(inputs),
        *section(
            TITLES[8],
            signature_lines(("Nurse in charge", "Doctor", "Ward manager")),
            markup(text(f"Printed by {printed.printed_by} on {when(printed.printed_at)}."), BODY),
        ),
    ]


def render_seclusion_record(heading: Heading, inputs: SeclusionRecordInputs) -> bytes:
    """The seclusion record as PDF bytes (writes nothing)."""
    return render(heading, seclusion_record_story(inputs, heading))


def _patient(inputs: SeclusionRecordInputs) -> list[Flowable]:
    patient = inputs.patient
    status = patient.legal_status.label if patient.legal_status else NOT_RECORDED
    if patient.legal_status_detail:
        status = f"{status}: {patient.legal_status_detail}"
    return section(
        TITLES[0],
        facts(
            [
                ("Name", patient.filing_name),
                ("NHS number", nhs(patient.nhs_number)),
                ("Date of birth", day(patient.date_of_birth)),
                ("Ward", inputs.ward_name),
                ("Mental Health Act status", status),
                ("Learning disability", answer(patient.learning_disability)),
                ("Autism", answer(patient.autism)),
            ]
        ),
    )


def _episode(inputs: SeclusionRecordInputs) -> list[Flowable]:
    episode = inputs.episode
    authorised = named(episode.authorised_by)
    if episode.authorised_by_psychiatrist:
        authorised += "\nTheir assessment counts as the first medical review."
    reason = NOT_RECORDED
    if episode.reason is not None:
        reason = f"{episode.reason.value} {episode.reason.label}"
    incident = inputs.incident
    linked = "Not linked yet"
    if incident is not None:
        status = incident.status.value.replace("_", " ")
        linked = f"Started {when(incident.started_at)}; {status}"
    duration = length(episode.duration_at(inputs.at))
    if inputs.running:
        duration = f"{duration} so far (still running when printed)"
    return section(
        TITLES[1],
        facts(
            [
                ("Started", when(episode.started_at)),
                ("Where", episode.place),
                ("Authorised by", authorised),
                ("Reason (MHSDS code)", reason),
                ("What happened", episode.reason_narrative),
                ("Ended", when(episode.ended_at) if episode.ended_at else "Not ended"),
                ("Decided to end by", named(episode.ended_by) if episode.ended_by else None),
                ("Length of seclusion", duration),
                ("Debrief offered", answer(episode.debrief_offered)),
                ("Debrief held", answer(episode.debrief_held)),
                ("Use-of-force record", linked),
            ]
        ),
    )


def _care_plan(inputs: SeclusionRecordInputs) -> list[Flowable]:
    plan = inputs.episode.care_plan
    return section(
        TITLES[2], facts([(label, getattr(plan, name)) for name, label in _CARE_PLAN_LABELS])
    )


def _clocks(inputs: SeclusionRecordInputs) -> list[Flowable]:
    overdue = [c for c in inputs.clocks if c.overdue]
    if overdue:
        names = ", ".join(text(c.kind.label) for c in overdue)
        summary = markup(f"<b>Overdue when printed: {names}.</b>", BODY)
    elif inputs.running:
        summary = markup("Nothing was overdue when printed.", BODY)
    else:
        summary = markup("Seclusion has ended: the clocks have stopped.", BODY)
    note = markup(f"<i>As at {when(inputs.at)}.</i>", SMALL)
    return section(TITLES[3], clocks_table(inputs.clocks), summary, note)


def _timeline(inputs: SeclusionRecordInputs) -> list[Flowable]:
    episode = inputs.episode
    at = as_utc(inputs.at)
    lanes = seclusion_lanes(
        episode,
        inputs.own_observations,
        inputs.own_reviews,
        at,
        episodes_of_patient=inputs.others,
        policy=inputs.policy,
    )
    end = at + LOOK_AHEAD if inputs.running else episode.end_as_of(at)
    chart = timeline_chart(
        lanes,
        episode.started_at,
        end,
        ended=episode.ended_at if not inputs.running else None,
        now=at if inputs.running else None,
        width=WIDTH,
    )
    return opened(TITLES[4], legend(), *chart)


def _reviews(inputs: SeclusionRecordInputs) -> list[Flowable]:
    rows = [
        [
            when(r.held_at),
            r.kind.label,
            "\n".join(named(p) for p in r.attendees),
            r.decision.value.capitalize(),
            r.notes or None,
        ]
        for r in inputs.own_reviews
    ]
    shares = (0.15, 0.15, 0.3, 0.12, 0.28)
    return opened(
        TITLES[6],
        table_or_none(
            ("Held", "Review", "Attendees", "Decision", "Notes"),
            rows,
            [WIDTH * s for s in shares],
            none="No review has been recorded.",
        ),
    )


def _offered(observation: SeclusionObservation) -> str:
    offered = [
        label
        for label, given in (
            ("food", observation.food_offered),
            ("fluid", observation.fluid_offered),
            ("toilet", observation.toilet_offered),
        )
        if given
    ]
    return ", ".join(offered).capitalize() if offered else "None"


def _observations(inputs: SeclusionRecordInputs) -> list[Flowable]:
    rows = [
        [
            when(o.observed_at),
            named(o.observer),
            o.behaviour,
            o.mental_state,
            f"{o.physical_state}\nBreathing: {o.breathing}",
            _offered(o),
        ]
        for o in inputs.own_observations
    ]
    shares = (0.13, 0.16, 0.19, 0.19, 0.21, 0.12)
    return opened(
        TITLES[7],
        table_or_none(
            ("Time", "Observer", "Behaviour", "Mental state", "Physical state", "Offered"),
            rows,
            [WIDTH * s for s in shares],
            none="No observation has been recorded.",
        ),
    )
