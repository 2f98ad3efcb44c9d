"""The release wheel and the sdist as users get them: the wheel's tags and manylinux
compliance, what each archive holds, the metadata, `twine check`, the sdist built in a fresh
virtualenv, and the wheel installed and run where no Rust program is on PATH."""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
import tarfile
import threading
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path
from typing import Any

import wirelint
from helpers import (
    CONCISE_LINE,
    REPOSITORY_ROOT,
    RUST_PROGRAMS,
    Distributions,
    Run,
    create_virtualenv,
    git,
    project_version,
    rustless_environment,
    wirelint_environment,
)

PACKAGE_DIRECTORY = REPOSITORY_ROOT / "python" / "wirelint"


def wheel_members(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def wheel_text(wheel: Path, member: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(member).decode("utf-8")


def wheel_metadata(wheel: Path) -> Message:
    return Parser().parsestr(wheel_text(wheel, f"wirelint-{project_version()}.dist-info/METADATA"))


def run_tool(
    *command: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env if env is not None else wirelint_environment(),
        cwd=cwd,
        timeout=900,
        check=False,
    )


# --- the wheel's tags and manylinux compliance -------------------------------------------------


def test_the_wheel_is_abi3_for_cpython_3_9_and_manylinux_2_17(distributions: Distributions) -> None:
    name, version, python_tag, abi_tag, platform_tags = distributions.wheel.stem.split("-")
    assert (name, version, python_tag, abi_tag) == ("wirelint", project_version(), "cp39", "abi3")
    machine = platform.machine()
    assert platform_tags.split(".") == [f"manylinux2014_{machine}", f"manylinux_2_17_{machine}"]
    wheel_file = Parser().parsestr(
        wheel_text(distributions.wheel, f"wirelint-{version}.dist-info/WHEEL")
    )
    assert wheel_file["Root-Is-Purelib"] == "false"
    assert sorted(wheel_file.get_all("Tag") or []) == [
        f"cp39-abi3-manylinux2014_{machine}",
        f"cp39-abi3-manylinux_2_17_{machine}",
    ]


def test_auditwheel_finds_the_wheel_consistent_with_manylinux_2_17(
    distributions: Distributions,
) -> None:
    result = run_tool(sys.executable, "-m", "auditwheel", "show", distributions.wheel)
    assert result.returncode == 0, result.stdout + result.stderr
    report = " ".join(result.stdout.split())
    machine = platform.machine()
    assert f'is consistent with the following platform tag: "manylinux_2_17_{machine}"' in report
    # The extension needs nothing but the system libraries every manylinux system has.
    assert "external shared libraries" not in report, result.stdout


# --- what the archives hold --------------------------------------------------------------------


def test_the_wheel_holds_the_package_and_nothing_else(distributions: Distributions) -> None:
    dist_info = f"wirelint-{project_version()}.dist-info"
    python_modules = {f"wirelint/{path.name}" for path in PACKAGE_DIRECTORY.glob("*.py")}
    assert {"wirelint/__init__.py", "wirelint/__main__.py"} <= python_modules
    expected = {
        *python_modules,
        "wirelint/py.typed",
        "wirelint/_core.pyi",
        "wirelint/_core.abi3.so",
        f"{dist_info}/METADATA",
        f"{dist_info}/WHEEL",
        f"{dist_info}/RECORD",
        f"{dist_info}/entry_points.txt",
        f"{dist_info}/licenses/LICENSE",
        # maturin's CycloneDX bill of materials of the Rust dependencies (PEP 770).
        f"{dist_info}/sboms/wirelint_python.cyclonedx.json",
    }
    members = wheel_members(distributions.wheel)
    assert len(members) == len(set(members)), "no member twice"
    assert sorted(members) == sorted(expected)
    licence = wheel_text(distributions.wheel, f"{dist_info}/licenses/LICENSE")
    assert licence == (REPOSITORY_ROOT / "LICENSE").read_text(encoding="utf-8")
    entry_points = wheel_text(distributions.wheel, f"{dist_info}/entry_points.txt")
    assert entry_points.split() == ["[console_scripts]", "wirelint=wirelint.__main__:main"]


def test_the_sdist_holds_every_source_file_the_build_needs(distributions: Distributions) -> None:
    root = f"wirelint-{project_version()}"
    with tarfile.open(distributions.sdist) as archive:
        members = {member.name.removeprefix(f"{root}/") for member in archive.getmembers()}
    tracked = git(REPOSITORY_ROOT, "ls-files", "crates", "python").stdout.split()
    needed = {
        path
        for path in tracked
        if path.startswith("python/")
        or "/src/" in path
        or path.endswith(("Cargo.toml", "build.rs"))
    }
    assert needed, "git lists the sources"
    assert needed - members == set()
    for top_level in [
        "PKG-INFO",
        "pyproject.toml",
        "Cargo.toml",
        "Cargo.lock",
        "LICENSE",
        "README.md",
    ]:
        assert top_level in members


# --- metadata and twine ------------------------------------------------------------------------


def test_the_metadata_describes_the_project_without_invented_urls(
    distributions: Distributions,
) -> None:
    metadata = wheel_metadata(distributions.wheel)
    assert metadata["Name"] == "wirelint"
    assert metadata["Version"] == project_version()
    assert metadata["Requires-Python"] == ">=3.9"
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert metadata["Description-Content-Type"].startswith("text/markdown")
    assert (
        metadata.get_payload().strip()
        == (REPOSITORY_ROOT / "README.md").read_text(encoding="utf-8").strip()
    )
    # No project URL exists yet, so none is declared.
    assert metadata.get_all("Project-URL") is None
    assert metadata["Home-page"] is None
    assert metadata.get_all("Requires-Dist") is None, "wirelint needs no other package"

    with tarfile.open(distributions.sdist) as archive:
        member = archive.extractfile(f"wirelint-{project_version()}/PKG-INFO")
        assert member is not None
        sdist_metadata = Parser().parsestr(member.read().decode("utf-8"))
    for field in ["Name", "Version", "Requires-Python", "License-Expression", "Summary"]:
        assert sdist_metadata[field] == metadata[field], field


def test_twine_check_passes_on_the_wheel_and_the_sdist(distributions: Distributions) -> None:
    result = run_tool(
        sys.executable, "-m", "twine", "check", "--strict", distributions.wheel, distributions.sdist
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2, result.stdout


# --- the sdist builds and installs -------------------------------------------------------------


def test_the_sdist_builds_and_installs_in_a_fresh_virtualenv(
    distributions: Distributions, tmp_path: Path
) -> None:
    scripts = create_virtualenv(tmp_path / "venv")
    # pip builds the sdist as for any user (an isolated build with maturin from the index). To
    # stay cheap it builds the dev profile in the checkout's target directory, where `cargo
    # test` left the dependencies compiled; the release profile is the wheel's business.
    build_environment = wirelint_environment(
        CARGO_TARGET_DIR=str(REPOSITORY_ROOT / "target"),
        MATURIN_PEP517_ARGS="--profile dev",
    )
    install = run_tool(
        scripts / "python",
        "-m",
        "pip",
        "install",
        "--quiet",
        distributions.sdist,
        env=build_environment,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    version = run_tool(scripts / "wirelint", "--version", cwd=tmp_path)
    assert version.stdout == f"wirelint {project_version()}\n", version.stderr
    api = run_tool(
        scripts / "python",
        "-c",
        "import wirelint; print([d.code for d in wirelint.check_source("
        "'import requests\\nrequests.get(url)\\n')])",
        cwd=tmp_path,
    )
    assert api.stdout == "['WL203']\n", api.stderr


# --- the wheel installed where there is no Rust: each door of the package, one test each --------


def test_the_wheel_installs_with_no_rust_on_path(wheel_scripts: Path) -> None:
    environment = rustless_environment(wheel_scripts)
    for program in RUST_PROGRAMS:
        assert shutil.which(program, path=environment["PATH"]) is None, program
    assert shutil.which("wirelint", path=environment["PATH"]) == str(wheel_scripts / "wirelint")


def test_the_cli_from_the_wheel_checks_the_example_service(
    wheel_scripts: Path, run: Run, tmp_path: Path
) -> None:
    shutil.copytree(REPOSITORY_ROOT / "examples", tmp_path / "examples")
    result = run_tool(
        wheel_scripts / "wirelint",
        "check",
        "examples",
        env=rustless_environment(wheel_scripts),
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    codes = {
        match["code"] for match in map(CONCISE_LINE.match, result.stdout.splitlines()) if match
    }
    assert {"WL101", "WL201", "WL203"} <= codes, result.stdout
    # The same output as the wirelint the rest of the suite runs.
    assert result.stdout == run("check", "examples", cwd=tmp_path).stdout
    version = run_tool(
        wheel_scripts / "wirelint", "--version", env=rustless_environment(wheel_scripts)
    )
    assert version.stdout == f"wirelint {project_version()}\n"


API_SCRIPT = """
import json, pathlib, sys
import wirelint
from wirelint import _core

found = wirelint.check([sys.argv[1]], select="WL2")
print(json.dumps({
    "package": wirelint.__file__,
    "extension": _core.__file__,
    "check": sorted({(pathlib.Path(d.path).name, d.code) for d in found}),
    "check_source": [d.code for d in wirelint.check_source("import requests\\nrequests.get(u)\\n")],
    "rules": len(wirelint.rules()),
}))
"""


def test_the_api_from_the_wheel_checks_files_and_source(
    wheel_scripts: Path, tmp_path: Path
) -> None:
    shutil.copytree(REPOSITORY_ROOT / "examples", tmp_path / "examples")
    result = run_tool(
        wheel_scripts / "python",
        "-c",
        API_SCRIPT,
        "examples",
        env=rustless_environment(wheel_scripts),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    venv = wheel_scripts.parent
    assert Path(report["package"]).is_relative_to(venv)
    assert Path(report["extension"]).name == "_core.abi3.so"
    assert Path(report["extension"]).is_relative_to(venv)
    assert ["ledger.py", "WL203"] in report["check"]
    assert ["provider.py", "WL201"] in report["check"]
    assert report["check_source"] == ["WL203"]
    assert report["rules"] == len(wirelint.rules())


def send_lsp(server: subprocess.Popen[bytes], payload: dict[str, Any]) -> None:
    body = json.dumps(payload).encode("utf-8")
    assert server.stdin is not None
    server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    server.stdin.flush()


def receive_lsp(server: subprocess.Popen[bytes]) -> dict[str, Any]:
    """The server's next JSON-RPC message (a watchdog kills a server that falls silent)."""
    assert server.stdout is not None
    length = None
    while (line := server.stdout.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    assert length is not None, "the server closed its output"
    message: dict[str, Any] = json.loads(server.stdout.read(length))
    return message


def test_the_server_from_the_wheel_publishes_diagnostics(
    wheel_scripts: Path, tmp_path: Path
) -> None:
    document = tmp_path / "client.py"
    document.write_text("import requests\n\nrequests.get(url)\n", encoding="utf-8")
    uri = document.as_uri()
    server = subprocess.Popen(
        [str(wheel_scripts / "wirelint"), "server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=rustless_environment(wheel_scripts),
        cwd=tmp_path,
    )
    watchdog = threading.Timer(120, server.kill)
    watchdog.start()
    try:
        send_lsp(
            server,
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}},
            },
        )
        initialize = receive_lsp(server)
        assert initialize["result"]["serverInfo"]["name"] == "wirelint", initialize
        send_lsp(server, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
        text = document.read_text(encoding="utf-8")
        send_lsp(
            server,
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didOpen",
                "params": {
                    "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}
                },
            },
        )
        while True:
            message = receive_lsp(server)
            if message.get("method") == "textDocument/publishDiagnostics":
                break
        assert message["params"]["uri"] == uri
        assert message["params"]["version"] == 1
        [diagnostic] = message["params"]["diagnostics"]
        assert (diagnostic["code"], diagnostic["source"]) == ("WL203", "wirelint")
        assert diagnostic["range"]["start"] == {"line": 2, "character": 0}
        send_lsp(server, {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
        while (message := receive_lsp(server)).get("id") != 2:
            pass
        assert message["result"] is None
        send_lsp(server, {"jsonrpc": "2.0", "method": "exit", "params": None})
        assert server.wait(timeout=60) == 0
    finally:
        watchdog.cancel()
        server.kill()
        server.communicate()
