"""Session fixtures for Gatehouse's real-client integration tests.

One PostgreSQL (demo data, SCRAM/md5/TLS logins, statement logging), one oidc-provider-mock,
one main gateway (TLS) and, on demand, a loopback gateway without TLS. When a test fails,
the gateways' output and the server log tail are attached to its report.
"""

import os
import shutil
import tempfile

import pytest

from harness import stack
from harness.oidc_mock import OidcMock

# Everything started in this session whose output helps explain a failure.
_diagnostics: list = []


@pytest.fixture(scope="session")
def workdir():
    path = tempfile.mkdtemp(prefix="gatehouse-it-")
    yield path
    if not os.environ.get("GATEHOUSE_KEEP_TMP"):
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def upstream():
    cluster = stack.start_upstream()
    _diagnostics.append(("postgres log", lambda: cluster.server.read_log()[-4000:]))
    yield cluster
    cluster.server.cleanup()


@pytest.fixture(scope="session")
def oidc_mock(workdir):
    mock = OidcMock(workdir, users=[
        {"sub": "carol", "groups": ["engineers"], "preferred_username": "carol", "email": "carol@example.com"},
    ]).start()
    yield mock
    mock.stop()


@pytest.fixture(scope="session")
def gateway(workdir, upstream, oidc_mock):
    under_test = stack.start_main_gateway(workdir, upstream, oidc_mock)
    _diagnostics.append(("main gateway", under_test.gateway.output))
    yield under_test
    under_test.gateway.stop()


@pytest.fixture(scope="session")
def loopback_gateway(workdir, upstream):
    under_test = stack.start_loopback_gateway(workdir, upstream)
    _diagnostics.append(("loopback gateway", under_test.gateway.output))
    yield under_test
    under_test.gateway.stop()


@pytest.fixture
def admin(upstream):
    """A direct superuser connection to the upstream `shop` database (bypasses the gateway)."""
    import psycopg

    with psycopg.connect(upstream.admin_dsn("shop"), autocommit=True) as conn:
        yield conn


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for title, produce in _diagnostics:
            try:
                report.sections.append((title, produce()))
            except Exception as error:  # diagnostics must never hide the real failure
                report.sections.append((title, f"(unavailable: {error})"))
