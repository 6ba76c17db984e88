# One image for web (gunicorn), worker, sender and beat (celery); docker-compose.yml picks the command.
# Two stages: the first installs requirements.txt (only what runs the site; the test and tooling
# packages are in requirements-dev.txt, which no stage reads) into a virtualenv, the second copies
# that virtualenv and the code, and runs as a non-root user.
FROM python:3.13.7-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Every pin ships a manylinux wheel (psycopg[binary], nh3, pillow), so no compiler is needed.
COPY requirements.txt /tmp/requirements.txt
RUN python -m venv /venv \
    && /venv/bin/pip install -r /tmp/requirements.txt


FROM python:3.13.7-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/venv/bin:$PATH

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app

WORKDIR /app

COPY --from=build /venv /venv
COPY . .

# Static files are collected into the image (served by WhiteNoise). The settings refuse to load
# without a secret key when DEBUG is off; this one exists only for this RUN step and is not kept.
# var/celerybeat is where beat keeps its schedule state (a volume in docker-compose.yml); the app
# user owns it and nothing else in /app.
RUN DJANGO_SECRET_KEY=collectstatic-at-build-only DJANGO_DEBUG=0 \
        python manage.py collectstatic --noinput \
    && mkdir -p var/celerybeat \
    && chown app:app var/celerybeat

# By number, so that Kubernetes' runAsNonRoot can check it.
USER 10001:10001

EXPOSE 8000

CMD ["gunicorn", "campaign.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--worker-class", "sync", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
