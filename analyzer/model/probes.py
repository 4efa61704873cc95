"""Does this installation still give the model's outputs? A check that means something.

Library versions say little: a new scikit-learn, spaCy or onnxruntime release
usually gives the same probabilities, and sometimes a patch release does not.
So training stores the model's outputs on a few fixed probe sentences in
``meta.json``; loading runs the same sentences and reports a drift only when a
probability moved by more than ``TOLERANCE``. The caller reports it once,
through its own logger (the run's reporter, or one line on stderr).
"""

from __future__ import annotations

from dataclasses import dataclass

# Fixed sentences across the labels and registers the model reads; never change them for an existing
# model (a model whose meta has other probes is checked against its own).
PROBE_SENTENCES = (
    "I'm so sorry for the trouble this has caused you, and I've refunded the charge myself.",
    "Your order was dispatched on Monday and should arrive within three working days.",
    "Please provide the reference number.",
    "You failed to pay the balance despite three reminders.",
    "If payment is not received by Friday we will pass your account to our solicitors.",
    "We made a mistake with your bill and have corrected it.",
    "That's not something we deal with, contact your bank.",
    "Sorry, can you explain that again?",
)
TOLERANCE = 0.02  # largest change of any probability that still counts as the same model


@dataclass(frozen=True)
class ProbeDrift:
    sentence: str
    head: str
    label: str
    stored: float
    now: float

    @property
    def message(self) -> str:
        return (f"the installed libraries give different outputs from the ones this model was checked with: "
                f"P({self.head}={self.label}) on the probe {self.sentence!r} is {self.now:.3f}, stored "
                f"{self.stored:.3f} (tolerance {TOLERANCE}); scores may differ from its evaluation: retrain "
                "it with 'analyzer train' or install the versions in its meta.json")


def probe_outputs(predictions, sentences=PROBE_SENTENCES) -> list[dict]:
    """What training stores: each probe sentence with its tone and blame probabilities."""
    return [{"text": text, "tone": p.tone_proba, "blame": p.blame_proba} for text, p in zip(sentences, predictions)]


def largest_drift(stored: list[dict], predictions) -> ProbeDrift | None:
    """The probability that moved most, if it moved by more than ``TOLERANCE``."""
    worst = None
    for probe, prediction in zip(stored, predictions):
        for head, now in (("tone", prediction.tone_proba), ("blame", prediction.blame_proba)):
            for label, before in probe[head].items():
                change = abs(now.get(label, 0.0) - before)
                if change > TOLERANCE and (worst is None or change > abs(worst.now - worst.stored)):
                    worst = ProbeDrift(probe["text"], head, label, before, now.get(label, 0.0))
    return worst
