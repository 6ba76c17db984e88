import pytest
from django.core import mail

from updates.models import Update


def urls(update, statement):
    slug = statement.campaign.slug
    return {
        "list": ("get", f"/dashboard/c/{slug}/updates/"),
        "create": ("get", f"/dashboard/c/{slug}/s/{statement.slug}/updates/new/"),
        "detail": ("get", f"/dashboard/c/{slug}/updates/{update.uuid}/"),
        "edit": ("get", f"/dashboard/c/{slug}/updates/{update.uuid}/edit/"),
        "send_test": ("post", f"/dashboard/c/{slug}/updates/{update.uuid}/test/"),
        "confirm": ("get", f"/dashboard/c/{slug}/updates/{update.uuid}/confirm/"),
        "preview_html": ("get", f"/dashboard/c/{slug}/updates/{update.uuid}/confirm/email.html"),
        "approve": ("post", f"/dashboard/c/{slug}/updates/{update.uuid}/approve/"),
        "send": ("post", f"/dashboard/c/{slug}/updates/{update.uuid}/send/"),
        "policy": ("post", f"/dashboard/c/{slug}/updates/policy/"),
    }


ALL = [
    "list",
    "create",
    "detail",
    "edit",
    "send_test",
    "confirm",
    "preview_html",
    "approve",
    "send",
    "policy",
]


@pytest.mark.parametrize("name", ALL)
def test_outsiders_get_404(client, charlie, update, statement, name):
    method, url = urls(update, statement)[name]
    client.force_login(charlie)

    response = getattr(client, method)(url)

    assert response.status_code == 404
    update.refresh_from_db()
    assert update.status == Update.Status.DRAFT


@pytest.mark.parametrize("name", ["list", "detail"])
def test_anonymous_visitors_are_sent_to_log_in(client, update, statement, name):
    response = client.get(urls(update, statement)[name][1])

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_organiser_writes_an_update_and_sees_its_preview(client, bob, statement):
    client.force_login(bob)
    url = f"/dashboard/c/{statement.campaign.slug}/s/{statement.slug}/updates/new/"

    response = client.post(url, {"subject": "We did it", "body": "Thank you **all**."})

    assert response.status_code == 303
    update = Update.objects.get()
    assert (update.subject, update.statement, update.created_by) == ("We did it", statement, bob)
    preview = client.get(response["Location"])
    assert b"<strong>all</strong>" in preview.content
    assert b"0 signers" in preview.content


def test_an_empty_update_is_refused_with_messages_next_to_fields(client, bob, statement):
    client.force_login(bob)
    url = f"/dashboard/c/{statement.campaign.slug}/s/{statement.slug}/updates/new/"

    response = client.post(url, {"subject": "", "body": ""})

    assert response.status_code == 400
    assert b'class="error"' in response.content
    assert not Update.objects.exists()


def test_the_preview_counts_the_recipients(client, bob, update, statement, consenting):
    consenting()
    consenting()
    client.force_login(bob)

    response = client.get(urls(update, statement)["detail"][1])

    assert b"It will go to 2 signers" in response.content


def test_a_test_goes_to_the_organiser_only(
    client, bob, update, statement, consenting, django_capture_on_commit_callbacks
):
    consenting()
    client.force_login(bob)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urls(update, statement)["send_test"][1])

    assert response.status_code == 303
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    update.refresh_from_db()
    assert update.status == Update.Status.DRAFT


def test_sending_shows_progress(
    client, alice, update, statement, consenting, django_capture_on_commit_callbacks
):
    consenting()
    consenting()
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urls(update, statement)["send"][1], {"version": update.version})

    assert response.status_code == 303
    assert len(mail.outbox) == 2
    page = client.get(response["Location"]).content.decode()
    assert '<progress max="100" value="100"' in page
    listing = client.get(urls(update, statement)["list"][1]).content.decode()
    assert "2 of 2 sent" in listing


def test_a_sent_update_can_no_longer_be_edited(client, alice, update, statement):
    Update.objects.filter(pk=update.pk).update(status=Update.Status.SENT)
    client.force_login(alice)

    response = client.post(urls(update, statement)["edit"][1], {"subject": "Changed", "body": "x"})

    assert response.status_code == 303
    update.refresh_from_db()
    assert update.subject == "News from the campaign"


def test_get_does_not_send(client, alice, update, statement):
    client.force_login(alice)

    response = client.get(urls(update, statement)["send"][1])

    assert response.status_code == 405


def test_the_statement_dashboard_shows_each_update_with_its_progress(
    client, bob, update, statement, consenting, send_now
):
    consenting()
    send_now(update)
    client.force_login(bob)

    response = client.get(f"/dashboard/c/{statement.campaign.slug}/s/{statement.slug}/")

    html = response.content.decode()
    assert "Updates to signers" in html
    assert update.subject in html
    assert "1 of 1 sent" in html


def test_a_sent_update_is_read_only_in_the_admin(client, django_user_model, update):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    Update.objects.filter(pk=update.pk).update(status=Update.Status.SENT)
    client.force_login(admin)

    response = client.get(f"/admin/updates/update/{update.pk}/change/")

    assert response.status_code == 200
    assert b'name="subject"' not in response.content
