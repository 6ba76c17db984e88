"""API keys in the dashboard: owners create (shown once, stored hashed) and revoke; others cannot."""

import hashlib

import pytest

from api.models import ApiKey

pytestmark = pytest.mark.django_db


def create(client, campaign, name="CRM sync", scope="read"):
    return client.post(f"/dashboard/c/{campaign.slug}/api/", {"name": name, "scope": scope})


def test_an_owner_creates_a_key_shown_once_and_stored_hashed(client, campaign, alice):
    client.force_login(alice)
    response = create(client, campaign, scope="write")
    assert response.status_code == 200
    raw = response.context["new_key"].raw
    assert raw.encode() in response.content
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    key = ApiKey.objects.get()
    assert (key.name, key.scope, key.created_by) == ("CRM sync", "write", alice)
    assert key.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {getattr(key, field.attname) for field in ApiKey._meta.fields if field.attname}
    assert raw.encode() not in client.get(f"/dashboard/c/{campaign.slug}/api/").content
    assert client.get("/api/v1/", headers={"OSDI-API-Token": raw}).status_code == 200


def test_an_owner_revokes_a_key_and_it_stops_working_at_once(client, campaign, alice):
    client.force_login(alice)
    raw = create(client, campaign).context["new_key"].raw
    key = ApiKey.objects.get()
    response = client.post(f"/dashboard/c/{campaign.slug}/api/{key.uuid}/revoke/")
    assert response.status_code == 303
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == alice
    assert client.get("/api/v1/", headers={"OSDI-API-Token": raw}).status_code == 401


@pytest.mark.parametrize("name", ["", "   ", "\x00", "x" * 101])
def test_a_bad_name_is_refused_next_to_the_field(client, campaign, alice, name):
    client.force_login(alice)
    response = create(client, campaign, name=name)
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert not ApiKey.objects.exists()


def test_an_organiser_who_is_not_an_owner_gets_403(client, campaign, bob):
    client.force_login(bob)
    assert client.get(f"/dashboard/c/{campaign.slug}/api/").status_code == 403
    assert create(client, campaign).status_code == 403
    assert not ApiKey.objects.exists()


def test_an_outsider_gets_404(client, campaign, charlie):
    client.force_login(charlie)
    assert client.get(f"/dashboard/c/{campaign.slug}/api/").status_code == 404
    assert create(client, campaign).status_code == 404


def test_an_owner_of_another_campaign_cannot_revoke_our_key(client, campaign, alice, charlie, other_campaign):
    theirs = other_campaign  # charlie owns it
    client.force_login(alice)
    create(client, campaign)
    key = ApiKey.objects.get()
    client.force_login(charlie)
    assert client.post(f"/dashboard/c/{theirs.slug}/api/{key.uuid}/revoke/").status_code == 404
    assert client.post(f"/dashboard/c/{campaign.slug}/api/{key.uuid}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_anonymous_visitors_are_sent_to_log_in(client, campaign):
    response = client.get(f"/dashboard/c/{campaign.slug}/api/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_owner_adds_a_webhook_and_sees_its_secret_once(client, campaign, alice):
    from api.models import Webhook

    client.force_login(alice)
    url = f"/dashboard/c/{campaign.slug}/api/webhooks/"
    response = client.post(url, {"url": "https://crm.example.org/hook", "events": ["signature.confirmed"]})
    assert response.status_code == 200
    webhook = Webhook.objects.get()
    assert webhook.events == ["signature.confirmed"] and webhook.created_by == alice
    assert webhook.secret.encode() in response.content
    assert webhook.secret.encode() not in client.get(f"/dashboard/c/{campaign.slug}/api/").content
    assert client.post(f"{url}{webhook.uuid}/disable/").status_code == 303
    webhook.refresh_from_db()
    assert webhook.disabled_at is not None


@pytest.mark.parametrize(
    "data",
    [
        {"url": "http://crm.example.org/hook", "events": ["signature.confirmed"]},
        {"url": "https://192.168.1.2/hook", "events": ["signature.confirmed"]},
        {"url": "https://crm.example.org/\x00", "events": ["signature.confirmed"]},
        {"url": "https://crm.example.org/hook", "events": ["everything"]},
        {"url": "https://crm.example.org/hook"},
    ],
)
def test_a_bad_webhook_is_refused_next_to_the_field(client, campaign, alice, data):
    from api.models import Webhook

    client.force_login(alice)
    response = client.post(f"/dashboard/c/{campaign.slug}/api/webhooks/", data)
    assert response.status_code == 400
    assert response.context["webhook_form"].errors
    assert not Webhook.objects.exists()


def test_only_owners_add_webhooks(client, campaign, bob, charlie):
    for user, status in ((bob, 403), (charlie, 404)):
        client.force_login(user)
        data = {"url": "https://crm.example.org/hook", "events": ["signature.confirmed"]}
        assert client.post(f"/dashboard/c/{campaign.slug}/api/webhooks/", data).status_code == status


def test_the_page_reads_in_spanish_with_the_language_cookie(client, campaign, alice):
    client.force_login(alice)
    client.cookies["django_language"] = "es"
    html = client.get(f"/dashboard/c/{campaign.slug}/api/").content.decode()
    for text in (
        "Claves de la API",
        "Crear una clave",
        "Añadir webhook",
        "Se confirma una firma",
        "Solo lectura",
    ):
        assert text in html
