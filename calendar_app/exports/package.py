"""The same schedule, the same bytes: Office files (zip packages) without the moment they were saved.

python-docx and openpyxl stamp every zip entry with the time of saving, and openpyxl writes it into
docProps/core.xml too. A published export must equal the app's answer to the same URL (publish-feeds),
and an unchanged one must keep its bytes, so both are replaced by a moment the content names.
"""

import io
import re
import zipfile
from datetime import datetime

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def without_save_time(body: bytes, moment: datetime | None = None) -> bytes:
    """The package with every entry at ZIP_EPOCH and, with `moment`, its core properties' dates set to it."""
    source = zipfile.ZipFile(io.BytesIO(body))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if moment is not None and info.filename == "docProps/core.xml":
                stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                data = _CORE_DATES.sub(lambda found: found[1] + stamp + found[3], data)
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            target.writestr(fixed, data)
    return out.getvalue()
