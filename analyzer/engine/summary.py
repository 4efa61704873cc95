"""Counting what a run saw, and the one-screen summary printed at its end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from analyzer.config import UNASSIGNED
from analyzer.errors import EXIT_INPUT_ERRORS, EXIT_OK, InputFileError
from analyzer.ingest.records import Interaction

_MAX_ERROR_EXAMPLES = 8


@dataclass
class RunSummary:
    run_id: str = ""
    run_date: str = ""
    out: str = ""
    files_seen: int = 0
    files_skipped: int = 0
    files_failed: int = 0
    interactions: int = 0
    by_department_channel: Counter = field(default_factory=Counter)
    by_direction: Counter = field(default_factory=Counter)
    by_format: Counter = field(default_factory=Counter)
    errors_by_kind: Counter = field(default_factory=Counter)
    error_examples: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(self.errors_by_kind.values())

    @property
    def unassigned(self) -> int:
        return sum(n for (dept, _), n in self.by_department_channel.items() if dept == UNASSIGNED)

    @property
    def exit_code(self) -> int:
        return EXIT_INPUT_ERRORS if self.errors else EXIT_OK

    def count_interaction(self, item: Interaction) -> None:
        self.interactions += 1
        self.by_department_channel[(item.department, item.channel)] += 1
        self.by_direction[item.direction] += 1
        self.by_format[item.source_format] += 1

    def count_error(self, path: str, error: InputFileError) -> None:
        self.errors_by_kind[error.kind] += 1
        if len(self.error_examples) < _MAX_ERROR_EXAMPLES:
            where = path if error.offset is None else f"{path} [{error.offset}]"
            self.error_examples.append((error.kind, where, error.message))

    def to_dict(self) -> dict:
        return {
            "run_id": self.run_id, "run_date": self.run_date, "out": self.out,
            "files_seen": self.files_seen, "files_skipped": self.files_skipped, "files_failed": self.files_failed,
            "interactions": self.interactions, "unassigned": self.unassigned, "errors": self.errors,
            "errors_by_kind": dict(self.errors_by_kind), "by_direction": dict(self.by_direction),
            "by_department_channel": [{"department": d, "channel": c, "interactions": n}
                                      for (d, c), n in sorted(self.by_department_channel.items())],
            "exit_code": self.exit_code,
        }


def render(summary: RunSummary) -> str:
    """Plain text, one screen: totals, a department x channel table, errors by kind."""
    lines = [f"run {summary.run_id} ({summary.run_date}) -> {summary.out}",
             f"files: {summary.files_seen} read, {summary.files_skipped} skipped by [input] exclude, "
             f"{summary.files_failed} with errors",
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
    return "\n".join(lines)
