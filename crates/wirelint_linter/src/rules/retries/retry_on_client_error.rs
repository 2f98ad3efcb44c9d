//! # retry-on-client-error (WL304)
//!
//! ## What it does
//! Flags retry classification that includes a non-retryable status:
//! - a retry status collection holding 400, 401, 403, 404 or 422 (as a
//!   number, an `http.HTTPStatus` member, or inside a `range(...)`): the
//!   value of `status_forcelist=` (urllib3 `Retry`, `requests`), of a keyword
//!   or parameter named like `retry_statuses`, or a set/list/tuple bound to a
//!   name containing `RETRY` and `STATUS` (any case: `_RETRYABLE_STATUSES`,
//!   `self.retry_status_codes`);
//! - in a retry loop (see WL301), a handler catching `httpx.HTTPStatusError`
//!   or `requests.HTTPError` that lets the loop go on without checking the
//!   status code: no test in the handler reads the caught error, and neither
//!   the handler nor the `try` body (which may raise only for some
//!   statuses) reads a `status_code`.
//!
//! Names that say the list is *not* retried (`NON_RETRYABLE_STATUSES`,
//! `NO_RETRY_STATUS_CODES`, `FATAL_STATUSES`...) are left alone. 408, 409,
//! 429 and 5xx are the retryable statuses.
//!
//! No fix: dropping a status from the list changes behaviour.
//!
//! ## Why is this bad?
//! A 4xx other than 408/409/429 means the request itself is wrong (bad
//! input, bad credentials, missing resource). Sending it again cannot
//! succeed: it only delays the error, hides the caller's bug and spends the
//! rate limit.
//!
//! ## Example
//! ```python
//! retry = Retry(total=3, status_forcelist=[404, 429, 500, 502, 503])
//!
//! for attempt in range(3):
//!     try:
//!         return client.get(url).raise_for_status()
//!     except httpx.HTTPStatusError:
//!         time.sleep(random.uniform(0, 2**attempt))
//! ```
//!
//! ## Use instead
//! ```python
//! _RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
//! retry = Retry(total=3, status_forcelist=_RETRYABLE_STATUSES)
//!
//! for attempt in range(3):
//!     try:
//!         return client.get(url).raise_for_status()
//!     except httpx.HTTPStatusError as error:
//!         if error.response.status_code not in _RETRYABLE_STATUSES:
//!             raise
//!         time.sleep(random.uniform(0, 2**attempt))
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Retry Policy" (classify retryable errors)

use ruff_python_ast::{self as ast, Expr, ExprCall, Number, Stmt, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashSet;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::retries::settled_loops;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::retry::{collection_elements, contains_ignoring_case};
use crate::semantic::retry_loops::RetryLoop;
use crate::semantic::{BindingKind, CallTarget};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL304",
    name: "retry-on-client-error",
    family: Family::Retries,
    status: Status::Stable,
    summary: "A retry classification includes a non-retryable 4xx status.",
    boundary: false,
    markers: &[
        Marker::NetworkImport,
        Marker::Word("retr"),
        Marker::Word("Retr"),
        Marker::Word("RETR"),
        Marker::Word("status_forcelist"),
    ],
    fix: FixAvailability::None,
    hooks: Hooks {
        stmt: Some(check_stmt),
        call: Some(check_call),
        enter_function: Some(check_parameters),
        leave_body: Some(check_loops),
        ..Hooks::NONE
    },
};

/// The statuses the policy says must not be retried.
const CLIENT_ERRORS: [u64; 5] = [400, 401, 403, 404, 422];

/// `http.HTTPStatus` members of those statuses.
const CLIENT_ERROR_MEMBERS: &[(&str, u64)] = &[
    ("BAD_REQUEST", 400),
    ("UNAUTHORIZED", 401),
    ("FORBIDDEN", 403),
    ("NOT_FOUND", 404),
    ("UNPROCESSABLE_ENTITY", 422),
    ("UNPROCESSABLE_CONTENT", 422),
];

/// Exceptions raised for an error status (`raise_for_status()`).
const STATUS_ERRORS: &[&str] = &[
    "httpx.HTTPStatusError",
    "requests.HTTPError",
    "requests.exceptions.HTTPError",
];

/// Parts of a name that say its statuses are *not* retried.
const NEGATIONS: &[&str] = &[
    "non",
    "not",
    "no_",
    "dont",
    "never",
    "skip",
    "exclud",
    "ignor",
    "fatal",
    "permanent",
    "unretr",
    "terminal",
];

/// Whether a name holds the statuses that are retried: it contains `retr`
/// and `status`, and nothing saying "not".
fn is_retry_status_name(name: &str) -> bool {
    name.len() >= "retrystatus".len()
        && contains_ignoring_case(name, "retr")
        && contains_ignoring_case(name, "status")
        && !NEGATIONS
            .iter()
            .any(|word| contains_ignoring_case(name, word))
}

fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    let (targets, value): (Vec<&Expr>, &Expr) = match stmt {
        Stmt::Assign(assign) => (assign.targets.iter().collect(), &assign.value),
        Stmt::AnnAssign(ast::StmtAnnAssign {
            target,
            value: Some(value),
            ..
        }) => (vec![target.as_ref()], value),
        _ => return,
    };
    for target in targets {
        let holder = match target {
            Expr::Name(name) => name.id.as_str(),
            Expr::Attribute(attribute) => attribute.attr.as_str(),
            _ => continue,
        };
        if is_retry_status_name(holder) {
            check_collection(checker, value, holder, false);
        }
    }
}

fn check_call(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    for keyword in &call.arguments.keywords {
        let Some(arg) = &keyword.arg else {
            continue;
        };
        let arg = arg.as_str();
        if arg == "status_forcelist" || is_retry_status_name(arg) {
            check_collection(checker, &keyword.value, arg, true);
        }
    }
}

fn check_parameters(checker: &mut Checker, function: &StmtFunctionDef) {
    for parameter in &function.parameters {
        let name = parameter.name().as_str();
        if let Some(default) = parameter.default()
            && is_retry_status_name(name)
        {
            check_collection(checker, default, name, false);
        }
    }
}

/// Reports the client-error statuses in a retry status collection.
/// `follow_names`: a name is followed to the collection it is bound to.
fn check_collection(checker: &mut Checker, value: &Expr, holder: &str, follow_names: bool) {
    let value = match value {
        Expr::Name(name) if follow_names => {
            let bound = checker
                .semantic
                .lookup(name.id.as_str())
                .filter(|binding| binding.kind == BindingKind::Assignment)
                .and_then(|binding| binding.value);
            match bound {
                Some(bound) => bound,
                None => return,
            }
        }
        other => other,
    };
    let elements = match value {
        Expr::Call(_) if range_statuses(checker, value).is_some() => vec![value],
        _ => match collection_elements(&checker.semantic, value) {
            Some(elements) => elements,
            None => return,
        },
    };
    for element in elements {
        let statuses = match element {
            Expr::Call(_) => range_statuses(checker, element).unwrap_or_default(),
            _ => client_error_status(checker, element).into_iter().collect(),
        };
        if !statuses.is_empty() {
            report_statuses(checker, element.range(), &statuses, holder);
        }
    }
}

fn report_statuses(checker: &mut Checker, range: TextRange, statuses: &[u64], holder: &str) {
    // A status list is reached twice: where it is bound and where it is
    // passed. Report it once.
    if !checker
        .rule_states
        .get_mut::<FxHashSet<TextSize>>(Rule::RetryOnClientError)
        .insert(range.start())
    {
        return;
    }
    let listed: Vec<String> = statuses.iter().map(u64::to_string).collect();
    let message = format!(
        "`{holder}` retries client error {}: retrying it hides a caller bug; retry only \
         408, 409, 429 and 5xx",
        listed.join(", ")
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::RetryOnClientError, message, range);
    checker.report(diagnostic);
}

/// The client-error status an element denotes: `404`, `HTTPStatus.NOT_FOUND`.
fn client_error_status(checker: &Checker, element: &Expr) -> Option<u64> {
    match element {
        Expr::NumberLiteral(ast::ExprNumberLiteral {
            value: Number::Int(int),
            ..
        }) => int.as_u64().filter(|code| CLIENT_ERRORS.contains(code)),
        Expr::Attribute(_) => {
            let qualified = checker.semantic.qualified_name(element)?;
            let member = qualified.strip_prefix("http.HTTPStatus.")?;
            CLIENT_ERROR_MEMBERS
                .iter()
                .find(|(name, _)| *name == member)
                .map(|(_, code)| *code)
        }
        _ => None,
    }
}

/// The client-error statuses a `range(start, stop[, step])` of integer
/// literals covers, or `None` when the expression is not such a range.
fn range_statuses(checker: &Checker, expr: &Expr) -> Option<Vec<u64>> {
    let call = expr.as_call_expr()?;
    if checker.semantic.builtin_name(&call.func) != Some("range") {
        return None;
    }
    let bounds: Option<Vec<u64>> = call
        .arguments
        .args
        .iter()
        .map(|argument| match argument {
            Expr::NumberLiteral(ast::ExprNumberLiteral {
                value: Number::Int(int),
                ..
            }) => int.as_u64(),
            _ => None,
        })
        .collect();
    let (start, stop, step) = match bounds?.as_slice() {
        [stop] => (0, *stop, 1),
        [start, stop] => (*start, *stop, 1),
        [start, stop, step] if *step > 0 => (*start, *stop, *step),
        _ => return None,
    };
    Some(
        CLIENT_ERRORS
            .iter()
            .copied()
            .filter(|code| (start..stop).contains(code) && (code - start) % step == 0)
            .collect(),
    )
}

/// Judges the retry loops of the body just visited.
fn check_loops(checker: &mut Checker) {
    for retry_loop in settled_loops(checker) {
        check_loop(checker, &retry_loop);
    }
}

fn check_loop(checker: &mut Checker, retry_loop: &RetryLoop) {
    for handler in &retry_loop.handlers {
        if !handler.caught.catches_any(STATUS_ERRORS)
            || handler.mentions_status
            || handler.facts.inspects_error
        {
            continue;
        }
        let message = format!(
            "`except {}` retries every error status, 400/401/403/404/422 included: \
             re-raise unless `error.response.status_code` is 408, 409, 429 or 5xx",
            checker.locator.slice(handler.caught.clause)
        );
        let diagnostic =
            checker
                .locator
                .diagnostic(Rule::RetryOnClientError, message, handler.caught.clause);
        checker.report(diagnostic);
    }
}
