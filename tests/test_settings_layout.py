"""campaign/settings.py reads in one order: each setting is made once, never patched further down."""

import re
from collections import Counter
from pathlib import Path

SOURCE = (Path(__file__).resolve().parent.parent / "campaign" / "settings.py").read_text()


def test_lists_and_the_beat_schedule_are_written_once_not_patched():
    patches = re.findall(
        r"^\s*(?:(?:INSTALLED_APPS|MIDDLEWARE)\s*\+=|(?:INSTALLED_APPS|MIDDLEWARE)\.(?:append|insert|extend)\("
        r"|CELERY_BEAT_SCHEDULE\[|CELERY_BROKER_TRANSPORT_OPTIONS\[|CACHES\[)",
        SOURCE,
        re.M,
    )

    assert patches == []


def test_each_environment_variable_is_read_once():
    reads = Counter(re.findall(r"\benv\.\w+\(\s*\"([A-Z][A-Z0-9_]*)\"", SOURCE))

    assert [name for name, count in reads.items() if count > 1] == []


def test_the_beat_schedule_comes_last():
    sections = re.findall(r"^# --- (.+?) -+$", SOURCE, re.M)

    assert sections[-1].startswith("Periodic tasks")
    assert SOURCE.index("CELERY_BEAT_SCHEDULE = {") > SOURCE.index(f"# --- {sections[-1]}")
