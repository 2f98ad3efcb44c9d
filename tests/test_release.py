"""The release process: the changelog's shape, and the release workflow
(`.github/workflows/release.yml`), which cannot run here: validated against the GitHub workflow
schema bundled with check-jsonschema, read for the platforms and the publishing it promises,
and its tag check run as the runner would run it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from helpers import REPOSITORY_ROOT, git, project_version, rustless_path, write

CHANGELOG = REPOSITORY_ROOT / "CHANGELOG.md"
WORKFLOW = REPOSITORY_ROOT / ".github" / "workflows" / "release.yml"
BUILD_JOBS = ["linux", "macos", "windows", "sdist"]


def load_workflow(path: Path = WORKFLOW) -> dict[str, Any]:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(workflow, dict)
    # YAML 1.1 reads the key `on` as the boolean true.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if str(step.get("uses", "")).startswith(action + "@")]


def test_the_workflow_is_valid_against_the_github_workflow_schema(tmp_path: Path) -> None:
    result = validate(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    # The validator does reject a broken workflow: the same one with a misspelt key.
    broken = write(
        tmp_path / "release.yml",
        WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "runs_on:", 1),
    )
    assert validate(broken).returncode != 0


def test_it_runs_on_version_tags_and_by_hand() -> None:
    triggers = load_workflow()["on"]
    assert triggers["push"] == {"tags": ["v*"]}
    assert "workflow_dispatch" in triggers
    assert set(triggers) == {"push", "workflow_dispatch"}


def test_it_builds_wheels_for_every_promised_platform_and_the_sdist() -> None:
    jobs = load_workflow()["jobs"]
    linux = jobs["linux"]["strategy"]["matrix"]
    assert sorted(linux["target"]) == ["aarch64", "x86_64"]
    assert sorted(linux["manylinux"]) == ["manylinux2014", "musllinux_1_2"]
    macos = jobs["macos"]["strategy"]["matrix"]["include"]
    assert sorted(entry["target"] for entry in macos) == ["aarch64", "x86_64"]
    assert jobs["windows"]["runs-on"].startswith("windows")
    for name in ["linux", "macos", "windows"]:
        (build,) = steps_using(jobs[name], "PyO3/maturin-action")
        assert build["with"]["args"].split() == ["--release", "--locked", "--out", "dist"], name
    (sdist,) = steps_using(jobs["sdist"], "PyO3/maturin-action")
    assert sdist["with"]["command"] == "sdist"
    for name in BUILD_JOBS:
        (upload,) = steps_using(jobs[name], "actions/upload-artifact")
        assert upload["with"]["name"].startswith("wheels-"), name
        assert upload["with"]["path"] == "dist", name


def test_it_publishes_only_tags_with_trusted_publishing() -> None:
    workflow = load_workflow()
    assert workflow["permissions"] == {"contents": "read"}
    publish = workflow["jobs"]["publish"]
    assert publish["if"] == "startsWith(github.ref, 'refs/tags/')"
    assert sorted(publish["needs"]) == sorted(BUILD_JOBS)
    assert publish["permissions"] == {"id-token": "write"}
    (download,) = steps_using(publish, "actions/download-artifact")
    assert download["with"]["pattern"] == "wheels-*"
    assert download["with"]["merge-multiple"] is True
    (upload,) = steps_using(publish, "pypa/gh-action-pypi-publish")
    assert "with" not in upload, "trusted publishing needs no password or token"
    assert "secrets." not in WORKFLOW.read_text(encoding="utf-8")


def tag_check_script() -> str:
    (step,) = [
        step
        for step in load_workflow()["jobs"]["sdist"]["steps"]
        if step.get("name") == "The tag names the version in Cargo.toml"
    ]
    assert step["if"] == "startsWith(github.ref, 'refs/tags/')"
    script = step["run"]
    assert isinstance(script, str)
    return script


def test_the_tag_check_accepts_only_the_version_in_cargo_toml() -> None:
    version = project_version()

    def check(tag: str) -> subprocess.CompletedProcess[str]:
        # The runner runs a step's script with `bash -e` in the checkout.
        return subprocess.run(
            ["bash", "-e", "-c", tag_check_script()],
            cwd=REPOSITORY_ROOT,
            env={"GITHUB_REF_NAME": tag, "PATH": rustless_path(Path(sys.executable).parent)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    accepted = check(f"v{version}")
    assert accepted.returncode == 0, accepted.stderr
    for wrong in [version, f"v{version}.1", "v0.0.0-rc1"]:
        rejected = check(wrong)
        assert rejected.returncode != 0, wrong
        assert f"does not name version {version}" in rejected.stderr


# --- the changelog -----------------------------------------------------------------------------

RELEASE_HEADING = re.compile(r"^## (\d+)\.(\d+)\.(\d+) \((\d{4}-\d{2}-\d{2})\)$")


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def test_the_changelog_has_unreleased_changes_or_the_current_release_on_top() -> None:
    lines = CHANGELOG.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# Changelog"
    headings = [line for line in lines if line.startswith("## ")]
    assert headings, "the changelog has sections"
    unreleased = headings[0] == "## Unreleased"
    released = headings[1:] if unreleased else headings
    assert "## Unreleased" not in released, "Unreleased comes first, once"
    versions = []
    for heading in released:
        match = RELEASE_HEADING.match(heading)
        assert match, f"{heading!r} is not `## X.Y.Z (YYYY-MM-DD)`"
        versions.append(tuple(int(part) for part in match.groups()[:3]))
    assert versions == sorted(versions, reverse=True), "newest release first"
    assert len(set(versions)) == len(versions), "each release once"
    current = version_tuple(project_version())
    if versions and versions[0] == current:
        return  # The current version is released and described.
    # Otherwise the current version is the next release, being prepared under Unreleased.
    assert unreleased, f"{project_version()} has neither a section nor an Unreleased one"
    assert not versions or current > versions[0], "the version only goes up"


def test_every_release_tag_has_a_changelog_section() -> None:
    tags = git(REPOSITORY_ROOT, "tag", "--list", "v*").stdout.split()
    sections = {
        ".".join(match.groups()[:3])
        for match in map(RELEASE_HEADING.match, CHANGELOG.read_text(encoding="utf-8").splitlines())
        if match
    }
    assert {tag.removeprefix("v") for tag in tags} <= sections
