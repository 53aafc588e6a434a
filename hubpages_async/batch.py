"""The bulk layer's public names, kept importable at ``hubpages_async.batch``.

The code lives in :mod:`hubpages_async.bulk`; this module only re-exports it.
"""

from __future__ import annotations

from .bulk import *  # noqa: F403
from .bulk import __all__ as __all__
