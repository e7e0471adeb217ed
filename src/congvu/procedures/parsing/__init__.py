"""Parsing one record of the national procedure database (tthc-sample.jsonl shape).

Pure functions, no database: :func:`parse_record` turns a decoded JSON object
into a :class:`ParsedRecord` or raises :class:`RecordRejected`. The source
flattened its tables into strings without separators, so each parser relies
on the few markers that are reliable (column headers, channel names followed
by a time cell, "N bản chính" counts, document numbers like 123/2015/NĐ-CP)
and records a *flag* (a stable code of :class:`Flag`) wherever it had to
guess. A flagged record keeps everything it parsed plus the raw text.

The parts live in submodules (``base``, ``channels``, ``papers``, ``legal``,
``record``); this package re-exports what the importer, the selectors and the
tests use, so ``congvu.procedures.parsing`` stays the one import path.
"""

from .base import (
    ALL_FLAGS,
    CODE_RE,
    NO_INFO,
    Flag,
    ParsedChannel,
    ParsedFee,
    ParsedPaper,
    ParsedRecord,
    RecordRejected,
    clean,
    source_hash,
)
from .channels import parse_channels, same_day_cutoff
from .legal import parse_legal_bases
from .papers import parse_papers
from .record import legal_hours_of, parse_record

__all__ = [
    "ALL_FLAGS",
    "CODE_RE",
    "NO_INFO",
    "Flag",
    "ParsedChannel",
    "ParsedFee",
    "ParsedPaper",
    "ParsedRecord",
    "RecordRejected",
    "clean",
    "legal_hours_of",
    "parse_channels",
    "parse_legal_bases",
    "parse_papers",
    "parse_record",
    "same_day_cutoff",
    "source_hash",
]
