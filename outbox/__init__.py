"""The outbox: how every email (and webhook) leaves the platform.

A row says what to send, to whom and when it is due; Celery senders claim due rows, build the
messages with the builder registered for their kind, and send them.
"""
