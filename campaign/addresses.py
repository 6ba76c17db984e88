"""One person, one address: the canonical form of an email address, for finding duplicates.

No maintained library does this without DNS look-ups on the signing path, so this is a small,
deliberately conservative function. The address as typed is kept beside it and is the one mailed.

- Everything is lower-cased and stripped (as every provider we know treats addresses).
- Gmail and Googlemail ignore dots in the local part and deliver ``name+anything`` to ``name``;
  ``googlemail.com`` is the same mailbox as ``gmail.com``.
- Providers that document ``+tag`` sub-addressing (below) deliver ``name+tag`` to ``name``.
- Elsewhere a ``+`` may be a real part of the address (some company servers): it is kept, so two
  different people are never merged.
"""

# Mailboxes where dots in the local part are ignored.
DOTS_IGNORED = frozenset({"gmail.com"})
# Domains that are another name for one provider's mailboxes.
SAME_MAILBOXES = {"googlemail.com": "gmail.com"}
# Providers that deliver "name+tag@" to "name@" (their help pages document it).
PLUS_TAGS = frozenset(
    {
        "gmail.com",
        # Microsoft
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.es",
        "outlook.es",
        "live.com",
        "live.co.uk",
        "msn.com",
        # Apple
        "icloud.com",
        "me.com",
        "mac.com",
        # Proton
        "proton.me",
        "protonmail.com",
        "protonmail.ch",
        "pm.me",
        # Fastmail
        "fastmail.com",
        "fastmail.fm",
        # Yandex
        "yandex.com",
        "yandex.ru",
        # Zoho
        "zoho.com",
        "zohomail.com",
        # GMX, web.de, mailbox.org, Posteo
        "gmx.com",
        "gmx.net",
        "gmx.de",
        "web.de",
        "mailbox.org",
        "posteo.de",
        "posteo.net",
    }
)


def canonical_email(email: str) -> str:
    """The form two spellings of one mailbox share: ``A.B+x@GoogleMail.com`` -> ``ab@gmail.com``."""
    address = email.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return address
    domain = domain.rstrip(".")
    domain = SAME_MAILBOXES.get(domain, domain)
    if domain in PLUS_TAGS:
        local = local.split("+", 1)[0] or local
    if domain in DOTS_IGNORED:
        local = local.replace(".", "") or local
    return f"{local}@{domain}"
