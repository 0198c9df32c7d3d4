"""`gatehouse demo` as a test runs it: a fresh data directory outside pytest's private tmp (as
root, the demo's PostgreSQL runs as `postgres`, which must enter it), free ports, and the
printed instructions once it is ready."""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time

from .gateway import binary
from .ports import free_port


@contextlib.contextmanager
def running_demo(*extra_arguments: str):
    """Yields {"output", "port", "http_port", "data_dir"}; stops the demo and removes its files after."""
    directory = tempfile.mkdtemp(prefix="gatehouse-demo-")
    os.chmod(directory, 0o755)
    port, http_port = free_port(), free_port()
    log_path = os.path.join(directory, "demo.log")
    with open(log_path, "w") as log:
        process = subprocess.Popen([binary(), "demo", "--data-dir", os.path.join(directory, "demo"), "--port", str(port),
                                    "--http-port", str(http_port), *extra_arguments], stdout=log, stderr=subprocess.STDOUT)
    try:
        output, deadline = "", time.monotonic() + 90
        while "Stop with Ctrl-C." not in output and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.5)
            output = open(log_path).read()
        yield {"output": output, "port": port, "http_port": http_port, "data_dir": os.path.join(directory, "demo")}
    finally:
        process.terminate()
        process.wait(60)
        shutil.rmtree(directory, ignore_errors=True)
