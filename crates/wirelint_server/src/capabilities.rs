//! Capabilities both ways: what the client says it supports (read from the
//! raw `initialize` parameters, so a capability this crate's types do not
//! know cannot make initialization fail) and what the server offers in
//! return.

use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, DiagnosticOptions,
    DiagnosticServerCapabilities, ExecuteCommandOptions, HoverProviderCapability, OneOf,
    SaveOptions, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, WorkDoneProgressOptions,
    WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};
use serde_json::Value;

use crate::positions::PositionEncoding;

/// The command that applies every safe fix of a document, for clients
/// without source actions. Its argument is the document's URI, or an
/// object with `uri` (and optionally `version`).
pub(crate) const APPLY_AUTOFIX_COMMAND: &str = "wirelint.applyAutofix";

/// The code action kind of "fix everything".
pub(crate) const FIX_ALL_KIND: &str = "source.fixAll.wirelint";

/// What the client supports, as far as the server cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ClientFeatures {
    pub encoding: PositionEncoding,
    /// The client pulls diagnostics (`textDocument/diagnostic`) and can be
    /// told to pull again (`workspace/diagnostic/refresh`, needed when a
    /// configuration changes); otherwise we push them.
    pub pull_diagnostics: bool,
    /// `workspace/configuration`.
    pub configuration: bool,
    /// Registering `workspace/didChangeConfiguration` dynamically.
    pub configuration_registration: bool,
    /// Registering file watchers dynamically.
    pub watched_files_registration: bool,
    /// `documentChanges` (versioned edits) in a workspace edit.
    pub document_changes: bool,
    /// Markdown in hovers.
    pub hover_markdown: bool,
    /// `workspace/applyEdit`.
    pub apply_edit: bool,
}

impl ClientFeatures {
    /// Reads the features from the `initialize` request's parameters.
    pub(crate) fn from_initialize_params(params: &Value) -> Self {
        let flag = |pointer: &str| {
            params
                .pointer(&format!("/capabilities{pointer}"))
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        let encodings: Option<Vec<lsp_types::PositionEncodingKind>> = params
            .pointer("/capabilities/general/positionEncodings")
            .and_then(Value::as_array)
            .map(|kinds| {
                kinds
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|kind| lsp_types::PositionEncodingKind::from(kind.to_string()))
                    .collect()
            });
        let hover_markdown = params
            .pointer("/capabilities/textDocument/hover/contentFormat")
            .and_then(Value::as_array)
            .is_some_and(|formats| formats.iter().any(|format| format == "markdown"));
        let pulls = params
            .pointer("/capabilities/textDocument/diagnostic")
            .is_some_and(Value::is_object);
        ClientFeatures {
            encoding: PositionEncoding::negotiate(encodings.as_deref()),
            pull_diagnostics: pulls && flag("/workspace/diagnostics/refreshSupport"),
            configuration: flag("/workspace/configuration"),
            configuration_registration: flag(
                "/workspace/didChangeConfiguration/dynamicRegistration",
            ),
            watched_files_registration: flag(
                "/workspace/didChangeWatchedFiles/dynamicRegistration",
            ),
            document_changes: flag("/workspace/workspaceEdit/documentChanges"),
            hover_markdown,
            apply_edit: flag("/workspace/applyEdit"),
        }
    }

    /// What the server offers a client with these features.
    pub(crate) fn server_capabilities(&self) -> ServerCapabilities {
        let diagnostic_provider = self.pull_diagnostics.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("wirelint".to_string()),
                inter_file_dependencies: false,
                workspace_diagnostics: false,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })
        });
        ServerCapabilities {
            position_encoding: Some(self.encoding.kind()),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::from(FIX_ALL_KIND.to_string()),
                ]),
                resolve_provider: Some(false),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: vec![APPLY_AUTOFIX_COMMAND.to_string()],
                work_done_progress_options: WorkDoneProgressOptions::default(),
            }),
            diagnostic_provider,
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            ..ServerCapabilities::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_bare_client_gets_utf16_and_push_diagnostics() {
        let features = ClientFeatures::from_initialize_params(&json!({"capabilities": {}}));
        assert_eq!(features.encoding, PositionEncoding::Utf16);
        assert!(!features.pull_diagnostics && !features.configuration);
        let capabilities = serde_json::to_value(features.server_capabilities()).unwrap();
        assert_eq!(capabilities["positionEncoding"], "utf-16");
        assert!(capabilities.get("diagnosticProvider").is_none());
        assert_eq!(capabilities["textDocumentSync"]["change"], 2);
        assert_eq!(
            capabilities["executeCommandProvider"]["commands"][0],
            APPLY_AUTOFIX_COMMAND
        );
    }

    #[test]
    fn pulling_needs_refresh_support_too() {
        let pull_only = json!({"capabilities": {"textDocument": {"diagnostic": {}}}});
        assert!(!ClientFeatures::from_initialize_params(&pull_only).pull_diagnostics);
        let both = json!({"capabilities": {
            "textDocument": {"diagnostic": {}},
            "workspace": {"diagnostics": {"refreshSupport": true}},
        }});
        assert!(ClientFeatures::from_initialize_params(&both).pull_diagnostics);
    }

    #[test]
    fn features_are_read_from_the_capabilities() {
        let features = ClientFeatures::from_initialize_params(&json!({"capabilities": {
            "general": {"positionEncodings": ["utf-8", "utf-16"]},
            "textDocument": {
                "diagnostic": {"dynamicRegistration": false},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                // A value this crate's types may not know must not matter.
                "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["future.kind"]}}},
            },
            "workspace": {
                "configuration": true,
                "didChangeWatchedFiles": {"dynamicRegistration": true},
                "workspaceEdit": {"documentChanges": true},
                "diagnostics": {"refreshSupport": true},
                "applyEdit": true,
            },
        }}));
        assert_eq!(
            features,
            ClientFeatures {
                encoding: PositionEncoding::Utf8,
                pull_diagnostics: true,
                configuration: true,
                configuration_registration: false,
                watched_files_registration: true,
                document_changes: true,
                hover_markdown: true,
                apply_edit: true,
            }
        );
        let capabilities = serde_json::to_value(features.server_capabilities()).unwrap();
        assert_eq!(capabilities["positionEncoding"], "utf-8");
        assert_eq!(capabilities["diagnosticProvider"]["identifier"], "wirelint");
    }
}
