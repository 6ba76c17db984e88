"""Rows only the platform writes are read-only in the admin, superusers included (campaign.admin)."""

import pytest

pytestmark = pytest.mark.django_db

READ_ONLY = {
    ("safety", "auditentry"),
    ("organisers", "exportlog"),
    ("organisers", "paperimport"),
    ("funds", "stripeevent"),
    ("moderation", "trendingactivity"),
}


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))
    return client


def test_a_superuser_may_only_view_them(superuser_client):
    index = superuser_client.get("/admin/")
    perms = {
        (app["app_label"], model["object_name"].lower()): model["perms"]
        for app in index.context["app_list"]
        for model in app["models"]
    }

    for key in READ_ONLY:
        assert perms[key] == {"add": False, "change": False, "delete": False, "view": True}, key


@pytest.mark.parametrize("app_label, model", sorted(READ_ONLY - {("moderation", "trendingactivity")}))
def test_their_add_page_is_refused_and_their_list_offers_no_deletion(superuser_client, app_label, model):
    changelist = superuser_client.get(f"/admin/{app_label}/{model}/")

    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.context["cl"].model_admin.get_actions(changelist.wsgi_request)
    assert superuser_client.get(f"/admin/{app_label}/{model}/add/").status_code == 403
