"""Speaker labels ("Agent", "AGENT (Maria)", "Caller") to company / customer sides."""

from __future__ import annotations

import re

from analyzer.config import Config

# "Agent: text", "- CUSTOMER: text", "[Agent Sarah]: text", "Maria (Agent): text"
SPEAKER_LINE = re.compile(
    r"^\s*(?:[-–]\s*)?(?:\[?(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\]?\s+)?"
    r"\[?(?P<label>[A-Za-z][\w .'’()#-]{0,40}?)\]?\s*:\s+(?P<text>\S.*)$")


def _words(label: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", label.lower()))


def role_for_speaker(label: str | None, config: Config) -> str:
    """company, customer or unknown; exact names first, then role words inside the label."""
    if not label:
        return "unknown"
    name = " ".join(label.lower().split())
    if name in config.agent_names:
        return "company"
    if name in config.customer_names:
        return "customer"
    words = _words(name)
    # "Customer Service Agent" is an agent: agent words win over customer words.
    if any(_words(n) <= words for n in config.agent_names):
        return "company"
    if any(_words(n) <= words for n in config.customer_names):
        return "customer"
    return "unknown"


def split_speaker(line: str) -> tuple[str | None, str]:
    """('Agent', 'Hello') for 'Agent: Hello'; (None, line) when the line has no label."""
    match = SPEAKER_LINE.match(line)
    if not match:
        return None, line.strip()
    return match.group("label").strip(), match.group("text").strip()
