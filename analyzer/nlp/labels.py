"""The span labels of ../shared/labeling-guide.md (no spaCy import, so pure layers can use them)."""

LABELS = ("APOLOGY", "NON_APOLOGY", "OWNERSHIP", "EMPATHY", "GRATITUDE", "CUSTOMER_BLAME", "DEFLECTION",
          "THREAT", "PRESSURE", "SOFTENER")
