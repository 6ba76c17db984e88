"""Headers written the way mail providers read them, and the bytes that go over SMTP.

`fast_bytes` writes the common message (text, HTML, one recipient) straight to bytes; everything
else goes through the email library with `POLICY`. Both give the same headers, parts and content
(tests/outbox/test_fast_bytes.py compares them).

Providers read `List-Unsubscribe` without decoding it: Python's email library would turn a value
longer than 78 characters with no space to fold at (a URL) into RFC 2047 encoded words, and Gmail
and Outlook then show no unsubscribe button. `POLICY` writes that header as it is, folded only after
the comma between two URIs (RFC 2369). Every other header keeps the library's folding.
"""

import binascii
import datetime
import email.generator
import email.headerregistry
import email.message
import email.policy
import email.utils
import functools
import io
import ipaddress
import re
import uuid
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

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


# --- The bytes of the common message, without building it first -----------------------------------

# A bare address of the common form (a dot-atom local part, an ASCII domain of plain labels): the
# library writes it as it is, and Django's prep_address returns it as it is.
PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)

# The headers Django writes from the message's own fields; a message that sets one of them (or
# MIME headers) in its extra headers takes the library's path.
_OWN_HEADERS = {"from", "to", "cc", "reply-to", "bcc", "subject", "date", "mime-version"}
_MAX_LINE = POLICY.max_line_length  # 78


def _line(name: str, value: str) -> bytes:
    """One header as the library's generator writes it with POLICY."""
    if (
        value.isascii()
        and value.isprintable()
        and len(name) + 2 + len(value) <= _MAX_LINE
        and name.lower() not in _VERBATIM
    ):
        return f"{name}: {value}\r\n".encode("ascii")
    return POLICY.fold_binary(*POLICY.header_store_parse(name, value))


def _text_part(text: str, subtype: str) -> tuple[bytes, bytes]:
    """A text part's headers and body, encoded as email.contentmanager does for POLICY: 7bit or 8bit
    when every line is short, else quoted-printable or base64, whichever makes the first ten lines
    shorter. Here both are made by binascii, in C (the library encodes quoted-printable in Python
    and wraps its lines at 78 characters where binascii does at 76: the same content)."""
    lines = text.encode("utf-8", "surrogateescape").splitlines()
    body = b"\r\n".join(lines) + b"\r\n"
    if max(map(len, lines), default=0) <= _MAX_LINE:
        cte = "7bit" if body.isascii() else "8bit"
    else:
        sniff = b"\r\n".join(lines[:10]) + b"\r\n"
        if len(binascii.b2a_qp(sniff, istext=True)) > len(binascii.b2a_base64(sniff)):
            cte = "base64"
            encoded = binascii.b2a_base64(body, newline=False)
            body = b"\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76)) + b"\r\n"
        else:
            cte = "quoted-printable"
            body = binascii.b2a_qp(body, istext=True)
    head = f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: {cte}\r\n'
    return head.encode("ascii"), body


def fast_bytes(email_message) -> bytes | None:
    """What `as_bytes(complete(email_message.message(policy=POLICY)))` sends, made directly, for
    the message every outbox kind but event invitations sends: a plain-text body, perhaps an HTML
    alternative, one plain recipient, its Message-ID set. Building the library's message objects
    and writing them out took 0.53 ms a message, 40 % of a sender's CPU under `make bench`; this
    takes 0.09 ms. Anything else returns None: the library's path."""
    alternatives = getattr(email_message, "alternatives", ())
    extra = email_message.extra_headers
    if (
        email_message.attachments
        or email_message.cc
        or email_message.reply_to
        or email_message.content_subtype != "plain"
        or (email_message.encoding or settings.DEFAULT_CHARSET).lower() not in ("utf-8", "utf8")
        or len(email_message.to) != 1
        or type(email_message.to[0]) is not str
        or not PLAIN_ADDRESS.fullmatch(email_message.to[0])
        or len(alternatives) > 1
        or (
            alternatives
            and (alternatives[0].mimetype != "text/html" or type(alternatives[0].content) is not str)
        )
        or type(email_message.body) is not str
        or not email_message.body  # Django leaves the text part out then
        or type(email_message.subject) is not str
        or any(type(value) is not str for value in extra.values())
    ):
        return None
    names = {name.lower(): name for name in extra}
    if (
        "message-id" not in names
        or names.keys() & _OWN_HEADERS
        or any(n.startswith("content-") for n in names)
    ):
        return None
    from_name, from_value = POLICY.header_store_parse("From", email_message.from_email)
    if any(not address.domain.isascii() for address in from_value.addresses):
        return None  # the library IDNA-encodes such a domain
    message_id = extra[names["message-id"]]
    if "\r" in message_id or "\n" in message_id:
        return None

    parts = [_text_part(email_message.body, "plain")]
    if alternatives:
        parts.append(_text_part(alternatives[0].content, "html"))
    out = [b"MIME-Version: 1.0\r\n"]
    if len(parts) == 1:
        out.append(parts[0][0])
    else:
        key = _boundary_key(message_id)
        boundary = f"{'=' * 15}{key}.1=="
        if not key or any(f"--{boundary}".encode() in body for _, body in parts):
            return None
        out.append(f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"\r\n'.encode())
    out.append(_line("Subject", email_message.subject))
    out.append(POLICY.fold_binary(from_name, from_value))
    out.append(_line("To", email_message.to[0]))
    now = datetime.datetime.now(
        timezone.get_current_timezone() if settings.EMAIL_USE_LOCALTIME else datetime.UTC
    )
    out.append(_line("Date", email.utils.format_datetime(now)))
    for name, value in extra.items():
        out.append(_line(name, value))
    if "auto-submitted" not in names:
        out.append(_line("Auto-Submitted", AUTO_SUBMITTED))
    if len(parts) == 1:
        out += [b"\r\n", parts[0][1]]
    else:
        # Each delimiter after the first starts with the line break before it (RFC 2046).
        out.append(b"\r\n")
        for index, (head, body) in enumerate(parts):
            out += [b"\r\n--" if index else b"--", boundary.encode(), b"\r\n", head, b"\r\n", body]
        out += [b"\r\n--", boundary.encode(), b"--\r\n"]
    return b"".join(out)


def message_bytes(email_message) -> bytes:
    """What goes over SMTP for a Django email: every mail the platform sends carries Auto-Submitted
    and a Message-ID on its domain (see complete), written by fast_bytes when it can."""
    raw = fast_bytes(email_message)
    if raw is None:
        message = complete(email_message.message(policy=POLICY), email_message.extra_headers)
        raw = as_bytes(message, message_id=message["Message-ID"] or "")
    return raw
