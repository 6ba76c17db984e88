def test_the_login_page_says_accounts_are_by_invitation_when_sign_up_is_closed(client, db, settings):
    settings.ORGANISER_SIGNUP_OPEN = False

    html = client.get("/accounts/login/").content.decode()

    assert "by invitation" in html
    assert "/accounts/signup/" not in html


def test_the_login_page_offers_sign_up_when_it_is_open(client, db, settings):
    settings.ORGANISER_SIGNUP_OPEN = True

    html = client.get("/accounts/login/").content.decode()

    assert "/accounts/signup/" in html
    assert "by invitation" not in html


def test_the_login_page_speaks_spanish(client, db, settings):
    settings.ORGANISER_SIGNUP_OPEN = False

    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "por invitación" in html
