"""Key ratios (纠错率, 实质公开率, 不予公开占比, 依申请公开同比) and the thresholds a region may set.

The ratios are computed exactly (Decimal) from the tables after BLANK-POLICY and carried on each
report's result (``ReportResult.ratios``) for summaries and formatters. The rules below say
nothing unless a project configures a threshold: a ratio is a fact about the agency's year, and
only a region's own expectations make it worth a note (always ``info``).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec
from compliance.model import RATIO_COLUMNS, RATIO_NAMES, Finding, KeyRatios, round_ratio
from compliance.rules.base import CheckContext, RuleKind, finding
from compliance.rules.narrative import Target, target_value, uncertain

# Each ratio: numerator and denominator targets (narrative.Target syntax).
_RATIOS: dict[str, tuple[str, str]] = {
    "correction_rate": ("T4.RV+LD+LR.corrected", "T4.RV+LD+LR.total"),
    "disclosure_rate": ("T3.granted+partial.total", "T3.result_total.total"),
    "denial_share": ("T3.@deny.total", "T3.result_total.total"),
}
_APPLICATIONS = "T3.new.total"


# Columns of the ``--summary`` CSV, one per ratio (a fraction, blank when unknown).
def compute_ratios(ctx: CheckContext) -> KeyRatios:
    """The report's key ratios, each None when a figure it needs is unknown or its base is 0."""
    values: dict[str, Decimal | int | None] = {}
    doubtful: list[str] = []
    for name, (top, bottom) in _RATIOS.items():
        numerator, denominator = (Target.parse(t) for t in (top, bottom))
        if numerator is None or denominator is None:
            continue
        above, below = target_value(ctx, numerator), target_value(ctx, denominator)
        if above is None or not below:
            values[name] = None
            continue
        values[name] = round_ratio(Decimal(above) / Decimal(below))
        if uncertain(ctx, numerator) or uncertain(ctx, denominator):
            doubtful.append(name)
    applications = Target.parse(_APPLICATIONS)
    if applications is not None:
        values["applications"] = target_value(ctx, applications)
        if values["applications"] is not None and uncertain(ctx, applications):
            doubtful.append("applications")
    return KeyRatios.model_validate({**values, "uncertain": doubtful})


def report_ratios(ctx: CheckContext) -> KeyRatios:
    """The report's ratios, with the change against ``ctx.previous`` when it is given."""
    mine = compute_ratios(ctx)
    if ctx.previous is None:
        return mine
    before = compute_ratios(CheckContext(report=ctx.previous, layouts=ctx.layouts))
    return mine.with_previous(before)


def ratio_cells(ratios: KeyRatios | None) -> dict[str, str]:
    """The summary CSV's ratio cells: the exact fraction, or blank when unknown."""
    values = {name: getattr(ratios, name) if ratios is not None else None for name in RATIO_COLUMNS}
    return {name: "" if value is None else str(value) for name, value in values.items()}


class RatioOptions(BaseModel):
    """Thresholds a project sets (fractions: 0.2 = 20 %); unset thresholds raise nothing."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    correction_rate_above: Decimal | None = None
    disclosure_rate_below: Decimal | None = None
    denial_share_above: Decimal | None = None
    # The absolute year-over-year change of applications (0.5: more than +50 % or −50 %).
    applications_change_beyond: Decimal | None = None


def _crossed(name: str, value: Decimal | int, options: RatioOptions) -> Decimal | None:
    value = Decimal(value)
    limits = {
        "correction_rate": (options.correction_rate_above, value > (options.correction_rate_above or 0)),
        "disclosure_rate": (options.disclosure_rate_below, value < (options.disclosure_rate_below or 0)),
        "denial_share": (options.denial_share_above, value > (options.denial_share_above or 0)),
        "applications_change": (
            options.applications_change_beyond,
            value.copy_abs() > (options.applications_change_beyond or 0),
        ),
    }
    threshold, crossed = limits[name]
    return threshold if threshold is not None and crossed else None


class RatioThresholdKind(RuleKind):
    """KEY-RATIOS / APPLICATIONS-YOY: an info note when a configured threshold is crossed."""

    name = "ratio_threshold"
    Options = RatioOptions

    def check(self, rule: RuleSpec, params: BaseModel, ctx: CheckContext) -> Iterator[Finding]:
        options: RatioOptions = self.options(rule, ctx)
        names = ["applications_change"] if self.needs_previous else list(_RATIOS)
        thresholds = {"applications_change": options.applications_change_beyond} | {
            "correction_rate": options.correction_rate_above,
            "disclosure_rate": options.disclosure_rate_below,
            "denial_share": options.denial_share_above,
        }
        if all(thresholds[name] is None for name in names):
            return  # nothing configured: nothing to say, and the ratios need not be computed again
        ratios = report_ratios(ctx)
        for name in names:
            value = getattr(ratios, name)
            threshold = None if value is None else _crossed(name, value, options)
            if threshold is None:
                continue
            note = "（该比率来自推断或识别的读数）" if name in ratios.uncertain else ""
            yield finding(
                rule,
                f"{RATIO_NAMES[name]}为 {_percent(value)}，超出设定的阈值 {_percent(threshold)}{note}",
                severity="info",
                actual=value,
                expected=threshold,
                message_en=f"{name} {value} crosses the configured threshold {threshold}",
            )


class YearOverYearKind(RatioThresholdKind):
    name = "ratio_threshold_yoy"
    needs_previous = True

    def check(self, rule: RuleSpec, params: BaseModel, ctx: CheckContext) -> Iterator[Finding]:
        if ctx.previous is None:
            return iter(())
        return super().check(rule, params, ctx)


def _percent(value: Decimal | int) -> str:
    return f"{(Decimal(value) * 100).quantize(Decimal('0.01'))}%"


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [RatioThresholdKind(), YearOverYearKind()]
