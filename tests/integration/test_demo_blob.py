"""`gatehouse demo --blob-stand-in` (what scripts/demo.sh runs): the demo's Azure Blob connection,
used the way its printed snippet shows, with the unmodified Azure SDK over the demo's TLS
listener. Ground truth is the sample files the demo seeds the stand-in with."""

import json
import os
import re
import ssl
import subprocess
import threading
import time
import urllib.request

import pytest
from azure.core.exceptions import HttpResponseError
from azure.storage.blob import BlobServiceClient

from harness.azure_credential import GatehouseToken
from harness.demo import running_demo
from harness.gateway import binary

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "..", "..", "Sources", "gatehouse", "Demo", "blob-seed")


@pytest.fixture(scope="module")
def demo():
    with running_demo("--blob-stand-in", os.path.join(HERE, "blob_standin.py")) as running:
        output = running["output"]
        snippet = re.search(r"AccessToken\(\"(\S+)\".*BlobServiceClient\(\"(\S+)\".*connection_verify=\"(\S+)\"", output, re.S)
        assert snippet, output
        yield {"token": snippet.group(1), "url": snippet.group(2), "cert": snippet.group(3), "http_port": running["http_port"],
               "config": os.path.join(running["data_dir"], "gatehouse.yaml")}


def service(demo) -> BlobServiceClient:
    return BlobServiceClient(demo["url"], credential=GatehouseToken(demo["token"]), connection_verify=demo["cert"], read_timeout=180,
                             retry_total=0)


def approve_when_held(demo, done: threading.Event) -> list:
    """As bob (approvers), approves each request that appears until `done`; returns their IDs."""
    token = subprocess.run([binary(), "token", "--config", demo["config"], "--sub", "bob@example.com", "--groups",
                            "engineers,approvers"], capture_output=True, text=True, check=True).stdout.strip()
    context = ssl.create_default_context(cafile=demo["cert"])
    approved = []

    def call(method, path, body=None):
        request = urllib.request.Request(f"https://127.0.0.1:{demo['http_port']}{path}", method=method,
                                         data=json.dumps(body).encode() if body else None,
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        return json.loads(urllib.request.urlopen(request, context=context, timeout=30).read())

    while not done.is_set():
        for pending in call("GET", "/api/v1/approvals"):
            call("POST", f"/api/v1/approvals/{pending['id']}/approve", {"reason": "demo test"})
            approved.append(pending)
        time.sleep(0.3)
    return approved


def test_the_snippet_lists_and_reads_and_the_export_arrives_masked_after_approval(demo):
    exports = service(demo).get_container_client("exports")
    assert [b.name for b in exports.list_blobs()] == ["customers/2026-11-export.json", "people/contacts.csv",
                                                      "public/readme.txt"]
    with open(os.path.join(SEED, "exports", "public", "readme.txt"), "rb") as f:
        assert exports.download_blob("public/readme.txt").readall() == f.read()

    done, approved = threading.Event(), []
    approver = threading.Thread(target=lambda: approved.extend(approve_when_held(demo, done)))
    approver.start()
    try:
        masked = json.loads(exports.download_blob("customers/2026-11-export.json").readall())
        people = exports.download_blob("people/contacts.csv").readall().decode()
    finally:
        done.set()
        approver.join(30)
    assert {tuple(a["blobs"]) for a in approved} == {("exports/customers/2026-11-export.json",), ("exports/people/contacts.csv",)}

    with open(os.path.join(SEED, "exports", "customers", "2026-11-export.json")) as f:
        original = json.load(f)
    assert len(masked) == len(original)
    for before, after in zip(original, masked):
        for field in ("name", "email", "phone", "iban"):
            assert after[field] != before[field] and before[field] not in json.dumps(masked), field
        for field in ("id", "plan", "country", "note"):
            assert after[field] == before[field]
    with open(os.path.join(SEED, "exports", "people", "contacts.csv")) as f:
        for row in f.read().splitlines()[1:]:
            for value in row.replace('"', "").split(",")[1:4]:
                assert value.strip() not in people, value
    assert "Berlin" in people and "Amsterdam" in people


def test_the_pdf_is_refused_and_an_upload_adding_an_email_is_refused(demo):
    client = service(demo)
    done = threading.Event()
    approver = threading.Thread(target=approve_when_held, args=(demo, done))
    approver.start()
    try:
        with pytest.raises(HttpResponseError) as withheld:
            client.get_container_client("hr-files").download_blob("contracts/alice-example.pdf").readall()
    finally:
        done.set()
        approver.join(30)
    assert withheld.value.status_code == 403 and "cannot mask" in str(withheld.value)
    assert "alice.example@example.com" not in str(withheld.value)
    with pytest.raises(HttpResponseError) as refused:
        client.get_container_client("exports").upload_blob("public/note.txt", b"write to eve@example.com", overwrite=True)
    assert refused.value.status_code == 403 and "email" in str(refused.value)
