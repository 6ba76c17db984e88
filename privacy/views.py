"""Signers' data rights: the privacy page and withdrawing a signature."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from petitions import withdrawal
from petitions.tokens import InvalidToken


@require_GET
def policy(request):
    return render(
        request,
        "privacy/policy.html",
        {
            "months": round(settings.ANONYMISE_AFTER_DAYS / 30.44),
            "max_mails": settings.MAX_MAILS_PER_SIGNATURE,
            "contact": settings.PRIVACY_CONTACT_EMAIL,
        },
    )


@require_http_methods(["GET", "POST"])
def withdraw(request, token):
    """GET asks for confirmation (mail scanners open links); POST withdraws."""
    try:
        if request.method == "POST":
            result = withdrawal.withdraw(token)
            return render(
                request,
                "privacy/withdrawn.html",
                {"statement": result.statement, "withdrawn": result.withdrawn},
            )
        signature = withdrawal.signature_for_withdrawal(token)
    except InvalidToken:
        return render(request, "privacy/withdraw.html", {"invalid": True}, status=400)
    if signature.status not in withdrawal.WITHDRAWABLE:
        return render(
            request, "privacy/withdrawn.html", {"statement": signature.statement, "withdrawn": False}
        )
    return render(request, "privacy/withdraw.html", {"statement": signature.statement})
