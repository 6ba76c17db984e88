# One image for web (gunicorn), worker and beat (celery); docker-compose.yml picks the command.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app

WORKDIR /app

# Requirements first, so a code change does not reinstall them. Every pin ships a manylinux wheel
# (psycopg[binary], nh3), so no compiler is needed.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected into the image (served by WhiteNoise). The settings refuse to load
# without a secret key when DEBUG is off; this one exists only for this RUN step and is not kept.
# var/celerybeat is where beat keeps its schedule state (a volume in docker-compose.yml); the app
# user owns it and nothing else in /app.
RUN DJANGO_SECRET_KEY=collectstatic-at-build-only DJANGO_DEBUG=0 \
        python manage.py collectstatic --noinput \
    && mkdir -p var/celerybeat \
    && chown app:app var/celerybeat

USER app

EXPOSE 8000

CMD ["gunicorn", "campaign.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--worker-class", "sync", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
