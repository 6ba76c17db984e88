from django.db import models
from django.utils import timezone

from petitions.models import Statement


class Anonymisation(models.Model):
    """When a statement was seen closed, and when its signatures were anonymised.

    A statement closed by its deadline counts from closes_at; one closed by hand counts from the
    first time the beat task saw it closed (statements do not record when their status changed).
    """

    statement = models.OneToOneField(Statement, on_delete=models.CASCADE, related_name="anonymisation")
    closed_at = models.DateTimeField()
    anonymised_at = models.DateTimeField(null=True, blank=True)
    signatures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["closed_at"]

    def __str__(self):
        return f"Anonymisation of {self.statement}"
