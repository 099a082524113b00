"""Exceptions that say who must act: the user (bad input, missing setting) or nobody (a bug).

The CLI prints a `CaregovError` as one sentence on stderr, with no traceback, because it is the
user's to fix; anything else is an internal error (exit 1) and keeps its traceback for the logs.
"""

from __future__ import annotations


class CaregovError(Exception):
    """A problem the user can fix; the message is one clear sentence naming what and where."""

    exit_code = 2


class SettingsError(CaregovError):
    """A required setting (usually a secret) is missing or malformed."""


class TransientError(Exception):
    """A failure worth retrying as is (a lock held by another process, a server still starting)."""
