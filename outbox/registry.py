"""Builders: each app says, in its emails.py, how to make the message for each of its kinds.

    @outbox.registry.builder("petitions.confirm")
    def build(message) -> outbox.Email | None: ...

A builder reloads what it needs from `message.ref` / `message.context` and returns None when there
is nothing to send any more (a withdrawn signature, a past event): the row is then dropped.

An app that keeps its own record of what went out (updates count their deliveries) registers
`@outbox.registry.on_sent("<app>.<kind>")`: it runs in the commit that marks the row sent.

A kind sent in large numbers (signature confirmations) may also register a prefetch hook, which
loads what a whole claimed batch of its messages needs in a few queries rather than a few per
message:

    @outbox.registry.prefetch("petitions.signature")
    def load(messages) -> dict[str, object]: ...   # {message.ref: what its builder needs}

and the builder then reads it with `outbox.registry.prefetched(message, load_one)`, which falls
back to `load_one(message)` when the message is built on its own (a test, a retry).
"""

import logging
from collections.abc import Callable

from django.db import DatabaseError

log = logging.getLogger(__name__)

_builders: dict[str, Callable] = {}
_on_sent: dict[str, Callable] = {}
_on_dropped: dict[str, Callable] = {}
_keep_last_sent: set[str] = set()
_prefetch: dict[str, Callable] = {}
# What prefetch() found for a message: set on the row by the sender, read by prefetched().
_PREFETCHED = "_outbox_prefetched"


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


def prefetch(kind: str):
    """Registers the function that loads, for a batch of this kind's messages, {ref: object}."""

    def register(function: Callable) -> Callable:
        _prefetch[kind] = function
        return function

    return register


def prefetch_batch(messages) -> None:
    """Run the prefetch hook of each kind present in a claimed batch, once for all its messages.

    A message whose ref the hook did not return gets None (its object is gone); a failing hook
    leaves its messages to load one by one.
    """
    by_kind: dict[str, list] = {}
    for message in messages:
        if message.kind in _prefetch:
            by_kind.setdefault(message.kind, []).append(message)
    for kind, group in by_kind.items():
        try:
            found = _prefetch[kind](group)
        except DatabaseError:
            raise
        except Exception:  # a hook's bug costs queries, not the batch
            log.exception("outbox: prefetching %s messages failed; loading them one by one", kind)
            continue
        for message in group:
            setattr(message, _PREFETCHED, found.get(message.ref))


def prefetched(message, load_one: Callable):
    """What the kind's prefetch hook loaded for this message, else `load_one(message)`."""
    try:
        return getattr(message, _PREFETCHED)
    except AttributeError:
        return load_one(message)


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
