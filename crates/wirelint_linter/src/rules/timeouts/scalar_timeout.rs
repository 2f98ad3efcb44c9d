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
//! An `httpx.Timeout(N)` that is only compared configures nothing and is
//! left alone: a name bound to one that the file compares
//! (`client.timeout == _HTTPX_DEFAULT`) and never passes to a call, or the
//! call itself as an operand (`assert client.timeout == httpx.Timeout(5.0)`).
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

use ruff_python_ast::{Expr, ExprCall, ExprCompare, Keyword};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::FxHashMap;

use super::{httpx_timeout_default, httpx_timeout_phases, is_httpx_timeout, judged_target};
use crate::checker::Checker;
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::fix::member_reference;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::{argument_values, callee_text, has_keyword_splat, timeout_keyword};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::names::MAX_EXPR_DEPTH;
use crate::semantic::{CallTarget, CallUse, Library};

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
        expr: Some(note_comparison),
        finish: Some(finish),
        ..Hooks::NONE
    },
};

/// What the file does with the values of `httpx.Timeout(N)`: a timeout
/// that is only ever compared configures nothing.
#[derive(Default)]
struct ComparedTimeouts {
    /// `X = httpx.Timeout(N)` findings, by name, decided at the end of the
    /// file.
    candidates: Vec<(String, Diagnostic)>,
    /// For each candidate name: whether it was passed to a call, and whether
    /// it was an operand of a comparison (`t == X`, `t.as_dict() !=
    /// X.as_dict()`).
    uses: FxHashMap<String, (bool, bool)>,
    /// `httpx.Timeout(N)` calls that are themselves compared
    /// (`assert client.timeout == httpx.Timeout(5.0)`).
    compared_calls: Vec<TextRange>,
}

#[inline]
fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if has_named_timeouts(checker) {
        note_passed_timeouts(checker, call);
    }
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
    let compared = checker
        .rule_states
        .get::<ComparedTimeouts>(Rule::ScalarTimeout)
        .is_some_and(|state| state.compared_calls.contains(&call.range()));
    if compared {
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
    // `X = httpx.Timeout(N)`: decided at the end of the file, once every
    // read of `X` is known.
    if matches!(
        checker.semantic.call_use(call),
        Some(CallUse::AssignedTo | CallUse::AssignedToGlobal)
    ) && let Some(name) = checker.semantic.assigned_name(call)
    {
        let state = checker
            .rule_states
            .get_mut::<ComparedTimeouts>(Rule::ScalarTimeout);
        state.uses.entry(name.to_string()).or_default();
        state.candidates.push((name.to_string(), diagnostic));
        return;
    }
    checker.report(diagnostic);
}

/// Notes candidate names passed to a call, directly or inside a
/// container or conditional argument (`timeout=X`, `{"timeout": X}`).
fn note_passed_timeouts(checker: &mut Checker, call: &ExprCall) {
    let state = checker
        .rule_states
        .get_mut::<ComparedTimeouts>(Rule::ScalarTimeout);
    let arguments = argument_values(call);
    for argument in arguments {
        note_passed(state, argument, 0);
    }
}

fn note_passed(state: &mut ComparedTimeouts, value: &Expr, depth: u32) {
    if depth > MAX_EXPR_DEPTH {
        return;
    }
    match value {
        Expr::Name(name) => {
            if let Some((passed, _)) = state.uses.get_mut(name.id.as_str()) {
                *passed = true;
            }
        }
        Expr::Dict(dict) => {
            for item in dict {
                note_passed(state, &item.value, depth + 1);
            }
        }
        Expr::Tuple(tuple) => {
            for element in &tuple.elts {
                note_passed(state, element, depth + 1);
            }
        }
        Expr::If(if_expr) => {
            note_passed(state, &if_expr.body, depth + 1);
            note_passed(state, &if_expr.orelse, depth + 1);
        }
        Expr::BoolOp(bool_op) => {
            for alternative in &bool_op.values {
                note_passed(state, alternative, depth + 1);
            }
        }
        _ => {}
    }
}

/// Notes the operands of a comparison: a candidate name read there
/// (directly or through attributes and method calls), or an
/// `httpx.Timeout(...)` call compared as it is.
#[inline]
fn note_comparison(checker: &mut Checker, expr: &Expr) {
    if let Expr::Compare(compare) = expr {
        note_compared_operands(checker, compare);
    }
}

/// Whether the file bound a name to `httpx.Timeout(N)` so far.
#[inline]
fn has_named_timeouts(checker: &Checker) -> bool {
    checker
        .rule_states
        .get::<ComparedTimeouts>(Rule::ScalarTimeout)
        .is_some_and(|state| !state.uses.is_empty())
}

fn note_compared_operands(checker: &mut Checker, compare: &ExprCompare) {
    let has_candidates = has_named_timeouts(checker);
    for operand in std::iter::once(compare.left.as_ref()).chain(&compare.comparators) {
        if let Expr::Call(call) = operand
            && is_timeout_call(call)
        {
            checker
                .rule_states
                .get_mut::<ComparedTimeouts>(Rule::ScalarTimeout)
                .compared_calls
                .push(call.range());
            continue;
        }
        if !has_candidates {
            continue;
        }
        let Some(root) = operand_root(operand) else {
            continue;
        };
        let state = checker
            .rule_states
            .get_mut::<ComparedTimeouts>(Rule::ScalarTimeout);
        if let Some((_, compared)) = state.uses.get_mut(root) {
            *compared = true;
        }
    }
}

/// `Timeout(...)`, `httpx.Timeout(...)`: whatever it resolves to, the rule
/// judges only `httpx.Timeout`.
fn is_timeout_call(call: &ExprCall) -> bool {
    match call.func.as_ref() {
        Expr::Attribute(attribute) => attribute.attr.as_str() == "Timeout",
        Expr::Name(name) => name.id.as_str() == "Timeout",
        _ => false,
    }
}

/// The name a comparison operand reads: `X`, `X.connect`, `X.as_dict()`.
fn operand_root(operand: &Expr) -> Option<&str> {
    let mut cursor = operand;
    for _ in 0..MAX_EXPR_DEPTH {
        match cursor {
            Expr::Name(name) => return Some(name.id.as_str()),
            Expr::Attribute(attribute) => cursor = &attribute.value,
            Expr::Call(call) if call.arguments.is_empty() => cursor = &call.func,
            _ => return None,
        }
    }
    None
}

/// Reports the named timeouts, except those compared and never passed to a
/// call: a sentinel such as `_HTTPX_DEFAULT = httpx.Timeout(5.0)`, compared
/// with a client's timeout to tell whether it was configured, sets no
/// budget.
fn finish(checker: &mut Checker) {
    let state: ComparedTimeouts = checker.rule_states.take(Rule::ScalarTimeout);
    for (name, diagnostic) in state.candidates {
        let (passed, compared) = state.uses.get(&name).copied().unwrap_or_default();
        if passed || !compared {
            checker.report(diagnostic);
        }
    }
}
