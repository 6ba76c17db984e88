"""Share images (Open Graph / Twitter cards), drawn with Pillow and kept in the cache.

A statement's image shows its campaign, title and total. The total is rounded down to a "bucket"
(two significant figures: 3,526 shows as "3,500+"), and the cache key holds the bucket, the title
and the language: the image is drawn again only when the bucket changes or the text is edited, not
on every signature. If the cache is unreachable the image is simply drawn for that request.
"""

import hashlib
import io
import logging
import textwrap

from django.core.cache import cache
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageDraw, ImageFont

from petitions.models import Campaign, Statement

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
BACKGROUND = (179, 0, 27)  # the site's red (#b3001b)
INK = (255, 255, 255)
SOFT = (255, 214, 220)
CACHE_SECONDS = 7 * 24 * 3600


def bucket(count: int) -> int:
    """The total rounded down to two significant figures; exact below 100."""
    if count < 100:
        return max(0, count)
    step = 10 ** (len(str(count)) - 2)
    return count // step * step


def _font(size: int) -> ImageFont.FreeTypeFont:
    # Pillow's bundled scalable font: no system fonts needed in the image or on CI.
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = textwrap.shorten(lines[-1] + " …", width=max(10, len(lines[-1])), placeholder=" …")
    return lines


def draw_card(kicker: str, title: str, figure: str, footer: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = 72
    draw.text((margin, 60), kicker, font=_font(36), fill=SOFT)
    title_font = _font(64)
    y = 130
    for line in _wrap(draw, title, title_font, WIDTH - 2 * margin, 4):
        draw.text((margin, y), line, font=title_font, fill=INK)
        y += 78
    if figure:
        draw.text((margin, HEIGHT - 170), figure, font=_font(58), fill=INK)
    draw.rectangle((0, HEIGHT - 16, WIDTH, HEIGHT), fill=INK)
    draw.text((margin, HEIGHT - 80), footer, font=_font(30), fill=SOFT)
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
    """The statement's share image and its cache key (which doubles as its ETag)."""
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
