"""The MCP endpoint's Azure Blob tools (docs/mcp.md), with the official MCP Python SDK: each call
is a request to the gateway's own Blob adapter, authenticated, held, masked and recorded as the
Azure SDK's would be. The upstream is harness/blob_server.py's stand-in for the Blob service
(no real emulator can be installed here), which verifies the gateway's Shared Key signatures.
Ground truth is read from the stand-in's storage and its request log, never from the gateway."""

import base64
import json
import os
import re
import secrets

import pytest

from harness import mcp_client
from harness.approvals_api import api
from harness.blob_server import BlobStandIn
from harness.events import EventStore
from harness.gateway import Gateway
from harness.gateway_config import BlobConnection, GatewayConfig
from harness.ports import free_port

ACCOUNT = "acme"
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
CUSTOMERS = [
    {"id": 1, "name": "Alice Example", "email": "alice.example@example.com", "plan": "gold"},
    {"id": 2, "name": "Bob Muster", "email": "bob.muster@example.org", "plan": "silver"},
]
NOTE = "ping carol@example.net about the invoice\n"


class Running:
    """What `approvals_api.api` takes: something with the running `gateway`."""

    def __init__(self, gateway):
        self.gateway = gateway


@pytest.fixture(scope="module")
def blob(workdir):
    directory = os.path.join(workdir, "mcp-blob")
    os.makedirs(directory, exist_ok=True)
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    server = BlobStandIn(ACCOUNT, key).start()
    server.create_container("exports")
    server.put("exports", "customers/export.json", json.dumps(CUSTOMERS, indent=2).encode(), content_type="application/json")
    server.put("exports", "customers/archive.json", json.dumps(CUSTOMERS[:1]).encode(), content_type="application/json")
    server.put("exports", "notes/today.txt", NOTE.encode(), content_type="text/plain")
    config = GatewayConfig(
        data_dir=os.path.join(directory, "data"), postgres_address="127.0.0.1", postgres_port=free_port(), http_port=free_port(),
        connections=[], mcp={"enabled": True},
        blob_connections=[BlobConnection(
            "files", server.account_url, ACCOUNT, "ACME_STORAGE_KEY", allowed_groups=["engineers"],
            personal_data=[{"container": "exports", "blobs": "customers/**", "category": "contact", "format": "json",
                            "json_fields": {"$[*].name": "name"}}],
            approval={"approver_groups": ["approvers"], "hold_seconds": 60})])
    gateway = Gateway(os.path.join(directory, "gw"), config.yaml(), env={"ACME_STORAGE_KEY": key}, name="gateway-mcp-blob").start()
    yield {"server": server, "gateway": gateway, "url": mcp_client.endpoint(gateway), "data_dir": config.data_dir,
           "agent": gateway.token("agent-mia", username="mia"), "approver": gateway.token("dpo-ola", groups=("engineers", "approvers"))}
    gateway.stop()
    server.stop()


def text_of(result) -> str:
    return "\n".join(getattr(c, "text", "") for c in result.content) + json.dumps(result.structured_content)


def test_the_blob_tools_list_and_read_with_identifiers_masked(blob):
    async def scenario():
        async with mcp_client.session(blob["url"], blob["agent"]) as mcp:
            tools = {tool.name for tool in (await mcp.list_tools()).tools}
            listed = await mcp.call_tool("list_connections", {})
            containers = await mcp.call_tool("blob_list", {"connection": "files"})
            folders = await mcp.call_tool("blob_list", {"connection": "files", "container": "exports"})
            notes = await mcp.call_tool("blob_list", {"connection": "files", "container": "exports", "prefix": "notes/"})
            read = await mcp.call_tool("blob_read", {"connection": "files", "container": "exports", "blob": "notes/today.txt"})
            return tools, listed, containers, folders, notes, read
    tools, listed, containers, folders, notes, read = mcp_client.run(scenario())
    assert {"blob_list", "blob_read"} <= tools
    assert listed.structured_content["connections"] == [{"name": "files", "type": "azure-blob", "tools": ["blob_list", "blob_read"]}]
    assert containers.structured_content["containers"] == ["exports"]
    assert sorted(folders.structured_content["prefixes"]) == ["customers/", "notes/"]
    assert [b["name"] for b in notes.structured_content["blobs"]] == ["notes/today.txt"]
    assert not read.is_error, text_of(read)
    stored = blob["server"].stored("exports", "notes/today.txt").decode()
    content = read.structured_content["content"]
    assert EMAIL.findall(stored) and not any(address in content for address in EMAIL.findall(stored))
    assert content.startswith("ping ") and content.endswith(" about the invoice\n")


def held_read(blob, decide, name="customers/export.json"):
    """A read of a classified blob: held; `decide(request_id)` runs; then approval_status. (A
    one-time grant covers the same blob for the hold time, as a download's chunks, so each test
    reads a blob of its own.)"""
    async def scenario():
        async with mcp_client.session(blob["url"], blob["agent"]) as mcp:
            first = await mcp.call_tool("blob_read", {"connection": "files", "container": "exports", "blob": name,
                                                      "purpose": "TICKET-3 plan audit"})
            assert first.structured_content["status"] == "pending", text_of(first)
            request_id = first.structured_content["request_id"]
            decide(request_id)
            final = await mcp.call_tool("approval_status", {"request_id": request_id, "wait_seconds": 20})
            return request_id, final
    return mcp_client.run(scenario())


def test_a_classified_blob_is_held_then_read_masked_after_approval(blob):
    before = EventStore(blob["data_dir"]).last_seq()

    def approve(request_id):
        status, body = api(Running(blob["gateway"]), blob["approver"], "GET", f"/api/v1/approvals/{request_id}")
        assert status == 200 and body["purpose"]["text"] == "TICKET-3 plan audit", body
        status, body = api(Running(blob["gateway"]), blob["approver"], "POST", f"/api/v1/approvals/{request_id}/approve", {"reason": "audit"})
        assert status == 200, body
    request_id, final = held_read(blob, approve)
    assert not final.is_error, text_of(final)
    masked = json.loads(final.structured_content["content"])
    original = json.loads(blob["server"].stored("exports", "customers/export.json"))
    assert [row["plan"] for row in masked] == [row["plan"] for row in original]
    for row, source in zip(masked, original):
        assert row["name"] != source["name"] and source["email"] not in json.dumps(masked)
    events = EventStore(blob["data_dir"]).since(before)
    steps = [e.payload.get("step") for e in events if e.kind == "approval" and e.payload.get("requestID") == request_id]
    assert steps[:3] == ["requested", "approved", "grant_used"], steps
    assert any(e.kind == "blob" and e.payload.get("approval") == request_id for e in events)


def test_a_denied_blob_read_is_an_error_naming_the_request(blob):
    def deny(request_id):
        status, body = api(Running(blob["gateway"]), blob["approver"], "POST", f"/api/v1/approvals/{request_id}/deny", {"reason": "no"})
        assert status == 200, body
    request_id, final = held_read(blob, deny, name="customers/archive.json")
    assert final.is_error and request_id in final.content[0].text and "403" in final.content[0].text, text_of(final)


def test_blob_tools_refuse_what_the_connection_refuses_and_nothing_is_forwarded(blob):
    server = blob["server"]
    outsider = blob["gateway"].token("ext-max", groups=("marketing",))
    server.clear_requests()
    refused = mcp_client.call(blob["url"], outsider, "blob_list", {"connection": "files"})
    assert refused.is_error and "28000" in refused.content[0].text
    bad = mcp_client.call(blob["url"], blob["agent"], "blob_read", {"connection": "files", "container": "Exports!", "blob": "x"})
    assert bad.is_error and "22023" in bad.content[0].text
    traversal = mcp_client.call(blob["url"], blob["agent"], "blob_read", {"connection": "files", "container": "exports",
                                                                         "blob": "notes/../customers/export.json"})
    assert traversal.is_error, text_of(traversal)
    assert server.requests == [], server.requests
