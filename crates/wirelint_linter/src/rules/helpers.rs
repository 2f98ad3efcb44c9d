//! Call-shape helpers every rule family uses: how a message quotes source
//! text ([`snippet`], [`callee_text`]), which library functions send a
//! request ([`is_request_function`] and the method tables), and small
//! questions about a call's arguments. Look here before writing a helper in
//! a rule file; a helper two families need belongs here.

use ruff_python_ast::{Expr, ExprCall, Keyword};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;

/// Longer quotes are cut to [`QUOTE_KEPT_CHARS`] characters and `...`.
const MAX_QUOTE_CHARS: usize = 60;
const QUOTE_KEPT_CHARS: usize = 57;

/// The HTTP verbs of the module-level request functions of `requests` and
/// `httpx` (`requests.get`, `httpx.stream`).
const REQUEST_FUNCTION_VERBS: [&str; 9] = [
    "get", "options", "head", "post", "put", "patch", "delete", "request", "stream",
];

/// The request methods of `requests`: its module functions and `Session`
/// methods that take `timeout=`.
pub(crate) const REQUESTS_METHODS: [&str; 8] = [
    "get", "options", "head", "post", "put", "patch", "delete", "request",
];

/// The methods of httpx clients, requests sessions and urllib3 pools that
/// send a request and wait for its answer.
pub(crate) const HTTP_CLIENT_METHODS: &[&str] = &[
    "get", "options", "head", "post", "put", "patch", "delete", "request", "send", "stream",
    "urlopen",
];

/// aiohttp session methods that return a response to be released.
pub(crate) const AIOHTTP_SESSION_REQUESTS: &[&str] = &[
    "get",
    "options",
    "head",
    "post",
    "put",
    "patch",
    "delete",
    "request",
    "ws_connect",
];

/// The last names of the HTTP libraries' module-level functions that send a
/// request (`requests.get`, `urllib3.request`, `urllib.request.urlopen`).
pub(crate) const SENDING_FUNCTION_NAMES: &[&str] = &[
    "request", "get", "post", "put", "patch", "delete", "head", "options", "stream", "urlopen",
];

/// `requests.get`, `httpx.post`, `requests.api.request`, `aiohttp.request`,
/// `urllib3.request`, ...: a module-level function that sends a request.
pub(crate) fn is_request_function(qualified: &str) -> bool {
    let Some((module, function)) = qualified.rsplit_once('.') else {
        return false;
    };
    match module {
        "requests" | "requests.api" | "httpx" => REQUEST_FUNCTION_VERBS.contains(&function),
        "aiohttp" | "urllib3" => function == "request",
        _ => false,
    }
}

/// The source text of `range` on one line (whitespace runs become one
/// space), shortened for a message.
pub(crate) fn snippet(checker: &Checker, range: TextRange) -> String {
    let text = checker.locator.slice(range);
    shorten(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// How a message names the called thing: the callee's source text with its
/// whitespace removed (`client.chat.completions.create`), shortened.
pub(crate) fn callee_text(checker: &Checker, call: &ExprCall) -> String {
    let text = checker.locator.slice(call.func.range());
    shorten(text.split_whitespace().collect::<Vec<_>>().join(""))
}

fn shorten(text: String) -> String {
    if text.chars().count() > MAX_QUOTE_CHARS {
        let kept: String = text.chars().take(QUOTE_KEPT_CHARS).collect();
        format!("{kept}...")
    } else {
        text
    }
}

/// The `timeout=` keyword of a call.
pub(crate) fn timeout_keyword(call: &ExprCall) -> Option<&Keyword> {
    call.arguments.find_keyword("timeout")
}

/// The values a call passes: positional arguments, then keyword values
/// (`*args` and `**kwargs` as the starred expressions themselves).
pub(crate) fn argument_values(call: &ExprCall) -> impl Iterator<Item = &Expr> {
    call.arguments
        .args
        .iter()
        .chain(call.arguments.keywords.iter().map(|keyword| &keyword.value))
}

/// Whether the call passes `**mapping`, which may carry any keyword.
pub(crate) fn has_keyword_splat(call: &ExprCall) -> bool {
    call.arguments
        .keywords
        .iter()
        .any(|keyword| keyword.arg.is_none())
}
