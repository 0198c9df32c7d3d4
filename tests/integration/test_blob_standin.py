"""The Azure Blob stand-in (`harness/blob_server.py`) checked with the official SDK, no gateway.

The gateway's Azure Blob tests are only meaningful if the stand-in alone behaves like the service
for the unmodified `azure-storage-blob` SDK: Shared Key, account SAS and bearer-token
authentication (tokens for a client secret, a certificate or a federated credential), single-shot
and block uploads, ranged and parallel downloads, MD5 content validation, listings with prefixes,
delimiters and pages, metadata, conditional requests and the service's error codes. Raw
`http.client` requests, signed by deliberately simple signers written here, check what the SDK
never sends: tampered signed headers and SAS fields, stale dates, chunked uploads, no credentials,
malformed or unsupported SAS.
"""

import base64
import datetime
import hashlib
import http.client
import json
import math
import os
import ssl
import time
import urllib.error
import urllib.request
import uuid
from email.utils import formatdate
from urllib.parse import parse_qsl, urlencode

import pytest
from azure.core import MatchConditions
from azure.core.credentials import AccessToken
from azure.core.exceptions import (ClientAuthenticationError, HttpResponseError, ResourceExistsError,
                                   ResourceModifiedError, ResourceNotFoundError)
from azure.storage.blob import BlobServiceClient, ContentSettings, generate_account_sas
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from harness.blob_server import (FEDERATED_AUDIENCE, JWT_BEARER, STORAGE_SCOPE, BlobStandIn, federated_assertion,
                                 federated_key_id, service_header_order)
from harness.certs import write_self_signed

ACCOUNT = "gatehousetest"
KEY = base64.b64encode(b"stand-in account key, 64 bytes long, for tests only.............").decode()
TENANT = "contoso-tenant"
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
CLIENT_SECRET = "s3cret-value"
KIB, MIB = 1024, 1024 * 1024


# --- fixtures ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def standin():
    server = BlobStandIn(ACCOUNT, KEY).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tls_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("blob-tls")


@pytest.fixture(scope="module")
def tls_standin(tls_dir):
    cert, key = write_self_signed(str(tls_dir), "blob")
    server = BlobStandIn(ACCOUNT, KEY, tls_cert=cert, tls_key=key, tenant_id=TENANT, client_id=CLIENT_ID,
                         client_secret=CLIENT_SECRET).start()
    server.cert_path = cert
    yield server
    server.stop()


def _client(server, key=KEY, **config) -> BlobServiceClient:
    # No retries: every request the SDK makes shows up exactly once in the log, and a failure fails.
    return BlobServiceClient(server.account_url, credential={"account_name": ACCOUNT, "account_key": key},
                             retry_total=0, **config)


def _name(prefix: str = "c") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def _since(server, mark: int):
    return server.requests[mark:]


# --- an independent Shared Key signer, for raw requests ----------------------------------
# Plain code-point sorting is right only for simple header names (letters and '-'), which is
# all these raw requests use; the stand-in implements the service's full ordering.

def _string_to_sign(method, path, query, headers):
    h = {k.lower(): v for k, v in headers.items()}
    if h.get("content-length") == "0":
        h["content-length"] = ""
    fields = [method] + [h.get(n, "") for n in (
        "content-encoding", "content-language", "content-length", "content-md5", "content-type", "date",
        "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range")]
    canonical = "".join(f"{k}:{v}\n" for k, v in sorted(h.items()) if k.startswith("x-ms-"))
    resource = f"/{ACCOUNT}{path}" + "".join(f"\n{k}:{v}" for k, v in sorted(parse_qsl(query)))
    return "\n".join(fields) + "\n" + canonical + resource


def _signature(text, key=KEY):
    import hmac
    return base64.b64encode(hmac.new(base64.b64decode(key), text.encode(), hashlib.sha256).digest()).decode()


def _raw(server, method, path, *, query="", headers=None, body=b"", sign=True, signed_headers=None,
         chunked=False, context=None):
    """One request over http.client; `signed_headers` overrides what the signature covers (tampering)."""
    headers = {"x-ms-date": formatdate(usegmt=True), "x-ms-version": "2025-01-05", **(headers or {})}
    if not chunked:
        headers["Content-Length"] = str(len(body))
    if sign:
        covered = signed_headers if signed_headers is not None else headers
        signature = _signature(_string_to_sign(method, path, query, covered))
        headers["Authorization"] = f"SharedKey {ACCOUNT}:{signature}"
    if server.scheme == "https":
        conn = http.client.HTTPSConnection(server.host, server.port, timeout=30, context=context)
    else:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        try:
            conn.request(method, path + (f"?{query}" if query else ""), body=[body] if chunked else body,
                         headers=headers, encode_chunked=chunked)
        except (BrokenPipeError, ConnectionResetError):
            pass  # a server refusing the request may answer before reading the body: read its answer
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def _error_code(body: bytes) -> str:
    text = body.decode("utf-8-sig")
    return text.split("<Code>", 1)[1].split("</Code>", 1)[0]


# --- Shared Key with the SDK -------------------------------------------------------------

def test_container_lifecycle(standin):
    service = _client(standin)
    name = _name()
    container = service.create_container(name, metadata={"owner": "gatehouse"})
    with pytest.raises(ResourceExistsError) as exists:
        service.create_container(name)
    assert exists.value.error_code == "ContainerAlreadyExists"
    assert container.get_container_properties().metadata == {"owner": "gatehouse"}
    listed = [c for c in service.list_containers(name_starts_with=name, include_metadata=True)]
    assert [(c.name, c.metadata) for c in listed] == [(name, {"owner": "gatehouse"})]
    with pytest.raises(HttpResponseError) as invalid:
        service.create_container("Not_Valid")
    assert invalid.value.status_code == 400 and invalid.value.error_code == "InvalidResourceName"
    container.delete_container()
    assert not standin.exists(name)
    with pytest.raises(ResourceNotFoundError) as missing:
        container.get_container_properties()
    assert missing.value.error_code == "ContainerNotFound"


def test_single_shot_upload_and_download(standin):
    service = _client(standin)
    container = service.create_container(_name())
    mark = len(standin.requests)
    data = b"hello, stand-in\n" * 100
    container.upload_blob("notes/hello.txt", data, metadata={"kind": "greeting"},
                          content_settings=ContentSettings(content_type="text/plain"))
    assert standin.stored(container.container_name, "notes/hello.txt") == data
    put = [r for r in _since(standin, mark) if r.operation == "PutBlob"]
    assert len(put) == 1 and put[0].status == 201
    assert put[0].auth_scheme == "SharedKey" and put[0].signature_verified is True
    assert put[0].headers["x-ms-blob-type"] == "BlockBlob" and put[0].body_length == len(data)

    blob = container.get_blob_client("notes/hello.txt")
    properties = blob.get_blob_properties()
    assert properties.size == len(data)
    assert properties.content_settings.content_type == "text/plain"
    assert properties.metadata == {"kind": "greeting"}
    assert properties.blob_type == "BlockBlob"
    # Put Blob stores the content's MD5, as the service does.
    assert bytes(properties.content_settings.content_md5) == hashlib.md5(data).digest()
    assert blob.download_blob().readall() == data
    assert blob.download_blob(offset=7, length=9).readall() == data[7:16]


def test_empty_blob_round_trip(standin):
    # The SDK's first ranged GET gets 416 InvalidRange on an empty blob and retries without a range.
    container = _client(standin).create_container(_name())
    mark = len(standin.requests)
    container.upload_blob("empty", b"")
    assert container.download_blob("empty").readall() == b""
    gets = [(r.status, r.error_code) for r in _since(standin, mark) if r.operation == "GetBlob"]
    assert gets == [(416, "InvalidRange"), (200, None)]


def test_multi_block_upload(standin):
    service = _client(standin, max_single_put_size=1 * MIB, max_block_size=256 * KIB)
    container = service.create_container(_name())
    data = os.urandom(3 * MIB + 12345)
    mark = len(standin.requests)
    container.upload_blob("big.bin", data, max_concurrency=4, metadata={"parts": "many"})
    assert standin.stored(container.container_name, "big.bin") == data
    assert standin.blob_metadata(container.container_name, "big.bin") == {"parts": "many"}
    assert standin.uncommitted_blocks(container.container_name, "big.bin") == 0
    ops = _since(standin, mark)
    blocks = [r for r in ops if r.operation == "PutBlock"]
    assert len(blocks) == math.ceil(len(data) / (256 * KIB))
    assert sum(r.body_length for r in blocks) == len(data)
    assert [r.operation for r in ops if r.operation != "PutBlock"] == ["PutBlockList"]
    assert all(r.status == 201 and r.signature_verified for r in ops)
    assert _client(standin).get_blob_client(container.container_name, "big.bin").download_blob().readall() == data


@pytest.mark.parametrize("concurrency", [1, 4])
def test_chunked_download(standin, concurrency):
    name = _name()
    data = os.urandom(2 * MIB + 777)
    standin.put(name, "chunks.bin", data)
    service = _client(standin, max_single_get_size=256 * KIB, max_chunk_get_size=256 * KIB)
    mark = len(standin.requests)
    downloader = service.get_blob_client(name, "chunks.bin").download_blob(max_concurrency=concurrency)
    assert downloader.readall() == data
    gets = [r for r in _since(standin, mark) if r.operation == "GetBlob"]
    assert len(gets) == math.ceil(len(data) / (256 * KIB))
    assert all(r.status == 206 for r in gets)
    ranges = sorted(tuple(int(x) for x in r.headers["x-ms-range"].split("=")[1].split("-")) for r in gets)
    assert ranges[0][0] == 0 and all(a[1] + 1 == b[0] for a, b in zip(ranges, ranges[1:]))
    assert ranges[-1][1] >= len(data) - 1
    content_ranges = {r.response_headers["content-range"] for r in gets}
    assert f"bytes 0-{256 * KIB - 1}/{len(data)}" in content_ranges
    # After the first chunk the SDK pins the download to the ETag it saw.
    assert all(r.headers.get("if-match") for r in gets[1:])


def test_validate_content_md5(standin):
    service = _client(standin, max_single_put_size=512 * KIB, max_block_size=256 * KIB,
                      max_single_get_size=256 * KIB, max_chunk_get_size=256 * KIB)
    container = service.create_container(_name())
    small, large = os.urandom(100 * KIB), os.urandom(MIB + 5)
    mark = len(standin.requests)
    container.upload_blob("small.bin", small, validate_content=True)
    container.upload_blob("large.bin", large, validate_content=True)
    uploads = _since(standin, mark)
    assert [r.operation for r in uploads].count("PutBlob") == 1
    assert [r.operation for r in uploads].count("PutBlock") == math.ceil(len(large) / (256 * KIB))
    for r in uploads:  # the SDK sent MD5s, the stand-in checked them and returned its own
        assert r.status == 201 and r.headers["content-md5"] == r.response_headers["content-md5"], r

    for name, data in (("small.bin", small), ("large.bin", large)):
        mark = len(standin.requests)
        assert container.download_blob(name, validate_content=True).readall() == data
        gets = [r for r in _since(standin, mark) if r.operation == "GetBlob"]
        assert gets and all(r.headers.get("x-ms-range-get-content-md5") == "true" for r in gets)
        for r in gets:
            first, last = (int(x) for x in r.response_headers["content-range"].split()[1].split("/")[0].split("-"))
            expected = base64.b64encode(hashlib.md5(data[first:last + 1]).digest()).decode()
            assert r.response_headers["content-md5"] == expected


def test_listing_prefix_delimiter_and_pages(standin):
    name = _name()
    names = ["logs/2024/a.txt", "logs/2024/b.txt", "logs/2025/c.txt", "logs/top.txt", "other.txt", "zeta"]
    for index, blob_name in enumerate(names):
        standin.put(name, blob_name, f"blob {index}".encode(), content_type="text/plain",
                    metadata={"index": str(index)})
    container = _client(standin).get_container_client(name)
    assert [b.name for b in container.list_blobs()] == names
    assert [b.name for b in container.list_blobs(name_starts_with="logs/")] == names[:4]
    walked = [(b.name, type(b).__name__) for b in container.walk_blobs(name_starts_with="logs/", delimiter="/")]
    assert walked == [("logs/2024/", "BlobPrefix"), ("logs/2025/", "BlobPrefix"), ("logs/top.txt", "BlobProperties")]
    nested = container.walk_blobs(name_starts_with="logs/2024/", delimiter="/")
    assert [b.name for b in nested] == ["logs/2024/a.txt", "logs/2024/b.txt"]

    with_metadata = {b.name: (b.metadata, b.size, b.content_settings.content_type,
                              bytes(b.content_settings.content_md5))
                     for b in container.list_blobs(include=["metadata"])}
    assert with_metadata["other.txt"] == ({"index": "4"}, 6, "text/plain", hashlib.md5(b"blob 4").digest())

    mark = len(standin.requests)
    pages = [[b.name for b in page] for page in container.list_blobs(results_per_page=4).by_page()]
    assert pages == [names[:4], names[4:]]
    listing = [r for r in _since(standin, mark) if r.operation == "ListBlobs"]
    assert len(listing) == 2 and "marker=" not in listing[0].query and "marker=" in listing[1].query
    # Pages with a delimiter: the BlobPrefix entries count towards maxresults as on the service.
    hierarchy = container.walk_blobs(delimiter="/", results_per_page=1)
    assert [b.name for b in hierarchy] == ["logs/", "other.txt", "zeta"]


def test_metadata_round_trip_and_service_header_order(standin):
    # Names the service orders differently from plain code-point order ('_' before digits): the
    # SDK signs in the service's order, so this only authenticates if the stand-in agrees.
    metadata = {"a_b": "one", "a1": "two", "ab": "three", "Mixed": "Case  value"}
    header_names = [f"x-ms-meta-{k}".lower() for k in metadata]
    assert sorted(header_names) != sorted(header_names, key=service_header_order)
    blob = _client(standin).create_container(_name()).get_blob_client("meta.txt")
    blob.upload_blob(b"x")
    blob.set_blob_metadata(metadata)
    assert blob.get_blob_properties().metadata == metadata
    assert standin.blob_metadata(blob.container_name, "meta.txt") == metadata
    blob.set_blob_metadata({})
    assert blob.get_blob_properties().metadata == {}


def test_overwrite_false_and_conditions(standin):
    container = _client(standin).create_container(_name())
    blob = container.get_blob_client("once.txt")
    first = blob.upload_blob(b"first")
    mark = len(standin.requests)
    with pytest.raises(ResourceExistsError) as exists:
        blob.upload_blob(b"second", overwrite=False)
    assert exists.value.error_code == "BlobAlreadyExists"
    refused = _since(standin, mark)[-1]
    assert refused.headers["if-none-match"] == "*" and refused.status == 409
    assert standin.stored(container.container_name, "once.txt") == b"first"

    blob.upload_blob(b"second", overwrite=True)
    with pytest.raises(ResourceModifiedError) as stale_read:
        blob.download_blob(etag=first["etag"], match_condition=MatchConditions.IfNotModified)
    assert stale_read.value.status_code == 412 and stale_read.value.error_code == "ConditionNotMet"
    with pytest.raises(ResourceModifiedError):
        blob.upload_blob(b"third", overwrite=True, etag=first["etag"], match_condition=MatchConditions.IfNotModified)
    assert standin.stored(container.container_name, "once.txt") == b"second"
    current = blob.get_blob_properties().etag
    blob.upload_blob(b"third", overwrite=True, etag=current, match_condition=MatchConditions.IfNotModified)
    assert standin.stored(container.container_name, "once.txt") == b"third"


def test_delete_and_not_found(standin):
    container = _client(standin).create_container(_name())
    blob = container.get_blob_client("doomed.txt")
    blob.upload_blob(b"bye")
    blob.delete_blob()
    assert not standin.exists(container.container_name, "doomed.txt")
    assert blob.exists() is False
    with pytest.raises(ResourceNotFoundError) as missing:
        blob.download_blob()
    assert missing.value.error_code == "BlobNotFound"
    with pytest.raises(ResourceNotFoundError) as no_container:
        _client(standin).get_blob_client(_name(), "x").upload_blob(b"x")
    assert no_container.value.error_code == "ContainerNotFound"


def test_connection_string(standin):
    assert standin.connection_string.endswith(f"BlobEndpoint=http://127.0.0.1:{standin.port}/{ACCOUNT};")
    service = BlobServiceClient.from_connection_string(standin.connection_string, retry_total=0)
    name = _name()
    service.create_container(name).upload_blob("cs.txt", b"via connection string")
    assert standin.stored(name, "cs.txt") == b"via connection string"


def test_unimplemented_operations_are_refused_and_logged(standin):
    container = _client(standin).create_container(_name())
    blob = container.upload_blob("src.txt", b"x")
    mark = len(standin.requests)
    with pytest.raises(HttpResponseError) as tags:
        blob.get_blob_tags()
    assert tags.value.status_code == 501 and tags.value.error_code == "NotImplemented"
    with pytest.raises(HttpResponseError) as copy:
        container.get_blob_client("dst.txt").start_copy_from_url(blob.url)
    assert copy.value.status_code == 501
    refused = _since(standin, mark)
    assert [(r.method, r.operation, r.status) for r in refused] == [("GET", "Unsupported", 501),
                                                                     ("PUT", "Unsupported", 501)]
    assert "comp=tags" in refused[0].query
    assert not standin.exists(container.container_name, "dst.txt")


# --- Shared Key, negative ----------------------------------------------------------------

def test_wrong_key_is_refused(standin):
    name = _name()
    standin.create_container(name)
    wrong = base64.b64encode(b"not the account key".ljust(64, b"!")).decode()
    mark = len(standin.requests)
    with pytest.raises(ClientAuthenticationError) as refused:
        _client(standin, key=wrong).get_container_client(name).upload_blob("x.txt", b"x")
    assert refused.value.error_code == "AuthenticationFailed"
    [record] = _since(standin, mark)
    assert (record.status, record.auth_scheme, record.signature_verified) == (403, "SharedKey", False)
    assert not standin.exists(name, "x.txt")


def test_raw_signing_and_tampered_header(standin):
    name = _name()
    standin.create_container(name)
    path = f"/{ACCOUNT}/{name}/raw.txt"
    headers = {"x-ms-blob-type": "BlockBlob", "x-ms-meta-owner": "alice", "Content-Type": "text/plain"}
    status, response, body = _raw(standin, "PUT", path, headers=headers, body=b"signed")
    assert status == 201, body
    assert standin.stored(name, "raw.txt") == b"signed"
    assert standin.blob_metadata(name, "raw.txt") == {"owner": "alice"}
    assert response["x-ms-request-id"] and response["x-ms-version"] == "2025-01-05"

    # The same request with the metadata changed after signing: a gateway that alters a signed
    # header without re-signing must fail.
    headers.update({"x-ms-date": formatdate(usegmt=True), "x-ms-version": "2025-01-05"})
    signed = dict(headers, **{"Content-Length": "8"})
    sent = dict(headers, **{"x-ms-meta-owner": "mallory"})
    status, response, body = _raw(standin, "PUT", path, headers=sent, body=b"tampered", signed_headers=signed)
    assert status == 403 and response["x-ms-error-code"] == "AuthenticationFailed"
    text = body.decode("utf-8-sig")
    assert "Server failed to authenticate the request." in text
    # The detail shows the string the server signed: the tampered value, and otherwise exactly
    # what the independent signer above produced.
    assert "x-ms-meta-owner:mallory\n" in text and "Server used following string to sign" in text
    assert standin.stored(name, "raw.txt") == b"signed"
    assert standin.requests[-1].signature_verified is False


def test_md5_mismatch_and_stale_date(standin):
    name = _name()
    standin.create_container(name)
    path = f"/{ACCOUNT}/{name}/md5.txt"
    wrong_md5 = base64.b64encode(hashlib.md5(b"something else").digest()).decode()
    status, response, body = _raw(standin, "PUT", path, body=b"payload",
                                  headers={"x-ms-blob-type": "BlockBlob", "Content-MD5": wrong_md5})
    assert (status, _error_code(body)) == (400, "Md5Mismatch")
    assert not standin.exists(name, "md5.txt")

    stale = formatdate(time.time() - 20 * 60, usegmt=True)
    status, response, body = _raw(standin, "PUT", path, body=b"payload",
                                  headers={"x-ms-blob-type": "BlockBlob", "x-ms-date": stale})
    assert status == 403 and _error_code(body) == "AuthenticationFailed"
    assert "Request date header too old" in body.decode("utf-8-sig")
    assert not standin.exists(name, "md5.txt")


def test_chunked_put_blob_needs_content_length(standin):
    name = _name()
    standin.create_container(name)
    status, response, body = _raw(standin, "PUT", f"/{ACCOUNT}/{name}/chunked.txt", body=b"chunked body",
                                  headers={"x-ms-blob-type": "BlockBlob", "Transfer-Encoding": "chunked"},
                                  chunked=True)
    assert status == 411 and response["x-ms-error-code"] == "MissingContentLengthHeader"
    assert _error_code(body) == "MissingContentLengthHeader"
    record = standin.requests[-1]
    assert (record.operation, record.headers["transfer-encoding"]) == ("PutBlob", "chunked")
    assert not standin.exists(name, "chunked.txt")


def test_missing_credentials_sas_and_verbs(standin):
    status, response, body = _raw(standin, "GET", f"/{ACCOUNT}/", query="comp=list", sign=False)
    assert status == 401 and _error_code(body) == "NoAuthenticationInformation"
    assert "resource_id=https://storage.azure.com" in response["www-authenticate"]
    status, _, body = _raw(standin, "GET", f"/{ACCOUNT}/", query="comp=list&sv=2022-11-02&sig=abc", sign=False)
    assert status == 403 and _error_code(body) == "AuthenticationFailed"
    assert "Signature fields not well formed." in body.decode("utf-8-sig")  # no ss, srt, sp, se
    assert (standin.requests[-1].auth_scheme, standin.requests[-1].signature_verified) == ("SAS", False)
    status, _, body = _raw(standin, "PATCH", f"/{ACCOUNT}/x/y")
    assert status == 405 and _error_code(body) == "UnsupportedHttpVerb"
    # A correctly signed list: the error body above is not the stand-in refusing everything.
    status, response, body = _raw(standin, "GET", f"/{ACCOUNT}/", query="comp=list&maxresults=1")
    assert status == 200 and body.decode("utf-8-sig").startswith('<?xml version="1.0" encoding="utf-8"?>'
                                                                  '<EnumerationResults ServiceEndpoint=')


def test_large_get_is_exact_and_fast(standin):
    name = _name()
    data = os.urandom(64 * MIB)
    standin.put(name, "large.bin", data)
    conn = http.client.HTTPConnection(standin.host, standin.port, timeout=30)
    try:
        for _ in range(2):  # twice on one keep-alive connection
            path = f"/{ACCOUNT}/{name}/large.bin"
            headers = {"x-ms-date": formatdate(usegmt=True), "x-ms-version": "2025-01-05"}
            headers["Authorization"] = f"SharedKey {ACCOUNT}:{_signature(_string_to_sign('GET', path, '', headers))}"
            started = time.monotonic()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            received = response.read()
            elapsed = time.monotonic() - started
            assert response.status == 200
            assert response.getheader("Content-Length") == str(len(data))
            assert response.getheader("Transfer-Encoding") is None
            assert received == data
            assert elapsed < 10, f"64 MiB took {elapsed:.1f}s"
    finally:
        conn.close()


# --- account SAS -------------------------------------------------------------------------
# Tokens come from the SDK's own generate_account_sas (via standin.account_sas); the raw ones from
# the independent signer below, written from the "Create an account SAS" layout (sv 2020-12-06+).

def _independent_account_sas(permission="rl", resource_types="sco", expiry="2099-01-01T00:00:00Z", *,
                             services="b", start="", ip="", protocol="", version="2025-01-05", key=KEY,
                             extra=None) -> str:
    fields = [ACCOUNT, permission, services, resource_types, start, expiry, ip, protocol, version, ""]
    signature = _signature("".join(f"{value}\n" for value in fields), key)
    query = {"sv": version, "ss": services, "srt": resource_types, "sp": permission, "st": start, "se": expiry,
             "sip": ip, "spr": protocol, **(extra or {}), "sig": signature}
    return urlencode({name: value for name, value in query.items() if value})


def _sas_client(server, sas, **config) -> BlobServiceClient:
    return BlobServiceClient(server.account_url, credential=sas, retry_total=0, **config)


def _refused(action) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as refused:
        action()
    return refused.value


def test_account_sas_string_to_sign_matches_the_sdk(standin):
    # The SDK is ground truth for what a client signs: the independent layout must agree with it,
    # field for field, and the stand-in must accept both.
    seen = []
    token = generate_account_sas(ACCOUNT, KEY, resource_types="sco", permission="rl", expiry="2099-01-01T00:00:00Z",
                                 start="2020-01-01T00:00:00Z", ip="127.0.0.1", protocol="https,http",
                                 sts_hook=seen.append)
    sdk_fields = dict(parse_qsl(token))
    independent = dict(parse_qsl(_independent_account_sas(
        start="2020-01-01T00:00:00Z", ip="127.0.0.1", protocol="https,http", version=sdk_fields["sv"])))
    assert seen == [f"{ACCOUNT}\nrl\nb\nsco\n2020-01-01T00:00:00Z\n2099-01-01T00:00:00Z\n127.0.0.1\nhttps,http\n"
                    f"{sdk_fields['sv']}\n\n"]
    assert independent == sdk_fields
    for query in (token, _independent_account_sas()):
        status, response, body = _raw(standin, "GET", f"/{ACCOUNT}/", query="comp=list&" + query, sign=False)
        assert status == 200, body
        assert (standin.requests[-1].auth_scheme, standin.requests[-1].signature_verified) == ("SAS", True)


def test_account_sas_with_the_sdk(standin):
    sas = standin.account_sas(permission="rwdlc", resource_types="sco")
    service = _sas_client(standin, sas, max_single_put_size=64 * KIB, max_block_size=32 * KIB)
    name = _name()
    mark = len(standin.requests)
    container = service.create_container(name)
    assert [c.name for c in service.list_containers(name_starts_with=name)] == [name]
    container.upload_blob("small.txt", b"via an account SAS")
    big = os.urandom(100 * KIB)
    container.upload_blob("big.bin", big, metadata={"via": "sas"})
    assert standin.stored(name, "big.bin") == big
    blob = container.get_blob_client("small.txt")
    blob.set_blob_metadata({"checked": "yes"})
    assert blob.get_blob_properties().metadata == {"checked": "yes"}
    assert blob.download_blob().readall() == b"via an account SAS"
    assert [b.name for b in container.list_blobs()] == ["big.bin", "small.txt"]
    blob.delete_blob()
    assert not standin.exists(name, "small.txt")
    container.delete_container()
    assert not standin.exists(name)

    ops = _since(standin, mark)
    assert {"CreateContainer", "ListContainers", "PutBlob", "PutBlock", "PutBlockList", "SetBlobMetadata",
            "GetBlobProperties", "GetBlob", "ListBlobs", "DeleteBlob", "DeleteContainer"} <= {r.operation for r in ops}
    assert all(r.auth_scheme == "SAS" and r.signature_verified and r.status < 300 for r in ops), ops
    assert all("sig=" in r.query and "sp=rwdlc" in r.query for r in ops)
    # The SAS fields did not disturb dispatch on comp/restype/blockid.
    assert all("comp=block" in r.query and "blockid=" in r.query for r in ops if r.operation == "PutBlock")


def test_read_only_account_sas(standin):
    name = _name()
    standin.put(name, "seeded.txt", b"read me", metadata={"k": "v"})
    service = _sas_client(standin, standin.account_sas("rl"))
    container = service.get_container_client(name)
    assert container.download_blob("seeded.txt").readall() == b"read me"
    assert [b.name for b in container.list_blobs()] == ["seeded.txt"]
    assert name in [c.name for c in service.list_containers(name_starts_with=name)]
    mark = len(standin.requests)
    for action in (lambda: container.upload_blob("new.txt", b"x"),
                   lambda: container.upload_blob("seeded.txt", b"overwritten", overwrite=True),
                   lambda: container.get_blob_client("seeded.txt").set_blob_metadata({"k": "changed"}),
                   lambda: container.delete_blob("seeded.txt"),
                   lambda: service.create_container(_name())):
        refused = _refused(action)
        assert (refused.status_code, refused.error_code) == (403, "AuthorizationPermissionMismatch")
        assert "using this permission" in refused.message
    records = _since(standin, mark)
    assert [r.operation for r in records] == ["PutBlob", "PutBlob", "SetBlobMetadata", "DeleteBlob",
                                              "CreateContainer"]
    # Authenticated (the signature and validity are fine), not authorized.
    assert all(r.auth_scheme == "SAS" and r.signature_verified is True and r.status == 403 for r in records)
    assert standin.stored(name, "seeded.txt") == b"read me"
    assert standin.blob_metadata(name, "seeded.txt") == {"k": "v"}
    assert not standin.exists(name, "new.txt")


def test_create_only_account_sas_cannot_overwrite(standin):
    service = _sas_client(standin, standin.account_sas("c", "co"))
    name = _name()
    container = service.create_container(name)
    container.upload_blob("once.txt", b"first")
    refused = _refused(lambda: container.upload_blob("once.txt", b"second", overwrite=True))
    assert (refused.status_code, refused.error_code) == (403, "AuthorizationPermissionMismatch")
    assert standin.stored(name, "once.txt") == b"first"


def test_tampered_account_sas_is_refused(standin):
    name = _name()
    standin.put(name, "data.txt", b"data")
    token = standin.account_sas("rl")
    widened = token.replace("sp=rl", "sp=rwl")  # more permissions, the signature kept
    assert widened != token
    refused = _refused(lambda: _sas_client(standin, widened).get_blob_client(name, "up.txt").upload_blob(b"x"))
    assert (refused.status_code, refused.error_code) == (403, "AuthenticationFailed")
    assert not standin.exists(name, "up.txt")
    record = standin.requests[-1]
    assert (record.operation, record.auth_scheme, record.signature_verified) == ("PutBlob", "SAS", False)

    status, _, body = _raw(standin, "GET", f"/{ACCOUNT}/{name}/data.txt", query=widened, sign=False)
    text = body.decode("utf-8-sig")
    assert status == 403 and _error_code(body) == "AuthenticationFailed"
    assert "Server failed to authenticate the request." in text
    fields = dict(parse_qsl(widened))
    assert (f"Signature did not match. String to sign used was {ACCOUNT}\nrwl\nb\nsco\n\n{fields['se']}\n\n"
            f"https,http\n{fields['sv']}\n\n") in text

    # A signature made with another key.
    other_key = base64.b64encode(b"another account key".ljust(64, b"?")).decode()
    status, _, body = _raw(standin, "GET", f"/{ACCOUNT}/{name}/data.txt",
                           query=_independent_account_sas(key=other_key), sign=False)
    assert status == 403 and _error_code(body) == "AuthenticationFailed"
    status, _, body = _raw(standin, "GET", f"/{ACCOUNT}/{name}/data.txt", query=_independent_account_sas(),
                           sign=False)
    assert status == 200 and body == b"data"


def test_expired_and_not_yet_valid_account_sas(standin):
    name = _name()
    standin.put(name, "data.txt", b"data")
    expired = standin.account_sas("rl", expiry_seconds=-60)
    refused = _refused(lambda: _sas_client(standin, expired).get_blob_client(name, "data.txt").download_blob())
    assert (refused.status_code, refused.error_code) == (403, "AuthenticationFailed")
    assert standin.requests[-1].signature_verified is False
    status, _, body = _raw(standin, "GET", f"/{ACCOUNT}/{name}/data.txt", query=expired, sign=False)
    text = body.decode("utf-8-sig")
    assert status == 403 and "Signed expiry time [" in text and "] must be after signed start time [" in text
    assert " GMT]" in text

    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    early = generate_account_sas(ACCOUNT, KEY, resource_types="sco", permission="rl", start=later,
                                 expiry=later + datetime.timedelta(hours=1))
    status, _, body = _raw(standin, "GET", f"/{ACCOUNT}/{name}/data.txt", query=early, sign=False)
    text = body.decode("utf-8-sig")
    assert status == 403 and _error_code(body) == "AuthenticationFailed"
    assert "Signature not valid in the specified time frame: Start [" in text and "] - Current [" in text

    backwards = _independent_account_sas(start="2030-01-02", expiry="2030-01-01")
    status, _, body = _raw(standin, "GET", f"/{ACCOUNT}/{name}/data.txt", query=backwards, sign=False)
    assert status == 403 and ("Signed expiry time [Tue, 01 Jan 2030 00:00:00 GMT] must be after signed start time "
                              "[Wed, 02 Jan 2030 00:00:00 GMT]") in body.decode("utf-8-sig")


def test_https_only_account_sas(standin, tls_standin):
    name = _name()
    for server in (standin, tls_standin):
        server.put(name, "data.txt", b"tls only")
    https_only = standin.account_sas("rl", protocol="https")
    assert "spr=https&" in https_only or https_only.endswith("spr=https")
    refused = _refused(lambda: _sas_client(standin, https_only).get_blob_client(name, "data.txt").download_blob())
    assert (refused.status_code, refused.error_code) == (403, "AuthorizationProtocolMismatch")
    assert "using this protocol" in refused.message
    # Same account, same key, over TLS: accepted.
    over_tls = BlobServiceClient(tls_standin.account_url, credential=tls_standin.account_sas("rl", protocol="https"),
                                 connection_verify=tls_standin.cert_path, retry_total=0)
    assert over_tls.get_blob_client(name, "data.txt").download_blob().readall() == b"tls only"
    assert (tls_standin.requests[-1].auth_scheme, tls_standin.requests[-1].signature_verified) == ("SAS", True)


def test_account_sas_resource_types_services_and_ip(standin):
    name = _name()
    standin.put(name, "data.txt", b"data")
    no_objects = _sas_client(standin, standin.account_sas("rl", resource_types="sc"))
    assert name in [c.name for c in no_objects.list_containers(name_starts_with=name)]
    assert [b.name for b in no_objects.get_container_client(name).list_blobs()] == ["data.txt"]
    refused = _refused(lambda: no_objects.get_blob_client(name, "data.txt").download_blob())
    assert (refused.status_code, refused.error_code) == (403, "AuthorizationResourceTypeMismatch")
    assert "using this resource type" in refused.message

    objects_only = _sas_client(standin, standin.account_sas("rl", resource_types="o"))
    assert objects_only.get_blob_client(name, "data.txt").download_blob().readall() == b"data"
    refused = _refused(lambda: list(objects_only.list_containers()))
    assert (refused.status_code, refused.error_code) == (403, "AuthorizationResourceTypeMismatch")
    refused = _refused(lambda: list(objects_only.get_container_client(name).list_blobs()))
    assert refused.error_code == "AuthorizationResourceTypeMismatch"

    queues_only = _sas_client(standin, standin.account_sas("rl", services="q"))
    refused = _refused(lambda: queues_only.get_blob_client(name, "data.txt").download_blob())
    assert (refused.status_code, refused.error_code) == (403, "AuthorizationServiceMismatch")

    elsewhere = _sas_client(standin, standin.account_sas("rl", ip="192.0.2.1-192.0.2.9"))
    refused = _refused(lambda: elsewhere.get_blob_client(name, "data.txt").download_blob())
    assert (refused.status_code, refused.error_code) == (403, "AuthorizationSourceIPMismatch")
    local = _sas_client(standin, standin.account_sas("rl", ip="127.0.0.1"))
    assert local.get_blob_client(name, "data.txt").download_blob().readall() == b"data"


def test_account_sas_malformed_unsupported_and_mixed(standin):
    name = _name()
    standin.put(name, "data.txt", b"data")
    path = f"/{ACCOUNT}/{name}/data.txt"

    def get(query, **options):
        status, response, body = _raw(standin, "GET", path, query=query, **options)
        return status, response, body.decode("utf-8-sig")

    good = _independent_account_sas()
    missing_expiry = "&".join(p for p in good.split("&") if not p.startswith("se="))
    for query, detail in ((missing_expiry, "Signature fields not well formed."),
                          (good.replace("sv=2025-01-05", "sv=2025-1-5"), "Signature fields not well formed."),
                          (_independent_account_sas(permission="rq"), "Signature fields not well formed."),
                          (_independent_account_sas(expiry="tomorrow"), "Signature fields not well formed."),
                          (_independent_account_sas(protocol="http"), "Signature fields not well formed."),
                          (good + "&sp=rl", "Signature fields not well formed."),
                          ("&".join(p for p in good.split("&") if not p.startswith("sv=")),
                           "sv is mandatory. Cannot be empty"),
                          # Older signed versions: the string-to-sign without ses is not implemented.
                          (_independent_account_sas(version="2019-12-12"), "(stand-in: signed version sv=2019-12-12"),
                          # A service SAS (sr, no ss/srt): not implemented.
                          (f"sv=2025-01-05&sr=b&sp=r&se=2099-01-01&sig={dict(parse_qsl(good))['sig']}",
                           "(stand-in: only account SAS is implemented")):
        status, _, text = get(query, sign=False)
        assert (status, _error_code(text.encode())) == (403, "AuthenticationFailed"), query
        assert detail in text, (query, text)
        assert standin.requests[-1].signature_verified is False

    # Both a Shared Key Authorization header and a SAS: refused, naming both (the stand-in's choice).
    status, _, text = get(good, sign=True)
    assert (status, _error_code(text.encode())) == (400, "InvalidAuthenticationInfo")
    assert "Authorization header (SharedKey) and a shared access signature" in text
    assert standin.requests[-1].auth_scheme == "SharedKey+SAS"

    # Without x-ms-version the request runs at the signed version, and says so.
    conn = http.client.HTTPConnection(standin.host, standin.port, timeout=30)
    try:
        conn.request("GET", f"{path}?{_independent_account_sas(version='2021-08-06')}")
        response = conn.getresponse()
        assert (response.status, response.read()) == (200, b"data")
        assert response.getheader("x-ms-version") == "2021-08-06"
    finally:
        conn.close()

    # An encryption scope is part of the signature, but encryption scopes are not implemented.
    scoped = _sas_client(standin, standin.account_sas("rl", encryption_scope="scope1"))
    refused = _refused(lambda: scoped.get_blob_client(name, "data.txt").download_blob())
    assert (refused.status_code, refused.error_code) == (501, "NotImplemented")


# --- bearer tokens over TLS ----------------------------------------------------------------

class StandInCredential:
    """A TokenCredential fetching client-credentials tokens from the stand-in's token endpoint."""

    def __init__(self, server, secret=CLIENT_SECRET):
        self.server, self.secret, self.calls = server, secret, 0
        self.context = ssl.create_default_context(cafile=server.cert_path)

    def get_token(self, *scopes, claims=None, tenant_id=None, **kwargs):
        self.calls += 1
        payload = _token_request(self.server, self.context, tenant_id or TENANT, {
            "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": self.secret,
            "scope": " ".join(scopes)})
        return AccessToken(payload["access_token"], int(time.time()) + payload["expires_in"])


def _token_request(server, context, tenant, form):
    request = urllib.request.Request(server.token_url(tenant), data=urlencode(form).encode(),
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, context=context, timeout=30) as response:
        return json.load(response)


def test_bearer_token_and_refresh(tls_standin):
    credential = StandInCredential(tls_standin)
    service = BlobServiceClient(tls_standin.account_url, credential=credential,
                                connection_verify=tls_standin.cert_path, retry_total=0)
    assert tls_standin.account_url.startswith("https://")
    name = _name()
    tokens_before = tls_standin.token_requests
    mark = len(tls_standin.requests)
    container = service.create_container(name)
    container.upload_blob("secure.txt", b"over tls")
    assert container.download_blob("secure.txt").readall() == b"over tls"
    ops = [r for r in _since(tls_standin, mark) if r.operation != "Token"]
    assert len(ops) == 3 and all(r.auth_scheme == "Bearer" and r.signature_verified for r in ops)
    assert credential.calls == 1 and tls_standin.token_requests == tokens_before + 1

    # Tokens revoked: the SDK gets 401 + challenge, fetches a new token once and retries.
    tls_standin.expire_all_tokens()
    mark = len(tls_standin.requests)
    assert container.download_blob("secure.txt").readall() == b"over tls"
    ops = _since(tls_standin, mark)
    assert [(r.operation, r.status, r.error_code) for r in ops] == [
        ("GetBlob", 401, "InvalidAuthenticationInfo"), ("Token", 200, None), ("GetBlob", 206, None)]
    assert credential.calls == 2


def test_token_endpoint_and_bad_tokens(tls_standin):
    context = ssl.create_default_context(cafile=tls_standin.cert_path)
    with pytest.raises(urllib.error.HTTPError) as bad_secret:
        _token_request(tls_standin, context, TENANT, {"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                                       "client_secret": "wrong", "scope": STORAGE_SCOPE})
    assert bad_secret.value.code == 401 and json.load(bad_secret.value)["error"] == "invalid_client"
    with pytest.raises(urllib.error.HTTPError) as unknown_tenant:
        _token_request(tls_standin, context, "elsewhere", {"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                                            "client_secret": CLIENT_SECRET,
                                                            "scope": STORAGE_SCOPE})
    assert unknown_tenant.value.code == 400

    path = f"/{ACCOUNT}/"

    def list_with(token):
        conn = http.client.HTTPSConnection(tls_standin.host, tls_standin.port, timeout=30, context=context)
        try:
            conn.request("GET", path + "?comp=list", headers={
                "Authorization": f"Bearer {token}", "x-ms-version": "2025-01-05",
                "x-ms-date": formatdate(usegmt=True)})
            response = conn.getresponse()
            return response.status, response.getheader("WWW-Authenticate"), response.read().decode("utf-8-sig")
        finally:
            conn.close()

    good = _token_request(tls_standin, context, TENANT, {
        "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "scope": STORAGE_SCOPE})
    assert good["token_type"] == "Bearer" and good["expires_in"] > 0
    assert list_with(good["access_token"])[0] == 200

    status, challenge, body = list_with(tls_standin.issue_token(lifetime=-1))
    assert status == 401 and "<Code>InvalidAuthenticationInfo</Code>" in body and "expired" in body
    assert challenge.startswith(f"Bearer authorization_uri={tls_standin.url}/")
    assert "resource_id=https://storage.azure.com" in challenge
    status, _, body = list_with(tls_standin.issue_token(audience="https://vault.azure.net"))
    assert status == 401 and "Audience validation failed" in body
    status, _, body = list_with("not-a-token")
    assert status == 401


def test_client_assertion(tls_standin, tls_dir):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.x509.oid import NameOID
    import datetime

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gatehouse-client")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    tls_standin.register_client(TENANT, "cert-client", certificate_pem=cert.public_bytes(serialization.Encoding.PEM))

    def b64url(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    def assertion(audience: str) -> str:
        head = {"alg": "RS256", "typ": "JWT", "x5t": b64url(hashlib.sha1(der).digest())}
        claims = {"aud": audience, "iss": "cert-client", "sub": "cert-client", "jti": uuid.uuid4().hex,
                  "nbf": int(time.time()) - 10, "exp": int(time.time()) + 600}
        signing_input = f"{b64url(json.dumps(head).encode())}.{b64url(json.dumps(claims).encode())}"
        return signing_input + "." + b64url(key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()))

    context = ssl.create_default_context(cafile=tls_standin.cert_path)
    form = {"grant_type": "client_credentials", "client_id": "cert-client", "scope": STORAGE_SCOPE,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}
    token = _token_request(tls_standin, context, TENANT,
                           dict(form, client_assertion=assertion(tls_standin.token_url())))
    assert token["access_token"]
    with pytest.raises(urllib.error.HTTPError) as wrong_audience:
        _token_request(tls_standin, context, TENANT,
                       dict(form, client_assertion=assertion("https://login.microsoftonline.com/x/oauth2/v2.0/token")))
    assert wrong_audience.value.code == 401 and json.load(wrong_audience.value)["error"] == "invalid_client"


# --- federated credentials (workload identity) ---------------------------------------------

ISSUER = "https://oidc.cluster.example.test/gatehouse"
SUBJECT = "system:serviceaccount:gatehouse:gateway"
FEDERATED_CLIENT = "66666666-7777-8888-9999-000000000000"


@pytest.fixture(scope="module")
def federated_keys(tls_standin):
    """An RSA key (registered as a key object) and a P-256 key (registered as PEM) for ISSUER/SUBJECT."""
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    tls_standin.register_federated_client(TENANT, FEDERATED_CLIENT, ISSUER, SUBJECT, rsa_key.public_key())
    tls_standin.register_federated_client(TENANT, FEDERATED_CLIENT, ISSUER, SUBJECT, ec_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return {"rsa": rsa_key, "ec": ec_key}


def _federated_form(assertion: str, client_id: str = FEDERATED_CLIENT) -> dict:
    return {"grant_type": "client_credentials", "client_id": client_id, "scope": STORAGE_SCOPE,
            "client_assertion_type": JWT_BEARER, "client_assertion": assertion}


class FederatedCredential:
    """A TokenCredential exchanging a fresh external assertion at the stand-in's token endpoint,
    as a workload-identity client does with its projected service-account token."""

    def __init__(self, server, private_key):
        self.server, self.private_key, self.calls = server, private_key, 0
        self.context = ssl.create_default_context(cafile=server.cert_path)

    def get_token(self, *scopes, claims=None, tenant_id=None, **kwargs):
        self.calls += 1
        form = _federated_form(federated_assertion(self.private_key, ISSUER, SUBJECT))
        payload = _token_request(self.server, self.context, tenant_id or TENANT, dict(form, scope=" ".join(scopes)))
        return AccessToken(payload["access_token"], int(time.time()) + payload["expires_in"])


def test_federated_credential_token_reads_a_blob(tls_standin, federated_keys):
    name = _name()
    tls_standin.put(name, "federated.txt", b"read with a workload identity")
    credential = FederatedCredential(tls_standin, federated_keys["rsa"])
    service = BlobServiceClient(tls_standin.account_url, credential=credential,
                                connection_verify=tls_standin.cert_path, retry_total=0)
    mark = len(tls_standin.requests)
    assert service.get_blob_client(name, "federated.txt").download_blob().readall() == b"read with a workload identity"
    ops = _since(tls_standin, mark)
    assert [(r.operation, r.status) for r in ops] == [("Token", 200), ("GetBlob", 206)]
    assert (ops[1].auth_scheme, ops[1].signature_verified) == ("Bearer", True)
    assert credential.calls == 1

    # ES256, with the key registered as PEM; the aud claim may hold several audiences.
    context = ssl.create_default_context(cafile=tls_standin.cert_path)
    assertion = federated_assertion(federated_keys["ec"], ISSUER, SUBJECT, audience=["other", FEDERATED_AUDIENCE])
    assert json.loads(base64.urlsafe_b64decode(assertion.split(".")[0] + "=="))["alg"] == "ES256"
    token = _token_request(tls_standin, context, TENANT, _federated_form(assertion))
    assert token["token_type"] == "Bearer" and token["expires_in"] > 0
    reader = BlobServiceClient(tls_standin.account_url, credential=_StaticToken(token["access_token"]),
                               connection_verify=tls_standin.cert_path, retry_total=0)
    assert reader.get_blob_client(name, "federated.txt").download_blob().readall() == b"read with a workload identity"


class _StaticToken:
    def __init__(self, token):
        self.token = token

    def get_token(self, *scopes, **kwargs):
        return AccessToken(self.token, int(time.time()) + 3600)


def _another_key_claiming(kid):
    return lambda keys: federated_assertion(rsa.generate_private_key(public_exponent=65537, key_size=2048), ISSUER,
                                            SUBJECT, key_id=kid(keys))


@pytest.mark.parametrize("make_assertion, code, wording", [
    (lambda keys: federated_assertion(keys["rsa"], "https://issuer.elsewhere.test", SUBJECT), 700211,
     "No matching federated identity record found for presented assertion issuer 'https://issuer.elsewhere.test'."),
    (lambda keys: federated_assertion(keys["rsa"], ISSUER, "system:serviceaccount:gatehouse:intruder"), 700213,
     "No matching federated identity record found for presented assertion subject "
     "'system:serviceaccount:gatehouse:intruder'."),
    (lambda keys: federated_assertion(keys["rsa"], ISSUER, SUBJECT, audience="api://SomethingElse"), 700212,
     "No matching federated identity record found for presented assertion audience 'api://SomethingElse'."),
    (lambda keys: federated_assertion(keys["ec"], ISSUER, SUBJECT, lifetime=-900), 700024,
     "Client assertion is not within its valid time range. Current time: "),
    (lambda keys: federated_assertion(keys["rsa"], ISSUER, SUBJECT, not_before=time.time() + 3600), 700024,
     "Client assertion is not within its valid time range."),
    (_another_key_claiming(lambda keys: None), 7000272,
     "used to sign the federated credential could not be found in the metadata of identity provider"),
    (_another_key_claiming(lambda keys: federated_key_id(keys["rsa"])), 700027,
     "Client assertion failed signature validation."),
    (lambda keys: federated_assertion(keys["rsa"], ISSUER, SUBJECT)[:-8] + "AAAAAAAA", 700027,
     "Client assertion failed signature validation."),
], ids=["wrong-issuer", "wrong-subject", "wrong-audience", "expired", "not-yet-valid", "unknown-key",
        "another-key-same-kid", "tampered-signature"])
def test_federated_credential_refusals(tls_standin, federated_keys, make_assertion, code, wording):
    context = ssl.create_default_context(cafile=tls_standin.cert_path)
    tokens_before = tls_standin.token_requests
    with pytest.raises(urllib.error.HTTPError) as refused:
        _token_request(tls_standin, context, TENANT, _federated_form(make_assertion(federated_keys)))
    payload = json.load(refused.value)
    assert (refused.value.code, payload["error"], payload["error_codes"]) == (401, "invalid_client", [code])
    assert payload["error_description"].startswith(f"AADSTS{code}: ") and wording in payload["error_description"]
    assert tls_standin.token_requests == tokens_before + 1
    assert tls_standin.requests[-1].operation == "Token" and tls_standin.requests[-1].status == 401


def test_federated_assertion_for_an_unknown_client(tls_standin, federated_keys):
    context = ssl.create_default_context(cafile=tls_standin.cert_path)
    assertion = federated_assertion(federated_keys["rsa"], ISSUER, SUBJECT)
    with pytest.raises(urllib.error.HTTPError) as refused:
        _token_request(tls_standin, context, TENANT, _federated_form(assertion, client_id="not-registered"))
    assert refused.value.code == 400 and json.load(refused.value)["error_codes"] == [700016]
