//! # scalar-timeout (WL201)
//!
//! ## What it does
//! Flags a single-number timeout given to a network client or call:
//! `timeout=<number>` (a literal, arithmetic over literals, or a module
//! constant bound to one) passed to a client constructor
//! (`httpx.Client(timeout=30)`), a client call
//! (`client.chat.completions.create(..., timeout=30)`) or a module-level call
//! of a network library (`requests.get(url, timeout=5)`); and
//! `httpx.Timeout(<number>)` with no per-phase keyword.
//!
//! ## Why is this bad?
//! A connection spends its time in four places: connecting (TCP and TLS),
//! reading, writing, and waiting for a free slot in the connection pool. One
//! number gives all four the same budget and, when it trips, hides which one
//! did. A 30-second budget that was meant for a slow model response also lets
//! a dead host hang the connect for 30 seconds, and a pool timeout, the one
//! that masquerades as a "slow server", is never tuned at all.
//!
//! `urllib.request.urlopen` and `socket` are exempt: they have no structured
//! form. So are `slack_sdk` and `twilio` clients, which accept only a number.
//!
//! ## Example
//! ```python
//! import httpx
//! import requests
//!
//! client = httpx.Client(timeout=30)
//! response = requests.get(url, timeout=10)
//! ```
//!
//! ## Use instead
//! ```python
//! import httpx
//! import requests
//!
//! client = httpx.Client(timeout=httpx.Timeout(30, connect=5, read=30, write=30, pool=5))
//! response = requests.get(url, timeout=(3.05, 10))  # (connect, read)
//! ```
//!
//! ## Fix
//! Safe: the fix spells out the same budget for every phase, which changes
//! nothing at run time and leaves a structure to tune. For httpx and the SDKs
//! built on it (openai, anthropic) `timeout=N` becomes
//! `httpx.Timeout(N, connect=N, read=N, write=N, pool=N)`, through the
//! file's `import httpx` or `from httpx import Timeout`, or adding
//! `import httpx` where isort and Ruff would sort it; for requests it
//! becomes `(N, N)`.
//! `httpx.Timeout(N)` gains `connect=N, read=N, write=N, pool=N`. Other
//! libraries get no fix; the message names their structured type.
//!
//! ## References
//! - `docs/policy.md`, "Timeout Granularity"

use ruff_python_ast::{ExprCall, Keyword};
use ruff_text_size::{Ranged, TextRange};

use super::{httpx_timeout_default, httpx_timeout_phases, is_httpx_timeout, judged_target};
use crate::checker::Checker;
use crate::diagnostic::{Applicability, Fix};
use crate::fix::member_reference;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::{callee_text, has_keyword_splat, timeout_keyword};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::{CallTarget, Library};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL201",
    name: "scalar-timeout",
    family: Family::Timeouts,
    status: Status::Stable,
    summary: "A single-number timeout hides which budget (connect, read, write, pool) tripped.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::Sometimes(Applicability::Safe),
    hooks: Hooks {
        call: Some(check_call),
        ..Hooks::NONE
    },
};

fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if let Some(target) = judged_target(target) {
        check(checker, call, target);
    }
}

fn check(checker: &mut Checker, call: &ExprCall, target: &CallTarget) {
    if is_httpx_timeout(target) {
        check_httpx_timeout(checker, call);
        return;
    }
    let Some(library) = target.library() else {
        return;
    };
    if !library.has_structured_timeout() {
        return;
    }
    let Some(keyword) = timeout_keyword(call) else {
        return;
    };
    if !checker.semantic.is_numeric_constant(&keyword.value) {
        return;
    }
    let value = checker.locator.slice(keyword.value.range());
    let message = format!(
        "`timeout={value}` gives `{}` one budget for every phase; {}",
        callee_text(checker, call),
        structured_hint(library)
    );
    let mut diagnostic = checker
        .locator
        .diagnostic(Rule::ScalarTimeout, message, keyword.range());
    diagnostic.fix = scalar_fix(checker, library, keyword, value);
    checker.report(diagnostic);
}

/// What to use instead, for the message.
fn structured_hint(library: Library) -> &'static str {
    match library {
        Library::Requests => "pass a `(connect, read)` tuple",
        Library::Aiohttp => "pass `aiohttp.ClientTimeout(connect=..., sock_read=...)`",
        Library::Urllib3 => "pass `urllib3.Timeout(connect=..., read=...)`",
        library if library.takes_httpx_timeout() => {
            "pass `httpx.Timeout(...)` with connect, read, write and pool"
        }
        _ => "configure per-phase timeouts on the client's HTTP transport",
    }
}

fn scalar_fix(checker: &Checker, library: Library, keyword: &Keyword, value: &str) -> Option<Fix> {
    let value_range = keyword.value.range();
    if library == Library::Requests {
        let edit = checker
            .locator
            .edit(value_range, format!("({value}, {value})"));
        return Some(Fix {
            applicability: Applicability::Safe,
            message: format!("Replace with `({value}, {value})` (connect, read)"),
            edits: vec![edit],
        });
    }
    if !library.takes_httpx_timeout() {
        return None;
    }
    let (timeout, import_edit) = member_reference(checker, "httpx", "Timeout", value_range.start());
    let replacement =
        format!("{timeout}({value}, connect={value}, read={value}, write={value}, pool={value})");
    let mut edits = vec![checker.locator.edit(value_range, replacement)];
    edits.extend(import_edit);
    Some(Fix {
        applicability: Applicability::Safe,
        message: format!("Replace with `{timeout}(...)` setting each phase to `{value}`"),
        edits,
    })
}

/// `httpx.Timeout(N)`: a structured type holding a single number.
fn check_httpx_timeout(checker: &mut Checker, call: &ExprCall) {
    if has_keyword_splat(call) || httpx_timeout_phases(call).next().is_some() {
        return;
    }
    let Some(default) = httpx_timeout_default(call) else {
        return;
    };
    if !checker.semantic.is_numeric_constant(default) {
        return;
    }
    let value = checker.locator.slice(default.range());
    let message = format!(
        "`{}` sets the same {value}s budget for connect, read, write and pool; set each phase",
        checker.locator.slice(call.range())
    );
    let mut diagnostic = checker
        .locator
        .diagnostic(Rule::ScalarTimeout, message, call.range());
    let phases = format!(", connect={value}, read={value}, write={value}, pool={value}");
    let edit = checker
        .locator
        .edit(TextRange::empty(default.end()), phases);
    diagnostic.fix = Some(Fix {
        applicability: Applicability::Safe,
        message: format!("Spell out `connect`, `read`, `write` and `pool` as `{value}`"),
        edits: vec![edit],
    });
    checker.report(diagnostic);
}
