"""The bulk journal, kept importable at ``hubpages_async.journal``.

The code lives in :mod:`hubpages_async.bulk.journal`; this module only re-exports it.
"""

from __future__ import annotations

from .bulk.journal import Journal, JournalEntry, JournalError

__all__ = ["Journal", "JournalEntry", "JournalError"]
