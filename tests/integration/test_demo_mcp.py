"""`gatehouse demo` (what scripts/demo.sh runs): its MCP endpoint used the way the printed client
configuration shows, with the official MCP Python SDK over the demo's TLS listener and its own
certificate. The demo's database password stays inside the demo process, so the masked values are
checked against the demo's redaction form rather than read back from the database."""

import json
import os
import re
import ssl
import subprocess
import urllib.request

import pytest

from harness import mcp_client
from harness.demo import running_demo
from harness.gateway import binary


@pytest.fixture(scope="module")
def demo():
    with running_demo() as running:
        output = running["output"]
        url = re.search(r'"url": "(https://\S+/mcp)"', output)
        psql = re.search(r'psql "host=127\.0\.0\.1 port=(\d+) dbname=shop user=alice sslmode=require password=(\S+)"', output)
        cert = re.search(r"the client trusting (\S+)", output)
        assert url and psql and cert, output
        yield {"url": url.group(1), "token": psql.group(2), "cert": cert.group(1), "http_port": running["http_port"],
               "config": os.path.join(running["data_dir"], "gatehouse.yaml"), "data_dir": running["data_dir"]}


def approve_all(demo) -> int:
    """As bob (approvers), approves every pending request through the REST API."""
    token = subprocess.run([binary(), "token", "--config", demo["config"], "--sub", "bob@example.com", "--groups",
                            "engineers,approvers"], capture_output=True, text=True, check=True).stdout.strip()
    context = ssl.create_default_context(cafile=demo["cert"])

    def call(method, path, body=None):
        request = urllib.request.Request(f"https://127.0.0.1:{demo['http_port']}{path}", method=method,
                                         data=json.dumps(body).encode() if body else None,
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        return json.loads(urllib.request.urlopen(request, context=context, timeout=30).read())
    pending = call("GET", "/api/v1/approvals")
    for request in pending:
        call("POST", f"/api/v1/approvals/{request['id']}/approve", {"reason": "demo test"})
    return len(pending)


def test_the_printed_mcp_configuration_works_over_tls(demo):
    async def scenario():
        async with mcp_client.session(demo["url"], demo["token"], cafile=demo["cert"]) as mcp:
            listed = await mcp.call_tool("list_connections", {})
            products = await mcp.call_tool("query", {"connection": "shop", "sql": "SELECT sku, name FROM products ORDER BY id LIMIT 5"})
            held = await mcp.call_tool("query", {"connection": "shop", "sql": "SELECT id, email FROM customers ORDER BY id LIMIT 3",
                                                 "purpose": "DEMO-1 contact check"})
            assert held.structured_content["status"] == "pending", held.content[0].text
            assert approve_all(demo) == 1
            released = await mcp.call_tool("approval_status", {"request_id": held.structured_content["request_id"], "wait_seconds": 20})
            return listed, products, released
    listed, products, released = mcp_client.run(scenario())
    assert [c["name"] for c in listed.structured_content["connections"]] == ["shop"]
    assert not products.is_error and len(products.structured_content["rows"]) == 5
    assert not released.is_error, released.content[0].text
    emails = [row[1] for row in released.structured_content["rows"]]
    # The demo redacts contact data whole (docs/masking.md): no address survives, in part or whole.
    assert emails == ["[EMAIL]"] * 3, emails
