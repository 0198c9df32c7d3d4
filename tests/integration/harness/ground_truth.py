"""The demo's personal values, read straight from the upstream, and the check that none of them
reached what a client received: the ground truth the adversarial tests compare against."""

import psycopg


def personal_values(upstream) -> set:
    """Every personal value of the classified customers table (6 characters or more), read directly."""
    with psycopg.connect(upstream.admin_dsn("shop")) as conn:
        rows = conn.execute("SELECT full_name, email, phone, national_id, card_number, iban FROM customers").fetchall()
    values = {str(v) for row in rows for v in row if v is not None and len(str(v)) >= 6}
    assert len(values) > 100
    return values


def leaked(text: str, raw: set) -> list:
    """Raw values in `text`, whatever their case (`upper(full_name)` is the same name)."""
    folded = text.lower()
    return sorted(value for value in raw if value.lower() in folded)
