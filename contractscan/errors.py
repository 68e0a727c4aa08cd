"""Typed errors: each bad file gets one of these, never a traceback.

The ``type`` strings are part of the JSON contract (``result.error.type``).
"""

from __future__ import annotations


class ContractScanError(Exception):
    """Base class for every error contractscan raises on purpose."""

    type: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnsupportedFormat(ContractScanError):
    type = "unsupported_format"


class CorruptFile(ContractScanError):
    type = "corrupt"


class EncryptedFile(ContractScanError):
    type = "encrypted"


class TooLarge(ContractScanError):
    type = "too_large"


class NoText(ContractScanError):
    type = "no_text"


class ScanTimeout(ContractScanError):
    type = "timeout"


class IOProblem(ContractScanError):
    type = "io_error"


class OutOfMemory(ContractScanError):
    """The file needed more memory than this machine or limit allows; the next run may succeed."""

    type = "out_of_memory"


class InternalError(ContractScanError):
    """An exception raised by contractscan's own code: a bug, not a property of the file."""

    type = "internal_error"


class RuleError(ContractScanError):
    """A rule or profile file is invalid; the message names file, rule and field."""

    type = "rule_error"
