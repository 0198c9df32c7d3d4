"""A real OIDC provider process (PyPI's oidc-provider-mock) and its authorization code flow.

The mock signs ID tokens with RS256; its issuer is its own base URL and the audience is the
client_id we choose. Extra user claims (groups) are passed at start with --user-claims.
"""

import http.client
import json
import os
import subprocess
import sys
import urllib.parse

from .ports import free_port, wait_for_port
from .processes import stop_process

CLIENT_ID = "gatehouse-tests"
REDIRECT_URI = "http://127.0.0.1/callback"


class OidcMock:
    def __init__(self, workdir: str, users: list[dict]):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(workdir, "oidc-provider-mock.log")
        self.users = users
        self.process: subprocess.Popen | None = None

    def start(self) -> "OidcMock":
        args = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(self.port)]
        for user in self.users:
            args += ["--user-claims", json.dumps(user)]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        if not wait_for_port("127.0.0.1", self.port, timeout=20):
            self.stop()
            raise RuntimeError(f"oidc-provider-mock did not start; see {self.log_path}")
        return self

    def stop(self) -> None:
        stop_process(self.process)

    def _request(self, method: str, path: str, form: dict) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, path, body=urllib.parse.urlencode(form),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        return conn.getresponse()

    def id_token(self, sub: str) -> str:
        """Authorization code flow: post the subject on the consent form, exchange the code."""
        query = urllib.parse.urlencode({"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI,
                                        "scope": "openid profile email", "state": "state-1", "nonce": "nonce-1"})
        response = self._request("POST", f"/oauth2/authorize?{query}", {"sub": sub})
        location = response.getheader("Location") or ""
        response.read()
        codes = urllib.parse.parse_qs(urllib.parse.urlparse(location).query).get("code")
        if response.status != 302 or not codes:
            raise RuntimeError(f"authorization failed: HTTP {response.status}, Location {location!r}")
        response = self._request("POST", "/oauth2/token", {
            "grant_type": "authorization_code", "code": codes[0], "redirect_uri": REDIRECT_URI,
            "client_id": CLIENT_ID, "client_secret": "unused-secret"})
        body = json.loads(response.read())
        if response.status != 200:
            raise RuntimeError(f"token exchange failed: HTTP {response.status}: {body}")
        from .gateway import MINTED_TOKENS
        MINTED_TOKENS.add(body["id_token"])
        return body["id_token"]
