"""Free loopback ports, picked by letting the kernel choose."""

import socket

# Every port handed out by this process. The kernel may offer a port again as soon as the probe
# socket closes, so two calls for one configuration (its postgres and http listeners) could get
# the same port before either server binds it: a port is never handed out twice.
_handed_out: set[int] = set()


def free_port(host: str = "127.0.0.1") -> int:
    # Binding port 0 asks the kernel for an unused port; there is a small window before the
    # real server binds it, which is acceptable on a test machine.
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
            port = sock.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port
    raise RuntimeError("no loopback port that was not already handed out")


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
