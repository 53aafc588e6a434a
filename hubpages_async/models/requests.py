"""Request bodies of the collection-level actions (clone, schedule, A/B, multi-language).

They forbid unknown fields so that the emulator rejects a misspelt field loudly, the
way a careful server should; the client only ever encodes them.
"""

from __future__ import annotations

from datetime import datetime

from ._base import UNSET, Model, UnsetType

__all__ = [
    "AbTestCreateRequest",
    "AbTestEndRequest",
    "AbTestRerunRequest",
    "AttachToLangGroupRequest",
    "CloneRequest",
    "DetachFromLangGroupRequest",
    "LanguageCloneRequest",
    "ScheduleRequest",
    "SetLangPrimaryRequest",
    "UpdateLanguagesRequest",
]


class _Request(Model, forbid_unknown_fields=True):
    pass


class CloneRequest(_Request):
    """``ContentCloneRequestVNext``."""

    id: str
    clone_name: str | UnsetType = UNSET


class ScheduleRequest(_Request):
    """``ContentScheduleRequestVNext``."""

    id: str
    publish_date: datetime


class AbTestCreateRequest(_Request):
    """``AbTestCreateRequestVNext``."""

    content_id: str
    variation_name: str


class AbTestEndRequest(_Request):
    """``AbTestEndRequestVNext``."""

    ab_test_id: str
    winner_id: str


class AbTestRerunRequest(_Request):
    """``AbTestRerunRequestVNext``."""

    ab_test_id: str
    variation_id: str


class LanguageCloneRequest(_Request):
    """``ContentLanguageCloneRequestVNext``."""

    id: str
    language: str | UnsetType = UNSET
    primary_language: str | UnsetType = UNSET
    use_published: bool | UnsetType = UNSET


class AttachToLangGroupRequest(_Request):
    """``AttachToLangPrimaryRequestVNext``."""

    id: str
    language: str
    primary_id: str
    primary_language: str | UnsetType = UNSET


class DetachFromLangGroupRequest(_Request):
    """``DetachFromLangGroupRequestVNext``."""

    id: str


class SetLangPrimaryRequest(_Request):
    """``SetNewLanguagePrimaryRequestVNext``."""

    id: str


class UpdateLanguagesRequest(_Request):
    """``UpdateLanguagesRequestVNext``: page id -> language for the whole group."""

    primary_id: str
    languages: dict[str, str]
