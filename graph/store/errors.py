"""The errors of a store that lives elsewhere: refused, unreachable, too slow."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The store could not be opened or used (e.g. a server refused or garbled a request)."""


class StoreUnavailable(StoreError):
    """The external server could not be reached, or went away during a request."""


class StoreTimeout(StoreUnavailable):
    """The external server did not answer within the timeout."""
