"""msgspec models of HubSpot's CMS Pages wire format, shared by the client and the emulator."""

from ._base import UNSET, Model, UnsetType
from .batch import BATCH_STATUSES, TERMINAL_BATCH_STATUSES, BatchInput, BatchResponse
from .errors import ErrorBody, ErrorDetail, StandardError
from .folder import READ_ONLY_FOLDER_FIELDS, ContentFolder, SavedContentFolder
from .page import (
    AB_VARIANT_STATUSES,
    READ_ONLY_PAGE_FIELDS,
    ContentLanguageVariation,
    Page,
    SavedPage,
)
from .paging import CollectionResponse, NextPage, Paging, PreviousPage
from .requests import (
    AbTestCreateRequest,
    AbTestEndRequest,
    AbTestRerunRequest,
    AttachToLangGroupRequest,
    CloneRequest,
    DetachFromLangGroupRequest,
    LanguageCloneRequest,
    ScheduleRequest,
    SetLangPrimaryRequest,
    UpdateLanguagesRequest,
)
from .revision import ContentFolderVersion, PageVersion, VersionUser

__all__ = [
    "AB_VARIANT_STATUSES",
    "BATCH_STATUSES",
    "READ_ONLY_FOLDER_FIELDS",
    "READ_ONLY_PAGE_FIELDS",
    "TERMINAL_BATCH_STATUSES",
    "UNSET",
    "AbTestCreateRequest",
    "AbTestEndRequest",
    "AbTestRerunRequest",
    "AttachToLangGroupRequest",
    "BatchInput",
    "BatchResponse",
    "CloneRequest",
    "CollectionResponse",
    "ContentFolder",
    "ContentFolderVersion",
    "ContentLanguageVariation",
    "DetachFromLangGroupRequest",
    "ErrorBody",
    "ErrorDetail",
    "LanguageCloneRequest",
    "Model",
    "NextPage",
    "Page",
    "PageVersion",
    "Paging",
    "PreviousPage",
    "SavedContentFolder",
    "SavedPage",
    "ScheduleRequest",
    "SetLangPrimaryRequest",
    "StandardError",
    "UnsetType",
    "UpdateLanguagesRequest",
    "VersionUser",
]
