"""Uploaded files: checking them and handing them out.

Uploads (evidence, minutes, photos) are checked by extension AND by their first bytes, so a
renamed executable or archive is refused, and by size. They are served through views that check
access first, never from a public media URL.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

#: extension → the leading bytes a file of that type starts with
FILE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".ofd": (b"PK\x03\x04",),
}


def extension_of(name: str) -> str:
    return os.path.splitext(name or "")[1].lower()


def upload_error(uploaded, *, allowed: Iterable[str], max_bytes: int, type_message: str) -> str | None:
    """Why ``uploaded`` is not acceptable, or None. ``allowed`` are extensions with the dot;
    ``type_message`` is what to say about a file of another type."""
    extension = extension_of(getattr(uploaded, "name", ""))
    if extension not in set(allowed) or extension not in FILE_SIGNATURES:
        return type_message
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes:
        return _("The file is larger than %(n)d MB.") % {"n": max_bytes // (1024 * 1024)}
    if size == 0:
        return _("The file is empty.")
    position = uploaded.tell() if hasattr(uploaded, "tell") else None
    try:
        uploaded.seek(0)
        head = uploaded.read(8)
    finally:
        uploaded.seek(position or 0)
    if not any(head.startswith(signature) for signature in FILE_SIGNATURES[extension]):
        return _("The file's content does not match its type (%(ext)s).") % {"ext": extension}
    return None


def attachment_response(field_file, filename: str | None = None) -> FileResponse:
    """Download a stored file (404 when there is none or it has gone missing on disk)."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=filename or field_file.name.rsplit("/", 1)[-1])
