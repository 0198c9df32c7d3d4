"""Masking outside result rows on `shop_masked`: error and notice fields, NOTIFY payloads,
COPY TO STDOUT (text, csv, binary)."""

import csv
import io
import threading

import psycopg
import pytest
from psycopg import errors

from test_masking_support import MASKED, direct_customers, masked_customer



@pytest.fixture
def conn(gateway):
    with psycopg.connect(gateway.dsn(MASKED), autocommit=True, connect_timeout=10) as connection:
        yield connection


def _email(admin, customer_id: int) -> str:
    return admin.execute("SELECT email FROM customers WHERE id = %s", [customer_id]).fetchone()[0]


def test_unique_violation_detail_masked(conn, admin):
    email = _email(admin, 7)
    with pytest.raises(errors.UniqueViolation) as raised:
        with conn.transaction():
            conn.execute("INSERT INTO customers (full_name, email, phone, national_id, birth_date, city, country, "
                         "created_at) VALUES ('Probe', %s, '+49 30 1234567', 'T00000000', '1990-01-01', 'Berlin', "
                         "'DE', now())", [email])
    diag = raised.value.diag
    assert diag.message_primary == 'duplicate key value violates unique constraint "customers_email_key"'
    assert diag.message_detail == "Key (email)=([EMAIL]) already exists."
    assert diag.sqlstate == "23505"
    assert email not in str(raised.value) and email.split("@")[0] not in (diag.message_detail or "")
    # The transaction was rolled back and the session goes on.
    assert conn.execute("SELECT count(*) FROM customers").fetchone()[0] == 1000


def test_failing_row_detail_masked(conn, admin):
    original = direct_customers(admin, where="WHERE id = 11")[0]
    with pytest.raises(errors.NotNullViolation) as raised:
        conn.execute("UPDATE customers SET phone = NULL WHERE id = %s", [11])
    diag = raised.value.diag
    assert diag.message_primary == 'null value in column "phone" of relation "customers" violates not-null constraint'
    # PostgreSQL lists the whole row here; none of its personal data may show.
    assert diag.message_detail.startswith("Failing row contains (")
    for column in ("full_name", "email", "national_id", "card_number", "iban", "birth_date"):
        if original[column] is not None:
            assert str(original[column]) not in diag.message_detail, column
    assert original["email"].split("@")[0] not in str(raised.value)


def test_error_message_with_identifier_masked(conn):
    with pytest.raises(errors.InvalidTextRepresentation) as raised:
        conn.execute("SELECT %s::text::int", ["zoe.kelly@example.org"])
    assert raised.value.diag.message_primary == 'invalid input syntax for type integer: "[EMAIL]"'


RAISE_NOTICE = ("DO $$ BEGIN RAISE NOTICE 'write to %', 'ana.probe@example.net' "
                "USING DETAIL = 'card 4111 1111 1111 1111, Ana Probe', HINT = 'or call +49 30 1234567'; END $$")


def collect_notices(connection) -> list:
    received = []
    # Read the fields inside the handler: the result behind `diag` is freed afterwards.
    connection.add_notice_handler(lambda d: received.append((d.severity, d.message_primary, d.message_detail, d.message_hint)))
    return received


def test_raise_notice_of_code_the_gateway_cannot_see_is_masked_whole(conn):
    # On a connection with personal data, a DO block's messages can say anything in any shape
    # (a name is no pattern): every text field is masked whole.
    received = collect_notices(conn)
    conn.execute(RAISE_NOTICE)
    assert received == [("NOTICE", "[PERSONAL-DATA]", "[PERSONAL-DATA]", "[PERSONAL-DATA]")]


def test_raise_notice_on_a_connection_without_personal_data_gets_the_detectors(gateway):
    with psycopg.connect(gateway.dsn("shop"), autocommit=True, connect_timeout=10) as plain:
        received = collect_notices(plain)
        plain.execute(RAISE_NOTICE)
    assert received == [("NOTICE", "write to [EMAIL]", "card [CARD], Ana Probe", "or call [PHONE]")]


def test_notify_payload_masked(gateway, conn, admin):
    conn.execute("LISTEN masking_probe")
    # Sent directly upstream: the payload can only have been masked on the way to the listener.
    admin.execute("SELECT pg_notify('masking_probe', 'customer ana.probe@example.net, IBAN DE89370400440532013000')")
    received = list(conn.notifies(timeout=5, stop_after=1))
    assert [(n.channel, n.payload) for n in received] == [("masking_probe", "customer [EMAIL], IBAN [IBAN]")]


def test_notify_payload_through_gateway(gateway, conn):
    conn.execute("LISTEN masking_probe2")
    with psycopg.connect(gateway.dsn("shop"), autocommit=True) as other:
        other.execute("NOTIFY masking_probe2, 'no identifiers here, order 42'")
    received = list(conn.notifies(timeout=5, stop_after=1))
    assert [n.payload for n in received] == ["no identifiers here, order 42"]


COPY_COLUMNS = ("id", "full_name", "email", "phone", "card_number", "city", "notes")
COPY_QUERY = f"SELECT {', '.join(COPY_COLUMNS)} FROM customers ORDER BY id"


def _expected_copy_rows(admin) -> list[tuple]:
    rows = []
    for original in direct_customers(admin, COPY_COLUMNS):
        masked = masked_customer(original)
        rows.append(tuple(None if masked[c] is None else str(masked[c]) for c in COPY_COLUMNS))
    return rows


def _matches(got: list[tuple], expected: list[tuple]) -> None:
    assert len(got) == len(expected) == 1000
    for row, want in zip(got, expected):
        assert tuple(row) == want, want[0]


def test_copy_text_masked(conn, admin):
    with conn.cursor() as cur:
        with cur.copy(f"COPY ({COPY_QUERY}) TO STDOUT") as copy:
            rows = [tuple(r) for r in copy.rows()]
    _matches(rows, _expected_copy_rows(admin))


def test_copy_csv_header_masked(conn, admin):
    def read(connection):
        with connection.cursor() as cur:
            with cur.copy(f"COPY ({COPY_QUERY}) TO STDOUT (FORMAT csv, HEADER)") as copy:
                return b"".join(bytes(block) for block in copy).decode()

    text = read(conn)
    direct_text = read(admin)
    records = list(csv.reader(io.StringIO(text)))
    assert records[0] == list(COPY_COLUMNS)
    assert len(records) == len(list(csv.reader(io.StringIO(direct_text)))) == 1001
    # csv: NULL is an empty unquoted field; compare on that rendering.
    expected = [tuple("" if v is None else v for v in row) for row in _expected_copy_rows(admin)]
    _matches([tuple(r) for r in records[1:]], expected)


@pytest.mark.parametrize("options, header", [
    ("(FORMAT csv, HEADER, DELIMITER ';')", "id;email;city"),
    # HEADER in text format (PostgreSQL 15 and later) is a header too.
    ("(FORMAT text, HEADER)", "id\temail\tcity"),
])
def test_copy_header_intact_with_options(conn, options, header):
    with conn.cursor() as cur:
        with cur.copy(f"COPY (SELECT id, email, city FROM customers WHERE id <= 2 ORDER BY id) TO STDOUT {options}") as copy:
            lines = b"".join(bytes(block) for block in copy).decode().splitlines()
    separator = header[2]
    cities = [line.split(separator)[2] for line in lines[1:]]
    assert lines == [header] + [f"{i}{separator}[EMAIL]{separator}{city}" for i, city in zip((1, 2), cities)]
    assert cities == ["Madrid", "Dublin"]


def test_copy_binary_of_unmasked_columns_passes(conn, admin):
    query = "COPY (SELECT id, price, in_stock FROM products ORDER BY id) TO STDOUT (FORMAT binary)"

    def read(connection):
        with connection.cursor() as cur:
            with cur.copy(query) as copy:
                return b"".join(bytes(block) for block in copy)

    assert read(conn) == read(admin)


def test_copy_binary_of_classified_columns_fails_closed(gateway, admin):
    emails = [r[0] for r in admin.execute("SELECT email FROM customers ORDER BY id LIMIT 200")]
    received = b""
    with psycopg.connect(gateway.dsn(MASKED), autocommit=True) as connection:
        with pytest.raises(psycopg.Error):
            with connection.cursor() as cur:
                with cur.copy("COPY (SELECT id, email FROM customers ORDER BY id) TO STDOUT (FORMAT binary)") as copy:
                    for block in copy:
                        received += bytes(block)
        # The session is over: nothing more goes through it.
        with pytest.raises(psycopg.OperationalError):
            connection.execute("SELECT 1")
    assert not any(e.encode() in received for e in emails)


def test_concurrent_sessions_do_not_mix(gateway, admin):
    # Two sessions on the same connection at once, one masked query each, many times.
    failures = []

    def worker(offset):
        try:
            with psycopg.connect(gateway.dsn(MASKED), autocommit=True) as connection:
                for i in range(20):
                    row = connection.execute("SELECT id, email, city FROM customers WHERE id = %s",
                                             [offset + i]).fetchone()
                    if row[:2] != (offset + i, "[EMAIL]"):
                        failures.append(row)
        except Exception as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=worker, args=(start,)) for start in (1, 101, 201)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
