"""The stand-ins' HTTP server: threaded, with the TLS handshake (when there is a context) done in
each connection's own thread, so a slow or broken client cannot stall accept() for everyone else."""

import http.server
import ssl


class ThreadingTLSServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, context: ssl.SSLContext | None, request_timeout: float):
        self.ssl_context = context
        self.request_timeout = request_timeout
        super().__init__(address, handler)

    def finish_request(self, request, client_address):
        if self.ssl_context is None:
            return super().finish_request(request, client_address)
        request.settimeout(self.request_timeout)
        try:
            wrapped = self.ssl_context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        try:
            super().finish_request(wrapped, client_address)
        finally:
            try:
                wrapped.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):  # a client hanging up is not news
        pass
