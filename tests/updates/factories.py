import factory

from tests.factories import StatementFactory
from updates.models import Update


class UpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Update

    statement = factory.SubFactory(StatementFactory)
    subject = "News from the campaign"
    body = "We delivered the statement **today**."
