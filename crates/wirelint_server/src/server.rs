//! The message loop: the protocol's life cycle (initialize, shutdown,
//! exit), the open documents, settings and workspace folders, and which
//! results reach the client.
//!
//! The loop never reads a document's content itself: it hands snapshots to
//! the linting thread ([`crate::worker`]) and waits for either the next
//! message or a finished job. At most one lint of a document runs at a
//! time; edits that arrive meanwhile are coalesced into one lint of the
//! newest text when it finishes. Each change of text or settings gives the
//! document a new revision, and a result is used only if it belongs to the
//! document's current revision, so diagnostics are never published for
//! anything older than the latest version.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, after, never, select, unbounded};
use lsp_server::{ErrorCode, Message, Notification, ReqQueue, Request, RequestId, Response};
use lsp_types::notification::{
    Cancel, DidChangeConfiguration, DidChangeTextDocument, DidChangeWatchedFiles,
    DidChangeWorkspaceFolders, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    LogMessage, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    ApplyWorkspaceEdit, CodeActionRequest, DocumentDiagnosticRequest, ExecuteCommand, HoverRequest,
    RegisterCapability, Request as _, WorkspaceConfiguration, WorkspaceDiagnosticRefresh,
};
use lsp_types::{
    ApplyWorkspaceEditParams, CancelParams, CodeActionParams, ConfigurationItem,
    ConfigurationParams, DidChangeConfigurationParams, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidChangeWorkspaceFoldersParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, DocumentDiagnosticParams, ExecuteCommandParams, FileSystemWatcher,
    GlobPattern, HoverParams, LogMessageParams, MessageType, NumberOrString, Registration,
    RegistrationParams, ShowMessageParams, Uri, WorkspaceFolder,
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wirelint_workspace::catch_panic;

use crate::capabilities::{APPLY_AUTOFIX_COMMAND, ClientFeatures};
use crate::document::TextDocument;
use crate::folders::Folders;
use crate::lint::{LintFn, LintResult, Snapshot};
use crate::scope::{Plan, Scope};
use crate::settings::{ClientSettings, SECTION};
use crate::transport::{Incoming, Outgoing};
use crate::uri;
use crate::worker::{self, Done, Job, Outcome, Task};

/// How many linting threads serve the documents. One keeps memory flat
/// (each thread's allocator keeps its own pages: a second one added a few
/// MiB to the peak, in `bench/lsp_bench.py`) and the answer to one edit
/// takes milliseconds; the message loop answers meanwhile either way.
const LINT_THREADS: usize = 1;

/// How long linting waits for the client's first settings
/// (`workspace/configuration`) before going on without them. Editors answer
/// in milliseconds; this only bounds a client that never does.
const SETTINGS_WAIT: Duration = Duration::from_secs(2);

/// Exit code after `exit` (or the end of input) following `shutdown`.
const EXIT_AFTER_SHUTDOWN: u8 = 0;
/// Exit code after `exit` (or the end of input) without `shutdown` first.
const EXIT_WITHOUT_SHUTDOWN: u8 = 1;

/// Serves one client until `exit` or the end of its input; returns the
/// process exit code the protocol prescribes.
#[allow(
    clippy::needless_pass_by_value,
    reason = "dropping `incoming` on return tells the reader thread that nobody listens"
)]
pub(crate) fn serve(incoming: Receiver<Incoming>, outgoing: Sender<Outgoing>, lint: &LintFn) -> u8 {
    let Some((id, params)) = wait_for_initialize(&incoming, &outgoing) else {
        return EXIT_WITHOUT_SHUTDOWN;
    };
    let (done_sender, done) = unbounded();
    let jobs = match worker::start(LINT_THREADS, lint, &done_sender) {
        Ok(jobs) => jobs,
        Err(error) => {
            let message = format!("wirelint cannot start its linting threads: {error}");
            send_response(
                &outgoing,
                Response::new_err(id, ErrorCode::InternalError as i32, message),
            );
            return EXIT_WITHOUT_SHUTDOWN;
        }
    };
    drop(done_sender);
    let server = Server::new(&params, outgoing, jobs);
    let result = json!({
        "capabilities": server.client.server_capabilities(),
        "serverInfo": {"name": "wirelint", "version": env!("CARGO_PKG_VERSION")},
    });
    server.respond(Response::new_ok(id, result));
    server.run(&incoming, &done)
}

/// Answers everything before `initialize` with an error (`exit` ends the
/// process); returns the `initialize` request, or `None` when the input
/// ends or `exit` comes first.
fn wait_for_initialize(
    incoming: &Receiver<Incoming>,
    outgoing: &Sender<Outgoing>,
) -> Option<(RequestId, Value)> {
    for item in incoming {
        match item {
            Incoming::Message(Message::Request(request)) if request.method == "initialize" => {
                if request.params.is_object() {
                    return Some((request.id, request.params));
                }
                let message = "the initialize parameters must be an object".to_string();
                let error = Response::new_err(request.id, ErrorCode::InvalidParams as i32, message);
                send_response(outgoing, error);
            }
            Incoming::Message(Message::Request(request)) => {
                let message = format!("`{}` before `initialize`", request.method);
                let error =
                    Response::new_err(request.id, ErrorCode::ServerNotInitialized as i32, message);
                send_response(outgoing, error);
            }
            Incoming::Message(Message::Notification(notification))
                if notification.method == "exit" =>
            {
                return None;
            }
            Incoming::Message(_) => {}
            Incoming::Malformed(malformed) => {
                if let Some(response) = malformed.response() {
                    let _ = outgoing.send(Outgoing::Text(response));
                }
            }
        }
    }
    None
}

fn send_response(outgoing: &Sender<Outgoing>, response: Response) {
    let _ = outgoing.send(Message::Response(response).into());
}

/// One open document and where its linting stands.
struct OpenDocument {
    document: TextDocument,
    revision: u64,
    scope: Arc<Scope>,
    file: Option<PathBuf>,
    /// Python (by language or file name): anything else is never linted.
    is_python: bool,
    /// The revision whose lint is running, if one is.
    linting: Option<u64>,
    /// The newest lint result, for whatever revision it was.
    result: Option<Arc<LintResult>>,
    /// Pull requests waiting for the current revision's result.
    waiting: Vec<(RequestId, Option<String>)>,
}

impl OpenDocument {
    fn current_result(&self) -> Option<&Arc<LintResult>> {
        self.result
            .as_ref()
            .filter(|result| result.revision == self.revision)
    }
}

/// Requests the server sent the client, by what the answer is for.
enum ClientRequest {
    /// `workspace/configuration` for the global scope and these folders.
    Configuration { generation: u64, folders: Vec<Uri> },
    /// Anything whose answer is of no use.
    Other,
}

struct Server {
    outgoing: Sender<Outgoing>,
    jobs: Sender<Job>,
    client: Arc<ClientFeatures>,
    folders: Folders,
    documents: HashMap<Uri, OpenDocument>,
    next_revision: u64,
    requests: ReqQueue<(), ClientRequest>,
    /// Of the latest `workspace/configuration` request; older answers are
    /// dropped.
    configuration_generation: u64,
    /// Until when linting waits for the client's answer to the first
    /// `workspace/configuration` request, while it has not come: results
    /// computed before it would be shown with the wrong settings (another
    /// severity, other rules) and then replaced.
    settings_awaited_until: Option<Instant>,
    shutdown: bool,
    /// Problems already shown to the user (each once per settings).
    shown_problems: HashSet<String>,
}

impl Server {
    fn new(params: &Value, outgoing: Sender<Outgoing>, jobs: Sender<Job>) -> Server {
        let client = Arc::new(ClientFeatures::from_initialize_params(params));
        let initialization = params.get("initializationOptions").unwrap_or(&Value::Null);
        let (initialization, problems) = ClientSettings::from_json(initialization);
        let mut server = Server {
            outgoing,
            jobs,
            client,
            folders: Folders::new(initialization),
            documents: HashMap::new(),
            next_revision: 0,
            requests: ReqQueue::default(),
            configuration_generation: 0,
            settings_awaited_until: None,
            shutdown: false,
            shown_problems: HashSet::new(),
        };
        server.report_settings_problems("initializationOptions", problems);
        for folder in initial_folders(params) {
            if !server.folders.add(&folder) {
                server.log(
                    MessageType::WARNING,
                    format!(
                        "workspace folder `{}` is not a local directory; ignored",
                        folder.uri.as_str()
                    ),
                );
            }
        }
        server.folders.rebuild();
        server
    }

    fn run(mut self, incoming: &Receiver<Incoming>, done: &Receiver<Done>) -> u8 {
        loop {
            let settings_wait = match self.settings_awaited_until {
                Some(deadline) => after(deadline.saturating_duration_since(Instant::now())),
                None => never(),
            };
            select! {
                recv(incoming) -> item => match item {
                    Ok(item) => {
                        if let Some(code) = self.handle_safely(item) {
                            return code;
                        }
                    }
                    // The input ended without `exit`.
                    Err(_) => return self.exit_code(),
                },
                recv(done) -> finished => {
                    if let Ok(finished) = finished {
                        self.handle_done(finished);
                    }
                }
                recv(settings_wait) -> _ => {
                    self.log(
                        MessageType::WARNING,
                        format!(
                            "the client did not answer `workspace/configuration` within {} s; \
                             checking with the settings known so far",
                            SETTINGS_WAIT.as_secs()
                        ),
                    );
                    self.stop_awaiting_settings();
                }
            }
        }
    }

    fn exit_code(&self) -> u8 {
        if self.shutdown {
            EXIT_AFTER_SHUTDOWN
        } else {
            EXIT_WITHOUT_SHUTDOWN
        }
    }

    /// Handles one incoming item; a panic in the handler is reported (to a
    /// request as an internal error) and the loop goes on.
    fn handle_safely(&mut self, item: Incoming) -> Option<u8> {
        let request = match &item {
            Incoming::Message(Message::Request(request)) => Some(request.id.clone()),
            _ => None,
        };
        match catch_panic(|| self.handle(item)) {
            Ok(exit) => exit,
            Err(message) => {
                let message = format!("wirelint crashed while handling a message: {message}");
                self.log(MessageType::ERROR, message.clone());
                if let Some(id) = request {
                    self.respond(Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        message,
                    ));
                }
                None
            }
        }
    }

    fn handle(&mut self, item: Incoming) -> Option<u8> {
        match item {
            Incoming::Malformed(malformed) => {
                self.log(
                    MessageType::ERROR,
                    format!("ignored malformed input: {}", malformed.message),
                );
                if let Some(response) = malformed.response() {
                    let _ = self.outgoing.send(Outgoing::Text(response));
                }
                None
            }
            Incoming::Message(Message::Request(request)) => {
                self.handle_request(request);
                None
            }
            Incoming::Message(Message::Notification(notification)) => {
                self.handle_notification(notification)
            }
            Incoming::Message(Message::Response(response)) => {
                self.handle_response(response);
                None
            }
        }
    }

    // ---- sending ---------------------------------------------------------

    fn send(&self, message: Message) {
        let _ = self.outgoing.send(message.into());
    }

    fn respond(&self, response: Response) {
        self.send(Message::Response(response));
    }

    /// Answers `id` with a result already serialized.
    fn respond_json(&self, id: &RequestId, result: &str) {
        let id = serde_json::to_string(id).unwrap_or_else(|_| "null".to_string());
        let text = format!(r#"{{"jsonrpc":"2.0","id":{id},"result":{result}}}"#);
        let _ = self.outgoing.send(Outgoing::Text(text));
    }

    /// Publishes diagnostics (a JSON array) for `uri`.
    fn publish(&self, uri: &Uri, version: Option<i32>, diagnostics: &str) {
        let uri = serde_json::to_string(uri).unwrap_or_else(|_| "null".to_string());
        let version = version.map_or(String::new(), |version| format!(r#","version":{version}"#));
        let text = format!(
            r#"{{"jsonrpc":"2.0","method":"{}","params":{{"uri":{uri}{version},"diagnostics":{diagnostics}}}}}"#,
            PublishDiagnostics::METHOD
        );
        let _ = self.outgoing.send(Outgoing::Text(text));
    }

    fn respond_error(&self, id: RequestId, code: ErrorCode, message: String) {
        self.respond(Response::new_err(id, code as i32, message));
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )));
    }

    fn log(&self, kind: MessageType, message: String) {
        self.notify(LogMessage::METHOD, LogMessageParams { typ: kind, message });
    }

    /// Shows `message` to the user once (and logs it every time).
    fn show_once(&mut self, kind: MessageType, message: String) {
        self.log(kind, message.clone());
        if self.shown_problems.insert(message.clone()) {
            self.notify(
                ShowMessage::METHOD,
                ShowMessageParams { typ: kind, message },
            );
        }
    }

    fn request_client(&mut self, method: &str, params: impl serde::Serialize, kind: ClientRequest) {
        let request = self
            .requests
            .outgoing
            .register(method.to_string(), params, kind);
        self.send(Message::Request(request));
    }

    fn report_settings_problems(&mut self, origin: &str, problems: Vec<String>) {
        for problem in problems {
            self.show_once(
                MessageType::WARNING,
                format!("wirelint: {origin}: {problem}"),
            );
        }
    }

    // ---- requests ----------------------------------------------------------

    /// The parameters of `request`, or an `InvalidParams` answer.
    fn params<P: DeserializeOwned>(&self, request: Request) -> Option<(RequestId, P)> {
        match serde_json::from_value(request.params) {
            Ok(params) => Some((request.id, params)),
            Err(error) => {
                let message = format!("invalid parameters for `{}`: {error}", request.method);
                self.respond_error(request.id, ErrorCode::InvalidParams, message);
                None
            }
        }
    }

    fn handle_request(&mut self, request: Request) {
        if self.shutdown {
            let message = format!(
                "`{}` after `shutdown`: the server is shutting down",
                request.method
            );
            self.respond_error(request.id, ErrorCode::InvalidRequest, message);
            return;
        }
        match request.method.as_str() {
            "initialize" => self.respond_error(
                request.id,
                ErrorCode::InvalidRequest,
                "the server is already initialized".to_string(),
            ),
            "shutdown" => {
                self.shutdown = true;
                self.respond(Response::new_ok(request.id, ()));
            }
            DocumentDiagnosticRequest::METHOD => {
                if let Some((id, params)) = self.params::<DocumentDiagnosticParams>(request) {
                    self.pull_diagnostics(id, params);
                }
            }
            CodeActionRequest::METHOD => {
                if let Some((id, params)) = self.params::<CodeActionParams>(request) {
                    let uri = params.text_document.uri.clone();
                    let task = Task::CodeActions {
                        id: id.clone(),
                        params: Box::new(params),
                    };
                    if !self.submit(&uri, task) {
                        self.respond(Response::new_ok(id, Vec::<Value>::new()));
                    }
                }
            }
            HoverRequest::METHOD => {
                if let Some((id, params)) = self.params::<HoverParams>(request) {
                    let position = params.text_document_position_params;
                    let task = Task::Hover {
                        id: id.clone(),
                        position: position.position,
                    };
                    if !self.submit(&position.text_document.uri, task) {
                        self.respond(Response::new_ok(id, ()));
                    }
                }
            }
            ExecuteCommand::METHOD => {
                if let Some((id, params)) = self.params::<ExecuteCommandParams>(request) {
                    self.execute_command(id, &params);
                }
            }
            method => {
                let message = format!("unknown method `{method}`");
                self.respond_error(request.id, ErrorCode::MethodNotFound, message);
            }
        }
    }

    /// `textDocument/diagnostic`: the current revision's result, now or
    /// when its lint finishes.
    fn pull_diagnostics(&mut self, id: RequestId, params: DocumentDiagnosticParams) {
        let uri = params.text_document.uri;
        let Some(document) = self.documents.get_mut(&uri) else {
            self.respond_json(&id, EMPTY_REPORT);
            return;
        };
        if !document.is_python {
            self.respond_json(&id, EMPTY_REPORT);
            return;
        }
        if let Some(result) = document.current_result() {
            let report = pull_report(result, params.previous_result_id.as_deref());
            self.respond_json(&id, &report);
            return;
        }
        document.waiting.push((id, params.previous_result_id));
        self.schedule_lint(&uri);
    }

    fn execute_command(&mut self, id: RequestId, params: &ExecuteCommandParams) {
        if params.command != APPLY_AUTOFIX_COMMAND {
            let message = format!("unknown command `{}`", params.command);
            self.respond_error(id, ErrorCode::InvalidParams, message);
            return;
        }
        if !self.client.apply_edit {
            let message = format!(
                "`{APPLY_AUTOFIX_COMMAND}` edits through `workspace/applyEdit`, which this client \
                 does not support; use the `{}` code action instead",
                crate::capabilities::FIX_ALL_KIND
            );
            self.respond_error(id, ErrorCode::RequestFailed, message);
            return;
        }
        let Some((uri, version)) = params.arguments.first().and_then(command_document) else {
            let message = format!(
                "`{APPLY_AUTOFIX_COMMAND}` needs a document: its URI, or an object with `uri`"
            );
            self.respond_error(id, ErrorCode::InvalidParams, message);
            return;
        };
        let current = self
            .documents
            .get(&uri)
            .map(|document| document.document.version);
        match (current, version) {
            (None, _) => {
                let message = format!("`{}` is not open", uri.as_str());
                self.respond_error(id, ErrorCode::InvalidParams, message);
            }
            (Some(current), Some(version)) if current != version => {
                let message = format!(
                    "the document changed: version {version} was asked for, it is at {current}"
                );
                self.respond_error(id, ErrorCode::ContentModified, message);
            }
            (Some(_), _) => {
                self.submit(&uri, Task::FixAll { id });
            }
        }
    }

    /// Sends a job for the document at `uri`; `false` when it is not open
    /// (or not Python).
    fn submit(&mut self, uri: &Uri, task: Task) -> bool {
        let Some(document) = self.documents.get(uri) else {
            return false;
        };
        if !document.is_python {
            return false;
        }
        let job = Job {
            snapshot: self.snapshot(uri, document),
            cached: document.current_result().cloned(),
            task,
        };
        self.jobs.send(job).is_ok()
    }

    fn snapshot(&self, uri: &Uri, document: &OpenDocument) -> Snapshot {
        Snapshot {
            uri: uri.clone(),
            version: document.document.version,
            revision: document.revision,
            text: Arc::clone(&document.document.text),
            index: Arc::clone(&document.document.index),
            scope: Arc::clone(&document.scope),
            file: document.file.clone(),
            client: Arc::clone(&self.client),
        }
    }

    // ---- notifications ---------------------------------------------------

    /// The parameters of `notification`; bad ones are logged (a
    /// notification gets no answer).
    fn notification_params<P: DeserializeOwned>(&self, notification: Notification) -> Option<P> {
        match serde_json::from_value(notification.params) {
            Ok(params) => Some(params),
            Err(error) => {
                self.log(
                    MessageType::ERROR,
                    format!(
                        "ignored `{}` with invalid parameters: {error}",
                        notification.method
                    ),
                );
                None
            }
        }
    }

    fn handle_notification(&mut self, notification: Notification) -> Option<u8> {
        if notification.method == "exit" {
            return Some(self.exit_code());
        }
        if self.shutdown {
            return None;
        }
        match notification.method.as_str() {
            "initialized" => self.initialized(),
            DidOpenTextDocument::METHOD => {
                if let Some(params) = self.notification_params(notification) {
                    self.did_open(params);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Some(params) = self.notification_params(notification) {
                    self.did_change(params);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Some(params) = self.notification_params(notification) {
                    self.did_close(params);
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Some(params) =
                    self.notification_params::<DidSaveTextDocumentParams>(notification)
                {
                    // Without file watching, saving a configuration in the
                    // editor is how we learn it changed.
                    let saved = uri::file_path(&params.text_document.uri);
                    if saved.is_some_and(|path| self.folders.is_configuration(&path)) {
                        self.settings_changed();
                    }
                }
            }
            DidChangeConfiguration::METHOD => {
                if let Some(params) = self.notification_params(notification) {
                    self.did_change_configuration(&params);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Some(params) =
                    self.notification_params::<DidChangeWatchedFilesParams>(notification)
                {
                    let configuration_changed = params.changes.iter().any(|change| {
                        uri::file_path(&change.uri)
                            .is_some_and(|path| self.folders.is_configuration(&path))
                    });
                    if configuration_changed {
                        self.settings_changed();
                    }
                }
            }
            DidChangeWorkspaceFolders::METHOD => {
                if let Some(params) = self.notification_params(notification) {
                    self.did_change_workspace_folders(&params);
                }
            }
            Cancel::METHOD => {
                if let Some(params) = self.notification_params::<CancelParams>(notification) {
                    self.cancel(params.id);
                }
            }
            // `$/setTrace`, `$/progress` and the like, and anything else:
            // nothing to do.
            _ => {}
        }
        None
    }

    fn initialized(&mut self) {
        let mut registrations = Vec::new();
        if self.client.watched_files_registration {
            let watchers = wirelint_workspace::CONFIG_FILE_NAMES
                .iter()
                .map(|name| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(format!("**/{name}")),
                    kind: None,
                })
                .collect();
            registrations.push(Registration {
                id: "wirelint-configuration-files".to_string(),
                method: DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                    watchers,
                })
                .ok(),
            });
        }
        if self.client.configuration_registration {
            registrations.push(Registration {
                id: "wirelint-settings".to_string(),
                method: DidChangeConfiguration::METHOD.to_string(),
                register_options: None,
            });
        }
        if !registrations.is_empty() {
            self.request_client(
                RegisterCapability::METHOD,
                RegistrationParams { registrations },
                ClientRequest::Other,
            );
        }
        if self.client.configuration {
            self.request_configuration();
            self.settings_awaited_until = Some(Instant::now() + SETTINGS_WAIT);
        }
        let mode = if self.client.pull_diagnostics {
            "pull"
        } else {
            "push"
        };
        let encoding = self.client.encoding.kind();
        let folders: Vec<String> = self
            .folders
            .iter()
            .map(|folder| folder.root.display().to_string())
            .collect();
        self.log(
            MessageType::INFO,
            format!(
                "wirelint {} ready: {} positions, {mode} diagnostics, workspace folders: [{}]",
                env!("CARGO_PKG_VERSION"),
                encoding.as_str(),
                folders.join(", ")
            ),
        );
    }

    fn did_open(&mut self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        let file = uri::file_path(&item.uri);
        let is_python = item.language_id == "python"
            || uri::any_path(&item.uri).is_some_and(|path| {
                path.extension()
                    .is_some_and(|extension| extension == "py" || extension == "pyi")
            });
        let document = OpenDocument {
            document: TextDocument::new(item.text, item.version),
            revision: self.new_revision(),
            scope: self.folders.scope_for(&item.uri),
            file,
            is_python,
            linting: None,
            result: None,
            waiting: Vec::new(),
        };
        if let Some(previous) = self.documents.insert(item.uri.clone(), document) {
            self.answer_waiting_with_nothing(previous.waiting);
        }
        self.schedule_lint(&item.uri);
    }

    fn did_change(&mut self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let revision = self.new_revision();
        let encoding = self.client.encoding;
        let Some(document) = self.documents.get_mut(&uri) else {
            self.log(
                MessageType::WARNING,
                format!("ignored a change to `{}`, which is not open", uri.as_str()),
            );
            return;
        };
        document.document.apply_changes(
            params.content_changes,
            params.text_document.version,
            encoding,
        );
        document.revision = revision;
        self.schedule_lint(&uri);
    }

    fn did_close(&mut self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(document) = self.documents.remove(&uri) else {
            return;
        };
        self.answer_waiting_with_nothing(document.waiting);
        if !self.client.pull_diagnostics && document.is_python {
            self.publish(&uri, None, "[]");
        }
    }

    fn did_change_configuration(&mut self, params: &DidChangeConfigurationParams) {
        if self.client.configuration {
            // The settings themselves are pulled, for every scope.
            self.request_configuration();
            return;
        }
        let (settings, problems) = ClientSettings::from_json(&params.settings);
        self.folders.global = settings;
        self.settings_changed();
        self.report_settings_problems("settings", problems);
    }

    fn did_change_workspace_folders(&mut self, params: &DidChangeWorkspaceFoldersParams) {
        for removed in &params.event.removed {
            self.folders.remove(&removed.uri);
        }
        for added in &params.event.added {
            if !self.folders.add(added) {
                self.log(
                    MessageType::WARNING,
                    format!(
                        "workspace folder `{}` is not a local directory; ignored",
                        added.uri.as_str()
                    ),
                );
            }
        }
        // Documents move to their new folders now, and again if the new
        // folders' own settings differ.
        self.settings_changed();
        if self.client.configuration {
            self.request_configuration();
        }
    }

    fn cancel(&mut self, id: NumberOrString) {
        let id: RequestId = match id {
            NumberOrString::Number(number) => number.into(),
            NumberOrString::String(text) => text.into(),
        };
        for document in self.documents.values_mut() {
            if let Some(index) = document
                .waiting
                .iter()
                .position(|(waiting, _)| *waiting == id)
            {
                document.waiting.remove(index);
                self.respond_error(id, ErrorCode::RequestCanceled, "cancelled".to_string());
                return;
            }
        }
    }

    // ---- responses to our requests ----------------------------------------

    fn handle_response(&mut self, response: Response) {
        let Some(kind) = self.requests.outgoing.complete(response.id.clone()) else {
            return;
        };
        let ClientRequest::Configuration {
            generation,
            folders,
        } = kind
        else {
            return;
        };
        if generation != self.configuration_generation {
            return;
        }
        self.apply_configuration(response, &folders);
        self.stop_awaiting_settings();
    }

    /// Takes the settings from the client's answer to the latest
    /// `workspace/configuration` request for the global scope and `folders`.
    fn apply_configuration(&mut self, response: Response, folders: &[Uri]) {
        let values = match response.response_result {
            Ok(Value::Array(values)) if values.len() == folders.len() + 1 => values,
            Ok(other) => {
                self.log(
                    MessageType::WARNING,
                    format!("ignored an unexpected answer to `workspace/configuration`: {other}"),
                );
                return;
            }
            Err(error) => {
                self.log(
                    MessageType::WARNING,
                    format!("the client could not give its settings: {}", error.message),
                );
                return;
            }
        };
        let mut problems = Vec::new();
        let (global, global_problems) = ClientSettings::from_json(&values[0]);
        problems.extend(global_problems);
        let mut changed = self.folders.global != global;
        self.folders.global = global;
        for (folder, value) in folders.iter().zip(&values[1..]) {
            let (settings, folder_problems) = ClientSettings::from_json(value);
            problems.extend(folder_problems);
            changed |= self.folders.set_folder_settings(folder, settings);
        }
        if changed {
            self.settings_changed();
        }
        self.report_settings_problems("settings", problems);
    }

    /// Ends the wait for the first settings, if linting was waiting for
    /// them: every open document is linted.
    fn stop_awaiting_settings(&mut self) {
        if self.settings_awaited_until.take().is_none() {
            return;
        }
        let uris: Vec<Uri> = self.documents.keys().cloned().collect();
        for uri in uris {
            self.schedule_lint(&uri);
        }
    }

    /// Asks for the global settings and every folder's.
    fn request_configuration(&mut self) {
        self.configuration_generation += 1;
        let folders: Vec<Uri> = self
            .folders
            .iter()
            .map(|folder| folder.uri.clone())
            .collect();
        let items = std::iter::once(None)
            .chain(folders.iter().cloned().map(Some))
            .map(|scope_uri| ConfigurationItem {
                scope_uri,
                section: Some(SECTION.to_string()),
            })
            .collect();
        let kind = ClientRequest::Configuration {
            generation: self.configuration_generation,
            folders,
        };
        self.request_client(
            WorkspaceConfiguration::METHOD,
            ConfigurationParams { items },
            kind,
        );
    }

    /// Settings or configuration files changed: every scope is built again
    /// and every open document linted again.
    fn settings_changed(&mut self) {
        self.folders.rebuild();
        self.shown_problems.clear();
        let uris: Vec<Uri> = self.documents.keys().cloned().collect();
        for uri in uris {
            let revision = self.new_revision();
            let scope = self.folders.scope_for(&uri);
            if let Some(document) = self.documents.get_mut(&uri) {
                document.revision = revision;
                document.scope = scope;
            }
            self.schedule_lint(&uri);
        }
        if self.client.pull_diagnostics {
            self.request_client(WorkspaceDiagnosticRefresh::METHOD, (), ClientRequest::Other);
        }
    }

    // ---- linting -----------------------------------------------------------

    fn new_revision(&mut self) -> u64 {
        self.next_revision += 1;
        self.next_revision
    }

    /// Lints the document's current revision, unless a lint of it is
    /// running: then the newest revision is linted when that one finishes.
    /// While the first settings are awaited, nothing is linted yet.
    fn schedule_lint(&mut self, uri: &Uri) {
        if self.settings_awaited_until.is_some() {
            return;
        }
        let Some(document) = self.documents.get(uri) else {
            return;
        };
        if !document.is_python || document.linting.is_some() {
            return;
        }
        let revision = document.revision;
        let job = Job {
            snapshot: self.snapshot(uri, document),
            cached: None,
            task: Task::Lint,
        };
        if self.jobs.send(job).is_ok()
            && let Some(document) = self.documents.get_mut(uri)
        {
            document.linting = Some(revision);
        }
    }

    fn handle_done(&mut self, done: Done) {
        let Done {
            uri,
            revision,
            linted,
            outcome,
        } = done;
        match outcome {
            Outcome::Linted => {
                let result =
                    linted.unwrap_or_else(|| Arc::new(LintResult::empty(revision, "no result")));
                self.lint_finished(&uri, revision, &result);
            }
            Outcome::Panicked {
                request: None,
                message,
            } => {
                self.log(
                    MessageType::ERROR,
                    format!(
                        "wirelint crashed while checking `{}`: {message} (its diagnostics are \
                         cleared; this is a bug in wirelint, please report it)",
                        uri.as_str()
                    ),
                );
                let result = Arc::new(LintResult::empty(revision, "linting crashed"));
                self.lint_finished(&uri, revision, &result);
            }
            Outcome::Panicked {
                request: Some(id),
                message,
            } => {
                let message = format!("wirelint crashed while answering a request: {message}");
                self.log(MessageType::ERROR, message.clone());
                self.respond_error(id, ErrorCode::InternalError, message);
            }
            Outcome::Response(response) => {
                self.keep_result(&uri, linted);
                self.respond(response);
            }
            Outcome::ApplyEdit { id, edit } => {
                self.keep_result(&uri, linted);
                if let Some(edit) = edit {
                    let params = ApplyWorkspaceEditParams {
                        label: Some("wirelint: fix all auto-fixable problems".to_string()),
                        edit,
                    };
                    self.request_client(ApplyWorkspaceEdit::METHOD, params, ClientRequest::Other);
                }
                self.respond(Response::new_ok(id, ()));
            }
        }
    }

    /// Keeps a result computed for a request, if it is current.
    fn keep_result(&mut self, uri: &Uri, linted: Option<Arc<LintResult>>) {
        if let (Some(result), Some(document)) = (linted, self.documents.get_mut(uri))
            && result.revision == document.revision
            && document.current_result().is_none()
        {
            document.result = Some(result);
        }
    }

    fn lint_finished(&mut self, uri: &Uri, revision: u64, result: &Arc<LintResult>) {
        let Some(document) = self.documents.get_mut(uri) else {
            return;
        };
        if document.linting == Some(revision) {
            document.linting = None;
        }
        if revision != document.revision {
            // Outdated: lint the newest text instead.
            self.schedule_lint(uri);
            return;
        }
        let was_skipped = document
            .result
            .as_ref()
            .is_some_and(|previous| matches!(previous.plan, Plan::Skip(_)));
        document.result = Some(Arc::clone(result));
        let waiting = std::mem::take(&mut document.waiting);
        let version = document.document.version;
        match &result.plan {
            Plan::ConfigError(message) => self.show_once(
                MessageType::ERROR,
                format!(
                    "wirelint: invalid configuration, `{}` is not checked:\n{message}",
                    uri.as_str()
                ),
            ),
            Plan::Skip(reason) if !was_skipped => {
                self.log(
                    MessageType::INFO,
                    format!("`{}` is not checked: {reason}", uri.as_str()),
                );
            }
            Plan::Skip(_) | Plan::Lint { .. } => {}
        }
        for (id, previous) in waiting {
            self.respond_json(&id, &pull_report(result, previous.as_deref()));
        }
        // After `shutdown` the client no longer listens for diagnostics.
        if !self.client.pull_diagnostics && !self.shutdown {
            self.publish(uri, Some(version), &result.lsp_json);
        }
    }

    fn answer_waiting_with_nothing(&self, waiting: Vec<(RequestId, Option<String>)>) {
        for (id, _) in waiting {
            self.respond_json(&id, EMPTY_REPORT);
        }
    }
}

/// The workspace folders of the `initialize` parameters: `workspaceFolders`,
/// else `rootUri`, else `rootPath`.
fn initial_folders(params: &Value) -> Vec<WorkspaceFolder> {
    if let Some(folders) = params
        .get("workspaceFolders")
        .and_then(|folders| serde_json::from_value::<Vec<WorkspaceFolder>>(folders.clone()).ok())
    {
        return folders;
    }
    let root_uri = params
        .get("rootUri")
        .and_then(|root| serde_json::from_value::<Uri>(root.clone()).ok())
        .or_else(|| {
            let path = params.get("rootPath")?.as_str()?;
            format!("file://{path}").parse().ok()
        });
    root_uri
        .map(|uri| WorkspaceFolder {
            name: uri.as_str().to_string(),
            uri,
        })
        .into_iter()
        .collect()
}

/// The document a `wirelint.applyAutofix` argument names: a URI, or an
/// object with `uri` and maybe `version`.
fn command_document(argument: &Value) -> Option<(Uri, Option<i32>)> {
    let (uri, version) = match argument {
        Value::String(uri) => (uri.as_str(), None),
        Value::Object(object) => (
            object.get("uri")?.as_str()?,
            object
                .get("version")
                .and_then(Value::as_i64)
                .and_then(|version| i32::try_from(version).ok()),
        ),
        _ => return None,
    };
    Some((uri.parse().ok()?, version))
}

/// A pull report of nothing: for a document that is not open or not Python.
const EMPTY_REPORT: &str = r#"{"kind":"full","items":[]}"#;

/// A pull report of `result`, as JSON: unchanged when the client has it
/// already.
fn pull_report(result: &LintResult, previous_result_id: Option<&str>) -> String {
    let result_id = result.revision;
    if previous_result_id == Some(result_id.to_string().as_str()) {
        return format!(r#"{{"kind":"unchanged","resultId":"{result_id}"}}"#);
    }
    format!(
        r#"{{"kind":"full","resultId":"{result_id}","items":{}}}"#,
        result.lsp_json
    )
}
