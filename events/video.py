"""Livestream and recording links: shown as a player where the provider allows embedding, else a link.

YouTube (played from youtube-nocookie.com, which sets no cookies until played), Vimeo and PeerTube
instances give an embeddable player for a video's address; any other https:// address is linked.
The page that shows a player allows exactly that player's origin in its Content-Security-Policy
(frame-src), and nothing else is loaded from the provider.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{6,64}$")
# PeerTube: /w/<short uuid>, /videos/watch/<uuid>, /videos/embed/<uuid> on any instance.
PEERTUBE_PATH = re.compile(r"^/(?:w|videos/watch|videos/embed)/([A-Za-z0-9-]{8,64})/?$")


def validate_video_url(url: str) -> None:
    if url and not url.lower().startswith("https://"):
        raise ValidationError(_("Use an https:// address."))


@dataclass(frozen=True)
class Video:
    url: str  # the address the organiser gave, for the link
    embed_url: str  # the player's address, or "" where only a link can be shown

    @property
    def origin(self) -> str:
        parts = urlsplit(self.embed_url)
        return f"{parts.scheme}://{parts.netloc}" if self.embed_url else ""


def _youtube_id(parts) -> str:
    if parts.hostname == "youtu.be":
        return parts.path.strip("/")
    if parts.path == "/watch":
        return parse_qs(parts.query).get("v", [""])[0]
    match = re.match(r"^/(?:live|embed|shorts)/([^/]+)/?$", parts.path)
    return match.group(1) if match else ""


def video(url: str) -> Video | None:
    """What to show for a livestream or recording address; None for none (or a non-https one)."""
    if not url or not url.lower().startswith("https://"):
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in YOUTUBE_HOSTS:
        video_id = _youtube_id(parts)
        if VIDEO_ID.match(video_id):
            return Video(url, f"https://www.youtube-nocookie.com/embed/{video_id}")
    elif host in VIMEO_HOSTS:
        match = re.match(r"^/(?:video/)?(\d{1,12})/?$", parts.path)
        if match:
            return Video(url, f"https://player.vimeo.com/video/{match.group(1)}")
    elif (match := PEERTUBE_PATH.match(parts.path)) and not parts.port:
        return Video(url, f"https://{host}/videos/embed/{match.group(1)}")
    return Video(url, "")


def frame_sources(*videos: Video | None) -> list[str]:
    return sorted({v.origin for v in videos if v is not None and v.origin})
