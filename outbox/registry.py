"""Builders: each app says, in its emails.py, how to make the message for each of its kinds.

    @outbox.registry.builder("petitions.confirm")
    def build(message) -> outbox.Email | None: ...

A builder reloads what it needs from `message.ref` / `message.context` and returns None when there
is nothing to send any more (a withdrawn signature, a past event): the row is then dropped.
"""

from collections.abc import Callable

_builders: dict[str, Callable] = {}


class UnknownKind(LookupError):
    pass


def builder(kind: str):
    def register(function: Callable) -> Callable:
        if _builders.get(kind, function) is not function:
            raise ValueError(f"two builders for outbox kind {kind!r}")
        _builders[kind] = function
        return function

    return register


def get(kind: str) -> Callable:
    try:
        return _builders[kind]
    except KeyError:
        raise UnknownKind(kind) from None


def kinds() -> list[str]:
    return sorted(_builders)
