"""The admin pages of models that moved to another app (campaign/model_moves.py) answer at their old
addresses with a permanent redirect to the same page under the new app, and nowhere else."""

from urllib.parse import urljoin, urlsplit

import pytest

from campaign.model_moves import MOVED
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))
    return client


@pytest.mark.parametrize(("old", "new", "model"), MOVED)
def test_an_old_admin_address_redirects_permanently_to_the_new_app(client, old, new, model):
    response = client.get(f"/admin/{old}/{model}/")

    assert response.status_code == 301
    assert response["Location"] == f"/admin/{new}/{model}/"


def test_the_redirect_keeps_the_rest_of_the_path_and_the_query(client):
    query = "?_changelist_filters=q%3Dperu&x=%C3%B1"

    response = client.get("/admin/petitions/campaign/12/change/" + query)

    assert response.status_code == 301
    assert response["Location"] == "/admin/campaigns/campaign/12/change/" + query


def test_an_anonymous_visitor_following_it_ends_on_the_admin_login(client):
    response = client.get("/admin/organisers/membership/?role__exact=owner", follow=True)

    # The admin's login hands over to the site's (with its second factor), back to the new address.
    assert response.redirect_chain == [
        ("/admin/campaigns/membership/?role__exact=owner", 301),
        ("/admin/login/?next=/admin/campaigns/membership/%3Frole__exact%3Downer", 302),
        ("/accounts/login/?next=%2Fadmin%2Fcampaigns%2Fmembership%2F%3Frole__exact%3Downer", 302),
    ]
    assert response.status_code == 200


def test_a_superuser_following_it_gets_the_page(superuser_client):
    campaign = CampaignFactory()

    response = superuser_client.get(f"/admin/petitions/campaign/{campaign.pk}/change/", follow=True)

    assert response.status_code == 200
    assert response.request["PATH_INFO"] == f"/admin/campaigns/campaign/{campaign.pk}/change/"


@pytest.mark.parametrize(
    "url",
    ["/admin/petitions/statement/", "/admin/petitions/signature/", "/admin/moderation/trendingactivity/"],
)
def test_admin_pages_of_models_that_stayed_are_untouched(superuser_client, url):
    assert superuser_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/admin/petitions/campaign//evil.example/",
        "/admin/petitions/campaign///evil.example",
        "/admin/petitions/campaign/%2F%2Fevil.example",
        "/admin/petitions/campaign/%2f/evil.example",
        "/admin/petitions/campaign/\\\\evil.example",
        "/admin/petitions/campaign/%5C%5Cevil.example",
        "/admin/petitions/campaign/..%2F..%2F..%2Fevil",
        "/admin/petitions/campaign/../../../accounts/login/",
        "/admin/petitions/campaign/%2e%2e/%2e%2e/x",
        "/admin/petitions/campaign/./x",
        "/admin/petitions/campaign/%00",
        "/admin/petitions/campaign/a%00b/change/",
        "/admin/petitions/campaign/%0d%0aSet-Cookie:%20x=1",
        "/admin/petitions/campaign/%0aLocation:%20https://evil.example",
        "/admin/petitions/campaign/?next=https://evil.example",
        "/admin/petitions/campaign/https://evil.example",
        "/admin/petitions/campaign/%E2%80%AE%FF%FE",
        "/admin/petitions/campaign/@evil.example",
        "/admin/petitions/campaign/#//evil.example",
    ],
)
def test_a_crafted_old_address_never_leaves_the_admin_nor_fails(client, path):
    response = client.get(path)

    assert response.status_code in {301, 404}
    if response.status_code == 301:
        location = response["Location"]
        assert not any(character in location for character in "\r\n\x00\\")
        # Where a browser would go from this site's page.
        landed = urlsplit(urljoin("https://campaign.example/admin/petitions/campaign/x", location))
        assert landed.netloc == "campaign.example"
        assert landed.path.startswith("/admin/campaigns/campaign/")
