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
_keep_last_sent: set[str] = set()


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


def keep_last_sent(kind: str) -> None:
    """The retention purge keeps the latest sent message of this kind for each ref (with no address
    once its person is forgotten): for an app that asks later whether a mail about it ever went."""
    _keep_last_sent.add(kind)


def kept_kinds() -> frozenset[str]:
    return frozenset(_keep_last_sent)


def get(kind: str) -> Callable:
    try:
        return _builders[kind]
    except KeyError:
        raise UnknownKind(kind) from None


def kinds() -> list[str]:
    return sorted(_builders)
