//! # blocking-call-in-async (WL802)
//!
//! ## What it does
//! Flags, inside `async def`, a synchronous network call (any `requests`
//! request, `httpx.get/post/...`, a method of a sync client such as
//! `httpx.Client`, `requests.Session`, `OpenAI`, `Anthropic`,
//! `google.genai.Client` or any urllib3 pool, `urllib.request.urlopen`),
//! a sync client's `close()` (it shuts its sockets down in the calling
//! thread), and `time.sleep`.
//!
//! urllib3's pools are sync clients under every spelling:
//! `urllib3.PoolManager`, `ProxyManager`, `HTTPConnectionPool` and
//! `HTTPSConnectionPool`, also as `urllib3.poolmanager.*` and
//! `urllib3.connectionpool.*`, built in the function, or held by a
//! parameter or attribute annotated with one.
//!
//! Not flagged: a call on a client built, in view, on an in-process
//! transport (`httpx.Client(transport=httpx.MockTransport(...))`,
//! `ASGITransport`, `WSGITransport`): nothing goes over the network.
//!
//! A lambda or nested `def` inside the coroutine is a separate, synchronous
//! scope (`await asyncio.to_thread(lambda: requests.get(url))` is the right
//! way to run blocking code), so calls there are not flagged.
//!
//! ## Why is this bad?
//! A blocking call stops the event loop: every other task, every other
//! request the process serves, waits until the network answers. One slow
//! upstream then stalls the whole service, and timeouts of unrelated tasks
//! fire.
//!
//! ## Example
//! ```python
//! async def handler(url: str) -> int:
//!     response = requests.get(url, timeout=(3.05, 10))
//!     time.sleep(1)
//!     return response.status_code
//! ```
//!
//! ## Use instead
//! ```python
//! async def handler(client: httpx.AsyncClient, url: str) -> int:
//!     response = await client.get(url)
//!     await asyncio.sleep(1)
//!     return response.status_code
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Client Construction" (async lifecycle)

use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::{HTTP_CLIENT_METHODS, callee_text, is_request_function};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::{CallTarget, Library};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL802",
    name: "blocking-call-in-async",
    family: Family::Concurrency,
    status: Status::Stable,
    summary: "A blocking network call or `time.sleep` inside `async def`.",
    boundary: false,
    markers: &[Marker::NetworkImport, Marker::Word("sleep")],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check),
        ..Hooks::NONE
    },
};

/// Methods of SDK clients that do not touch the network.
const LOCAL_SDK_METHODS: &[&str] = &[
    "with_options",
    "copy",
    "__enter__",
    "__exit__",
    "model_dump",
    "to_dict",
];

fn check(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if !checker.semantic.in_async_function() || checker.semantic.is_awaited(call) {
        return;
    }
    let blocking = match target {
        // `aiohttp.request` returns an async context manager: not blocking.
        Some(CallTarget::LibraryFunction { library, qualified }) => {
            *library != Library::Aiohttp && is_request_function(qualified)
        }
        Some(CallTarget::ClientMethod { client, method }) if !client.is_async => {
            match client.library {
                Library::Httpx | Library::Requests | Library::Urllib3 | Library::Project => {
                    HTTP_CLIENT_METHODS.contains(method) || *method == "close"
                }
                Library::Aiohttp => false,
                _ => !LOCAL_SDK_METHODS.contains(method),
            }
        }
        Some(CallTarget::Urlopen) => true,
        None => checker.semantic.qualified_name(&call.func).as_deref() == Some("time.sleep"),
        _ => false,
    };
    if !blocking || has_in_process_transport(checker, call) {
        return;
    }
    let callee = callee_text(checker, call);
    let hint = if callee.ends_with("sleep") {
        "use `await asyncio.sleep(...)`"
    } else if callee.ends_with(".close") {
        "close an async client with `await client.aclose()` instead, or run this in \
         `await asyncio.to_thread(...)`"
    } else {
        "use an async client, or `await asyncio.to_thread(...)`"
    };
    let message = format!("`{callee}(...)` blocks the event loop inside `async def`; {hint}");
    let diagnostic = checker
        .locator
        .diagnostic(Rule::BlockingCallInAsync, message, call.range());
    checker.report(diagnostic);
}

/// In-process transports of httpx: a client built on one sends nothing over
/// the network.
const IN_PROCESS_TRANSPORTS: &[&str] = &[
    "httpx.MockTransport",
    "httpx.ASGITransport",
    "httpx.WSGITransport",
];

/// Whether the call is made on a local client built in view with an
/// in-process transport (`httpx.Client(transport=httpx.MockTransport(...))`).
fn has_in_process_transport(checker: &Checker, call: &ExprCall) -> bool {
    let Expr::Attribute(attribute) = call.func.as_ref() else {
        return false;
    };
    let Some(receiver) = attribute.value.as_name_expr() else {
        return false;
    };
    let Some(Expr::Call(constructor)) = checker
        .semantic
        .lookup(receiver.id.as_str())
        .and_then(|binding| binding.value)
    else {
        return false;
    };
    constructor
        .arguments
        .find_keyword("transport")
        .and_then(|keyword| keyword.value.as_call_expr())
        .and_then(|transport| checker.semantic.qualified_name(&transport.func))
        .is_some_and(|name| IN_PROCESS_TRANSPORTS.contains(&name.as_str()))
}
