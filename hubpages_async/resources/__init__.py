"""One resource class per API collection; each method is one documented operation."""

from .folders import FoldersResource
from .pages import LandingPagesResource, PagesResource

__all__ = ["FoldersResource", "LandingPagesResource", "PagesResource"]
