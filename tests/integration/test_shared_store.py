"""Several gateway instances on one PostgreSQL store (docs/deployment.md): the evidence ledger is
one log in the store, appended to by every instance, each append committed there before the
statement it records is forwarded.

Real parts: the store is a PostgreSQL server the test starts; the upstream is the session's
PostgreSQL with log_statement='all', which is the ground truth for what ran. The shared log is
read back independently (harness.events.SharedLog: records parsed, entries re-hashed, each
record's root recomputed, sealed fields opened with the shared master key)."""

import base64
import json
import os
import random
import re
import secrets
import sqlite3
import string
import subprocess
import time
import urllib.error
import urllib.request

import psycopg
import pytest

from harness import clients, ledger, pg_log, pgbin, shared_store
from harness.events import EventStore, SharedLog, resealed_record, statements, stored_entries
from harness.gateway import GatewayStartError, binary
from harness.postgres_server import PostgresServer
from harness.shared_store import (MASTER_KEY_ENV, STORE_DATABASE, STORE_PASSWORD_ENV, STORE_ROLE, Instances,
                                  store_dsn as _store_dsn)

PSQL_STATEMENTS = 20000  # far more than the run lasts: the kill interrupts them


def _letters(n: int) -> str:
    # Letters only: no digit run a masking detector could take for a phone number or an ID.
    return "".join(random.choice(string.ascii_lowercase) for _ in range(n))


@pytest.fixture(scope="module")
def store():
    server = shared_store.start_store()
    yield server
    server.cleanup()


@pytest.fixture
def fresh_store(store):
    """The store emptied, so each test starts a new shared log."""
    return shared_store.empty(store)


@pytest.fixture
def instances(tmp_path, upstream, fresh_store):
    started = Instances(tmp_path, upstream, fresh_store, ["a", "b", "c"]).start()
    yield started
    started.stop()


def _start_clients(gw, tmp_path, tag: str) -> list[subprocess.Popen]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    script = tmp_path / f"{tag}-psql.sql"
    script.write_text("".join(f"SELECT '{tag}n{i}x' AS probe, pg_sleep(0.002);\n" for i in range(PSQL_STATEMENTS)))
    psql = subprocess.Popen([pgbin.tool("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", gw.dsn("shop"),
                             "-f", str(script)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    bench_script = tmp_path / f"{tag}-pgbench.sql"
    bench_script.write_text(f"\\set k random(1, 9)\nSELECT '{tag}bench' AS probe, :k AS k;\n")
    bench = subprocess.Popen([pgbin.tool("pgbench"), "-h", "127.0.0.1", "-p", str(gw.port), "-U", "agent", "-n", "-c", "2",
                              "-j", "1", "-T", "300", "-M", "prepared", "-f", str(bench_script), "shop"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=dict(env, PGPASSWORD=gw.token(), PGSSLMODE="disable"))
    return [psql, bench]


def _stop(processes) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_three_instances_append_to_one_log_and_a_killed_one_loses_nothing(instances, upstream, tmp_path):
    server = upstream.server
    offset = server.log_size()
    marker = "shs" + _letters(8)
    shared = instances.shared_log()
    running = {name: _start_clients(instances[name], tmp_path, f"{marker}{name}") for name in "abc"}
    try:
        # Mid-flow: the log has grown well and b's psql has run (ground truth: the upstream's log).
        assert ledger.wait_until(lambda: shared.size() >= 1500 and server.log_since(offset).count(f"{marker}bn") >= 20,
                                 timeout=120), f"the instances produced no traffic\n{instances['a'].output()}"
        instances["b"].kill()  # its clients lose their gateway
        grown = shared.size()
        assert ledger.wait_until(lambda: shared.size() >= grown + 300, timeout=60), "a and c stopped recording when b died"
    finally:
        for processes in running.values():
            _stop(processes)
    instances["b"].start()  # the same configuration and data directory

    # Each instance serves, and reads the entries the others appended.
    for name in "abc":
        probe = f"{marker}after{name}"
        result = clients.psql(instances[name].dsn("shop"), f"SELECT '{probe}'")
        assert result.returncode == 0 and result.stdout.strip() == probe, result.stderr
    size = shared.size()
    for name in "ac":
        verified = instances[name].audit("verify")
        assert verified.returncode == 0, f"audit verify on {name}:\n{verified.stdout}{verified.stderr}"
        # Its own index, caught up with what the other two appended.
        verified_size = re.search(r": (\d+) entries", verified.stdout)
        assert verified_size and int(verified_size.group(1)) >= size, verified.stdout

    # One contiguous log, every root as stated, appended by all three.
    records = shared.records()
    assert {record[4] for record in records} == {"a", "b", "c"}
    events = shared.events()
    assert len(events) >= size

    # Ground truth: every statement the upstream ran for a client session of any instance has
    # its statement event, recorded no later than the server ran it.
    executed, app_names = pg_log.client_executions(server.log_since(offset), {ledger.LEDGER_ROLE})
    marked = [e for e in executed if marker in pg_log.statement_text(e)]
    for name in "abc":
        assert sum(f"{marker}{name}n" in pg_log.statement_text(e) for e in marked) >= 20, f"instance {name}'s psql barely ran"
    unmatched = pg_log.unrecorded_executions(executed, app_names, statements(events))
    assert not unmatched, "statements executed upstream without an earlier statement event:\n" + \
        "\n".join(map(str, unmatched[:40])) + f"\n({len(unmatched)} in all)"


def test_with_the_store_down_nothing_runs_and_the_gateway_recovers_by_itself(instances, upstream):
    gw = instances["a"]
    before, refused, after = (f"sh{tag}{_letters(8)}" for tag in "bra")
    server = upstream.server
    with psycopg.connect(gw.dsn("shop"), autocommit=True) as held:
        assert held.execute(f"SELECT '{before}'").fetchone() == (before,)
        offset = server.log_size()
        status, body = _readiness(gw, detail=True)
        assert status == 200 and body["ready"], body
        instances.store.stop()
        try:
            # A load balancer takes the instance out: /readyz says why.
            status, body = _readiness(gw, detail=True)
            assert status == 503 and not body["ready"] and not body["checks"]["ledger"]["ok"], body
            assert "cannot reach a primary of the shared ledger store" in body["checks"]["ledger"]["detail"], body
            assert instances.store.store_password not in json.dumps(body)
            # A statement on a running session is refused, and so is a new session.
            with pytest.raises(psycopg.Error) as error:
                held.execute(f"SELECT '{refused}'")
            assert "could not be recorded, so it was not run" in str(error.value), str(error.value)
            login = clients.psql(gw.dsn("shop"), f"SELECT '{refused}'")
            assert login.returncode != 0 and "cannot record the session, so it is refused" in login.stderr, login.stderr
            time.sleep(0.5)
            assert refused not in server.log_since(offset)  # ground truth: the upstream never ran it
        finally:
            instances.store.restart()
        # No restart of the gateway: the held session and new ones work once the store is back.
        assert ledger.wait_until(lambda: _runs(held, after), timeout=30, interval=0.5), gw.output()
        # Ready again once a checkpoint is signed again (the next checkpoint interval).
        assert ledger.wait_until(lambda: _readiness(gw) == (200, True), timeout=30, interval=0.5), _readiness(gw, detail=True)
    result = clients.psql(gw.dsn("shop"), f"SELECT '{after}'")
    assert result.returncode == 0 and result.stdout.strip() == after, result.stderr
    texts = [e.payload.get("text", "") for e in statements(instances.shared_log().events())]
    assert any(before in text for text in texts) and any(after in text for text in texts)
    assert not any(refused in text for text in texts)


def _readiness(gw, detail: bool = False):
    """`/readyz`: (status, ready), or (status, the whole body) with `detail`."""
    url = f"http://127.0.0.1:{gw.gateway.http_address[1]}/readyz"
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            status, body = response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        status, body = error.code, json.loads(error.read())
    return (status, body) if detail else (status, body["ready"])


def _runs(connection, probe: str) -> bool:
    try:
        return connection.execute(f"SELECT '{probe}'").fetchone() == (probe,)
    except psycopg.Error:
        return False


def test_a_changed_record_stops_an_instance_from_building_on_it(instances, tmp_path, upstream):
    gw = instances["a"]
    result = clients.psql(gw.dsn("shop"), "SELECT 'shared log tamper probe'")
    assert result.returncode == 0, result.stderr
    instances.stop()
    # An attacker with write access to the store rewrites a statement inside a record (same
    # length, so only the content changes), then a new instance builds its index from the log.
    with psycopg.connect(_store_dsn(instances.store), autocommit=True) as conn:
        first, record = conn.execute(
            "SELECT first_index, record FROM gatehouse_ledger_records WHERE position('\"statement\"'::bytea in record) > 0 "
            "ORDER BY first_index LIMIT 1").fetchone()
        changed = bytes(record).replace(b'"statement"', b'"statemenT"', 1)
        # Once as is (the record's checksum catches it), once with the checksum recomputed (the
        # root the record states catches it: that root is what every instance built and checked).
        for rewritten, reason in ((changed, "is damaged or out of order"), (resealed_record(changed), "does not give the root it states")):
            conn.execute("UPDATE gatehouse_ledger_records SET record = %s WHERE first_index = %s", (rewritten, first))
            fresh = Instances(tmp_path / f"fresh-{len(reason)}", upstream, instances.store, ["d"])
            fresh["d"].env[MASTER_KEY_ENV] = instances.master
            with pytest.raises(GatewayStartError) as refused:
                fresh["d"].start()
            assert f"the shared log's record at entry {first} {reason}" in str(refused.value), str(refused.value)


def test_an_erasure_through_one_instance_leaves_no_copy_of_the_key_on_any(instances):
    a, c = instances["a"], instances["c"]
    result = clients.psql(a.dsn("shop_masked"), "SELECT email FROM customers LIMIT 1")
    assert result.returncode == 0, result.stderr
    shared = instances.shared_log()
    session = next(e.session_id for e in reversed(statements(shared.events())) if "customers" in e.payload.get("text", ""))
    wrapped = shared.wrapped_keys()[session]
    assert wrapped, "the session's data key is in the store"
    erased = c.audit("erase", "--session", session, "--reason", "data subject request")
    assert erased.returncode == 0, erased.stdout + erased.stderr
    assert shared.wrapped_keys()[session] is None
    # No instance's disk holds the key: the index never had it.
    for name in "abc":
        data_dir = instances[name].data_dir
        for entry in os.listdir(data_dir):
            path = os.path.join(data_dir, entry)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    assert wrapped not in f.read(), f"{name}: {entry} holds the erased key"
    # And the session's sealed fields are unreadable for everyone now.
    sealed = [e for e in shared.events() if e.session_id == session and e.kind == "statement"]
    assert sealed and not any(e.sealed_readable for e in sealed)


def test_an_index_the_shared_log_does_not_account_for_is_refused(instances, store):
    gw = instances["a"]
    result = clients.psql(gw.dsn("shop"), "SELECT 'index from another store'")
    assert result.returncode == 0, result.stderr
    instances.stop()
    # The store is replaced by an empty one (a restore gone wrong, or the wrong DSN): instance a's
    # index holds entries this log never had, and appending after them would fork the history.
    store.psql(f"DROP DATABASE {STORE_DATABASE} WITH (FORCE)")
    store.psql(f"CREATE DATABASE {STORE_DATABASE} OWNER {STORE_ROLE}")
    with pytest.raises(GatewayStartError) as refused:
        gw.start()
    assert "that the shared log postgres://" in str(refused.value) and "does not account for" in str(refused.value), str(refused.value)


def test_the_instances_follow_a_promoted_standby_and_lose_no_acknowledged_event(tmp_path, upstream):
    """The store is a primary with a synchronous streaming standby (both real PostgreSQL). Under
    load, the primary crashes and the standby is promoted: the instances carry on against it
    without a restart, and the promoted log holds every statement the upstream ran."""
    primary = PostgresServer(ssl=False, statement_logging=False, settings={"synchronous_commit": "on"},
                             hba_lines=["local all all trust", "host all all 127.0.0.1/32 scram-sha-256",
                                        "host replication all 127.0.0.1/32 scram-sha-256"]).start()
    standby = None
    instances = None
    try:
        primary.store_password = secrets.token_hex(16)
        primary.create_role(STORE_ROLE, primary.store_password)
        primary.psql(f"CREATE DATABASE {STORE_DATABASE} OWNER {STORE_ROLE}")
        standby = primary.start_standby()
        standby.store_password = primary.store_password
        primary.psql("ALTER SYSTEM SET synchronous_standby_names = '*'")
        primary.psql("SELECT pg_reload_conf()")
        assert ledger.wait_until(lambda: primary.psql("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'") == "1",
                                 timeout=30), "the standby never became synchronous"
        instances = Instances(tmp_path, upstream, primary, ["a", "b"], standbys=[standby]).start()
        server = upstream.server
        offset = server.log_size()
        marker = "shf" + _letters(8)
        running = [process for name in "ab" for process in _start_clients(instances[name], tmp_path, f"{marker}{name}")]
        try:
            assert ledger.wait_until(lambda: SharedLog(_store_dsn(primary), b"").size() >= 800, timeout=90), instances["a"].output()
            primary.crash()
            standby.promote()
        finally:
            _stop(running)
        # No gateway restart: both append to the promoted standby.
        for name in "ab":
            probe = f"{marker}after{name}"
            assert ledger.wait_until(lambda: clients.psql(instances[name].dsn("shop"), f"SELECT '{probe}'").returncode == 0,
                                     timeout=60, interval=0.5), instances[name].output()
        promoted = SharedLog(_store_dsn(standby), instances.master.encode())
        events = promoted.events()
        texts = [e.payload.get("text", "") for e in statements(events)]
        assert all(any(f"{marker}after{name}" in text for text in texts) for name in "ab")
        for name in "ab":
            verified = instances[name].audit("verify")
            assert verified.returncode == 0, f"audit verify on {name}:\n{verified.stdout}{verified.stderr}"
        # Ground truth: every statement the upstream ran for a client session has its event in the
        # promoted log, recorded no later than it ran (acknowledged only once the standby had it).
        executed, app_names = pg_log.client_executions(server.log_since(offset), {ledger.LEDGER_ROLE})
        assert sum(marker in pg_log.statement_text(e) for e in executed) >= 200
        unmatched = pg_log.unrecorded_executions(executed, app_names, statements(events))
        assert not unmatched, "statements executed upstream without an event in the promoted log:\n" + \
            "\n".join(map(str, unmatched[:40])) + f"\n({len(unmatched)} in all)"
    finally:
        if instances:
            instances.stop()
        if standby:
            standby.cleanup()
        primary.cleanup()


def test_an_embedded_ledger_moves_into_the_shared_store_with_every_proof_intact(tmp_path, upstream, fresh_store):
    master = secrets.token_hex(32)
    env = {MASTER_KEY_ENV: master, STORE_PASSWORD_ENV: fresh_store.store_password}
    embedded = ledger.LedgerGateway(str(tmp_path / "one"), upstream, name="embedded", ledger={"master_key_env": MASTER_KEY_ENV}, env=env)
    embedded.start()
    for sql in ("SELECT 'before the move'", "SELECT email FROM customers LIMIT 2"):
        result = clients.psql(embedded.dsn("shop_masked"), sql)
        assert result.returncode == 0, result.stderr
    events = EventStore(embedded.data_dir, master.encode()).since(0)
    session = next(e.session_id for e in reversed(statements(events)) if "before the move" in e.payload.get("text", ""))
    erased = embedded.audit("erase", "--session", session, "--reason", "request before the move")
    assert erased.returncode == 0, erased.stdout + erased.stderr
    embedded.stop()
    # Ground truth, read from the embedded ledger itself before the copy.
    original, _ = stored_entries(embedded.data_dir)
    with sqlite3.connect(os.path.join(embedded.data_dir, "ledger.sqlite")) as db:
        original_keys = {key_id: (bytes(wrapped) if wrapped is not None else None)
                         for key_id, wrapped in db.execute("SELECT key_id, wrapped FROM data_keys")}
    assert original_keys[session] is None and any(original_keys.values())

    # The same directory and configuration, with the shared store added; the copy runs offline.
    section = {"type": "postgres", "host": fresh_store.host, "port": fresh_store.port, "database": STORE_DATABASE, "user": STORE_ROLE,
               "password_env": STORE_PASSWORD_ENV, "sslmode": "disable", "instance": "one"}
    # Every instance of the store signs with the key the embedded ledger signed with.
    keys = {"master_key_env": MASTER_KEY_ENV, "signing_key_file": os.path.join(embedded.data_dir, "ledger-signing.key")}
    moved = ledger.LedgerGateway(str(tmp_path / "one"), upstream, name="moved", ledger=keys, store=section, env=env)
    config = tmp_path / "moved.yaml"
    config.write_text(moved.yaml)
    copy = subprocess.run([binary(), "store", "copy", "--config", str(config)], capture_output=True, text=True,
                          env={**os.environ, **moved.env}, timeout=120)
    assert copy.returncode == 0, copy.stdout + copy.stderr
    assert f"the shared log holds {len(original)} entries" in copy.stdout, copy.stdout

    # The shared log is the embedded ledger, entry for entry; the keys moved, the erased one as erased.
    shared = SharedLog(_store_dsn(fresh_store), master.encode())
    assert shared.entries() == [raw for _, raw in original]
    assert shared.wrapped_keys() == original_keys
    with sqlite3.connect(os.path.join(embedded.data_dir, "ledger.sqlite")) as db:
        assert db.execute("SELECT count(*) FROM data_keys").fetchone()[0] == 0
    for name in os.listdir(embedded.data_dir):
        path = os.path.join(embedded.data_dir, name)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                content = f.read()
            assert not any(wrapped and wrapped in content for wrapped in original_keys.values()), f"{name} still holds a data key"

    # Run again, the copy has nothing left to do.
    again = subprocess.run([binary(), "store", "copy", "--config", str(config)], capture_output=True, text=True,
                           env={**os.environ, **moved.env}, timeout=120)
    assert again.returncode == 0 and "Copied 0 entries" in again.stdout, again.stdout + again.stderr

    # The moved instance serves on, its old checkpoints verify against the shared log, and a new
    # instance takes the whole log from the store.
    moved.start()
    try:
        result = clients.psql(moved.dsn("shop"), "SELECT 'after the move'")
        assert result.returncode == 0, result.stderr
        verified = moved.audit("verify")
        assert verified.returncode == 0 and "stored checkpoint(s)" in verified.stdout, verified.stdout + verified.stderr
        joined = ledger.LedgerGateway(str(tmp_path / "two"), upstream, name="joined", ledger=keys,
                                      store=dict(section, instance="two"), env=env)
        joined.start()
        try:
            verified = joined.audit("verify")
            assert verified.returncode == 0, verified.stdout + verified.stderr
            subject_entries = [e for e in shared.events() if e.session_id == session]
            assert subject_entries and not any(e.sealed_readable for e in subject_entries if e.kind == "statement")
        finally:
            joined.stop()
    finally:
        moved.stop()
    # Another ledger cannot be copied into this store.
    other = ledger.LedgerGateway(str(tmp_path / "other"), upstream, name="other", ledger={"master_key_env": MASTER_KEY_ENV}, env=env)
    other.start()
    other.stop()
    other_config = tmp_path / "other.yaml"
    other_config.write_text(ledger.LedgerGateway(str(tmp_path / "other"), upstream, name="other-moved", store=section,
                                                 ledger=dict(keys, signing_key_file=os.path.join(other.data_dir, "ledger-signing.key")),
                                                 env=env).yaml)
    refused = subprocess.run([binary(), "store", "copy", "--config", str(other_config)], capture_output=True, text=True,
                             env={**os.environ, **moved.env}, timeout=120)
    assert refused.returncode != 0 and "are not the start of this ledger" in refused.stdout + refused.stderr, refused.stdout + refused.stderr


def test_a_copy_of_personal_data_made_through_one_instance_is_masked_through_another(instances, upstream):
    """The attacker copies classified columns through instance a, into a new table and into a table
    b already knows as unclassified, then at once reads the copy through instance b, which did not
    see the write. The copy's classification is a ledger entry appended with the write, before the
    copy exists; b adopts it when it takes it in (every second, and at its next append). A statement
    b decided before adopting it is refused as retryable (40001) rather than run: no attempt ever
    returns the real names (ground truth: the upstream's copy, read directly)."""
    import psycopg as pg
    admin_dsn = upstream.admin_dsn("shop")
    with pg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f"GRANT CREATE ON SCHEMA public TO {ledger.LEDGER_ROLE}")
    # Names: classified, and no detector would recognise them in an unclassified column.
    copies = [("gh_shared_new", "CREATE TABLE gh_shared_new AS SELECT id, full_name AS label FROM customers"),
              ("gh_shared_known", "INSERT INTO gh_shared_known (label) SELECT full_name FROM customers")]
    retried = 0
    try:
        with pg.connect(instances["a"].dsn("shop_masked"), autocommit=True) as through_a, \
                pg.connect(instances["b"].dsn("shop_masked"), autocommit=True) as through_b:
            through_a.execute("CREATE TABLE gh_shared_known (label text)")
            time.sleep(1.5)
            assert through_b.execute("SELECT count(*) FROM gh_shared_known").fetchone() == (0,)  # b knows it, unclassified
            for table, copy in copies:
                through_a.execute(copy)
                with pg.connect(admin_dsn, autocommit=True) as admin:
                    real = {row[0] for row in admin.execute(f"SELECT label FROM {table} WHERE label <> ''")}
                assert real, "the copy holds the real names upstream"
                for _ in range(10):
                    try:
                        seen = [row[0] for row in through_b.execute(f"SELECT label FROM {table}")]
                        break
                    except pg.errors.SerializationFailure as error:
                        assert "became personal data while it was being recorded" in str(error), str(error)
                        retried += 1
                else:
                    pytest.fail("b refused the read ten times")
                assert len(seen) >= len(real)
                leaked = [value for value in seen if value in real]
                assert not leaked, f"instance b returned {len(leaked)} real names from {table}"
        print(f"reads refused as retryable before b adopted the copy's classification: {retried}")
    finally:
        with pg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute("DROP TABLE IF EXISTS gh_shared_new; DROP TABLE IF EXISTS gh_shared_known; "
                          f"REVOKE CREATE ON SCHEMA public FROM {ledger.LEDGER_ROLE}")


def _stored_checkpoints(store) -> list[tuple[int, str, str]]:
    with psycopg.connect(_store_dsn(store)) as conn:
        return conn.execute("SELECT tree_size, note, signed_by FROM gatehouse_ledger_checkpoints ORDER BY tree_size").fetchall()


def test_one_key_signs_the_shared_log_and_every_instance_verifies_every_checkpoint(instances, upstream):
    """Checkpoints live in the store: whichever instance signs one, every instance takes it in and
    `audit verify` anywhere checks them all against the one published key. A checkpoint planted in
    the store that is not of this log stops every instance from building on it, and says so."""
    probe = "shck" + _letters(8)
    for name in "ab":
        result = clients.psql(instances[name].dsn("shop"), f"SELECT '{probe}{name}'")
        assert result.returncode == 0, result.stderr
    shared = instances.shared_log()
    assert ledger.wait_until(lambda: _stored_checkpoints(instances.store) and
                             _stored_checkpoints(instances.store)[-1][0] == shared.size(), timeout=20)
    keys = {instances[name].verifier_key() for name in "abc"}
    assert len(keys) == 1, keys
    stored = _stored_checkpoints(instances.store)
    # c carried no traffic: what it verifies, others signed (ground truth: the store's rows).
    verified = instances["c"].audit("verify", "--key", keys.pop())
    assert verified.returncode == 0, verified.stdout + verified.stderr
    counted = int(re.search(r"(\d+) stored checkpoint\(s\)", verified.stdout).group(1))
    assert counted >= 1 and {by for _, _, by in stored} - {"c"}, (verified.stdout, stored)

    # A planted checkpoint for a size the log is about to reach, with another root.
    size, note, _ = stored[-1]
    lines = note.split("\n")
    forged_root = base64.b64encode(bytes(32)).decode()
    planted = size + 3
    with psycopg.connect(_store_dsn(instances.store), autocommit=True) as conn:
        conn.execute("INSERT INTO gatehouse_ledger_checkpoints VALUES (%s, %s, %s, 'mallory')",
                     (planted, "\n".join([lines[0], str(planted), forged_root] + lines[3:]), "2026-01-01T00:00:00.000Z"))
    for n in range(6):
        assert clients.psql(instances["a"].dsn("shop"), f"SELECT '{probe}{n}'").returncode == 0
    def refused():
        status, body = _readiness(instances["b"], detail=True)
        return body if status == 503 and not body["checks"]["checkpoints"]["ok"] else None
    body = ledger.wait_until(refused, timeout=20)
    detail = body and body["checks"]["checkpoints"]["detail"]
    assert detail and f"tree size {planted}" in detail and "root hash is not the log" in detail, body
    # Nobody signs past it: every instance's next checkpoint would chain onto a tree the log is not.
    time.sleep(2)
    assert not [s for s, _, by in _stored_checkpoints(instances.store) if s > planted], _stored_checkpoints(instances.store)


def test_retention_is_applied_by_one_instance_at_a_time(instances):
    """Retention runs on every instance (at start, then hourly); with a shared store one instance at
    a time applies it, under a lock in the store, so an expired session gets one erasure event and
    not one per instance. Here the test holds the lock itself, as a busy instance would."""
    for name in "ab":
        assert clients.psql(instances[name].dsn("shop_masked"), "SELECT email FROM customers LIMIT 1").returncode == 0
    instances.stop()
    with psycopg.connect(_store_dsn(instances.store), autocommit=True) as conn:
        expired = [row[0] for row in conn.execute(
            "UPDATE gatehouse_ledger_data_keys SET created_at = '2001-01-01T00:00:00.000Z' WHERE wrapped IS NOT NULL RETURNING key_id")]
    assert len(expired) >= 2
    shared = instances.shared_log()

    def retention_erasures():
        return [e for e in shared.events() if e.kind == "erasure" and e.payload["scope"] == "retention"]
    with psycopg.connect(_store_dsn(instances.store), autocommit=True) as holder:
        assert holder.execute("SELECT pg_try_advisory_lock(7284041)").fetchone() == (True,)
        instances["a"].start()
        time.sleep(3)
        # Held elsewhere: a applied nothing, every key is still there.
        assert retention_erasures() == [], retention_erasures()
        assert all(shared.wrapped_keys()[key] is not None for key in expired)
    # Released: the next instance to start applies it, once, and the one after finds nothing due.
    instances["b"].start()
    assert ledger.wait_until(lambda: retention_erasures(), timeout=20), instances["b"].output()
    instances["c"].start()
    time.sleep(3)
    (erasure,) = retention_erasures()
    assert set(expired) <= set(erasure.payload["sessions"])
    assert all(shared.wrapped_keys()[key] is None for key in expired)
