"""Request bodies: the size limit holds for chunked bodies as it does for a Content-Length."""

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream


class _NoCutStream(LimitedStream):
    """A stream capped at the limit that refuses a body going past it instead of cutting it there."""

    def readall(self) -> bytes:
        data = super().readall()
        # werkzeug stops reading at the limit without looking further: a chunked body of 2 MiB
        # came out as its first 1 MiB, which then failed as "invalid JSON" (or imported half a file).
        if self.is_exhausted and self._stream.read(1):
            raise RequestEntityTooLarge()
        return data


class BoundedRequest(Request):
    """Flask's request, with MAX_CONTENT_LENGTH answered by 413 for bodies without a Content-Length."""

    @cached_property
    def stream(self):
        limit = self.max_content_length
        if (not self.shallow and limit is not None and self.content_length is None
                and "wsgi.input_terminated" in self.environ):
            return _NoCutStream(self.environ["wsgi.input"], limit, is_max=True)
        return super().stream
