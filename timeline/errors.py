"""TimelineError and its few subclasses; str() of each is the message shown to the user."""

from __future__ import annotations


class TimelineError(Exception):
    """Base of every error timeline raises on purpose; the CLI maps it to an exit code."""

    exit_code = 2


class ConfigError(TimelineError):
    """A setting, option or path is wrong (exit 2)."""

    exit_code = 2


class InputRejected(TimelineError):
    """Some inputs were rejected after every good input was stored (exit 1)."""

    exit_code = 1

    def __init__(self, rejected: list[tuple[str, str]], summary: object = None):
        self.rejected = rejected
        self.summary = summary  # the ingest summary of what was stored, when there is one
        names = "; ".join(f"{name}: {reason}" for name, reason in rejected)
        super().__init__(f"{len(rejected)} input(s) rejected: {names}")


class ReportError(TimelineError):
    """A report folder, query, template or parameter is wrong; the message names the file."""

    exit_code = 2


class SchemaOutOfDate(TimelineError):
    """The database is behind (or ahead of) the code's migrations."""

    exit_code = 2


class ReadOnlyQuery(TimelineError):
    """`timeline sql` was asked to write."""

    exit_code = 2


class DatabaseBusy(TimelineError):
    """Another writer held the database past the busy timeout (SQLite); nothing of the write was stored (exit 2).

    `summary` is what an interrupted ingest stored before, when there is one.
    """

    exit_code = 2

    def __init__(self, message: str, summary: object = None):
        self.summary = summary
        super().__init__(message)
