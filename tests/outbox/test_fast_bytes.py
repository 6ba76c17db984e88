"""The bytes of the common message made directly (outbox.headers.fast_bytes) carry what the email
library's path makes of the same message: the same headers, parts and content."""

import email
import email.policy
import re

import pytest
from django.core.mail import EmailMultiAlternatives

from outbox import headers

MESSAGE_ID = "<0d6f3a1c-1111-2222-3333-444455556666@campaign.example.org>"
LONG_LINK = (
    "https://campaign.example.org/c/peru/confirm/" + "eyJzIjoxMjMsImUiOiJhbmFAZXhhbXBsZS5vcmci" * 2 + "/"
)
TEXTS = {
    "short ascii": "Hello Ana,\n\nThanks for signing.\n",
    "long line": f"Hello Ana,\n\nConfirm: {LONG_LINK}\n\nThanks “Ana”.\n",
    "short non-ascii": "Hola Ñandú,\ngracias por firmar.\n",
    "mostly non-ascii": "Ж" * 300 + "\n" + "ж" * 120,
    "dots and spaces": ".\n.leading dot\nFrom here\ntrailing space   \n\ttab\n" + "x" * 90,
    "line breaks of every kind": "a\r\nb\rc\nd" + "é" * 80,
    "eleven lines then long": "line\n" * 11 + "é" * 90,
    "a lone CR/LF-looking text": "=0D=0A not a break =\n" + "=" * 100,
}
SUBJECTS = [
    "Confirm your signature",
    "Confirma tu firma: Solidaridad con el Perú — ahora, es urgente, de verdad, gracias de todo corazón",
]


def message(text, html=None, subject=SUBJECTS[0], **kwargs):
    headers_ = {
        "Message-ID": MESSAGE_ID,
        "Auto-Submitted": "auto-generated",
        **headers.unsubscribe_headers("https://campaign.example.org/unsubscribe/abc/"),
    }
    headers_.update(kwargs.pop("headers", {}))
    result = EmailMultiAlternatives(
        subject,
        text,
        kwargs.pop("from_email", "Campaña solidaria <no-reply@mail.example.org>"),
        kwargs.pop("to", ["ana@example.org"]),
        headers=headers_,
        **kwargs,
    )
    if html is not None:
        result.attach_alternative(html, "text/html")
    return result


def library_bytes(email_message) -> bytes:
    built = headers.complete(email_message.message(policy=headers.POLICY), email_message.extra_headers)
    return headers.as_bytes(built, message_id=built["Message-ID"])


def read(raw: bytes):
    """Every header but Date (the clock moves between the two), each part's headers, the decoded content."""
    parsed = email.message_from_bytes(raw, policy=email.policy.default)

    def part(p):
        names = [(name, str(value)) for name, value in p.items() if name not in ("Date", "MIME-Version")]
        if p.is_multipart():
            return names, [part(sub) for sub in p.iter_parts()]
        return names, p.get_content()

    assert parsed["Date"] is not None
    return part(parsed)


@pytest.mark.parametrize("subject", SUBJECTS, ids=["ascii subject", "long spanish subject"])
@pytest.mark.parametrize("html", [None, "<p>Gracias “Ana”</p>" * 20], ids=["text only", "text and html"])
@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_it_makes_the_same_message_as_the_library(text, html, subject):
    email_message = message(text, html, subject)

    fast = headers.fast_bytes(email_message)

    assert fast is not None
    assert read(fast) == read(library_bytes(email_message))
    # The transfer encodings are the library's choices too.
    encodings = re.compile(rb"Content-Transfer-Encoding: (\S+)")
    assert encodings.findall(fast) == encodings.findall(library_bytes(email_message))
    assert all(len(line) <= 998 for line in fast.split(b"\r\n"))
    assert b"\n" not in fast.replace(b"\r\n", b"")


def test_short_lines_give_the_same_bytes_as_the_library():
    email_message = message(TEXTS["short non-ascii"], "<p>Hola</p>", SUBJECTS[1])
    without_date = re.compile(rb"Date: [^\r]*")

    library = library_bytes(email_message)
    # The library also repeats MIME-Version in the HTML part; RFC 2045 asks for it at the top only.
    head, _, parts = library.partition(b"\r\n\r\n")
    library = head + b"\r\n\r\n" + parts.replace(b"MIME-Version: 1.0\r\n", b"")

    fast = headers.fast_bytes(email_message)

    assert without_date.sub(b"", fast) == without_date.sub(b"", library)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cc": ["ben@example.org"]},
        {"reply_to": ["team@example.org"]},
        {"to": ["ana@example.org", "ben@example.org"]},
        {"to": ["ana@exámple.org"]},  # the library IDNA-encodes the domain
        {"from_email": "Campaña <no-reply@campaña.example>"},
        {"headers": {"Date": "Tue, 01 Dec 2026 05:00:00 +0000"}},
        {"headers": {"Content-Language": "es"}},
    ],
)
def test_anything_else_takes_the_librarys_path(kwargs):
    assert headers.fast_bytes(message("Hola\n", **kwargs)) is None


def test_attachments_and_an_empty_body_take_the_librarys_path():
    with_file = message("Hola\n")
    with_file.attach("plan.txt", "the plan", "text/plain")
    assert headers.fast_bytes(with_file) is None
    assert headers.fast_bytes(message("", "<p>only html</p>")) is None


def test_a_line_break_in_a_header_is_refused_as_the_library_refuses_it():
    for email_message in (
        message("Hola\n", subject="Hi\r\nBcc: everyone@example.org"),
        message("Hola\n", headers={"X-Campaign": "a\nBcc: everyone@example.org"}),
    ):
        with pytest.raises(ValueError):
            library_bytes(email_message)
        with pytest.raises(ValueError):
            headers.fast_bytes(email_message)


def test_the_backends_bytes_are_fast_bytes_where_it_can_and_the_librarys_elsewhere():
    without_date = re.compile(rb"Date: [^\r]*")
    common = message(TEXTS["long line"], "<p>Hola</p>")
    with_file = message("Hola\n")
    with_file.attach("plan.txt", "the plan", "text/plain")

    assert without_date.sub(b"", headers.message_bytes(common)) == without_date.sub(
        b"", headers.fast_bytes(common)
    )
    sent = email.message_from_bytes(headers.message_bytes(with_file), policy=email.policy.default)
    assert [part.get_filename() for part in sent.iter_attachments()] == ["plan.txt"]
    assert sent["Message-ID"] == MESSAGE_ID and sent["Auto-Submitted"] == "auto-generated"
