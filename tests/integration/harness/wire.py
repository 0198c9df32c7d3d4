"""A raw PostgreSQL protocol 3.0 client over a plain socket, for what libpq will not send:
malformed and oversized messages, empty passwords, exact SQLSTATEs of refused logins."""

import socket
import ssl
import struct
import time

PROTOCOL_3_0 = 196608
SSL_REQUEST_CODE = 80877103


def message(kind: bytes, payload: bytes = b"") -> bytes:
    return kind + struct.pack("!I", len(payload) + 4) + payload


def startup_packet(params: dict, version: int = PROTOCOL_3_0) -> bytes:
    body = struct.pack("!I", version)
    for key, value in params.items():
        body += key.encode() + b"\0" + value.encode() + b"\0"
    body += b"\0"
    return struct.pack("!I", len(body) + 4) + body


def password_message(password: str) -> bytes:
    return message(b"p", password.encode() + b"\0")


def query_message(sql: str) -> bytes:
    return message(b"Q", sql.encode() + b"\0")


def error_fields(body: bytes) -> dict:
    """ErrorResponse/NoticeResponse body -> {'S': 'FATAL', 'C': '28P01', 'M': '...'}."""
    fields = {}
    for part in body.split(b"\0"):
        if part:
            fields[chr(part[0])] = part[1:].decode(errors="replace")
    return fields


class RawClient:
    def __init__(self, host: str, port: int, timeout: float = 5.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""
        self.closed = False

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data: bytes) -> bool:
        """False when the server has already closed the connection."""
        try:
            self.sock.sendall(data)
            return True
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            return False

    def negotiate_tls(self) -> bool:
        self.sock.sendall(struct.pack("!II", 8, SSL_REQUEST_CODE))
        answer = self.sock.recv(1)
        if answer != b"S":
            return False
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        self.sock = context.wrap_socket(self.sock)
        return True

    def _fill(self) -> bool:
        try:
            chunk = self.sock.recv(65536)
        except (ConnectionResetError, ssl.SSLError, OSError):
            chunk = b""
        if not chunk:
            self.closed = True
            return False
        self.buffer += chunk
        return True

    def read_message(self) -> tuple[bytes, bytes] | None:
        """The next (type, body), or None once the server closed the connection."""
        while len(self.buffer) < 5:
            if not self._fill():
                return None
        length = struct.unpack("!I", self.buffer[1:5])[0]
        while len(self.buffer) < 1 + length:
            if not self._fill():
                return None
        kind, body = self.buffer[:1], self.buffer[5:1 + length]
        self.buffer = self.buffer[1 + length:]
        return kind, body

    def read_until_closed(self, timeout: float = 5.0) -> list[tuple[bytes, bytes]]:
        """Everything the server sends until it closes; stops (closed=False) on timeout."""
        messages = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                item = self.read_message()
            except (socket.timeout, TimeoutError):
                break
            if item is None:
                break
            messages.append(item)
        return messages

    def login(self, database: str, password: str, user: str = "agent", tls: bool = True,
              extra: dict | None = None) -> list[tuple[bytes, bytes]]:
        """Startup + cleartext password; returns messages through ReadyForQuery or the error."""
        if tls and not self.negotiate_tls():
            raise RuntimeError("server declined TLS")
        self.sock.sendall(startup_packet({"user": user, "database": database, **(extra or {})}))
        messages = []
        while True:
            item = self.read_message()
            if item is None:
                return messages
            messages.append(item)
            kind, body = item
            if kind == b"R" and struct.unpack("!I", body[:4])[0] == 3:  # AuthenticationCleartextPassword
                self.sock.sendall(password_message(password))
            elif kind in (b"Z", b"E"):
                return messages


def first_error(messages: list[tuple[bytes, bytes]]) -> dict | None:
    for kind, body in messages:
        if kind == b"E":
            return error_fields(body)
    return None
