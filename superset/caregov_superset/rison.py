"""Encode Superset's `?q=` query arguments as Rison (the URL-friendly JSON its list APIs read).

Only encoding is needed, and only of plain JSON values, so this small function replaces a
dependency. Strings that are valid Rison identifiers go bare, others are quoted.
"""

from __future__ import annotations

import re
from typing import Any

_BARE = re.compile(r"^[^\-0-9 '!:(),*@$][^ '!:(),*@$]*$")


def dumps(value: Any) -> str:
    """Rison text for a JSON-like value (dict, list, str, int, float, bool, None)."""
    if value is None:
        return "!n"
    if value is True:
        return "!t"
    if value is False:
        return "!f"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        if _BARE.match(value):
            return value
        return "'" + value.replace("!", "!!").replace("'", "!'") + "'"
    if isinstance(value, dict):
        return "(" + ",".join(f"{dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + ")"
    if isinstance(value, list | tuple):
        return "!(" + ",".join(dumps(v) for v in value) + ")"
    raise TypeError(f"cannot encode {type(value).__name__} as Rison")
