import threading

import pytest
from django.db import connection
from django.test import Client

from petitions.models import Signature
from tests.factories import StatementFactory


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_address_mail_it_at_most_the_daily_cap():
    # Given an open statement
    statement = StatementFactory()
    url = statement.get_absolute_url()
    data = {"name": "Ana", "email": "ana@example.org", "country": "PE", "kind": "individual"}
    statuses = []
    barrier = threading.Barrier(8)

    def submit(index):
        try:
            barrier.wait(timeout=10)
            email = "ana@example.org" if index % 2 else "  ANA@example.org"
            statuses.append(Client().post(url, {**data, "email": email}).status_code)
        finally:
            connection.close()

    # When eight requests with the same email arrive at once
    threads = [threading.Thread(target=submit, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # Then all get the same answer, each submission is kept, and the address is owed 3 mails at most
    assert statuses == [303] * 8
    assert Signature.objects.filter(statement=statement).count() == 8
    assert sum(Signature.objects.values_list("mails_requested", flat=True)) == 3
