"""The hooks of `.pre-commit-hooks.yaml`, run on staged files the way pre-commit runs them, and
every configuration docs/pre-commit.md documents, run by pre-commit itself: wirelint's own hook
installed from a release tag (built from source), and the two local hooks that need no Rust."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from identify.identify import tags_from_path
from pre_commit.clientlib import load_manifest

from helpers import (
    CONCISE_LINE,
    REPOSITORY_ROOT,
    Distributions,
    Run,
    git,
    project_version,
    rustless_environment,
    wirelint_environment,
    write,
)

MANIFEST = REPOSITORY_ROOT / ".pre-commit-hooks.yaml"

# WL203 on line 4: no fix.
MISSING_TIMEOUT = """\
import requests


requests.get("https://example.com")
"""

# WL201 on line 5: a safe fix turns the number into an `httpx.Timeout`.
SCALAR_TIMEOUT = """\
import httpx


def fetch(url: str) -> httpx.Response:
    return httpx.get(url, timeout=5)
"""
SCALAR_TIMEOUT_FIXED = """\
import httpx


def fetch(url: str) -> httpx.Response:
    return httpx.get(url, timeout=httpx.Timeout(5, connect=5, read=5, write=5, pool=5))
"""

CLEAN = """\
def add(a: int, b: int) -> int:
    return a + b
"""

# A staged project: one finding in `app.py`, the same finding in a default-excluded directory
# (`build`) and in an `extend-exclude`d one (`generated`), and files the hooks' types leave out
# (wirelint would report WL001 on them if pre-commit passed them).
PROJECT = {
    "pyproject.toml": '[tool.wirelint]\nextend-exclude = ["generated"]\n',
    "README.md": "# Demo\n\nRun `python app.py`.\n",
    "app.py": MISSING_TIMEOUT,
    "clean.py": CLEAN,
    "stubs/api.pyi": "def fetch(url: str) -> bytes: ...\n",
    "build/lib/app.py": MISSING_TIMEOUT,
    "generated/client.py": MISSING_TIMEOUT,
}
EXCLUDED = ("build/lib/app.py", "generated/client.py")


def hook(hook_id: str) -> dict[str, Any]:
    """The hook `hook_id` as pre-commit's own loader reads it, with pre-commit's defaults."""
    hooks = {entry["id"]: entry for entry in load_manifest(str(MANIFEST))}
    return hooks[hook_id]


def staged_repository(root: Path, files: dict[str, str]) -> Path:
    """A new git repository in `root` holding `files`, every one staged."""
    git(root, "-c", "init.defaultBranch=main", "init", "--quiet")
    for name, content in files.items():
        write(root / name, content)
    git(root, "add", "--all")
    return root


def files_for_hook(repository: Path, selected_hook: dict[str, Any]) -> list[str]:
    """The staged files pre-commit hands to the hook: its `files` / `exclude` patterns and its
    `types` (all of them), `types_or` (any of them) and `exclude_types` (none of them)."""
    staged = git(repository, "diff", "--staged", "--name-only", "-z").stdout.split("\0")
    include = re.compile(selected_hook["files"])
    exclude = re.compile(selected_hook["exclude"])
    every_type = set(selected_hook["types"])
    any_type = set(selected_hook["types_or"])
    no_type = set(selected_hook["exclude_types"])
    chosen = []
    for name in filter(None, staged):
        tags = tags_from_path(str(repository / name))
        if (
            include.search(name)
            and not exclude.search(name)
            and every_type <= tags
            and (not any_type or tags & any_type)
            and not tags & no_type
        ):
            chosen.append(name)
    return sorted(chosen)


def run_hook(
    run: Run, repository: Path, selected_hook: dict[str, Any], files: list[str]
) -> subprocess.CompletedProcess[str]:
    """Runs `entry + args + files` in the repository's root, as pre-commit does."""
    command = [*shlex.split(selected_hook["entry"]), *selected_hook["args"], *files]
    assert command[0] == "wirelint", command
    return run(*command[1:], cwd=repository)


def findings(stdout: str) -> list[tuple[str, str]]:
    """(path, code) of every concise diagnostic line, in output order."""
    found = []
    for line in stdout.splitlines():
        match = CONCISE_LINE.match(line)
        if match:
            found.append((match["path"].replace(os.sep, "/"), match["code"]))
    return found


# --- the manifest ------------------------------------------------------------------------------


def test_pre_commit_validates_the_manifest(tmp_path: Path) -> None:
    def validate(manifest: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "validate-manifest", str(manifest)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    result = validate(MANIFEST)
    assert result.returncode == 0, result.stdout + result.stderr
    # The validator does reject a broken manifest: the same one with a misspelt language.
    broken = write(
        tmp_path / "broken.yaml",
        MANIFEST.read_text(encoding="utf-8").replace("language: python", "language: pyhton"),
    )
    assert validate(broken).returncode != 0


@pytest.mark.parametrize(
    ("hook_id", "entry"),
    [
        ("wirelint", "wirelint check --force-exclude"),
        ("wirelint-fix", "wirelint check --force-exclude --fix"),
    ],
)
def test_hook_definition(hook_id: str, entry: str) -> None:
    selected_hook = hook(hook_id)
    assert selected_hook["entry"] == entry
    assert selected_hook["language"] == "python"
    assert selected_hook["types_or"] == ["python", "pyi"]
    assert selected_hook["args"] == []
    assert selected_hook["pass_filenames"] is True
    assert selected_hook["require_serial"] is True


# --- the check hook ----------------------------------------------------------------------------


def test_check_hook_fails_on_findings_and_skips_excluded_files(run: Run, tmp_path: Path) -> None:
    repository = staged_repository(tmp_path, PROJECT)
    check_hook = hook("wirelint")
    files = files_for_hook(repository, check_hook)
    # pre-commit passes the excluded files too (but not README.md or pyproject.toml) ...
    assert files == [
        "app.py",
        "build/lib/app.py",
        "clean.py",
        "generated/client.py",
        "stubs/api.pyi",
    ]
    result = run_hook(run, repository, check_hook, files)
    # ... and `--force-exclude` keeps them out.
    assert result.returncode == 1, result.stderr
    assert findings(result.stdout) == [("app.py", "WL203")]

    # Without `--force-exclude`, the same file list reports the excluded files as well.
    without_flag = dict(check_hook, entry="wirelint check")
    reported = findings(run_hook(run, repository, without_flag, files).stdout)
    assert sorted(reported) == [
        ("app.py", "WL203"),
        ("build/lib/app.py", "WL203"),
        ("generated/client.py", "WL203"),
    ]

    # The run leaves nothing untracked behind (the cache ignores itself).
    status = git(repository, "status", "--porcelain", "--untracked-files=all").stdout
    assert [line for line in status.splitlines() if line.startswith("??")] == []


def test_check_hook_passes_on_clean_files(run: Run, tmp_path: Path) -> None:
    project = {name: content for name, content in PROJECT.items() if name != "app.py"}
    repository = staged_repository(tmp_path, project)
    check_hook = hook("wirelint")
    result = run_hook(run, repository, check_hook, files_for_hook(repository, check_hook))
    assert result.returncode == 0, result.stdout + result.stderr
    assert findings(result.stdout) == []


def test_check_hook_passes_when_only_excluded_files_are_staged(run: Run, tmp_path: Path) -> None:
    repository = staged_repository(
        tmp_path,
        {name: PROJECT[name] for name in ("pyproject.toml", *EXCLUDED)},
    )
    check_hook = hook("wirelint")
    files = files_for_hook(repository, check_hook)
    assert files == list(EXCLUDED)
    result = run_hook(run, repository, check_hook, files)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the fix hook ------------------------------------------------------------------------------


def test_fix_hook_rewrites_fixable_files_and_fails_on_the_rest(run: Run, tmp_path: Path) -> None:
    repository = staged_repository(
        tmp_path,
        {
            "pyproject.toml": PROJECT["pyproject.toml"],
            "scalar.py": SCALAR_TIMEOUT,
            "generated/scalar.py": SCALAR_TIMEOUT,
        },
    )
    fix_hook = hook("wirelint-fix")
    result = run_hook(run, repository, fix_hook, files_for_hook(repository, fix_hook))
    # Everything left is fixed, so wirelint itself exits 0; pre-commit fails the hook because
    # the work tree now differs from the index.
    assert result.returncode == 0, result.stdout + result.stderr
    assert (repository / "scalar.py").read_text(encoding="utf-8") == SCALAR_TIMEOUT_FIXED
    assert git(repository, "diff", "--name-only").stdout.split() == ["scalar.py"]
    # The excluded file is left alone.
    assert (repository / "generated/scalar.py").read_text(encoding="utf-8") == SCALAR_TIMEOUT

    # A finding with no fix still fails the hook.
    write(repository / "app.py", MISSING_TIMEOUT)
    git(repository, "add", "--all")
    result = run_hook(run, repository, fix_hook, files_for_hook(repository, fix_hook))
    assert result.returncode == 1, result.stderr
    assert findings(result.stdout) == [("app.py", "WL203")]


# --- the configurations docs/pre-commit.md documents, run by pre-commit itself ----------------

DOCS = REPOSITORY_ROOT / "docs" / "pre-commit.md"
# The docs cannot name wirelint's repository (it has no public address yet); the tests put a
# local clone in its place.
REPOSITORY_PLACEHOLDER = "<wirelint's repository URL>"
COMMIT_HASH = re.compile(r"^[0-9a-f]{40}$")
FENCED_YAML = re.compile(r"^```yaml\n(.*?)^```$", flags=re.MULTILINE | re.DOTALL)


def documented_configs() -> list[str]:
    """Every YAML block of docs/pre-commit.md, in order."""
    return FENCED_YAML.findall(DOCS.read_text(encoding="utf-8"))


def documented_config(
    *, repo: str, hook_id: str, language: str | None = None, commit_pin: bool = False
) -> str:
    """The one documented configuration with this `repo` (the placeholder for wirelint's own),
    hook id, (for local hooks) language, and (for wirelint's own) `rev` a commit hash or not."""
    chosen = []
    for text in documented_configs():
        (entry,) = yaml.safe_load(text)["repos"]
        (selected_hook,) = entry["hooks"]
        if (
            entry["repo"] == repo
            and selected_hook["id"] == hook_id
            and selected_hook.get("language") == language
            and bool(COMMIT_HASH.match(str(entry.get("rev")))) == commit_pin
        ):
            chosen.append(text)
    assert len(chosen) == 1, f"{len(chosen)} documented configurations for {repo}, {hook_id}"
    return chosen[0]


def git_clone(source: Path, destination: Path) -> Path:
    """A clone of `source`'s current commit (what a user's pre-commit fetches)."""
    git(source, "clone", "--quiet", str(source), str(destination))
    return destination


def tag_release(repository: Path, version: str) -> None:
    """Tags the current commit as docs/releasing.md says: an annotated `vX.Y.Z`."""
    git(
        repository,
        "-c",
        "user.name=wirelint tests",
        "-c",
        "user.email=tests@wirelint.invalid",
        "tag",
        "-a",
        f"v{version}",
        "-m",
        f"wirelint {version}",
    )


def pre_commit(
    repository: Path, *args: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """`pre-commit ARGS...` run in `repository` by the pre-commit the test suite installs."""
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repository,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=900,
        check=False,
    )


def consumer_repository(root: Path, config: str) -> Path:
    """A project that uses wirelint through pre-commit: `config` and one staged finding."""
    root.mkdir()
    return staged_repository(root, {".pre-commit-config.yaml": config, "app.py": MISSING_TIMEOUT})


def test_every_documented_configuration_is_valid(tmp_path: Path) -> None:
    configs = documented_configs()
    assert len(configs) == 5, "the docs show five configurations"
    for index, text in enumerate(configs):
        config = write(
            tmp_path / f"config{index}.yaml",
            text.replace(REPOSITORY_PLACEHOLDER, str(REPOSITORY_ROOT)),
        )
        result = pre_commit(tmp_path, "validate-config", str(config), env=wirelint_environment())
        assert result.returncode == 0, text + result.stdout + result.stderr


def test_the_documented_pins_name_the_current_version() -> None:
    version = project_version()
    for hook_id in ["wirelint", "wirelint-fix"]:
        config = yaml.safe_load(documented_config(repo=REPOSITORY_PLACEHOLDER, hook_id=hook_id))
        revs = [entry["rev"] for entry in config["repos"]]
        assert revs == [f"v{version}"], hook_id
    wheel_hook = yaml.safe_load(
        documented_config(repo="local", hook_id="wirelint", language="python")
    )["repos"][0]["hooks"][0]
    assert wheel_hook["additional_dependencies"] == [f"wirelint=={version}"]


def source_build_environment(home: Path) -> dict[str, str]:
    """The environment for installing wirelint's own hook, which builds wirelint from source:
    pre-commit's cache in `home`, and the build kept cheap (the dev profile, in the checkout's
    target directory where `cargo test` left the dependencies compiled)."""
    return wirelint_environment(
        PRE_COMMIT_HOME=str(home),
        CARGO_TARGET_DIR=str(REPOSITORY_ROOT / "target"),
        MATURIN_PEP517_ARGS="--profile dev",
    )


def test_the_documented_hooks_install_from_the_release_tag_and_run(tmp_path: Path) -> None:
    upstream = git_clone(REPOSITORY_ROOT, tmp_path / "upstream")
    version = project_version()
    environment = source_build_environment(tmp_path / "pre-commit-home")
    check_config = documented_config(repo=REPOSITORY_PLACEHOLDER, hook_id="wirelint")
    consumer = consumer_repository(
        tmp_path / "consumer", check_config.replace(REPOSITORY_PLACEHOLDER, str(upstream))
    )

    # Until the release is tagged, the documented `rev` does not exist (the failure users met).
    untagged = pre_commit(consumer, "run", "--color", "never", env=environment)
    assert untagged.returncode != 0
    assert f"v{version}" in untagged.stdout + untagged.stderr
    assert "app.py:" not in untagged.stdout

    tag_release(upstream, version)
    tagged = pre_commit(consumer, "run", "--color", "never", env=environment)
    assert tagged.returncode == 1, tagged.stdout + tagged.stderr
    assert re.search(r"^wirelint\.+Failed$", tagged.stdout, flags=re.MULTILINE), tagged.stdout
    assert findings(tagged.stdout) == [("app.py", "WL203")]

    # The fix hook from the same tag reuses the environment pre-commit built for it.
    fix_config = documented_config(repo=REPOSITORY_PLACEHOLDER, hook_id="wirelint-fix")
    write(
        consumer / ".pre-commit-config.yaml",
        fix_config.replace(REPOSITORY_PLACEHOLDER, str(upstream)),
    )
    write(consumer / "scalar.py", SCALAR_TIMEOUT)
    git(consumer, "add", "--all")
    fixed = pre_commit(consumer, "run", "--color", "never", env=environment)
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    assert "Installing environment" not in fixed.stdout + fixed.stderr
    assert "files were modified by this hook" in fixed.stdout
    assert (consumer / "scalar.py").read_text(encoding="utf-8") == SCALAR_TIMEOUT_FIXED


def test_a_commit_pin_moves_to_the_release_tag_with_autoupdate(tmp_path: Path) -> None:
    upstream = git_clone(REPOSITORY_ROOT, tmp_path / "upstream")
    head = git(upstream, "rev-parse", "HEAD").stdout.strip()
    environment = wirelint_environment(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    documented = documented_config(repo=REPOSITORY_PLACEHOLDER, hook_id="wirelint")
    pinned = documented_config(repo=REPOSITORY_PLACEHOLDER, hook_id="wirelint", commit_pin=True)
    placeholder_hash = yaml.safe_load(pinned)["repos"][0]["rev"]
    config = pinned.replace(REPOSITORY_PLACEHOLDER, str(upstream)).replace(placeholder_hash, head)
    consumer = consumer_repository(tmp_path / "consumer", config)

    # Before the first tag, the newest commit is as new as it gets.
    result = pre_commit(consumer, "autoupdate", env=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        yaml.safe_load((consumer / ".pre-commit-config.yaml").read_text())["repos"][0]["rev"]
        == head
    )

    # Once the release is tagged, autoupdate moves to the tag (checking that the hook exists
    # there) and the configuration becomes the documented one.
    tag_release(upstream, project_version())
    result = pre_commit(consumer, "autoupdate", env=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    updated = yaml.safe_load((consumer / ".pre-commit-config.yaml").read_text())
    assert updated == yaml.safe_load(documented.replace(REPOSITORY_PLACEHOLDER, str(upstream)))


def virtualenv_bundled_wheels() -> Path:
    """The directory of pip and setuptools wheels that virtualenv (pre-commit's) ships."""
    from virtualenv.seed.wheels.embed import BUNDLE_FOLDER

    return Path(BUNDLE_FOLDER)


def test_the_local_wheel_hook_installs_without_rust(
    distributions: Distributions, tmp_path: Path
) -> None:
    config = documented_config(repo="local", hook_id="wirelint", language="python")
    consumer = consumer_repository(tmp_path / "consumer", config)
    # A package index that holds wirelint's wheel and sdist, and the setuptools that the
    # placeholder package pre-commit builds for a local hook needs; no Rust program on PATH,
    # so building the sdist instead of installing the wheel would fail.
    environment = rustless_environment(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=f"{distributions.wheel.parent} {virtualenv_bundled_wheels()}",
    )
    result = pre_commit(consumer, "run", "--color", "never", env=environment)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"^wirelint\.+Failed$", result.stdout, flags=re.MULTILINE), result.stdout
    assert findings(result.stdout) == [("app.py", "WL203")]


def test_the_local_system_hook_runs_the_wirelint_on_path(
    wheel_scripts: Path, tmp_path: Path
) -> None:
    config = documented_config(repo="local", hook_id="wirelint", language="system")
    consumer = consumer_repository(tmp_path / "consumer", config)
    home = str(tmp_path / "pre-commit-home")
    # wirelint installed from the wheel, as a project's development requirements would.
    environment = rustless_environment(
        Path(sys.executable).parent, wheel_scripts, PRE_COMMIT_HOME=home
    )
    result = pre_commit(consumer, "run", "--color", "never", env=environment)
    assert result.returncode == 1, result.stdout + result.stderr
    assert findings(result.stdout) == [("app.py", "WL203")]

    # The documented trade-off: without wirelint on PATH the hook cannot run.
    bare = rustless_environment(Path(sys.executable).parent, PRE_COMMIT_HOME=home)
    bare["PATH"] = os.pathsep.join(
        entry
        for entry in bare["PATH"].split(os.pathsep)
        if not os.access(os.path.join(entry, "wirelint"), os.X_OK)
    )
    missing = pre_commit(consumer, "run", "--color", "never", env=bare)
    assert missing.returncode != 0
    assert "Executable `wirelint` not found" in missing.stdout
