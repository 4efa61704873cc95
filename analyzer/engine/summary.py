"""Counting what a run saw, and the one-screen summary printed at its end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analyzer.config import UNASSIGNED
from analyzer.errors import EXIT_INPUT_ERRORS, EXIT_OK, InputFileError
from analyzer.ingest.records import Interaction

if TYPE_CHECKING:
    from analyzer.engine.workers import FileError, SeenInteraction

_MAX_ERROR_EXAMPLES = 8


@dataclass
class RunSummary:
    run_id: str = ""
    run_date: str = ""
    out: str = ""
    files_seen: int = 0
    files_skipped: int = 0
    files_unchanged: int = 0  # already scored from the same content (the manifest)
    files_scored: int = 0
    files_failed: int = 0
    interactions: int = 0
    scored: int = 0  # interactions with an empathy score
    flagged: int = 0
    flags_by_rule: Counter = field(default_factory=Counter)
    recovered: bool = False  # this run first finished an interrupted publish
    published: bool = False
    departments: list[dict] = field(default_factory=list)  # the departments rows of the published partition
    by_department_channel: Counter = field(default_factory=Counter)
    by_direction: Counter = field(default_factory=Counter)
    by_format: Counter = field(default_factory=Counter)
    errors_by_kind: Counter = field(default_factory=Counter)
    error_examples: list[tuple[str, str, str]] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)  # departments missing a [targets] target (analyzer.report.alerts)

    @property
    def errors(self) -> int:
        return sum(self.errors_by_kind.values())

    @property
    def unassigned(self) -> int:
        return sum(n for (dept, _), n in self.by_department_channel.items() if dept == UNASSIGNED)

    @property
    def exit_code(self) -> int:
        return EXIT_INPUT_ERRORS if self.errors else EXIT_OK

    def count_interaction(self, item: Interaction | SeenInteraction) -> None:
        self.interactions += 1
        self.by_department_channel[(item.department, item.channel)] += 1
        self.by_direction[item.direction] += 1
        self.by_format[item.source_format] += 1

    def count_scores(self, rows: list[dict]) -> None:
        for row in rows:
            self.scored += row["applicable"]
            self.flagged += row["flagged"]
            self.flags_by_rule.update(row["flag_reasons"])

    def count_error(self, path: str, error: InputFileError | FileError) -> None:
        self.errors_by_kind[error.kind] += 1
        if len(self.error_examples) < _MAX_ERROR_EXAMPLES:
            where = path if error.offset is None else f"{path} [{error.offset}]"
            self.error_examples.append((error.kind, where, error.message))

    def log_fields(self) -> dict:
        """The headline numbers, for a structured log line."""
        return {"run_id": self.run_id, "run_date": self.run_date, "files_seen": self.files_seen,
                "files_scored": self.files_scored, "files_unchanged": self.files_unchanged,
                "files_failed": self.files_failed, "interactions": self.interactions, "scored": self.scored,
                "flagged": self.flagged, "errors": self.errors, "published": self.published,
                "exit_code": self.exit_code}

    def to_dict(self) -> dict:
        return {
            "run_id": self.run_id, "run_date": self.run_date, "out": self.out,
            "files_seen": self.files_seen, "files_skipped": self.files_skipped, "files_failed": self.files_failed,
            "files_unchanged": self.files_unchanged, "files_scored": self.files_scored,
            "recovered": self.recovered, "published": self.published,
            "scored": self.scored, "flagged": self.flagged, "flags_by_rule": dict(self.flags_by_rule),
            "departments": self.departments,
            "interactions": self.interactions, "unassigned": self.unassigned, "errors": self.errors,
            "errors_by_kind": dict(self.errors_by_kind), "by_direction": dict(self.by_direction),
            "by_department_channel": [{"department": d, "channel": c, "interactions": n}
                                      for (d, c), n in sorted(self.by_department_channel.items())],
            "alerts": self.alerts,
            "exit_code": self.exit_code,
        }


def render(summary: RunSummary) -> str:
    """Plain text, one screen: totals, a department x channel table, errors by kind."""
    if not summary.published and summary.files_seen == 0:
        return (f"no input files found ({summary.files_skipped} skipped by [input] exclude); "
                f"nothing published to {summary.out}") + _alert_lines(summary.alerts)
    if not summary.published:
        return (f"nothing to score: {summary.files_unchanged} of {summary.files_seen} file(s) unchanged since "
                f"they were scored ({summary.files_skipped} skipped by [input] exclude); "
                f"{summary.out} is up to date (use --full-refresh to score everything again)"
                + _alert_lines(summary.alerts))
    lines = [f"run {summary.run_id} ({summary.run_date}) -> {summary.out}",
             f"files: {summary.files_scored} scored, {summary.files_unchanged} unchanged, "
             f"{summary.files_skipped} skipped by [input] exclude, {summary.files_failed} with errors",
             f"interactions: {summary.interactions} "
             f"({', '.join(f'{d} {n}' for d, n in sorted(summary.by_direction.items())) or 'none'})"]
    departments = sorted({d for d, _ in summary.by_department_channel})
    channels = sorted({c for _, c in summary.by_department_channel})
    if departments:
        width = max(len("department"), *(len(d) for d in departments))
        lines.append("")
        lines.append(f"  {'department':<{width}}  " + "  ".join(f"{c:>7}" for c in channels) + "    total")
        for dept in departments:
            counts = [summary.by_department_channel.get((dept, c), 0) for c in channels]
            lines.append(f"  {dept:<{width}}  " + "  ".join(f"{n:>7}" for n in counts) + f"  {sum(counts):>7}")
    lines += _score_lines(summary)
    if summary.unassigned:
        lines.append(f"\n{summary.unassigned} interaction(s) have no department: map them with [departments] "
                     "in the config or put them under a department folder")
    if summary.errors:
        kinds = ", ".join(f"{kind} {n}" for kind, n in summary.errors_by_kind.most_common())
        lines.append(f"\nerrors: {summary.errors} ({kinds}); all rows are in {summary.out}/errors")
        for kind, where, message in summary.error_examples:
            lines.append(f"  {kind:<11} {where}: {message}")
        if summary.errors > len(summary.error_examples):
            lines.append(f"  ... and {summary.errors - len(summary.error_examples)} more")
    else:
        lines.append("\nerrors: none")
    return "\n".join(lines) + _alert_lines(summary.alerts)


def _alert_lines(alerts: list[dict]) -> str:
    """The [targets] alerts, one line each (department names come from the data: made terminal-safe)."""
    from analyzer.engine.safe_text import terminal_safe

    if not alerts:
        return ""
    return "\n\ntarget alerts:\n" + "\n".join(f"  ALERT {terminal_safe(alert['message'])}" for alert in alerts)


def _fmt(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _score_lines(summary: RunSummary) -> list[str]:
    lines = [f"\nscored: {summary.scored} interaction(s); flagged for review: {summary.flagged}"
             + (f" ({', '.join(f'{r} {n}' for r, n in summary.flags_by_rule.most_common())})"
                if summary.flags_by_rule else "")]
    return lines + render_departments(summary.departments, title="this partition")


def render_departments(departments: list[dict], title: str) -> list[str]:
    """Company and department rows, best first, with interval, gap and verdict."""
    rows = [row for row in departments if row["level"] in ("company", "department")]
    if not rows:
        return []
    lines = [f"\n  {'department':<14} {'scored':>6} {'empathy':>8} {'95% CI':>13} {'gap':>6}  verdict ({title})"]
    for row in sorted(rows, key=lambda r: (r["level"] != "company", -(r["empathy_mean"] or -1))):
        name = "(company)" if row["level"] == "company" else row["department"]
        ci = f"{_fmt(row['empathy_ci_low'])}-{_fmt(row['empathy_ci_high'])}" if row["empathy_mean"] is not None else "-"
        p = row["gap_p_adjusted"]
        verdict = row["gap_verdict"] or ""
        if p is not None and verdict not in ("not distinguishable",):
            verdict += f", p {'< 0.001' if p < 0.001 else f'= {p:.3f}'}"
        lines.append(f"  {name:<14} {row['n_scored']:>6} {_fmt(row['empathy_mean']):>8} {ci:>13} "
                     f"{_fmt(row['gap_to_company']):>6}  {verdict}")
    return lines
