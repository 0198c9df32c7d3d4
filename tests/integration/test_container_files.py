"""The container image and the Compose quick-start (docs/container.md), checked offline: no
registry is reachable here, so the files are linted and validated against the Compose
specification's schema, and the quick-start's configuration and upstream roles are checked against
the binary itself. scripts/container-proof.sh builds and runs the image with podman (too slow for CI)."""

import os
import subprocess

import yaml

from harness.gateway import REPO_ROOT, binary


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=REPO_ROOT, **kwargs)


def test_the_dockerfiles_pass_hadolint():
    for path in ("Dockerfile", "deploy/podman/Containerfile.swift-builder"):
        linted = run(["hadolint", "--no-color", path])
        assert linted.returncode == 0, f"{path}\n{linted.stdout}{linted.stderr}"


def test_the_image_runs_as_a_non_root_user_with_a_health_check():
    with open(os.path.join(REPO_ROOT, "Dockerfile")) as f:
        text = f.read()
    stages = [line for line in text.splitlines() if line.startswith("FROM ")]
    assert len(stages) == 2 and stages[-1] == "FROM ${RUNTIME_IMAGE}", stages
    runtime = text[text.rindex("FROM "):]
    assert "USER 10001:10001" in runtime and "HEALTHCHECK" in runtime and "/readyz" in runtime
    assert "COPY --from=build /out/ /opt/gatehouse/" in runtime  # the binary and its resources, nothing else


def test_compose_yaml_follows_the_compose_specification():
    checked = run(["check-jsonschema", "--builtin-schema", "vendor.compose-spec", "compose.yaml"])
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_quick_start_configuration_checks_and_its_upstream_roles_are_what_db_setup_prints():
    with open(os.path.join(REPO_ROOT, "compose.yaml")) as f:
        compose = yaml.safe_load(f)
    password = compose["services"]["upstream"]["environment"]["GATEHOUSE_AGENT_PASSWORD"]
    assert compose["services"]["gatehouse"]["environment"]["GATEHOUSE_AGENT_PASSWORD"] == password
    config = os.path.join(REPO_ROOT, "deploy/compose/gatehouse.yaml")
    env = {**os.environ, "GATEHOUSE_AGENT_PASSWORD": password}
    checked = run([binary(), "check-config", "--offline", config], env=env)
    assert checked.returncode == 0 and "OK" in checked.stdout, checked.stdout + checked.stderr
    printed = run([binary(), "db-setup", "--config", config, "--connection", "shop"], env=env)
    assert printed.returncode == 0, printed.stderr
    with open(os.path.join(REPO_ROOT, "deploy/compose/upstream-roles.sql")) as f:
        assert f.read() == printed.stdout, "deploy/compose/upstream-roles.sql is stale: regenerate it with gatehouse db-setup"
