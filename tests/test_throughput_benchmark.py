"""Smoke test of benchmarks/throughput.py on a tiny corpus: it runs end to end and the pipeline scores
sentences from both sources (needs ../shared/data, or $ANALYZER_SHARED_DATA, and the spaCy model)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("ANALYZER_SHARED_DATA", ROOT.parent / "shared" / "data"))
NEEDED = [DATA / "enron-emails" / "aeslc_all.parquet", DATA / "customer-care" / "tweetsumm_dialogs.parquet"]


@pytest.mark.timeout(120)  # about 30 s on the 2-core development machine
@pytest.mark.skipif(not all(p.is_file() for p in NEEDED), reason=f"the shared data sets are not in {DATA}")
def test_quick_run_scores_sentences_from_emails_and_chats():
    command = [sys.executable, str(ROOT / "benchmarks" / "throughput.py"), "--quick", "--docs", "10",
               "--workers", "1", "--no-memory", "--json", "--data", str(DATA)]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=environment, timeout=110)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)

    assert set(result) >= {"corpus", "machine", "models", "load_s", "rows", "ratios", "memory"}
    assert set(result["rows"]) == {"spacy", "network", "bare_models", "pipeline_1", "pipeline_n",
                                     "pipeline_1_core", "spark"}
    for name in ("spacy", "network", "bare_models", "pipeline_1"):
        assert set(result["rows"][name]) >= {"wall_s", "cpu_s", "docs_per_s", "words_per_s"}
    assert result["rows"]["pipeline_n"]["available"] is False  # --workers 1
    assert "wall_s" in result["rows"]["spark"] or result["rows"]["spark"]["reason"]
    assert result["ratios"]["pipeline_1_vs_bare_models"] > 0

    corpus = result["corpus"]
    assert corpus["documents"] == 10 and corpus["emails"] == 5 and corpus["dialogs"] == 5
    assert corpus["interactions_scored"] == 10
    assert corpus["sentences_by_channel"].get("email", 0) > 0
    assert corpus["sentences_by_channel"].get("chat", 0) > 0
