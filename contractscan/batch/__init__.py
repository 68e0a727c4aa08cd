"""Scan many documents: in worker processes or on a Dask cluster, results in input order.

The parent process lists the files, answers what it can from the result store, renders
and shows progress; workers build the pipeline once each (a pool initializer) and scan.
spaCy is only imported where documents are analysed, so a re-scan answered by the store
never loads it. A worker that dies (a crash in a PDF library, the OOM killer) costs only
the file it was reading: the pool is rebuilt, the files that were in flight are retried one
at a time, and the one that kills a worker again gets an error result.

The map:

- ``settings``: ``ScanSettings`` (what decides a result) and its fingerprint for the store;
- ``work``: one document's scan as every runner performs it (``Job`` in, ``Outcome`` out);
- ``runners``: the ``Runner`` protocol, in-process and local worker processes;
  ``cluster``: the Dask runner;
- ``pending`` and ``scheduler``: the output queue (each item WAITING, RUNNING or DONE) and
  the loop that fills workers largest-first and yields results in input order;
- ``sources``: listing the files; ``storage``: the result store's side of a batch;
  ``progress``: the progress bar.
"""

from __future__ import annotations

from .progress import BatchProgress
from .scheduler import scan_sources
from .settings import ScanSettings, default_workers
from .sources import list_sources
from .storage import results_from_store
from .work import Job, Outcome, scan_job

__all__ = ["BatchProgress", "Job", "Outcome", "ScanSettings", "default_workers", "list_sources",
           "results_from_store", "scan_job", "scan_sources"]
