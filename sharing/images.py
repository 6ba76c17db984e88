"""Share images (Open Graph / Twitter cards), drawn with Pillow and kept in the cache.

A statement's image shows its campaign, title and total. The total is rounded down to a "bucket"
(two significant figures: 3,526 shows as "3,500+"), and the cache key holds the bucket, the title
and the language: the image is drawn again only when the bucket changes or the text is edited, not
on every signature. If the cache is unreachable the image is simply drawn for that request.
"""

import functools
import hashlib
import io
import logging

from django.core.cache import cache
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fontpkg.pil import truetype
from PIL import Image, ImageDraw, ImageFont

from campaigns.models import Campaign
from petitions.models import Statement
from petitions.translations import localise

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
BACKGROUND = (179, 0, 27)  # the site's red (#b3001b)
INK = (255, 255, 255)
SOFT = (255, 214, 220)
CACHE_SECONDS = 7 * 24 * 3600
TITLE_LINES = 4


def bucket(count: int) -> int:
    """The total rounded down to two significant figures; exact below 100."""
    if count < 100:
        return max(0, count)
    step = 10 ** (len(str(count)) - 2)
    return count // step * step


FONT_FAMILY = "Noto Sans"  # the fontpkg-noto-sans package: full Latin, Greek and Cyrillic
ELLIPSIS = "…"


@functools.cache
def font(size: int, weight: int = 400) -> ImageFont.FreeTypeFont:
    # A font from a Python package, so cards look the same wherever pip installed the site
    # (Pillow's own font has no "ó", "ñ", "£" or "—": they came out as boxes).
    return truetype(FONT_FAMILY, size, weight=weight)


def _fit(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> str:
    """The longest start of text that fits with an ellipsis, cut after a word where one fits."""
    if draw.textlength(text, font=font) <= width:
        return text
    words = text.split()
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(",;:.–—-") + ELLIPSIS
        if draw.textlength(candidate, font=font) <= width:
            return candidate
    # One word longer than the line: cut it between letters.
    word = words[0] if words else ""
    while word and draw.textlength(word + ELLIPSIS, font=font) > width:
        word = word[:-1]
    return word + ELLIPSIS


def wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    """text in at most max_lines lines of at most width pixels; the last cut with "…" if it is long."""
    words, lines, line = text.split(), [], ""
    for index, word in enumerate(words):
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        if len(lines) == max_lines - 1:
            # The last line gets the rest, cut to fit.
            line = _fit(draw, " ".join(words[index:]), font, width)
            break
        line = _fit(draw, word, font, width)
    if line:
        lines.append(line)
    return lines[:max_lines]


def draw_card(kicker: str, title: str, figure: str, footer: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = 72
    text_width = WIDTH - 2 * margin
    kicker_font = font(36)
    draw.text((margin, 60), _fit(draw, kicker, kicker_font, text_width), font=kicker_font, fill=SOFT)
    title_font = font(54, 700)
    y = 125
    for line in wrap(draw, title, title_font, text_width, TITLE_LINES):
        draw.text((margin, y), line, font=title_font, fill=INK)
        y += 70
    if figure:
        figure_font = font(54, 700)
        draw.text(
            (margin, HEIGHT - 185), _fit(draw, figure, figure_font, text_width), font=figure_font, fill=INK
        )
    draw.rectangle((0, HEIGHT - 16, WIDTH, HEIGHT), fill=INK)
    footer_font = font(30)
    draw.text((margin, HEIGHT - 90), _fit(draw, footer, footer_font, text_width), font=footer_font, fill=SOFT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _signatures_text(count: int) -> str:
    shown = bucket(count)
    number = number_format(shown, force_grouping=True)
    if shown != count:
        return _("%(number)s+ signatures") % {"number": number}
    return ngettext("%(number)s signature", "%(number)s signatures", shown) % {"number": number}


def statement_key(statement: Statement) -> str:
    text = f"{statement.title}\n{statement.campaign.title}"
    digest = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
    language = translation.get_language() or "en"
    return f"share-image:statement:{statement.pk}:{language}:{bucket(statement.signature_count)}:{digest}"


def statement_image(statement: Statement) -> tuple[bytes, str]:
    """The statement's share image in the active language and its cache key (also its ETag)."""
    statement = localise(statement)
    key = statement_key(statement)
    return _cached(
        key,
        lambda: draw_card(
            statement.campaign.title,
            statement.title,
            _signatures_text(statement.signature_count),
            _("Sign the statement"),
        ),
    ), key


def campaign_image(campaign: Campaign, figure: str = "") -> tuple[bytes, str]:
    text = f"{campaign.title}\n{figure}"
    digest = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
    key = f"share-image:campaign:{campaign.pk}:{translation.get_language() or 'en'}:{digest}"
    return _cached(
        key, lambda: draw_card(_("Solidarity"), campaign.title, figure, _("Sign, share, donate"))
    ), key


def _cached(key: str, draw) -> bytes:
    try:
        png = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is an optimisation
        log.warning("cache unreachable; drawing the share image", exc_info=True)
        return draw()
    if png is None:
        png = draw()
        try:
            cache.set(key, png, CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            log.warning("cache unreachable; the share image was not kept", exc_info=True)
    return png


def etag(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
