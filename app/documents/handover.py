"""``rpr report handover --user U --out F.pdf [--hours 12]``: the shift handover of this ward
(issue 8 item 3) — every active restriction and what falls due in the next hours.

The records are loaded as the ward client's handover screen loads them, in one read
transaction (:func:`app.store.board.load_ward_board_inputs`, the restrictions beyond force
included: :func:`app.models.handover_restrictions.beyond_force_from_board`); the handover
itself is the domain's (:func:`app.models.handover.handover_from_board`, with the trust's
clinical policy); the layout is :mod:`app.reports.handover_pdf`. Every
clinician may print it.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import datetime, timedelta
from uuid import UUID

from app.documents.base import Made, ReportCommand, ReportContext
from app.models.errors import UserFacingError
from app.models.handover import HANDOVER_HORIZON, Handover, handover_from_board
from app.models.handover_restrictions import beyond_force_from_board
from app.models.patient import Patient
from app.models.people import Permission, Ward
from app.models.policy import ClinicalPolicy
from app.models.ward_board import build_ward_board
from app.reports.handover_pdf import TITLE, handover_pdf, heading_subject
from app.store.board import load_ward_board_inputs
from app.store.store import Store

DOCUMENT = "shift handover PDF"
DEFAULT_HOURS = int(HANDOVER_HORIZON.total_seconds() // 3600)
#: The longest look ahead: beyond a day and a half the clocks' next due times mean little.
MAX_HOURS = 36


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--hours",
        default=str(DEFAULT_HOURS),
        help=f"how many hours ahead to look (1 to {MAX_HOURS}; default {DEFAULT_HOURS})",
    )


def horizon(value: str) -> timedelta:
    """The ``--hours`` argument as a horizon (refused, naming the option, when it is not a
    whole number of hours from 1 to :data:`MAX_HOURS`)."""
    try:
        hours = int(value.strip())
    except ValueError:
        hours = 0
    if not 1 <= hours <= MAX_HOURS:
        raise UserFacingError(
            f"hours: give a whole number of hours from 1 to {MAX_HOURS}; nothing was written."
        )
    return timedelta(hours=hours)


def load_handover(
    store: Store, ward_id: UUID, at: datetime, ahead: timedelta, policy: ClinicalPolicy
) -> tuple[Handover, Mapping[UUID, Patient]]:
    """The handover of ``ward_id`` at ``at`` looking ``ahead``, restrictions beyond force
    included, and the patients it names."""
    with store.read() as reader:
        inputs = load_ward_board_inputs(reader, ward_id, at)
    board = build_ward_board(inputs, at, policy)
    beyond = beyond_force_from_board(inputs)
    handover = handover_from_board(board, horizon=ahead, policy=policy, beyond_force=beyond)
    return handover, inputs.patients


def make(ctx: ReportContext, args: argparse.Namespace) -> Made:
    """The shift handover PDF of the ward (see the module docstring)."""
    ahead = horizon(args.hours)
    policy = ctx.policy
    handover, patients = load_handover(ctx.store, ctx.ward.id, ctx.printed_at, ahead, policy)
    heading = ctx.heading(TITLE, heading_subject(handover))
    return Made(
        content=handover_pdf(heading, handover, patients),
        document=DOCUMENT,
        subject_kind=Ward.KIND,
        subject_id=ctx.ward.id,
    )


COMMAND = ReportCommand(
    name="handover",
    help="the shift handover: every active restriction and what falls due, as PDF",
    permission=Permission.RECORD,
    add_arguments=_add_arguments,
    make=make,
    example="handover.pdf",
)
