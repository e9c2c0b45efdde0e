"""The one exception family of activate_dash: every error meant for a person derives from it."""

from __future__ import annotations


class ActivateError(Exception):
    """An error whose message is written for the person using the tool."""


class DatasetError(ActivateError):
    """A dataset spec or file that cannot be loaded (the message names the file and the problem)."""


class ProjectionError(ActivateError):
    """A projection method or parameter that is unknown or cannot be computed."""


class SelectionError(ActivateError):
    """A selection request that cannot be met (unknown scheme, bad arguments)."""


class TrainingError(ActivateError):
    """A training request that cannot be met (unknown scheme or classifier, no labels)."""


class StoreError(ActivateError):
    """The project store cannot do what was asked."""


class UnknownProjectError(StoreError):
    """No project with that id exists in the store."""


class InvalidLabelError(StoreError):
    """A label outside the classes, a confidence outside [0, 1] or a sample outside the pool."""
