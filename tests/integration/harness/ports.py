"""Free loopback ports, picked by letting the kernel choose."""

import socket


def free_port(host: str = "127.0.0.1") -> int:
    # Binding port 0 asks the kernel for an unused port; there is a small window before the
    # real server binds it, which is acceptable on a test machine.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for_port(host: str, port: int, timeout: float = 10.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False
