"""Typed errors for talking to Superset, each carrying Superset's own message.

A caller can tell who must act from the type: `SupersetAuthError` (wrong login or missing
permission), `SupersetNotFound`, `SupersetValidationError` (our payload was refused: a bug in
the assets or the client), `SupersetServerError` (Superset failed or cannot be reached, after
retries). All are `CaregovError`s so the CLI prints them as one sentence.
"""

from __future__ import annotations

import json
from typing import Any

import requests

from caregov.errors import CaregovError


class SupersetError(CaregovError):
    """Superset refused or failed a request; `status` is the HTTP status (0: no answer)."""

    def __init__(self, message: str, status: int = 0, method: str = "", url: str = "") -> None:
        self.message = message
        self.status = status
        self.method = method
        self.url = url
        where = f"{method} {url} " if method else ""
        super().__init__(f"Superset {where}answered {status}: {message}" if status else message)


class SupersetAuthError(SupersetError):
    """401/403: bad credentials, an expired session that could not be renewed, or no permission."""


class SupersetNotFound(SupersetError):
    """404: the object or endpoint does not exist."""


class SupersetValidationError(SupersetError):
    """400/409/422: Superset rejected the payload (the message says which field and why)."""


class SupersetServerError(SupersetError):
    """5xx after retries, no connection, or the local server would not start."""


def superset_message(response: requests.Response) -> str:
    """Superset's own explanation from an error response (`message`, `errors`, or the text)."""
    try:
        body: Any = response.json()
    except ValueError:
        return (response.text or response.reason or "").strip()[:500]
    if isinstance(body, dict):
        for key in ("message", "msg", "error", "errors"):
            if body.get(key):
                value = body[key]
                if isinstance(value, list):
                    return "; ".join(
                        str(item.get("message", item)) if isinstance(item, dict) else str(item)
                        for item in value
                    )
                return value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return json.dumps(body)[:500]


def error_for(response: requests.Response) -> SupersetError:
    """Map a non-2xx response to the matching typed error."""
    status = response.status_code
    kind: type[SupersetError]
    if status in (401, 403):
        kind = SupersetAuthError
    elif status == 404:
        kind = SupersetNotFound
    elif status >= 500:
        kind = SupersetServerError
    else:
        kind = SupersetValidationError
    return kind(
        superset_message(response),
        status=status,
        method=(response.request.method or "") if response.request is not None else "",
        url=response.url,
    )
