"""A stand-in for the Azure Blob Storage service (plus a tiny Entra ID token endpoint), in-process.

This is NOT Azure and not an emulator anyone ships: it is a small `http.server` implementation of
the part of the Blob REST API that Gatehouse's Azure Blob adapter uses. It exists because no real
Blob emulator can be installed on the test machines (Azurite is npm/Docker only), and the adapter
still has to be tested against something that behaves like the service. "Behaves like" is checked
by `test_blob_standin.py`, which drives it with the unmodified official `azure-storage-blob` SDK
and no gateway. Anything the stand-in does not implement is refused loudly (see below), never
half-done, so a gateway test can never pass against behaviour Azure would not show.

Addressing: path-style, like Azurite and the emulator URLs in Microsoft's REST docs. The account
lives under `/{account}/` and `account_url` is `http(s)://127.0.0.1:{port}/{account}`; the SDK
treats a 127.0.0.1 endpoint exactly so (account name = first path segment), e.g.
`BlobServiceClient(server.account_url, credential={"account_name": ..., "account_key": ...})` or
the connection string `server.connection_string`
(`DefaultEndpointsProtocol=http;AccountName=A;AccountKey=K;BlobEndpoint=http://127.0.0.1:P/A;`).
With `tls_cert`/`tls_key` the listener speaks HTTPS only (the SDK refuses bearer tokens over
http); clients trust the self-signed cert with `connection_verify=<cert path>`.

Authentication is checked on every request (the token endpoint aside), strictly:

* Shared Key, verified exactly as the service does for x-ms-version 2015-02-21 and later: the
  string-to-sign is VERB, Content-Encoding, Content-Language, Content-Length (empty when 0),
  Content-MD5, Content-Type, Date, If-Modified-Since, If-Match, If-None-Match,
  If-Unmodified-Since, Range (each the header's value as sent, trimmed, or empty: Date is the
  Date header even when x-ms-date is present), one line each, then the canonicalized headers:
  every x-ms-* header (empty values included), name lower-cased, value unfolded (obs-fold ->
  one space) and trimmed, inner spaces kept, repeats joined with ',', `name:value\\n`, ordered
  the way the service orders them (its collation, not plain ASCII: '-' and "'" are ignored at
  the first level, '_' sorts before digits and letters; the SDK emulates the same order), then
  the canonicalized resource: `/{account}` + the URI path as sent (percent-encoded; path-style
  makes it `/{account}/{account}/container/blob`), then for each query parameter, names
  lower-cased and sorted, `\\n{name}:{v1,v2}` with the percent-decoded values sorted ('+' is
  not turned into a space). HMAC-SHA256 with the base64-decoded account key, base64; the header
  is `Authorization: SharedKey {account}:{signature}`. A mismatch is 403 AuthenticationFailed with
  the service's `<AuthenticationErrorDetail>` ("... Server used following string to sign: '...'"),
  which is how a wrongly re-signing gateway shows up (the verifier uses the module-level
  `string_to_sign()` and `sign()`, handy when debugging a client). x-ms-date (else Date) must be
  within 15 minutes. Requests without x-ms-version or with one older than 2015-02-21 are refused (400; a
  stand-in limitation: the service would fall back to the older signing rules).
* Bearer tokens issued by the stand-in's own token endpoint, unexpired, audience
  https://storage.azure.com (scope https://storage.azure.com/.default). Otherwise 401
  InvalidAuthenticationInfo with `WWW-Authenticate: Bearer authorization_uri=<this server>/<tenant>/
  oauth2/authorize resource_id=https://storage.azure.com`, the challenge the SDK follows to fetch a
  new token once. No Authorization at all: 401 NoAuthenticationInformation with the same challenge.
* Account SAS (a `sig` query parameter; what `azure.storage.blob.generate_account_sas` produces,
  e.g. `BlobServiceClient(server.account_url, credential=server.account_sas("rl"))`), verified as the
  service does for signed versions (sv) 2020-12-06 and later: the string-to-sign is the account
  name, sp, ss, srt, st, se, sip, spr, sv and ses (signed encryption scope), each followed by
  "\\n" (absent fields empty, their "\\n" kept; values percent-decoded, as sent otherwise), which is
  also exactly what azure-storage-blob 12.31.1 signs; HMAC-SHA256 with the base64-decoded account
  key, base64, compared in constant time. Checked in this order, each failure answered as the
  service answers it (403 unless said otherwise):
  - sv, ss, srt, sp, se and sig present, each once, and well formed (sp letters from
    "rwdxylacuptfi", ss from "bqtf", srt from "sco", spr "https" or "https,http", st/se ISO 8601
    UTC such as 2030-01-01, 2030-01-01T10:00Z, 2030-01-01T10:00:00Z or with fractional seconds,
    sip one IP address or a range a-b): else AuthenticationFailed "Signature fields not well
    formed." ("sv is mandatory. Cannot be empty" without sv). sv before 2020-12-06 is refused the
    same way with a "(stand-in: ...)" note: the older string-to-sign (no ses line) is not
    implemented. A SAS with `sr` and neither ss nor srt (a service or user delegation SAS) is refused
    as AuthenticationFailed with a "(stand-in: ...)" note: only account SAS is implemented.
  - the signature: AuthenticationFailed "Signature did not match. String to sign used was {text}"
    (the string the stand-in signed, via the module-level `account_sas_string_to_sign()`).
  - time: without st, start is now, so an expired SAS gets AuthenticationFailed "Signed expiry time
    [{se}] must be after signed start time [{now}]"; with st, now outside [st, se] gets "Signature
    not valid in the specified time frame: Start [..] - Expiry [..] - Current [..]" (RFC 1123
    dates). No clock skew allowance, like the service.
  Up to here a failure records `signature_verified=False`; past it the SAS authenticated (True),
  and what follows are authorization failures:
  - sip does not cover the client address: AuthorizationSourceIPMismatch.
  - spr=https on the plain-http listener: AuthorizationProtocolMismatch ("This request is not
    authorized to perform this operation using this protocol.").
  - ss without `b`: AuthorizationServiceMismatch.
  - srt lacks the operation's resource type (s: list containers; c: create/delete container,
    container properties/metadata, list blobs; o: every blob operation):
    AuthorizationResourceTypeMismatch ("This request is not authorized to perform this operation
    using this resource type.").
  - sp lacks the operation's permission, per the "Create an account SAS" table: list containers
    and list blobs l; container properties/metadata r; set container metadata w; create container
    c or w; delete container d; Get Blob / properties / metadata r; Put Blob c or w (c alone only
    while the blob does not exist: overwriting needs w); Put Block, Put Block List, Set Blob
    Metadata w; Delete Blob d: AuthorizationPermissionMismatch ("This request is not authorized to
    perform this operation using this permission.").
  - ses (encryption scopes) with a valid signature: 501 NotImplemented, like x-ms-encryption-scope.
  The SAS parameters never take part in routing (comp, restype, blockid... are read as usual),
  and without an x-ms-version header the request runs at, and the response reports, version sv,
  as on the service. A request carrying both an Authorization header and a sig is refused with
  400 InvalidAuthenticationInfo naming both: the stand-in's choice, the service documents no
  behaviour for it. `account_sas()` makes a token with the SDK's own `generate_account_sas`.

Token endpoint (Entra ID client credentials): `POST /{tenant}/oauth2/v2.0/token` with
grant_type=client_credentials, client_id, scope=<resource>/.default and client_secret, or
client_assertion (an RS256/PS256/ES256 JWT signed with a certificate given to `register_client`,
aud = this endpoint's URL, iss = sub = client_id). Federated credentials (workload identity, e.g. a
Kubernetes service-account token): `register_federated_client(tenant, client_id, issuer, subject,
public_key, audience="api://AzureADTokenExchange")` makes client_assertion for that client a JWT
from the external issuer (RS256/PS256/ES256; `federated_assertion()` mints one). It is checked in
this order, each failure 401 invalid_client with Entra ID's AADSTS code and wording as seen in
public error reports: a malformed JWT AADSTS50027; an iss matching no registered issuer
AADSTS700211 ("No matching federated identity record found for presented assertion issuer '..'.
Check your federated identity credential Subject, Audience and Issuer against the presented
assertion. ..."); a `kid` none of that issuer's registered keys has AADSTS7000272 ("The certificate
with identifier .. used to sign the federated credential could not be found in the metadata of
identity provider .."); a signature the key does not verify AADSTS700027 (the certificate
assertions' code: no public report of the federated wording was found); exp missing or past, or
nbf in the future (5 minutes' skew either way) AADSTS700024 ("Client assertion is not within its
valid time range. Current time: .., assertion valid from .., expiry time of assertion .. ...");
a sub no credential of that issuer has AADSTS700213 ("... presented assertion subject '..'. ...");
an aud (string or list) not containing a matching credential's audience AADSTS700212 ("...
presented assertion audience '..'. ..."). (Older Entra ID answered all three mismatches with
AADSTS70021 "No matching federated identity record found for presented assertion. Assertion
Issuer: '..'. Assertion Subject: '..'. Assertion Audience: '..'."; current Entra ID sends the
specific codes above.) An assertion whose iss is the client_id itself is still checked as a
certificate assertion when a certificate is registered. Tokens are random opaque strings
remembered with their expiry and audience; `expire_all_tokens()` lets a test check that a client
refreshes, `issue_token()` mints one directly (e.g. for another audience), `token_requests` counts calls.

REST operations: create/delete container, container properties/metadata (GET/HEAD), set container
metadata, list containers, list blobs (prefix, delimiter with BlobPrefix, marker/NextMarker,
maxresults, include=metadata), Put Blob (BlockBlob only), Put Block, Put Block List
(Latest/Committed/Uncommitted), Get Blob (Range / x-ms-range -> 206 + Content-Range, 416 InvalidRange,
x-ms-range-get-content-md5 for ranges up to 4 MiB), Get Blob Properties (HEAD), Get/Set Blob
Metadata, Delete Blob; conditional headers If-Match / If-None-Match / If-(Un)Modified-Since; Content-MD5
on uploads is verified (400 Md5Mismatch). Put Blob stores the MD5 of the content as the blob's
Content-MD5, as the service does; Put Block List stores only x-ms-blob-content-md5.

Content validation: azure-storage-blob 12.31.1 sends, for `validate_content=True`, plain MD5 only:
Content-MD5 on Put Blob / Put Block / Put Block List bodies and x-ms-range-get-content-md5 on
ranged downloads (it compares the Content-MD5 we return). Its CRC64 / structured-message modes
(`validate_content="crc64"`/"auto": x-ms-content-crc64, x-ms-structured-body,
x-ms-structured-content-length) need the optional azure-storage-extensions package and are not
implemented here: such requests get 400 UnsupportedHeader instead of being silently accepted.

Not implemented, refused with 501 NotImplemented (or 405 for other verbs) so the request log shows
anything that got through a gateway that should have stopped it: copy, batch, ACLs, leases,
tags, snapshots, versions, tiers, page/append blobs, Get Block List, Set Blob Properties,
service/account properties, user delegation keys, CPK/encryption scopes (ses in a SAS too);
service and user delegation SAS are refused with 403 (see above); public access (409
PublicAccessNotPermitted, as on accounts that disallow it). Anonymous access is never allowed.

Every response carries x-ms-request-id, x-ms-version (the request's), Date and an exact
Content-Length (never chunked); errors are the service's XML (`<Error><Code>..</Code><Message>..
\\nRequestId:..\\nTime:..</Message>..</Error>`, UTF-8 BOM included like the service) with
x-ms-error-code. Request bodies need a Content-Length: chunked or length-less PUT/POST bodies get
411 MissingContentLengthHeader. Large GET bodies are streamed in 1 MiB writes from memory.

Everything is kept in memory. `.requests` records every request (method, path, query, operation,
status, error code, auth scheme, whether the signature/token verified, selected request and response
headers, body length) so tests can prove what a gateway forwarded and how it signed it.
"""

import base64
import binascii
import datetime
import email.utils
import hashlib
import hmac
import http.server
import ipaddress
import itertools
import json
import os
import re
import secrets
import ssl
import tempfile
import threading
import time
import traceback
import uuid
from typing import NamedTuple
from urllib.parse import parse_qsl, quote, unquote
from xml.etree import ElementTree
from xml.sax.saxutils import escape as _xml_escape

from .tls_http_server import ThreadingTLSServer
from .http_stand_in import ThreadedHTTPStandIn
from .ports import free_port

STORAGE_RESOURCE = "https://storage.azure.com"
STORAGE_SCOPE = STORAGE_RESOURCE + "/.default"
MIN_VERSION = "2015-02-21"
CLOCK_SKEW = datetime.timedelta(minutes=15)
RANGE_MD5_LIMIT = 4 * 1024 * 1024
STREAM_CHUNK = 1024 * 1024
MAX_RESULTS = 5000
BOM = "\ufeff"

_TOKEN_PATH = re.compile(r"^/([^/?]+)/oauth2/v2\.0/token$")
_CONTAINER_NAME = re.compile(r"^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$")
_METADATA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")
_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FOLD = re.compile(r"\r?\n[ \t]+")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Request headers copied into the log, and response headers recorded next to them.
LOGGED_REQUEST_HEADERS = (
    "x-ms-version", "x-ms-date", "date", "content-length", "content-type", "content-md5", "transfer-encoding",
    "range", "x-ms-range", "x-ms-range-get-content-md5", "x-ms-blob-type", "if-match", "if-none-match",
    "x-ms-client-request-id", "x-ms-structured-body", "x-ms-content-crc64", "user-agent",
)
LOGGED_RESPONSE_HEADERS = ("content-length", "content-range", "content-md5", "etag", "x-ms-error-code",
                           "www-authenticate")

# Features the stand-in refuses with 501 (the service has them; the gateway should not send them).
UNSUPPORTED_HEADERS = (
    "x-ms-copy-source", "x-ms-lease-id", "x-ms-lease-action", "x-ms-encryption-key", "x-ms-encryption-scope",
    "x-ms-tags", "x-ms-if-tags", "x-ms-immutability-policy-until-date", "x-ms-legal-hold", "x-ms-access-tier",
    "x-ms-blob-condition-maxsize", "x-ms-blob-condition-appendpos", "x-ms-source-if-match",
)
UNVERIFIABLE_HEADERS = ("x-ms-content-crc64", "x-ms-structured-body", "x-ms-structured-content-length",
                        "x-ms-range-get-content-crc64")

MSG_AUTH_FAILED = ("Server failed to authenticate the request. Make sure the value of Authorization header is "
                   "formed correctly including the signature.")
MSG_SEE_CHALLENGE = ("Server failed to authenticate the request. Please refer to the information in the "
                     "www-authenticate header.")
MSG_NOT_WELL_FORMED = "Signature fields not well formed."
MSG_NOT_AUTHORIZED = "This request is not authorized to perform this operation using this {}."

# Account SAS: the string-to-sign implemented (the one with the signed encryption scope line).
SAS_MIN_VERSION = "2020-12-06"
SAS_FIELDS = ("sp", "ss", "srt", "st", "se", "sip", "spr", "sv", "ses")  # string-to-sign order
SAS_PERMISSIONS = "rwdxylacuptfi"
SAS_SERVICES = "bqtf"
SAS_RESOURCE_TYPES = "sco"
# operation -> (signed resource type it needs, signed permissions any one of which allows it)
ACCOUNT_SAS_RULES = {
    "ListContainers": ("s", "l"),
    "CreateContainer": ("c", "cw"),
    "GetContainerProperties": ("c", "r"),
    "GetContainerMetadata": ("c", "r"),
    "SetContainerMetadata": ("c", "w"),
    "DeleteContainer": ("c", "d"),
    "ListBlobs": ("c", "l"),
    "PutBlob": ("o", "cw"),  # c alone: only while the blob does not exist
    "PutBlock": ("o", "w"),
    "PutBlockList": ("o", "w"),
    "GetBlob": ("o", "r"),
    "GetBlobProperties": ("o", "r"),
    "GetBlobMetadata": ("o", "r"),
    "SetBlobMetadata": ("o", "w"),
    "DeleteBlob": ("o", "d"),
}

# Federated credentials (workload identity).
FEDERATED_AUDIENCE = "api://AzureADTokenExchange"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_SKEW = 300  # seconds either side of exp / nbf
_FIC_HINT = ("Check your federated identity credential Subject, Audience and Issuer against the presented "
             "assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation")


class BlobRequest(NamedTuple):
    method: str
    path: str  # as sent, percent-encoded, without the query
    query: str
    operation: str  # e.g. "PutBlob", "GetBlob", "ListBlobs", "Token", "Unsupported"
    status: int
    error_code: str | None
    auth_scheme: str | None  # "SharedKey", "Bearer", "SAS", another scheme word, or None (no credentials)
    signature_verified: bool | None  # Shared Key signature / bearer token / SAS signature and validity
    #                                  accepted (False when refused); None if not checked
    headers: dict  # selected request headers, lower-case names (see LOGGED_REQUEST_HEADERS)
    response_headers: dict  # selected response headers, lower-case names
    body_length: int  # request body bytes received


class _ServiceError(Exception):
    def __init__(self, status: int, code: str, message: str, *, details: dict | None = None,
                 headers: dict | None = None):
        super().__init__(code)
        self.status, self.code, self.message = status, code, message
        self.details = details or {}
        self.headers = headers or {}


class _Blob:
    __slots__ = ("data", "content_type", "content_encoding", "content_language", "content_disposition",
                 "cache_control", "content_md5", "metadata", "etag", "last_modified", "created", "blocks")

    def __init__(self):
        self.data = b""
        self.content_type = "application/octet-stream"
        self.content_encoding = self.content_language = self.content_disposition = self.cache_control = None
        self.content_md5: bytes | None = None
        self.metadata: dict[str, str] = {}
        self.etag = ""
        self.last_modified = self.created = 0.0
        self.blocks: list[tuple[bytes, int]] = []  # committed block list: (decoded id, length)


class _Container:
    def __init__(self, name: str, metadata: dict, etag: str, now: float):
        self.name = name
        self.metadata = metadata
        self.etag = etag
        self.last_modified = now
        self.blobs: dict[str, _Blob] = {}
        self.uncommitted: dict[str, dict[bytes, bytes]] = {}  # blob name -> block id -> data


# --- Shared Key canonicalization ------------------------------------------------------------

# The service orders canonicalized headers with a two-level collation, not by code point:
# first by these characters' ranks (letters case-insensitive; every other ASCII character,
# including '-' and "'", is ignored at this level), then, for names equal at the first level,
# position by position by class: other character < end of name < "'" < '-'.
_PRIMARY_ORDER = "!#$%&*.^_`|~+0123456789abcdefghijklmnopqrstuvwxyz"
_PRIMARY_RANK = {c: i for i, c in enumerate(_PRIMARY_ORDER)}
_SECONDARY_RANK = {"'": 2, "-": 3}


def service_header_order(name: str) -> tuple:
    """Sort key putting header names in the order the Blob service uses for Shared Key."""
    lowered = name.lower()
    primary = tuple(_PRIMARY_RANK[c] for c in lowered if c in _PRIMARY_RANK)
    secondary = tuple(_SECONDARY_RANK.get(c, 0) for c in lowered) + (1,)
    return primary, secondary


def _wire_text(value: str) -> str:
    """http.server decodes header bytes as latin-1; signatures are computed over UTF-8 text."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def canonicalized_headers(header_items) -> str:
    """`name:value\\n` for every x-ms-* header; repeated headers are joined with ','."""
    values: dict[str, list[str]] = {}
    for name, value in header_items:
        lowered = name.lower()
        if lowered.startswith("x-ms-"):
            values.setdefault(lowered, []).append(_FOLD.sub(" ", _wire_text(value)).strip())
    return "".join(f"{name}:{','.join(values[name])}\n" for name in sorted(values, key=service_header_order))


def _parse_query(raw_query: str) -> dict[str, list[str]]:
    """Parameter names lower-cased, names and values percent-decoded ('+' stays '+')."""
    params: dict[str, list[str]] = {}
    for piece in raw_query.split("&"):
        if piece:
            name, _, value = piece.partition("=")
            params.setdefault(unquote(name).lower(), []).append(unquote(value))
    return params


def canonicalized_resource(account: str, raw_path: str, raw_query: str) -> str:
    params = _parse_query(raw_query)
    resource = f"/{account}{raw_path}"
    for name in sorted(params):
        resource += f"\n{name}:{','.join(sorted(params[name]))}"
    return resource


def string_to_sign(method: str, header_items, account: str, raw_path: str, raw_query: str) -> str:
    """The Shared Key string-to-sign (version 2015-02-21 and later) for a request as received."""
    first: dict[str, str] = {}
    for name, value in header_items:
        first.setdefault(name.lower(), _wire_text(value).strip())
    if first.get("content-length") == "0":
        first["content-length"] = ""
    standard = ("content-encoding", "content-language", "content-length", "content-md5", "content-type", "date",
                "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range")
    return (method + "\n" + "".join(first.get(name, "") + "\n" for name in standard)
            + canonicalized_headers(header_items) + canonicalized_resource(account, raw_path, raw_query))


def sign(account_key_b64: str, text: str) -> str:
    digest = hmac.new(base64.b64decode(account_key_b64), text.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


# --- account SAS ----------------------------------------------------------------------------

_SAS_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?Z)?$")


def account_sas_string_to_sign(account: str, fields: dict) -> str:
    """The account SAS string-to-sign (sv 2020-12-06 and later) for percent-decoded field values."""
    return account + "\n" + "".join((fields.get(name) or "") + "\n" for name in SAS_FIELDS)


def parse_sas_time(value: str) -> datetime.datetime:
    """An st/se value (the ISO 8601 UTC forms the service accepts); ValueError otherwise."""
    match = _SAS_TIME.match(value)
    if not match:
        raise ValueError(value)
    year, month, day, hour, minute, second, fraction = match.groups()
    return datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                             int((fraction or "0").ljust(6, "0")[:6]), tzinfo=datetime.timezone.utc)


def _sas_ip_range(value: str):
    """(first, last) addresses of a sip value; ValueError if malformed."""
    first, separator, last = value.partition("-")
    low = ipaddress.ip_address(first.strip())
    high = ipaddress.ip_address(last.strip()) if separator else low
    if low.version != high.version or high < low:
        raise ValueError(value)
    return low, high


def _rfc1123(when: datetime.datetime) -> str:
    return email.utils.format_datetime(when.astimezone(datetime.timezone.utc).replace(microsecond=0), usegmt=True)


# --- JWTs: client assertions and federated credentials ----------------------------------------

def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _split_jwt(assertion: str):
    """(header, claims, signing input, signature) of a compact JWS; ValueError if malformed."""
    try:
        head_b64, claims_b64, signature_b64 = assertion.split(".")
        head, claims = json.loads(_b64url_decode(head_b64)), json.loads(_b64url_decode(claims_b64))
        signature = _b64url_decode(signature_b64)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise ValueError("not a compact JWS") from error
    if not isinstance(head, dict) or not isinstance(claims, dict):
        raise ValueError("not a compact JWS")
    return head, claims, f"{head_b64}.{claims_b64}".encode(), signature


def _jws_verify(key, algorithm, signed: bytes, signature: bytes) -> bool | None:
    """True if `signature` is a valid RS256/PS256/ES256 signature by `key`; None for another algorithm."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, utils
    try:
        if algorithm == "RS256":
            key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
        elif algorithm == "PS256":
            key.verify(signature, signed, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
        elif algorithm == "ES256":
            if len(signature) != 64:
                return False
            der = utils.encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                             int.from_bytes(signature[32:], "big"))
            key.verify(der, signed, ec.ECDSA(hashes.SHA256()))
        else:
            return None
    except (InvalidSignature, TypeError, ValueError, AttributeError):
        return False
    return True


def _load_public_key(key):
    """A cryptography public key from a public key, a private key, or PEM (public key or certificate)."""
    if hasattr(key, "public_key") and not hasattr(key, "public_numbers"):
        key = key.public_key()  # a private key or a certificate object
    if isinstance(key, (str, bytes)):
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        pem = key.encode() if isinstance(key, str) else key
        try:
            key = serialization.load_pem_public_key(pem)
        except ValueError:
            key = x509.load_pem_x509_certificate(pem).public_key()
    if not hasattr(key, "verify"):
        raise TypeError(f"not a public key: {type(key).__name__}")
    return key


def federated_key_id(key) -> str:
    """The `kid` used for a federated signing key: base64url SHA-256 of its DER SubjectPublicKeyInfo
    (the way Kubernetes derives service-account token key ids)."""
    from cryptography.hazmat.primitives import serialization
    der = _load_public_key(key).public_bytes(serialization.Encoding.DER,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
    return _b64url(hashlib.sha256(der).digest())


def federated_assertion(private_key, issuer: str, subject: str, audience=FEDERATED_AUDIENCE,
                        lifetime: int = 3600, *, not_before: float | None = None, issued_at: float | None = None,
                        key_id: str | None = None, algorithm: str | None = None,
                        extra_claims: dict | None = None) -> str:
    """A compact JWT as an external identity provider (e.g. a Kubernetes service-account token)
    issues it, for `client_assertion` with a client given to `register_federated_client`.

    RSA keys sign RS256 (or `algorithm="PS256"`), P-256 keys ES256. `audience` is a string or a
    list (the claim is always a list, as Kubernetes writes it); exp = iat + lifetime (a negative
    lifetime makes an expired assertion); `kid` defaults to `federated_key_id(private_key)`.
    """
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
    if algorithm is None:
        algorithm = "ES256" if isinstance(private_key, ec.EllipticCurvePrivateKey) else "RS256"
    now = int(time.time() if issued_at is None else issued_at)
    claims = {"aud": [audience] if isinstance(audience, str) else list(audience), "exp": now + lifetime,
              "iat": now, "iss": issuer, "nbf": int(now if not_before is None else not_before), "sub": subject}
    claims.update(extra_claims or {})
    header = {"alg": algorithm, "kid": federated_key_id(private_key) if key_id is None else key_id}
    signing_input = (_b64url(json.dumps(header, separators=(",", ":")).encode()) + "."
                     + _b64url(json.dumps(claims, separators=(",", ":")).encode())).encode()
    if algorithm == "ES256":
        der = private_key.sign(signing_input, ec.ECDSA(hashes.SHA256()))
        r, s = utils.decode_dss_signature(der)
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    elif algorithm == "PS256" and isinstance(private_key, rsa.RSAPrivateKey):
        signature = private_key.sign(signing_input, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    elif algorithm == "RS256" and isinstance(private_key, rsa.RSAPrivateKey):
        signature = private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    else:
        raise ValueError(f"cannot sign {algorithm} with {type(private_key).__name__}")
    return signing_input.decode() + "." + _b64url(signature)


def _aad_time(timestamp: float) -> str:
    when = datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


# --- small formatting helpers ---------------------------------------------------------------

def _http_date(timestamp: float) -> str:
    return email.utils.formatdate(timestamp, usegmt=True)


def _error_time() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _md5(data) -> bytes:
    return hashlib.md5(data, usedforsecurity=False).digest()


def _x(text: str) -> str:
    return _xml_escape(text, {'"': "&quot;"})


def _xml_name(name: str) -> str:
    """A <Name> element; names XML cannot carry go percent-encoded with Encoded="true", as the service does."""
    if _XML_INVALID.search(name):
        return f'<Name Encoded="true">{quote(name, safe="/")}</Name>'
    return f"<Name>{_x(name)}</Name>"


def _metadata_xml(metadata: dict) -> str:
    if not metadata:
        return "<Metadata />"
    return "<Metadata>" + "".join(f"<{k}>{_x(_wire_text(v))}</{k}>" for k, v in metadata.items()) + "</Metadata>"


def _raiser(error: Exception):
    def action():
        raise error
    return action


def _etag_values(header: str) -> list[str]:
    return [v.strip() for v in header.split(",") if v.strip()]


def _strip_etag(value: str) -> str:
    value = value.strip()
    if value.startswith("W/"):
        value = value[2:]
    return value.strip('"')


class BlobStandIn(ThreadedHTTPStandIn):
    def __init__(self, account_name: str, account_key_b64: str, *, tls_cert: str | None = None,
                 tls_key: str | None = None, workdir: str | None = None, tenant_id: str = "standin-tenant",
                 client_id: str | None = None, client_secret: str | None = None, token_lifetime: int = 3600,
                 request_timeout: float = 120.0):
        base64.b64decode(account_key_b64, validate=True)  # a malformed key is a test bug: fail early
        self.account_name = account_name
        self.account_key = account_key_b64
        self.tls_cert, self.tls_key = tls_cert, tls_key
        self.tenant_id = tenant_id
        self.token_lifetime = token_lifetime
        self.request_timeout = request_timeout
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="gatehouse-blob-")
        self.log_path = os.path.join(self.workdir, "blob-standin.log")
        self.host = "127.0.0.1"
        self.port = free_port()
        self.scheme = "https" if tls_cert else "http"
        self.url = f"{self.scheme}://{self.host}:{self.port}"
        self.account_url = f"{self.url}/{account_name}"
        self._lock = threading.RLock()
        self._containers: dict[str, _Container] = {}
        self._requests: list[BlobRequest] = []
        self._clients: dict[tuple[str, str], dict] = {}
        self._tokens: dict[str, dict] = {}
        self._token_requests = 0
        self._etags = itertools.count(time.time_ns() // 100)
        self._httpd: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        if client_id:
            self.register_client(tenant_id, client_id, client_secret)

    # --- lifecycle -------------------------------------------------------------------

    def start(self) -> "BlobStandIn":
        handler = type("BoundBlobHandler", (_BlobHandler,), {"standin": self, "timeout": self.request_timeout})
        context = None
        if self.tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.tls_cert, self.tls_key)
        return self._serve(ThreadingTLSServer((self.host, self.port), handler, context, self.request_timeout),
                           "blob-standin", "Blob stand-in", self.url)

    # --- for tests: addresses --------------------------------------------------------

    @property
    def connection_string(self) -> str:
        return (f"DefaultEndpointsProtocol={self.scheme};AccountName={self.account_name};"
                f"AccountKey={self.account_key};BlobEndpoint={self.account_url};")

    def token_url(self, tenant: str | None = None) -> str:
        return f"{self.url}/{tenant or self.tenant_id}/oauth2/v2.0/token"

    # --- for tests: storage ground truth ---------------------------------------------

    def create_container(self, name: str, metadata: dict | None = None) -> None:
        with self._lock:
            if name not in self._containers:
                self._containers[name] = _Container(name, dict(metadata or {}), self._new_etag(), time.time())

    def put(self, container: str, name: str, data: bytes, content_type: str = "application/octet-stream",
            metadata: dict | None = None) -> str:
        """Seed a block blob directly (creating the container if needed); returns its ETag."""
        with self._lock:
            self.create_container(container)
            blob = _Blob()
            blob.data, blob.content_type, blob.content_md5 = bytes(data), content_type, _md5(data)
            blob.metadata = dict(metadata or {})
            blob.etag, blob.last_modified = self._new_etag(), time.time()
            blob.created = blob.last_modified
            self._containers[container].blobs[name] = blob
            return blob.etag

    def stored(self, container: str, name: str) -> bytes:
        """The committed content, straight from storage (KeyError if absent)."""
        with self._lock:
            return self._containers[container].blobs[name].data

    def exists(self, container: str, name: str | None = None) -> bool:
        with self._lock:
            found = self._containers.get(container)
            return found is not None and (name is None or name in found.blobs)

    def blob_metadata(self, container: str, name: str) -> dict:
        with self._lock:
            return dict(self._containers[container].blobs[name].metadata)

    def uncommitted_blocks(self, container: str, name: str) -> int:
        with self._lock:
            found = self._containers.get(container)
            return len(found.uncommitted.get(name, {})) if found else 0

    # --- for tests: request log ------------------------------------------------------

    @property
    def requests(self) -> list[BlobRequest]:
        """A snapshot of the request log, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def read_log(self) -> str:
        """Tracebacks of requests that failed inside the stand-in, for failure diagnostics."""
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    # --- for tests: tokens -----------------------------------------------------------

    def register_client(self, tenant: str, client_id: str, secret: str | None = None, *,
                        certificate_pem: bytes | str | None = None) -> None:
        """Accept client credentials for `tenant`: a secret and/or a certificate (PEM) for assertions."""
        public_key = thumbprints = None
        if certificate_pem is not None:
            from cryptography import x509
            from cryptography.hazmat.primitives import serialization
            pem = certificate_pem.encode() if isinstance(certificate_pem, str) else certificate_pem
            certificate = x509.load_pem_x509_certificate(pem)
            der = certificate.public_bytes(serialization.Encoding.DER)
            public_key = certificate.public_key()
            thumbprints = {base64.urlsafe_b64encode(hashlib.sha1(der).digest()).rstrip(b"=").decode(),
                           base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()}
        with self._lock:
            federated = self._clients.get((tenant, client_id), {}).get("federated", [])
            self._clients[(tenant, client_id)] = {"secret": secret, "public_key": public_key,
                                                  "thumbprints": thumbprints, "federated": federated}

    def register_federated_client(self, tenant: str, client_id: str, issuer: str, subject: str, public_key,
                                  audience: str = FEDERATED_AUDIENCE, *, key_id: str | None = None) -> None:
        """Add a federated identity credential to `client_id` in `tenant` (created if unknown): a
        client_assertion issued by `issuer` for `subject` with `audience` among its aud, signed by
        `public_key` (a cryptography public or private key, or PEM of a public key or certificate;
        its `kid` defaults to `federated_key_id()`), is accepted. Call again to add more, as an app
        registration holds several."""
        key = _load_public_key(public_key)
        record = {"issuer": issuer, "subject": subject, "audience": audience, "key": key,
                  "kid": federated_key_id(key) if key_id is None else key_id}
        with self._lock:
            client = self._clients.setdefault((tenant, client_id), {"secret": None, "public_key": None,
                                                                    "thumbprints": None, "federated": []})
            client["federated"] = client["federated"] + [record]

    def account_sas(self, permission: str = "rl", resource_types: str = "sco", expiry_seconds: float = 3600,
                    protocol: str | None = "https,http", *, start: datetime.datetime | str | None = None,
                    services: str = "b", ip: str | None = None, encryption_scope: str | None = None) -> str:
        """An account SAS token (no leading '?') for this account, made by the SDK's own
        `generate_account_sas` with the account key: e.g. `account_sas("rl")` for read + list on
        service, containers and blobs; a negative `expiry_seconds` makes an expired one."""
        from azure.storage.blob import generate_account_sas
        expiry = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=expiry_seconds)
        options = {"protocol": protocol} if protocol else {}
        if encryption_scope:
            options["encryption_scope"] = encryption_scope
        return generate_account_sas(self.account_name, self.account_key, resource_types=resource_types,
                                    permission=permission, expiry=expiry, start=start, ip=ip, services=services,
                                    **options)

    def issue_token(self, audience: str = STORAGE_RESOURCE, lifetime: int | None = None,
                    tenant: str | None = None, client_id: str = "test") -> str:
        """A token as the endpoint would issue it, without the HTTP round trip."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = {"expires": time.time() + (self.token_lifetime if lifetime is None else lifetime),
                                   "audience": audience, "tenant": tenant or self.tenant_id, "client_id": client_id}
        return token

    def expire_all_tokens(self) -> None:
        with self._lock:
            for record in self._tokens.values():
                record["expires"] = 0.0

    @property
    def token_requests(self) -> int:
        """How many times the token endpoint was called (successfully or not)."""
        with self._lock:
            return self._token_requests

    # --- internals -------------------------------------------------------------------

    def _new_etag(self) -> str:
        return f'"0x8D{next(self._etags) & 0xFFFFFFFFFFFFF:013X}"'

    def _record(self, request: BlobRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _log_exception(self, text: str) -> None:
        with self._lock, open(self.log_path, "a") as f:
            f.write(text + "\n")


class _Context:
    """One request as the handler sees it."""

    def __init__(self, handler: "_BlobHandler"):
        target = handler.path
        if "://" in target.split("?", 1)[0]:  # absolute-form request target
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        self.raw_path, _, self.raw_query = target.partition("?")
        self.method = handler.command
        self.headers = handler.headers
        self.query = _parse_query(self.raw_query)
        self.request_id = str(uuid.uuid4())
        self.body = b""
        self.operation = "Unknown"
        self.auth_scheme: str | None = None
        self.verified: bool | None = None
        self.client_ip = handler.client_address[0] if handler.client_address else ""
        self.sas_version: str | None = None  # sv of an authenticated SAS: the version without x-ms-version
        self.container: str | None = None  # the addressed container and blob, once routed
        self.blob: str | None = None
        self.recorded = False
        self.action = None  # the routed operation, run after authentication

    def header(self, name: str) -> str | None:
        value = self.headers.get(name)
        return None if value is None else value.strip()

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


class _BlobHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0"
    sys_version = ""
    standin: BlobStandIn  # set on the per-server subclass

    def log_message(self, format, *args):  # the request log replaces stderr noise
        pass

    def do_GET(self):
        self._serve()

    def do_HEAD(self):
        self._serve()

    def do_PUT(self):
        self._serve()

    def do_DELETE(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def do_PATCH(self):
        self._serve()

    def do_OPTIONS(self):
        self._serve()

    # --- one request -----------------------------------------------------------------

    def _serve(self) -> None:
        ctx = _Context(self)
        self._ctx = ctx
        self._response_headers: dict[str, str] = {}
        status, code = 500, None
        try:
            token_endpoint = ctx.method == "POST" and _TOKEN_PATH.match(ctx.raw_path)
            if token_endpoint:
                ctx.operation = "Token"
            elif ctx.method in ("GET", "HEAD", "PUT", "DELETE", "POST"):
                # Known before the body and authentication, so a refusal is logged as what it tried.
                ctx.operation, ctx.action = self._route(ctx)
            else:
                ctx.operation = "Unsupported"
            self._read_body(ctx)
            status = self._token_endpoint(ctx) if token_endpoint else self._service(ctx)
        except _ServiceError as error:
            status, code = error.status, error.code
            self._send_error(ctx, error)
        except OSError:  # the client went away or stalled (connection reset, TLS error, timeout)
            self.close_connection = True
            status, code = 499, "ClientDisconnected"
        except Exception:
            self.standin._log_exception(f"=== {ctx.method} {self.path}\n{traceback.format_exc()}")
            status, code = 500, "InternalError"
            self.close_connection = True
            if not ctx.recorded:  # nothing sent yet: answer like the service would
                try:
                    self._send_error(ctx, _ServiceError(500, "InternalError", "Server encountered an internal "
                                                        "error. Please try again after some time."))
                except OSError:
                    pass
        if not ctx.recorded:  # no response went out (the client went away)
            self._record(ctx, status, code)

    def _record(self, ctx: _Context, status: int, code: str | None) -> None:
        ctx.recorded = True
        self.standin._record(BlobRequest(
            ctx.method, ctx.raw_path, ctx.raw_query, ctx.operation, status, code, ctx.auth_scheme, ctx.verified,
            {name: ctx.headers[name] for name in LOGGED_REQUEST_HEADERS if ctx.headers.get(name) is not None},
            {name: value for name, value in self._response_headers.items() if name in LOGGED_RESPONSE_HEADERS},
            len(ctx.body)))

    def _drain_chunked(self, limit: int) -> None:
        """Reads and drops a chunked body of at most `limit` bytes (best effort)."""
        read = 0
        try:
            while read <= limit:
                size_line = self.rfile.readline(1024)
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline(1024)
                    return
                self.rfile.read(size + 2)
                read += size
        except (ValueError, OSError):
            return

    def _read_body(self, ctx: _Context) -> None:
        transfer_encoding = ctx.header("Transfer-Encoding")
        length = ctx.header("Content-Length")
        if transfer_encoding or (length is None and ctx.method in ("PUT", "POST")):
            # The service needs the length up front; nothing here reads an unbounded body. A small
            # chunked body is drained first, so that closing does not reset the connection under
            # the client before it has read the 411.
            if transfer_encoding and transfer_encoding.lower() == "chunked":
                self._drain_chunked(limit=1 << 20)
            self.close_connection = True
            raise _ServiceError(411, "MissingContentLengthHeader", "Content-Length HTTP header is missing")
        try:
            remaining = int(length or 0)
            if remaining < 0:
                raise ValueError
        except ValueError:
            self.close_connection = True
            raise _ServiceError(400, "InvalidHeaderValue",
                                "The value for one of the HTTP headers is not in the correct format.",
                                details={"HeaderName": "Content-Length", "HeaderValue": length})
        buffer = bytearray(remaining)
        view = memoryview(buffer)
        position = 0
        while position < remaining:
            got = self.rfile.readinto(view[position:position + STREAM_CHUNK])
            if not got:
                raise ConnectionError("request body shorter than Content-Length")
            position += got
        ctx.body = bytes(buffer)

    # --- responses -------------------------------------------------------------------

    def _start(self, ctx: _Context, status: int, headers: dict, length: int) -> None:
        self.send_response(status)
        all_headers = {"x-ms-request-id": ctx.request_id}
        version = ctx.header("x-ms-version") or ctx.sas_version
        if version:
            all_headers["x-ms-version"] = version
        client_request_id = ctx.header("x-ms-client-request-id")
        if client_request_id:
            all_headers["x-ms-client-request-id"] = client_request_id
        all_headers.update(headers)
        all_headers["Content-Length"] = str(length)
        if self.close_connection:
            all_headers["Connection"] = "close"
        for name, value in all_headers.items():
            self.send_header(name, value)
            self._response_headers[name.lower()] = value
        # Logged before the response leaves, so a client that has its answer finds it in the log.
        self._record(ctx, status, all_headers.get("x-ms-error-code"))
        self.end_headers()

    def _send(self, ctx: _Context, status: int, headers: dict | None = None, body: bytes = b"") -> int:
        self._start(ctx, status, headers or {}, len(body))
        if body and ctx.method != "HEAD":
            self.wfile.write(body)
        return status

    def _send_xml(self, ctx: _Context, status: int, xml: str, headers: dict | None = None) -> int:
        return self._send(ctx, status, {"Content-Type": "application/xml", **(headers or {})},
                          (BOM + xml).encode("utf-8"))

    def _send_error(self, ctx: _Context, error: _ServiceError) -> None:
        details = "".join(f"<{k}>{_x(str(v))}</{k}>" for k, v in error.details.items())
        xml = (f'<?xml version="1.0" encoding="utf-8"?><Error><Code>{error.code}</Code>'
               f"<Message>{_x(error.message)}\nRequestId:{ctx.request_id}\nTime:{_error_time()}</Message>"
               f"{details}</Error>")
        headers = {"Content-Type": "application/xml", "x-ms-error-code": error.code, **error.headers}
        body = (BOM + xml).encode("utf-8") if ctx.method != "HEAD" else b""
        self._send(ctx, error.status, headers, body)

    # --- the token endpoint ----------------------------------------------------------

    def _token_endpoint(self, ctx: _Context) -> int:
        standin = self.standin
        ctx.operation = "Token"
        with standin._lock:
            standin._token_requests += 1
        tenant = _TOKEN_PATH.match(ctx.raw_path).group(1)

        def fail(status: int, error: str, code: int, description: str) -> int:
            now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
            payload = {"error": error, "error_description": f"AADSTS{code}: {description} Trace ID: {ctx.request_id} "
                                                             f"Correlation ID: {ctx.request_id} Timestamp: {now}",
                       "error_codes": [code], "timestamp": now, "trace_id": ctx.request_id,
                       "correlation_id": ctx.request_id}
            return self._send_json(ctx, status, payload)

        content_type = (ctx.header("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return fail(400, "invalid_request", 900144, "The request body must contain the following parameter: "
                                                        "'grant_type'.")
        form = dict(parse_qsl(ctx.body.decode("utf-8", "replace"), keep_blank_values=True))
        for required in ("grant_type", "client_id", "scope"):
            if not form.get(required):
                return fail(400, "invalid_request", 900144,
                            f"The request body must contain the following parameter: '{required}'.")
        if form["grant_type"] != "client_credentials":
            return fail(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.")
        with standin._lock:
            known_tenant = any(t == tenant for t, _ in standin._clients)
            client = standin._clients.get((tenant, form["client_id"]))
        if not known_tenant:
            return fail(400, "invalid_request", 90002, f"Tenant '{tenant}' not found.")
        if client is None:
            return fail(400, "unauthorized_client", 700016, f"Application with identifier '{form['client_id']}' "
                                                            f"was not found in the directory '{tenant}'.")
        if "client_assertion" in form:
            if form.get("client_assertion_type") != JWT_BEARER:
                return fail(400, "invalid_request", 50027, "Invalid client_assertion_type.")
            if self._is_federated(form["client_assertion"], client, form["client_id"]):
                problem = self._check_federated_assertion(form["client_assertion"], client)
            else:
                problem = self._check_assertion(form["client_assertion"], client, form["client_id"],
                                                standin.url + ctx.raw_path)
            if problem:
                return fail(401, "invalid_client", problem[0], problem[1])
        elif "client_secret" in form:
            if client["secret"] is None or not hmac.compare_digest(form["client_secret"].encode(),
                                                                   client["secret"].encode()):
                return fail(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret "
                                                            "being sent in the request is the client secret value, "
                                                            "not the client secret ID.")
        else:
            return fail(401, "invalid_client", 7000218, "The request body must contain the following parameter: "
                                                        "'client_assertion' or 'client_secret'.")
        scopes = form["scope"].split()
        if len(scopes) != 1 or not scopes[0].endswith("/.default"):
            return fail(400, "invalid_scope", 1002012, f"The provided value for scope {form['scope']} is not valid. "
                                                       "Client credential flows must have a scope value with "
                                                       "/.default suffixed to the resource identifier.")
        audience = scopes[0][: -len("/.default")]
        token = standin.issue_token(audience=audience, tenant=tenant, client_id=form["client_id"])
        return self._send_json(ctx, 200, {"token_type": "Bearer", "expires_in": standin.token_lifetime,
                                          "ext_expires_in": standin.token_lifetime, "access_token": token})

    def _send_json(self, ctx: _Context, status: int, payload: dict) -> int:
        return self._send(ctx, status, {"Content-Type": "application/json; charset=utf-8",
                                        "Cache-Control": "no-store, no-cache", "Pragma": "no-cache"},
                          json.dumps(payload).encode())

    @staticmethod
    def _is_federated(assertion: str, client: dict, client_id: str) -> bool:
        """Whether to check `assertion` against the client's federated credentials rather than its
        certificate: it has some, and no certificate or an assertion not issued by the client itself."""
        if not client.get("federated"):
            return False
        if client["public_key"] is None:
            return True
        try:
            return _split_jwt(assertion)[1].get("iss") != client_id
        except ValueError:
            return False

    @staticmethod
    def _check_federated_assertion(assertion: str, client: dict):
        """None if the external issuer's JWT matches one of the client's federated credentials, else
        (AADSTS code, description) as Entra ID answers."""
        try:
            head, claims, signed, signature = _split_jwt(assertion)
        except ValueError:
            return 50027, "JWT token is invalid or malformed."
        issuer, subject, audience = claims.get("iss"), claims.get("sub"), claims.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
        records = [r for r in client["federated"] if r["issuer"] == issuer]
        if not records:
            return 700211, f"No matching federated identity record found for presented assertion issuer '{issuer}'. " \
                           + _FIC_HINT
        kid = head.get("kid")
        keys = [r for r in records if kid is None or r["kid"] == kid]
        if not keys:
            return 7000272, f"The certificate with identifier {kid} used to sign the federated credential could not " \
                            f"be found in the metadata of identity provider {issuer}. Please validate that your " \
                            "Identity Provider's metadata exposes the key used to sign the incoming token."
        results = {_jws_verify(r["key"], head.get("alg"), signed, signature) for r in keys}
        if None in results:
            return 700027, f"Client assertion uses an unsupported algorithm '{head.get('alg')}'."
        if True not in results:
            return 700027, "Client assertion failed signature validation. [Reason - Key was found, but use of the " \
                           "key to verify the signature failed.]"
        now = time.time()
        expires, not_before = claims.get("exp"), claims.get("nbf", 0)
        expires = expires if isinstance(expires, (int, float)) else None
        not_before = not_before if isinstance(not_before, (int, float)) else None
        if expires is None or not_before is None or expires < now - ASSERTION_SKEW \
                or not_before > now + ASSERTION_SKEW:
            return 700024, f"Client assertion is not within its valid time range. Current time: {_aad_time(now)}, " \
                           f"assertion valid from {_aad_time(not_before or 0)}, expiry time of assertion " \
                           f"{_aad_time(expires or 0)}. Review the documentation at " \
                           "https://learn.microsoft.com/entra/identity-platform/certificate-credentials ."
        records = [r for r in records if r["subject"] == subject]
        if not records:
            return 700213, f"No matching federated identity record found for presented assertion subject " \
                           f"'{subject}'. " + _FIC_HINT
        if not any(r["audience"] in audiences for r in records):
            return 700212, f"No matching federated identity record found for presented assertion audience " \
                           f"'{','.join(str(a) for a in audiences)}'. " + _FIC_HINT
        return None

    @staticmethod
    def _check_assertion(assertion: str, client: dict, client_id: str, audience: str):
        """None if the JWT client assertion is good, else (AADSTS code, description)."""
        if client["public_key"] is None:
            return 700027, "Client assertion failed signature validation. No certificate is registered."
        try:
            head_b64, claims_b64, signature_b64 = assertion.split(".")

            def b64url(text: str) -> bytes:
                return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            head, claims = json.loads(b64url(head_b64)), json.loads(b64url(claims_b64))
            signature = b64url(signature_b64)
        except (ValueError, binascii.Error):
            return 50012, "Client assertion is not a well-formed JWT."
        if not ({head.get("x5t"), head.get("x5t#S256")} & client["thumbprints"]):
            return 700027, "Client assertion contains an invalid signature: the key was not found."
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec, padding, utils
        signed = f"{head_b64}.{claims_b64}".encode()
        key = client["public_key"]
        try:
            algorithm = head.get("alg")
            if algorithm == "RS256":
                key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
            elif algorithm == "PS256":
                key.verify(signature, signed, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
            elif algorithm == "ES256" and len(signature) == 64:
                der = utils.encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                                 int.from_bytes(signature[32:], "big"))
                key.verify(der, signed, ec.ECDSA(hashes.SHA256()))
            else:
                return 700027, f"Client assertion uses an unsupported algorithm '{algorithm}'."
        except (InvalidSignature, TypeError, ValueError):
            return 700027, "Client assertion failed signature validation."
        now = time.time()
        if claims.get("aud") != audience:
            return 700212, f"No matching federated identity record found for presented assertion audience " \
                           f"'{claims.get('aud')}'."
        if claims.get("iss") != client_id or claims.get("sub") != client_id:
            return 700021, "Client assertion application identifier doesn't match 'client_id' parameter."
        if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] < now - 300 \
                or claims.get("nbf", 0) > now + 300:
            return 700024, "Client assertion is not within its valid time range."
        return None

    # --- the Blob service ------------------------------------------------------------

    def _service(self, ctx: _Context) -> int:
        if ctx.action is None:
            raise _ServiceError(405, "UnsupportedHttpVerb", "The resource doesn't support specified Http Verb.",
                                headers={"Allow": "GET, HEAD, PUT, DELETE"})
        self._authenticate(ctx)
        version = ctx.header("x-ms-version") or ctx.sas_version
        if not version or not _VERSION.match(version) or version < MIN_VERSION:
            raise _ServiceError(400, "InvalidHeaderValue",
                                "The value for one of the HTTP headers is not in the correct format. "
                                f"(stand-in: x-ms-version {MIN_VERSION} or later is required)",
                                details={"HeaderName": "x-ms-version", "HeaderValue": version or ""})
        for name in UNVERIFIABLE_HEADERS:
            if ctx.header(name) is not None:
                raise _ServiceError(400, "UnsupportedHeader",
                                    "One of the HTTP headers specified in the request is not supported. "
                                    "(stand-in: CRC64 and structured messages are not implemented)",
                                    details={"HeaderName": name})
        return ctx.action()

    # --- authentication --------------------------------------------------------------

    def _authenticate(self, ctx: _Context) -> None:
        standin = self.standin
        authorization = ctx.header("Authorization")
        if "sig" in ctx.query:
            if authorization:
                # The service documents nothing for this; the stand-in's choice is to refuse it.
                scheme = authorization.partition(" ")[0]
                ctx.auth_scheme, ctx.verified = f"{scheme}+SAS", False
                raise _ServiceError(400, "InvalidAuthenticationInfo", "Authentication information is not given in "
                                    "the correct format. Check the value of Authorization header.", details={
                                        "AuthenticationErrorDetail": f"The request carries both an Authorization "
                                        f"header ({scheme}) and a shared access signature (sig query parameter). "
                                        "(stand-in: a request must use one or the other)"})
            self._authenticate_sas(ctx)
            return
        if not authorization:
            raise _ServiceError(401, "NoAuthenticationInformation", MSG_SEE_CHALLENGE,
                                headers={"WWW-Authenticate": self._challenge()})
        scheme, _, credential = authorization.partition(" ")
        ctx.auth_scheme = scheme
        credential = credential.strip()
        if scheme == "SharedKey":
            account, separator, signature = credential.rpartition(":")
            if not separator or not account or not signature:
                ctx.verified = False
                raise _ServiceError(400, "InvalidAuthenticationInfo", "Authentication information is not given in "
                                    "the correct format. Check the value of Authorization header.")
            text = string_to_sign(ctx.method, ctx.headers.items(), standin.account_name, ctx.raw_path,
                                  ctx.raw_query)
            expected = sign(standin.account_key, text)
            ctx.verified = (account == standin.account_name and signature.isascii()
                            and hmac.compare_digest(expected, signature))
            if not ctx.verified:
                raise _ServiceError(403, "AuthenticationFailed", MSG_AUTH_FAILED, details={
                    "AuthenticationErrorDetail": f"The MAC signature found in the HTTP request '{signature}' is not "
                                                 "the same as any computed signature. Server used following string "
                                                 f"to sign: '{text}'."})
            self._check_date(ctx, required=True)
        elif scheme == "Bearer":
            with standin._lock:
                record = standin._tokens.get(credential)
                record = dict(record) if record else None
            detail = None
            if record is None:
                detail = "Signature validation failed. The token is not one this service issued."
            elif record["expires"] <= time.time():
                detail = "Lifetime validation failed. The token is expired."
            elif record["audience"].rstrip("/") not in (STORAGE_RESOURCE, standin.account_url):
                detail = "Audience validation failed. Audience did not match."
            ctx.verified = detail is None
            if detail:
                raise _ServiceError(401, "InvalidAuthenticationInfo", MSG_SEE_CHALLENGE,
                                    details={"AuthenticationErrorDetail": detail},
                                    headers={"WWW-Authenticate": self._challenge(record["tenant"] if record else None)})
            self._check_date(ctx, required=False)
        else:
            ctx.verified = False
            raise _ServiceError(403, "AuthenticationFailed", MSG_AUTH_FAILED, details={
                "AuthenticationErrorDetail": f"The authentication scheme '{scheme}' is not supported by the Blob "
                                             "stand-in (SharedKey or Bearer)."})

    def _authenticate_sas(self, ctx: _Context) -> None:
        """Account SAS, as the service checks it (see the module docstring for the order)."""
        standin = self.standin
        ctx.auth_scheme, ctx.verified = "SAS", False

        def failed(detail: str) -> _ServiceError:
            return _ServiceError(403, "AuthenticationFailed", MSG_AUTH_FAILED,
                                 details={"AuthenticationErrorDetail": detail})

        def not_authorized(code: str, what: str) -> _ServiceError:
            return _ServiceError(403, code, MSG_NOT_AUTHORIZED.format(what))

        if "sr" in ctx.query and "ss" not in ctx.query and "srt" not in ctx.query:
            raise failed(f"{MSG_NOT_WELL_FORMED} (stand-in: only account SAS is implemented; a service or user "
                         f"delegation SAS (sr={ctx.param('sr')}) is not)")
        if any(len(ctx.query.get(name, [])) > 1 for name in SAS_FIELDS + ("sig",)):
            raise failed(MSG_NOT_WELL_FORMED)
        fields = {name: ctx.param(name) or "" for name in SAS_FIELDS}
        version, signature = fields["sv"], ctx.param("sig") or ""
        if not version:
            raise failed("sv is mandatory. Cannot be empty")
        if not _VERSION.match(version):
            raise failed(MSG_NOT_WELL_FORMED)
        if version < SAS_MIN_VERSION:
            raise failed(f"{MSG_NOT_WELL_FORMED} (stand-in: signed version sv={version} is older than "
                         f"{SAS_MIN_VERSION}; only the {SAS_MIN_VERSION}-and-later account SAS string-to-sign, "
                         "with its signed encryption scope line, is implemented)")
        permissions, services, resource_types, protocol = fields["sp"], fields["ss"], fields["srt"], fields["spr"]
        try:
            if not (signature and permissions and services and resource_types and fields["se"]):
                raise ValueError("missing field")
            for value, allowed in ((permissions, SAS_PERMISSIONS), (services, SAS_SERVICES),
                                   (resource_types, SAS_RESOURCE_TYPES)):
                if not set(value) <= set(allowed) or len(set(value)) != len(value):
                    raise ValueError(value)
            if protocol not in ("", "https", "https,http"):
                raise ValueError(protocol)
            expiry = parse_sas_time(fields["se"])
            start = parse_sas_time(fields["st"]) if fields["st"] else None
            ip_range = _sas_ip_range(fields["sip"]) if fields["sip"] else None
        except ValueError:
            raise failed(MSG_NOT_WELL_FORMED)
        text = account_sas_string_to_sign(standin.account_name, fields)
        expected = sign(standin.account_key, text)
        if not (signature.isascii() and hmac.compare_digest(expected, signature)):
            raise failed(f"Signature did not match. String to sign used was {text}")
        now = datetime.datetime.now(datetime.timezone.utc)
        if expiry <= (start or now):
            raise failed(f"Signed expiry time [{_rfc1123(expiry)}] must be after signed start time "
                         f"[{_rfc1123(start or now)}]")
        if start is not None and not start <= now <= expiry:
            raise failed(f"Signature not valid in the specified time frame: Start [{_rfc1123(start)}] - Expiry "
                         f"[{_rfc1123(expiry)}] - Current [{_rfc1123(now)}]")
        ctx.verified = True
        ctx.sas_version = version
        if ip_range is not None:
            try:
                client = ipaddress.ip_address(ctx.client_ip)
                inside = client.version == ip_range[0].version and ip_range[0] <= client <= ip_range[1]
            except ValueError:
                inside = False
            if not inside:
                raise not_authorized("AuthorizationSourceIPMismatch", f"source IP {ctx.client_ip}")
        if protocol == "https" and standin.scheme != "https":
            raise not_authorized("AuthorizationProtocolMismatch", "protocol")
        if "b" not in services:
            raise not_authorized("AuthorizationServiceMismatch", "service")
        rule = ACCOUNT_SAS_RULES.get(ctx.operation)
        if rule is not None:  # other operations are refused by their route anyway (400/405/501)
            resource_type, allowed = rule
            if resource_type not in resource_types:
                raise not_authorized("AuthorizationResourceTypeMismatch", "resource type")
            if not set(allowed) & set(permissions):
                raise not_authorized("AuthorizationPermissionMismatch", "permission")
            if ctx.operation == "PutBlob" and "w" not in permissions:
                with standin._lock:  # create (c) alone may not overwrite
                    found = standin._containers.get(ctx.container)
                    exists = found is not None and ctx.blob in found.blobs
                if exists:
                    raise not_authorized("AuthorizationPermissionMismatch", "permission")
        if fields["ses"]:
            raise _ServiceError(501, "NotImplemented", "The Blob stand-in does not implement encryption scopes "
                                                       "(the ses SAS field).")

    def _challenge(self, tenant: str | None = None) -> str:
        return (f"Bearer authorization_uri={self.standin.url}/{tenant or self.standin.tenant_id}/oauth2/authorize "
                f"resource_id={STORAGE_RESOURCE}")

    def _check_date(self, ctx: _Context, *, required: bool) -> None:
        value = ctx.header("x-ms-date") or ctx.header("Date")
        if not value:
            if not required:
                return
            ctx.verified = False
            raise _ServiceError(403, "AuthenticationFailed", MSG_AUTH_FAILED, details={
                "AuthenticationErrorDetail": "Request date header not specified (x-ms-date or Date)."})
        try:
            when = email.utils.parsedate_to_datetime(value)
            if when.tzinfo is None:
                raise ValueError
        except (TypeError, ValueError):
            ctx.verified = False
            raise _ServiceError(403, "AuthenticationFailed", MSG_AUTH_FAILED, details={
                "AuthenticationErrorDetail": f"The Date header in the request is incorrect: '{value}'."})
        now = datetime.datetime.now(datetime.timezone.utc)
        if when < now - CLOCK_SKEW:
            ctx.verified = False
            raise _ServiceError(403, "AuthenticationFailed", MSG_AUTH_FAILED, details={
                "AuthenticationErrorDetail": f"Request date header too old: '{value}'"})
        if when > now + CLOCK_SKEW:
            ctx.verified = False
            raise _ServiceError(403, "AuthenticationFailed", MSG_AUTH_FAILED, details={
                "AuthenticationErrorDetail": f"Request date header too far in the future: '{value}'"})

    # --- routing: (operation name, action run after authentication) ---------------------

    def _route(self, ctx: _Context):
        account_prefix = f"/{self.standin.account_name}"
        if ctx.raw_path != account_prefix and not ctx.raw_path.startswith(account_prefix + "/"):
            return "Rejected", _raiser(_ServiceError(400, "InvalidUri", "The requested URI does not represent any "
                                                                        "resource on the server."))
        container_part, _, blob_part = ctx.raw_path[len(account_prefix) + 1:].partition("/")
        container, blob = unquote(container_part), unquote(blob_part)
        if not container:
            return self._service_level(ctx)
        if not blob and ctx.param("restype") != "container" and container != "$root":
            # Without restype=container, /name addresses blob `name` in the $root container.
            container, blob = "$root", container
        ctx.container, ctx.blob = container, blob or None
        if not blob:
            return self._container_level(ctx, container)
        return self._blob_level(ctx, container, blob)

    @staticmethod
    def _unsupported(what: str):
        return "Unsupported", _raiser(_ServiceError(501, "NotImplemented",
                                                    f"The Blob stand-in does not implement {what}."))

    @staticmethod
    def _bad_comp(ctx: _Context):
        return "Rejected", _raiser(_ServiceError(
            400, "InvalidQueryParameterValue",
            "Value for one of the query parameters specified in the request URI is invalid.",
            details={"QueryParameterName": "comp", "QueryParameterValue": ctx.param("comp") or "", "Reason": ""}))

    @staticmethod
    def _bad_verb():
        return "Unsupported", _raiser(_ServiceError(405, "UnsupportedHttpVerb",
                                                    "The resource doesn't support specified Http Verb."))

    def _unsupported_header(self, ctx: _Context):
        """The route refusing a request that uses a feature the stand-in lacks (copy, leases, CPK...), or None."""
        for name in UNSUPPORTED_HEADERS:
            if ctx.header(name) is not None:
                return self._unsupported(f"the {name} header")
        return None

    def _service_level(self, ctx: _Context):
        comp, restype = ctx.param("comp"), ctx.param("restype")
        if ctx.method == "GET" and comp == "list" and restype is None:
            return "ListContainers", lambda: self._list_containers(ctx)
        if comp in ("properties", "stats", "userdelegationkey", "batch", "blobs") or restype in ("service", "account"):
            return self._unsupported(f"service operation restype={restype} comp={comp}")
        return self._bad_comp(ctx)

    def _container_level(self, ctx: _Context, container: str):
        comp = ctx.param("comp")
        if ctx.param("restype") != "container":
            return self._bad_comp(ctx)
        operations = {
            ("PUT", None): ("CreateContainer", self._create_container),
            ("GET", None): ("GetContainerProperties", self._container_properties),
            ("HEAD", None): ("GetContainerProperties", self._container_properties),
            ("DELETE", None): ("DeleteContainer", self._delete_container),
            ("PUT", "metadata"): ("SetContainerMetadata", self._set_container_metadata),
            ("GET", "metadata"): ("GetContainerMetadata", self._container_properties),
            ("HEAD", "metadata"): ("GetContainerMetadata", self._container_properties),
            ("GET", "list"): ("ListBlobs", self._list_blobs),
        }
        found = operations.get((ctx.method, comp))
        if found:
            return self._unsupported_header(ctx) or (found[0], lambda: found[1](ctx, container))
        if comp in ("acl", "lease", "batch", "undelete", "rename", "blobs"):
            return self._unsupported(f"container operation {ctx.method} comp={comp}")
        if comp in (None, "metadata", "list"):
            return self._bad_verb()
        return self._bad_comp(ctx)

    def _blob_level(self, ctx: _Context, container: str, name: str):
        comp = ctx.param("comp")
        if ctx.param("snapshot") is not None or ctx.param("versionid") is not None:
            return self._unsupported("snapshots and versions")
        operations = {
            ("PUT", None): ("PutBlob", self._put_blob),
            ("GET", None): ("GetBlob", self._get_blob),
            ("HEAD", None): ("GetBlobProperties", self._blob_properties),
            ("DELETE", None): ("DeleteBlob", self._delete_blob),
            ("PUT", "block"): ("PutBlock", self._put_block),
            ("PUT", "blocklist"): ("PutBlockList", self._put_block_list),
            ("PUT", "metadata"): ("SetBlobMetadata", self._set_blob_metadata),
            ("GET", "metadata"): ("GetBlobMetadata", self._blob_properties),
            ("HEAD", "metadata"): ("GetBlobMetadata", self._blob_properties),
        }
        found = operations.get((ctx.method, comp))
        if found:
            def action() -> int:
                if len(name) > 1024:
                    raise _ServiceError(400, "InvalidResourceName",
                                        "The specifed resource name contains invalid characters.")
                return found[1](ctx, container, name)
            return self._unsupported_header(ctx) or (found[0], action)
        if comp in ("block", "blocklist", "properties", "copy", "tags", "lease", "snapshot", "tier", "appendblock",
                    "page", "pagelist", "query", "undelete", "expiry", "immutabilityPolicies", "legalhold",
                    "incrementalcopy", "seal"):
            return self._unsupported(f"blob operation {ctx.method} comp={comp}")
        if comp in (None, "metadata"):
            return self._bad_verb()
        return self._bad_comp(ctx)

    # --- shared checks ---------------------------------------------------------------

    def _container(self, container: str) -> _Container:
        found = self.standin._containers.get(container)
        if found is None:
            raise _ServiceError(404, "ContainerNotFound", "The specified container does not exist.")
        return found

    def _metadata_from_headers(self, ctx: _Context) -> dict:
        metadata, seen = {}, set()
        for header, value in ctx.headers.items():
            if header.lower().startswith("x-ms-meta-"):
                name = header[len("x-ms-meta-"):]
                if not _METADATA_NAME.match(name) or name.lower() in seen:
                    raise _ServiceError(400, "InvalidMetadata", "The metadata specified is invalid. It has "
                                                                "characters that are not permitted.")
                seen.add(name.lower())
                metadata[name] = value.strip()
        return metadata

    def _verify_content_md5(self, ctx: _Context) -> None:
        claimed = ctx.header("Content-MD5")
        if claimed is None:
            return
        try:
            claimed_digest = base64.b64decode(claimed, validate=True)
            if len(claimed_digest) != 16:
                raise ValueError
        except (binascii.Error, ValueError):
            raise _ServiceError(400, "InvalidMd5", "The MD5 value specified in the request is invalid. The MD5 value "
                                                   "must be 128 bits and Base64-encoded.")
        actual = _md5(ctx.body)
        if actual != claimed_digest:
            raise _ServiceError(400, "Md5Mismatch", "The MD5 value specified in the request did not match with the "
                                                    "MD5 value calculated by the server.",
                                details={"UserSpecifiedMd5": claimed, "ServerCalculatedMd5": _b64(actual)})

    @staticmethod
    def _parse_date(value: str | None) -> float | None:
        if not value:
            return None
        try:
            return email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            return None

    def _check_read_conditions(self, ctx: _Context, etag: str, last_modified: float) -> int | None:
        """304 for a GET/HEAD the client already has, raises 412; None to go on."""
        if_match, if_none_match = ctx.header("If-Match"), ctx.header("If-None-Match")
        modified_since = self._parse_date(ctx.header("If-Modified-Since"))
        unmodified_since = self._parse_date(ctx.header("If-Unmodified-Since"))
        current = _strip_etag(etag)
        if if_match is not None and not any(v == "*" or _strip_etag(v) == current for v in _etag_values(if_match)):
            raise _ServiceError(412, "ConditionNotMet", "The condition specified using HTTP conditional header(s) "
                                                        "is not met.")
        if unmodified_since is not None and int(last_modified) > unmodified_since:
            raise _ServiceError(412, "ConditionNotMet", "The condition specified using HTTP conditional header(s) "
                                                        "is not met.")
        if if_none_match is not None and any(v == "*" or _strip_etag(v) == current
                                             for v in _etag_values(if_none_match)):
            return 304
        if modified_since is not None and int(last_modified) <= modified_since:
            return 304
        return None

    def _check_write_conditions(self, ctx: _Context, existing) -> None:
        if_match, if_none_match = ctx.header("If-Match"), ctx.header("If-None-Match")
        modified_since = self._parse_date(ctx.header("If-Modified-Since"))
        unmodified_since = self._parse_date(ctx.header("If-Unmodified-Since"))
        not_met = _ServiceError(412, "ConditionNotMet", "The condition specified using HTTP conditional header(s) "
                                                        "is not met.")
        if if_none_match is not None and existing is not None:
            values = _etag_values(if_none_match)
            if "*" in values:
                raise _ServiceError(409, "BlobAlreadyExists", "The specified blob already exists.")
            if any(_strip_etag(v) == _strip_etag(existing.etag) for v in values):
                raise not_met
        if if_match is not None:
            if existing is None or not any(v == "*" or _strip_etag(v) == _strip_etag(existing.etag)
                                           for v in _etag_values(if_match)):
                raise not_met
        if existing is not None:
            if modified_since is not None and int(existing.last_modified) <= modified_since:
                raise not_met
            if unmodified_since is not None and int(existing.last_modified) > unmodified_since:
                raise not_met

    @staticmethod
    def _blob_properties_from_headers(ctx: _Context, blob: _Blob, default_type_header: bool) -> None:
        content_type = ctx.header("x-ms-blob-content-type")
        if content_type is None and default_type_header:
            content_type = ctx.header("Content-Type")
        blob.content_type = content_type or "application/octet-stream"
        blob.content_encoding = ctx.header("x-ms-blob-content-encoding")
        blob.content_language = ctx.header("x-ms-blob-content-language")
        blob.content_disposition = ctx.header("x-ms-blob-content-disposition")
        blob.cache_control = ctx.header("x-ms-blob-cache-control")
        stored_md5 = ctx.header("x-ms-blob-content-md5")
        if stored_md5 is not None:
            try:
                blob.content_md5 = base64.b64decode(stored_md5, validate=True)
            except binascii.Error:
                raise _ServiceError(400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the "
                                    "correct format.", details={"HeaderName": "x-ms-blob-content-md5",
                                                                "HeaderValue": stored_md5})

    # --- containers ------------------------------------------------------------------

    def _create_container(self, ctx: _Context, name: str) -> int:
        if not (_CONTAINER_NAME.match(name) or name == "$root"):
            raise _ServiceError(400, "InvalidResourceName", "The specifed resource name contains invalid characters.")
        if ctx.header("x-ms-blob-public-access"):
            raise _ServiceError(409, "PublicAccessNotPermitted", "Public access is not permitted on this storage "
                                                                 "account.")
        metadata = self._metadata_from_headers(ctx)
        standin = self.standin
        with standin._lock:
            if name in standin._containers:
                raise _ServiceError(409, "ContainerAlreadyExists", "The specified container already exists.")
            created = _Container(name, metadata, standin._new_etag(), time.time())
            standin._containers[name] = created
        return self._send(ctx, 201, {"ETag": created.etag, "Last-Modified": _http_date(created.last_modified)})

    def _container_headers(self, found: _Container) -> dict:
        headers = {f"x-ms-meta-{k}": v for k, v in found.metadata.items()}
        headers.update({
            "ETag": found.etag, "Last-Modified": _http_date(found.last_modified),
            "x-ms-lease-status": "unlocked", "x-ms-lease-state": "available",
            "x-ms-has-immutability-policy": "false", "x-ms-has-legal-hold": "false",
            "x-ms-default-encryption-scope": "$account-encryption-key", "x-ms-deny-encryption-scope-override": "false",
            "x-ms-immutable-storage-with-versioning-enabled": "false",
        })
        return headers

    def _container_properties(self, ctx: _Context, name: str) -> int:
        with self.standin._lock:
            headers = self._container_headers(self._container(name))
        return self._send(ctx, 200, headers)

    def _set_container_metadata(self, ctx: _Context, name: str) -> int:
        metadata = self._metadata_from_headers(ctx)
        standin = self.standin
        with standin._lock:
            found = self._container(name)
            found.metadata, found.etag, found.last_modified = metadata, standin._new_etag(), time.time()
            headers = {"ETag": found.etag, "Last-Modified": _http_date(found.last_modified)}
        return self._send(ctx, 200, headers)

    def _delete_container(self, ctx: _Context, name: str) -> int:
        with self.standin._lock:
            self._container(name)
            del self.standin._containers[name]
        return self._send(ctx, 202)

    def _listing_params(self, ctx: _Context) -> tuple[str, str | None, int, set]:
        prefix = ctx.param("prefix") or ""
        marker = ctx.param("marker") or None
        raw_max = ctx.param("maxresults")
        maxresults = MAX_RESULTS
        if raw_max is not None:
            try:
                maxresults = int(raw_max)
            except ValueError:
                raise _ServiceError(400, "InvalidQueryParameterValue", "Value for one of the query parameters "
                                    "specified in the request URI is invalid.",
                                    details={"QueryParameterName": "maxresults", "QueryParameterValue": raw_max,
                                             "Reason": ""})
            if maxresults <= 0:
                raise _ServiceError(400, "OutOfRangeQueryParameterValue", "One of the query parameters specified in "
                                    "the request URI is outside the permissible range.",
                                    details={"QueryParameterName": "maxresults", "QueryParameterValue": raw_max,
                                             "MinimumAllowed": "1", "MaximumAllowed": str(MAX_RESULTS)})
            maxresults = min(maxresults, MAX_RESULTS)
        start_key = None
        if marker:
            try:
                version, _, encoded = marker.partition("!")
                if version != "2":
                    raise ValueError
                start_key = base64.urlsafe_b64decode(encoded.encode()).decode("utf-8")
            except (ValueError, binascii.Error):
                raise _ServiceError(400, "InvalidQueryParameterValue", "Value for one of the query parameters "
                                    "specified in the request URI is invalid.",
                                    details={"QueryParameterName": "marker", "QueryParameterValue": marker,
                                             "Reason": ""})
        include = set()
        for value in ctx.query.get("include", []):
            include.update(v.strip().lower() for v in value.split(",") if v.strip())
        return prefix, start_key, maxresults, include

    @staticmethod
    def _next_marker(key: str) -> str:
        return "2!" + base64.urlsafe_b64encode(key.encode("utf-8")).decode()

    def _enumeration_head(self, ctx: _Context, extra_attrs: str) -> str:
        parts = [f'<?xml version="1.0" encoding="utf-8"?><EnumerationResults '
                 f'ServiceEndpoint="{_x(self.standin.account_url + "/")}"{extra_attrs}>']
        for element, param in (("Prefix", "prefix"), ("Marker", "marker"), ("MaxResults", "maxresults"),
                               ("Delimiter", "delimiter")):
            value = ctx.param(param)
            if value is not None:
                parts.append(f"<{element}>{_x(value)}</{element}>")
        return "".join(parts)

    def _list_containers(self, ctx: _Context) -> int:
        prefix, start_key, maxresults, include = self._listing_params(ctx)
        if include - {"metadata"}:
            raise _ServiceError(501, "NotImplemented", "The Blob stand-in does not implement list containers "
                                                       f"include={','.join(sorted(include))}.")
        with self.standin._lock:
            names = sorted(n for n in self.standin._containers if n.startswith(prefix)
                           and (start_key is None or n >= start_key))
            page = [self.standin._containers[n] for n in names[:maxresults]]
            next_key = names[maxresults] if len(names) > maxresults else None
            items = []
            for found in page:
                items.append(
                    f"<Container><Name>{_x(found.name)}</Name><Properties>"
                    f"<Last-Modified>{_http_date(found.last_modified)}</Last-Modified><Etag>{_x(found.etag)}</Etag>"
                    "<LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState>"
                    "<DefaultEncryptionScope>$account-encryption-key</DefaultEncryptionScope>"
                    "<DenyEncryptionScopeOverride>false</DenyEncryptionScopeOverride>"
                    "<HasImmutabilityPolicy>false</HasImmutabilityPolicy><HasLegalHold>false</HasLegalHold>"
                    "<ImmutableStorageWithVersioningEnabled>false</ImmutableStorageWithVersioningEnabled>"
                    "</Properties>"
                    + (_metadata_xml(found.metadata) if "metadata" in include else "")
                    + "</Container>")
        xml = (self._enumeration_head(ctx, "") + "<Containers>" + "".join(items) + "</Containers>"
               + (f"<NextMarker>{self._next_marker(next_key)}</NextMarker>" if next_key else "<NextMarker />")
               + "</EnumerationResults>")
        return self._send_xml(ctx, 200, xml)

    def _list_blobs(self, ctx: _Context, container: str) -> int:
        prefix, start_key, maxresults, include = self._listing_params(ctx)
        if include - {"metadata"}:
            raise _ServiceError(501, "NotImplemented", "The Blob stand-in does not implement list blobs "
                                                       f"include={','.join(sorted(include))}.")
        delimiter = ctx.param("delimiter") or ""
        with self.standin._lock:
            found = self._container(container)
            # Blobs and BlobPrefixes interleaved in name order; a BlobPrefix sorts as its own text, which
            # is never greater than a name inside it. A marker is the key of the first entry not yet
            # returned, so a page resumes with every entry whose key is not below it.
            entries: list[tuple[str, _Blob | None]] = []  # (key, blob), blob None for a BlobPrefix
            for name in sorted(found.blobs):
                if not name.startswith(prefix):
                    continue
                cut = name.find(delimiter, len(prefix)) if delimiter else -1
                if cut >= 0:
                    blob_prefix = name[:cut + len(delimiter)]
                    if not entries or entries[-1][0] != blob_prefix:
                        entries.append((blob_prefix, None))
                else:
                    entries.append((name, found.blobs[name]))
            if start_key is not None:
                entries = [entry for entry in entries if entry[0] >= start_key]
            page, rest = entries[:maxresults], entries[maxresults:]
            items = []
            for key, blob in page:
                if blob is None:
                    items.append(f"<BlobPrefix>{_xml_name(key)}</BlobPrefix>")
                    continue
                optional = "".join(
                    f"<{element}>{_x(value)}</{element}>" if value else f"<{element} />"
                    for element, value in (("Content-Encoding", blob.content_encoding),
                                           ("Content-Language", blob.content_language)))
                items.append(
                    f"<Blob>{_xml_name(key)}<Properties>"
                    f"<Creation-Time>{_http_date(blob.created)}</Creation-Time>"
                    f"<Last-Modified>{_http_date(blob.last_modified)}</Last-Modified>"
                    f"<Etag>{_x(_strip_etag(blob.etag))}</Etag>"
                    f"<Content-Length>{len(blob.data)}</Content-Length>"
                    f"<Content-Type>{_x(blob.content_type)}</Content-Type>{optional}<Content-CRC64 />"
                    + (f"<Content-MD5>{_b64(blob.content_md5)}</Content-MD5>" if blob.content_md5
                       else "<Content-MD5 />")
                    + (f"<Cache-Control>{_x(blob.cache_control)}</Cache-Control>" if blob.cache_control
                       else "<Cache-Control />")
                    + (f"<Content-Disposition>{_x(blob.content_disposition)}</Content-Disposition>"
                       if blob.content_disposition else "<Content-Disposition />")
                    + "<BlobType>BlockBlob</BlobType><AccessTier>Hot</AccessTier>"
                    "<AccessTierInferred>true</AccessTierInferred><LeaseStatus>unlocked</LeaseStatus>"
                    "<LeaseState>available</LeaseState><ServerEncrypted>true</ServerEncrypted></Properties>"
                    + (_metadata_xml(blob.metadata) if "metadata" in include else "")
                    + "</Blob>")
        xml = (self._enumeration_head(ctx, f' ContainerName="{_x(container)}"') + "<Blobs>" + "".join(items)
               + "</Blobs>"
               + (f"<NextMarker>{self._next_marker(rest[0][0])}</NextMarker>" if rest else "<NextMarker />")
               + "</EnumerationResults>")
        return self._send_xml(ctx, 200, xml)

    # --- blobs -----------------------------------------------------------------------

    def _put_blob(self, ctx: _Context, container: str, name: str) -> int:
        blob_type = ctx.header("x-ms-blob-type")
        if blob_type is None:
            raise _ServiceError(400, "MissingRequiredHeader",
                                "An HTTP header that's mandatory for this request is not specified.",
                                details={"HeaderName": "x-ms-blob-type"})
        if blob_type in ("PageBlob", "AppendBlob"):
            raise _ServiceError(501, "NotImplemented", f"The Blob stand-in does not implement {blob_type}s.")
        if blob_type != "BlockBlob":
            raise _ServiceError(400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the "
                                "correct format.", details={"HeaderName": "x-ms-blob-type", "HeaderValue": blob_type})
        self._verify_content_md5(ctx)
        metadata = self._metadata_from_headers(ctx)
        blob = _Blob()
        blob.data = ctx.body
        self._blob_properties_from_headers(ctx, blob, default_type_header=True)
        if blob.content_md5 is None:
            blob.content_md5 = _md5(ctx.body)  # the service computes it for Put Blob
        blob.metadata = metadata
        standin = self.standin
        with standin._lock:
            found = self._container(container)
            self._check_write_conditions(ctx, found.blobs.get(name))
            blob.etag, blob.last_modified = standin._new_etag(), time.time()
            blob.created = blob.last_modified
            found.blobs[name] = blob
            found.uncommitted.pop(name, None)
        return self._send(ctx, 201, {"ETag": blob.etag, "Last-Modified": _http_date(blob.last_modified),
                                     "Content-MD5": _b64(_md5(ctx.body)), "x-ms-request-server-encrypted": "true"})

    @staticmethod
    def _block_id(ctx: _Context, value: str | None) -> bytes:
        if value is None:
            raise _ServiceError(400, "MissingRequiredQueryParameter", "A query parameter that's mandatory for this "
                                "request is not specified.", details={"QueryParameterName": "blockid"})
        try:
            decoded = base64.b64decode(value, validate=True)
            if not decoded or len(decoded) > 64:
                raise ValueError
        except (binascii.Error, ValueError):
            raise _ServiceError(400, "InvalidQueryParameterValue", "Value for one of the query parameters specified "
                                "in the request URI is invalid.",
                                details={"QueryParameterName": "blockid", "QueryParameterValue": value,
                                         "Reason": "Not a valid base64 string of at most 64 bytes."})
        return decoded

    def _put_block(self, ctx: _Context, container: str, name: str) -> int:
        block_id = self._block_id(ctx, ctx.param("blockid"))
        self._verify_content_md5(ctx)
        with self.standin._lock:
            found = self._container(container)
            blocks = found.uncommitted.setdefault(name, {})
            existing = found.blobs.get(name)
            lengths = {len(b) for b in blocks} | {len(b) for b, _ in (existing.blocks if existing else [])}
            if lengths and lengths != {len(block_id)}:
                raise _ServiceError(400, "InvalidBlobOrBlock", "The specified blob or block content is invalid.")
            blocks[block_id] = ctx.body
        return self._send(ctx, 201, {"Content-MD5": _b64(_md5(ctx.body)), "x-ms-request-server-encrypted": "true"})

    def _put_block_list(self, ctx: _Context, container: str, name: str) -> int:
        self._verify_content_md5(ctx)
        try:
            root = ElementTree.fromstring(ctx.body)
        except ElementTree.ParseError:
            raise _ServiceError(400, "InvalidXmlDocument", "XML specified is not syntactically valid.")
        if root.tag != "BlockList" or any(child.tag not in ("Latest", "Committed", "Uncommitted") for child in root):
            raise _ServiceError(400, "InvalidXmlDocument", "XML specified is not syntactically valid.")
        wanted = []
        for child in root:
            try:
                wanted.append((child.tag, base64.b64decode((child.text or "").strip(), validate=True)))
            except binascii.Error:
                raise _ServiceError(400, "InvalidBlockList", "The specified block list is invalid.")
        metadata = self._metadata_from_headers(ctx)
        blob = _Blob()
        self._blob_properties_from_headers(ctx, blob, default_type_header=False)
        blob.metadata = metadata
        standin = self.standin
        with standin._lock:
            found = self._container(container)
            existing = found.blobs.get(name)
            self._check_write_conditions(ctx, existing)
            uncommitted = found.uncommitted.get(name, {})
            committed: dict[bytes, bytes] = {}
            if existing is not None:
                offset = 0
                view = memoryview(existing.data)
                for block_id, length in existing.blocks:
                    committed[block_id] = view[offset:offset + length]
                    offset += length
            parts, blocks = [], []
            for kind, block_id in wanted:
                if kind == "Uncommitted":
                    data = uncommitted.get(block_id)
                elif kind == "Committed":
                    data = committed.get(block_id)
                else:  # Latest
                    data = uncommitted.get(block_id, committed.get(block_id))
                if data is None:
                    raise _ServiceError(400, "InvalidBlockList", "The specified block list is invalid.")
                parts.append(data)
                blocks.append((block_id, len(data)))
            blob.data = b"".join(parts)
            blob.blocks = blocks
            blob.etag, blob.last_modified = standin._new_etag(), time.time()
            blob.created = existing.created if existing else blob.last_modified
            found.blobs[name] = blob
            found.uncommitted.pop(name, None)
        return self._send(ctx, 201, {"ETag": blob.etag, "Last-Modified": _http_date(blob.last_modified),
                                     "Content-MD5": _b64(_md5(ctx.body)), "x-ms-request-server-encrypted": "true"})

    def _blob_headers(self, blob: _Blob) -> dict:
        headers = {"Last-Modified": _http_date(blob.last_modified), "x-ms-creation-time": _http_date(blob.created)}
        headers.update({f"x-ms-meta-{k}": v for k, v in blob.metadata.items()})
        headers.update({"ETag": blob.etag, "Content-Type": blob.content_type})
        for header, value in (("Content-Encoding", blob.content_encoding), ("Content-Language", blob.content_language),
                              ("Content-Disposition", blob.content_disposition), ("Cache-Control", blob.cache_control)):
            if value:
                headers[header] = value
        headers.update({"x-ms-blob-type": "BlockBlob", "x-ms-lease-status": "unlocked",
                        "x-ms-lease-state": "available", "Accept-Ranges": "bytes", "x-ms-server-encrypted": "true"})
        return headers

    def _blob(self, container: str, name: str) -> _Blob:
        found = self._container(container)
        blob = found.blobs.get(name)
        if blob is None:
            raise _ServiceError(404, "BlobNotFound", "The specified blob does not exist.")
        return blob

    def _blob_properties(self, ctx: _Context, container: str, name: str) -> int:
        with self.standin._lock:
            blob = self._blob(container, name)
            not_modified = self._check_read_conditions(ctx, blob.etag, blob.last_modified)
            headers = self._blob_headers(blob)
            size = len(blob.data)
            md5 = blob.content_md5
        if not_modified:
            return self._send(ctx, 304, {"ETag": headers["ETag"], "Last-Modified": headers["Last-Modified"]})
        if ctx.operation == "GetBlobMetadata":
            keep = {k: v for k, v in headers.items() if k.startswith("x-ms-meta-") or k in ("ETag", "Last-Modified")}
            return self._send(ctx, 200, keep)
        headers["x-ms-access-tier"] = "Hot"
        headers["x-ms-access-tier-inferred"] = "true"
        if md5:
            headers["Content-MD5"] = _b64(md5)
        # HEAD: the length of the blob, no body.
        self._start(ctx, 200, headers, size)
        return 200

    def _get_blob(self, ctx: _Context, container: str, name: str) -> int:
        with self.standin._lock:
            blob = self._blob(container, name)
            not_modified = self._check_read_conditions(ctx, blob.etag, blob.last_modified)
            headers = self._blob_headers(blob)
            data, md5 = blob.data, blob.content_md5
        if not_modified:
            return self._send(ctx, 304, {"ETag": headers["ETag"], "Last-Modified": headers["Last-Modified"]})
        total = len(data)
        want_md5 = (ctx.header("x-ms-range-get-content-md5") or "").lower() == "true"
        x_ms_range = ctx.header("x-ms-range")
        range_value = x_ms_range if x_ms_range is not None else ctx.header("Range")
        match = _RANGE.match(range_value) if range_value is not None else None
        if x_ms_range is not None and match is None:
            raise _ServiceError(400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the "
                                "correct format.", details={"HeaderName": "x-ms-range", "HeaderValue": x_ms_range})
        if want_md5 and match is None:
            raise _ServiceError(400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the "
                                "correct format.", details={"HeaderName": "x-ms-range-get-content-md5",
                                                            "HeaderValue": "true"})
        status = 200
        start, end = 0, total - 1
        if match:
            start = int(match.group(1))
            requested_end = int(match.group(2)) if match.group(2) else None
            if start >= total or (requested_end is not None and requested_end < start):
                raise _ServiceError(416, "InvalidRange", "The range specified is invalid for the current size of the "
                                                         "resource.", headers={"Content-Range": f"bytes */{total}"})
            end = min(requested_end if requested_end is not None else total - 1, total - 1)
            requested_length = (requested_end if requested_end is not None else total - 1) - start + 1
            if want_md5 and requested_length > RANGE_MD5_LIMIT:
                raise _ServiceError(400, "OutOfRangeInput", "One of the request inputs is out of range. (The range "
                                                            "for x-ms-range-get-content-md5 must be 4 MiB or less.)")
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{total}"
            if md5:
                headers["x-ms-blob-content-md5"] = _b64(md5)
        view = memoryview(data)[start:end + 1] if total else memoryview(b"")
        if want_md5:
            headers["Content-MD5"] = _b64(_md5(view))
        elif status == 200 and md5:
            headers["Content-MD5"] = _b64(md5)
        self._start(ctx, status, headers, len(view))
        for offset in range(0, len(view), STREAM_CHUNK):
            self.wfile.write(view[offset:offset + STREAM_CHUNK])
        return status

    def _delete_blob(self, ctx: _Context, container: str, name: str) -> int:
        with self.standin._lock:
            found = self._container(container)
            existing = self._blob(container, name)
            self._check_write_conditions(ctx, existing)
            del found.blobs[name]
            found.uncommitted.pop(name, None)
        return self._send(ctx, 202, {"x-ms-delete-type-permanent": "true"})

    def _set_blob_metadata(self, ctx: _Context, container: str, name: str) -> int:
        metadata = self._metadata_from_headers(ctx)
        standin = self.standin
        with standin._lock:
            blob = self._blob(container, name)
            self._check_write_conditions(ctx, blob)
            blob.metadata, blob.etag, blob.last_modified = metadata, standin._new_etag(), time.time()
            headers = {"ETag": blob.etag, "Last-Modified": _http_date(blob.last_modified),
                       "x-ms-request-server-encrypted": "true"}
        return self._send(ctx, 200, headers)


# --- as a process (`gatehouse demo`) ------------------------------------------------------------

def seed_from_directory(standin: BlobStandIn, directory: str) -> None:
    """Each subdirectory of `directory` a container, each file under it a block blob named by
    its path below the container, typed by its extension."""
    import mimetypes
    for container in sorted(os.listdir(directory)):
        root = os.path.join(directory, container)
        if not os.path.isdir(root):
            continue
        standin.create_container(container)
        for folder, _, files in os.walk(root):
            for file in sorted(files):
                path = os.path.join(folder, file)
                name = os.path.relpath(path, root).replace(os.sep, "/")
                with open(path, "rb") as f:
                    standin.put(container, name, f.read(),
                                content_type=mimetypes.guess_type(file)[0] or "application/octet-stream")


def main(argv: list[str] | None = None) -> int:
    """Serves one account until SIGTERM or SIGINT; prints `ready <account URL>` once it listens.
    The account key (base64) comes from the environment variable `--key-env` names."""
    import argparse
    import signal
    parser = argparse.ArgumentParser(description="The Azure Blob stand-in as a process (plain http on loopback).")
    parser.add_argument("--account", required=True, help="the storage account name")
    parser.add_argument("--key-env", required=True, help="the environment variable holding the account key (base64)")
    parser.add_argument("--seed", help="a directory: subdirectories are containers, files in them blobs")
    parser.add_argument("--workdir", help="where the request log goes (default: a temporary directory)")
    arguments = parser.parse_args(argv)
    key = os.environ.get(arguments.key_env)
    if not key:
        parser.error(f"the environment variable {arguments.key_env} is not set")
    standin = BlobStandIn(arguments.account, key, workdir=arguments.workdir)
    if arguments.seed:
        seed_from_directory(standin, arguments.seed)
    stopped = threading.Event()
    # A parent may start us with its signal mask (Swift's Foundation Process keeps it): SIGTERM
    # blocked there would make us unstoppable.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    standin.start()
    print(f"ready {standin.account_url}", flush=True)
    stopped.wait()
    standin.stop()
    return 0
