"""What a run has to score, decided before any model is loaded.

A file needs scoring when the manifest has no entry for it with the same content
hash and the same scoring key. The key hashes everything besides the file's bytes
that decides its output rows (model files, sentence encoder, spaCy model, config,
analyzer and schema versions), computed from files and package metadata only, so
that a nightly run over an unchanged drop exits without importing spaCy, the
model or pandas.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from analyzer import __version__
from analyzer.config import Config
from analyzer.errors import InputFileError
from analyzer.ingest.masking import mask_text
from analyzer.ingest.source import SourceFile, open_regular
from analyzer.io.schemas import SCHEMA_VERSION
from analyzer.io.valid_text import valid_text
from analyzer.model.shipped import META_FILE, MODEL_FILE, default_model_dir, encoder_dir
from analyzer.nlp.resolve import model_version, resolve_model

_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class PlannedFile:
    source: SourceFile
    content_sha256: str  # empty when the file could not be read to hash it
    size_bytes: int
    key: str  # the file's path as stored (manifest key, source_path of its rows): valid text, card numbers masked
    relative_path: str  # the path under its input root, as stored


def stored_path(path: str, mask: bool) -> str:
    """A path as every output stores it: valid UTF-8 (bad bytes of a name as ``\\xNN``), card numbers masked.

    Masking is deterministic, so the same file always gets the same key.
    """
    text = valid_text(path)
    return mask_text(text)[0] if mask else text


def file_sha256(path: Path) -> str:
    """The hash of a regular file's bytes; anything else (a FIFO, a device) is refused, never read."""
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        for chunk in iter(lambda: handle.read(_HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def plan_file(source: SourceFile, mask: bool = True) -> PlannedFile:
    """The file with its content hash; an unreadable file gets an empty hash (read_source records why)."""
    key, relative = stored_path(str(source.path), mask), stored_path(source.relative_path, mask)
    if source.problem is not None:
        return PlannedFile(source, "", 0, key, relative)
    try:
        return PlannedFile(source, file_sha256(source.path), source.path.stat().st_size, key, relative)
    except (OSError, InputFileError):
        return PlannedFile(source, "", 0, key, relative)


def model_dir_for(config: Config) -> Path:
    return Path(config.model_path) if config.model_path else default_model_dir()


def tone_model_version(config: Config) -> str:
    """The tone model's version, from its meta.json (as ``ToneModel.version``), without loading it."""
    meta = json.loads((model_dir_for(config) / META_FILE).read_text(encoding="utf-8"))
    return meta.get("model_version", "unknown")


def scoring_key(config: Config) -> str:
    """A hash of everything besides a file's bytes that decides its output rows.

    A new model, sentence encoder, spaCy model, config or analyzer version changes
    it, and the incremental run then re-scores every file.
    """
    model_dir = model_dir_for(config)
    spacy_model = resolve_model(config.spacy_model)
    parts = {
        "model": _sha256_or_missing(model_dir / MODEL_FILE),
        "encoder": _encoder_sha256(model_dir),
        "spacy_model": spacy_model,
        "spacy_model_version": model_version(spacy_model),
        "config": config.digest,
        "analyzer": __version__,
        "schema": SCHEMA_VERSION,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def run_id_for(run_date: str, key: str, planned: list[PlannedFile]) -> str:
    """The same inputs, setup and date give the same id, so a re-run after a crash writes the same bytes."""
    digest = hashlib.sha256(f"{run_date}\n{key}\n".encode())
    for item in planned:
        digest.update(f"{item.key}\t{item.content_sha256}\n".encode("utf-8", "surrogatepass"))
    return f"{run_date.replace('-', '')}-{digest.hexdigest()[:12]}"


def _encoder_sha256(model_dir: Path) -> str:
    """The sentence encoder the model's meta names, if any ("" without one)."""
    try:
        name = json.loads((model_dir / META_FILE).read_text(encoding="utf-8"))["params"].get("embedding_model")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return "missing"  # loading the model reports the problem
    return _sha256_or_missing(encoder_dir(name) / "model.onnx") if name else ""


def _sha256_or_missing(path: Path) -> str:
    try:
        return file_sha256(path)
    except OSError:
        return "missing"  # loading the model reports the problem
