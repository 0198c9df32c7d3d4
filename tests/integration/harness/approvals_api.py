"""The approvals REST API (docs/approvals-api.md), called as an approver or requester would."""

import json
import urllib.error
import urllib.request


def api(gw, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict | list]:
    """`method path` on the gateway's HTTP listener with the token as Bearer; (status, JSON body)."""
    host, port = gw.gateway.http_address
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://{host}:{port}{path}", data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
