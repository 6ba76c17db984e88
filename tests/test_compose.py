"""docker-compose.yml and the Dockerfile agree with the code: commands, variables, wiring, health checks.

Docker itself is not needed: the files are parsed, and the settings, WSGI module and Celery app are
loaded in a subprocess with exactly the environment compose gives the containers.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.conftest import STRICT

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SETTINGS_SOURCE = (ROOT / "campaign" / "settings.py").read_text()

APP_SERVICES = ("web", "worker", "beat")
REQUIRED_ENV = {
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_DEBUG",
    "DJANGO_ALLOWED_HOSTS",
    "SITE_URL",
}

_INTERPOLATION = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}")


def interpolate(value) -> str:
    """Compose's `${NAME:-default}` as `docker compose up` resolves it with nothing set."""

    def default(match):
        assert match.group(2) is not None, f"{match.group(0)} has no default: compose would need it set"
        return match.group(2)

    text = _INTERPOLATION.sub(default, str(value))
    assert "$" not in text, f"unresolved interpolation in {value!r}"
    return text


def environment(service: str) -> dict[str, str]:
    env = SERVICES[service].get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {name: interpolate(value) for name, value in env.items()}


def command(service: str) -> list[str]:
    cmd = SERVICES[service]["command"]
    return shlex.split(cmd) if isinstance(cmd, str) else [str(part) for part in cmd]


def option(cmd: list[str], name: str) -> str:
    """The value of `--name value` or `--name=value` in a command line."""
    for i, part in enumerate(cmd):
        if part == name:
            return cmd[i + 1]
        if part.startswith(name + "="):
            return part.split("=", 1)[1]
    raise AssertionError(f"{name} not in {cmd}")


def healthcheck(service: str) -> str:
    test = SERVICES[service]["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(test)


def settings_env_names() -> set[str]:
    """Every variable campaign/settings.py reads through django-environ: env.<type>("NAME", ...)."""
    return set(re.findall(r"\benv\.\w+\(\s*\"([A-Z][A-Z0-9_]*)\"", SETTINGS_SOURCE))


def published_ports(service: str) -> dict[int, int]:
    """{container port: host port} for the service's `ports` entries."""
    ports = {}
    for entry in SERVICES[service].get("ports", []):
        parts = str(entry).split("/")[0].split(":")
        ports[int(parts[-1])] = int(parts[-2]) if len(parts) > 1 else int(parts[-1])
    return ports


def migrate_services() -> list[str]:
    return [
        name
        for name, service in SERVICES.items()
        if "command" in service and command(name)[:3] == ["python", "manage.py", "migrate"]
    ]


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", text)
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), " ".join(rest.split())))
    return instructions


def test_it_defines_the_whole_stack():
    assert {"web", "worker", "beat", "postgres", "redis", "mailpit"} <= set(SERVICES)


def test_app_services_run_one_image_built_from_the_dockerfile():
    app = [*APP_SERVICES, *migrate_services()]
    for name in app:
        build = SERVICES[name]["build"]
        context = build if isinstance(build, str) else build.get("context", ".")
        assert context == ".", name
    assert len({SERVICES[name].get("image") for name in app}) == 1


def test_web_runs_gunicorn_on_the_projects_wsgi_module():
    cmd = command("web")

    assert cmd[0] == "gunicorn"
    module = cmd[1]
    assert module == "campaign.wsgi"
    wsgi_file = ROOT.joinpath(*module.split(".")).with_suffix(".py")
    assert wsgi_file.is_file()
    assert re.search(r"^application = get_wsgi_application\(\)", wsgi_file.read_text(), re.M)
    assert f'WSGI_APPLICATION = "{module}.application"' in SETTINGS_SOURCE
    assert option(cmd, "--bind") == "0.0.0.0:8000"
    assert option(cmd, "--workers") == "4"
    assert option(cmd, "--worker-class") == "sync"


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_worker_and_beat_run_the_campaign_celery_app(service):
    assert command(service)[:4] == ["celery", "-A", "campaign", service]
    assert "app = Celery(" in (ROOT / "campaign" / "celery.py").read_text()
    assert "from .celery import app as celery_app" in (ROOT / "campaign" / "__init__.py").read_text()


def test_beat_keeps_its_schedule_in_a_volume_the_app_user_can_write():
    schedule = Path(option(command("beat"), "--schedule"))
    mounts = [str(volume).split(":") for volume in SERVICES["beat"]["volumes"]]
    targets = {Path(mount[1]) for mount in mounts if mount[0] in COMPOSE["volumes"]}

    assert schedule.parent in targets
    # The image creates that directory for the non-root user; a fresh named volume copies its owner.
    runs = " ".join(rest for keyword, rest in dockerfile_instructions() if keyword == "RUN")
    relative = schedule.parent.relative_to("/app")
    assert f"chown app:app {relative}" in runs


def test_migrations_run_once_before_the_app_starts():
    (migrate,) = migrate_services()
    assert SERVICES[migrate]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert SERVICES[migrate]["restart"] == "no"
    for name in APP_SERVICES:
        assert SERVICES[name]["depends_on"][migrate]["condition"] == "service_completed_successfully"


def test_the_settings_read_the_variables_this_test_looks_for():
    assert REQUIRED_ENV | {"DJANGO_SECURE_SSL_REDIRECT"} <= settings_env_names()


@pytest.mark.parametrize("service", [*APP_SERVICES, "migrate"])
def test_app_services_get_only_variables_the_settings_read(service):
    assert set(environment(service)) <= settings_env_names()


@pytest.mark.parametrize("service", [*APP_SERVICES, "migrate"])
def test_app_services_get_every_required_variable(service):
    env = environment(service)

    assert REQUIRED_ENV <= set(env)
    assert all(env[name] for name in REQUIRED_ENV)
    assert env["DJANGO_DEBUG"] == "0"
    # Local http: production puts a TLS proxy in front and keeps the redirect on.
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "0"


def test_urls_point_at_the_compose_services():
    env = environment("web")
    postgres = environment("postgres")

    database = urlsplit(env["DATABASE_URL"])
    assert database.scheme in {"postgres", "postgresql"}
    assert (database.hostname, database.port) == ("postgres", 5432)
    assert database.username == postgres["POSTGRES_USER"]
    assert database.password == postgres["POSTGRES_PASSWORD"]
    assert database.path == "/" + postgres["POSTGRES_DB"]

    redis = urlsplit(env["REDIS_URL"])
    assert redis.scheme == "redis"
    assert (redis.hostname, redis.port) == ("redis", 6379)

    email = urlsplit(env["EMAIL_URL"])
    assert email.scheme == "smtp"
    assert (email.hostname, email.port) == ("mailpit", 1025)

    for host in (database.hostname, redis.hostname, email.hostname):
        assert host in SERVICES


def test_every_app_service_sees_the_same_services():
    envs = [environment(name) for name in [*APP_SERVICES, *migrate_services()]]
    assert all(env == envs[0] for env in envs)


def test_site_url_is_the_published_web_port_and_an_allowed_host():
    env = environment("web")
    site = urlsplit(env["SITE_URL"])
    allowed = env["DJANGO_ALLOWED_HOSTS"].split(",")

    assert published_ports("proxy")[80] == site.port
    assert "ports" not in SERVICES["web"]  # replicas would fight over a published port
    assert site.hostname in allowed
    # The health check calls the app from inside its container.
    health_host = urlsplit(re.search(r"http://[^'\" ]+", healthcheck("web")).group(0)).hostname
    assert health_host in allowed


def test_mailpit_shows_its_web_ui_and_accepts_smtp():
    assert SERVICES["mailpit"]["image"].split(":")[0] == "axllent/mailpit"
    assert 8025 in published_ports("mailpit")
    assert 1025 in published_ports("mailpit")


def test_images_are_postgres_16_and_redis_7():
    assert re.fullmatch(r"postgres:16\.\d+", SERVICES["postgres"]["image"])
    assert re.fullmatch(r"redis:7\.\d+\.\d+", SERVICES["redis"]["image"])


def test_every_image_is_pinned_to_a_version():
    images = {service.get("image") for service in SERVICES.values()} - {SERVICES["web"]["image"]}
    for image in images:
        name, _, tag = image.partition(":")
        assert re.search(r"\d+\.\d+", tag), f"{image} is not pinned to a version"


def test_every_long_running_service_has_a_health_check():
    for name, service in SERVICES.items():
        if service.get("restart") != "no":
            assert "test" in service.get("healthcheck", {}), name


@pytest.mark.parametrize(("service", "node"), [("worker", "celery"), ("sender", "sender")])
def test_a_workers_health_check_pings_its_own_node(service, node):
    assert f"inspect ping --destination {node}@$$HOSTNAME" in healthcheck(service)
    if node != "celery":
        assert option(command(service), "-n") == f"{node}@%h"


def test_beats_health_check_is_the_heartbeat():
    assert healthcheck("beat").split() == ["CMD", "python", "manage.py", "readyz", "beat"]


def test_one_proxy_spreads_requests_over_every_web_replica_and_caches_what_is_public():
    conf = (ROOT / "proxy" / "nginx.conf").read_text()
    mount = SERVICES["proxy"]["volumes"][0].split(":")
    directives = {line.split()[0]: line.strip() for line in conf.splitlines() if line.strip()[:1].isalpha()}

    assert re.fullmatch(r"nginx:\d+\.\d+\.\d+-alpine", SERVICES["proxy"]["image"])
    assert (ROOT / mount[0]).resolve() == ROOT / "proxy" / "nginx.conf"
    assert mount[1:] == ["/etc/nginx/conf.d/default.conf", "ro"]
    # Docker's DNS, asked again every 5 s, and a variable upstream: `--scale web=N` needs no reload.
    assert directives["resolver"] == "resolver 127.0.0.11 valid=5s ipv6=off;"
    assert directives["set"] == "set $web web:8000;"
    assert directives["proxy_pass"] == "proxy_pass http://$web;"
    assert "listen 80;" in conf
    assert re.search(r"location = /metrics \{\s*return 404;", conf)
    # The cache: keyed by Host and the whole URI, bypassed and never filled for an organiser.
    assert directives["proxy_cache_key"] == "proxy_cache_key $scheme://$http_host$request_uri;"
    assert directives["proxy_cache_bypass"] == directives["proxy_no_cache"].replace(
        "no_cache", "cache_bypass"
    )
    assert "$cookie_sessionid" in conf and "proxy_ignore_headers" not in conf  # Set-Cookie: never stored
    assert "proxy_cache_valid" not in conf  # only what the app's Cache-Control allows
    assert "add_header X-Cache-Status $upstream_cache_status always;" in conf
    assert "proxy_set_header X-Request-ID $request_id;" in conf
    assert SERVICES["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert environment("web")["TRUSTED_PROXY_COUNT"] == "1"
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf


def test_the_proxys_cookie_is_the_sites_session_cookie():
    from django.conf import settings

    conf = (ROOT / "proxy" / "nginx.conf").read_text()
    assert f"$cookie_{settings.SESSION_COOKIE_NAME}" in conf


def test_health_checks():
    assert "pg_isready" in healthcheck("postgres")
    assert f"-U {environment('postgres')['POSTGRES_USER']}" in healthcheck("postgres")
    assert "redis-cli ping" in healthcheck("redis")
    assert "http://127.0.0.1:8000/healthz" in healthcheck("web")
    assert "b'ok'" in healthcheck("web")
    assert "readyz" in healthcheck("mailpit")


def test_app_services_wait_for_healthy_services():
    for name in APP_SERVICES:
        depends = SERVICES[name]["depends_on"]
        for needed in ("postgres", "redis", "mailpit"):
            assert depends[needed]["condition"] == "service_healthy", (name, needed)


def test_every_service_waited_for_as_healthy_has_a_health_check():
    for service in SERVICES.values():
        for needed, condition in service.get("depends_on", {}).items():
            if condition["condition"] == "service_healthy":
                assert "test" in SERVICES[needed]["healthcheck"], needed


def test_healthz_answers_ok(rf):
    from django.urls import resolve

    match = resolve("/healthz")
    response = match.func(rf.get("/healthz"))

    assert response.status_code == 200
    assert response.content == b"ok"


def test_the_compose_environment_loads_the_settings_wsgi_and_celery_app():
    # Given exactly the environment a compose container gets (no test settings)
    env = {"PATH": os.environ["PATH"], **environment("worker")}
    probe = """
import json
from django.conf import settings
import campaign.wsgi
from celery.app.utils import find_app
app = find_app("campaign")
app.loader.import_default_modules()
db = settings.DATABASES["default"]
mailer = settings.MAILERS["default"]
print(json.dumps({
    "wsgi": callable(campaign.wsgi.application),
    "celery_main": app.main,
    "registered": sorted(app.tasks),
    "beat_tasks": sorted(entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()),
    "debug": settings.DEBUG,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "db": [db["ENGINE"], db["HOST"], db["PORT"], db["NAME"]],
    "email": [mailer["BACKEND"], mailer["OPTIONS"]["host"], mailer["OPTIONS"]["port"]],
    "site_url": settings.SITE_URL,
}))
"""
    # When the settings, the WSGI module and the Celery app are loaded in it
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    # Then they run in production mode against PostgreSQL, Redis, a real worker and SMTP
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["wsgi"] is True
    assert loaded["celery_main"] == "campaign"
    assert set(loaded["beat_tasks"]) <= set(loaded["registered"])
    assert "outbox.tasks.send_outbox" in loaded["registered"]
    assert loaded["debug"] is False
    assert loaded["ssl_redirect"] is False
    assert loaded["eager"] is False
    assert loaded["broker"] == "redis://redis:6379/0"
    assert loaded["cache"] == "campaign.cache.ResilientRedisCache"
    assert loaded["db"] == ["django.db.backends.postgresql", "postgres", 5432, "campaign"]
    assert loaded["email"] == ["outbox.backends.SMTPBackend", "mailpit", 1025]
    assert loaded["site_url"] == "http://localhost:8000"


def dockerfile_stages() -> dict[str, list[tuple[str, str]]]:
    """The Dockerfile's instructions by stage name (`FROM image AS name`), in order."""
    stages, current = {}, None
    for keyword, rest in dockerfile_instructions():
        if keyword == "FROM":
            current = rest.split(" AS ")[-1].strip() if " AS " in rest else rest
            stages[current] = []
        stages[current].append((keyword, rest))
    return stages


def test_the_image_is_built_in_two_stages_from_one_pinned_python():
    stages = dockerfile_stages()

    assert list(stages) == ["build", "runtime"]
    bases = {instructions[0][1].split(" AS ")[0] for instructions in stages.values()}
    assert len(bases) == 1
    assert re.fullmatch(r"python:3\.13\.\d+-slim-\w+", bases.pop())


def test_the_build_stage_installs_only_the_runtime_requirements_into_a_virtualenv():
    build = dockerfile_stages()["build"]
    runs = " ".join(rest for keyword, rest in build if keyword == "RUN")

    assert ("COPY", "requirements.txt /tmp/requirements.txt") in build
    assert "python -m venv /venv" in runs
    assert "/venv/bin/pip install -r /tmp/requirements.txt" in runs
    assert (ROOT / "requirements.txt").is_file()


def test_the_runtime_stage_copies_the_virtualenv_and_installs_nothing():
    runtime = dockerfile_stages()["runtime"]
    runs = " ".join(rest for keyword, rest in runtime if keyword == "RUN")

    assert ("COPY", "--from=build /venv /venv") in runtime
    assert "pip" not in runs
    assert any(keyword == "ENV" and "PATH=/venv/bin:$PATH" in rest for keyword, rest in runtime)


def test_the_runtime_stage_runs_as_a_non_root_user():
    runtime = dockerfile_stages()["runtime"]
    keywords = [keyword for keyword, _ in runtime]
    users = [rest for keyword, rest in runtime if keyword == "USER"]
    collect = next(rest for keyword, rest in runtime if keyword == "RUN" and "collectstatic" in rest)

    assert "DJANGO_DEBUG=0" in collect
    assert "DJANGO_SECRET_KEY=" in collect
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert users[-1].split(":")[0].isdigit()  # Kubernetes' runAsNonRoot can check a number only
    # The user is switched after everything that needs root, and before the process starts.
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k in {"RUN", "COPY"})


def test_the_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if not hadolint:
        message = "hadolint is not installed (requirements-dev.txt installs it)"
        if STRICT:
            pytest.fail(message)
        pytest.skip(message)

    result = subprocess.run(
        [hadolint, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_default_command_is_the_web_command():
    cmd = next(rest for keyword, rest in dockerfile_instructions() if keyword == "CMD")
    assert json.loads(cmd) == command("web")


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "var", ".env"} <= ignored
    # Tests, benchmarks and their tooling stay out too.
    assert {"requirements-dev.txt", "tests", "bench", "node_modules"} <= ignored


def test_readme_documents_every_variable_the_settings_read():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", readme, re.M))
    assert documented == settings_env_names()


def requirement_names(path: Path) -> set[str]:
    """Distribution names in a requirements file, normalised (PEP 503), without `-r` includes."""
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name = re.split(r"[\[=<>!~ ;]", line, maxsplit=1)[0]
            names.add(re.sub(r"[-_.]+", "-", name).lower())
    return names


TEST_TOOLS = {
    "pytest",
    "pytest-django",
    "factory-boy",
    "aiosmtpd",
    "playwright",
    "pyyaml",
    "hypothesis",
    "ruff",
}


def test_it_keeps_test_tools_out_of_the_runtime_requirements():
    runtime = requirement_names(ROOT / "requirements.txt")
    dev_file = ROOT / "requirements-dev.txt"

    assert not runtime & TEST_TOOLS
    assert TEST_TOOLS <= requirement_names(dev_file)
    assert "-r requirements.txt" in dev_file.read_text().splitlines()


def test_the_image_installs_only_the_runtime_requirements():
    text = " ".join(rest for _, rest in dockerfile_instructions())

    assert "requirements-dev" not in text
    # Its one pip install is of requirements.txt, copied in as /tmp/requirements.txt
    assert re.findall(r"pip install \S+ \S+", text) == ["pip install -r /tmp/requirements.txt"]


def test_make_run_installs_only_runtime_and_make_test_the_tools():
    makefile = (ROOT / "Makefile").read_text()
    prerequisites = dict(re.findall(r"^([\w-]+): ([^\n=]*)$", makefile, re.M))

    assert prerequisites["run"] == "install"
    assert prerequisites["install"] == "$(VENV)/.installed"
    for target in ("test", "lint", "bench", "chaos"):
        assert prerequisites[target] == "install-dev", target
    assert "pip install --quiet -r requirements-dev.txt" in makefile
