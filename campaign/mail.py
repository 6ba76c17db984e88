"""Email backend for the embedded mode: prints each email readably in the terminal running the site.

Django's console backend prints the raw MIME message, whose quoted-printable encoding breaks the
confirmation links across lines; here the headers that matter and the plain-text body are printed
as the signer would read them, so the link can be opened straight from the terminal.
"""

from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class ReadableConsoleBackend(ConsoleBackend):
    def write_message(self, message):
        rule = "-" * 79
        lines = [
            rule,
            f"Email to: {', '.join(message.to)}",
            f"From: {message.from_email}",
            f"Subject: {message.subject}",
        ]
        for name, value in (message.extra_headers or {}).items():
            lines.append(f"{name}: {value}")
        for attachment in getattr(message, "attachments", []) or []:
            filename = getattr(attachment, "filename", None) or attachment[0]
            lines.append(f"Attachment: {filename}")
        lines += ["", message.body.rstrip(), rule, ""]
        self.stream.write("\n".join(lines))
