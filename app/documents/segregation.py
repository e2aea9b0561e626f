"""``rpr report lts-review --user U --out F.pdf --episode ID [--from DATE --to DATE]``: the
long-term segregation review document of one LTS episode on this ward (issue 8 item 1;
domain.md §3 "What a segregation review document holds").

Printing review documents is the ward manager's right (domain.md §7). The period is the last
28 days up to now by default, or whole days on the ward clock from ``--from`` to ``--to``;
either is clipped to the episode. Everything is read in one transaction — the episode, its
patient and ward, every review, the engagement log, the patient's incidents and seclusion
episodes, and the episode's steps to end it, IC(E)TR recommendations and senior-intervenor
actions (issue 10) — as the ward client's LTS screen reads it
(:func:`app.ui.isolation.loading.load_lts_detail`). The layout is
:mod:`app.reports.segregation_review`.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from uuid import UUID

from app.documents.base import Made, ReportCommand, ReportContext, episode_on_ward, record_id
from app.models.incident import UseOfForceIncident
from app.models.lts_exit import IcetrRecommendation, LtsExitStep, SeniorIntervenorAction
from app.models.people import Permission, Ward
from app.models.policy import SegregationPolicy
from app.models.seclusion import SeclusionEpisode
from app.models.segregation import LtsEngagementEntry, LtsEpisode, LtsReview
from app.reports.parts import nhs
from app.reports.segregation_review import (
    LtsReviewInputs,
    lts_review_period,
    render_lts_review,
)
from app.store.records import RecordReader

TITLE = "Long-term segregation review"
DOCUMENT = "long-term segregation review PDF"
#: Seclusion this long before the period still counts towards its "last 7 days" total.
_SECLUSION_LOOKBACK = timedelta(days=7)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError("give a date as YYYY-MM-DD") from None


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--episode",
        required=True,
        help="the LTS episode's reference (its record id, as the segregation screen shows it)",
    )
    parser.add_argument(
        "--from",
        dest="first_day",
        type=_day,
        default=None,
        metavar="DATE",
        help="first day of the period (YYYY-MM-DD); default: 28 days before --to or now",
    )
    parser.add_argument(
        "--to",
        dest="last_day",
        type=_day,
        default=None,
        metavar="DATE",
        help="last day of the period (YYYY-MM-DD); default: now",
    )


def load_lts_review_inputs(
    reader: RecordReader,
    ward: Ward,
    episode_id: UUID,
    now: datetime,
    *,
    first_day: date | None = None,
    last_day: date | None = None,
    policy: SegregationPolicy,
) -> LtsReviewInputs:
    """Everything the review document of ``episode_id`` is printed from; refuses an id that
    is not an LTS episode of ``ward``, and a period the wrong way round or outside it."""
    episode, patient = episode_on_ward(
        reader, LtsEpisode, episode_id, ward, "long-term segregation"
    )
    period = lts_review_period(episode, now, first_day, last_day)
    engagement = reader.find(
        LtsEngagementEntry,
        parent_id=episode.id,
        starts_before=period.end,
        ends_after=period.start,
    )
    incidents = reader.find(
        UseOfForceIncident,
        patient_id=patient.id,
        starts_from=period.start,
        starts_before=period.end + timedelta(microseconds=1),
    )
    seclusions = reader.find(
        SeclusionEpisode,
        patient_id=patient.id,
        starts_before=period.end + timedelta(microseconds=1),
        ends_after=period.end - _SECLUSION_LOOKBACK,
    )
    return LtsReviewInputs(
        episode=episode,
        patient=patient,
        ward_name=ward.name,
        period=period,
        reviews=tuple(reader.find(LtsReview, parent_id=episode.id)),
        engagement=tuple(engagement),
        incidents=tuple(incidents),
        seclusions=tuple(seclusions),
        policy=policy,
        exit_steps=tuple(reader.find(LtsExitStep, parent_id=episode.id)),
        icetr_recommendations=tuple(reader.find(IcetrRecommendation, parent_id=episode.id)),
        senior_intervenor_actions=tuple(reader.find(SeniorIntervenorAction, parent_id=episode.id)),
    )


def _make(ctx: ReportContext, args: argparse.Namespace) -> Made:
    episode_id = record_id(args.episode, "episode", "segregation episode")
    with ctx.store.read() as reader:
        inputs = load_lts_review_inputs(
            reader,
            ctx.ward,
            episode_id,
            ctx.printed_at,
            first_day=args.first_day,
            last_day=args.last_day,
            policy=ctx.policy.segregation,
        )
    patient = inputs.patient
    subject = f"{patient.filing_name} · NHS {nhs(patient.nhs_number)}"
    content = render_lts_review(ctx.heading(TITLE, subject), inputs)
    return Made(
        content=content,
        document=DOCUMENT,
        subject_kind=LtsEpisode.KIND,
        subject_id=episode_id,
    )


COMMAND = ReportCommand(
    name="lts-review",
    help="the long-term segregation review document of an LTS episode (ward manager)",
    permission=Permission.PRINT_REVIEW_DOCUMENTS,
    add_arguments=_add_arguments,
    make=_make,
    example="lts-review.pdf",
)
