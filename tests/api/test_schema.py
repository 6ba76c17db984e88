"""The OpenAPI description is generated from the code and browsable without a key."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_serves_the_openapi_description_of_every_resource(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/people",
        "/api/v1/petitions/{petition_id}/signatures",
        "/api/v1/signatures",
        "/api/v1/events/{event_id}/attendances",
        "/api/v1/attendances/{attendance_id}",
        "/api/v1/fundraising_pages/{page_id}/donations",
        "/api/v1/donations/{donation_id}",
    ):
        assert path in paths, path
    assert "post" in paths["/api/v1/petitions/{petition_id}/signatures"]
    assert schema["components"]["securitySchemes"]["OsdiToken"]["name"] == "OSDI-API-Token"


def test_it_serves_a_browsable_page_with_local_scripts_only(client):
    response = client.get("/api/schema/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn." not in html and "<script>" not in html
