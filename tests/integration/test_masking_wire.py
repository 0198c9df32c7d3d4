"""A raw protocol client on `shop_masked`, for what drivers do not do: executing portals nobody
described (the gateway describes them itself and keeps the answer), row limits, errors between
Parse and Execute, and the FATAL error of a result that cannot be masked."""

import struct

import pytest

from harness import wire
from test_masking_support import MASKED

FAIL_CLOSED = "gatehouse: a result could not be masked, so it was withheld and the session closed"


def _until_ready(client) -> list[tuple[bytes, bytes]]:
    messages = []
    while not messages or messages[-1][0] != b"Z":
        item = client.read_message()
        assert item is not None, f"connection closed after {messages}"
        messages.append(item)
    return messages


def test_copy_binary_fail_closed_on_the_wire(gateway, admin):
    emails = [r[0].encode() for r in admin.execute("SELECT email FROM customers ORDER BY id")]
    client = wire.RawClient("127.0.0.1", gateway.port, timeout=10)
    try:
        login = client.login(MASKED, gateway.token())
        assert login[-1][0] == b"Z", wire.first_error(login)
        assert client.send(wire.query_message(
            "COPY (SELECT id, email FROM customers ORDER BY id) TO STDOUT (FORMAT binary)"))
        messages = client.read_until_closed(timeout=10)
    finally:
        client.close()
    assert client.closed, "the session must end"
    fields = [wire.error_fields(body) for kind, body in messages if kind == b"E"]
    assert len(fields) == 1, messages
    assert (fields[0]["S"], fields[0]["C"]) == ("FATAL", "XX000")
    assert fields[0]["M"].startswith(FAIL_CLOSED)
    data = b"".join(body for kind, body in messages if kind == b"d")
    assert not any(e in data for e in emails)


def _data_row_values(body: bytes) -> list[bytes | None]:
    count = struct.unpack("!h", body[:2])[0]
    values, offset = [], 2
    for _ in range(count):
        length = struct.unpack("!i", body[offset:offset + 4])[0]
        offset += 4
        if length < 0:
            values.append(None)
        else:
            values.append(body[offset:offset + length])
            offset += length
    return values


@pytest.mark.parametrize("result_format", [0, 1])
def test_execute_without_describe(gateway, admin, result_format):
    email = admin.execute("SELECT email FROM customers WHERE id = 1").fetchone()[0]
    client = wire.RawClient("127.0.0.1", gateway.port, timeout=10)
    try:
        login = client.login(MASKED, gateway.token())
        assert login[-1][0] == b"Z", wire.first_error(login)
        assert client.send(_portal_messages("SELECT email FROM customers WHERE id = 1", result_format))
        messages = _until_ready(client)
        kinds = [kind for kind, _ in messages]
        assert kinds == [b"1", b"2", b"D", b"C", b"Z"], messages
        data_row = next(body for kind, body in messages if kind == b"D")
        assert _data_row_values(data_row) == [b"[EMAIL]"]
        assert email.encode() not in b"".join(body for _, body in messages)
        # The session stays usable and in step: a described query next.
        assert client.send(wire.query_message("SELECT email FROM customers WHERE id = 2"))
        follow = _until_ready(client)
        assert [k for k, _ in follow] == [b"T", b"D", b"C", b"Z"]
        assert _data_row_values(follow[1][1]) == [b"[EMAIL]"]
    finally:
        client.close()


def _portal_messages(sql: str, result_format: int) -> bytes:
    bind = wire.message(b"B", b"\0\0" + struct.pack("!hhhh", 0, 0, 1, result_format))
    return _parse(sql) + bind + _execute() + SYNC


def _parse(sql: str, name: bytes = b"") -> bytes:
    return wire.message(b"P", name + b"\0" + sql.encode() + b"\0" + struct.pack("!h", 0))


def _bind(portal: bytes = b"", statement: bytes = b"", params=()) -> bytes:
    body = portal + b"\0" + statement + b"\0" + struct.pack("!hh", 0, len(params))
    for value in params:
        body += struct.pack("!i", len(value)) + value
    return wire.message(b"B", body + struct.pack("!h", 0))


def _execute(portal: bytes = b"", max_rows: int = 0) -> bytes:
    return wire.message(b"E", portal + b"\0" + struct.pack("!i", max_rows))


SYNC = wire.message(b"S")
MASKED_ROW = (b"D", [b"[EMAIL]"])

# (frames, expected (kind, DataRow values or None) up to ReadyForQuery): no Describe anywhere,
# so no RowDescription or NoData may reach the client, and every row is masked.
UNDESCRIBED = {
    "two unnamed statements": (
        _parse("SELECT email FROM customers WHERE id = 1") + _bind() + _execute()
        + _parse("SELECT full_name, id FROM customers WHERE id = 2") + _bind() + _execute() + SYNC,
        [(b"1", None), (b"2", None), MASKED_ROW, (b"C", None),
         (b"1", None), (b"2", None), (b"D", [b"[NAME]", b"2"]), (b"C", None), (b"Z", None)]),
    "suspended portal": (
        _parse("SELECT email FROM customers ORDER BY id") + _bind(b"p") + _execute(b"p", 2) + _execute(b"p", 1) + SYNC,
        [(b"1", None), (b"2", None), MASKED_ROW, MASKED_ROW, (b"s", None), MASKED_ROW, (b"s", None), (b"Z", None)]),
    "named statement bound twice": (
        _parse("SELECT full_name FROM customers WHERE id = $1", b"n1") + _bind(b"", b"n1", (b"5",)) + _execute()
        + _bind(b"", b"n1", (b"6",)) + _execute() + SYNC,
        [(b"1", None), (b"2", None), (b"D", [b"[NAME]"]), (b"C", None),
         (b"2", None), (b"D", [b"[NAME]"]), (b"C", None), (b"Z", None)]),
    "no rows": (
        _parse("SELECT email FROM customers WHERE false") + _bind() + _execute() + SYNC,
        [(b"1", None), (b"2", None), (b"C", None), (b"Z", None)]),
    "parse error": (
        _parse("SELEC email FROM customers") + _bind() + _execute() + SYNC,
        [(b"E", None), (b"Z", None)]),
    "bind error": (
        _parse("SELECT email FROM customers WHERE id = $1") + _bind() + _execute() + SYNC,
        [(b"1", None), (b"E", None), (b"Z", None)]),
}


@pytest.mark.parametrize("case", list(UNDESCRIBED))
def test_execute_without_describe_sequences(gateway, case):
    frames, expected = UNDESCRIBED[case]
    client = wire.RawClient("127.0.0.1", gateway.port, timeout=10)
    got = []
    try:
        login = client.login(MASKED, gateway.token())
        assert login[-1][0] == b"Z", wire.first_error(login)
        for round_trip in (frames, wire.query_message("SELECT email, id FROM customers WHERE id = 3")):
            assert client.send(round_trip)
            messages = _until_ready(client)
            got.append([(kind, _data_row_values(body) if kind == b"D" else None) for kind, body in messages])
    finally:
        client.close()


    # The session stays in step: a described query afterwards gets its own RowDescription.
    assert got == [expected, [(b"T", None), (b"D", [b"[EMAIL]", b"3"]), (b"C", None), (b"Z", None)]]
