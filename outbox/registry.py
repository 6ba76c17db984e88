"""Builders: each app says, in its emails.py, how to make the message for each of its kinds.

    @outbox.registry.builder("petitions.confirm")
    def build(message) -> outbox.Email | None: ...

A builder reloads what it needs from `message.ref` / `message.context` and returns None when there
is nothing to send any more (a withdrawn signature, a past event): the row is then dropped.

An app that keeps its own record of what went out (updates count their deliveries) registers
`@outbox.registry.on_sent("<app>.<kind>")`: it runs in the commit that marks the row sent.
"""

from collections.abc import Callable

_builders: dict[str, Callable] = {}
_on_sent: dict[str, Callable] = {}
_on_dropped: dict[str, Callable] = {}


class UnknownKind(LookupError):
    pass


def builder(kind: str):
    def register(function: Callable) -> Callable:
        if _builders.get(kind, function) is not function:
            raise ValueError(f"two builders for outbox kind {kind!r}")
        _builders[kind] = function
        return function

    return register


def on_sent(kind: str):
    def register(function: Callable) -> Callable:
        _on_sent[kind] = function
        return function

    return register


def sent_hook(kind: str) -> Callable | None:
    return _on_sent.get(kind)


def on_dropped(kind: str):
    """Runs when a row of this kind is dropped (its builder said nothing, the address is suppressed)."""

    def register(function: Callable) -> Callable:
        _on_dropped[kind] = function
        return function

    return register


def dropped_hook(kind: str) -> Callable | None:
    return _on_dropped.get(kind)


def get(kind: str) -> Callable:
    try:
        return _builders[kind]
    except KeyError:
        raise UnknownKind(kind) from None


def kinds() -> list[str]:
    return sorted(_builders)
