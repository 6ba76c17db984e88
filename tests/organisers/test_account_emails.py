from django.core import mail


def test_it_sends_the_password_reset_email_from_a_task_after_the_request(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/accounts/password/reset/", {"email": "alice@example.org"})

    # Nothing is sent from the request itself: the rendered email is queued on commit.
    assert response.status_code == 302
    assert mail.outbox == []
    assert len(callbacks) == 1

    callbacks[0]()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert "/accounts/password/reset/key/" in message.body


def test_it_answers_a_reset_for_an_unknown_address_the_same_way(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
