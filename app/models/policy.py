"""Configurable clinical defaults (domain.md items marked *(configurable)*).

One place for every interval and threshold a trust may change in settings. Defaults follow
domain.md; several are marked *(verify)* there — they are the widely used reading of the MHA
Code of Practice chapter 26 and NICE NG10 and are kept here so they can be corrected once.
The models here are plain pydantic values; loading them from settings files is the job of the
layer above (``app.config``), so the domain stays free of I/O.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field


class _Policy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SeclusionPolicy(_Policy):
    """Seclusion review clock, counted from the start of seclusion (domain.md §3 "Seclusion";
    MHA Code of Practice 26.127–26.150 *(verify)*).
    """

    observation_interval: timedelta = Field(
        default=timedelta(minutes=15), description="written observation entry at least every"
    )
    first_medical_review_within: timedelta = Field(
        default=timedelta(hours=1),
        description="first medical review within, unless a psychiatrist authorised seclusion",
    )
    nursing_review_interval: timedelta = Field(
        default=timedelta(hours=2), description="nursing review (two staff, one an RN) every"
    )
    medical_review_interval: timedelta = Field(
        default=timedelta(hours=4), description="medical review every, until the first internal MDT"
    )
    medical_review_interval_after_mdt: timedelta = Field(
        default=timedelta(hours=12),
        description="after the first internal MDT: at least twice in every 24 hours",
    )
    first_internal_mdt_within: timedelta = Field(
        default=timedelta(hours=24),
        description="first internal MDT review 'as soon as practicable' — latest by",
    )
    internal_mdt_interval: timedelta = Field(
        default=timedelta(hours=24), description="internal MDT review at least every"
    )
    independent_mdt_continuous: timedelta = Field(
        default=timedelta(hours=8),
        description="independent MDT review when one episode lasts more than",
    )
    independent_mdt_intermittent: timedelta = Field(
        default=timedelta(hours=12),
        description="…or seclusion totals more than this within the window below",
    )
    independent_mdt_window: timedelta = Field(
        default=timedelta(hours=48), description="sliding window for the intermittent total"
    )


class SegregationPolicy(_Policy):
    """Long-term segregation review clock (domain.md §3 "Long-term segregation"; MHA Code of
    Practice 26.150–26.160 *(verify)*). Day/week/month intervals follow the ward's wall clock.
    """

    approved_clinician_review_interval: timedelta = Field(
        default=timedelta(hours=24), description="approved-clinician review every"
    )
    mdt_review_interval_days: int = Field(default=7, ge=1, description="MDT review at least every")
    external_review_interval_months: int = Field(
        default=3, ge=1, description="external review by another hospital's clinician every"
    )
    icetr_within_months: int | None = Field(
        default=None,
        ge=1,
        description="IC(E)TR for an autistic person or person with a learning disability within "
        "(None: shown as needed until one is recorded, with no due date)",
    )
    no_exit_progress_weeks: int = Field(
        default=4,
        ge=1,
        description="prompt when no step to end LTS has been achieved for this many weeks "
        "(not in domain.md: §3 asks for specific, observable steps to end LTS; verify)",
    )


class RestraintPolicy(_Policy):
    """Restraint thresholds (domain.md §3 "Other restraint rules")."""

    prone_report_threshold: timedelta = Field(
        default=timedelta(minutes=10), description="prone restraint is reported split at"
    )
    manual_restraint_flag_after: timedelta = Field(
        default=timedelta(minutes=10), description="manual restraint should rarely exceed"
    )
    rt_monitoring_interval: timedelta = Field(
        default=timedelta(hours=1), description="post-RT physical monitoring at least every"
    )
    rt_monitoring_interval_high_risk: timedelta = Field(
        default=timedelta(minutes=15),
        description="…every 15 minutes if max dose exceeded, asleep/sedated, alcohol or drugs, "
        "physical health problem, or harmed",
    )


class RestrictionPolicy(_Policy):
    """Review of restrictions beyond force: the ward's blanket restrictions, individual
    restrictions and enhanced observation. Not in domain.md — national guidance asks that
    every restriction be justified and reviewed regularly; these defaults are ours
    *(configurable; verify)*. Day and month intervals follow the ward's wall clock.
    """

    blanket_review_interval_months: int = Field(
        default=3,
        ge=1,
        description="a blanket restriction is reviewed at least every (an earlier review date "
        "set on it comes first)",
    )
    blanket_review_due_soon_days: int = Field(
        default=14, ge=0, description="a blanket restriction's review shows as due soon within"
    )
    individual_review_interval_days: int = Field(
        default=7,
        ge=1,
        description="an individual restriction is reviewed at least every (an earlier review "
        "date set on it comes first)",
    )
    individual_review_due_soon_days: int = Field(
        default=2, ge=0, description="an individual restriction's review shows as due soon within"
    )
    enhanced_observation_review_interval: timedelta = Field(
        default=timedelta(hours=24),
        description="enhanced observation is reviewed at least every (elapsed time)",
    )


class RecordingPolicy(_Policy):
    """Good practice around the record (domain.md §2): same shift, always within 24 hours."""

    complete_within: timedelta = Field(default=timedelta(hours=24))
    retention_years: int = Field(default=3, ge=3, description="s.6(6): at least 3 years")
    statements_asked_within: timedelta = Field(
        default=timedelta(days=14),
        description="staff named on an incident are asked for their own account of it while "
        "the incident began no longer ago than",
    )


class ClinicalPolicy(_Policy):
    """Every configurable clinical default, grouped. ``ClinicalPolicy()`` is domain.md's."""

    seclusion: SeclusionPolicy = SeclusionPolicy()
    segregation: SegregationPolicy = SegregationPolicy()
    restraint: RestraintPolicy = RestraintPolicy()
    restrictions: RestrictionPolicy = RestrictionPolicy()
    recording: RecordingPolicy = RecordingPolicy()


DEFAULT_POLICY = ClinicalPolicy()
