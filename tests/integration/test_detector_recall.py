"""Detector recall and false positives on the labelled corpus (issue 17), through a real gateway.

The measurement is bench/detector_recall.py's (a free-text column with `free-text: detect`,
read back with psql's COPY TO STDOUT), on the session's PostgreSQL with the fixed seed and a
corpus small enough for a debug build. Run the bench for the full figures and more examples:

    python3 bench/detector_recall.py --kinds fr-nir --examples 20
"""

import importlib.util
import os

import pytest

from harness import clients
from harness.gateway import REPO_ROOT, Gateway
from harness.gateway_config import Connection, GatewayConfig, Upstream
from harness.ports import free_port
from harness.identifier_corpus import DEFAULT_SEED, POSITIVE_KIND_NAMES, build_corpus

# The kinds Gatehouse has a detector for: extend it with each new detector. A listed kind must
# reach the recall bar; an unlisted one is still measured but expected to fall short (a strict
# xfail), so a detector that starts working without being listed here fails loudly.
IMPLEMENTED_KINDS = {
    "email", "payment-card", "iban", "us-ssn", "phone", "ipv4", "ipv6", "de-tax-id", "nl-bsn", "es-dni",
    "fr-nir", "it-codice-fiscale", "pl-pesel", "be-national-number", "pt-nif", "se-personnummer", "dk-cpr", "fi-hetu",
    "at-svnr", "uk-nino", "ie-ppsn",
}
PER_KIND = 100                  # samples per identifier kind and per negative kind
MIN_OVERALL_RECALL = 0.99       # over the implemented kinds
MIN_KIND_RECALL = 0.97
MAX_FALSE_POSITIVE_RATE = 0.005  # over all negatives


def load_bench_module():
    """bench/ is not a package: load detector_recall.py by path."""
    path = os.path.join(REPO_ROOT, "bench", "detector_recall.py")
    spec = importlib.util.spec_from_file_location("detector_recall", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_bench_module()


@pytest.fixture(scope="module")
def measured(upstream, workdir):
    directory = os.path.join(workdir, "detector-recall")
    os.makedirs(directory, exist_ok=True)
    result = bench.measure(upstream.server, directory, build_corpus(DEFAULT_SEED, PER_KIND))
    bench.print_report(result)  # shown with the report of any failing test below (or with -s)
    return result


def describe_misses(result: dict, kind: str) -> str:
    lines = [f"    [{e['status']}, {e['locale']}, {e['form']}] {e['text']!r} -> {e['returned']!r}"
             for e in result["examples"]["misses"].get(kind, [])]
    return "\n".join(lines)


def kind_param(kind: str):
    if kind in IMPLEMENTED_KINDS:
        return pytest.param(kind, id=kind)
    reason = "no detector yet; add the kind to IMPLEMENTED_KINDS once there is one"
    return pytest.param(kind, id=kind, marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason))


@pytest.mark.parametrize("kind", [kind_param(kind) for kind in POSITIVE_KIND_NAMES])
def test_recall_of_each_kind(measured, kind):
    row = measured["recall"]["by_kind"][kind]
    assert row["recall"] >= MIN_KIND_RECALL, (
        f"{kind}: recall {row['recall']:.1%} < {MIN_KIND_RECALL:.0%} ({row['masked']}/{row['samples']} masked, "
        f"{row['partial']} partially, {row['missed']} missed), e.g.\n{describe_misses(measured, kind)}")


def overall_recall(measured, kinds) -> tuple[int, int]:
    rows = [measured["recall"]["by_kind"][kind] for kind in sorted(kinds)]
    return sum(r["masked"] for r in rows), sum(r["samples"] for r in rows)


def test_overall_recall_of_implemented_kinds(measured):
    masked, samples = overall_recall(measured, IMPLEMENTED_KINDS)
    assert masked / samples >= MIN_OVERALL_RECALL, f"recall {masked}/{samples} = {masked / samples:.2%}"


def test_false_positive_rate(measured):
    overall = measured["false_positives"]["overall"]
    examples = "\n".join(f"    {kind}: {e['text']!r} -> {e['returned']!r}"
                         for kind, items in measured["examples"]["false_positives"].items() for e in items)
    assert overall["rate"] <= MAX_FALSE_POSITIVE_RATE, (
        f"{overall['altered']}/{overall['samples']} negatives altered ({overall['rate']:.2%}), e.g.\n{examples}")


# --- masking.phone_regions ------------------------------------------------------------------------

PHONE_TEXT = "ring 662 283 239, +48 662 283 239 or 030 1234567"


def read_literal_with_phone_regions(workdir: str, upstream, regions: list[str]) -> str:
    """PHONE_TEXT as a literal read through a gateway whose phone regions are `regions` (a text
    column of no table: the detectors run over it)."""
    name = "gateway-phone-" + "-".join(regions).lower()
    directory = os.path.join(workdir, name)
    os.makedirs(directory, exist_ok=True)
    server = upstream.server
    config = GatewayConfig(
        data_dir=os.path.join(directory, "data"), postgres_address="127.0.0.1", postgres_port=free_port(),
        http_port=free_port(), allow_cleartext_token_on_loopback=True, masking={"phone_regions": regions},
        connections=[Connection("shop", Upstream(server.host, server.port, "shop", "gh_scram", "GH_SCRAM_PASSWORD"),
                                approval={"mode": "never"})])
    gateway = Gateway(directory, config.yaml(), env=upstream.env(), name=name).start()
    try:
        dsn = clients.gateway_dsn(gateway.port, "shop", gateway.token("phone-regions"), sslmode="disable")
        result = clients.psql(dsn, f"SELECT '{PHONE_TEXT}'")
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()
    finally:
        gateway.stop()


def test_phone_regions_decide_which_national_numbers_are_read(workdir, upstream):
    # Polish numbers have no trunk prefix; German ones are written with their 0. An international
    # number is read whatever the regions.
    assert read_literal_with_phone_regions(workdir, upstream, ["PL"]) == "ring [PHONE], [PHONE] or 030 1234567"
    assert read_literal_with_phone_regions(workdir, upstream, ["DE"]) == "ring 662 283 239, [PHONE] or [PHONE]"
