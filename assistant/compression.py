"""gzip for what the server sends: the widget's files compressed once when first asked for, and
JSON replies and pages compressed as they go, each only for a client whose Accept-Encoding takes
gzip (werkzeug reads the header, quality values included).

A compressed file gets its own ETag (the plain one with `-gzip`), so a cache holding either form
revalidates it with a 304; every compressible response says `Vary: Accept-Encoding`.
"""
from __future__ import annotations

import gzip
import hashlib
import threading
from pathlib import Path

from flask import Response, request

MIN_BYTES = 500                 # smaller bodies gain nothing worth the work
LEVEL = 6
COMPRESSIBLE = {"application/json", "text/html", "text/javascript", "text/css"}


def accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def vary_on_encoding(response: Response):
    response.vary.add("Accept-Encoding")


class PrecompressedFile:
    """One file's bytes, plain and gzipped, with an ETag for each; read again when it changes."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._stamp = None
        self._forms: dict[bool, tuple[bytes, str]] = {}

    def _current(self) -> dict[bool, tuple[bytes, str]]:
        stat = self.path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp != self._stamp:
                data = self.path.read_bytes()
                tag = hashlib.sha256(data).hexdigest()[:20]
                self._forms = {False: (data, tag), True: (gzip.compress(data, LEVEL, mtime=0), f"{tag}-gzip")}
                self._stamp = stamp
            return self._forms

    def response(self, mimetype: str, max_age: int) -> Response:
        """The file for this request: gzipped when accepted, 304 when the client's copy is current."""
        compressed = accepts_gzip()
        data, tag = self._current()[compressed]
        response = Response(data, mimetype=mimetype)
        if compressed:
            response.headers["Content-Encoding"] = "gzip"
        vary_on_encoding(response)
        response.set_etag(tag)
        response.cache_control.public = True
        response.cache_control.max_age = max_age
        return response.make_conditional(request)


def compress_response(response: Response) -> Response:
    """gzip a finished JSON reply or page when the client takes it (an after_request hook)."""
    if response.mimetype not in COMPRESSIBLE or response.direct_passthrough or response.is_streamed:
        return response
    vary_on_encoding(response)
    if (not 200 <= response.status_code < 300 or "Content-Encoding" in response.headers
            or (response.content_length or 0) < MIN_BYTES or not accepts_gzip()):
        return response
    response.set_data(gzip.compress(response.get_data(), LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    return response
