"""The Lambda entry points of a stack's shared Provider framework: one onEvent and one isComplete function serve
every custom resource of the stack, whatever its kind, and hand each event to the kind its ``ResourceType`` names
(through :mod:`registry`). The drift-repair function finds its kind the same way (:func:`kind_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .engine.custom_resource import Kind
from .engine.declaration import DeclarationError
from .registry import KINDS


def kind_of(event: Mapping[str, Any], where: str) -> Kind[Any]:
    """The engine's kind for the event's ``ResourceType``; a clear error when it is not one of ours."""
    entry = KINDS.get(str(event.get("ResourceType")))
    if entry is None:
        known = ", ".join(sorted(KINDS))
        raise DeclarationError([f"ResourceType {event.get('ResourceType')!r} is not one of {known}"], where)
    kind: Kind[Any] = entry.load()
    return kind


def on_event(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """The shared onEvent handler: validates the declaration of whichever kind the event is for."""
    return kind_of(event, "onEvent").on_event(event, context)


def is_complete(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """The shared isComplete handler: one reconcile pass of whichever kind the event is for."""
    return kind_of(event, "isComplete").is_complete(event, context)
