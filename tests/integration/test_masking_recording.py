"""The record on `shop_masked`: statement text and bind parameters stored masked, subjects
(keyed digests) on statements and outcomes, maskedValues counts, masked error messages, and
no raw identifier anywhere in a session's events."""

import asyncio
import json
import re

import psycopg

from harness import clients
from harness.events import outcomes, statements
from test_masking_support import MASKED, asyncpg_connect, direct_customers, raw_identifiers

DIGEST = re.compile(r"[0-9a-f]{64}")


def _normalise(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip().rstrip(";").strip()


def _session_events(gateway, before, session_id, count_outcomes):
    events = gateway.events.wait_for(
        lambda ev: len([e for e in outcomes(ev) if e.session_id == session_id]) >= count_outcomes
        and any(e.kind == "session_end" and e.session_id == session_id for e in ev), before, timeout=10)
    return [e for e in events if e.session_id == session_id]


def _session_of(events, text_fragment):
    for event in statements(events):
        if text_fragment in event.payload.get("text", ""):
            return event.session_id
    raise AssertionError(f"no statement containing {text_fragment!r}: {[e.payload for e in statements(events)]}")


def _subject_digests(event, kind=None):
    subjects = event.payload.get("subjects") or []
    for subject in subjects:
        assert set(subject) == {"kind", "digest"}, subject
        assert DIGEST.fullmatch(subject["digest"]), subject
    return {s["digest"] for s in subjects if kind is None or s["kind"] == kind}


def _run_session(gateway, steps, count_outcomes):
    """Runs steps(conn) in one psycopg session on shop_masked; returns that session's events."""
    before = gateway.events.last_seq()
    with psycopg.connect(gateway.dsn(MASKED), autocommit=True) as conn:
        marker = steps(conn)
    events = gateway.events.wait_for(lambda ev: any(marker in e.payload.get("text", "") for e in statements(ev)),
                                     before)
    return _session_events(gateway, before, _session_of(events, marker), count_outcomes)


def _outcome_for(events, fragment):
    recorded = {e.payload["statementID"]: e for e in statements(events)}
    for outcome in outcomes(events):
        statement = recorded.get(outcome.payload["statementID"])
        if statement is not None and fragment in statement.payload["text"]:
            return outcome.payload
    raise AssertionError(f"no outcome for {fragment!r}")


def test_literal_and_parameter_recorded_masked(gateway, admin):
    email = direct_customers(admin, ("id", "email"), "WHERE id = 5")[0]["email"]

    def steps(conn):
        # The address as a literal in the text, then as a bind parameter. What the server ran
        # is the real address: the rows prove it.
        assert conn.execute(f"SELECT id FROM customers WHERE email = '{email}' AND 'probe-literal' <> ''"
                            ).fetchall() == [(5,)]
        assert conn.execute("SELECT id, 'probe-param' FROM customers WHERE email = %s", [email]).fetchall() == [
            (5, "probe-param")]
        return "probe-literal"

    events = _run_session(gateway, steps, 2)
    recorded = statements(events)
    literal = [e for e in recorded if "probe-literal" in e.payload["text"]]
    assert [_normalise(e.payload["text"]) for e in literal] == [
        "SELECT id FROM customers WHERE email = '[EMAIL]' AND 'probe-literal' <> ''"]
    literal_digests = _subject_digests(literal[0], "email")
    assert len(literal_digests) == 1

    bound = [e for e in recorded if "probe-param" in e.payload["text"] and e.payload.get("parameters")]
    assert bound, [e.payload for e in recorded]
    assert bound[0].payload["parameters"] == ["[EMAIL]"]
    assert bound[0].payload["protocolMode"] == "extended"
    # The same person, the same keyed digest.
    assert _subject_digests(bound[0], "email") == literal_digests
    everything = json.dumps([e.body for e in events], ensure_ascii=False)
    assert email not in everything and email.split("@")[0] not in everything


def test_masked_result_outcome(gateway, admin):
    emails = [r[0] for r in admin.execute("SELECT email FROM customers WHERE id IN (5, 6, 7) ORDER BY id")]

    def steps(conn):
        conn.execute("SELECT full_name, email, 'probe-result' FROM customers WHERE id IN (5, 6, 7) "
                     "ORDER BY id").fetchall()
        conn.execute("SELECT id, 'probe-plain' FROM products WHERE id <= 3").fetchall()
        conn.execute("SELECT id FROM customers WHERE email = %s AND 'probe-digest' <> ''", [emails[0]]).fetchall()
        return "probe-result"

    events = _run_session(gateway, steps, 3)
    result = _outcome_for(events, "probe-result")
    assert result["status"] == "completed" and result["rows"] == 3
    # 3 rows x 2 classified columns.
    assert result.get("maskedValues") == 6
    email_digests = {s["digest"] for s in result.get("subjects") or [] if s["kind"] == "email"}
    assert len(email_digests) == 3
    # The digest of customer 5's address is the one a statement naming it records.
    statement = next(e for e in statements(events) if "probe-digest" in e.payload["text"])
    assert _subject_digests(statement, "email") <= email_digests
    plain = _outcome_for(events, "probe-plain")
    assert plain["rows"] == 3 and not plain.get("maskedValues") and not plain.get("subjects")
    # A statement without identifiers names nobody.
    assert not next(e for e in statements(events) if "probe-plain" in e.payload["text"]).payload.get("subjects")


def test_failure_error_message_recorded_masked(gateway, admin):
    email = direct_customers(admin, ("id", "email"), "WHERE id = 8")[0]["email"]

    def steps(conn):
        try:
            conn.execute(f"SELECT '{email}'::int AS probe_failure")
        except psycopg.errors.InvalidTextRepresentation:
            pass
        return "probe_failure"

    events = _run_session(gateway, steps, 1)
    failure = _outcome_for(events, "probe_failure")
    assert failure["status"] == "failed" and failure["errorCode"] == "22P02"
    assert failure["errorMessage"] == 'invalid input syntax for type integer: "[EMAIL]"'
    assert email not in json.dumps([e.body for e in events], ensure_ascii=False)


def test_no_raw_identifier_in_any_event_of_a_session(gateway, admin):
    """A varied session (psql simple protocol, then asyncpg binary): every event of it, as JSON,
    is free of the identifiers it touched."""
    customers = direct_customers(admin, where="WHERE id BETWEEN 20 AND 29")
    tickets = admin.execute("SELECT body FROM support_tickets WHERE customer_id BETWEEN 20 AND 29 OR id <= 12").fetchall()
    before = gateway.events.last_seq()
    script = "\n".join([
        "SELECT 'probe-psql-session';",
        "SELECT * FROM customers WHERE id BETWEEN 20 AND 29;",
        f"SELECT id FROM customers WHERE email = '{customers[0]['email']}' OR phone = '{customers[1]['phone']}';",
        f"SELECT count(*) FROM customers WHERE iban = '{customers[2]['iban'] or 'none'}';",
        "SELECT body, metadata FROM support_tickets WHERE id <= 12;",
        "COPY (SELECT email, phone FROM customers WHERE id BETWEEN 20 AND 29) TO STDOUT;",
    ])
    result = clients.psql(gateway.dsn(MASKED), script=script)
    assert result.returncode == 0, result.stderr

    async def scenario():
        connection = await asyncpg_connect(gateway)
        try:
            await connection.fetch("SELECT 'probe-asyncpg-session', email, national_id FROM customers "
                                   "WHERE id = ANY($1::int[])", [c["id"] for c in customers])
            await connection.fetch("SELECT id FROM customers WHERE card_number = $1 OR email = $2",
                                   customers[3]["card_number"] or "4111111111111111", customers[4]["email"])
        finally:
            await connection.close()

    asyncio.run(scenario())
    events = gateway.events.wait_for(lambda ev: len([e for e in ev if e.kind == "session_end"]) >= 2, before)
    sessions = {_session_of(events, "probe-psql-session"), _session_of(events, "probe-asyncpg-session")}
    mine = [e for e in events if e.session_id in sessions]
    assert len(statements(mine)) >= 8
    text = json.dumps([e.body for e in mine], ensure_ascii=False)
    raw = set()
    for customer in customers:
        raw.update(v for v in raw_identifiers(customer) if len(v) > 6 and v != str(customer["birth_date"]))
    for (body,) in tickets:
        raw.update(re.findall(r"[\w.+-]+@[\w.-]+\.[a-z]{2,}", body))
    leaked = sorted(v for v in raw if v in text)
    assert leaked == []
    # Masked statements name who they touched.
    assert any(e.payload.get("subjects") for e in statements(mine))
    assert any(e.payload.get("maskedValues") for e in outcomes(mine))
