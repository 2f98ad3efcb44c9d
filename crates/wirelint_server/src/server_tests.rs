//! The message loop driven over in-memory channels: the protocol's life
//! cycle and error answers, panics while linting, stale results, and
//! coalesced edits. An engine that blocks or panics on demand makes the
//! races deterministic. (The real server over stdio is tested from Python
//! with pytest-lsp and from Neovim.)

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::{Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};
use wirelint_linter::{Diagnostic, LinterSettings};

use crate::lint::{LintFn, engine};
use crate::server::serve;
use crate::transport::{Incoming, Outgoing};

const TIMEOUT: Duration = Duration::from_secs(20);

struct Client {
    to_server: Option<Sender<Incoming>>,
    from_server: Receiver<Outgoing>,
    server: Option<JoinHandle<u8>>,
    next_id: i32,
    /// Notifications received while waiting for something else.
    notifications: Vec<Notification>,
}

impl Client {
    /// Starts a server with `lint`; nothing is sent yet.
    fn start(lint: LintFn) -> Client {
        let (to_server, incoming) = unbounded();
        let (outgoing, from_server) = unbounded();
        let server = std::thread::spawn(move || serve(incoming, outgoing, &lint));
        Client {
            to_server: Some(to_server),
            from_server,
            server: Some(server),
            next_id: 0,
            notifications: Vec::new(),
        }
    }

    /// Starts a server and initializes it with `capabilities`.
    fn initialized(lint: LintFn, capabilities: &Value) -> Client {
        Client::initialized_with(lint, json!({"capabilities": capabilities}))
    }

    /// Starts a server and initializes it with these `initialize` params.
    fn initialized_with(lint: LintFn, params: Value) -> Client {
        let mut client = Client::start(lint);
        let response = client.request("initialize", params);
        assert!(response.response_result.is_ok(), "{response:?}");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&self, item: Incoming) {
        self.to_server.as_ref().unwrap().send(item).unwrap();
    }

    fn send_request(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Incoming::Message(Message::Request(Request::new(
            id.clone(),
            method.to_string(),
            params,
        ))));
        id
    }

    fn request(&mut self, method: &str, params: Value) -> Response {
        let id = self.send_request(method, params);
        self.response(&id)
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Incoming::Message(Message::Notification(Notification::new(
            method.to_string(),
            params,
        ))));
    }

    /// The next thing the server sends; serialized messages are parsed
    /// back (a `null`-id error stays text).
    fn receive(&self) -> Outgoing {
        match self
            .from_server
            .recv_timeout(TIMEOUT)
            .expect("the server said nothing")
        {
            Outgoing::Text(text) => match serde_json::from_str::<Message>(&text) {
                Ok(message) => Outgoing::Message(message),
                Err(_) => Outgoing::Text(text),
            },
            message => message,
        }
    }

    /// The next response or notification; requests from the server get
    /// an empty answer.
    fn next_message(&mut self) -> Message {
        loop {
            match self.receive() {
                Outgoing::Message(Message::Request(request)) => {
                    self.send(Incoming::Message(Message::Response(Response::new_ok(
                        request.id,
                        Value::Null,
                    ))));
                }
                Outgoing::Message(message) => return message,
                Outgoing::Text(text) => panic!("not a message: {text}"),
            }
        }
    }

    /// Waits for the response to `id`, keeping notifications.
    fn response(&mut self, id: &RequestId) -> Response {
        loop {
            match self.next_message() {
                Message::Response(response) if response.id == *id => return response,
                Message::Notification(notification) => self.notifications.push(notification),
                other => panic!("unexpected while waiting for {id}: {other:?}"),
            }
        }
    }

    /// The next notification with `method` (kept ones first).
    fn notification(&mut self, method: &str) -> Value {
        if let Some(index) = self.notifications.iter().position(|n| n.method == method) {
            return self.notifications.remove(index).params;
        }
        loop {
            match self.next_message() {
                Message::Notification(notification) if notification.method == method => {
                    return notification.params;
                }
                Message::Notification(notification) => self.notifications.push(notification),
                other => panic!("unexpected while waiting for {method}: {other:?}"),
            }
        }
    }

    fn diagnostics(&mut self) -> Value {
        self.notification("textDocument/publishDiagnostics")
    }

    fn open(&self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}}),
        );
    }

    fn change(&self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// Sends `exit` and returns the server's exit code.
    fn exit(mut self) -> u8 {
        self.notify("exit", Value::Null);
        self.join()
    }

    fn join(&mut self) -> u8 {
        self.server.take().unwrap().join().unwrap()
    }
}

fn codes(published: &Value) -> Vec<String> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|diagnostic| diagnostic["code"].as_str().unwrap().to_string())
        .collect()
}

fn error_code(response: &Response) -> i32 {
    response.response_result.as_ref().unwrap_err().code
}

const CALL: &str = "import requests\nrequests.get(u)\n";

#[test]
fn requests_before_initialize_are_refused_and_exit_without_shutdown_is_1() {
    let mut client = Client::start(engine());
    let response = client.request("textDocument/hover", json!({}));
    assert_eq!(error_code(&response), -32002);
    client.notify("textDocument/didOpen", json!({}));
    assert_eq!(client.exit(), 1);
}

#[test]
fn shutdown_refuses_later_requests_and_exit_is_0() {
    let mut client = Client::initialized(engine(), &json!({}));
    assert!(
        client
            .request("shutdown", Value::Null)
            .response_result
            .is_ok()
    );
    let refused = client.request("textDocument/hover", json!({}));
    assert_eq!(error_code(&refused), -32600);
    assert_eq!(error_code(&client.request("shutdown", Value::Null)), -32600);
    assert_eq!(client.exit(), 0);
}

#[test]
fn exit_without_shutdown_is_1_and_the_end_of_input_counts_as_exit() {
    let client = Client::initialized(engine(), &json!({}));
    assert_eq!(client.exit(), 1);

    let mut client = Client::initialized(engine(), &json!({}));
    assert!(
        client
            .request("shutdown", Value::Null)
            .response_result
            .is_ok()
    );
    client.to_server = None;
    assert_eq!(client.join(), 0);
}

#[test]
fn unknown_methods_bad_params_and_garbage_get_errors_and_the_server_goes_on() {
    let mut client = Client::initialized(engine(), &json!({}));
    assert_eq!(
        error_code(&client.request("wirelint/nonsense", json!({}))),
        -32601
    );
    let bad = client.request("textDocument/codeAction", json!({"textDocument": 5}));
    assert_eq!(error_code(&bad), -32602);
    assert_eq!(
        error_code(&client.request("initialize", json!({"capabilities": {}}))),
        -32600
    );
    client.send(Incoming::Malformed(crate::transport::Malformed {
        code: lsp_server::ErrorCode::ParseError,
        message: "the message is not valid JSON".to_string(),
        id: Value::Null,
        reply: true,
    }));
    let raw: Value = loop {
        match client.receive() {
            Outgoing::Text(text) => break serde_json::from_str(&text).unwrap(),
            Outgoing::Message(Message::Notification(notification)) => {
                client.notifications.push(notification);
            }
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(raw["id"], Value::Null);
    assert_eq!(raw["error"]["code"], -32700);
    // Notifications with bad parameters are logged, not fatal.
    client.notify("textDocument/didChange", json!({"contentChanges": "no"}));
    client.open("file:///nonexistent/a.py", 1, CALL);
    assert_eq!(codes(&client.diagnostics()), ["WL203"]);
    assert_eq!(client.exit(), 1);
}

/// An engine that panics on sources containing `PANIC` and otherwise
/// lints for real.
fn panicking_engine() -> LintFn {
    Arc::new(
        |source: &str, package: Option<&str>, settings: &LinterSettings| {
            assert!(!source.contains("PANIC"), "the engine met PANIC");
            wirelint_linter::lint_source_in_package(source, package, settings)
        },
    )
}

#[test]
fn a_panic_is_logged_clears_that_documents_diagnostics_and_the_server_goes_on() {
    let mut client = Client::initialized(panicking_engine(), &json!({}));
    let uri = "file:///nonexistent/a.py";
    client.open(uri, 1, CALL);
    assert_eq!(codes(&client.diagnostics()), ["WL203"]);

    client.change(uri, 2, &format!("{CALL}# PANIC\n"));
    let published = client.diagnostics();
    assert_eq!(published["version"], 2);
    assert!(
        codes(&published).is_empty(),
        "stale diagnostics kept: {published}"
    );
    let log = loop {
        let log = client.notification("window/logMessage");
        if log["message"].as_str().unwrap().contains("crashed") {
            break log;
        }
    };
    assert_eq!(log["type"], 1);
    let message = log["message"].as_str().unwrap();
    assert!(
        message.contains(uri) && message.contains("the engine met PANIC"),
        "{message}"
    );

    // The same document recovers, and others are served meanwhile.
    client.open("file:///nonexistent/b.py", 1, CALL);
    assert_eq!(codes(&client.diagnostics()), ["WL203"]);
    client.change(uri, 3, CALL);
    let published = client.diagnostics();
    assert_eq!(
        (published["version"].clone(), codes(&published)),
        (json!(3), vec!["WL203".to_string()])
    );
    assert_eq!(client.exit(), 1);
}

/// An engine that blocks on sources containing `BLOCK` until released,
/// counting its calls.
struct BlockingEngine {
    release: Sender<()>,
    calls: Arc<AtomicUsize>,
    sources: Arc<Mutex<Vec<String>>>,
}

fn blocking_engine() -> (LintFn, BlockingEngine) {
    let (release, released) = unbounded::<()>();
    let calls = Arc::new(AtomicUsize::new(0));
    let sources = Arc::new(Mutex::new(Vec::new()));
    let engine = BlockingEngine {
        release,
        calls: Arc::clone(&calls),
        sources: Arc::clone(&sources),
    };
    let lint: LintFn = Arc::new(
        move |source: &str, package: Option<&str>, settings: &LinterSettings| -> Vec<Diagnostic> {
            calls.fetch_add(1, Ordering::SeqCst);
            sources.lock().unwrap().push(source.to_string());
            if source.contains("BLOCK") {
                released.recv_timeout(TIMEOUT).expect("never released");
            }
            wirelint_linter::lint_source_in_package(source, package, settings)
        },
    );
    (lint, engine)
}

#[test]
fn edits_during_a_lint_are_coalesced_and_stale_results_never_published() {
    let (lint, engine) = blocking_engine();
    let mut client = Client::initialized(lint, &json!({}));
    let uri = "file:///nonexistent/a.py";
    client.open(uri, 1, &format!("{CALL}# BLOCK\n"));
    // Wait until the first lint is running (and blocked).
    let started = std::time::Instant::now();
    while engine.calls.load(Ordering::SeqCst) == 0 {
        assert!(started.elapsed() < TIMEOUT);
        std::thread::sleep(Duration::from_millis(5));
    }
    for version in 2..=5 {
        client.change(
            uri,
            version,
            &format!("import requests\nrequests.get(u{version})\n"),
        );
    }
    // The loop answers while the engine is busy.
    assert_eq!(
        error_code(&client.request("wirelint/nonsense", json!({}))),
        -32601
    );
    engine.release.send(()).unwrap();
    let published = client.diagnostics();
    assert_eq!(published["version"], 5, "{published}");
    assert_eq!(codes(&published), ["WL203"]);
    // Version 1's result was dropped; versions 2 to 4 were never linted.
    assert_eq!(engine.calls.load(Ordering::SeqCst), 2);
    assert!(engine.sources.lock().unwrap()[1].contains("u5"));
    assert!(
        client
            .notifications
            .iter()
            .all(|n| n.method != "textDocument/publishDiagnostics")
    );
    // Closing clears the diagnostics.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let cleared = client.diagnostics();
    assert!(codes(&cleared).is_empty() && cleared.get("version").is_none());
    assert_eq!(client.exit(), 1);
}

/// The capabilities of a client that pulls diagnostics.
fn pull_capabilities() -> Value {
    json!({
        "textDocument": {"diagnostic": {}},
        "workspace": {"diagnostics": {"refreshSupport": true}},
    })
}

#[test]
fn pull_clients_get_reports_and_unchanged_results() {
    let (lint, engine) = blocking_engine();
    let mut client = Client::initialized(lint, &pull_capabilities());
    let uri = "file:///nonexistent/a.py";
    client.open(uri, 1, &format!("{CALL}# BLOCK\n"));
    // The pull waits for the running lint.
    let id = client.send_request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    engine.release.send(()).unwrap();
    let report = client.response(&id).response_result.unwrap();
    assert_eq!(report["kind"], "full");
    assert_eq!(report["items"][0]["code"], "WL203");
    assert_eq!(report["items"][0]["source"], "wirelint");
    assert_eq!(report["items"][0]["severity"], 2);
    let result_id = report["resultId"].as_str().unwrap().to_string();
    let again = client
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}, "previousResultId": result_id}),
        )
        .response_result
        .unwrap();
    assert_eq!(again, json!({"kind": "unchanged", "resultId": result_id}));
    // Nothing is pushed to a pull client.
    assert!(
        client
            .notifications
            .iter()
            .all(|n| n.method != "textDocument/publishDiagnostics")
    );
    let unknown = client
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": "file:///nonexistent/b.py"}}),
        )
        .response_result
        .unwrap();
    assert_eq!(unknown, json!({"kind": "full", "items": []}));
    assert_eq!(client.exit(), 1);
}

#[test]
fn non_python_documents_are_not_linted() {
    let mut client = Client::initialized(engine(), &json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "file:///nonexistent/pyproject.toml", "languageId": "toml", "version": 1, "text": CALL}}),
    );
    client.open("file:///nonexistent/a.py", 1, CALL);
    let published = client.diagnostics();
    assert_eq!(published["uri"], "file:///nonexistent/a.py");
    assert_eq!(client.exit(), 1);
}

#[test]
fn a_waiting_pull_can_be_cancelled() {
    let (lint, engine) = blocking_engine();
    let mut client = Client::initialized(lint, &pull_capabilities());
    let uri = "file:///nonexistent/a.py";
    client.open(uri, 1, &format!("{CALL}# BLOCK\n"));
    let id = client.send_request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    client.notify("$/cancelRequest", json!({"id": 1_000}));
    client.notify("$/cancelRequest", json!({"id": client.next_id}));
    assert_eq!(error_code(&client.response(&id)), -32800);
    engine.release.send(()).unwrap();
    // The lint still finishes and serves the next pull.
    let report = client
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
        )
        .response_result
        .unwrap();
    assert_eq!(report["items"][0]["code"], "WL203");
    assert_eq!(client.exit(), 1);
}

#[test]
fn apply_autofix_needs_a_client_that_applies_edits() {
    let mut client = Client::initialized(engine(), &json!({}));
    client.open("file:///nonexistent/a.py", 1, CALL);
    let refused = client.request(
        "workspace/executeCommand",
        json!({"command": "wirelint.applyAutofix", "arguments": ["file:///nonexistent/a.py"]}),
    );
    assert_eq!(error_code(&refused), -32803);
    assert_eq!(client.exit(), 1);

    let mut client = Client::initialized(engine(), &json!({"workspace": {"applyEdit": true}}));
    let uri = "file:///nonexistent/a.py";
    client.open(uri, 1, "import requests\nrequests.get(u, timeout=5)\n");
    client.diagnostics();
    let stale = client.request(
        "workspace/executeCommand",
        json!({"command": "wirelint.applyAutofix", "arguments": [{"uri": uri, "version": 7}]}),
    );
    assert_eq!(error_code(&stale), -32801);
    let id = client.send_request(
        "workspace/executeCommand",
        json!({"command": "wirelint.applyAutofix", "arguments": [{"uri": uri, "version": 1}]}),
    );
    // The edit comes first, as a request to the client, then the answer.
    let apply = loop {
        match client.receive() {
            Outgoing::Message(Message::Request(request)) => break request,
            Outgoing::Message(Message::Notification(notification)) => {
                client.notifications.push(notification);
            }
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(apply.method, "workspace/applyEdit");
    let edits = &apply.params["edit"]["changes"][uri];
    assert_eq!(edits[0]["newText"], "(5, 5)");
    assert!(client.response(&id).response_result.is_ok());
    assert_eq!(client.exit(), 1);
}

/// Receives until the server's `workspace/configuration` request, keeping
/// notifications and answering other requests with nothing.
fn configuration_request(client: &mut Client) -> Request {
    loop {
        match client.receive() {
            Outgoing::Message(Message::Request(request))
                if request.method == "workspace/configuration" =>
            {
                return request;
            }
            Outgoing::Message(Message::Request(request)) => {
                client.send(Incoming::Message(Message::Response(Response::new_ok(
                    request.id,
                    Value::Null,
                ))));
            }
            Outgoing::Message(Message::Notification(notification)) => {
                client.notifications.push(notification);
            }
            other => panic!("unexpected while waiting for the settings request: {other:?}"),
        }
    }
}

fn severities(published: &Value) -> Vec<i64> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|diagnostic| diagnostic["severity"].as_i64().unwrap())
        .collect()
}

#[test]
fn nothing_is_published_before_the_first_settings_arrive() {
    let mut client = Client::initialized_with(
        engine(),
        json!({
            "capabilities": {"workspace": {"configuration": true}},
            "initializationOptions": {"severity": "warning"},
        }),
    );
    let request = configuration_request(&mut client);
    let uri = "file:///nonexistent/a.py";
    client.open(uri, 1, CALL);
    // Nothing arrives while the settings are awaited (a result with the
    // initialization options' severity would be replaced at once).
    match client.from_server.recv_timeout(Duration::from_millis(300)) {
        Err(_) => {}
        Ok(Outgoing::Message(Message::Notification(notification)))
            if notification.method != "textDocument/publishDiagnostics" =>
        {
            client.notifications.push(notification);
        }
        Ok(other) => panic!("sent before the settings arrived: {other:?}"),
    }
    client.send(Incoming::Message(Message::Response(Response::new_ok(
        request.id,
        json!([{"severity": "error"}]),
    ))));
    let published = client.diagnostics();
    assert_eq!(published["version"], 1);
    assert_eq!(codes(&published), ["WL203"]);
    assert_eq!(severities(&published), [1], "the client's settings apply");
    assert_eq!(client.exit(), 1);
}

#[test]
fn a_client_that_never_answers_for_its_settings_still_gets_diagnostics() {
    let mut client = Client::initialized_with(
        engine(),
        json!({
            "capabilities": {"workspace": {"configuration": true}},
            "initializationOptions": {"severity": "information"},
        }),
    );
    let _unanswered = configuration_request(&mut client);
    client.open("file:///nonexistent/a.py", 1, CALL);
    let published = client.diagnostics();
    assert_eq!(codes(&published), ["WL203"]);
    assert_eq!(
        severities(&published),
        [3],
        "the initialization options apply"
    );
    // The warning was logged before the lint it let through.
    let warned = client.notifications.iter().any(|notification| {
        notification.method == "window/logMessage"
            && notification.params["message"]
                .as_str()
                .is_some_and(|message| message.contains("did not answer"))
    });
    assert!(warned, "{:?}", client.notifications);
    assert_eq!(client.exit(), 1);
}
