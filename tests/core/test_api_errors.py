from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_unknown_api_path_is_json_404(api_a):
    response = api_a.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_wrong_method_is_json_405(api_a):
    response = api_a.delete("/api/v1/me")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_openapi_document_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "ParcelHub API"
