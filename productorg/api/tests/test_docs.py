"""The OpenAPI schema and the interactive docs need a session or a token in production
(API_DOCS_PUBLIC off); in development they are open, for the tools that read the schema."""

from __future__ import annotations

import pytest

from productorg.accounts import services

SCHEMA = "/api/v1/openapi.json"
DOCS = "/api/v1/docs"


@pytest.fixture
def production_docs(settings):
    settings.API_DOCS_PUBLIC = False


def test_in_production_the_schema_answers_401_without_signing_in(client, db, production_docs):
    response = client.get(SCHEMA)
    assert response.status_code == 401
    assert "Authentication required" in response.json()["detail"]


def test_in_production_the_docs_page_sends_a_browser_to_sign_in(client, db, production_docs):
    response = client.get(DOCS)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/api/v1/docs"


def test_in_production_a_signed_in_user_reads_the_docs_and_schema(client_for, org, production_docs):
    client = client_for(org.pia)
    assert client.get(DOCS).status_code == 200
    assert client.get(SCHEMA).json()["info"]["title"] == "ProductOrg API"


def test_in_production_a_token_reads_the_schema(client, org, production_docs):
    secret = services.api_token_create(user=org.pia.user, name="client", scope="read").secret
    response = client.get(SCHEMA, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    wrong = client.get(SCHEMA, headers={"Authorization": "Bearer po_not-a-token"})
    assert wrong.status_code == 401


def test_in_development_the_schema_is_open(client, db, settings):
    settings.API_DOCS_PUBLIC = True
    assert client.get(SCHEMA).status_code == 200
    assert client.get(DOCS).status_code == 200
