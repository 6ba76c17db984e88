"""Headers written the way mail providers read them, and the bytes that go over SMTP.

Providers read `List-Unsubscribe` without decoding it: Python's email library would turn a value
longer than 78 characters with no space to fold at (a URL) into RFC 2047 encoded words, and Gmail
and Outlook then show no unsubscribe button. `POLICY` writes that header as it is, folded only after
the comma between two URIs (RFC 2369). Every other header keeps the library's folding.
"""

import email.generator
import email.headerregistry
import email.message
import email.policy
import functools
import io
import ipaddress
import uuid
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings

ONE_CLICK = "List-Unsubscribe=One-Click"
AUTO_SUBMITTED = "auto-generated"
# Headers written verbatim (ASCII by construction: URIs in angle brackets).
_VERBATIM = {"list-unsubscribe", "list-unsubscribe-post"}


# Headers whose values repeat from message to message (the sender, a statement's subject, the MIME
# parts' types): parsed and folded once, not for every message. Bounded: cleared when full.
_REPEATING = {
    "from",
    "subject",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "auto-submitted",
    # The same for every message sent within a second.
    "date",
}
_parsed: dict[tuple[str, str], object] = {}
_folded: dict[tuple, str] = {}
_CACHE_SIZE = 512


def _repeats(name: str, value) -> bool:
    return (
        type(value) is str
        and name.lower() in _REPEATING
        # A multipart's Content-Type carries the message's own boundary.
        and "boundary=" not in value
    )


def _remember(cache: dict, key, value):
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = value
    return value


class _ProviderPolicy(email.policy.EmailPolicy):
    def header_store_parse(self, name, value):
        if not _repeats(name, value):
            return super().header_store_parse(name, value)
        header = _parsed.get((name, value))
        if header is None:
            header = _remember(_parsed, (name, value), super().header_store_parse(name, value)[1])
        return (name, header)

    def _fold(self, name, value, refold_binary=False):
        if name.lower() not in _VERBATIM:
            if not _repeats(name, str(value)):
                return super()._fold(name, value, refold_binary)
            key = (name, str(value), type(value), refold_binary)
            key += (self.max_line_length, self.linesep, self.utf8)
            folded = _folded.get(key)
            if folded is None:
                folded = _remember(_folded, key, super()._fold(name, value, refold_binary))
            return folded
        text = " ".join(str(value).split())
        if not text.isascii():
            raise ValueError(f"{name} must be ASCII: {text!r}")
        # One URI per line: "<https://…>,\r\n <mailto:…>"; a single URI stays on one line.
        return name + ": " + ("," + self.linesep + " ").join(text.split(", ")) + self.linesep


class _HeaderClasses(email.headerregistry.HeaderRegistry):
    """The library's header classes, each made once: HeaderRegistry builds a new class for every
    header it sets or parses (about 30 per message), a sixth of the time a message takes to build."""

    def __init__(self):
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name):
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(key)
        return made


# The SMTP policy (CRLF line ends) with the unsubscribe headers written verbatim.
POLICY = _ProviderPolicy(linesep="\r\n", header_factory=_HeaderClasses())


class _Generator(email.generator.BytesGenerator):
    """The library's generator, with multipart boundaries made from a key (the Message-ID's, so
    an outbox row's) when one is given: the library draws a random one and compiles a regular
    expression for it on every message to check that no part contains it; a plain search does."""

    def __init__(self, outfp, *args, boundary_key: str = "", **kwargs):
        super().__init__(outfp, *args, **kwargs)
        self._boundaries = [boundary_key, 0]  # shared with the clones that write the parts

    def clone(self, fp):
        clone = super().clone(fp)
        clone._boundaries = self._boundaries
        return clone

    def _make_boundary(self, text=None):
        key, made = self._boundaries
        if not key:
            return super()._make_boundary(text)
        self._boundaries[1] = made = made + 1
        boundary = f"{'=' * 15}{key}.{made}=="
        delimiter = "--" + boundary
        if text is not None and (delimiter.encode() if isinstance(text, bytes) else delimiter) in text:
            return super()._make_boundary(text)
        return boundary


def _boundary_key(message_id: str) -> str:
    """`<4f1c…-…@example.org>` → `4f1c…`: the id's left part, letters and digits only."""
    left = message_id.strip().strip("<>").partition("@")[0]
    return "".join(c for c in left if c.isascii() and c.isalnum())[:40]


def as_bytes(message: email.message.Message, *, message_id: str = "") -> bytes:
    """The message as it goes over SMTP, its unsubscribe headers unencoded. Given the Message-ID,
    the multipart boundaries are made from it (the same message, the same bytes)."""
    if not message_id:
        return message.as_bytes(policy=POLICY)
    out = io.BytesIO()
    generator = _Generator(out, mangle_from_=False, policy=POLICY, boundary_key=_boundary_key(message_id))
    generator.flatten(message, unixfrom=False)
    return out.getvalue()


def _is_domain_name(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return "." in host
    return False


def mail_domain() -> str:
    """The domain Message-IDs are made on: SITE_URL's host, else the domain of DEFAULT_FROM_EMAIL.

    An IP address or a bare host name (`localhost`) is no domain a filter trusts, so the sender's
    domain is preferred then.
    """
    return _mail_domain(settings.SITE_URL, settings.DEFAULT_FROM_EMAIL)


@functools.lru_cache(maxsize=8)
def _mail_domain(site_url: str, from_email: str) -> str:
    site_host = urlsplit(site_url).hostname or ""
    if _is_domain_name(site_host):
        return site_host
    from_domain = parseaddr(from_email)[1].rpartition("@")[2].lower()
    if _is_domain_name(from_domain):
        return from_domain
    return site_host or from_domain or "localhost"


def make_message_id(key: str | uuid.UUID | None = None) -> str:
    """A Message-ID on the platform's domain; the same key (an outbox row's uuid) gives the same id."""
    return f"<{key or uuid.uuid4()}@{mail_domain()}>"


def message_id(message) -> str:
    """The Message-ID of an outbox row: the same on every attempt, so a resend is recognisably one message."""
    return make_message_id(message.uuid)


def list_unsubscribe(*uris: str) -> str:
    """`<https://…>, <mailto:…>`: each URI in angle brackets, as RFC 2369 asks."""
    for uri in uris:
        if not uri.isascii() or any(c in uri for c in "<>, \r\n\t"):
            raise ValueError(f"not a URI for List-Unsubscribe: {uri!r}")
    return ", ".join(f"<{uri}>" for uri in uris if uri)


def unsubscribe_headers(url: str) -> dict[str, str]:
    """One-click unsubscribe (RFC 8058): the https link and the header that says a POST suffices."""
    return {"List-Unsubscribe": list_unsubscribe(url), "List-Unsubscribe-Post": ONE_CLICK}


def message_headers(message, email) -> dict[str, str]:
    """Headers of an outbox row's mail: its stable Message-ID, Auto-Submitted, unsubscribe if any."""
    headers = {"Message-ID": message_id(message), "Auto-Submitted": AUTO_SUBMITTED}
    if email.unsubscribe_url:
        headers.update(unsubscribe_headers(email.unsubscribe_url))
    return headers


def complete(message: email.message.Message, extra_header_names=()) -> email.message.Message:
    """Give a message about to be sent what every mail of the platform carries.

    Every mail the platform sends is sent by itself (RFC 3834 `auto-generated`), so autoresponders
    stay quiet. A Message-ID the caller did not choose is remade on the platform's domain: Django
    makes it from the host's name (`localhost`, a container id), which filters hold against it.
    """
    names = {name.lower() for name in extra_header_names}
    if "message-id" not in names:
        del message["Message-ID"]
        message["Message-ID"] = make_message_id()
    if "auto-submitted" not in names and message["Auto-Submitted"] is None:
        message["Auto-Submitted"] = AUTO_SUBMITTED
    return message
