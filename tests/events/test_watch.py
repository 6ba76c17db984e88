"""Livestream and recording links: a player where the provider allows it (and the page's CSP allows
exactly that player), a link otherwise; the campaign page says "Watch" once there is a recording."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.models import Event
from events.video import video

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "player"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=5",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        (
            "https://www.youtube.com/live/dQw4w9WgXcQ?si=x",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        (
            "https://peertube.example.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",
            "https://peertube.example.org/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d",
        ),
        ("https://tv.example.org/our-rally", ""),
        ("https://www.youtube.com/watch?v=<script>", ""),
    ],
)
def test_it_finds_the_player_for_a_video_address(url, player):
    assert video(url).embed_url == player


def test_it_refuses_anything_but_https(event):
    for url in ("http://youtu.be/dQw4w9WgXcQ", "javascript:alert(1)"):
        event.recording_url = url
        with pytest.raises(ValidationError):
            event.full_clean()
        assert video(url) is None


def test_the_event_page_embeds_the_recording_and_allows_only_its_player(client, event):
    event.recording_url = "https://vimeo.com/76979871"
    event.save()

    response = client.get("/c/peru/events/rally/")

    html = response.content.decode()
    assert '<iframe src="https://player.vimeo.com/video/76979871"' in html
    assert "Watch the recording" in html
    # A player cannot take over the page it sits in (no top navigation, no forms).
    assert 'sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"' in html
    policy = response["Content-Security-Policy"]
    assert "frame-src https://player.vimeo.com" in policy
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy


def test_the_event_page_links_a_livestream_it_cannot_embed_and_frames_nothing(client, event):
    event.livestream_url = "https://tv.example.org/our-rally"
    event.save()

    response = client.get("/es/c/peru/events/rally/")

    html = response.content.decode()
    assert "Ver en directo" in html and 'href="https://tv.example.org/our-rally"' in html
    assert "<iframe" not in html
    assert "frame-src" not in response["Content-Security-Policy"]


def test_a_past_event_shows_no_livestream(client, event):
    event.livestream_url = "https://youtu.be/dQw4w9WgXcQ"
    event.starts_at = timezone.now() - timezone.timedelta(days=2)
    event.ends_at = event.starts_at + timezone.timedelta(hours=1)
    event.save()

    assert "Watch live" not in client.get("/c/peru/events/rally/").content.decode()


def test_the_campaign_page_says_watch_once_there_is_a_recording(client, event, statement):
    assert "Watch “" not in client.get("/c/peru/").content.decode()
    event.starts_at = timezone.now() - timezone.timedelta(days=2)
    event.ends_at = event.starts_at + timezone.timedelta(hours=1)
    event.recording_url = "https://youtu.be/dQw4w9WgXcQ"
    event.save()

    english = client.get("/c/peru/").content.decode()
    spanish = client.get("/es/c/peru/").content.decode()

    assert f"Watch “{event.title}”" in english and 'href="/c/peru/events/rally/#watch"' in english
    assert "Ver «" in spanish and 'href="/es/c/peru/events/rally/#watch"' in spanish


def test_a_cancelled_event_is_not_offered_to_watch(client, event, statement):
    event.recording_url = "https://youtu.be/dQw4w9WgXcQ"
    event.status = Event.Status.CANCELLED
    event.save()

    assert "Watch “" not in client.get("/c/peru/").content.decode()
