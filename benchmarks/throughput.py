"""Throughput of the whole pipeline against its bare models, side by side, on real emails and chats.

    python benchmarks/throughput.py [--docs 5000] [--quick] [--repeat N] [--no-10x] [--no-memory] [--no-spark] [--json]

Builds a corpus in a temporary folder from two public sets in ``../shared/data``
(never copied into the repository): AESLC business emails (Enron, CC BY-NC-SA
4.0), each written as an ``.eml`` sent from its author's ``enron.com`` address to
an outside address (the temporary config makes ``enron.com`` the company, so
every email is outbound company mail), and TweetSumm customer-care dialogs, each
written as a JSONL chat (``role`` agent / customer, one row per turn). Half the
documents are dialogs (as many as survive deduplication, 300-odd), the rest
emails. **No sentence repeats**: a document is dropped when any of its
company-side sentences (a rough split on sentence ends and line breaks,
compared lower-case without punctuation) was already seen, so no cache (the
tone model's logit cache, spaCy's) makes a run look faster than an all-new
drop; the JSON reports how many scored sentences still repeat (should be ~0).

Then, one after the other in this process (models loaded and warmed up first,
their load time reported apart):

1. bare spaCy: ``en_core_web_sm`` as the project loads it (``ner`` excluded) but
   without the project's own components (paragraph sentences, span rules,
   cues): ``nlp.pipe`` over exactly the company-side texts the pipeline tags
   (read with the project's readers), batch size as the pipeline's;
2. the bare network of the default tone model: its ONNX bytes and tokenizer
   taken out of ``model.skops`` and run with onnxruntime, batches of 64 sorted
   by token count across all the sentences at once, all cores, zero cue
   vectors, over the sentences the pipeline scored (its ``sentences``
   dataset), without the spaCy cue features or the cache;
3. the full pipeline, ``analyzer.run`` in this process with 1 worker (models
   already loaded; with more than one core it tags the next batch while the
   network runs on this one, the network on every core), then with one worker
   per core of ``os.sched_getaffinity`` (each spawned worker loads the models
   inside the timed run: that start-up is included), then ``analyzer run
   --workers 1`` in a fresh process pinned to one core (what one worker is:
   one thread for everything; its model load included, as the workers'): the
   speed-up of N workers is given over this run and over the 1-worker run;
4. the Spark engine (``analyzer run --engine spark``, local mode, a fresh
   process: JVM start and model load included) when the installed ``analyzer``
   has that option and pyspark imports;
5. peak RSS of ``analyzer run`` (CLI, 1 worker, a fresh process, its own VmHWM)
   on the corpus and on 10 copies of it: each copy a distinct file (its own
   Message-ID / conversation id), but the text is the same, so sentences repeat
   there: that figure is about memory, not speed.

The bare-model row "combined" is 1 / (1/spaCy + 1/network) in documents/s (the
two run one after the other on the same texts); "vs bare" is the pipeline's
documents/s divided by it. CPU seconds count this process and its reaped
children (workers). Wall and CPU times are of one run each unless ``--repeat``
(then the median wall, with every run's wall in the JSON).
"""

from __future__ import annotations

import argparse
import email.message
import html
import importlib.util
import json
import os
import platform
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling benchmarks, run as scripts

from large_inputs import measure as measure_cli
from run_throughput import timed as timed_run

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
ENRON = Path("enron-emails") / "aeslc_all.parquet"
TWEETSUMM = Path("customer-care") / "tweetsumm_dialogs.parquet"
COMPANY_DOMAIN = "enron.com"
CONFIG = f"""# written by benchmarks/throughput.py: the Enron senders are the company
[company]
email_domains = ["{COMPANY_DOMAIN}"]

[limits]
max_file_mb = 100
"""
WARMUP = ["Thank you for getting back to us so quickly about the invoice.",
          "Unfortunately we cannot refund the fee, as stated in our terms.",
          "Please send us the order number and we will look into it today."]
_SENTENCE_CUT = re.compile(r"(?<=[.!?])\s+|\n+")
_TURN = re.compile(r"^\t?(Customer|Agent):\t?(.*)$")


@dataclass(frozen=True)
class Document:
    """One input file of the corpus: an email (its body is the company side) or a dialog (``turns``)."""

    kind: str  # "email" or "dialog"
    ident: str
    subject: str = ""
    sender: str = ""
    body: str = ""
    turns: tuple[tuple[str, str], ...] = ()  # (role, text), role "agent" or "customer"

    @property
    def company_text(self) -> list[str]:
        return [self.body] if self.kind == "email" else [text for role, text in self.turns if role == "agent"]


# --- the corpus -----------------------------------------------------------------------------------------


def sentence_keys(texts: list[str]) -> list[str]:
    """A rough sentence split of ``texts``, each sentence lower-case with punctuation and spaces folded."""
    keys = []
    for text in texts:
        for piece in _SENTENCE_CUT.split(text):
            key = " ".join(re.sub(r"[^0-9a-z]+", " ", piece.lower()).split())
            if key:
                keys.append(key)
    return keys


def dialog_turns(text: str) -> tuple[tuple[str, str], ...]:
    """TweetSumm's ``\\tCustomer:\\t...`` / ``\\tAgent:\\t...`` lines as (role, text) turns."""
    turns: list[list[str]] = []
    for line in text.split("\n"):
        match = _TURN.match(line)
        if match:
            turns.append(["agent" if match.group(1) == "Agent" else "customer", match.group(2)])
        elif turns and line.strip():
            turns[-1][1] += "\n" + line.strip()
    return tuple((role, html.unescape(words.strip())) for role, words in turns if words.strip())


def read_dialogs(data: Path) -> list[Document]:
    import pandas as pd

    frame = pd.read_parquet(data / TWEETSUMM, columns=["dialog_id", "text"])
    return [Document("dialog", str(row.dialog_id), turns=dialog_turns(str(row.text)))
            for row in frame.itertuples(index=False)]


def read_emails(data: Path, seed: int = 0) -> list[Document]:
    """AESLC emails in a fixed shuffled order (a sample across mailboxes, not the first ones)."""
    import pandas as pd

    frame = pd.read_parquet(data / ENRON, columns=["file", "body", "subject"])
    documents = []
    for row in frame.itertuples(index=False):
        user = re.sub(r"[^a-z0-9.-]+", "", str(row.file).split("_")[0].lower()) or "staff"
        documents.append(Document("email", str(row.file), subject=str(row.subject or ""),
                                  sender=f"{user}@{COMPANY_DOMAIN}", body=str(row.body or "").strip()))
    random.Random(seed).shuffle(documents)
    return documents


def without_repeats(documents: list[Document], seen: set[str]) -> tuple[list[Document], int]:
    """The documents none of whose company-side sentences was seen before (in ``seen`` or an earlier
    document, or twice in itself), and how many were dropped; ``seen`` grows with the kept ones."""
    kept, dropped = [], 0
    for document in documents:
        keys = sentence_keys(document.company_text)
        if not keys or len(set(keys)) < len(keys) or not seen.isdisjoint(keys):
            dropped += 1
            continue
        seen.update(keys)
        kept.append(document)
    return kept, dropped


def build_corpus(n_docs: int, data: Path = DATA) -> tuple[list[Document], dict]:
    """``n_docs`` documents, half of them dialogs (or all the dialogs left), with no repeated sentence."""
    seen: set[str] = set()
    dialogs, dropped_dialogs = without_repeats(read_dialogs(data), seen)
    dialogs = dialogs[:n_docs // 2]
    seen = set(sentence_keys([t for d in dialogs for t in d.company_text]))
    emails, dropped_emails = [], 0
    for document in read_emails(data):
        if len(emails) >= n_docs - len(dialogs):
            break
        kept, dropped = without_repeats([document], seen)
        emails += kept
        dropped_emails += dropped
    if len(dialogs) + len(emails) < n_docs:
        raise SystemExit(f"only {len(dialogs) + len(emails)} documents without repeated sentences; "
                         f"ask for fewer with --docs")
    return dialogs + emails, {"emails": len(emails), "dialogs": len(dialogs),
                              "dropped_for_repeats": {"emails": dropped_emails, "dialogs": dropped_dialogs}}


def write_drop(documents: list[Document], drop: Path, copies: int = 1) -> int:
    """Each document as a file under ``drop`` (``copies`` times, each copy a distinct file); files written."""
    written = 0
    for copy in range(copies):
        tag = f"-c{copy:02d}" if copies > 1 else ""
        for number, document in enumerate(documents):
            folder = drop / ("enron" if document.kind == "email" else "customer-care") / f"{number // 500:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            if document.kind == "email":
                (folder / f"mail-{number:05d}{tag}.eml").write_bytes(_email_bytes(document, number, tag))
            else:
                (folder / f"chat-{number:05d}{tag}.jsonl").write_text(_chat_lines(document, tag), encoding="utf-8")
            written += 1
    return written


def _email_bytes(document: Document, number: int, tag: str) -> bytes:
    message = email.message.EmailMessage()
    message["From"] = document.sender
    message["To"] = f"client{number:05d}@customer.example"
    message["Subject"] = document.subject
    message["Date"] = "Mon, 02 Mar 2026 09:00:00 +0000"
    message["Message-ID"] = f"<aeslc-{number:05d}{tag}@{COMPANY_DOMAIN}>"
    message.set_content(document.body)
    return message.as_bytes()


def _chat_lines(document: Document, tag: str) -> str:
    rows = [{"conversation_id": f"tweetsumm-{document.ident}{tag}", "sent_at": f"2026-03-02T09:{minute:02d}:00Z",
             "role": role, "text": text, "channel": "chat"}
            for minute, (role, text) in enumerate(document.turns[:60])]
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


# --- measuring ------------------------------------------------------------------------------------------


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(work: Callable[[int], object], repeat: int) -> tuple[dict, object]:
    """Wall and CPU seconds of ``work(attempt)`` (median wall over ``repeat`` runs) and its last result."""
    walls, cpus, result = [], [], None
    for attempt in range(repeat):
        cpu, started = cpu_seconds(), time.perf_counter()
        result = work(attempt)
        walls.append(time.perf_counter() - started)
        cpus.append(cpu_seconds() - cpu)
    middle = walls.index(sorted(walls)[(len(walls) - 1) // 2])
    return {"wall_s": round(walls[middle], 2), "cpu_s": round(cpus[middle], 2),
            "walls_s": [round(w, 2) for w in walls]}, result


def rates(row: dict, documents: int, words: int) -> dict:
    return {**row, "docs_per_s": round(documents / row["wall_s"], 2), "words_per_s": round(words / row["wall_s"], 1)}


def company_texts(drop: Path, config) -> list[str]:
    """The texts the pipeline tags, read as it reads them (the same readers, sides and pieces)."""
    from analyzer.engine.plan import plan_file
    from analyzer.engine.workers import read_file
    from analyzer.ingest.records import Interaction
    from analyzer.ingest.source import discover
    from analyzer.nlp.sentence_table import company_pieces

    texts = []
    for found in discover([drop.absolute()], config.exclude, config.follow_symlinks):
        if isinstance(found, str):
            continue
        items = [i for i in read_file(plan_file(found, config.mask_card_numbers).source, config)
                 if isinstance(i, Interaction)]
        texts += [piece for *_, piece in company_pieces(items)]
    return texts


def bare_spacy():
    """``en_core_web_sm`` (as the project resolves it) with ``ner`` excluded, as the project loads it, but
    none of the project's own components."""
    import spacy

    from analyzer.nlp.model import EXCLUDED_COMPONENTS, resolve_model

    nlp = spacy.load(resolve_model(None), exclude=list(EXCLUDED_COMPONENTS))
    list(nlp.pipe(WARMUP))
    return nlp


class BareNetwork:
    """The default tone model's ONNX network and tokenizer, out of ``model.skops``, run directly."""

    def __init__(self, model_dir: Path):
        from tokenizers import Tokenizer

        from analyzer.model.artifacts import load_pipeline_file
        from analyzer.model.encoder import cpu_session, truncating

        pipeline, self.meta = load_pipeline_file(model_dir)
        classifier = pipeline[-1]
        self.session = cpu_session(classifier.onnx_model_.tobytes())  # one thread per core, as in one process
        self.tokenizer = truncating(Tokenizer.from_str(classifier.tokenizer_json_), classifier.max_tokens)
        self.n_cues = len(classifier.cue_columns_)
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.run(WARMUP)

    def run(self, texts: list[str]) -> int:
        """Both heads' logits for every text (thrown away); the number of texts."""
        import numpy as np

        from analyzer.model.encoder import length_sorted_batches
        from analyzer.model.transformer import INPUT_BATCH

        # batches of similar token counts, as the project makes them, but over all the texts at once
        for _, ids, mask in length_sorted_batches(self.tokenizer, texts, INPUT_BATCH):
            feeds = {"input_ids": ids, "attention_mask": mask,
                     "cues": np.zeros((len(ids), self.n_cues), dtype=np.float32)}
            self.session.run(None, {name: value for name, value in feeds.items() if name in self.inputs})
        return len(texts)


def spark_support() -> str | None:
    """None when ``analyzer run --engine spark`` can run here, else why not."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed"
    from analyzer.cli import cli

    engine = next((p for p in cli.commands["run"].params if p.name == "engine"), None)
    if engine is None:
        return "this analyzer has no 'run --engine' option"
    choices = getattr(engine.type, "choices", None)
    if choices is not None and "spark" not in choices:
        return f"'run --engine' offers {', '.join(choices)}, not spark"
    return None


def scored_sentences(out: Path) -> dict:
    """What the run wrote to its ``sentences`` dataset: counts per channel, and repeats."""
    import pandas as pd

    frame = pd.read_parquet(out / "sentences", columns=["channel", "text"])
    texts = frame["text"].tolist()
    repeated = [text for text, count in Counter(texts).items() if count > 1]
    return {"sentences": len(texts), "by_channel": {str(k): int(v) for k, v in frame["channel"].value_counts().items()},
            "repeated": len(texts) - len(set(texts)), "repeated_examples": repeated[:5], "texts": texts}


def median_entry(results: list[dict]) -> dict:
    walls = [r["seconds"] for r in results]
    return results[walls.index(statistics.median_low(walls))]


# --- the benchmark --------------------------------------------------------------------------------------


def benchmark(args, scratch: Path, say: Callable[[str], None]) -> dict:
    from analyzer.config import load_config
    from analyzer.engine.batch import NLP_BATCH_SIZE, Scorer
    from analyzer.model import embeddings
    from analyzer.model.shipped import default_model_dir
    from analyzer.scoring.empathy import count_words

    embeddings.CACHE_SIZE = 0  # no sentence is served from a cache in this process (there are no repeats anyway)
    cores = len(os.sched_getaffinity(0))
    workers = args.workers or cores
    documents, composition = build_corpus(args.docs, Path(args.data))
    drop, config_path = scratch / "drop", scratch / "analyzer.toml"
    config_path.write_text(CONFIG, encoding="utf-8")
    write_drop(documents, drop)
    config = load_config(config_path)
    texts = company_texts(drop, config)
    words = sum(count_words(t) for t in texts)
    n = len(documents)
    say(f"corpus: {n} documents ({composition['emails']} emails, {composition['dialogs']} dialogs), "
        f"{len(texts)} company-side texts, {words} words")

    load = {}
    started = time.perf_counter()
    nlp = bare_spacy()
    load["spacy_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    network = BareNetwork(default_model_dir())
    load["network_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    scorer = Scorer.from_config(config)  # what run() then finds loaded (and has warmed up on its probes)
    load["pipeline_s"] = round(time.perf_counter() - started, 2)

    rows = {}
    say("bare spaCy...")
    row, _ = timed(lambda _: sum(1 for _ in nlp.pipe(texts, batch_size=NLP_BATCH_SIZE)), args.repeat)
    rows["spacy"] = rates(row, n, words)

    say("full pipeline, 1 worker...")
    outs = [scratch / f"out-1-{i}" for i in range(args.repeat)]
    row, (_, summary) = timed(lambda i: timed_run(drop, outs[i], config_path, 1), args.repeat)
    rows["pipeline_1"] = rates(row, n, words)
    scored = scored_sentences(outs[-1])
    sentences = scored.pop("texts")
    sentence_words = sum(count_words(t) for t in sentences)

    say(f"bare network on the {len(sentences)} scored sentences...")
    row, _ = timed(lambda _: network.run(sentences), args.repeat)
    rows["network"] = rates(row, n, sentence_words)
    combined_wall = rows["spacy"]["wall_s"] + rows["network"]["wall_s"]
    rows["bare_models"] = rates({"wall_s": round(combined_wall, 2),
                                 "cpu_s": round(rows["spacy"]["cpu_s"] + rows["network"]["cpu_s"], 2)}, n, words)

    if workers > 1:
        say(f"full pipeline, {workers} workers...")
        outs = [scratch / f"out-{workers}-{i}" for i in range(args.repeat)]
        row, _ = timed(lambda i: timed_run(drop, outs[i], config_path, workers), args.repeat)
        rows["pipeline_n"] = {**rates(row, n, words), "workers": workers}
        say("full pipeline, 1 worker pinned to one core...")
        one_core = median_entry([measure_cli(drop, scratch / f"out-core-{i}", None, config_path, ("--workers", "1"),
                                             cores={min(os.sched_getaffinity(0))}) for i in range(args.repeat)])
        rows["pipeline_1_core"] = rates({"wall_s": one_core["seconds"], "cpu_s": one_core["cpu_seconds"]}, n, words)
    else:
        rows["pipeline_n"] = {"available": False, "reason": "1 worker: the row above"}
        rows["pipeline_1_core"] = {"available": False, "reason": "1 core: the 1-worker row"}

    why_not = "skipped (--no-spark)" if args.no_spark else spark_support()
    if why_not is None:
        say("Spark engine...")
        results = [measure_cli(drop, scratch / f"out-spark-{i}", None, config_path, ("--engine", "spark"))
                   for i in range(args.repeat)]
        result = median_entry(results)
        if result["exit_code"] in (0, 1):  # 1: some input failed, the run still published
            rows["spark"] = {**rates({"wall_s": result["seconds"], "cpu_s": result["cpu_seconds"],
                                      "walls_s": [r["seconds"] for r in results]}, n, words),
                             "exit_code": result["exit_code"], "peak_rss_mib": result["peak_rss_mib"],
                             "sentences": scored_sentences(scratch / f"out-spark-{args.repeat - 1}")["sentences"]}
        else:
            rows["spark"] = {"available": False, "reason": f"analyzer run --engine spark exited "
                             f"{result['exit_code']}: {result['stderr_tail'].strip()[-200:]}"}
    else:
        rows["spark"] = {"available": False, "reason": why_not}

    ratios = {"pipeline_1_vs_bare_models": round(rows["pipeline_1"]["docs_per_s"] / rows["bare_models"]["docs_per_s"], 3)}
    if "wall_s" in rows["pipeline_n"]:
        ratios["pipeline_n_vs_bare_models"] = round(rows["pipeline_n"]["docs_per_s"] / rows["bare_models"]["docs_per_s"], 3)
        ratios["speedup_n_over_1"] = round(rows["pipeline_1"]["wall_s"] / rows["pipeline_n"]["wall_s"], 3)
        ratios["speedup_n_over_1_core"] = round(rows["pipeline_1_core"]["wall_s"] / rows["pipeline_n"]["wall_s"], 3)
    if "wall_s" in rows["spark"]:
        ratios["spark_vs_pipeline_1"] = round(rows["spark"]["docs_per_s"] / rows["pipeline_1"]["docs_per_s"], 3)

    memory = {"variant": "CLI, 1 worker, fresh process; 10x = 10 distinct files per document (own Message-ID or "
                         "conversation id), same text: sentences repeat"}
    if not args.no_memory:
        say("peak RSS at 1x...")
        one = measure_cli(drop, scratch / "out-rss-1x", None, config_path, ("--workers", "1"))
        memory.update({"peak_rss_1x_mib": one["peak_rss_mib"], "seconds_1x": one["seconds"],
                       "exit_code_1x": one["exit_code"]})
        if not args.no_10x:
            ten = scratch / "drop-10x"
            memory["files_10x"] = write_drop(documents, ten, copies=10)
            say(f"peak RSS at 10x ({memory['files_10x']} files)...")
            result = measure_cli(ten, scratch / "out-rss-10x", None, config_path, ("--workers", "1"))
            memory.update({"peak_rss_10x_mib": result["peak_rss_mib"], "seconds_10x": result["seconds"],
                           "exit_code_10x": result["exit_code"],
                           "ratio_10x_1x": round(result["peak_rss_mib"] / one["peak_rss_mib"], 3)})

    return {
        "corpus": {"documents": n, **composition, "company_texts": len(texts), "company_words": words,
                   "sentences_scored": scored["sentences"], "sentences_by_channel": scored["by_channel"],
                   "repeated_sentences": scored["repeated"], "repeated_examples": scored["repeated_examples"],
                   "sentence_words": sentence_words,
                   "interactions_scored": summary.interactions,
                   "sources": [str(ENRON), str(TWEETSUMM)]},
        "machine": {"cores": cores, "cpu_count": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "models": {"spacy": f"{nlp.meta.get('lang')}_{nlp.meta.get('name')} {nlp.meta.get('version')}",
                   "spacy_pipes_bare": list(nlp.pipe_names), "spacy_pipes_pipeline": list(scorer.nlp.pipe_names),
                   "tone_model": scorer.model_version, "network_threads": cores},
        "load_s": load, "repeat": args.repeat, "rows": rows, "ratios": ratios, "memory": memory,
    }


ROW_NAMES = {"spacy": "bare spaCy nlp.pipe (ner excluded)", "network": "bare tone network (onnxruntime)",
             "bare_models": "bare models combined", "pipeline_1": "full pipeline, 1 worker",
             "pipeline_n": "full pipeline, {workers} workers", "pipeline_1_core": "full pipeline, 1 worker on 1 core",
             "spark": "Spark engine (local)"}


def render(result: dict) -> str:
    corpus, rows, ratios, memory = result["corpus"], result["rows"], result["ratios"], result["memory"]
    lines = [(f"corpus: {corpus['documents']:,} documents ({corpus['emails']:,} AESLC emails, {corpus['dialogs']:,} "
             f"TweetSumm dialogs), {corpus['company_texts']:,} company-side texts, {corpus['company_words']:,} words; "
             f"{corpus['sentences_scored']:,} sentences scored {corpus['sentences_by_channel']}, "
             f"{corpus['repeated_sentences']} repeated"),
             (f"machine: {result['machine']['cores']} cores; models: {result['models']['spacy']}, "
             f"{result['models']['tone_model']}; load (not timed below): spaCy {result['load_s']['spacy_s']} s, "
             f"network {result['load_s']['network_s']} s, pipeline {result['load_s']['pipeline_s']} s"),
             "", f"{'':38} {'wall s':>8} {'CPU s':>8} {'docs/s':>8} {'words/s':>9} {'vs bare':>8} {'speed-up vs 1 / 1 core':>22}"]
    vs = {"pipeline_1": ratios.get("pipeline_1_vs_bare_models"), "pipeline_n": ratios.get("pipeline_n_vs_bare_models")}
    for key, name in ROW_NAMES.items():
        row = rows[key]
        name = name.format(workers=row.get("workers", "N"))
        if "wall_s" not in row:
            lines.append(f"{name:38} not available ({row['reason']})")
            continue
        ratio = f"{vs[key]:.2f}" if vs.get(key) is not None else ""
        speedup = (f"{ratios['speedup_n_over_1']:.2f} / {ratios['speedup_n_over_1_core']:.2f}"
                   if key == "pipeline_n" else "")
        lines.append(f"{name:38} {row['wall_s']:>8.2f} {row['cpu_s']:>8.2f} {row['docs_per_s']:>8.1f} "
                     f"{row['words_per_s']:>9.0f} {ratio:>8} {speedup:>22}")
    if "peak_rss_1x_mib" in memory:
        ten = (f", 10x ({memory['files_10x']:,} files) {memory['peak_rss_10x_mib']} MiB, ratio "
               f"{memory['ratio_10x_1x']:.2f}" if "peak_rss_10x_mib" in memory else ", 10x not measured")
        lines += ["", f"peak RSS, analyzer run 1 worker: 1x {memory['peak_rss_1x_mib']} MiB{ten}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, help="documents in the corpus (default 5000; 200 with --quick)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 200 documents, no 10x memory run")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each timed step (the median is reported)")
    parser.add_argument("--workers", type=int,
                        help="workers of the second pipeline row (default: the cores this process may use)")
    parser.add_argument("--no-10x", action="store_true", help="skip the peak-RSS run on 10 copies of the corpus")
    parser.add_argument("--no-memory", action="store_true", help="skip both peak-RSS runs")
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark engine row")
    parser.add_argument("--data", default=str(DATA), help="the shared data folder (default: ../shared/data)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args(argv)
    args.docs = args.docs or (200 if args.quick else 5000)
    args.no_10x = args.no_10x or args.quick
    if args.docs < 2 or args.repeat < 1 or (args.workers is not None and args.workers < 1):
        parser.error("--docs must be at least 2, --repeat and --workers at least 1")
    for name in (ENRON, TWEETSUMM):
        if not (Path(args.data) / name).is_file():
            parser.error(f"{Path(args.data) / name} not found: point --data at the shared data folder")

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="throughput-") as scratch:
        result = benchmark(args, Path(scratch), say)
    print(json.dumps(result) if args.json else render(result))


if __name__ == "__main__":
    main()
