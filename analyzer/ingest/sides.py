"""Who is speaking, to whom, and for which department.

Readers report what the source says (headers, fields, speaker labels); this
module fills in the rest from the config and the folder layout, the same way
for every format.

Department, first match wins:
  1. metadata in the source (``X-Department`` header, a ``department`` field)
  2. ``[departments]`` rule for the sender's exact address
  3. ``[departments]`` rule for the sender's domain (subdomains included)
  4. ``[departments]`` path glob, matched against the path under the input root
  5. the first folder under the input root (``drop/collections/x.eml``)
  6. ``unassigned`` (counted in the run summary)
"""

from __future__ import annotations

from dataclasses import replace
from fnmatch import fnmatch
from email.utils import parseaddr
from pathlib import PurePosixPath

from analyzer.config import UNASSIGNED, Config, normalize_department
from analyzer.ingest.records import Interaction

_ROLE_OF_DIRECTION = {"outbound": "company", "internal": "company", "inbound": "customer"}


def email_domain(address: str | None) -> str:
    _, addr = parseaddr(address or "")
    return addr.rpartition("@")[2].lower().strip(">").strip() if "@" in addr else ""


def bare_address(address: str | None) -> str:
    return parseaddr(address or "")[1].lower()


def in_domains(domain: str, domains: tuple[str, ...] | list[str]) -> bool:
    return bool(domain) and any(domain == d or domain.endswith("." + d) for d in domains)


def resolve(interaction: Interaction, config: Config) -> Interaction:
    """Fill department, department_source, direction and email turn roles in place."""
    _resolve_department(interaction, config)
    _resolve_direction(interaction, config)
    return interaction


def _resolve_department(item: Interaction, config: Config) -> None:
    if item.department:
        item.department = normalize_department(item.department)
        item.department_source = item.department_source or "metadata"
        return
    rules = config.departments
    address, domain = bare_address(item.sender), email_domain(item.sender)
    if address and address in rules.addresses:
        item.department, item.department_source = rules.addresses[address], "config_address"
        return
    # most specific domain first: billing.example.com before example.com
    for candidate in sorted(rules.domains, key=len, reverse=True):
        if in_domains(domain, (candidate,)):
            item.department, item.department_source = rules.domains[candidate], "config_domain"
            return
    for pattern, department in rules.path_globs:
        if fnmatch(item.relative_path, pattern) or fnmatch(item.source_path, pattern):
            item.department, item.department_source = department, "config_path"
            return
    parts = PurePosixPath(item.relative_path).parts
    if len(parts) >= 2:
        item.department, item.department_source = normalize_department(parts[0]), "folder"
        return
    item.department, item.department_source = UNASSIGNED, "none"


def _resolve_direction(item: Interaction, config: Config) -> None:
    single_message = len(item.turns) == 1
    if not item.direction:
        if item.channel == "letter":
            item.direction = "outbound"
        elif single_message and (item.channel == "email" or item.sender):
            item.direction = _email_direction(item, config)
        else:  # a conversation: the company side speaking in it makes it outbound
            roles = {t.role for t in item.turns}
            item.direction = "outbound" if "company" in roles else "inbound" if "customer" in roles else "unknown"
    # A one-sided message with no speaker label speaks for the side its direction names.
    if single_message and item.turns[0].role == "unknown" and item.direction in _ROLE_OF_DIRECTION:
        item.turns = [replace(item.turns[0], role=_ROLE_OF_DIRECTION[item.direction])]


def _email_direction(item: Interaction, config: Config) -> str:
    domains = config.company_email_domains
    if not domains:
        return "unknown"
    if not in_domains(email_domain(item.sender), domains):
        return "inbound" if item.sender else "unknown"
    recipients = [email_domain(r) for r in item.recipients if email_domain(r)]
    if recipients and all(in_domains(d, domains) for d in recipients):
        return "internal"
    return "outbound"
