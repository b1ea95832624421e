"""Files people upload: the one module the platform stores and serves them through.

- **Stored** through Django's storage API (``default_storage``) under a random name,
  ``uploads/<area>/<yyyy>/<random>.<ext>``: never the name the person gave, which is kept
  beside it in the database only to name the download.
- **Limited** in size by ``settings.UPLOAD_MAX_BYTES`` (10 MB unless the environment says
  otherwise). An upload that says it is larger is refused before anything is read; the rest are
  read in chunks and refused as soon as they pass the limit.
- **Checked by content**, never by the name's extension or the browser's word: a small allowlist
  (``KINDS``) recognised by the file's first bytes (PDF, PNG, JPEG, GIF, WebP), by the members of
  its zip (Office Open XML and OpenDocument, read without inflating anything), or as plain text
  (UTF-8 without NUL bytes, and not a web page).
- **Served** by ``serve`` as a download, with headers that keep a browser from running it, and
  only by a view of the owning app *after* its access check. Nothing serves ``MEDIA_ROOT`` as a
  public folder: there is no ``MEDIA_URL`` route.

The owning app keeps the stored name in a ``FileField`` and the download name and content type in
its own fields; ``UploadField`` is the form field that checks a file and gives back a
``CheckedUpload`` to ``store``.
"""

from __future__ import annotations

import codecs
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
CHUNK = 64 * 1024
HEAD = 4096  # the bytes a signature is read from
# A zip (docx, xlsx, ods…) whose members would inflate past these is refused as a likely zip
# bomb: real office documents stay far below both.
ZIP_MAX_MEMBERS = 5000
ZIP_MAX_RATIO = 100  # inflated size / stored size of any one member
ZIP_MAX_INFLATED_FACTOR = 20  # all members inflated, as a multiple of the upload limit
MARKUP_STARTS = (b"<", b"\xef\xbb\xbf<")  # an HTML, SVG or XML file: never accepted as text


@dataclass(frozen=True)
class Kind:
    """A kind of file the platform accepts: how it is served and named."""

    key: str
    content_type: str
    extensions: tuple[str, ...]  # the first is given to a download name that lacks one

    @property
    def extension(self) -> str:
        return self.extensions[0]


KINDS = {
    kind.key: kind
    for kind in (
        Kind("pdf", "application/pdf", (".pdf",)),
        Kind("png", "image/png", (".png",)),
        Kind("jpeg", "image/jpeg", (".jpg", ".jpeg")),
        Kind("gif", "image/gif", (".gif",)),
        Kind("webp", "image/webp", (".webp",)),
        Kind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        Kind(
            "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
        ),
        Kind(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            (".pptx",),
        ),
        Kind("odt", "application/vnd.oasis.opendocument.text", (".odt",)),
        Kind("ods", "application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
        Kind("odp", "application/vnd.oasis.opendocument.presentation", (".odp",)),
        Kind("csv", "text/csv; charset=utf-8", (".csv",)),
        Kind("text", "text/plain; charset=utf-8", (".txt", ".md", ".tsv")),
    )
}
# Office Open XML: the main part's folder names the application.
OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
OPENDOCUMENT_TYPES = {KINDS[key].content_type: key for key in ("odt", "ods", "odp")}


class UploadRefused(ValidationError):
    """The file is too big or not of a kind we accept; the message says which, for people."""


def max_bytes() -> int:
    """The largest upload accepted, in bytes (``settings.UPLOAD_MAX_BYTES``)."""
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def human_size(size: int) -> str:
    """``10485760`` → ``"10 MB"``: the limit as people read it."""
    if size >= 1024 * 1024:
        return _("%(size)s MB") % {"size": f"{size / (1024 * 1024):.3g}"}
    return _("%(size)s KB") % {"size": f"{max(size, 1024) / 1024:.3g}"}


def too_big_message() -> str:
    return _("The file is larger than %(limit)s, the most one upload may be.") % {
        "limit": human_size(max_bytes())
    }


def accepted_help() -> str:
    return _(
        "PDF, images (PNG, JPEG, GIF, WebP), Word, Excel, PowerPoint, OpenDocument, plain text "
        "or CSV; up to %(limit)s."
    ) % {"limit": human_size(max_bytes())}


def kinds_message() -> str:
    return _(
        "This kind of file is not accepted. Upload a PDF; a PNG, JPEG, GIF or WebP image; a "
        "Word, Excel or PowerPoint file (docx, xlsx, pptx); an OpenDocument file (odt, ods, "
        "odp); or plain text or CSV."
    )


def _read_chunks(file: Any, limit: int) -> Any:
    """Yield the file's bytes in chunks, refusing as soon as more than ``limit`` came."""
    file.seek(0)
    total = 0
    while chunk := file.read(CHUNK):
        total += len(chunk)
        if total > limit:
            raise UploadRefused(too_big_message(), code="too_big")
        yield chunk


def _signature_kind(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _zip_kind(file: Any) -> str | None:
    """The office kind of a zip, read from its directory: no member is inflated except
    OpenDocument's ``mimetype`` (a few bytes, stored uncompressed by the standard)."""
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    with archive:
        members = archive.infolist()
        inflated = sum(member.file_size for member in members)
        if (
            len(members) > ZIP_MAX_MEMBERS
            or inflated > ZIP_MAX_INFLATED_FACTOR * max_bytes()
            or any(m.file_size > ZIP_MAX_RATIO * max(m.compress_size, 1024) for m in members)
        ):
            return None
        names = {member.filename for member in members}
        if "[Content_Types].xml" in names:
            for folder, key in OOXML_FOLDERS.items():
                if any(name.startswith(folder) for name in names):
                    return key
            return None
        mimetype = archive.getinfo("mimetype") if "mimetype" in names else None
        if mimetype is not None and mimetype.file_size <= 100:
            declared = archive.read(mimetype).decode("ascii", "replace").strip()
            return OPENDOCUMENT_TYPES.get(declared)
    return None


def _is_text(file: Any, limit: int) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    first = True
    try:
        for chunk in _read_chunks(file, limit):
            if first and chunk.lstrip().startswith(MARKUP_STARTS):
                return False
            first = False
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_kind(file: Any, name: str = "") -> Kind:
    """The kind of ``file`` (any seekable binary file object), read from its content.

    ``name`` only tells plain text from CSV, once the content has shown it is text. Raises
    ``UploadRefused`` when the file is too big or of no accepted kind.
    """
    limit = max_bytes()
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise UploadRefused(too_big_message(), code="too_big")
    size = sum(len(chunk) for chunk in _read_chunks(file, limit))
    if size == 0:
        raise UploadRefused(_("The file is empty."), code="empty")
    file.seek(0)
    head = file.read(HEAD)
    key = _signature_kind(head)
    if key is None and head.startswith(b"PK\x03\x04"):
        key = _zip_kind(file)
    elif key is None and _is_text(file, limit):
        key = "csv" if PurePath(name).suffix.lower() == ".csv" else "text"
    file.seek(0)
    if key is None:
        raise UploadRefused(kinds_message(), code="kind")
    return KINDS[key]


def download_name(name: str, kind: Kind) -> str:
    """The name a download gets: the person's own, without folders, with the kind's extension."""
    base = PurePath(name.replace("\\", "/")).name.strip() or _("attachment")
    stem, suffix = (base[: -len(PurePath(base).suffix)], PurePath(base).suffix.lower())
    if suffix not in kind.extensions:
        stem, suffix = base, kind.extension
    return f"{stem[:190]}{suffix}"


@dataclass
class CheckedUpload:
    """An uploaded file that passed the checks, ready for ``store``."""

    file: Any
    kind: Kind
    name: str  # the download name
    size: int

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def check(file: Any) -> CheckedUpload:
    """Check an uploaded file (size, then kind by content); raises ``UploadRefused``."""
    kind = detect_kind(file, getattr(file, "name", "") or "")
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    return CheckedUpload(file, kind, download_name(getattr(file, "name", "") or "", kind), size)


def store(upload: CheckedUpload, area: str) -> str:
    """Save a checked upload through the default storage; returns the stored name.

    ``area`` is the owning app's folder (``"cycles"``); the name is random, so a person's file
    name never becomes a path and nobody can guess another file's name.
    """
    year = timezone.now().year
    name = f"uploads/{area}/{year}/{secrets.token_urlsafe(18)}{upload.kind.extension}"
    upload.file.seek(0)
    return default_storage.save(name, upload.file)


def serve(
    request: HttpRequest, stored_file: Any, download_name: str, content_type: str
) -> FileResponse:
    """The stored file as a download. Call it only after the owning object's access check.

    It is always an attachment (RFC 6266 ``filename`` and ``filename*``, set by Django), the
    browser may not guess another type (``nosniff``) nor run anything in it (``sandbox`` added
    to the site's Content-Security-Policy by django-csp's middleware), and no cache may keep
    it.
    """
    opened = stored_file.open("rb") if hasattr(stored_file, "open") else stored_file
    response = FileResponse(
        opened, as_attachment=True, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # django-csp adds ``sandbox`` to the site's policy for this answer (CSPMiddleware).
    response._csp_update = {"sandbox": True}  # type: ignore[attr-defined]
    response["Cache-Control"] = "private, no-store"
    return response


class UploadField(forms.FileField):
    """A form field for one upload: ``cleaned_data`` holds a ``CheckedUpload`` (or None when
    the field is optional and empty). Refusals name the limit or the kinds accepted."""

    default_error_messages = {
        "required": gettext_lazy("Choose a file to upload."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", lazy(accepted_help, str)())
        super().__init__(**kwargs)
        self.widget.attrs.setdefault(
            "accept",
            ",".join(ext for kind in KINDS.values() for ext in kind.extensions),
        )

    def clean(self, data: Any, initial: Any = None) -> CheckedUpload | None:
        file = super().clean(data, initial)
        if not file:
            return None
        try:
            return check(file)
        except UploadRefused as refused:
            raise forms.ValidationError(refused.messages[0], code=refused.code) from None
