"""Our tokenizer and sentence splitter against spaCy's, on every text the matcher feeds them.

    python benchmarks/same_tokens.py ../shared/cuad-dev/pdf [../shared/contracts-dev ...]

For each document: every body passage (as ``read_sentences`` cuts it) is tokenized and split
into sentences by ``spacy.blank("en")`` + sentencizer and by ``contractscan.tokens`` and ``contractscan.sentencizer``;
every sentence reading the reading steps tokenize (``own``) is tokenized by both too. Prints
the first differences and the totals; exit status 1 when anything differs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contractscan.inputs import iter_files  # noqa: E402
from contractscan.loaders import LoadOptions, load_path  # noqa: E402
from contractscan.match.sentences import body_passages, sentence_texts  # noqa: E402
from contractscan.sentencizer import Sentencizer  # noqa: E402
from contractscan.scanner import _mask_noise  # noqa: E402
from contractscan.segment import segment  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--show", type=int, default=10, help="differences to print")
    args = ap.parse_args()
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ours = Sentencizer()
    counts = dict(files=0, passages=0, sentences=0, readings=0, tokens=0, differ=0)
    ours_s = spacy_s = 0.0
    for folder in args.folders:
        for path, problem in iter_files(folder):
            if problem is not None:
                continue
            try:
                doc = load_path(path, LoadOptions(ocr="never"))
            except Exception as exc:  # noqa: BLE001 -- a file that does not load is not ours to check
                print(f"skip {path.name}: {exc}", file=sys.stderr)
                continue
            counts["files"] += 1
            text = _mask_noise(doc)
            flat = text.replace("\n", " ")
            texts = [flat[p.start:p.end] for p in body_passages(segment(doc))]
            t0 = time.process_time()
            theirs_docs = list(nlp.pipe(texts, batch_size=256))
            t1 = time.process_time()
            ours_sents = [ours.sentences(t) for t in texts]
            t2 = time.process_time()
            spacy_s += t1 - t0
            ours_s += t2 - t1
            readings = []
            for t, sdoc, mine in zip(texts, theirs_docs, ours_sents):
                counts["passages"] += 1
                theirs = [(s.start_char, s.end_char) for s in sdoc.sents]
                counts["sentences"] += len(theirs)
                counts["tokens"] += len(sdoc)
                _check(counts, args.show, path.name, "tokens", t, [(w.idx, w.text) for w in sdoc], ours.tokenizer.words(t))
                _check(counts, args.show, path.name, "sentences", t, theirs, mine)
                readings.extend(sentence_texts(t, theirs))
            for r in readings:
                counts["readings"] += 1
                _check(counts, args.show, path.name, "reading tokens", r,
                       [(w.idx, w.text) for w in nlp.make_doc(r)], ours.tokenizer.words(r))
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    print(f"passages: spaCy pipe {spacy_s:.2f} s CPU, ours {ours_s:.2f} s CPU")
    return 1 if counts["differ"] else 0


def _check(counts: dict, show: int, name: str, what: str, text: str, theirs: list, mine: list) -> None:
    if theirs == mine:
        return
    counts["differ"] += 1
    if counts["differ"] <= show:
        k = next((i for i, (a, b) in enumerate(zip(theirs, mine)) if a != b), min(len(theirs), len(mine)))
        print(f"{name}: {what} differ at {k}: spaCy {theirs[k:k + 3]} ours {mine[k:k + 3]}\n  {text[:200]!r}")


if __name__ == "__main__":
    sys.exit(main())
