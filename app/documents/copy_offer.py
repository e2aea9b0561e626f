"""What the two patient's-copy commands share: the ``--easy-read`` option, and a copy made
together with the record's note that it was made to be offered (issue 8 item 5)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from uuid import UUID

from app.documents.base import Made, ReportContext
from app.models.patient import Patient
from app.models.patient_copy import PatientCopyOffer, PatientCopySubject, PatientCopyVersion
from app.reports.document import Heading


def add_easy_read(parser: argparse.ArgumentParser) -> None:
    """The option that chooses the easy-read version over plain English."""
    parser.add_argument(
        "--easy-read",
        action="store_true",
        help="the easy-read version: large type, short sentences, a picture by each heading",
    )


def offered_copy(
    ctx: ReportContext,
    args: argparse.Namespace,
    *,
    document: str,
    titles: tuple[str, str],
    subtitle: str,
    subject: PatientCopySubject,
    about: tuple[str, UUID, UUID],
    patient: Patient,
    render: Callable[[Heading, bool], bytes],
) -> Made:
    """The copy ``render(heading, easy_read)`` makes, as a :class:`Made` carrying the
    :class:`PatientCopyOffer` saved once the file is written. ``titles``: (plain English,
    easy read); ``about``: the kind, id and ward of the record the copy is about."""
    easy = bool(args.easy_read)
    kind, about_id, ward_id = about
    version = PatientCopyVersion.EASY_READ if easy else PatientCopyVersion.PLAIN_ENGLISH
    offer = PatientCopyOffer(
        subject=subject,
        about_id=about_id,
        ward_id=ward_id,
        patient_id=patient.id,
        version=version,
        made_at=ctx.printed_at,
        made_by=ctx.store.actor,
    )
    heading = ctx.heading(titles[1] if easy else titles[0], f"{patient.display_name}, {subtitle}")
    return Made(
        content=render(heading, easy),
        document=f"{document} ({version.label})",
        subject_kind=kind,
        subject_id=about_id,
        record=offer,
    )
