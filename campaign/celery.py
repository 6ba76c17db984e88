"""The Celery application: `celery -A campaign worker` and `celery -A campaign beat`."""

import os

from celery import Celery
from celery.signals import beat_init, task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")

app = Celery("campaign", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _connparams_or_connection_error(connparams):
    """Celery 5.7 stops the worker when Redis goes away while it holds unacknowledged tasks.

    On losing the broker, the consumer detaches the transport from the connection before closing
    its channel. Closing the channel (which puts unacknowledged messages back) and acknowledging a
    task that finishes afterwards then build Redis parameters from the detached transport, raise
    AttributeError, and Celery treats that as unrecoverable: the worker exits. Raise the connection
    error it is instead, which kombu already handles (it logs it and the worker reconnects). The
    messages not put back stay in Redis's unacked set, and the sweep re-queues any mail they carried.
    """

    def wrapper(channel, *args, **kwargs):
        transport = channel.connection
        if transport is None or transport.client is None:
            import redis

            raise redis.ConnectionError("the connection to the broker was closed")
        return connparams(channel, *args, **kwargs)

    wrapper.connection_error_when_detached = True
    return wrapper


def _patch_kombu_redis_channel():
    from kombu.transport import redis as kombu_redis

    if not getattr(kombu_redis.Channel._connparams, "connection_error_when_detached", False):
        kombu_redis.Channel._connparams = _connparams_or_connection_error(kombu_redis.Channel._connparams)


_patch_kombu_redis_channel()


@worker_init.connect
@beat_init.connect
def _require_secret_key(**kwargs):
    """Workers sign confirmation and withdrawal links: no worker or beat without the key.

    SystemExit, because Celery logs and ignores an exception a signal handler raises.
    """
    from django.core.exceptions import ImproperlyConfigured

    from campaign.startup import require_secret_key

    try:
        require_secret_key()
    except ImproperlyConfigured as error:
        raise SystemExit(str(error)) from None


@task_prerun.connect
def _drop_broken_database_connections(task=None, **kwargs):
    """Before each task, drop database connections that broke, as Django does before each request.

    CELERY_DB_REUSE_MAX keeps a worker's connection from task to task. Without this, a connection
    lost once (PostgreSQL restarted, a time limit interrupting a query) would fail every later task
    of that process; with CONN_HEALTH_CHECKS the next query checks the connection and reconnects.
    """
    from django.db import close_old_connections, connections

    if getattr(task.request, "is_eager", False) or any(c.in_atomic_block for c in connections.all()):
        return  # run inside someone's request or transaction: their connection, not ours to close
    close_old_connections()
