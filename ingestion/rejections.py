"""The one exception that means "this delivered file is refused as a whole".

A `FileRejected` carries one sentence a council data officer can act on (naming the file and,
where there is one, the row and column). It never carries a personal value from the file.
"""

from __future__ import annotations

from caregov.errors import CaregovError


class FileRejected(CaregovError):
    """The whole file is refused (docs/specification.md §3.2); the message says why."""
