#!/usr/bin/env python3
"""Recall and false positives of Gatehouse's detectors on a labelled corpus (issue 17).

    python3 bench/detector_recall.py                     # seed 17, 200 samples per kind
    python3 bench/detector_recall.py --per-kind 50 --seed 3
    python3 bench/detector_recall.py --kinds phone,dk-cpr --examples 10
    python3 bench/detector_recall.py --json > recall.json

The corpus (tests/integration/harness/identifier_corpus.py) is stored in a table of a throwaway
PostgreSQL whose text column is classified `free-text` with `free-text: detect`, as the demo's
support tickets are (harness/stack.py), and read back through a real gateway with psql's
`COPY ... TO STDOUT`. A sample counts as masked when every letter and digit of its identifier
lies inside a replaced span (`[LABEL]`); an identifier with some of its characters left is a
partial miss, one with none replaced a miss. A negative counts as a false positive when any
byte of its text changed. The gateway is the one GATEHOUSE_BIN names (default: the debug build).

Exit status 0 whatever the figures (it is a measurement); 1 only when no measurement could be
taken (no gateway binary, a gateway or psql failure).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))

from harness import clients  # noqa: E402
from harness.gateway import Gateway, GatewayStartError, binary  # noqa: E402
from harness.gateway_config import Connection, GatewayConfig, Upstream  # noqa: E402
from harness.identifier_corpus import (DEFAULT_SEED, NEGATIVE_KIND_NAMES, POSITIVE_KIND_NAMES,  # noqa: E402
                                       Sample, build_corpus)
from harness.ports import free_port  # noqa: E402
from harness.postgres_server import PostgresServer  # noqa: E402
from harness.stack import DEMO_MASKING  # noqa: E402

DATABASE, ROLE, TABLE, CONNECTION = "detector_recall", "recall_reader", "public.recall_samples", "recall"
# The table is free text, as support tickets are: classified for policy, masked by the detectors.
PERSONAL_DATA = [{"table": TABLE, "columns": {"body": "free-text"}}]
LABEL = re.compile(r"\[[A-Z][A-Z0-9-]*\]")


# --- running the corpus through a gateway -------------------------------------------------------

def copy_text_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


COPY_ESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}


def copy_text_unescape(field: str) -> str:
    return re.sub(r"\\(.)", lambda m: COPY_ESCAPES.get(m.group(1), m.group(1)), field)


def create_sample_table(server: PostgresServer, password: str) -> None:
    """A database of its own, and a login role that can only read the table (not its owner)."""
    server.create_role(ROLE, password)
    server.psql(f"CREATE DATABASE {DATABASE}")
    server.psql(f"CREATE TABLE {TABLE} (id integer PRIMARY KEY, body text NOT NULL); "
                f"GRANT SELECT ON {TABLE} TO {ROLE}", DATABASE)


def load_samples(server: PostgresServer, samples: list[Sample], directory: str) -> None:
    """COPY FROM STDIN with the rows inline, in one psql run (direct, not through the gateway)."""
    script = os.path.join(directory, "recall-samples.sql")
    with open(script, "w", encoding="utf-8") as f:
        f.write(f"COPY {TABLE} (id, body) FROM STDIN;\n")
        for number, sample in enumerate(samples, start=1):
            f.write(f"{number}\t{copy_text_escape(sample.text)}\n")
        f.write("\\.\n")
    server.psql(None, DATABASE, file=script)


def start_gateway(directory: str, server: PostgresServer, password: str) -> Gateway:
    """Loopback, no TLS; every built-in detector on (the default); approval off, since reading
    the classified table would otherwise wait for an approver."""
    upstream = Upstream(server.host, server.port, DATABASE, ROLE, "RECALL_PG_PASSWORD")
    config = GatewayConfig(
        data_dir=os.path.join(directory, "data"), postgres_address="127.0.0.1", postgres_port=free_port(),
        http_port=free_port(), allow_cleartext_token_on_loopback=True, masking=DEMO_MASKING,
        connections=[Connection(CONNECTION, upstream, personal_data=PERSONAL_DATA, approval={"mode": "never"})])
    return Gateway(directory, config.yaml(), env={"RECALL_PG_PASSWORD": password}, name="gateway-recall").start()


def read_through_gateway(gateway: Gateway) -> dict[int, str]:
    dsn = clients.gateway_dsn(gateway.port, CONNECTION, gateway.token("recall-bench"), sslmode="disable")
    result = clients.psql(dsn, f"COPY {TABLE} (id, body) TO STDOUT", timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"psql through the gateway failed: {result.stderr.strip()}\n{gateway.output(3000)}")
    rows = {}
    for line in result.stdout.split("\n"):
        if line:
            number, body = line.split("\t", 1)
            rows[int(number)] = copy_text_unescape(body)
    return rows


def mask_through_gateway(server: PostgresServer, directory: str, samples: list[Sample]) -> list[str]:
    """Each sample's text as the gateway returns it, in corpus order."""
    password = secrets.token_hex(12)
    create_sample_table(server, password)
    load_samples(server, samples, directory)
    gateway = start_gateway(os.path.join(directory, "gateway-recall"), server, password)
    try:
        rows = read_through_gateway(gateway)
    finally:
        gateway.stop()
    if len(rows) != len(samples):
        raise RuntimeError(f"the gateway returned {len(rows)} rows for {len(samples)} samples")
    return [rows[number] for number in range(1, len(samples) + 1)]


# --- judging each sample -------------------------------------------------------------------------

def masked_spans(original: str, masked: str) -> list[tuple[int, int, str]] | None:
    """Where in `original` each `[LABEL]` of `masked` stands: [(start, end, label)], or None
    when `masked` is not `original` with some spans replaced by labels. (The corpus has no
    square brackets of its own.)"""
    pieces, labels = LABEL.split(masked), LABEL.findall(masked)
    pattern = "".join(re.escape(piece) + ("(.+?)" if i < len(labels) else "") for i, piece in enumerate(pieces))
    match = re.fullmatch(pattern, original, re.DOTALL)
    if match is None:
        return None
    return [(match.start(i + 1), match.end(i + 1), label) for i, label in enumerate(labels)]


@dataclass
class Verdict:
    sample: Sample
    masked_text: str
    status: str           # positives: masked | partial | missed | unaligned; negatives: kept | altered
    labels: tuple         # the labels over the identifier (positives) or anywhere (negatives)
    overreach: bool = False  # a positive's mask also covered letters or digits around the identifier

    @property
    def detected(self) -> bool:
        return self.status == "masked"


def judge_positive(sample: Sample, masked_text: str) -> Verdict:
    spans = masked_spans(sample.text, masked_text)
    if spans is None:
        return Verdict(sample, masked_text, "unaligned", tuple(LABEL.findall(masked_text)))
    covered = {i for start, end, _ in spans for i in range(start, end)}
    identifier_chars = [i for i in range(sample.start, sample.end) if sample.text[i].isalnum()]
    exposed = [i for i in identifier_chars if i not in covered]
    labels = tuple(sorted({label for start, end, label in spans if start < sample.end and end > sample.start}))
    overreach = any(sample.text[i].isalnum() for i in covered if not sample.start <= i < sample.end)
    status = "masked" if not exposed else "missed" if len(exposed) == len(identifier_chars) else "partial"
    return Verdict(sample, masked_text, status, labels, overreach)


def judge_negative(sample: Sample, masked_text: str) -> Verdict:
    status = "kept" if masked_text == sample.text else "altered"
    return Verdict(sample, masked_text, status, tuple(sorted(set(LABEL.findall(masked_text)))))


def judge(samples: list[Sample], masked_texts: list[str]) -> list[Verdict]:
    return [(judge_negative if s.negative else judge_positive)(s, m) for s, m in zip(samples, masked_texts)]


# --- figures -----------------------------------------------------------------------------------

def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def recall_figures(verdicts: list[Verdict]) -> dict:
    statuses = Counter(v.status for v in verdicts)
    labels = Counter(label for v in verdicts for label in v.labels)
    return {"samples": len(verdicts), "masked": statuses["masked"], "partial": statuses["partial"],
            "missed": statuses["missed"] + statuses["unaligned"], "recall": ratio(statuses["masked"], len(verdicts)),
            "overreach": sum(v.overreach for v in verdicts), "labels": dict(labels.most_common())}


def false_positive_figures(verdicts: list[Verdict]) -> dict:
    altered = [v for v in verdicts if v.status == "altered"]
    return {"samples": len(verdicts), "altered": len(altered), "rate": ratio(len(altered), len(verdicts)),
            "labels": dict(Counter(label for v in altered for label in v.labels).most_common())}


def grouped(verdicts: list[Verdict], key) -> dict:
    groups = defaultdict(list)
    for verdict in verdicts:
        groups[key(verdict)].append(verdict)
    return groups


def example(verdict: Verdict) -> dict:
    return {"status": verdict.status, "locale": verdict.sample.locale, "form": verdict.sample.form,
            "identifier": verdict.sample.identifier, "text": verdict.sample.text, "returned": verdict.masked_text}


def varied(verdicts: list[Verdict], count: int) -> list[Verdict]:
    """Up to count verdicts, one per (locale, form) first, so examples are not all en_US."""
    seen, first, rest = set(), [], []
    for verdict in verdicts:
        key = (verdict.sample.locale, verdict.sample.form)
        (rest if key in seen else first).append(verdict)
        seen.add(key)
    return (first + rest)[:count]


def figures(verdicts: list[Verdict], examples_per_kind: int = 5) -> dict:
    positives = [v for v in verdicts if not v.sample.negative]
    negatives = [v for v in verdicts if v.sample.negative]
    by_kind = grouped(positives, lambda v: v.sample.kind)
    negatives_by_kind = grouped(negatives, lambda v: v.sample.kind)
    forms = {kind: {form: recall_figures(group) for form, group in grouped(items, lambda v: v.sample.form).items()}
             for kind, items in by_kind.items()}
    return {
        "recall": {
            "overall": recall_figures(positives),
            "by_kind": {kind: recall_figures(by_kind[kind]) for kind in POSITIVE_KIND_NAMES if kind in by_kind},
            "by_locale": {locale: recall_figures(items)
                          for locale, items in sorted(grouped(positives, lambda v: v.sample.locale).items())},
            "by_kind_and_form": forms,
        },
        "false_positives": {
            "overall": false_positive_figures(negatives),
            "by_kind": {kind: false_positive_figures(negatives_by_kind[kind])
                        for kind in NEGATIVE_KIND_NAMES if kind in negatives_by_kind},
        },
        "examples": {
            "misses": {kind: [example(v) for v in varied([v for v in items if not v.detected], examples_per_kind)]
                       for kind, items in by_kind.items() if any(not v.detected for v in items)},
            "false_positives": {kind: [example(v) for v in varied([v for v in items if v.status == "altered"],
                                                                   examples_per_kind)]
                                for kind, items in negatives_by_kind.items() if any(v.status == "altered" for v in items)},
        },
    }


def measure(server: PostgresServer, directory: str, samples: list[Sample], examples_per_kind: int = 5) -> dict:
    """The whole measurement on an already running PostgreSQL (the test passes the session's)."""
    return figures(judge(samples, mask_through_gateway(server, directory, samples)), examples_per_kind)


# --- the report ---------------------------------------------------------------------------------

def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def top_labels(labels: dict, count: int = 3) -> str:
    return " ".join(f"{label}x{n}" for label, n in list(labels.items())[:count])


def print_recall_table(title: str, rows: dict, with_labels: bool = True) -> None:
    print(f"\n{title:<22}{'n':>6}{'recall':>9}{'partial':>9}{'missed':>8}{'overreach':>11}"
          + ("  labels over the identifier" if with_labels else ""))
    for name, row in rows.items():
        print(f"{name:<22}{row['samples']:>6}{percent(row['recall']):>9}{row['partial']:>9}{row['missed']:>8}"
              f"{row['overreach']:>11}" + (f"  {top_labels(row['labels'])}" if with_labels else ""))


def print_report(result: dict) -> None:
    recall, false_positives = result["recall"], result["false_positives"]
    print_recall_table("recall by kind", recall["by_kind"])
    print_recall_table("recall by locale", recall["by_locale"], with_labels=False)
    overall = recall["overall"]
    print(f"\noverall recall: {percent(overall['recall'])} ({overall['masked']}/{overall['samples']}; "
          f"{overall['partial']} partial, {overall['missed']} missed)")

    print("\nforms below 100% recall:")
    for kind, forms in recall["by_kind_and_form"].items():
        for form, row in forms.items():
            if row["recall"] != 1:
                print(f"  {kind:<20}{form:<30}{percent(row['recall']):>8} of {row['samples']}")

    print(f"\n{'false positives':<22}{'n':>6}{'altered':>9}{'rate':>8}  labels")
    for kind, row in false_positives["by_kind"].items():
        print(f"{kind:<22}{row['samples']:>6}{row['altered']:>9}{percent(row['rate']):>8}  {top_labels(row['labels'])}")
    overall_fp = false_positives["overall"]
    print(f"\noverall false-positive rate: {percent(overall_fp['rate'])} ({overall_fp['altered']}/{overall_fp['samples']})")

    for title, groups in (("example misses", result["examples"]["misses"]),
                          ("example false positives", result["examples"]["false_positives"])):
        print(f"\n{title}:")
        for kind, items in groups.items():
            print(f"  {kind}:")
            for item in items:
                print(f"    [{item['status']}, {item['locale']}, {item['form']}] {item['text']!r}\n"
                      f"        -> {item['returned']!r}")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"corpus seed (default {DEFAULT_SEED})")
    parser.add_argument("--per-kind", type=int, default=200, help="samples per identifier and negative kind (default 200)")
    parser.add_argument("--kinds", help="only these identifier kinds, comma-separated (negatives are always included)")
    parser.add_argument("--examples", type=int, default=5, help="example misses shown per kind (default 5)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args()


def main() -> int:
    options = parse_arguments()
    kinds = set(options.kinds.split(",")) if options.kinds else None
    unknown = (kinds or set()) - set(POSITIVE_KIND_NAMES)
    if unknown:
        print(f"unknown kinds: {', '.join(sorted(unknown))} (known: {', '.join(POSITIVE_KIND_NAMES)})", file=sys.stderr)
        return 2
    samples = build_corpus(options.seed, options.per_kind, kinds)
    workdir = tempfile.mkdtemp(prefix="gatehouse-recall-")
    server = PostgresServer(ssl=False, statement_logging=False,
                            settings={"log_connections": "off", "log_disconnections": "off"}).start()
    try:
        result = measure(server, workdir, samples, options.examples)
    except (GatewayStartError, RuntimeError) as error:
        print(f"detector_recall: no measurement ({binary()}): {error}", file=sys.stderr)
        return 1
    finally:
        server.cleanup()
        if not os.environ.get("GATEHOUSE_KEEP_TMP"):
            shutil.rmtree(workdir, ignore_errors=True)
    result = {"seed": options.seed, "per_kind": options.per_kind, "gateway": binary(), **result}
    if options.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(f"detector recall: seed {options.seed}, {options.per_kind} per kind, {len(samples)} samples, {binary()}")
        print_report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
