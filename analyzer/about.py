"""What is installed: the facts behind ``analyzer info``, read from package metadata and model files.

Nothing heavy is imported (no spaCy, no model, no onnxruntime session), so the
command answers in well under a second and works even when a library is broken.
"""

from __future__ import annotations

import json
import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from analyzer import __version__
from analyzer.model.shipped import (DEFAULT_MODEL_NAME, ENCODERS_FOLDER, META_FILE, default_model_dir,
                                    shipped_models_dir)
from analyzer.nlp.resolve import ModelNotFoundError, model_version, resolve_model

LIBRARIES = ("spacy", "scikit-learn", "skops", "numpy", "scipy", "pandas", "pyarrow", "onnxruntime", "tokenizers",
             "vaderSentiment", "filelock", "click")
OPTIONAL = {"train (fine-tuning: analyzer train with estimator = \"finetuned\")": ("torch", "transformers", "onnx", "onnx-ir"),
            "export (scripts/export_encoder.py)": ("torch", "transformers", "onnx", "sentence-transformers")}


def installed_version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def model_summary(folder: Path) -> dict:
    """Name, version, encoder and headline metrics of a model folder, from its meta.json."""
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {"path": str(folder), "error": f"unreadable: {exc}"}
    metrics = {name: {"n": report["n"], "tone_macro_f1": round(report["tone"]["macro_f1"], 3),
                      "blame_macro_f1": round(report["blame"]["macro_f1"], 3)}
               for name, report in sorted(meta.get("metrics", {}).items())}
    return {"path": str(folder), "version": meta.get("model_version", "unknown"),
            "encoder": meta.get("params", {}).get("embedding_model") or None,
            "trained_with": {k: v for k, v in meta.get("library_versions", {}).items()
                             if k in ("scikit-learn", "spacy", "onnxruntime", "tokenizers")},
            "probes": len(meta.get("probes") or []), "metrics": metrics}


def encoders() -> list[dict]:
    found = []
    for info_file in sorted((shipped_models_dir() / ENCODERS_FOLDER).glob("*/encoder.json")):
        info = json.loads(info_file.read_text(encoding="utf-8"))
        found.append({"name": info.get("name", info_file.parent.name), "licence": info.get("licence"),
                      "source": info.get("source"), "weights": info.get("weights"),
                      "size_mb": round((info_file.parent / "model.onnx").stat().st_size / 1e6, 1)})
    return found


def spacy_model() -> dict:
    try:
        name = resolve_model(None)
    except ModelNotFoundError as exc:
        return {"error": str(exc)}
    return {"name": name, "version": model_version(name)}


def info() -> dict:
    models_dir = shipped_models_dir()
    return {
        "analyzer": __version__,
        "location": str(Path(__file__).resolve().parent),
        "python": f"{platform.python_version()} ({sys.executable})",
        "platform": platform.platform(),
        "libraries": {name: installed_version(name) or "not installed" for name in LIBRARIES},
        "spacy_model": spacy_model(),
        "default_model": model_summary(default_model_dir()),
        "shipped_models": sorted(p.parent.name for p in models_dir.glob(f"*/{META_FILE}")),
        "sentence_encoders": encoders(),
        "extras": {extra: all(installed_version(p) for p in packages) for extra, packages in OPTIONAL.items()},
    }


def render(facts: dict) -> str:
    model = facts["default_model"]
    lines = [f"analyzer {facts['analyzer']}  ({facts['location']})",
             f"python {facts['python']}", f"platform {facts['platform']}", "", "libraries:"]
    lines += [f"  {name:<16}{value}" for name, value in facts["libraries"].items()]
    spacy_facts = facts["spacy_model"]
    lines += ["", "spaCy model: " + (spacy_facts.get("error") or f"{spacy_facts['name']} {spacy_facts['version']}"),
              "", f"default tone model ({DEFAULT_MODEL_NAME}): " + model.get("version", model.get("error", "")),
              f"  path     {model['path']}"]
    if "metrics" in model:
        lines.append(f"  encoder  {model['encoder'] or 'none'}; probe sentences stored: {model['probes']}")
        for name, scores in model["metrics"].items():
            lines.append(f"  {name:<24} n={scores['n']:<5} tone macro-F1 {scores['tone_macro_f1']:.3f}  "
                         f"blame macro-F1 {scores['blame_macro_f1']:.3f}")
    lines += ["", "shipped models: " + ", ".join(facts["shipped_models"]), "sentence encoders:"]
    lines += [f"  {e['name']} ({e['weights']}; {e['size_mb']} MB; {e['licence']}; {e['source']})"
              for e in facts["sentence_encoders"]] or ["  none"]
    lines += ["", "extras:"] + [f"  {extra}: {'installed' if present else 'not installed'}"
                                for extra, present in facts["extras"].items()]
    return "\n".join(lines)
