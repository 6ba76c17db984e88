"""Production mode (DJANGO_DEBUG off) is safe by default; the embedded mode needs no configuration."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run(args, cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


def test_production_mode_web_server_refuses_to_start_without_a_secret_key():
    result = run(sys.executable, "-c", "import campaign.wsgi", DJANGO_DEBUG="0")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_mode_worker_refuses_to_start_without_a_secret_key(tmp_path):
    celery = str(Path(sys.executable).parent / "celery")
    result = run(
        celery, "-A", "campaign", "worker", "--pool", "solo", "--loglevel", "WARNING",
        DJANGO_DEBUG="0", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", REDIS_URL="",
    )  # fmt: skip

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_mode_admin_commands_need_no_secret_key(tmp_path):
    env = {"DJANGO_DEBUG": "0", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    steps = [
        manage("migrate", "--noinput", **env),
        manage("setup_moderators", **env),
        manage(
            "createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.org",
            DJANGO_SUPERUSER_PASSWORD="a long admin passphrase 2026", **env,
        ),
    ]  # fmt: skip

    for result in steps:
        assert result.returncode == 0, result.stderr
    assert "Superuser created successfully." in steps[-1].stdout


def test_production_settings_pass_the_deployment_checklist():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x7#kq!a9-production-like-secret-key-of-fifty-characters-or-more-2026",
        DJANGO_ALLOWED_HOSTS="campaign.example",
        EMAIL_URL="smtp://mail.campaign.example:587",
        DJANGO_SETTINGS_MODULE="campaign.settings",
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_turn_on_hsts_secure_cookies_csp_and_a_body_limit():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " 'unsafe-inline' in str(s.SECURE_CSP), bool(s.SECURE_CSP.get('script-src')),"
        " s.DATA_UPLOAD_MAX_MEMORY_SIZE)"
    )
    result = manage(
        "shell",
        "-c",
        code,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k" * 60,
        DJANGO_SETTINGS_MODULE="campaign.settings",
    )

    assert result.returncode == 0, result.stderr
    hsts, session_secure, csrf_secure, unsafe_inline, has_script_src, body_limit = result.stdout.split("\n")[
        -2
    ].split()
    assert int(hsts) >= 31536000
    assert session_secure == csrf_secure == "True"
    assert unsafe_inline == "False"
    assert has_script_src == "True"
    assert 0 < int(body_limit) <= 1024 * 1024
