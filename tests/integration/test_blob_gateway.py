"""Azure Blob Storage through Gatehouse (docs/blob.md), with the unmodified Azure SDK for Python.

The upstream is harness/blob_server.py's stand-in for the Blob service (no real emulator can be
installed here; test_blob_standin.py shows it behaves like the service with the same SDK). It
verifies every Shared Key signature, so a request the gateway signs wrongly fails here. The
agent side is the real `azure-storage-blob` SDK over TLS with the gateway's certificate and the
dev issuer's OIDC token as its bearer token. Ground truth is read from the stand-in's storage,
never from the gateway.
"""

import base64
import contextlib
import csv
import hashlib
import io
import json
import os
import re
import secrets
import time
import urllib.error
import urllib.request
import ssl
import threading

import pytest
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError
from azure.storage.blob import BlobServiceClient

from harness import certs
from harness.azure_credential import GatehouseToken
from harness.blob_server import BlobStandIn, federated_assertion
from harness.events import EventStore
from harness.gateway import Gateway
from harness.gateway_config import BlobConnection, GatewayConfig
from harness.ports import free_port

ACCOUNT = "acme"
EMAIL = re.compile(rb"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")

CUSTOMERS = [
    {"id": 1, "name": "Alice Example", "email": "alice.example@example.com", "plan": "gold", "note": "call +49 30 1234567"},
    {"id": 2, "name": "Bob Muster", "email": "bob.muster@example.org", "plan": "silver", "note": "IBAN DE89 3704 0044 0532 0130 00"},
]
PEOPLE_CSV = ("id,full_name,email,city\n"
              "1,Alice Example,alice.example@example.com,Berlin\n"
              "2,\"Muster, Bob\",bob.muster@example.org,Köln\n")

PERSONAL_DATA = [
    {"container": "exports", "blobs": "customers/**", "category": "contact", "format": "json",
     "json_fields": {"$[*].name": "name"}},
    {"container": "exports", "blobs": "people/*.csv", "category": "contact", "columns": {"full_name": "name"}},
    {"container": "hr-*", "category": "hr-record"},
]


@pytest.fixture(scope="module")
def blob(workdir):
    directory = os.path.join(workdir, "blob-gateway")
    os.makedirs(directory, exist_ok=True)
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    server = BlobStandIn(ACCOUNT, key).start()
    server.create_container("exports")
    server.create_container("hr-files")
    server.put("exports", "customers/export.json", json.dumps(CUSTOMERS, indent=2).encode(), content_type="application/json")
    server.put("exports", "people/all.csv", PEOPLE_CSV.encode(), content_type="text/csv")
    server.put("exports", "notes/today.txt", b"ping carol@example.net about the invoice\n", content_type="text/plain")
    server.put("exports", "customers/dave@example.com.json", b"[]", content_type="application/json")
    server.put("hr-files", "contracts/alice.pdf", b"%PDF-1.7 alice.example@example.com", content_type="application/pdf")
    cert, cert_key = certs.write_self_signed(directory, "gateway")
    config = GatewayConfig(
        data_dir=os.path.join(directory, "data"), postgres_address="127.0.0.1", postgres_port=free_port(),
        http_port=free_port(), connections=[], http_listener={"tls": {"cert": cert, "key": cert_key}},
        blob_connections=[BlobConnection(
            "exports", server.account_url, ACCOUNT, "ACME_STORAGE_KEY", allowed_groups=["engineers", "support"],
            read_write_groups=["engineers"], personal_data=PERSONAL_DATA, approval={"mode": "never"},
            operations=["list-containers", "container-properties", "create-container", "list-blobs", "blob-properties",
                        "get-blob", "put-blob", "put-block", "put-block-list", "delete-blob"])])
    gateway = Gateway(os.path.join(directory, "gw"), config.yaml(), env={"ACME_STORAGE_KEY": key}, name="gateway-blob").start()
    yield {"server": server, "gateway": gateway, "cert": cert, "key": key,
           "url": f"https://127.0.0.1:{gateway.http_address[1]}/blob/exports", "data_dir": config.data_dir}
    gateway.stop()
    server.stop()


def client(blob, token: str | None = None, **kwargs) -> BlobServiceClient:
    token = token or blob["gateway"].token("alice", groups=("engineers",))
    return BlobServiceClient(blob["url"], credential=GatehouseToken(token), connection_verify=blob["cert"], **kwargs)


def identifiers(data: bytes) -> set[bytes]:
    """The e-mail addresses in the original bytes: none may reach the agent."""
    return set(EMAIL.findall(data))


def raw_get(blob, path: str, token: str | None, headers: dict | None = None) -> tuple[int, dict, bytes]:
    port = blob["gateway"].http_address[1]
    request = urllib.request.Request(f"https://127.0.0.1:{port}{path}", headers=dict(headers or {}))
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    request.add_header("x-ms-version", "2025-01-05")
    context = ssl.create_default_context(cafile=blob["cert"])
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


# --- the SDK, unchanged ---------------------------------------------------------------------------

def test_upload_and_download_of_an_unclassified_blob_in_blocks_and_chunks(blob):
    service = client(blob, max_single_put_size=1024 * 1024, max_block_size=1024 * 1024, max_chunk_get_size=512 * 1024,
                     max_single_get_size=512 * 1024)
    data = secrets.token_bytes(3 * 1024 * 1024 + 123)
    container = service.get_container_client("exports")
    container.upload_blob("backups/random.bin", data, overwrite=True)
    assert blob["server"].stored("exports", "backups/random.bin") == data
    for concurrency in (1, 4):
        downloaded = container.download_blob("backups/random.bin", max_concurrency=concurrency).readall()
        assert downloaded == data, f"max_concurrency={concurrency}"
    assert container.download_blob("backups/random.bin", validate_content=True).readall() == data
    names = [b.name for b in container.list_blobs(name_starts_with="backups/")]
    assert names == ["backups/random.bin"]
    container.delete_blob("backups/random.bin")
    assert not blob["server"].exists("exports", "backups/random.bin")


def test_every_upstream_request_was_signed_by_the_gateway_never_with_the_agents_token(blob):
    client(blob).get_container_client("exports").get_container_properties()
    requests = blob["server"].requests
    assert requests, "nothing reached the stand-in"
    assert {r.auth_scheme for r in requests} == {"SharedKey"}
    assert all(r.signature_verified for r in requests), [r for r in requests if not r.signature_verified]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_classified_json_export_is_masked_in_every_download_mode(blob, concurrency):
    service = client(blob, max_chunk_get_size=64, max_single_get_size=64)
    original = blob["server"].stored("exports", "customers/export.json")
    downloaded = service.get_container_client("exports").download_blob(
        "customers/export.json", max_concurrency=concurrency, validate_content=True).readall()
    assert not identifiers(original) & identifiers(downloaded) and b"@" not in downloaded
    assert b"+49 30" not in downloaded and b"DE89" not in downloaded
    records = json.loads(downloaded)
    assert [r["name"] for r in records] == ["[NAME]", "[NAME]"]
    assert [r["email"] for r in records] == ["[EMAIL]", "[EMAIL]"]
    # Unclassified fields are byte-identical.
    assert [(r["id"], r["plan"]) for r in records] == [(c["id"], c["plan"]) for c in CUSTOMERS]
    # The size the SDK was told is the masked size.
    properties = service.get_blob_client("exports", "customers/export.json").get_blob_properties()
    assert properties.size == len(downloaded)


def test_a_classified_csv_stays_valid_csv_with_its_column_masked(blob):
    downloaded = client(blob).get_container_client("exports").download_blob("people/all.csv").readall()
    rows = list(csv.reader(io.StringIO(downloaded.decode())))
    assert rows[0] == ["id", "full_name", "email", "city"]
    assert [row[1] for row in rows[1:]] == ["[NAME]", "[NAME]"]
    assert [row[2] for row in rows[1:]] == ["[EMAIL]", "[EMAIL]"]
    assert [row[3] for row in rows[1:]] == ["Berlin", "Köln"]


def test_an_unclassified_text_blob_gets_the_detectors(blob):
    downloaded = client(blob).get_container_client("exports").download_blob("notes/today.txt").readall()
    assert downloaded == b"ping [EMAIL] about the invoice\n"


def test_a_binary_blob_on_a_classified_path_is_withheld_with_a_reason(blob):
    with pytest.raises(HttpResponseError) as raised:
        client(blob).get_container_client("hr-files").download_blob("contracts/alice.pdf").readall()
    assert raised.value.status_code == 403
    assert "cannot mask" in str(raised.value)
    assert "alice.example" not in str(raised.value)


def test_listings_mask_blob_names_and_never_name_the_account(blob):
    names = [b.name for b in client(blob).get_container_client("exports").list_blobs(name_starts_with="customers/")]
    assert "customers/export.json" in names
    assert not any("@" in name for name in names), names
    token = blob["gateway"].token("alice", groups=("engineers",))
    status, _, body = raw_get(blob, "/blob/exports/exports?restype=container&comp=list", token)
    assert status == 200
    assert b"dave@example.com" not in body and ACCOUNT.encode() not in body.replace(b"/blob/exports", b"")


def test_paging_markers_are_sealed_so_they_cannot_be_decoded_into_names(blob):
    container = client(blob).get_container_client("exports")
    paged = [b.name for b in container.list_blobs(name_starts_with="customers/", results_per_page=1)]
    assert sorted(paged) == sorted(b.name for b in container.list_blobs(name_starts_with="customers/"))
    assert len(paged) == 2
    token = blob["gateway"].token("alice", groups=("engineers",))
    status, _, body = raw_get(blob, "/blob/exports/exports?restype=container&comp=list&prefix=customers/&maxresults=1", token)
    marker = re.search(rb"<NextMarker>([^<]+)</NextMarker>", body).group(1)
    assert marker.startswith(b"gh1.")
    assert b"dave" not in base64.urlsafe_b64decode(marker[4:] + b"=" * (-len(marker[4:]) % 4))
    status, headers, body = raw_get(blob, "/blob/exports/exports?restype=container&comp=list&marker=2!88!forged", token)
    assert status == 400 and headers.get("x-ms-error-code") == "InvalidQueryParameterValue"


def test_missing_not_found_is_the_services_error(blob):
    with pytest.raises(ResourceNotFoundError):
        client(blob).get_container_client("exports").download_blob("no/such.bin").readall()


# --- refusals: service-style errors, nothing forwarded -------------------------------------------

def refused_upstream(blob, before: int) -> list:
    return blob["server"].requests[before:]


def test_operations_outside_the_allow_list_are_refused_before_the_upstream(blob):
    service = client(blob)
    container = service.get_container_client("exports")
    before = len(blob["server"].requests)
    with pytest.raises(HttpResponseError) as copy:
        container.get_blob_client("copy.json").start_copy_from_url("https://evil.example/x.json")
    assert copy.value.status_code == 403 and "x-ms-copy-source" in str(copy.value)
    with pytest.raises(HttpResponseError) as acl:
        container.set_container_access_policy(signed_identifiers={})
    assert acl.value.status_code == 403 and "comp=acl" in str(acl.value)
    with pytest.raises(Exception) as batch:
        container.delete_blobs("customers/export.json", "people/all.csv")
    assert "comp=batch" in str(batch.value) or "403" in str(batch.value)
    assert refused_upstream(blob, before) == []
    assert blob["server"].exists("exports", "customers/export.json")


def test_a_read_only_group_may_not_write(blob):
    support = client(blob, token=blob["gateway"].token("sam", groups=("support",)))
    before = len(blob["server"].requests)
    with pytest.raises(HttpResponseError) as raised:
        support.get_container_client("exports").upload_blob("support/x.txt", b"hello", overwrite=True)
    assert raised.value.status_code == 403 and "may only read" in str(raised.value)
    assert refused_upstream(blob, before) == []


def test_an_upload_adding_an_email_is_refused_and_not_stored(blob):
    before = len(blob["server"].requests)
    with pytest.raises(HttpResponseError) as raised:
        client(blob).get_container_client("exports").upload_blob("inbox/note.txt", b"reach me at erin@example.com", overwrite=True)
    assert raised.value.status_code == 403 and "email" in str(raised.value)
    assert refused_upstream(blob, before) == []
    assert not blob["server"].exists("exports", "inbox/note.txt")


def test_metadata_adding_an_identifier_is_refused_like_content(blob):
    before = len(blob["server"].requests)
    container = client(blob).get_container_client("exports")
    with pytest.raises(HttpResponseError) as raised:
        container.upload_blob("inbox/meta.txt", b"plain text", overwrite=True, metadata={"owner": "frank@example.com"})
    assert raised.value.status_code == 403 and "metadata" in str(raised.value) and "email" in str(raised.value)
    assert refused_upstream(blob, before) == []
    assert not blob["server"].exists("exports", "inbox/meta.txt")


@pytest.mark.parametrize("token_kind", ["none", "garbage", "other-group"])
def test_callers_without_a_valid_token_in_an_allowed_group_are_refused(blob, token_kind):
    before = len(blob["server"].requests)
    if token_kind == "none":
        status, headers, body = raw_get(blob, "/blob/exports/exports?restype=container", None)
        assert status == 401 and headers.get("x-ms-error-code") == "NoAuthenticationInformation"
    elif token_kind == "garbage":
        with pytest.raises(ClientAuthenticationError):
            client(blob, token="not-a-token").get_container_client("exports").get_container_properties()
    else:
        with pytest.raises(HttpResponseError) as raised:
            client(blob, token=blob["gateway"].token("mallory", groups=("marketing",))).get_container_client(
                "exports").get_container_properties()
        assert raised.value.status_code == 403
    assert refused_upstream(blob, before) == []


@pytest.mark.parametrize("path", ["/blob/exports/exports/a/..%2F..%2Fhr-files/contracts/alice.pdf", "/blob/exports/exports/%2e%2e/hr-files/x",
                                  "/blob/exports/exports/a%5C..%5Cb", "/blob/exports/Exports/a"])
def test_names_that_could_escape_the_container_are_refused(blob, path):
    token = blob["gateway"].token("alice", groups=("engineers",))
    before = len(blob["server"].requests)
    status, headers, body = raw_get(blob, path, token)
    assert status == 400 and b"<Error>" in body, (status, body)
    assert refused_upstream(blob, before) == []


# --- the evidence ---------------------------------------------------------------------------------

def test_a_masked_download_is_recorded_before_and_after_with_what_the_client_got(blob):
    events = EventStore(blob["data_dir"])
    seq = events.last_seq()
    downloaded = client(blob).get_container_client("exports").download_blob("people/all.csv").readall()
    recorded = events.wait_for(lambda evs: any(e.kind == "blob" and e.payload.get("phase") == "response" for e in evs), seq=seq)
    blob_events = [e for e in recorded if e.kind == "blob"]
    request = next(e for e in blob_events if e.payload["phase"] == "request")
    response = next(e for e in blob_events if e.payload["phase"] == "response")
    assert request.seq < response.seq
    assert request.payload["operation"] == "get-blob" and request.payload["decision"] == "allowed"
    assert response.payload["sha256"] == hashlib.sha256(downloaded).hexdigest()
    assert response.payload["bytesToClient"] == len(downloaded)
    assert response.payload["maskedValues"] >= 4
    assert response.payload.get("subjects"), "whom the download named is in the subject index"


def test_a_large_export_is_masked_whole_and_its_record_counts_everyone_it_names(blob):
    """Over 1 MiB, the gateway masks the array on every core: the agent still gets no one's
    address, the document stays whole and in order, and the record counts every person while
    keeping the digests of the first 1,000 (docs/blob.md)."""
    people = [{"id": n, "name": f"Person {n}", "email": f"person.{n}@example.com", "plan": "gold"} for n in range(12_000)]
    blob["server"].put("exports", "customers/large.json", json.dumps(people + people).encode(), content_type="application/json")
    original = blob["server"].stored("exports", "customers/large.json")
    assert len(original) > 1 << 20
    events = EventStore(blob["data_dir"])
    seq = events.last_seq()
    downloaded = client(blob, max_single_get_size=1 << 20, max_chunk_get_size=1 << 20).get_container_client("exports") \
        .download_blob("customers/large.json", max_concurrency=4).readall()
    assert not identifiers(original) & identifiers(downloaded) and b"@" not in downloaded
    records = json.loads(downloaded)
    assert [(r["id"], r["name"], r["email"], r["plan"]) for r in records] == [(p["id"], "[NAME]", "[EMAIL]", "gold") for p in people + people]
    recorded = events.wait_for(lambda evs: any(e.kind == "blob" and e.payload.get("phase") == "response" for e in evs), seq=seq)
    responses = [e for e in recorded if e.kind == "blob" and e.payload["phase"] == "response"]
    assert responses and all(r.payload["maskedValues"] == 2 * len(people) for r in responses)   # a name and an address each
    assert all(r.payload.get("subjectsTruncated") is True for r in responses)
    assert all(len(r.payload["subjects"]) == 1_000 for r in responses)


def test_a_large_ndjson_file_is_masked_line_by_line_and_counts_everyone(blob):
    """An unclassified NDJSON file over 1 MiB is cut at line ends and masked on every core: no
    address of the stand-in's copy reaches the agent, every line is still there in order, CRLF and
    blank lines kept, and the record counts every address."""
    lines = [json.dumps({"n": n, "note": f"mail person.{n}@example.com"}) for n in range(20_000)]
    content = ("\r\n".join(lines) + "\n\n" + "\n".join(lines) + "\n").encode()
    blob["server"].put("exports", "notes/large.ndjson", content, content_type="application/x-ndjson")
    original = blob["server"].stored("exports", "notes/large.ndjson")
    assert len(original) > 1 << 20
    events = EventStore(blob["data_dir"])
    seq = events.last_seq()
    downloaded = client(blob).get_container_client("exports").download_blob("notes/large.ndjson", max_concurrency=4).readall()
    assert not identifiers(original) & identifiers(downloaded) and b"@" not in downloaded
    assert downloaded.count(b"\r\n") == original.count(b"\r\n") and downloaded.count(b"\n") == original.count(b"\n")
    expected = [{"n": n, "note": "mail [EMAIL]"} for n in range(20_000)]
    assert [json.loads(line) for line in downloaded.splitlines() if line.strip()] == expected + expected
    recorded = events.wait_for(lambda evs: any(e.kind == "blob" and e.payload.get("phase") == "response" for e in evs), seq=seq)
    responses = [e for e in recorded if e.kind == "blob" and e.payload["phase"] == "response"]
    assert responses and all(r.payload["maskedValues"] == 20_000 and len(r.payload["subjects"]) == 1_000 for r in responses)


# --- Entra ID as the upstream credential ---------------------------------------------------------

@contextlib.contextmanager
def gateway_for(directory: str, connection: BlobConnection, env: dict | None = None):
    """A gateway over TLS serving one Blob connection; yields it and its certificate."""
    cert, cert_key = certs.write_self_signed(directory, "gateway")
    config = GatewayConfig(
        data_dir=os.path.join(directory, "data"), postgres_address="127.0.0.1", postgres_port=free_port(),
        http_port=free_port(), connections=[], http_listener={"tls": {"cert": cert, "key": cert_key}},
        blob_connections=[connection])
    gateway = Gateway(os.path.join(directory, "gw"), config.yaml(), env=env or {},
                      name=f"gateway-{os.path.basename(directory)}").start()
    try:
        yield gateway, cert
    finally:
        gateway.stop()


def test_entra_id_client_credentials_sign_the_gateway_in_and_a_refused_token_is_renewed_once(workdir):
    directory = os.path.join(workdir, "blob-entra")
    os.makedirs(directory, exist_ok=True)
    secret = secrets.token_urlsafe(24)
    server = BlobStandIn(ACCOUNT, base64.b64encode(secrets.token_bytes(32)).decode(), tenant_id="contoso",
                         client_id="gatehouse-app", client_secret=secret).start()
    try:
        server.create_container("lake")
        server.put("lake", "raw/events.bin", b"\x00\x01binary", content_type="application/octet-stream")
        connection = BlobConnection("lake", server.account_url, None, None, entra_id={
            "tenant_id": "contoso", "client_id": "gatehouse-app", "client_secret_env": "LAKE_SECRET", "authority_url": server.url})
        with gateway_for(directory, connection, env={"LAKE_SECRET": secret}) as (gateway, cert):
            token = gateway.token("alice", groups=("engineers",))
            service = BlobServiceClient(f"https://127.0.0.1:{gateway.http_address[1]}/blob/lake",
                                        credential=GatehouseToken(token), connection_verify=cert)
            container = service.get_container_client("lake")
            assert container.download_blob("raw/events.bin").readall() == b"\x00\x01binary"
            assert server.token_requests == 1
            server.expire_all_tokens()
            assert container.download_blob("raw/events.bin").readall() == b"\x00\x01binary"
            assert server.token_requests == 2, "a refused token is renewed once"
            # The account only ever saw the gateway's own tokens, never the agent's.
            bearer = [r for r in server.requests if r.auth_scheme == "Bearer"]
            assert bearer and all(token not in str(r) for r in server.requests)
            assert [r.signature_verified for r in bearer].count(True) >= 2
    finally:
        server.stop()


def test_a_shared_access_signature_is_appended_upstream_and_narrows_what_the_gateway_can_do(workdir):
    directory = os.path.join(workdir, "blob-sas")
    os.makedirs(directory, exist_ok=True)
    server = BlobStandIn(ACCOUNT, base64.b64encode(secrets.token_bytes(32)).decode()).start()
    try:
        server.create_container("lake")
        server.put("lake", "raw/readme.txt", b"nothing personal here\n", content_type="text/plain")
        sas = server.account_sas(permission="rl", resource_types="sco")
        connection = BlobConnection("lake", server.account_url, None, None, sas_env="LAKE_SAS", read_write_groups=["engineers"],
                                    upload_scan="off")
        with gateway_for(directory, connection, env={"LAKE_SAS": "?" + sas}) as (gateway, cert):
            token = gateway.token("alice", groups=("engineers",))
            service = BlobServiceClient(f"https://127.0.0.1:{gateway.http_address[1]}/blob/lake",
                                        credential=GatehouseToken(token), connection_verify=cert)
            container = service.get_container_client("lake")
            assert [b.name for b in container.list_blobs()] == ["raw/readme.txt"]
            assert container.download_blob("raw/readme.txt").readall() == b"nothing personal here\n"
            # The SAS allows reading and listing only: the gateway cannot write with it either,
            # and the agent sees the service's refusal, never the signature.
            with pytest.raises(HttpResponseError) as raised:
                container.upload_blob("raw/new.txt", b"hello", overwrite=True)
            assert raised.value.error_code == "AuthorizationPermissionMismatch"
            signature = dict(pair.split("=", 1) for pair in sas.split("&"))["sig"]
            assert signature not in str(raised.value) and not server.exists("lake", "raw/new.txt")
            upstream = server.requests
            assert upstream and all(r.auth_scheme == "SAS" for r in upstream)
            assert [r.signature_verified for r in upstream].count(True) >= 2
            # A request carrying the agent's own SAS is refused before the account.
            before = len(server.requests)
            status, headers, body = raw_get({"gateway": gateway, "cert": cert}, f"/blob/lake/lake/raw/readme.txt?{sas}", token)
            assert status == 403 and b"shared access signature" in body and server.requests[before:] == []
    finally:
        server.stop()


def test_workload_identity_reads_the_federated_token_file_at_every_token_request(workdir):
    from cryptography.hazmat.primitives.asymmetric import rsa
    directory = os.path.join(workdir, "blob-federated")
    os.makedirs(directory, exist_ok=True)
    server = BlobStandIn(ACCOUNT, base64.b64encode(secrets.token_bytes(32)).decode(), tenant_id="contoso").start()
    try:
        issuer, subject = "https://oidc.cluster.example", "system:serviceaccount:gatehouse:gatehouse"
        cluster_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        server.register_federated_client("contoso", "gatehouse-app", issuer, subject, cluster_key.public_key())
        token_file = os.path.join(directory, "azure-identity-token")
        with open(token_file, "w") as f:
            f.write(federated_assertion(cluster_key, issuer, subject))
        server.create_container("lake")
        server.put("lake", "raw/events.bin", b"\x00\x01binary", content_type="application/octet-stream")
        connection = BlobConnection("lake", server.account_url, None, None, entra_id={
            "tenant_id": "contoso", "client_id": "gatehouse-app", "federated_token_file": token_file, "authority_url": server.url})
        with gateway_for(directory, connection) as (gateway, cert):
            service = BlobServiceClient(f"https://127.0.0.1:{gateway.http_address[1]}/blob/lake",
                                        credential=GatehouseToken(gateway.token("alice", groups=("engineers",))),
                                        connection_verify=cert, retry_total=0)
            container = service.get_container_client("lake")
            assert container.download_blob("raw/events.bin").readall() == b"\x00\x01binary"
            # The kubelet rotated the file to a token Entra ID refuses: the next token request
            # reads it, fails, and the request fails closed with the endpoint's error code.
            with open(token_file, "w") as f:
                f.write(federated_assertion(cluster_key, "https://elsewhere.example", subject))
            server.expire_all_tokens()
            with pytest.raises(HttpResponseError) as raised:
                container.download_blob("raw/events.bin").readall()
            assert raised.value.status_code >= 500 and "invalid_client" in str(raised.value)
            assert cluster_key is not None and "eyJ" not in str(raised.value)
            with open(token_file, "w") as f:
                f.write(federated_assertion(cluster_key, issuer, subject))
            assert container.download_blob("raw/events.bin").readall() == b"\x00\x01binary"
    finally:
        server.stop()


def test_an_identifier_split_across_blocks_is_found_where_the_blocks_join(blob):
    # Blocks of 16 bytes: the address's domain alone is longer than a block, so no block holds
    # the whole address and each block's own scan passes; the block list's seam scan finds it.
    data = b"abcdefghij reach erin.example@examplecompanymail.com soon, thanks!\n" * 2
    assert all(not EMAIL.search(data[i:i + 16]) for i in range(0, len(data), 16))
    service = client(blob, max_single_put_size=16, max_block_size=16)
    before = len(blob["server"].requests)
    with pytest.raises(HttpResponseError) as raised:
        service.get_container_client("exports").upload_blob("inbox/split.txt", data, overwrite=True)
    assert raised.value.status_code == 403 and "where they join (email" in str(raised.value)
    forwarded = [r.operation for r in blob["server"].requests[before:]]
    assert forwarded and set(forwarded) == {"PutBlock"}, forwarded
    assert not blob["server"].exists("exports", "inbox/split.txt")
    # Blocks of plain text join into plain text and commit.
    service.get_container_client("exports").upload_blob("inbox/plain.txt", b"nothing to see in these words " * 4, overwrite=True)
    assert blob["server"].stored("exports", "inbox/plain.txt") == b"nothing to see in these words " * 4


def test_a_block_list_naming_a_block_the_gateway_never_scanned_is_refused(blob):
    # A block staged straight at the account (with its key, around the gateway) holds an email.
    direct = BlobServiceClient(blob["server"].account_url, credential={"account_name": ACCOUNT, "account_key": blob["key"]})
    block_id = base64.b64encode(b"smuggled-0001").decode()
    direct.get_blob_client("exports", "inbox/smuggled.txt").stage_block(block_id, b"contact grace@example.com")
    before = len(blob["server"].requests)
    from azure.storage.blob import BlobBlock
    with pytest.raises(HttpResponseError) as raised:
        client(blob).get_blob_client("exports", "inbox/smuggled.txt").commit_block_list([BlobBlock(block_id)])
    assert raised.value.status_code == 403 and "was not uploaded through this gateway" in str(raised.value)
    assert refused_upstream(blob, before) == []
    assert not blob["server"].exists("exports", "inbox/smuggled.txt")


# --- approval -------------------------------------------------------------------------------------

def approvals_api(gateway, cert: str, token: str, method: str, path: str, body: dict | None = None):
    """The approvals REST API over the gateway's TLS listener."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"https://127.0.0.1:{gateway.http_address[1]}{path}", data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, context=ssl.create_default_context(cafile=cert), timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture(scope="module")
def held(workdir):
    """A connection whose classified blobs wait for the `dpo` group's approval."""
    directory = os.path.join(workdir, "blob-approval")
    os.makedirs(directory, exist_ok=True)
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    server = BlobStandIn(ACCOUNT, key).start()
    server.create_container("exports")
    server.put("exports", "customers/export.json", json.dumps(CUSTOMERS).encode(), content_type="application/json")
    cert, cert_key = certs.write_self_signed(directory, "gateway")
    config = GatewayConfig(
        data_dir=os.path.join(directory, "data"), postgres_address="127.0.0.1", postgres_port=free_port(),
        http_port=free_port(), connections=[], http_listener={"tls": {"cert": cert, "key": cert_key}},
        blob_connections=[BlobConnection("exports", server.account_url, ACCOUNT, "ACME_STORAGE_KEY", personal_data=PERSONAL_DATA,
                                         read_write_groups=["engineers"], upload_scan="hold",
                                         approval={"approver_groups": ["dpo"], "hold_seconds": 30})])
    gateway = Gateway(os.path.join(directory, "gw"), config.yaml(), env={"ACME_STORAGE_KEY": key}, name="gateway-blob-held").start()
    yield {"server": server, "gateway": gateway, "cert": cert, "data_dir": config.data_dir,
           "url": f"https://127.0.0.1:{gateway.http_address[1]}/blob/exports"}
    gateway.stop()
    server.stop()


def download_in_background(held, token: str) -> dict:
    """Starts the SDK download of the classified export; the result lands in the returned dict."""
    outcome: dict = {}

    def run():
        service = BlobServiceClient(held["url"], credential=GatehouseToken(token), connection_verify=held["cert"],
                                    max_chunk_get_size=64, max_single_get_size=64)
        try:
            outcome["data"] = service.get_container_client("exports").download_blob("customers/export.json",
                                                                                    max_concurrency=2).readall()
        except Exception as error:  # the test inspects it
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    outcome["thread"] = thread
    return outcome


def pending(held, approver: str) -> list:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        status, body = approvals_api(held["gateway"], held["cert"], approver, "GET", "/api/v1/approvals")
        assert status == 200, body
        if body:
            return body
        time.sleep(0.1)
    return []


def test_a_classified_download_waits_for_approval_and_then_completes_masked(held):
    gateway, server = held["gateway"], held["server"]
    agent = gateway.token("agent-zed", groups=("engineers",))
    approver = gateway.token("dpo-dana", groups=("dpo",))
    events = EventStore(held["data_dir"])
    seq = events.last_seq()
    server.clear_requests()
    outcome = download_in_background(held, agent)
    [request] = pending(held, approver)
    assert request["blobs"] == ["exports/customers/export.json"] and request["operations"] == ["get-blob"]
    assert request["categories"] == ["contact"]
    assert not outcome["thread"].join(0.5) and "data" not in outcome, "the download finished before approval"
    assert server.requests == [], "the blob was read upstream before approval"
    # Four-eyes: the requester cannot approve its own download.
    status, _ = approvals_api(gateway, held["cert"], agent, "POST", f"/api/v1/approvals/{request['id']}/approve",
                              {"reason": "mine", "grant": {"kind": "one-time"}})
    assert status in (403, 404)
    status, body = approvals_api(gateway, held["cert"], approver, "POST", f"/api/v1/approvals/{request['id']}/approve",
                                 {"reason": "TICKET-7 export check", "grant": {"kind": "one-time"}})
    assert status == 200, body
    outcome["thread"].join(30)
    assert "error" not in outcome, outcome.get("error")
    data = outcome["data"]
    assert json.loads(data)[0]["email"] == "[EMAIL]" and b"@" not in data
    recorded = events.since(seq)
    steps = [(e.kind, e.payload.get("step") or e.payload.get("phase")) for e in recorded if e.kind in ("approval", "blob")]
    first = {step: steps.index(step) for step in reversed(steps)}
    assert first[("approval", "requested")] < first[("approval", "approved")] < first[("approval", "grant_used")] \
        < first[("blob", "request")] < first[("blob", "response")], steps
    allowed = next(e for e in recorded if e.kind == "blob" and e.payload.get("phase") == "request")
    assert allowed.payload["approval"] == request["id"]


def test_a_denied_download_is_refused_with_the_request_named_and_nothing_read(held):
    gateway, server = held["gateway"], held["server"]
    approver = gateway.token("dpo-dana", groups=("dpo",))
    server.clear_requests()
    # Another requester: grants are per requester, so nothing granted before covers this one.
    outcome = download_in_background(held, gateway.token("agent-yan", groups=("engineers",)))
    [request] = pending(held, approver)
    status, body = approvals_api(gateway, held["cert"], approver, "POST", f"/api/v1/approvals/{request['id']}/deny",
                                 {"reason": "no ticket"})
    assert status == 200, body
    outcome["thread"].join(30)
    error = outcome.get("error")
    assert isinstance(error, HttpResponseError) and error.status_code == 403, error
    assert request["id"] in str(error) and "denied" in str(error) and f"/ui/approvals/{request['id']}" in str(error)
    assert server.requests == []


def test_with_upload_scan_hold_an_upload_adding_an_email_waits_for_an_approver(held):
    gateway, server = held["gateway"], held["server"]
    approver = gateway.token("dpo-dana", groups=("dpo",))
    token = gateway.token("agent-xi", groups=("engineers",))
    outcome: dict = {}

    def run():
        service = BlobServiceClient(held["url"], credential=GatehouseToken(token), connection_verify=held["cert"])
        try:
            service.get_container_client("exports").upload_blob("notes/call.txt", b"call back grace@example.com", overwrite=True)
            outcome["done"] = True
        except Exception as error:  # the test inspects it
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    [request] = pending(held, approver)
    assert request["operations"] == ["put-blob"] and any("adds personal identifiers (email)" in r for r in request["reasons"])
    assert not server.exists("exports", "notes/call.txt")
    status, body = approvals_api(gateway, held["cert"], approver, "POST", f"/api/v1/approvals/{request['id']}/approve",
                                 {"reason": "customer asked for the callback note", "grant": {"kind": "one-time"}})
    assert status == 200, body
    thread.join(30)
    assert outcome.get("done"), outcome.get("error")
    assert server.stored("exports", "notes/call.txt") == b"call back grace@example.com"

