"""``benchmarks/throughput.py --extras``: the older measurements (a re-scan with --db, CPU per
page of a generated 10- and 1000-page contract, peak memory on the largest PDF, the learned
second opinion's cost). Run through throughput.py, which chooses the files.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from throughput import ROOT, contract_pages, contractscan, run_process


def extras(args, files: list[Path], workers: list[str], figures: dict, tmp: Path, folder: Path) -> None:
    """The older measurements: --db re-scan, long documents, peak memory, second opinion."""
    # 2. an unchanged re-scan with the result store
    db = tmp / "results.db"
    plain_out, first_out, again_out = tmp / "plain.jsonl", tmp / "first.jsonl", tmp / "again.jsonl"
    contractscan(folder, *workers, out=plain_out)
    first = contractscan(folder, *workers, "--db", str(db), out=first_out)[0]
    again = statistics.median(
        contractscan(folder, *workers, "--db", str(db), out=again_out)[0] for _ in range(max(1, args.repeat)))
    same = plain_out.read_bytes() == first_out.read_bytes() == again_out.read_bytes()
    print(f"\n  first scan with --db {first:6.2f} s, unchanged re-scan {again:6.3f} s (median of "
          f"{max(1, args.repeat)}): {first / again:5.1f}x faster; same output as without --db: {same}")
    figures.update(db_first_s=first, db_rescan_s=again, db_ratio=first / again, db_same_output=same)

    # 3. time per page, short against very long
    pp = per_page([10, 1000], {10: 20, 1000: 3}, tmp)
    print(f"\n  CPU time per page: 10-page contract {pp[10] * 1000:.2f} ms, 1000-page contract "
          f"{pp[1000] * 1000:.2f} ms: ratio {pp[1000] / pp[10]:.2f}")
    figures.update(ms_per_page_10=pp[10] * 1000, ms_per_page_1000=pp[1000] * 1000,
                   per_page_ratio=pp[1000] / pp[10])

    # 4. peak memory scanning the largest PDF
    largest = max((f for f in files if f.suffix.lower() == ".pdf"), key=lambda p: p.stat().st_size)
    _, _, rss, _ = run_process([sys.executable, "-m", "contractscan", str(largest), "--workers", "1",
                                "--format", "jsonl", "--quiet"])
    print(f"\n  peak memory of the process scanning the largest PDF ({largest.name}, "
          f"{largest.stat().st_size / 1e6:.1f} MB): {rss} MB")
    figures.update(largest_pdf=largest.name, peak_rss_mb=rss)
    _, _, rss_on, _ = run_process([sys.executable, "-m", "contractscan", str(largest), "--workers", "1",
                                   "--format", "jsonl", "--quiet", "--second-opinion", "on"])
    print(f"  the same with --second-opinion on: {rss_on} MB")
    figures.update(peak_rss_mb_second_opinion=rss_on)

    # 5. the second opinion's cost
    figures.update(second_opinion_cost([f for f in files if f.suffix.lower() == ".pdf"][:20]))


def per_page(pages_list: list[int], repeats: dict[int, int], tmp: Path) -> dict[int, float]:
    """CPU seconds per page of Analyzer.scan on generated contracts, best of a few runs.

    CPU time, not wall time: other work on the machine should not make a long document
    look slower than a short one."""
    sys.path.insert(0, str(ROOT))
    from contractscan import Analyzer
    from contractscan.testing.pdf import write_pdf

    analyzer = Analyzer()
    out = {}
    for n in pages_list:
        path = tmp / f"generated-{n}.pdf"
        write_pdf(path, contract_pages(n), page_numbers=True)
        analyzer.scan(path)  # warm: caches, lexemes
        best = float("inf")
        for _ in range(repeats[n]):
            t = time.process_time()
            result = analyzer.scan(path)
            best = min(best, time.process_time() - t)
        assert result.pages == n and result.error is None, result.error
        out[n] = best / n
    return out


def second_opinion_cost(files: list[Path]) -> dict[str, float]:
    """Model load (CPU and wall, spaCy already imported), and CPU per page off, on, and with
    the classifier reading every document (its upper bound), best of two passes."""
    sys.path.insert(0, str(ROOT))
    from contractscan import Analyzer
    from contractscan.second_opinion import SecondOpinion, excerpts
    from contractscan.segment import _mask_noise, segment

    off = Analyzer(second_opinion=False)
    t, c = time.perf_counter(), time.process_time()
    model = SecondOpinion.load()
    load_wall, load_cpu = time.perf_counter() - t, time.process_time() - c
    on = Analyzer(second_opinion=model)
    c = time.process_time()
    docs = [off.load(f) for f in files]
    t_load = time.process_time() - c
    pages = sum(d.page_count or 0 for d in docs)

    def cpu(job) -> float:
        best = float("inf")
        for _ in range(2):
            c = time.process_time()
            for d in docs:
                job(d)
            best = min(best, time.process_time() - c)
        return best

    t_off = cpu(off.analyse_document)
    t_on = cpu(on.analyse_document)

    def read_all(d) -> None:
        off.analyse_document(d)
        clauses = segment(d)
        model.score(excerpts(clauses, _mask_noise(d)))

    t_all = cpu(read_all)
    print(f"\n  second opinion: model load {load_cpu:.2f} s CPU ({load_wall:.2f} s wall); analysis CPU per page "
          f"({len(docs)} PDFs, {pages} pages, loading not counted) off {t_off / pages * 1000:.2f} ms, "
          f"on {t_on / pages * 1000:.2f} ms (+{(t_on / t_off - 1) * 100:.0f}%), reading every document "
          f"{t_all / pages * 1000:.2f} ms (+{(t_all / t_off - 1) * 100:.0f}%); with loading the files "
          f"({t_load / pages * 1000:.2f} ms a page): +{(t_on - t_off) / (t_load + t_off) * 100:.0f}% on, "
          f"+{(t_all - t_off) / (t_load + t_off) * 100:.0f}% reading every document")
    return {"second_opinion_load_cpu_s": load_cpu, "second_opinion_load_wall_s": load_wall,
            "ms_per_page_load": t_load / pages * 1000, "ms_per_page_off": t_off / pages * 1000, "ms_per_page_on": t_on / pages * 1000,
            "ms_per_page_classifier_every_document": t_all / pages * 1000}
