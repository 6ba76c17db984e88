def test_the_privacy_page_explains_what_is_kept_and_for_how_long(client, db, settings):
    settings.ANONYMISE_AFTER_DAYS = 183

    response = client.get("/privacy/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "6 months after a statement closes" in html
    assert "keyed hash of your IP address" in html
    assert "Withdraw your signature" in html


def test_the_footer_and_the_signing_form_link_to_it(client, statement):
    html = client.get(statement.get_absolute_url()).content.decode()

    assert html.count('href="/privacy/"') == 2


def test_it_shows_a_contact_address_when_one_is_set(client, db, settings):
    settings.PRIVACY_CONTACT_EMAIL = "privacy@example.org"

    assert b"mailto:privacy@example.org" in client.get("/privacy/").content
