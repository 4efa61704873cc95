"""The domain vocabulary, defined once: every layer reads its label sets from here.

Ground floor: no imports. The Parquet schemas, the label files, the flag rules,
the config and the span rules all use these tuples, so a label added here is
one change, checked by tests/test_architecture.py.
"""

from __future__ import annotations

HEADS = ("tone", "blame")
TONES = ("empathetic", "neutral", "curt", "hostile")
BLAMES = ("customer", "company", "none")
HEAD_CLASSES = {"tone": TONES, "blame": BLAMES}

# span labels of docs/labeling.md, found by the spaCy rules
SPAN_LABELS = ("APOLOGY", "NON_APOLOGY", "OWNERSHIP", "EMPATHY", "GRATITUDE", "CUSTOMER_BLAME", "DEFLECTION",
               "THREAT", "PRESSURE", "SOFTENER")

SEVERITIES = ("low", "medium", "high", "critical")
VERDICTS = ("confirmed", "dismissed")
CHANNELS = ("email", "call", "letter", "chat")
DIRECTIONS = ("outbound", "inbound", "internal", "unknown")
# the directions whose company-side text is tagged and scored; internal (staff-to-staff) mail is kept out
# of the customer-facing comparison (analyzer.scoring.aggregate)
TAGGED_DIRECTIONS = ("outbound", "unknown", "internal")

COUNT_COLUMNS = ("n_sentences", "n_company_words", "n_empathetic", "n_curt", "n_hostile", "n_customer_blame",
                 "n_company_blame", "n_apologies", "n_threats")
