"""Encode Superset's `?q=` query arguments as Rison (the URL-friendly JSON its list APIs read).

Only encoding is needed, and only of plain JSON values, so this small function replaces a
dependency: strings are always quoted, which Rison accepts for every string.
"""

from __future__ import annotations

from typing import Any


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
        return "'" + value.replace("!", "!!").replace("'", "!'") + "'"
    if isinstance(value, dict):
        return "(" + ",".join(f"{dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + ")"
    if isinstance(value, list | tuple):
        return "!(" + ",".join(dumps(v) for v in value) + ")"
    raise TypeError(f"cannot encode {type(value).__name__} as Rison")
