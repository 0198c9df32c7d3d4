"""The gateway's logs hold no personal data and no token (issue 22): after every other test of the
suite has run (this file sorts last), every log line every gateway of the run wrote, on standard
output and standard error, is searched for each identifier the demo data holds (read from the
upstream itself, as it stands now) and for every token the run minted, signed by the dev issuer,
issued by the OIDC provider or forged by the attack tests. Run alone, it has nothing to read and
is skipped."""

import json

import psycopg
import pytest

from harness import gateway as gateway_runs

# The suite starts well over this many gateways; fewer means it did not run before this file.
SUITE_GATEWAYS = 20
# Shorter values (a first name, a two-digit number) occur in any text; they prove nothing here.
SHORTEST = 6


def demo_identifiers(upstream) -> set[str]:
    """Every identifier in the demo data's classified columns and JSON fields, from the upstream."""
    found: set[str] = set()
    with psycopg.connect(upstream.admin_dsn("shop")) as conn:
        for row in conn.execute("SELECT full_name, email, phone, national_id, card_number, iban FROM customers"):
            found.update(value for value in row if value)
        for (metadata,) in conn.execute("SELECT metadata FROM support_tickets WHERE metadata IS NOT NULL"):
            document = metadata if isinstance(metadata, dict) else json.loads(metadata)
            caller = document.get("caller") or {}
            for value in (caller.get("name"), caller.get("number"), document.get("reply_to"), (document.get("refund") or {}).get("iban")):
                if isinstance(value, str):
                    found.add(value)
    return {value for value in found if len(value) >= SHORTEST}


def test_no_gateway_log_of_the_whole_run_holds_an_identifier_or_a_token(upstream):
    runs = list(gateway_runs.STARTED)
    if len(runs) < SUITE_GATEWAYS:
        pytest.skip(f"only {len(runs)} gateways ran before this test: run it with the whole suite")
    identifiers = demo_identifiers(upstream)
    tokens = {token for token in gateway_runs.MINTED_TOKENS if len(token) >= 40}
    assert len(identifiers) > 100 and len(tokens) > 20, (len(identifiers), len(tokens))
    # A token's signature alone is as good as a leak of the token.
    secrets = tokens | {token.rsplit(".", 1)[-1] for token in tokens if len(token.rsplit(".", 1)[-1]) >= 40}

    leaks = []
    read = 0
    for run in runs:
        for path in (run.stdout_path, run.stderr_path):
            try:
                with open(path, encoding="utf-8", errors="replace") as log:
                    text = log.read()
            except FileNotFoundError:
                continue
            read += len(text)
            leaks += [(run.name, path, "identifier", value) for value in identifiers if value in text]
            leaks += [(run.name, path, "token", value[:16] + "...") for value in secrets if value in text]
    print(f"read {read:,} characters of {len(runs)} gateways' logs against {len(identifiers)} identifiers and {len(tokens)} tokens")
    assert read > 100_000
    assert not leaks, "\n".join(f"{name} ({path}): {kind} {value}" for name, path, kind, value in leaks[:20])
