"""Malformed and oversized client messages over raw sockets: the offending connection gets an
ErrorResponse (08P01) and is closed; other sessions, and new ones, are unaffected."""

import os
import struct

import psycopg
import pytest

from harness.wire import PROTOCOL_3_0, RawClient, error_fields, message, query_message, startup_packet

MAX_MESSAGE_BYTES = 1024 * 1024  # the main gateway's configured max_message_bytes


@pytest.fixture(scope="module")
def bystander(gateway):
    """A session that is open (and idle) while the malformed traffic arrives."""
    with psycopg.connect(gateway.dsn("shop"), autocommit=True) as conn:
        conn.execute("SELECT 1")
        yield conn


def _expect_protocol_error(client: RawClient, codes=("08P01",)):
    messages = client.read_until_closed(timeout=5)
    assert client.closed, f"connection still open after malformed input; got {messages}"
    errors = [error_fields(body) for kind, body in messages if kind == b"E"]
    assert errors, f"no ErrorResponse before close; got {messages}"
    assert errors[-1]["C"] in codes, errors[-1]


def _others_still_work(gateway, bystander):
    assert bystander.execute("SELECT count(*) FROM products").fetchone()[0] == 60
    with psycopg.connect(gateway.dsn("shop"), connect_timeout=10) as fresh:
        assert fresh.execute("SELECT 'fresh session'").fetchone()[0] == "fresh session"
    assert gateway.gateway.alive()


def _logged_in(gateway) -> RawClient:
    client = RawClient("127.0.0.1", gateway.port)
    messages = client.login("shop", gateway.token())
    assert messages and messages[-1][0] == b"Z", messages
    return client


def test_startup_length_too_small(gateway, bystander):
    client = RawClient("127.0.0.1", gateway.port)
    client.send(struct.pack("!II", 3, PROTOCOL_3_0))
    _expect_protocol_error(client)
    _others_still_work(gateway, bystander)


def test_startup_length_one_gigabyte(gateway, bystander):
    client = RawClient("127.0.0.1", gateway.port)
    client.send(struct.pack("!II", 1 << 30, PROTOCOL_3_0) + b"user\0agent\0")
    # Refused from the header alone: the gateway must not wait for (or buffer) a gigabyte.
    _expect_protocol_error(client)
    _others_still_work(gateway, bystander)


def test_unknown_protocol_version(gateway, bystander):
    client = RawClient("127.0.0.1", gateway.port)
    client.send(startup_packet({"user": "agent", "database": "shop"}, version=(4 << 16) | 0))
    # PostgreSQL itself answers 0A000 (feature not supported) here; either code is clear.
    _expect_protocol_error(client, codes=("08P01", "0A000"))
    _others_still_work(gateway, bystander)


def test_garbage_before_startup(gateway, bystander):
    client = RawClient("127.0.0.1", gateway.port)
    client.send(b"GET / HTTP/1.1\r\nHost: gatehouse\r\n\r\n")
    _expect_protocol_error(client)
    _others_still_work(gateway, bystander)


def test_message_length_below_four_after_login(gateway, bystander):
    client = _logged_in(gateway)
    client.send(b"Q" + struct.pack("!I", 2))
    _expect_protocol_error(client)
    _others_still_work(gateway, bystander)


def test_oversized_message_after_login(gateway, bystander):
    client = _logged_in(gateway)
    length = MAX_MESSAGE_BYTES * 4
    # Only the header and a little text: closing with much unread input would make the
    # kernel reset the connection and could discard the ErrorResponse before we read it.
    client.send(b"Q" + struct.pack("!I", length) + b"SELECT '" + b"x" * 64)
    _expect_protocol_error(client)
    _others_still_work(gateway, bystander)


def test_unknown_message_type_after_login(gateway, upstream, bystander):
    client = _logged_in(gateway)
    offset = upstream.server.log_size()
    client.send(message(b"\xfe", b"garbage"))
    _expect_protocol_error(client)
    # Refused by the gateway itself (fail closed), not relayed for PostgreSQL to refuse.
    assert "invalid frontend message type" not in upstream.server.log_since(offset)
    _others_still_work(gateway, bystander)


def test_random_garbage_after_login(gateway, bystander):
    client = _logged_in(gateway)
    client.send(b"\x00" + struct.pack("!I", 64) + os.urandom(60) + os.urandom(256))
    _expect_protocol_error(client)
    _others_still_work(gateway, bystander)


def test_truncated_message_then_close(gateway, bystander):
    # Half a message and a hang-up: nothing to answer, but nothing may break either.
    client = _logged_in(gateway)
    client.send(b"Q" + struct.pack("!I", 100) + b"SELECT")
    client.close()
    _others_still_work(gateway, bystander)


def test_fast_path_function_call_is_refused_and_session_continues(gateway, upstream):
    # FunctionCall ('F') calls a function by OID, out of sight of SQL analysis: the gateway answers
    # it with an error of its own and the server never sees it; the session stays usable.
    client = _logged_in(gateway)
    offset = upstream.server.log_size()
    oid_of_version = 89  # pg_catalog.version()
    # function OID, no argument formats, no arguments, text result
    client.send(message(b"F", struct.pack("!Ihhh", oid_of_version, 0, 0, 0)))
    replies = [client.read_message(), client.read_message()]
    assert replies[0][0] == b"E", replies
    fields = error_fields(replies[0][1])
    assert fields["C"] == "0A000" and "fast-path" in fields["M"], fields
    assert replies[1][0] == b"Z", replies
    client.send(query_message("SELECT 41 + 1"))
    answer = []
    while True:
        reply = client.read_message()
        answer.append(reply)
        if reply is None or reply[0] == b"Z":
            break
    assert any(kind == b"D" and b"42" in body for kind, body in answer if kind), answer
    assert "function call" not in upstream.server.log_since(offset).lower()
    client.close()
