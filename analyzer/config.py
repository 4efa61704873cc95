"""Typed run configuration, loaded from TOML.

Every key a user may write is declared here with its type and default, so a
typo or a wrong type fails before the run starts, with the allowed keys named.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError
from analyzer.vocabulary import CHANNELS

UNASSIGNED = "unassigned"

DEFAULT_AGENT_NAMES = ("agent", "rep", "representative", "advisor", "adviser", "operator",
                       "associate", "specialist", "collector", "csr", "staff", "support")
DEFAULT_CUSTOMER_NAMES = ("customer", "caller", "client", "member", "user", "debtor",
                          "account holder", "cardholder")
DEFAULT_EXCLUDE = (".*", "~$*", "*.toml", "README*", "Thumbs.db", "desktop.ini")
GLOB_CHARS = set("*?[/")


def normalize_department(name: str) -> str:
    """One spelling per department: 'Customer Support' and 'customer_support' agree."""
    words = str(name).strip().lower().replace("_", " ").replace("-", " ").split()
    return "-".join(words)


@dataclass(frozen=True)
class DepartmentRules:
    """Config mappings to a department; more specific rules win (address > domain > path)."""

    addresses: dict[str, str] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)
    path_globs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Limits:
    """Bounds on what one input may cost to read; exceeding one is a ``too_large`` error row.

    The defaults are far above any real email, letter or export, and far below what
    would stall a nightly run or exhaust its memory.
    """

    docx_uncompressed_mb: float = 100.0  # all parts of a .docx zip archive, decompressed
    docx_elements: int = 200_000  # paragraphs, table cells and runs in one .docx (all XML elements: 10x this)
    pdf_pages: int = 2_000
    extracted_chars: int = 5_000_000  # text taken from one document (letter, PDF, .docx, email body)
    record_mb: float = 10.0  # one JSONL line, one JSON document, one CSV row, one mbox message
    json_depth: int = 64  # nesting of one JSON value (deeper is a malformed record, not too_large)
    header_kb: float = 1024.0  # the header block of one email


PERIODS = ("week", "month")


@dataclass(frozen=True)
class Targets:
    """What a department should reach: checked on the latest period against the one before it.

    ``min_empathy`` maps a department to the lowest acceptable mean empathy score;
    ``max_gap`` is how far a department may fall below ``max_gap_to``'s mean;
    ``max_drop`` is how many points a department's mean may fall since the previous period.
    """

    min_empathy: dict[str, float] = field(default_factory=dict)
    max_gap_to: str | None = None
    max_gap: float | None = None
    max_drop: float | None = None
    period: str = "week"

    @property
    def configured(self) -> bool:
        return bool(self.min_empathy) or self.max_gap is not None or self.max_drop is not None


@dataclass(frozen=True)
class ReportSettings:
    """How ``analyzer report`` presents departments."""

    partners: tuple[str, ...] = ()  # departments that are outsourced partners acting for the company
    min_scored: int = 10  # fewer scored messages: a visible small-sample caveat, and no target alert


LIMIT_KEYS = {"docx_uncompressed_mb": float, "docx_elements": int, "pdf_pages": int, "extracted_chars": int,
              "record_mb": float, "json_depth": int, "header_kb": float}


@dataclass(frozen=True)
class Config:
    company_email_domains: tuple[str, ...] = ()
    departments: DepartmentRules = field(default_factory=DepartmentRules)
    agent_names: tuple[str, ...] = DEFAULT_AGENT_NAMES
    customer_names: tuple[str, ...] = DEFAULT_CUSTOMER_NAMES
    max_file_mb: float = 50.0
    limits: Limits = field(default_factory=Limits)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    follow_symlinks: bool = False  # follow links that lead outside the input root (inside it they are always read)
    tabular_default_channel: str = "chat"
    tabular_columns: dict[str, str] = field(default_factory=dict)
    spacy_model: str | None = None  # package name or folder; None = the resolution order in analyzer.nlp.model
    model_path: str | None = None  # tone model folder; None = the shipped default (models/tone-v2)
    min_company_words: int = 8  # fewer company-side words than this: the interaction is not scored
    mask_card_numbers: bool = True
    flag_rules: dict[str, dict[str, Any]] = field(default_factory=dict)  # [flags.<rule>] overrides, checked in scoring
    targets: Targets = field(default_factory=Targets)
    report: ReportSettings = field(default_factory=ReportSettings)
    source: str | None = None
    digest: str = ""

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


# section -> key -> expected python type(s), for validation and error messages
_SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
    "company": {"email_domains": list},
    "departments": {},  # free-form mapping, validated separately
    "transcripts": {"agent_names": list, "customer_names": list},
    "limits": {"max_file_mb": (int, float), **{key: (int, float) if kind is float else int
                                                for key, kind in LIMIT_KEYS.items()}},
    "input": {"exclude": list, "follow_symlinks": bool},
    "tabular": {"default_channel": str, "columns": dict},
    "nlp": {"spacy_model": str},
    "model": {"path": str},
    "training": {},  # free-form: validated by analyzer.model.training.training_params
    "scoring": {"min_company_words": int},
    "privacy": {"mask_card_numbers": bool},
    "flags": {},  # one table per rule: validated by analyzer.scoring.flag_rules
    "targets": {"min_empathy": dict, "max_gap_to": str, "max_gap": (int, float), "max_drop": (int, float),
                "period": str},
    "report": {"partners": list, "min_scored": int},
}
_NOT_SCORING = ("targets", "report")
TABULAR_FIELDS = ("text", "id", "department", "channel", "direction", "sent_at", "subject",
                  "sender", "role", "speaker", "conversation_id")


def load_config(path: str | Path | None = None) -> Config:
    """Read a TOML config; ``None`` gives the defaults."""
    if path is None:
        return Config(digest=_digest({}))
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    return config_from_dict(raw, source=str(path))


def config_from_dict(raw: dict[str, Any], *, source: str | None = None) -> Config:
    where = source or "config"
    _check_keys(raw, where)
    company = raw.get("company", {})
    transcripts = raw.get("transcripts", {})
    limits = raw.get("limits", {})
    inputs = raw.get("input", {})
    tabular = raw.get("tabular", {})

    max_mb = _positive_limit(limits, "max_file_mb", Config.max_file_mb, where)
    channel = tabular.get("default_channel", Config.tabular_default_channel)
    if channel not in CHANNELS:
        raise ConfigError(f"{where}: [tabular] default_channel must be one of {', '.join(CHANNELS)}; got {channel!r}")
    columns = tabular.get("columns", {})
    for key, value in columns.items():
        if key not in TABULAR_FIELDS or not isinstance(value, str):
            raise ConfigError(
                f"{where}: [tabular.columns] maps a field ({', '.join(TABULAR_FIELDS)}) to a column name; "
                f"got {key!r} = {value!r}")

    return Config(
        company_email_domains=tuple(d.lower().lstrip("@") for d in _strings(company, "email_domains", where, ())),
        departments=_department_rules(raw.get("departments", {}), where),
        # configured speaker names extend the built-in role words ("agent", "customer", ...)
        agent_names=_with_defaults(DEFAULT_AGENT_NAMES, _strings(transcripts, "agent_names", where, ())),
        customer_names=_with_defaults(DEFAULT_CUSTOMER_NAMES, _strings(transcripts, "customer_names", where, ())),
        max_file_mb=float(max_mb),
        limits=Limits(**{key: kind(_positive_limit(limits, key, getattr(Limits, key), where))
                         for key, kind in LIMIT_KEYS.items()}),
        exclude=tuple(_strings(inputs, "exclude", where, DEFAULT_EXCLUDE)),
        follow_symlinks=inputs.get("follow_symlinks", False),
        tabular_default_channel=channel,
        tabular_columns={k: v.lower() for k, v in columns.items()},
        spacy_model=raw.get("nlp", {}).get("spacy_model") or None,
        model_path=raw.get("model", {}).get("path") or None,
        min_company_words=_min_company_words(raw.get("scoring", {}), where),
        mask_card_numbers=raw.get("privacy", {}).get("mask_card_numbers", True),
        flag_rules=_flag_tables(raw.get("flags", {}), where),
        targets=_targets(raw.get("targets", {}), where),
        report=_report_settings(raw.get("report", {}), where),
        source=source,
        # targets and report settings decide no score: changing them must not re-score every file
        digest=_digest({k: v for k, v in raw.items() if k not in _NOT_SCORING}),
    )


def _check_keys(raw: dict[str, Any], where: str) -> None:
    for section, body in raw.items():
        if section not in _SCHEMA:
            raise ConfigError(f"{where}: unknown section [{section}]; allowed: {', '.join(f'[{s}]' for s in _SCHEMA)}")
        if not isinstance(body, dict):
            raise ConfigError(f"{where}: [{section}] must be a table")
        if section in ("departments", "training", "flags"):
            continue
        for key, value in body.items():
            expected = _SCHEMA[section].get(key)
            if expected is None:
                hint = "; a department's minimum score goes in [targets.min_empathy]" if section == "targets" else ""
                raise ConfigError(f"{where}: unknown key {key!r} in [{section}]; allowed: "
                                  f"{', '.join(_SCHEMA[section])}{hint}")
            if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
                names = expected.__name__ if isinstance(expected, type) else " or ".join(t.__name__ for t in expected)
                raise ConfigError(f"{where}: [{section}] {key} must be a {names}, got {value!r}")


def _positive_limit(section: dict, key: str, default: float, where: str) -> float:
    """A limit must be a finite number above zero: inf or nan would let one file stall the run."""
    value = section.get(key, default)
    if isinstance(value, bool) or not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{where}: [limits] {key} must be a finite number above 0, got {value!r}")
    return value


def _min_company_words(section: dict, where: str) -> int:
    value = section.get("min_company_words", Config.min_company_words)
    if value < 1:
        raise ConfigError(f"{where}: [scoring] min_company_words must be at least 1, got {value!r}")
    return value


def _flag_tables(flags: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    for name, body in flags.items():
        if not isinstance(body, dict):
            raise ConfigError(f"{where}: [flags] {name} must be a table, written [flags.{name}]")
    return flags


def _score_points(value, name: str, where: str, *, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ConfigError(f"{where}: [targets] {name} must be a number from {low:g} to {high:g} points, got {value!r}")
    return float(value)


def _targets(section: dict, where: str) -> Targets:
    minimums = {}
    for department, value in section.get("min_empathy", {}).items():
        name = normalize_department(department)
        if not name:
            raise ConfigError(f"{where}: [targets.min_empathy] needs department names as keys, got {department!r}")
        minimums[name] = _score_points(value, f"min_empathy.{department}", where, low=0, high=100)
    reference = normalize_department(section["max_gap_to"]) if "max_gap_to" in section else None
    if ("max_gap" in section) != bool(reference):
        raise ConfigError(f"{where}: [targets] max_gap and max_gap_to go together: the largest gap (points) "
                          "and the department it is measured to")
    period = section.get("period", Targets.period)
    if period not in PERIODS:
        raise ConfigError(f"{where}: [targets] period must be one of {', '.join(PERIODS)}; got {period!r}")
    return Targets(
        min_empathy=minimums,
        max_gap_to=reference,
        max_gap=_score_points(section["max_gap"], "max_gap", where, low=0, high=100) if "max_gap" in section else None,
        max_drop=_score_points(section["max_drop"], "max_drop", where, low=0, high=100)
        if "max_drop" in section else None,
        period=period)


def _report_settings(section: dict, where: str) -> ReportSettings:
    min_scored = section.get("min_scored", ReportSettings.min_scored)
    if min_scored < 1:
        raise ConfigError(f"{where}: [report] min_scored must be at least 1, got {min_scored!r}")
    partners = _strings(section, "partners", where, ())
    return ReportSettings(partners=tuple(normalize_department(p) for p in partners), min_scored=min_scored)


def _strings(section: dict, key: str, where: str, default) -> tuple[str, ...]:
    values = section.get(key, default)
    if not all(isinstance(v, str) and v.strip() for v in values):
        raise ConfigError(f"{where}: every entry of {key} must be a non-empty string, got {values!r}")
    return tuple(v.strip() for v in values)


def _with_defaults(defaults: tuple[str, ...], configured: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*defaults, *(" ".join(n.lower().split()) for n in configured)]))


def _department_rules(mapping: dict[str, Any], where: str) -> DepartmentRules:
    addresses: dict[str, str] = {}
    domains: dict[str, str] = {}
    globs: list[tuple[str, str]] = []
    for key, value in mapping.items():
        if not isinstance(value, str) or not normalize_department(value):
            raise ConfigError(f"{where}: [departments] {key!r} must map to a department name, got {value!r}")
        department = normalize_department(value)
        if GLOB_CHARS & set(key):
            globs.append((key, department))
        elif "@" in key.strip("@"):
            addresses[key.lower()] = department
        else:
            domains[key.lower().lstrip("@")] = department
    return DepartmentRules(addresses=addresses, domains=domains, path_globs=tuple(globs))


def _digest(raw: dict[str, Any]) -> str:
    """A short hash of the effective config, stored with every run's output."""
    return hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()[:16]
