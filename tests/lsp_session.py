"""A real LSP client for the tests: pytest-lsp's client (pygls) driving the installed
`wirelint server` over stdio, recording what the server pushes and applying edits the way
an editor does. Nothing here knows how the server works inside."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from helpers import wirelint_environment

# How long a test waits for something the server should send.
TIMEOUT = 60.0

# A line and its ending, as LSP counts lines: they end at \n, \r\n or \r only.
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def capabilities(
    client: str = "visual-studio-code",
    *,
    encodings: list[str] | None = None,
    pull: bool = False,
) -> types.ClientCapabilities:
    """The capabilities a real client sends (recorded by pytest-lsp), adjusted: the position
    encodings it offers, and whether it pulls diagnostics (with refresh support)."""
    result = client_capabilities(client)
    if encodings is not None:
        result.general = types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind(kind) for kind in encodings]
        )
    if pull:
        assert result.text_document is not None and result.workspace is not None
        result.text_document.diagnostic = types.DiagnosticClientCapabilities()
        result.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(
            refresh_support=True
        )
    return result


@dataclass
class Session:
    """One client connected to one server process."""

    client: LanguageClient
    initialize_result: types.InitializeResult = field(
        default_factory=lambda: types.InitializeResult(capabilities=types.ServerCapabilities())
    )
    published: list[types.PublishDiagnosticsParams] = field(default_factory=list)
    applied_edits: list[types.ApplyWorkspaceEditParams] = field(default_factory=list)
    registrations: list[types.Registration] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)

    @property
    def encoding(self) -> str:
        encoding = self.initialize_result.capabilities.position_encoding
        return str(encoding.value if isinstance(encoding, types.PositionEncodingKind) else encoding)

    @property
    def process(self) -> asyncio.subprocess.Process:
        process = self.client._server
        assert process is not None
        return process

    # ---- documents ---------------------------------------------------------------------------

    def open(self, uri: str, text: str, language: str = "python") -> None:
        self.texts[uri] = text
        self.versions[uri] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id=language, version=1, text=text
                )
            )
        )

    def replace(self, uri: str, text: str) -> int:
        """Sends the whole new text; returns the new version."""
        self.versions[uri] += 1
        self.texts[uri] = text
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return self.versions[uri]

    def edit(self, uri: str, edits: list[types.TextEdit]) -> int:
        """Applies `edits` here and sends them as incremental changes (last first, so each
        range still refers to the text the server has); returns the new version."""
        ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))
        changes: list[types.TextDocumentContentChangeEvent] = []
        for text_edit in reversed(ordered):
            changes.append(
                types.TextDocumentContentChangePartial(
                    range=text_edit.range, text=text_edit.new_text
                )
            )
        self.texts[uri] = apply_edits(self.texts[uri], edits, self.encoding)
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=changes,
            )
        )
        return self.versions[uri]

    def apply_workspace_edit(self, edit: types.WorkspaceEdit) -> int:
        """Applies a workspace edit for one open document as an editor would: refusing it if
        it is pinned to another version. Returns the new version."""
        if edit.document_changes:
            [change] = edit.document_changes
            assert isinstance(change, types.TextDocumentEdit)
            uri = change.text_document.uri
            assert change.text_document.version == self.versions[uri], "stale edit"
            text_edits = [e for e in change.edits if isinstance(e, types.TextEdit)]
        else:
            assert edit.changes is not None
            [(uri, text_edits)] = edit.changes.items()
        return self.edit(uri, list(text_edits))

    # ---- waiting -----------------------------------------------------------------------------

    async def diagnostics(
        self, uri: str, version: int | None = None, after: int = 0
    ) -> list[types.Diagnostic]:
        """The diagnostics of the first publication for `uri` (of `version`, when given)
        among those from index `after` on, waiting for it."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            for published in self.published[after:]:
                if published.uri == uri and (version is None or published.version == version):
                    return list(published.diagnostics)
            if time.monotonic() > deadline:
                seen = [(p.uri, p.version, len(p.diagnostics)) for p in self.published]
                raise AssertionError(f"no diagnostics for {uri} v{version}; got {seen}")
            await asyncio.sleep(0.01)

    async def until(self, condition: Any, what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.01)

    async def close(self) -> int:
        """Shuts the server down properly if it still runs; returns its exit code."""
        if self.process.returncode is None:
            await self.client.shutdown_async(None)
            self.client.exit(None)
            await asyncio.wait_for(self.process.wait(), TIMEOUT)
        await self.client.stop()
        assert self.process.returncode is not None
        return self.process.returncode


# The `start_session` fixture (conftest.py): starts `wirelint server` (or `command`) with the
# options of `start` below; every session is shut down properly when the test ends.
StartSession = Callable[..., Awaitable[Session]]


async def start(
    command: list[str],
    *,
    client_capabilities: types.ClientCapabilities | None = None,
    folders: list[Path] | None = None,
    initialization_options: Any = None,
    configuration: dict[str, Any] | None = None,
) -> Session:
    """Starts `command` (the server), initializes it and returns the session. `configuration`
    maps a scope URI ("" for the global scope) to what `workspace/configuration` answers."""
    client = LanguageClient(converter_factory=default_converter, configuration=configuration)
    features = {
        method: handler
        for method, handler in DEFAULT_CLIENT_FEATURES.items()
        if method != types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
    }
    register_lsp_features(client, features)
    session = Session(client=client)

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(params: types.PublishDiagnosticsParams) -> None:
        session.published.append(params)

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        session.applied_edits.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        session.registrations.extend(params.registrations)

    await client.start_io(command[0], *command[1:], env=wirelint_environment())
    caps = client_capabilities if client_capabilities is not None else capabilities()
    params = types.InitializeParams(
        capabilities=caps,
        workspace_folders=[
            types.WorkspaceFolder(uri=folder.as_uri(), name=folder.name) for folder in folders or []
        ]
        or None,
        initialization_options=initialization_options,
    )
    session.initialize_result = await asyncio.wait_for(client.initialize_session(params), TIMEOUT)
    return session


def offset(text: str, position: types.Position, encoding: str) -> int:
    """The index in `text` of an LSP position in `encoding`."""
    lines = LINE.findall(text)
    if position.line >= len(lines):
        return len(text)
    start = sum(len(line) for line in lines[: position.line])
    line = lines[position.line].rstrip("\r\n")
    units = 0
    for index, character in enumerate(line):
        if units >= position.character:
            return start + index
        units += code_units(character, encoding)
    return start + len(line)


def code_units(character: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(character.encode("utf-8"))
    if encoding == "utf-16":
        return len(character.encode("utf-16-le")) // 2
    return 1


def position_of(text: str, index: int, encoding: str) -> types.Position:
    """The LSP position in `encoding` of index `index` of `text`."""
    lines = LINE.findall(text[:index])
    if not lines or lines[-1].endswith(("\n", "\r")):
        line_number, before = len(lines), ""
    else:
        line_number, before = len(lines) - 1, lines[-1]
    return types.Position(line=line_number, character=sum(code_units(c, encoding) for c in before))


def apply_edits(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    """`text` with non-overlapping `edits` applied, as an editor applies them."""
    spans = [
        (offset(text, e.range.start, encoding), offset(text, e.range.end, encoding), e.new_text)
        for e in edits
    ]
    for start, end, new_text in sorted(spans, reverse=True):
        text = text[:start] + new_text + text[end:]
    return text


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return [str(diagnostic.code) for diagnostic in diagnostics]
