"""Load the demo campaign. Safe to run again: it updates what is there and adds nothing twice."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign, CampaignTranslation
from events.demo import load_demo_event
from petitions import services
from petitions.models import Signature, Statement, StatementTranslation

STATEMENT = """\
We, the undersigned trade unions, organisations and individuals, stand with the people who have
taken to the streets to demand democracy, an end to repression and the right to choose their own
government.

Peaceful protesters have been met with live ammunition, mass arrests and a campaign that brands
them as "terrorists". Dozens have been killed. Journalists and human rights defenders have been
threatened for reporting what they saw.

**We call for:**

1. An immediate end to the violence against protesters, and justice for those killed and injured.
2. The release of everyone detained for exercising their right to protest.
3. Free and fair elections without delay, and a constituent process decided by the people.
4. Our own governments to suspend arms and police equipment sales until human rights are respected.

We will keep campaigning, organising and raising funds until these demands are met.
"""

STATEMENT_ES = """\
Nosotros, los sindicatos, organizaciones y personas abajo firmantes, nos solidarizamos con el
pueblo que ha salido a las calles para exigir democracia, el fin de la represión y el derecho a
elegir a su propio gobierno.

Quienes protestan pacíficamente han sido recibidos con munición real, detenciones masivas y una
campaña que los tilda de "terroristas". Decenas de personas han muerto. Periodistas y defensores de
derechos humanos han sido amenazados por informar lo que vieron.

**Exigimos:**

1. El fin inmediato de la violencia contra quienes protestan, y justicia para las personas
   asesinadas y heridas.
2. La liberación de todas las personas detenidas por ejercer su derecho a la protesta.
3. Elecciones libres y justas sin demora, y un proceso constituyente decidido por el pueblo.
4. Que nuestros propios gobiernos suspendan la venta de armas y equipos policiales hasta que se
   respeten los derechos humanos.

Seguiremos haciendo campaña, organizándonos y recaudando fondos hasta que se cumplan estas demandas.
"""

SIGNATORIES = [
    (
        "María Quispe",
        "PE",
        Signature.Kind.ORGANISATION,
        "Federación de Trabajadores del Sur",
        "General Secretary",
    ),
    ("Tom Hughes", "GB", Signature.Kind.ORGANISATION, "Northern Transport Workers' Branch", "Branch Chair"),
    ("Ana Torres", "ES", Signature.Kind.INDIVIDUAL, "", ""),
    ("John Okafor", "GB", Signature.Kind.INDIVIDUAL, "", ""),
    ("Lucía Fernández", "AR", Signature.Kind.INDIVIDUAL, "", ""),
]


class Command(BaseCommand):
    help = "Load (or refresh) the demo campaign with an open statement and a few signatories."

    @transaction.atomic
    def handle(self, *args, **options):
        campaign, _ = Campaign.objects.update_or_create(
            slug="democracy-now",
            defaults={
                "title": "Democracy Now: Solidarity with the People's Protests",
                "summary": (
                    "Trade unions, organisations and thousands of individuals are standing with the "
                    "protest movement for democracy. Sign the statement, join the online rally and "
                    "support the fighting fund."
                ),
            },
        )
        CampaignTranslation.objects.update_or_create(
            campaign=campaign,
            language="es",
            defaults={
                "title": "Democracia ya: solidaridad con las protestas populares",
                "summary": (
                    "Sindicatos, organizaciones y miles de personas apoyan al movimiento de protesta "
                    "por la democracia. Firme la declaración, únase al mitin en línea y apoye el "
                    "fondo de lucha."
                ),
            },
        )
        statement = Statement.objects.filter(campaign=campaign, slug="solidarity-statement").first()
        if statement is None:
            statement = Statement(campaign=campaign, slug="solidarity-statement")
        statement.title = "Stop the repression — democracy now"
        statement.body = STATEMENT
        statement.status = Statement.Status.OPEN
        statement.target = 5000
        statement.ask_organisation = True
        statement.ask_location = True
        statement.save()
        StatementTranslation.objects.update_or_create(
            statement=statement,
            language="es",
            defaults={"title": "Alto a la represión: democracia ya", "body": STATEMENT_ES},
        )
        now = timezone.now()
        for index, (name, country, kind, organisation, role) in enumerate(SIGNATORIES):
            email = f"demo{index + 1}@example.org"
            Signature.objects.get_or_create(
                statement=statement,
                email_normalized=email,
                defaults={
                    "email": email,
                    "name": name,
                    "country": country,
                    "kind": kind,
                    "organisation": organisation,
                    "role": role,
                    "show_publicly": True,
                    "listing": Signature.Listing.APPROVED,
                    "status": Signature.Status.CONFIRMED,
                    "confirmed_at": now,
                    "mails_requested": 0,
                },
            )
        services.recount(statement.pk)
        statement.refresh_from_db()
        self.stdout.write(
            f"Demo campaign ready: {statement.get_absolute_url()} "
            f"({statement.signature_count} confirmed signatures)"
        )
        event = load_demo_event(campaign)
        self.stdout.write(f"Demo event ready: {event.get_absolute_url()}")
        call_command("demo_organiser", campaign=campaign.slug, stdout=self.stdout)
        call_command("demo_fund", campaign=campaign.slug, stdout=self.stdout)
