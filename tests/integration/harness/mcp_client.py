"""The official MCP Python SDK (PyPI `mcp`) as the client of Gatehouse's /mcp endpoint, over
Streamable HTTP with an OIDC token as the bearer token, as an agent's MCP client is configured."""

import asyncio
import contextlib
import ssl

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client
from mcp.types import Implementation


def endpoint(gateway) -> str:
    host, port = gateway.http_address
    return f"http://{host}:{port}/mcp"


def http_client(token: str, cafile: str | None = None) -> httpx2.AsyncClient:
    """The SDK's own HTTP client, or over TLS one that trusts `cafile` (the demo's certificate)."""
    headers = {"Authorization": f"Bearer {token}"}
    if cafile is None:
        return create_mcp_http_client(headers=headers)
    return httpx2.AsyncClient(headers=headers, verify=ssl.create_default_context(cafile=cafile), timeout=httpx2.Timeout(30, read=300))


@contextlib.asynccontextmanager
async def session(url: str, token: str, client_name: str = "pytest-agent", cafile: str | None = None):
    """An initialised MCP session."""
    async with http_client(token, cafile) as http:
        async with streamable_http_client(url, http_client=http) as streams:
            async with ClientSession(streams[0], streams[1], client_info=Implementation(name=client_name, version="1.0")) as mcp:
                await mcp.initialize()
                yield mcp


def run(scenario):
    """Runs an async scenario to its end (the tests are synchronous)."""
    return asyncio.run(scenario)


def call(url: str, token: str, tool: str, arguments: dict):
    """One tool call in a session of its own."""
    async def scenario():
        async with session(url, token) as mcp:
            return await mcp.call_tool(tool, arguments)
    return run(scenario())
