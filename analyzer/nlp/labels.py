"""The span labels of docs/labeling.md (no spaCy import, so pure layers can use them)."""

LABELS = ("APOLOGY", "NON_APOLOGY", "OWNERSHIP", "EMPATHY", "GRATITUDE", "CUSTOMER_BLAME", "DEFLECTION",
          "THREAT", "PRESSURE", "SOFTENER")
