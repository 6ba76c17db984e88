"""The canonical form of an address: one mailbox, one form."""

import pytest

from campaign.addresses import canonical_email


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("a.b+1@gmail.com", "ab@gmail.com"),
        ("ab+2@gmail.com", "ab@gmail.com"),
        ("AB@googlemail.com", "ab@gmail.com"),
        (" A.B@GMail.com ", "ab@gmail.com"),
        ("ana+news@outlook.com", "ana@outlook.com"),
        ("ana+x@icloud.com", "ana@icloud.com"),
        ("ana+x@proton.me", "ana@proton.me"),
    ],
)
def test_it_merges_spellings_of_one_mailbox(typed, canonical):
    assert canonical_email(typed) == canonical


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        # Dots matter outside Gmail, and a "+" may be a real part of a company's addresses.
        ("a.b@outlook.com", "a.b@outlook.com"),
        ("a.b+1@example.org", "a.b+1@example.org"),
        ("Ana@Example.ORG", "ana@example.org"),
    ],
)
def test_it_keeps_apart_what_may_be_two_people(typed, canonical):
    assert canonical_email(typed) == canonical


@pytest.mark.parametrize(
    ("odd", "canonical"),
    [("+@gmail.com", "+@gmail.com"), (".@gmail.com", ".@gmail.com"), ("no-at-sign", "no-at-sign"), ("", "")],
)
def test_it_never_empties_the_local_part_of_odd_input(odd, canonical):
    assert canonical_email(odd) == canonical
