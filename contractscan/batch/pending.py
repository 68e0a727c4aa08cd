"""A document waiting in the output queue, with its state named rather than implied."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..results import ScanResult
from .work import Job, Outcome


class State(Enum):
    """Where a queued document is; results leave the queue in input order, whatever the state
    of those behind."""

    WAITING = "waiting"  # not yet handed to a runner
    RUNNING = "running"  # handed to a runner: ``future`` says when it is done
    DONE = "done"  # ``result`` is known: from a worker, the store, or listing the file


@dataclass
class Pending:
    """One document in the output queue."""

    job: Job
    state: State = State.WAITING
    future: Any = None  # while RUNNING
    result: ScanResult | None = None  # once DONE
    outcome: Outcome | None = None  # what a worker returned, saved to the store as is
    stored: bool = False  # answered by the result store
    saved: bool = False  # saved to the result store (when there is one)
    counted: bool = False  # shown as done on the progress bar

    @classmethod
    def answered(cls, job: Job, result: ScanResult, stored: bool = False) -> Pending:
        """A document whose result is known without scanning it."""
        return cls(job, State.DONE, result=result, stored=stored)

    def start(self, future: Any) -> None:
        self.state = State.RUNNING
        self.future = future

    def finish(self, result: ScanResult, outcome: Outcome | None = None) -> None:
        self.state = State.DONE
        self.future = None
        self.result = result
        self.outcome = outcome

    @property
    def waiting(self) -> bool:
        return self.state is State.WAITING

    @property
    def in_flight(self) -> bool:
        """Handed to a runner and not finished there yet."""
        return self.state is State.RUNNING and not self.future.done()
