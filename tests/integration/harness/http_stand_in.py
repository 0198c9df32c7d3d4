"""What the harness's HTTP stand-ins (Git, Blob, Kubernetes) share: serving on a thread, waiting
until the port answers, stopping, and removing a working directory they made themselves."""

import os
import shutil
import threading

from .ports import wait_for_port


class ThreadedHTTPStandIn:
    """A base for a stand-in whose `__init__` sets `host`, `port`, `workdir` and `_own_workdir`;
    its `start()` builds the server and hands it to `_serve`."""

    _httpd = None
    _thread: threading.Thread | None = None

    def _serve(self, httpd, thread_name: str, what: str, url: str):
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, name=thread_name, daemon=True)
        self._thread.start()
        if not wait_for_port(self.host, self.port):
            self.stop()
            raise RuntimeError(f"{what} did not start on {url}")
        return self

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._own_workdir and not os.environ.get("GATEHOUSE_KEEP_TMP"):
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
