"""``rpr report oversight``: the oversight report of this ward (or every ward in the store)
for a period (issue 8 item 4). Reads the records from the store as domain objects; the
figures are :func:`app.models.oversight.oversight_figures`, the PDF
:mod:`app.reports.oversight`.

The period defaults to the last 12 full calendar months. Small numbers are hidden unless
``--unsuppressed`` — a copy that stays on the ward, marked "not for circulation".
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from typing import Any

from app.documents.base import Made, ReportCommand, ReportContext
from app.models.admission import HospitalSpell
from app.models.blanket_restrictions import BlanketRestriction
from app.models.clock import local_date
from app.models.enhanced_observation import EnhancedObservation
from app.models.errors import UserFacingError
from app.models.incident import UseOfForceIncident
from app.models.individual_restrictions import IndividualRestriction
from app.models.oversight import OversightRecords, oversight_figures
from app.models.oversight_isolation import IsolationRecords
from app.models.oversight_restrictions import RestrictionRecords
from app.models.oversight_rules import Period, last_full_months
from app.models.patient import Patient
from app.models.people import Permission, Ward
from app.models.psychological_cultural_restraint import CulturalRestraint, PsychologicalRestraint
from app.models.seclusion import SeclusionEpisode, SeclusionObservation, SeclusionReview
from app.models.segregation import LtsEpisode, LtsReview
from app.reports.oversight import oversight_pdf, subject_line, title

DOCUMENT = "oversight report"
#: Seclusion before the period still counts towards the 12-hours-in-48 rule inside it.
_LOOK_BACK = timedelta(hours=48)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="date_from",
        metavar="DATE",
        help="first day, YYYY-MM-DD (default: the last 12 full calendar months)",
    )
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="last day, YYYY-MM-DD")
    parser.add_argument(
        "--all-wards", action="store_true", help="every ward in this store, not only this one"
    )
    parser.add_argument(
        "--unsuppressed",
        action="store_true",
        help="show counts under 5: only for a copy that stays on the ward (not for circulation)",
    )


def _day(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserFacingError(f"{option}: must be a date written YYYY-MM-DD.") from None


def period_of(args: argparse.Namespace, today: date) -> Period:
    """The period asked for: both ``--from`` and ``--to``, or neither (the last 12 full
    calendar months before ``today``). Refused: one without the other, a date that is not a
    date, an end after today, an end before the start."""
    given_from, given_to = args.date_from, args.date_to
    if given_from is None and given_to is None:
        return last_full_months(today)
    if given_from is None or given_to is None:
        raise UserFacingError(
            "from: give both --from and --to, or neither for the last 12 full calendar months."
        )
    first, last = _day("from", given_from), _day("to", given_to)
    if last > today:
        raise UserFacingError("to: must not be after today; figures are of what has happened.")
    if last < first:
        raise UserFacingError("to: must not be before --from.")
    return Period(first, last)


def load_records(ctx: ReportContext, period: Period, *, all_wards: bool) -> OversightRecords:
    """The records the figures need, from the open store: the period's incidents, the
    seclusion and LTS episodes running in it (with their observations and reviews), every
    hospital spell of the scope and every patient, and the restrictions beyond force that
    ran or happened in the period (issue 10)."""
    scope: dict[str, Any] = {} if all_wards else {"ward_id": ctx.ward.id}
    running: dict[str, Any] = {"starts_before": period.ends_at, "ends_after": period.starts_at}
    with ctx.store.read() as reader:
        seclusions = reader.find(
            SeclusionEpisode,
            starts_before=period.ends_at,
            ends_after=period.starts_at - _LOOK_BACK,
            **scope,
        )
        lts = reader.find(LtsEpisode, **running, **scope)
        seclusion_ids = [e.id for e in seclusions]
        happened: dict[str, Any] = {
            "starts_from": period.starts_at,
            "starts_before": period.ends_at,
            **scope,
        }
        restrictions = RestrictionRecords(
            blanket=reader.find(BlanketRestriction, **running, **scope),
            individual=reader.find(IndividualRestriction, **running, **scope),
            observations=reader.find(EnhancedObservation, **running, **scope),
            psychological=reader.find(PsychologicalRestraint, **happened),
            cultural=reader.find(CulturalRestraint, **happened),
        )
        return OversightRecords(
            wards=reader.find(Ward),
            patients=reader.find(Patient),
            spells=reader.find(HospitalSpell, starts_before=period.ends_at, **scope),
            incidents=reader.find(
                UseOfForceIncident,
                starts_from=period.starts_at - timedelta(days=1),
                starts_before=period.ends_at + timedelta(days=1),
                **scope,
            ),
            isolation=IsolationRecords(
                seclusions=seclusions,
                observations=reader.find(SeclusionObservation, parent_ids=seclusion_ids),
                seclusion_reviews=reader.find(SeclusionReview, parent_ids=seclusion_ids),
                lts_episodes=lts,
                lts_reviews=reader.find(LtsReview, parent_ids=[e.id for e in lts]),
            ),
            restrictions=restrictions,
        )


def make(ctx: ReportContext, args: argparse.Namespace) -> Made:
    """The oversight report PDF (see the module docstring)."""
    period = period_of(args, local_date(ctx.printed_at))
    records = load_records(ctx, period, all_wards=args.all_wards)
    figures = oversight_figures(
        records,
        period,
        as_of=ctx.printed_at,
        ward_id=None if args.all_wards else ctx.ward.id,
        suppress=not args.unsuppressed,
        policy=ctx.policy,
    )
    if figures.bed_days == 0 and figures.incidents.value == 0:
        raise UserFacingError(
            "from: no patient was on the ward and no incident was recorded in that period; "
            "nothing was written."
        )
    heading = ctx.heading(title(figures), subject_line(figures))
    if figures.suppressed:
        note = f"{figures.hidden_figures():,} figures are hidden (counts under 5)."
    else:
        note = "NOT FOR CIRCULATION: every count is shown; keep this copy on the ward."
    return Made(oversight_pdf(figures, heading), DOCUMENT, notes=(note,))


COMMAND = ReportCommand(
    name="oversight",
    help="figures for the oversight group: incidents, rates per 1,000 occupied bed days, "
    "by protected characteristic, seclusion, LTS, reviews and restrictions beyond force",
    permission=Permission.VIEW_WARD_FIGURES,
    add_arguments=_add_arguments,
    make=make,
    example="oversight.pdf",
)
