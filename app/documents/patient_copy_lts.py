"""``rpr report patient-copy-lts --user U --out F --review ID [--easy-read]``: the patient's
copy at a long-term segregation review, in plain English or easy read (issue 8 item 5).

Any account that may record may print it (the nurse who offers it after the review). A voided
review, a review of a voided episode, and an id that is no LTS review of this ward are refused,
naming ``review``. Besides the audit log's "printed" event, a
:class:`~app.models.patient_copy.PatientCopyOffer` about the review is saved once the file is
written: the record's note that a copy was made to be offered.
"""

from __future__ import annotations

import argparse
from uuid import UUID

from app.documents.base import Made, ReportCommand, ReportContext, record_id
from app.documents.copy_offer import add_easy_read, offered_copy
from app.models.errors import UserFacingError
from app.models.patient import Patient
from app.models.patient_copy import PatientCopyOffer, PatientCopySubject
from app.models.people import Permission
from app.models.segregation import LtsEpisode, LtsReview
from app.reports.document import Heading
from app.reports.patient_copy_facts import long_date
from app.reports.patient_copy_lts import EASY_TITLE_TEXT, PLAIN_TITLE_TEXT, patient_copy_lts_pdf

#: The document kind written to the audit log.
DOCUMENT = "patient copy of an LTS review"


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--review",
        required=True,
        help="the long-term segregation review's id (as the segregation screen shows it)",
    )
    add_easy_read(parser)


def _load(ctx: ReportContext, review_id: UUID) -> tuple[LtsReview, LtsEpisode, Patient]:
    with ctx.store.read() as reader:
        state = reader.state(review_id)
        review = reader.get(LtsReview, review_id)
        if state is None or review is None or review.ward_id != ctx.ward.id:
            raise UserFacingError(
                "review: there is no long-term segregation review with this id on this ward; "
                "nothing was written."
            )
        episode_state = reader.state(review.episode_id)
        episode = reader.get(LtsEpisode, review.episode_id)
        patient = reader.get(Patient, review.patient_id)
    if state.voided:
        raise UserFacingError("review: this review was voided; nothing was written.")
    if episode is None or episode_state is None or episode_state.voided:
        raise UserFacingError(
            "review: its segregation episode is voided or not on this PC; nothing was written."
        )
    if patient is None:
        raise UserFacingError("review: its patient is not on this PC; nothing was written.")
    return review, episode, patient


def make(ctx: ReportContext, args: argparse.Namespace) -> Made:
    """The patient's copy at one LTS review (see the module docstring)."""
    review, episode, patient = _load(ctx, record_id(args.review, "review", "LTS review"))

    def render(heading: Heading, easy: bool) -> bytes:
        return patient_copy_lts_pdf(
            heading,
            patient,
            episode,
            review,
            easy_read=easy,
            now=ctx.printed_at,
            policy=ctx.policy.segregation,
        )

    return offered_copy(
        ctx,
        args,
        document=DOCUMENT,
        titles=(PLAIN_TITLE_TEXT, EASY_TITLE_TEXT),
        subtitle=f"review of {long_date(review.held_at)}",
        subject=PatientCopySubject.LTS_REVIEW,
        about=(LtsReview.KIND, review.id, review.ward_id),
        patient=patient,
        render=render,
    )


COMMAND = ReportCommand(
    name="patient-copy-lts",
    help="the patient's copy at a long-term segregation review, in plain English or easy read",
    permission=Permission.RECORD,
    add_arguments=_add_arguments,
    make=make,
    example="patient-copy-lts.pdf",
    records=PatientCopyOffer.KIND,
)
