import io

from django.core.mail import EmailMultiAlternatives

from outbox.backends import ReadableConsoleBackend


def test_the_embedded_mode_prints_links_whole_and_readable():
    link = "http://127.0.0.1:8000/confirm/" + "x" * 120 + "/"
    message = EmailMultiAlternatives(
        "Please confirm: “Democracia para el Perú”",
        f"Open this link:\n\n{link}\n",
        "from@example.org",
        ["ana@example.org"],
    )
    message.attach_alternative(f'<a href="{link}">confirm</a>', "text/html")
    stream = io.StringIO()

    ReadableConsoleBackend(stream=stream, alias="default").send_messages([message])

    printed = stream.getvalue()
    assert link in printed.splitlines()
    assert "Subject: Please confirm: “Democracia para el Perú”" in printed
    assert "Email to: ana@example.org" in printed
    assert "quoted-printable" not in printed
