"""Train the second-opinion classifier: ``python -m contractscan.train DATA_DIR``.

DATA_DIR is the cuad-dev layout: ``labels.json`` (per contract, CUAD's labelled clause texts
per category) and ``pdf/``. Each PDF is read with contractscan's own loader and segmenter and
cut into the passages the scanner will show the model; a passage is a positive example of a
category where it overlaps one of the contract's labelled clause texts (found by containment
after whitespace and punctuation are normalised; a text the PDF extraction changed is found
by its 40-character pieces), a negative otherwise. Categories are mapped to clause ids by the
rules' ``cuad_category``. The extracted passages are cached under /tmp; nothing from the data
is written into the project. Training runs ``spacy train`` with the committed config
(``contractscan/models/second_opinion.cfg``) and a fixed seed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .second_opinion import MODEL_DIR, excerpts

CONFIG = Path(__file__).resolve().parent / "models" / "second_opinion.cfg"
THRESHOLDS = CONFIG.with_name("second_opinion_thresholds.json")
CACHE_VERSION = 1
# The CUAD categories the model learns: the 15 the CUAD benchmark sets figures for. They
# cover every CUAD-labelled clause a built-in profile requires (governing law, assignment,
# audit, insurance, post-termination services; and the liability, IP and termination
# families through their children) and keep the model small.
CATEGORIES = [
    "Governing Law", "Termination For Convenience", "Cap On Liability", "Uncapped Liability",
    "Ip Ownership Assignment", "Joint Ip Ownership", "Anti-Assignment", "Audit Rights", "Insurance",
    "Post-Termination Services", "Change Of Control", "Renewal Term", "Notice Period To Terminate Renewal",
    "Non-Compete", "Exclusivity",
]
SEED = 0
NEGATIVES = 0.35  # share of the passages that are none of the labels kept for training
_CHUNK = 40  # normalised characters: a piece of a labelled text long enough to be its own


# ---------------------------------------------------------------- the data set

def category_ids(categories: list[str] | None = None) -> dict[str, str]:
    """CUAD category -> clause id, from the rules' ``cuad_category``."""
    from .rules import load_rules

    wanted = set(categories or CATEGORIES)
    return {r.cuad_category: r.id for r in load_rules() if r.cuad_category in wanted}


def _normalise(text: str) -> tuple[str, list[int]]:
    """Lower-case letters and digits only, and where each came from in ``text``."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isalnum():
            chars.append(ch.lower())
            where.append(i)
    return "".join(chars), where


def locate(norm: str, where: list[int], clause_text: str) -> list[tuple[int, int]]:
    """Character spans of ``clause_text`` in the document (normalised ``norm``/``where``).

    The whole text where it occurs; else each of its 40-character pieces that does (PDF
    extraction splits words, drops a footnote mark, mangles a quote). CUAD marks gaps in a
    clause with '<omitted>': each part is looked for on its own.
    """
    spans: list[tuple[int, int]] = []
    for part in clause_text.split("<omitted>"):
        needle, _ = _normalise(part)
        if len(needle) < 12:
            continue
        hits = _find_all(norm, needle)
        if hits:
            spans += [(where[h], where[h + len(needle) - 1] + 1) for h in hits]
            continue
        for k in range(0, len(needle) - _CHUNK // 2, _CHUNK):
            piece = needle[k:k + _CHUNK]
            if len(piece) < _CHUNK // 2:
                break
            spans += [(where[h], where[h + len(piece) - 1] + 1) for h in _find_all(norm, piece)[:3]]
    return spans


def _find_all(hay: str, needle: str) -> list[int]:
    out, i = [], hay.find(needle)
    while i >= 0 and len(out) < 20:
        out.append(i)
        i = hay.find(needle, i + 1)
    return out


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    """The passage lies mostly in a labelled span, or a span mostly in the passage."""
    for s, e in spans:
        inter = min(a[1], e) - max(a[0], s)
        if inter > 0 and inter >= 0.5 * min(a[1] - a[0], e - s):
            return True
    return False


def extract_contract(pdf: str, clause_texts: dict[str, list[str]]) -> dict:
    """One contract's passages with their labels (``clause_texts``: clause id -> CUAD texts)."""
    from .loaders import LoadOptions, load_path
    from .second_opinion import load_document_excerpts

    try:
        doc = load_path(pdf, LoadOptions(ocr="never"))
    except Exception as exc:  # a broken file is left out of the data set, and said so
        return {"error": f"{type(exc).__name__}: {exc}", "passages": []}
    clauses, text, items = load_document_excerpts(doc)
    norm, where = _normalise(text)
    spans = {cid: [sp for t in texts for sp in locate(norm, where, t)] for cid, texts in clause_texts.items()}
    out = []
    for p in items:
        cats = sorted(cid for cid, sp in spans.items() if sp and _overlaps((p.start, p.end), sp))
        out.append({"text": p.text, "cats": cats})
    return {"error": None, "passages": out, "pages": doc.page_count or 0,
            "located": sorted(cid for cid, sp in spans.items() if sp),
            "labelled": sorted(cid for cid, texts in clause_texts.items() if texts)}


def _extract_job(args: tuple[str, dict[str, list[str]]]) -> dict:
    return extract_contract(*args)


def build_dataset(data_dir: Path, categories: list[str] | None = None, workers: int = 2,
                  cache_dir: Path | None = None, quiet: bool = False) -> list[dict]:
    """Every contract of ``data_dir`` as {id, passages: [{text, cats}], labelled, located}.

    Cached under ``cache_dir`` (default: the system's temporary folder), keyed by the data
    set, the categories and this code's version, so cross-validation and training share one
    extraction.
    """
    data_dir = Path(data_dir)
    labels_file = data_dir / "labels.json"
    if not labels_file.is_file():
        raise SystemExit(f"{data_dir}: no labels.json (expected the cuad-dev layout: labels.json and pdf/)")
    mapping = category_ids(categories)
    st = labels_file.stat()
    key = hashlib.sha256(json.dumps([str(data_dir.resolve()), st.st_size, st.st_mtime_ns, sorted(mapping.items()),
                                     CACHE_VERSION]).encode()).hexdigest()[:16]
    cache = (cache_dir or Path(tempfile.gettempdir()) / "contractscan-train") / f"passages-{key}.json"
    if cache.is_file():
        return json.loads(cache.read_text(encoding="utf-8"))
    entries = json.loads(labels_file.read_text(encoding="utf-8"))
    jobs = []
    for x in entries:
        texts = {cid: [t for t in (x["labels"].get(cat) or []) if isinstance(t, str)] for cat, cid in mapping.items()}
        jobs.append((str(data_dir / x["pdf"]), texts))
    t0 = time.perf_counter()
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            done = list(ex.map(_extract_job, jobs, chunksize=4))
    else:
        done = [_extract_job(j) for j in jobs]
    data = [{"id": x["id"], **d} for x, d in zip(entries, done)]
    if not quiet:
        n = sum(len(d["passages"]) for d in data)
        lab = sum(len(d.get("labelled", [])) for d in data)
        loc = sum(len(d.get("located", [])) for d in data)
        print(f"extracted {n} passages from {len(data)} contracts in {time.perf_counter() - t0:.0f} s; "
              f"labelled clauses located in the text: {loc}/{lab}", file=sys.stderr)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(cache)
    return data


# ---------------------------------------------------------------- training

def _docbin(contracts: list[dict], labels: list[str], path: Path, negatives: float = 1.0) -> int:
    """Write the passages as spaCy training docs; keep a fixed random ``negatives`` share of
    the passages that show none of ``labels`` (all of them at 1.0)."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    db = DocBin(store_user_data=False)
    rng = random.Random(SEED)
    wanted = set(labels)
    n = 0
    for c in contracts:
        for p in c["passages"]:
            if negatives < 1.0 and not wanted.intersection(p["cats"]) and rng.random() >= negatives:
                continue
            d = nlp.make_doc(p["text"])
            d.cats = {lab: float(lab in p["cats"]) for lab in labels}
            db.add(d)
            n += 1
    db.to_disk(path)
    return n


def train_model(train: list[dict], dev: list[dict], labels: list[str], out: Path,
                config: Path = CONFIG, overrides: dict | None = None, negatives: float = NEGATIVES) -> Path:
    """Train with ``spacy train`` on ``train`` (a ``negatives`` share of the passages that are
    no clause of ``labels``: most passages are none, and fewer steps train faster); the
    pipeline after the last epoch is written to ``out`` (a folder spaCy loads). ``dev`` is
    only reported on: thresholds are chosen by the caller, on contracts of its own."""
    from spacy.cli.train import train as spacy_train

    with tempfile.TemporaryDirectory(prefix="contractscan-train-") as tmp:
        tmp_path = Path(tmp)
        _docbin(train, labels, tmp_path / "train.spacy", negatives)
        _docbin(dev, labels, tmp_path / "dev.spacy")
        settings = {"paths.train": str(tmp_path / "train.spacy"), "paths.dev": str(tmp_path / "dev.spacy"),
                    "system.seed": SEED, **(overrides or {})}
        with contextlib.redirect_stdout(sys.stderr):  # spaCy's progress table: not the caller's output
            spacy_train(config, tmp_path / "run", overrides=settings, use_gpu=-1)
        best = tmp_path / "run" / "model-last"
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(best, out)
    # The string table lists every word of the training contracts (names, amounts); the bag
    # of words needs only their hashes, so none of the data's text is shipped.
    (out / "vocab" / "strings.json").write_text("[]", encoding="utf-8")
    return out


def split_by_contract(ids: list[str], share: float, seed: int = SEED) -> tuple[set[str], set[str]]:
    """A fixed random split of contract ids: (the rest, ``share`` of them)."""
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    k = max(1, round(len(order) * share))
    return set(order[k:]), set(order[:k])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m contractscan.train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", type=Path, help="the cuad-dev folder (labels.json, pdf/)")
    ap.add_argument("-o", "--output", type=Path, default=MODEL_DIR, help=f"model folder (default {MODEL_DIR})")
    ap.add_argument("--thresholds", type=Path, default=THRESHOLDS,
                    help="per-label thresholds, JSON (default: the committed ones, chosen in cross-validation "
                    "by benchmarks/second_opinion.py)")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--max-epochs", type=int, help="override the config's training.max_epochs")
    ap.add_argument("--cache", type=Path, help="folder for the extracted passages (default: under the system's temp folder)")
    args = ap.parse_args(argv)

    data = [c for c in build_dataset(args.data_dir, workers=args.workers, cache_dir=args.cache) if not c["error"]]
    labels = sorted(category_ids().values())
    # every contract trains the shipped model; spaCy wants a dev set, only reported on
    dev = data[:5]
    overrides = {"training.max_epochs": args.max_epochs} if args.max_epochs else {}
    out = train_model(data, dev, labels, args.output, overrides=overrides)
    thresholds = json.loads(args.thresholds.read_text(encoding="utf-8"))
    thresholds = thresholds.get("thresholds", thresholds)
    meta = {"thresholds": {lab: thresholds.get(lab, 2.0) for lab in labels},
            "trained_on": f"{len(data)} contracts of {args.data_dir.name} (CUAD v1, CC BY 4.0, The Atticus Project)",
            "seed": SEED}
    (out / "thresholds.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"model written to {out} ({sum(f.stat().st_size for f in out.rglob('*') if f.is_file()) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
