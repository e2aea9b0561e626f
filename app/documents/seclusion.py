"""``rpr report seclusion --user U --out F.pdf --episode ID``: the seclusion record of one
seclusion episode on this ward (issue 8 item 1; domain.md §3 "Seclusion"), with its timeline
chart of observations and reviews against when each was due.

Printing review documents is the ward manager's right (domain.md §7). Everything is read in
one transaction — the episode, its patient and ward, its observations and reviews, the
patient's other seclusion episodes (the 12-hours-in-48 rule needs them) and the linked
use-of-force record — as the ward client's seclusion screen reads it
(:func:`app.ui.isolation.loading.load_seclusion_detail`). The clocks are shown as they stand
at the moment of printing. The layout is :mod:`app.reports.seclusion_record`.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from uuid import UUID

from app.documents.base import Made, ReportCommand, ReportContext, episode_on_ward, record_id
from app.models.incident import UseOfForceIncident
from app.models.people import Permission, Ward
from app.models.policy import SeclusionPolicy
from app.models.seclusion import SeclusionEpisode, SeclusionObservation, SeclusionReview
from app.reports.parts import nhs
from app.reports.seclusion_record import SeclusionRecordInputs, render_seclusion_record
from app.store.records import RecordReader

TITLE = "Seclusion record"
DOCUMENT = "seclusion record PDF"


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--episode",
        required=True,
        help="the seclusion episode's reference (its record id, as the seclusion screen shows it)",
    )


def load_seclusion_record_inputs(
    reader: RecordReader,
    ward: Ward,
    episode_id: UUID,
    now: datetime,
    *,
    policy: SeclusionPolicy,
) -> SeclusionRecordInputs:
    """Everything the record of ``episode_id`` is printed from; refuses an id that is not a
    seclusion episode of ``ward``."""
    episode, patient = episode_on_ward(reader, SeclusionEpisode, episode_id, ward, "seclusion")
    # Seclusion ending within the window before this episode can count towards the
    # intermittent rule (12 hours within any 48) during it.
    window = policy.independent_mdt_window
    others = reader.find(
        SeclusionEpisode,
        patient_id=patient.id,
        starts_before=episode.end_as_of(now) + timedelta(microseconds=1),
        ends_after=episode.started_at - window,
    )
    incident = None
    if episode.incident_id is not None:
        incident = reader.get(UseOfForceIncident, episode.incident_id)
    return SeclusionRecordInputs(
        episode=episode,
        patient=patient,
        ward_name=ward.name,
        at=now,
        observations=tuple(reader.find(SeclusionObservation, parent_id=episode.id)),
        reviews=tuple(reader.find(SeclusionReview, parent_id=episode.id)),
        episodes_of_patient=tuple(others),
        incident=incident,
        policy=policy,
    )


def _make(ctx: ReportContext, args: argparse.Namespace) -> Made:
    episode_id = record_id(args.episode, "episode", "seclusion episode")
    with ctx.store.read() as reader:
        inputs = load_seclusion_record_inputs(
            reader, ctx.ward, episode_id, ctx.printed_at, policy=ctx.policy.seclusion
        )
    patient = inputs.patient
    subject = f"{patient.filing_name} · NHS {nhs(patient.nhs_number)}"
    content = render_seclusion_record(ctx.heading(TITLE, subject), inputs)
    return Made(
        content=content,
        document=DOCUMENT,
        subject_kind=SeclusionEpisode.KIND,
        subject_id=episode_id,
    )


COMMAND = ReportCommand(
    name="seclusion",
    help="the seclusion record of a seclusion episode, with its timeline chart (ward manager)",
    permission=Permission.PRINT_REVIEW_DOCUMENTS,
    add_arguments=_add_arguments,
    make=_make,
    example="seclusion.pdf",
)
