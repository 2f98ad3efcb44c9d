"""`wirelint server` end to end with a real LSP client (pytest-lsp's, from pygls), over stdio
against the installed `wirelint` console script: diagnostics pushed and pulled, ranges in
UTF-16 and UTF-8 on lines with emoji, incremental edits, quick fix / noqa / fix-all edits
applied and re-linted, hover, configuration files and client settings, exclusions, and
several workspace folders."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from lsprotocol import types

from helpers import wirelint_environment, write
from lsp_session import Session, StartSession, apply_edits, capabilities, codes, position_of

pytestmark = pytest.mark.asyncio

CALL = "import requests\n\nrequests.get(url)\n"
SCALAR = "import requests\n\nrequests.get(url, timeout=5)\n"


def uri_of(path: Path) -> str:
    return path.as_uri()


async def code_actions(
    session: Session,
    uri: str,
    diagnostics: list[types.Diagnostic],
    only: list[types.CodeActionKind] | None = None,
) -> list[types.CodeAction]:
    whole = types.Range(start=types.Position(line=0, character=0), end=diagnostics[0].range.end)
    result = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostics[0].range if only is None else whole,
            context=types.CodeActionContext(diagnostics=diagnostics, only=only),
        )
    )
    actions = [action for action in result or [] if isinstance(action, types.CodeAction)]
    assert len(actions) == len(result or []), "commands instead of code actions"
    return actions


async def test_push_diagnostics_carry_code_source_severity_version_and_data(
    start_session: StartSession, tmp_path: Path
) -> None:
    session = await start_session(
        client_capabilities=capabilities("neovim@0.7.0"), folders=[tmp_path]
    )
    assert session.encoding == "utf-16"
    assert session.initialize_result.capabilities.diagnostic_provider is None
    assert session.initialize_result.server_info is not None
    assert session.initialize_result.server_info.name == "wirelint"
    uri = uri_of(tmp_path / "client.py")
    session.open(uri, CALL)
    [diagnostic] = await session.diagnostics(uri, version=1)
    assert diagnostic.code == "WL203"
    assert diagnostic.source == "wirelint"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.range == types.Range(
        start=types.Position(line=2, character=0), end=types.Position(line=2, character=17)
    )
    assert isinstance(diagnostic.data, dict) and diagnostic.data["version"] == 1


async def test_pull_diagnostics_are_reported_and_nothing_is_pushed(
    start_session: StartSession, tmp_path: Path
) -> None:
    session = await start_session(client_capabilities=capabilities(pull=True), folders=[tmp_path])
    provider = session.initialize_result.capabilities.diagnostic_provider
    assert isinstance(provider, types.DiagnosticOptions)
    assert provider.identifier == "wirelint"
    uri = uri_of(tmp_path / "client.py")
    session.open(uri, CALL)
    report = await session.client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert codes(list(report.items)) == ["WL203"]
    again = await session.client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            previous_result_id=report.result_id,
        )
    )
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
    session.replace(uri, CALL.replace("requests.get(url)", "requests.get(url, timeout=(1, 2))"))
    after_edit = await session.client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            previous_result_id=report.result_id,
        )
    )
    assert isinstance(after_edit, types.RelatedFullDocumentDiagnosticReport)
    assert list(after_edit.items) == []
    assert session.published == []


# A line with non-ASCII text, an emoji (two UTF-16 units, four UTF-8 bytes) and a tab before
# the call, in a file with CRLF line endings.
EMOJI = "import requests\r\n\r\nif True:\r\n\tnote = 'café 😀'; requests.get(url)\r\n"


@pytest.mark.parametrize(
    ("offered", "expected"),
    [([], "utf-16"), (["utf-16"], "utf-16"), (["utf-8", "utf-16"], "utf-8")],
)
async def test_ranges_are_exact_in_the_negotiated_encoding(
    start_session: StartSession, tmp_path: Path, offered: list[str], expected: str
) -> None:
    session = await start_session(
        client_capabilities=capabilities(encodings=offered), folders=[tmp_path]
    )
    assert session.encoding == expected
    uri = uri_of(tmp_path / "emoji.py")
    session.open(uri, EMOJI)
    [diagnostic] = await session.diagnostics(uri, version=1)
    call = EMOJI.index("requests.get(url)")
    assert diagnostic.range.start == position_of(EMOJI, call, expected)
    assert diagnostic.range.end == position_of(EMOJI, call + len("requests.get(url)"), expected)
    # The numbers themselves, counted by hand: `\tnote = 'café 😀'; ` is 18 characters, 19
    # UTF-16 units and 22 UTF-8 bytes.
    expected_character = {"utf-16": 19, "utf-8": 22}[expected]
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == (
        3,
        expected_character,
    )


async def test_utf32_is_chosen_when_the_client_prefers_it(
    start_session: StartSession, tmp_path: Path
) -> None:
    session = await start_session(client_capabilities=capabilities("emacs"), folders=[tmp_path])
    assert session.encoding == "utf-32"
    uri = uri_of(tmp_path / "emoji.py")
    session.open(uri, EMOJI)
    [diagnostic] = await session.diagnostics(uri, version=1)
    assert diagnostic.range.start == types.Position(line=3, character=18)


async def test_incremental_edits_are_applied_and_relinted(
    start_session: StartSession, tmp_path: Path
) -> None:
    session = await start_session(folders=[tmp_path])
    uri = uri_of(tmp_path / "client.py")
    session.open(uri, EMOJI)
    assert codes(await session.diagnostics(uri, version=1)) == ["WL203"]
    encoding = session.encoding
    # Insert a timeout right after `url`, on the emoji line, as an editor would.
    after_url = EMOJI.index("url)") + len("url")
    at = position_of(EMOJI, after_url, encoding)
    version = session.edit(
        uri, [types.TextEdit(range=types.Range(start=at, end=at), new_text=", timeout=5")]
    )
    [diagnostic] = await session.diagnostics(uri, version=version)
    assert diagnostic.code == "WL201"
    # Then add a second finding on a new last line, and delete the first line's import.
    end = position_of(session.texts[uri], len(session.texts[uri]), encoding)
    first_line = types.Range(
        start=types.Position(line=0, character=0), end=types.Position(line=1, character=0)
    )
    version = session.edit(
        uri,
        [
            types.TextEdit(range=types.Range(start=end, end=end), new_text="requests.post(u)\r\n"),
            types.TextEdit(range=first_line, new_text="import requests  # the HTTP client\r\n"),
        ],
    )
    found = await session.diagnostics(uri, version=version)
    assert codes(found) == ["WL201", "WL203"]
    assert found[1].range.start == types.Position(line=4, character=0)


async def test_quick_fix_then_relint_is_clean(start_session: StartSession, tmp_path: Path) -> None:
    session = await start_session(folders=[tmp_path])
    uri = uri_of(tmp_path / "client.py")
    session.open(uri, SCALAR)
    diagnostics = await session.diagnostics(uri, version=1)
    assert codes(diagnostics) == ["WL201"]
    actions = await code_actions(session, uri, diagnostics)
    titles = [action.title for action in actions]
    [fix] = [action for action in actions if action.title.startswith("WL201: ")]
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred, titles
    assert "Disable WL201 for this line" in titles
    assert fix.edit is not None
    version = session.apply_workspace_edit(fix.edit)
    assert "timeout=(5, 5)" in session.texts[uri]
    assert await session.diagnostics(uri, version=version) == []


async def test_half_typed_code_is_wl001_and_the_rest_is_still_checked(
    start_session: StartSession, tmp_path: Path
) -> None:
    session = await start_session(folders=[tmp_path])
    uri = uri_of(tmp_path / "client.py")
    session.open(uri, "import requests\n\nrequests.get(url)\n")
    assert codes(await session.diagnostics(uri, version=1)) == ["WL203"]
    version = session.replace(uri, "import requests\n\ndef fetch(url:\n\nrequests.get(url)\n")
    found = await session.diagnostics(uri, version=version)
    assert "WL001" in codes(found) and "WL203" in codes(found), codes(found)
    [call] = [d for d in found if d.code == "WL203"]
    assert call.range.start == types.Position(line=4, character=0)


UNSAFE = """import json
from pydantic import BaseModel


class User(BaseModel):
    name: str


def parse(text):
    return User.model_validate(json.loads(text))
"""


@pytest.mark.parametrize("unsafe_fixes", [False, True])
async def test_unsafe_fixes_are_offered_only_when_enabled_and_say_so(
    start_session: StartSession, tmp_path: Path, unsafe_fixes: bool
) -> None:
    session = await start_session(
        folders=[tmp_path], initialization_options={"unsafeFixes": unsafe_fixes}
    )
    uri = uri_of(tmp_path / "models.py")
    session.open(uri, UNSAFE)
    diagnostics = await session.diagnostics(uri, version=1)
    assert codes(diagnostics) == ["WL901"]
    titles = [action.title for action in await code_actions(session, uri, diagnostics)]
    fixes = [title for title in titles if title.startswith("WL901: ")]
    assert "Disable WL901 for this line" in titles
    if not unsafe_fixes:
        assert fixes == [], titles
        return
    assert len(fixes) == 1 and "(unsafe fix" in fixes[0], titles
    [fix] = [a for a in await code_actions(session, uri, diagnostics) if a.title == fixes[0]]
    assert fix.edit is not None and not fix.is_preferred
    version = session.apply_workspace_edit(fix.edit)
    assert "User.model_validate_json(text)" in session.texts[uri]
    assert await session.diagnostics(uri, version=version) == []


async def test_noqa_action_silences_the_finding_and_extends_a_directive(
    start_session: StartSession, tmp_path: Path
) -> None:
    session = await start_session(folders=[tmp_path])
    uri = uri_of(tmp_path / "client.py")
    text = "import requests\n\nrequests.get(url)  # noqa: E501\nrequests.get(url, timeout=5)\n"
    session.open(uri, text)
    diagnostics = await session.diagnostics(uri, version=1)
    assert codes(diagnostics) == ["WL203", "WL201"]
    [extend] = [
        action
        for action in await code_actions(session, uri, diagnostics[:1])
        if action.title == "Disable WL203 for this line"
    ]
    assert extend.edit is not None
    version = session.apply_workspace_edit(extend.edit)
    assert "requests.get(url)  # noqa: E501, WL203\n" in session.texts[uri]
    remaining = await session.diagnostics(uri, version=version)
    assert codes(remaining) == ["WL201"]
    [add] = [
        action
        for action in await code_actions(session, uri, remaining)
        if action.title == "Disable WL201 for this line"
    ]
    assert add.edit is not None
    version = session.apply_workspace_edit(add.edit)
    assert session.texts[uri].endswith("requests.get(url, timeout=5)  # noqa: WL201\n")
    assert await session.diagnostics(uri, version=version) == []


async def test_fix_all_source_action_and_command_fix_everything_safe(
    start_session: StartSession, tmp_path: Path
) -> None:
    session = await start_session(folders=[tmp_path])
    uri = uri_of(tmp_path / "client.py")
    text = SCALAR + "requests.post(url, timeout=7)\nrequests.get(url)\n"
    session.open(uri, text)
    diagnostics = await session.diagnostics(uri, version=1)
    assert codes(diagnostics) == ["WL201", "WL201", "WL203"]
    [fix_all] = await code_actions(
        session, uri, diagnostics, only=[types.CodeActionKind.SourceFixAll]
    )
    assert fix_all.kind == "source.fixAll.wirelint"
    assert fix_all.edit is not None
    version = session.apply_workspace_edit(fix_all.edit)
    assert codes(await session.diagnostics(uri, version=version)) == ["WL203"]

    # The command does the same for clients without source actions.
    other = uri_of(tmp_path / "other.py")
    session.open(other, text)
    await session.diagnostics(other, version=1)
    commands = session.initialize_result.capabilities.execute_command_provider
    assert commands is not None and "wirelint.applyAutofix" in commands.commands
    await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="wirelint.applyAutofix", arguments=[{"uri": other}])
    )
    await session.until(lambda: session.applied_edits, "workspace/applyEdit")
    version = session.apply_workspace_edit(session.applied_edits[0].edit)
    assert session.texts[other] == session.texts[uri]
    assert codes(await session.diagnostics(other, version=version)) == ["WL203"]


async def test_hover_on_a_noqa_code_shows_what_wirelint_rule_prints(
    start_session: StartSession, tmp_path: Path, wirelint_executable: str
) -> None:
    session = await start_session(folders=[tmp_path])
    uri = uri_of(tmp_path / "client.py")
    text = "import requests\n\nrequests.get(url, timeout=5)  # noqa: WL201\n"
    session.open(uri, text)
    await session.diagnostics(uri, version=1)
    on_code = position_of(text, text.index("WL201") + 2, session.encoding)
    hover = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=on_code)
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    printed = subprocess.run(
        [wirelint_executable, "rule", "WL201"],
        capture_output=True,
        text=True,
        check=True,
        env=wirelint_environment(),
    ).stdout
    assert printed == hover.contents.value + "\n"
    assert hover.range == types.Range(
        start=position_of(text, text.index("WL201"), session.encoding),
        end=position_of(text, text.index("WL201") + 5, session.encoding),
    )
    elsewhere = types.Position(line=2, character=3)
    assert (
        await session.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=elsewhere
            )
        )
        is None
    )


async def test_editing_pyproject_reloads_the_configuration(
    start_session: StartSession, tmp_path: Path
) -> None:
    pyproject = write(tmp_path / "pyproject.toml", "[project]\nname = 'svc'\n")
    session = await start_session(folders=[tmp_path])
    await session.until(lambda: session.registrations, "client/registerCapability")
    [watch] = [
        r for r in session.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    ]
    globs = [watcher["globPattern"] for watcher in watch.register_options["watchers"]]
    assert "**/pyproject.toml" in globs
    uri = uri_of(tmp_path / "client.py")
    session.open(uri, CALL)
    assert codes(await session.diagnostics(uri, version=1)) == ["WL203"]

    write(pyproject, "[project]\nname = 'svc'\n\n[tool.wirelint]\nignore = ['WL203']\n")
    mark = len(session.published)
    session.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    assert await session.diagnostics(uri, version=1, after=mark) == []

    # A broken configuration is shown to the user; nothing is checked under it.
    write(pyproject, "[tool.wirelint]\nselct = ['WL2']\n")
    mark = len(session.published)
    session.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    assert await session.diagnostics(uri, version=1, after=mark) == []
    await session.until(
        lambda: any("selct" in message.message for message in session.client.messages),
        "window/showMessage about the configuration",
    )


async def test_excluded_files_get_no_diagnostics(
    start_session: StartSession, tmp_path: Path
) -> None:
    write(tmp_path / "pyproject.toml", "[tool.wirelint]\nextend-exclude = ['generated']\n")
    session = await start_session(folders=[tmp_path])
    excluded = uri_of(tmp_path / "generated" / "client.py")
    checked = uri_of(tmp_path / "src" / "client.py")
    session.open(excluded, CALL)
    session.open(checked, CALL)
    assert await session.diagnostics(excluded, version=1) == []
    assert codes(await session.diagnostics(checked, version=1)) == ["WL203"]


async def test_two_workspace_folders_keep_their_own_configuration(
    start_session: StartSession, tmp_path: Path
) -> None:
    strict, lenient = tmp_path / "strict", tmp_path / "lenient"
    write(strict / "pyproject.toml", "[tool.wirelint]\nselect = ['WL2']\n")
    write(lenient / "wirelint.toml", "ignore = ['WL203']\n")
    session = await start_session(folders=[strict, lenient])
    in_strict, in_lenient = uri_of(strict / "a.py"), uri_of(lenient / "a.py")
    session.open(in_strict, CALL)
    session.open(in_lenient, CALL)
    assert codes(await session.diagnostics(in_strict, version=1)) == ["WL203"]
    assert await session.diagnostics(in_lenient, version=1) == []
    # An unsaved buffer is linted with the settings of the (first) workspace.
    session.open("untitled:Untitled-1", CALL)
    assert codes(await session.diagnostics("untitled:Untitled-1", version=1)) == ["WL203"]


async def test_client_settings_from_initialization_and_workspace_configuration(
    start_session: StartSession, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    session = await start_session(
        folders=[first, second],
        initialization_options={"severity": "error", "select": ["WL2"]},
        configuration={
            "": {"wirelint": {"extendSelect": ["WL1"]}},
            second.as_uri(): {"wirelint": {"ignore": ["WL203"], "severity": "hint"}},
        },
    )
    source = "import requests\n\nrequests.get(url)\n"
    a, b = uri_of(first / "a.py"), uri_of(second / "b.py")
    session.open(a, source)
    session.open(b, source)
    # The answer to `workspace/configuration` re-lints: wait for its effect.
    await session.until(
        lambda: any(p.uri == b and not p.diagnostics for p in session.published),
        "the second folder's settings",
    )
    [diagnostic] = await session.diagnostics(a, version=1, after=0)
    assert diagnostic.severity == types.DiagnosticSeverity.Error

    # A change of the settings is pulled again and applied.
    session.client.set_configuration({"wirelint": {"enable": False}}, scope_uri=first.as_uri())
    mark = len(session.published)
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None)
    )
    assert await session.diagnostics(a, version=1, after=mark) == []


async def test_edits_apply_on_the_client_as_computed() -> None:
    """The test client's own edit application, checked against hand-made cases."""
    text = "a\r\nb😀c\rd"
    edit = types.TextEdit(
        range=types.Range(
            start=types.Position(line=1, character=3), end=types.Position(line=2, character=0)
        ),
        new_text="X",
    )
    assert apply_edits(text, [edit], "utf-16") == "a\r\nb😀Xd"
    assert position_of(text, text.index("c"), "utf-8") == types.Position(line=1, character=5)
