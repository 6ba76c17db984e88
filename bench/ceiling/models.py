from django.db import models
from django.utils import timezone


class Row(models.Model):
    """One POST, stored: the least a signing view can do."""

    name = models.CharField(max_length=100)
    email = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.email
