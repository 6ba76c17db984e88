"""EMAIL_URL naming an email provider (campaign/esp.py)."""

import os
import subprocess
import sys

import pytest

from campaign.esp import provider


@pytest.mark.parametrize(
    ("url", "backend", "anymail"),
    [
        ("postmark://tok-123@", "postmark", {"POSTMARK_SERVER_TOKEN": "tok-123"}),
        ("sendgrid://SG.a%2Fb@", "sendgrid", {"SENDGRID_API_KEY": "SG.a/b"}),
        (
            "mailgun://key-1@mg.example.org?region=eu&webhook_signing_key=wsk",
            "mailgun",
            {
                "MAILGUN_API_KEY": "key-1",
                "MAILGUN_SENDER_DOMAIN": "mg.example.org",
                "MAILGUN_API_URL": "https://api.eu.mailgun.net/v3",
                "MAILGUN_WEBHOOK_SIGNING_KEY": "wsk",
            },
        ),
        ("ses://eu-west-1", "amazon_ses", {"AMAZON_SES_CLIENT_PARAMS": {"region_name": "eu-west-1"}}),
        (
            "ses://AKIA1:se%2Fcret@us-east-1",
            "amazon_ses",
            {
                "AMAZON_SES_CLIENT_PARAMS": {
                    "region_name": "us-east-1",
                    "aws_access_key_id": "AKIA1",
                    "aws_secret_access_key": "se/cret",
                }
            },
        ),
        ("brevo://xkeysib-1@", "brevo", {"BREVO_API_KEY": "xkeysib-1"}),
    ],
)
def test_it_names_the_providers_anymail_backend_and_settings(url, backend, anymail):
    found = provider(url)

    assert found.backend == f"anymail.backends.{backend}.EmailBackend"
    assert found.anymail == anymail


@pytest.mark.parametrize("url", ["smtp://mailpit:1025", "smtp+tls://u:p@host:587", "consolemail://", ""])
def test_smtp_and_console_urls_are_not_providers(url):
    assert provider(url) is None


@pytest.mark.parametrize("url", ["postmark://", "mailgun://key@", "ses://"])
def test_a_provider_url_without_its_key_or_domain_is_a_clear_error(url):
    with pytest.raises(ValueError, match="EMAIL_URL"):
        provider(url)


def test_the_settings_send_through_the_provider():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "EMAIL_URL": "postmark://tok@",
        "DJANGO_SETTINGS_MODULE": "campaign.settings",
    }
    code = "from django.conf import settings as s; print(s.MAILERS['default']['BACKEND'], s.ANYMAIL)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)

    backend, anymail = result.stdout.split(" ", 1)
    assert backend == "anymail.backends.postmark.EmailBackend"
    assert "'POSTMARK_SERVER_TOKEN': 'tok'" in anymail
