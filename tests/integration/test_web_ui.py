"""The web UI in a real headless Chromium (Debian's chromium and chromium-driver, driven by
selenium): an approver signs in through a real OIDC provider (oidc-provider-mock, authorization
code + PKCE), sees the held request, approves it, and the held psql query completes with masked
rows; then reads the session's timeline (inclusion proofs checked), verifies the ledger and
sees the connections. Refusals: self-approval, a user outside the approver groups, posts
without the CSRF token or from another origin, each explained on the page and changing nothing.

A screenshot of every page is saved under $GATEHOUSE_ARTIFACTS (default: artifacts/) in web-ui/.
"""

import os
import re
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By

from harness import clients, ledger
from harness.events import EventStore
from harness.gateway_config import Issuer
from harness.oidc_mock import CLIENT_ID, OidcMock

APPROVAL = {"approver_groups": ["approvers"], "hold_seconds": 60, "max_grant_minutes": 30}
USERS = [
    {"sub": "bob", "preferred_username": "bob", "groups": ["engineers", "approvers", "auditors"]},
    {"sub": "ann", "preferred_username": "ann", "groups": ["engineers", "approvers"]},
    {"sub": "eve", "preferred_username": "eve", "groups": ["engineers", "auditors"]},
]
ARTIFACTS = os.path.join(os.environ.get("GATEHOUSE_ARTIFACTS", os.path.join(os.path.dirname(__file__), "..", "..", "artifacts")),
                         "web-ui")


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    mock = OidcMock(str(tmp_path_factory.mktemp("ui-oidc")), users=USERS).start()
    yield mock
    mock.stop()


@pytest.fixture(scope="module")
def gw(tmp_path_factory, upstream, provider):
    sink = str(tmp_path_factory.mktemp("ui-sink"))
    gateway = ledger.LedgerGateway(
        str(tmp_path_factory.mktemp("web-ui")), upstream, name="web-ui-gw", approval=APPROVAL,
        issuers=[Issuer(provider.issuer, [CLIENT_ID], ["RS256"])],
        ledger={"checkpoint_sink": {"directory": sink}},
        # The mock only issues codes to authenticated clients: a confidential client, secret from the environment.
        web={"login": {"issuer": provider.issuer, "client_id": CLIENT_ID, "client_secret_env": "GH_UI_CLIENT_SECRET"},
             "auditor_groups": ["auditors"]})
    gateway.env["GH_UI_CLIENT_SECRET"] = "ui-test-secret"
    gateway.checkpoint_sink = sink
    gateway.start()
    yield gateway
    gateway.stop()


@pytest.fixture(scope="module")
def artifacts():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    os.makedirs(ARTIFACTS)
    return ARTIFACTS


def make_browser():
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600",
                     "--disable-gpu", "--no-first-run"):
        options.add_argument(argument)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    browser = webdriver.Chrome(options=options, service=service)
    browser.set_page_load_timeout(30)
    return browser


@pytest.fixture
def browser():
    driver = make_browser()
    yield driver
    driver.quit()


def base_url(gw) -> str:
    host, port = gw.gateway.http_address
    return f"http://{host}:{port}"


def shot(browser, artifacts: str, name: str) -> None:
    path = os.path.join(artifacts, f"{name}.png")
    assert browser.save_screenshot(path), f"no screenshot {path}"
    with open(path, "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"


def sign_in(browser, gw, provider, subject: str, path: str = "/ui") -> None:
    """Opens a UI page signed out: the UI sends the browser to the provider, whose consent form
    takes the subject; the callback lands on the page asked for."""
    browser.get(base_url(gw) + path)
    field = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "input[name=sub]"), what="the provider's sign-in form")
    assert browser.current_url.startswith(provider.issuer), browser.current_url
    query = urllib.parse.parse_qs(urllib.parse.urlparse(browser.current_url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0] and query["nonce"][0], query
    field[0].send_keys(subject)
    field[0].submit()
    wait_for(lambda: browser.current_url.startswith(base_url(gw) + "/ui") and "/ui/callback" not in browser.current_url,
             what=lambda: f"the callback to land (at {browser.current_url}: {browser.page_source[-1500:]})")


def wait_for(condition, timeout: float = 20, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except (StaleElementReferenceException, NoSuchElementException):
            value = None  # the page was replaced while we looked (navigation or self-refresh)
        except WebDriverException as error:
            # Chrome reports the same race as an inspector error when the replacement lands
            # between finding an element and reading it.
            if "does not belong to the document" not in str(error):
                raise
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what() if callable(what) else what}")


class HeldPsql:
    """A real psql running a statement that waits for approval, on a thread."""

    def __init__(self, gw, token: str, sql: str):
        self.result = None  # subprocess.CompletedProcess
        dsn = clients.gateway_dsn(gw.port, "shop_approval", token, sslmode="disable", application_name="web-ui-test")
        self.thread = threading.Thread(target=self._run, args=(dsn, sql), daemon=True)
        self.thread.start()

    def _run(self, dsn: str, sql: str) -> None:
        self.result = clients.psql(dsn, sql, timeout=90)

    @property
    def done(self) -> bool:
        return not self.thread.is_alive()


def pending_row(browser, gw, marker_purpose: str) -> str:
    """The request ID on the pending page whose purpose cell names `marker_purpose` (the page refreshes itself)."""
    def find():
        for row in browser.find_elements(By.CSS_SELECTOR, "tbody tr"):
            if marker_purpose in row.text:
                return row.find_element(By.CSS_SELECTOR, "a").text
        return None
    return wait_for(find, timeout=30, what=f"a pending request for {marker_purpose}")


def session_cookie(browser) -> str:
    cookie = browser.get_cookie("gatehouse_session")
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Lax", cookie
    return cookie["value"]


def post_form(gw, path: str, fields: dict, cookie: str | None, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(base_url(gw) + path, data=urllib.parse.urlencode(fields).encode(), method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
    if cookie:
        request.add_header("Cookie", f"gatehouse_session={cookie}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_approver_signs_in_approves_and_the_held_query_completes(gw, provider, browser, artifacts):
    agent = gw.gateway.token("agent-zed", groups=("engineers",), username="zed", agent="claude-code")
    held = HeldPsql(gw, agent, "/* purpose: TICKET-42 refund check */ SELECT full_name, email FROM customers WHERE id <= 3 ORDER BY id")

    sign_in(browser, gw, provider, "bob")
    assert browser.current_url.startswith(base_url(gw) + "/ui/approvals"), browser.current_url
    session_cookie(browser)
    request_id = pending_row(browser, gw, "TICKET-42")
    assert not held.done, "the statement ran before anyone approved it"
    assert browser.find_element(By.CSS_SELECTOR, "meta[http-equiv=refresh]").get_attribute("content") == "5"
    shot(browser, artifacts, "01-pending")

    browser.get(f"{base_url(gw)}/ui/approvals/{request_id}")  # the row links here; the page may refresh under a click
    page = browser.find_element(By.TAG_NAME, "main").text
    for expected in ("zed", "claude-code", "TICKET-42 refund check", "public.customers", "contact", "shop_approval"):
        assert expected in page, (expected, page)
    assert "@" not in page  # the statement shown is the masked one; no address on the page
    shot(browser, artifacts, "02-request")

    browser.find_element(By.ID, "reason").send_keys("refund ticket checked")
    decided_at = time.monotonic()
    browser.find_element(By.CSS_SELECTOR, "button[value=approve]").click()
    wait_for(lambda: "Approved." in browser.find_element(By.TAG_NAME, "main").text, what="the approval outcome")
    shot(browser, artifacts, "03-approved")

    held.thread.join(30)
    assert held.done and held.result.returncode == 0, held.result.stderr
    rows = held.result.stdout.strip().splitlines()
    assert len(rows) == 3 and all("@" not in row for row in rows), rows
    # psql printed the hold's notice: which request held it, and the page where it was decided.
    assert f"NOTICE:  gatehouse: approval request {request_id} holds this statement" in held.result.stderr, held.result.stderr
    assert f"/ui/approvals/{request_id}" in held.result.stderr, held.result.stderr
    print(f"decision (browser click) to psql done: {(time.monotonic() - decided_at) * 1000:.0f} ms")

    events = EventStore(gw.data_dir).since(0)
    approvals = [e for e in events if e.kind == "approval" and e.payload["requestID"] == request_id]
    assert [e.payload["step"] for e in approvals] == ["requested", "approved", "grant_used"]
    approved = approvals[1]
    assert approved.principal["subject"] == "bob" and approved.principal["issuer"] == provider.issuer
    assert approved.payload["comment"] == "refund ticket checked"
    statement = next(e for e in events if e.kind == "statement" and e.session_id == approvals[0].session_id
                     and "TICKET-42" in e.payload["text"])
    assert statement.payload["statementID"] in approvals[0].payload["statementIDs"]

    # The evidence, as an auditor sees it: the session, its timeline with every proof checked.
    browser.get(base_url(gw) + "/ui/sessions")
    shot(browser, artifacts, "04-sessions")
    browser.find_element(By.LINK_TEXT, approvals[0].session_id).click()
    wait_for(lambda: browser.current_url.endswith(f"/ui/sessions/{approvals[0].session_id}"), what="the timeline")
    timeline = browser.find_element(By.TAG_NAME, "main").text
    assert "TICKET-42" in timeline and "@" not in timeline
    assert "<dt>" not in timeline and "&lt;" not in timeline, timeline  # markup rendered, text escaped once
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    indexes = [int(row.find_elements(By.TAG_NAME, "td")[0].text) for row in rows]
    assert statement.seq in indexes and approved.seq in indexes
    assert all("included" in row.find_elements(By.TAG_NAME, "td")[4].text for row in rows), timeline
    shot(browser, artifacts, "05-timeline")

    browser.get(base_url(gw) + "/ui/ledger")
    shot(browser, artifacts, "06-ledger")
    browser.find_element(By.XPATH, "//button[contains(., 'Verify')]").click()
    result = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "[role=status], [role=alert]"), what="the verification result")
    assert "Verified." in result[0].text, result[0].text
    shot(browser, artifacts, "07-ledger-verified")

    # The button is no formality: a sink copy of a checkpoint with its root changed fails it, by name.
    sink = gw.checkpoint_sink
    copy = os.path.join(sink, sorted(os.listdir(sink), key=lambda name: int(name.split(".")[0]))[-1])
    with open(copy) as handle:
        original = handle.read()
    lines = original.split("\n")
    lines[2] = ("A" if lines[2][0] != "A" else "B") + lines[2][1:]
    with open(copy, "w") as handle:
        handle.write("\n".join(lines))
    try:
        browser.get(base_url(gw) + "/ui/ledger")
        browser.find_element(By.XPATH, "//button[contains(., 'Verify')]").click()
        failure = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "[role=alert]"), what="the verification failure")
        assert "Verification failed" in failure[0].text and os.path.basename(copy) in failure[0].text, failure[0].text
        shot(browser, artifacts, "07b-ledger-verify-failed")
    finally:
        with open(copy, "w") as handle:
            handle.write(original)

    browser.get(base_url(gw) + "/ui/connections")
    connections = browser.find_element(By.TAG_NAME, "main").text
    assert "shop_approval" in connections and "public.customers" in connections and "approvers" in connections
    assert "<li>" not in connections, connections
    shot(browser, artifacts, "08-connections")

    browser.find_element(By.XPATH, "//button[contains(., 'Sign out')]").click()
    wait_for(lambda: "signed out" in browser.find_element(By.TAG_NAME, "main").text, what="the sign-out page")
    browser.get(base_url(gw) + "/ui/approvals")
    wait_for(lambda: browser.current_url.startswith(provider.issuer), what="a signed-out page to ask for sign-in again")


def test_refusals_are_explained_and_change_nothing(gw, provider, browser, artifacts):
    # Ann is an approver and the requester: her token comes from the same provider.
    ann_token = provider.id_token("ann")
    held = HeldPsql(gw, ann_token, "/* purpose: TICKET-43 own data */ SELECT email FROM customers WHERE id = 1")

    sign_in(browser, gw, provider, "ann", "/ui/approvals")
    request_id = pending_row(browser, gw, "TICKET-43")
    browser.get(f"{base_url(gw)}/ui/approvals/{request_id}")
    browser.find_element(By.ID, "reason").send_keys("approving my own")
    browser.find_element(By.CSS_SELECTOR, "button[value=approve]").click()
    alert = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "[role=alert]"), what="the refusal")
    assert "Not decided" in alert[0].text and "own request" in alert[0].text, alert[0].text
    shot(browser, artifacts, "09-self-approval-refused")
    ann_cookie = session_cookie(browser)
    csrf = browser.find_element(By.CSS_SELECTOR, "input[name=csrf]").get_attribute("value")

    # Posts without the session's token, with a wrong one, or from another origin: refused, explained.
    decide = f"/ui/approvals/{request_id}/decide"
    form = {"decision": "deny", "reason": "forged"}
    status, body = post_form(gw, decide, form, ann_cookie)
    assert status == 403 and "CSRF token" in body, (status, body)
    status, body = post_form(gw, decide, {**form, "csrf": "x" * len(csrf)}, ann_cookie)
    assert status == 403 and "CSRF token" in body, (status, body)
    status, body = post_form(gw, decide, {**form, "csrf": csrf}, ann_cookie, headers={"Origin": "https://evil.example"})
    assert status == 403 and "https://evil.example" in body, (status, body)
    status, body = post_form(gw, decide, {**form, "csrf": csrf}, None)
    assert status == 403 and "session has ended" in body, (status, body)
    assert not held.done, "a refused post decided the request"

    # Eve audits but does not approve: no approvals pages, and her own valid form post is refused.
    browser.delete_all_cookies()
    sign_in(browser, gw, provider, "eve", "/ui/approvals")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Not permitted" in browser.title and "approver" in page, page
    shot(browser, artifacts, "10-outsider-refused")
    browser.get(base_url(gw) + "/ui/ledger")
    eve_csrf = browser.find_element(By.CSS_SELECTOR, "input[name=csrf]").get_attribute("value")
    status, body = post_form(gw, decide, {"decision": "approve", "reason": "why not", "csrf": eve_csrf}, session_cookie(browser))
    assert status == 403 and "needs the approver or admin role" in body, (status, body)
    assert not held.done

    # Bob denies it in the browser; ann's psql gets GH001 naming the request and its page.
    browser.delete_all_cookies()
    sign_in(browser, gw, provider, "bob", f"/ui/approvals/{request_id}")
    browser.find_element(By.ID, "reason").send_keys("no ticket for own data")
    browser.find_element(By.CSS_SELECTOR, "button[value=deny]").click()
    wait_for(lambda: "Denied." in browser.find_element(By.TAG_NAME, "main").text, what="the denial")
    held.thread.join(30)
    assert held.done and held.result.returncode != 0, held.result.stdout
    message = held.result.stderr
    assert request_id in message and "denied" in message.lower(), message
    assert f"/ui/approvals/{request_id}" in message, message  # the hint links the request's page
    steps = [e.payload["step"] for e in EventStore(gw.data_dir).since(0)
             if e.kind == "approval" and e.payload["requestID"] == request_id]
    assert steps == ["requested", "denied"], steps


def test_demo_style_sign_in_through_the_dev_issuer(tmp_path_factory, upstream, browser, artifacts):
    """Without web.login the dev issuer signs humans in (the demo's path): its own sign-in page,
    then the same code flow with PKCE back to the UI."""
    gateway = ledger.LedgerGateway(str(tmp_path_factory.mktemp("web-ui-dev")), upstream, name="web-ui-dev-gw",
                                   approval=APPROVAL, web={"auditor_groups": ["auditors"]})
    gateway.start()
    try:
        browser.get(base_url(gateway) + "/ui/sessions")
        subject = wait_for(lambda: browser.find_elements(By.ID, "subject"), what="the dev issuer's sign-in page")
        assert "/dev-issuer/authorize" in browser.current_url, browser.current_url
        assert "never enable" in browser.find_element(By.TAG_NAME, "body").text.lower()
        shot(browser, artifacts, "11-dev-issuer-sign-in")
        subject[0].send_keys("dana@example.com")
        browser.find_element(By.ID, "name").send_keys("dana")
        browser.find_element(By.ID, "groups").send_keys("auditors")
        browser.find_element(By.XPATH, "//button[contains(., 'Sign in')]").click()
        wait_for(lambda: browser.current_url == base_url(gateway) + "/ui/sessions", what="the sessions page after sign-in")
        header = browser.find_element(By.TAG_NAME, "header").text
        assert "dana" in header and "auditor" in header, header
        assert not browser.find_elements(By.LINK_TEXT, "Approvals")  # an auditor only
    finally:
        gateway.stop()
