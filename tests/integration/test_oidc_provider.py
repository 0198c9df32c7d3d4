"""A real, separate OIDC provider (oidc-provider-mock) configured as a second issuer: a token
from its authorization code flow logs in through the gateway."""

import json

import psycopg
import pytest

from harness import jwt_forge


def test_discovery_document_is_served_by_the_mock(oidc_mock):
    import json
    import urllib.request

    with urllib.request.urlopen(f"{oidc_mock.issuer}/.well-known/openid-configuration", timeout=10) as response:
        assert json.load(response)["issuer"] == oidc_mock.issuer


def test_login_with_provider_token(gateway, oidc_mock):
    token = oidc_mock.id_token("carol")
    header, claims = jwt_forge.decode(token)
    assert header["alg"] == "RS256" and claims["iss"] == oidc_mock.issuer and claims["groups"] == ["engineers"]

    before = gateway.events.last_seq()
    with psycopg.connect(gateway.dsn("shop", token=token), autocommit=True) as conn:
        assert conn.execute("SELECT current_user, count(*) FROM products GROUP BY 1").fetchone() == ("gh_scram", 60)
    recorded = [e for e in gateway.events.since(before) if e.kind == "statement"]
    assert recorded and recorded[0].subject == "carol"
    assert recorded[0].principal["issuer"] == oidc_mock.issuer
    assert recorded[0].principal["groups"] == ["engineers"]


def test_provider_token_for_user_without_groups_is_refused(gateway, oidc_mock):
    # A subject the mock knows nothing about gets no groups claim: authenticated, not authorised.
    token = oidc_mock.id_token("nobody-special")
    with pytest.raises(psycopg.OperationalError) as failure:
        psycopg.connect(gateway.dsn("shop", token=token), connect_timeout=10).close()
    assert "token rejected" not in str(failure.value), "a valid token must not be reported as rejected"


def test_provider_token_with_wrong_audience_is_refused(gateway, oidc_mock):
    token = oidc_mock.id_token("carol")
    # Change the audience and keep the provider's signature, which then no longer verifies.
    header, claims = jwt_forge.decode(token)
    claims["aud"] = ["another-client"]
    forged = ".".join([token.split(".")[0], jwt_forge.b64url(json.dumps(claims).encode()), token.split(".")[2]])
    with pytest.raises(psycopg.OperationalError) as failure:
        psycopg.connect(gateway.dsn("shop", token=forged), connect_timeout=10).close()
    assert "gatehouse: token rejected: " in str(failure.value)
