"""`wirelint server` under stress, with a real LSP client (pytest-lsp's) over stdio: garbage
on the wire, unknown methods and bad parameters, the shutdown/exit protocol and its exit
codes, bursts of edits, and huge or deeply nested buffers (which must come out as
`wirelint check` reports them). Also: the Python entry points start the server."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams, JsonRpcInvalidRequest, JsonRpcMethodNotFound

from helpers import CONCISE_LINE, Run, wirelint_environment
from lsp_session import TIMEOUT, StartSession, codes

pytestmark = pytest.mark.asyncio

CALL = "import requests\n\nrequests.get(url)\n"


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def test_garbage_unknown_methods_and_bad_params_get_errors_and_it_keeps_serving(
    start_session: StartSession, tmp_path: Path
) -> None:
    session = await start_session(folders=[tmp_path])
    stdin = session.process.stdin
    assert stdin is not None
    # What pygls cannot send, written to the server's input between its messages.
    stdin.write(frame(b"{this is not json"))
    stdin.write(b"no header here\r\n\r\n")
    stdin.write(frame(b"[1, 2, 3]"))
    stdin.write(frame(b"\xff\xfe\x00garbage"))
    stdin.write(frame(b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": 5}'))
    await stdin.drain()

    with pytest.raises(JsonRpcMethodNotFound):
        await session.client.protocol.send_request_async("wirelint/doesNotExist", {})
    with pytest.raises(JsonRpcInvalidParams):
        await session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="wirelint.applyAutofix", arguments=[42])
        )
    with pytest.raises(JsonRpcInvalidParams):
        await session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="wirelint.noSuchCommand")
        )
    with pytest.raises(JsonRpcInvalidRequest):
        await session.client.initialize_async(
            types.InitializeParams(capabilities=types.ClientCapabilities())
        )

    await session.until(
        lambda: (
            sum("malformed input" in m.message for m in session.client.log_messages) >= 4
            and any("didOpen" in m.message for m in session.client.log_messages)
        ),
        "the server to log the garbage",
    )
    assert session.process.returncode is None
    uri = (tmp_path / "client.py").as_uri()
    session.open(uri, CALL)
    assert codes(await session.diagnostics(uri, version=1)) == ["WL203"]
    assert await session.close() == 0


def read_frames(output: bytes) -> list[dict[str, Any]]:
    """Every message in the server's output, checking the framing."""
    messages = []
    while output:
        header, _, rest = output.partition(b"\r\n\r\n")
        assert header.startswith(b"Content-Length: "), header
        length = int(header.split(b": ")[1])
        messages.append(json.loads(rest[:length]))
        output = rest[length:]
    return messages


async def test_error_responses_on_the_wire(wirelint_executable: str, tmp_path: Path) -> None:
    """The answers to garbage, byte for byte as the client reads them: a parse error has a
    `null` id, an invalid request keeps its id, bad parameters are reported as such."""
    messages = [
        frame(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover"}).encode()),
        frame(
            json.dumps(
                {"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": {"capabilities": {}}}
            ).encode()
        ),
        frame(b"{oops"),
        frame(b'{"jsonrpc": "2.0", "id": 3, "method": 42}'),
        frame(
            json.dumps(
                {"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": [1]}
            ).encode()
        ),
        frame(json.dumps({"jsonrpc": "2.0", "id": 5, "method": "shutdown"}).encode()),
        frame(json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode()),
    ]
    process = await asyncio.create_subprocess_exec(
        wirelint_executable,
        "server",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=tmp_path,
        env=wirelint_environment(),
    )
    output, _ = await asyncio.wait_for(process.communicate(b"".join(messages)), TIMEOUT)
    assert process.returncode == 0
    responses = [message for message in read_frames(output) if "method" not in message]
    errors = [(r["id"], r["error"]["code"]) for r in responses if "error" in r]
    assert errors == [(1, -32002), (None, -32700), (3, -32600), (4, -32602)]
    assert [r["id"] for r in responses if "result" in r] == [2, 5]


async def test_requests_after_shutdown_are_refused_and_exit_is_0(
    start_session: StartSession, tmp_path: Path
) -> None:
    session = await start_session(folders=[tmp_path])
    await session.client.shutdown_async(None)
    with pytest.raises(JsonRpcInvalidRequest):
        await session.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=(tmp_path / "a.py").as_uri()),
                position=types.Position(line=0, character=0),
            )
        )
    session.client.exit(None)
    assert await asyncio.wait_for(session.process.wait(), TIMEOUT) == 0


async def test_exit_without_shutdown_is_1(start_session: StartSession, tmp_path: Path) -> None:
    session = await start_session(folders=[tmp_path])
    session.client.exit(None)
    assert await asyncio.wait_for(session.process.wait(), TIMEOUT) == 1


async def test_closing_the_input_without_exit_ends_the_server(
    start_session: StartSession, tmp_path: Path
) -> None:
    session = await start_session(folders=[tmp_path])
    stdin = session.process.stdin
    assert stdin is not None
    stdin.close()
    assert await asyncio.wait_for(session.process.wait(), TIMEOUT) == 1


async def test_a_burst_of_edits_ends_with_the_last_version_and_never_goes_back(
    start_session: StartSession, tmp_path: Path
) -> None:
    session = await start_session(folders=[tmp_path])
    uri = (tmp_path / "client.py").as_uri()
    body = "".join(f"requests.get(url{n}, timeout=(1, 2))\n" for n in range(2000))
    session.open(uri, "import requests\n" + body)
    for version in range(2, 102):
        # Each version moves the one finding to another line.
        calls = body.replace(f"url{version}, timeout=(1, 2)", f"url{version}")
        session.replace(uri, "import requests\n" + calls)
    [last] = await session.diagnostics(uri, version=101)
    assert last.range.start.line == 102
    versions = [p.version for p in session.published if p.uri == uri]
    assert versions == sorted(versions), versions


async def concise_findings(run: Run, source: str, cwd: Path) -> list[tuple[str, int, int]]:
    result = run("check", "--no-cache", "--stdin-filename", "big.py", "-", stdin=source, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    found = []
    for line in result.stdout.splitlines():
        match = CONCISE_LINE.match(line)
        if match:
            found.append((match["code"], int(match["row"]), int(match["column"])))
    return found


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "import requests\nx = " + "(" * 50_000 + "1" + ")" * 50_000 + "\nrequests.get(u)\n",
            id="deeply-nested",
        ),
        pytest.param(
            "import requests\n"
            + "".join(
                f"def f{n}(u):\n    return requests.get(u, timeout={n % 7 + 1})\n"
                for n in range(60_000)
            ),
            id="120k-lines",
        ),
        pytest.param("import requests\ndef broken(:\n" + "requests.get(u)\n" * 3, id="broken"),
    ],
)
async def test_huge_and_deep_buffers_get_what_the_command_line_reports(
    start_session: StartSession, tmp_path: Path, run: Run, source: str
) -> None:
    expected = await concise_findings(run, source, tmp_path)
    assert expected, "the command line found nothing: the case proves nothing"
    session = await start_session(folders=[tmp_path])
    uri = (tmp_path / "big.py").as_uri()
    session.open(uri, source)
    diagnostics = await session.diagnostics(uri, version=1)
    # ASCII sources: LSP characters are the CLI's 1-based columns minus one.
    found = [
        (str(d.code), d.range.start.line + 1, d.range.start.character + 1) for d in diagnostics
    ]
    assert found == expected
    assert session.process.returncode is None


@pytest.mark.parametrize("entry", ["console-script", "python-m"])
async def test_the_python_entry_points_serve_over_stdio(
    start_session: StartSession, tmp_path: Path, wirelint_executable: str, entry: str
) -> None:
    if entry == "console-script":
        # The `wirelint` the tests run is the Python package's console script, which calls
        # the Rust command line through the extension module.
        head = Path(wirelint_executable).read_bytes()[:200]
        assert head.startswith(b"#!") and b"python" in head, head
        command = [wirelint_executable, "server"]
    else:
        command = [sys.executable, "-m", "wirelint", "server", "--stdio"]
    session = await start_session(command, folders=[tmp_path])
    uri = (tmp_path / "client.py").as_uri()
    session.open(uri, CALL)
    assert codes(await session.diagnostics(uri, version=1)) == ["WL203"]
    assert await session.close() == 0
