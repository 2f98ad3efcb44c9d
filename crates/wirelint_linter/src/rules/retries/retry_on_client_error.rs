//! # retry-on-client-error (WL304)
//!
//! ## What it does
//! Flags retry classification that sends a request again after a
//! non-retryable status (400, 401, 403, 404 or 422):
//! - a retry policy's status collection holding one of them (as a number, an
//!   `http.HTTPStatus` member, or inside a `range(...)`): the value of
//!   `status_forcelist=` (urllib3 `Retry`, `requests`) or of a keyword named
//!   like `retry_statuses`;
//! - a set/list/tuple bound to a name containing `RETRY` and `STATUS` (any
//!   case: `_RETRYABLE_STATUSES`, `self.retry_status_codes`, a parameter
//!   default) holding one of them, once the file shows the collection
//!   feeding a retry of the same request: passed as `status_forcelist=`,
//!   tested (`status in RETRY_STATUSES`, in an `if`/`while` test, a
//!   `return` or an assignment) inside a retry loop (see WL301), or tested
//!   so inside a function that a retry loop calls or a tenacity
//!   `retry_if_exception(...)`/`retry_if_result(...)` takes as its
//!   predicate;
//! - in a retry loop, a handler catching `httpx.HTTPStatusError` or
//!   `requests.HTTPError` around a `try` body that calls
//!   `raise_for_status()` and that lets the loop go on without checking the
//!   status code: no test in the handler reads the caught error, and
//!   neither the handler nor the `try` body (which may raise only for some
//!   statuses) reads a `status_code`;
//! - in a retry loop with no `try` (a request, then a status test that
//!   leaves on success or goes on to another attempt on failure), a status
//!   test that sends the request again for one of them: `if r.status_code
//!   == 200: return r` followed by a sleep retries every other status, and
//!   `if r.status_code >= 400: continue` retries the client errors too. A
//!   failure path that classifies the status is not flagged: it reads the
//!   status again, calls `raise_for_status()`, or tests the response or a
//!   predicate (`if self._recoverable(response): ...`). A raise on the last
//!   attempt alone (`if attempt == 2: raise`) does not classify.
//!
//! Only a retry that sends the *same* request again counts: a loop whose
//! request reads a name the loop rebinds (`client.get(urls[attempt])`,
//! `for url in mirrors:`) falls back to a different request, and a 404
//! there moves on to the next candidate. A loop that decides through a
//! helper's answer (`reason = self._retry_reason(r)`, then `if reason is
//! None: return r`) is not a retry loop the model recognises, so a
//! collection tested only in that helper is not followed; and a name alone
//! is not enough: it needs one of the uses above. Names that say the list is *not* retried
//! (`NON_RETRYABLE_STATUSES`, `NO_RETRY_STATUS_CODES`, `FATAL_STATUSES`...)
//! are left alone. 408, 409, 429 and 5xx are the retryable statuses.
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
//!
//! for attempt in range(3):
//!     response = client.get(url)
//!     if response.status_code == 200:
//!         return response
//!     time.sleep(random.uniform(0, 2**attempt))
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
//!
//! for attempt in range(3):
//!     response = client.get(url)
//!     if response.status_code not in _RETRYABLE_STATUSES:
//!         return response.raise_for_status()
//!     time.sleep(random.uniform(0, 2**attempt))
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Retry Policy" (classify retryable errors)

use ruff_python_ast::{self as ast, CmpOp, Expr, ExprCall, Number, Stmt, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashSet;

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::snippet;
use crate::rules::retries::settled_loops;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::retry::{collection_elements, is_retry_status_name};
use crate::semantic::retry_loops::RetryLoop;
use crate::semantic::{BindingKind, CallTarget, ScopeId};

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
        finish: Some(finish),
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

/// What the rule keeps while the file is visited.
#[derive(Debug, Default)]
struct State {
    /// Element starts already reported (a collection is reached where it
    /// is bound and where it is passed).
    reported: FxHashSet<TextSize>,
    /// Client errors in collections bound to retry-status names, reported
    /// once the file shows the collection feeding a retry.
    candidates: Vec<Candidate>,
    /// Holders shown to feed a retry.
    fed: FxHashSet<Holder>,
    /// Membership tests of holders (`status in RETRY_STATUSES`) in the body
    /// being visited, by offset; decided when its retry loops are settled.
    tests: Vec<HolderTest>,
    /// Holders tested in a function, by the function's name.
    tested_in_functions: Vec<(String, Holder)>,
    /// Functions called in the body being visited, by offset.
    calls: Vec<(String, TextSize, Option<ScopeId>)>,
    /// Functions that decide a retry: called in a retry loop, or a tenacity
    /// predicate.
    predicates: FxHashSet<String>,
}

/// A collection's name and the scope that binds it (the class, for
/// `self.retry_statuses`); `None` when the model cannot tell.
type Holder = (Option<ScopeId>, String);

#[derive(Debug)]
struct Candidate {
    holder: Holder,
    range: TextRange,
    statuses: Vec<u64>,
}

#[derive(Debug)]
struct HolderTest {
    holder: Holder,
    at: TextSize,
    scope: Option<ScopeId>,
}

fn state<'c>(checker: &'c mut Checker) -> &'c mut State {
    checker.rule_states.get_mut(Rule::RetryOnClientError)
}

fn check_stmt(checker: &mut Checker, stmt: &Stmt) {
    note_membership_tests(checker, stmt);
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
        let Some(name) = holder_name(target) else {
            continue;
        };
        if !is_retry_status_name(name) {
            continue;
        }
        // The target is bound after this hook: a name belongs to the
        // current scope.
        let scope = match target {
            Expr::Name(_) => Some(checker.semantic.current_scope_id()),
            _ => holder_of(checker, target).and_then(|(scope, _)| scope),
        };
        note_candidates(checker, value, &(scope, name.to_string()));
    }
}

/// Where a read collection is held: a name's binding scope, the class of
/// `self.attr`.
fn holder_of(checker: &Checker, expr: &Expr) -> Option<Holder> {
    match expr {
        Expr::Name(name) => {
            let scope = checker
                .semantic
                .lookup_with_scope(name.id.as_str())
                .map(|(scope, _)| scope);
            Some((scope, name.id.to_string()))
        }
        Expr::Attribute(attribute) => {
            let scope = attribute
                .value
                .as_name_expr()
                .and_then(|receiver| checker.semantic.receiver_class_scope(receiver.id.as_str()));
            Some((scope, attribute.attr.to_string()))
        }
        _ => None,
    }
}

/// The name a collection is held under: `NAME`, or `attr` of `x.attr`.
fn holder_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        _ => None,
    }
}

fn check_call(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    note_retry_predicates(checker, call);
    for keyword in &call.arguments.keywords {
        let Some(arg) = &keyword.arg else {
            continue;
        };
        let arg = arg.as_str();
        if arg == "status_forcelist" || is_retry_status_name(arg) {
            // Passed to a retry policy: it feeds a retry. A retry-status
            // name is reported where it is bound, under its own name.
            if holder_name(&keyword.value).is_some_and(is_retry_status_name) {
                if let Some(holder) = holder_of(checker, &keyword.value) {
                    state(checker).fed.insert(holder);
                }
                continue;
            }
            for (range, statuses) in client_errors(checker, &keyword.value, true) {
                report_statuses(checker, range, &statuses, arg);
            }
        }
    }
}

fn check_parameters(checker: &mut Checker, function: &StmtFunctionDef) {
    for parameter in &function.parameters {
        let name = parameter.name().as_str();
        if let Some(default) = parameter.default()
            && is_retry_status_name(name)
        {
            let scope = checker.semantic.current_scope_id();
            note_candidates(checker, default, &(Some(scope), name.to_string()));
        }
    }
}

/// Keeps the client errors of a collection bound to a retry-status name,
/// until the file shows it feeding a retry.
fn note_candidates(checker: &mut Checker, value: &Expr, holder: &Holder) {
    let found = client_errors(checker, value, false);
    let state = state(checker);
    state
        .candidates
        .extend(found.into_iter().map(|(range, statuses)| Candidate {
            holder: holder.clone(),
            range,
            statuses,
        }));
}

/// The tests of a branch, loop or `return` that may test a status
/// collection: `if status in RETRY_STATUSES:`, `return code in
/// self.retry_status_codes`.
fn note_membership_tests(checker: &mut Checker, stmt: &Stmt) {
    match stmt {
        Stmt::If(stmt_if) => {
            note_membership_test(checker, &stmt_if.test, 0);
            for clause in &stmt_if.elif_else_clauses {
                if let Some(test) = &clause.test {
                    note_membership_test(checker, test, 0);
                }
            }
        }
        Stmt::While(stmt_while) => note_membership_test(checker, &stmt_while.test, 0),
        Stmt::Return(ast::StmtReturn {
            value: Some(value), ..
        }) => note_membership_test(checker, value, 0),
        Stmt::Assign(assign) => note_membership_test(checker, &assign.value, 0),
        _ => {}
    }
}

/// `status in RETRY_STATUSES`, `code not in self.retry_status_codes`, also
/// inside `and`/`or`/`not`: a test of a retry-status collection, kept with
/// where it stands.
fn note_membership_test(checker: &mut Checker, expr: &Expr, depth: u32) {
    if depth > 8 {
        return;
    }
    let compare = match expr {
        Expr::BoolOp(bool_op) => {
            for value in &bool_op.values {
                note_membership_test(checker, value, depth + 1);
            }
            return;
        }
        Expr::UnaryOp(unary) => return note_membership_test(checker, &unary.operand, depth + 1),
        Expr::Compare(compare) => compare,
        _ => return,
    };
    for (op, comparator) in compare.ops.iter().zip(&compare.comparators) {
        if !matches!(op, CmpOp::In | CmpOp::NotIn)
            || !holder_name(comparator).is_some_and(is_retry_status_name)
        {
            continue;
        }
        let Some(holder) = holder_of(checker, comparator) else {
            continue;
        };
        let scope = checker.semantic.current_function_scope();
        let function = checker
            .semantic
            .statements
            .function()
            .map(|function| function.name.to_string());
        let state = state(checker);
        if let Some(function) = function {
            state.tested_in_functions.push((function, holder.clone()));
        }
        state.tests.push(HolderTest {
            holder,
            at: compare.start(),
            scope,
        });
    }
}

/// Functions a retry consults: called in a loop (judged once its loops are
/// settled), or given to tenacity as the retry predicate.
fn note_retry_predicates(checker: &mut Checker, call: &ExprCall) {
    if checker.semantic.retry_loop_open()
        && let Some(name) = called_function(&call.func)
    {
        let name = name.to_string();
        let scope = checker.semantic.current_function_scope();
        state(checker).calls.push((name, call.start(), scope));
    }
    if !checker.semantic.imports_retry_library() {
        return;
    }
    let helper = checker.semantic.tenacity_helper(&call.func);
    if matches!(
        helper.as_deref(),
        Some("retry_if_exception" | "retry_if_result" | "retry_if_not_result")
    ) && let Some(predicate) = call.arguments.args.first().and_then(called_function)
    {
        let predicate = predicate.to_string();
        state(checker).predicates.insert(predicate);
    }
}

/// `name` of `name(...)`, `self.name(...)`, `cls.name(...)`.
fn called_function(func: &Expr) -> Option<&str> {
    match func {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute)
            if attribute
                .value
                .as_name_expr()
                .is_some_and(|receiver| matches!(receiver.id.as_str(), "self" | "cls")) =>
        {
            Some(attribute.attr.as_str())
        }
        _ => None,
    }
}

/// The client errors of a status collection, by element.
/// `follow_names`: a name is followed to the collection it is bound to.
fn client_errors(
    checker: &Checker,
    value: &Expr,
    follow_names: bool,
) -> Vec<(TextRange, Vec<u64>)> {
    let value = match value {
        Expr::Name(name) if follow_names => {
            let bound = checker
                .semantic
                .lookup(name.id.as_str())
                .filter(|binding| binding.kind == BindingKind::Assignment)
                .and_then(|binding| binding.value);
            match bound {
                Some(bound) => bound,
                None => return Vec::new(),
            }
        }
        other => other,
    };
    let elements = match value {
        Expr::Call(_) if range_statuses(checker, value).is_some() => vec![value],
        _ => match collection_elements(&checker.semantic, value) {
            Some(elements) => elements,
            None => return Vec::new(),
        },
    };
    elements
        .into_iter()
        .filter_map(|element| {
            let statuses = match element {
                Expr::Call(_) => range_statuses(checker, element).unwrap_or_default(),
                _ => client_error_status(checker, element).into_iter().collect(),
            };
            (!statuses.is_empty()).then(|| (element.range(), statuses))
        })
        .collect()
}

fn report_statuses(checker: &mut Checker, range: TextRange, statuses: &[u64], holder: &str) {
    if !state(checker).reported.insert(range.start()) {
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

/// Judges the retry loops of the body just visited, and the collection
/// tests and calls made in it.
fn check_loops(checker: &mut Checker) {
    let loops = settled_loops(checker);
    let pending = state(checker);
    if loops.is_empty() && pending.tests.is_empty() && pending.calls.is_empty() {
        return;
    }
    let scope = checker.semantic.current_function_scope();
    let retrying = |at: TextSize| {
        loops
            .iter()
            .any(|retry_loop| retry_loop.same_request && retry_loop.body.contains(at))
    };
    let state = state(checker);
    let (mine, others): (Vec<HolderTest>, Vec<HolderTest>) = std::mem::take(&mut state.tests)
        .into_iter()
        .partition(|test| test.scope == scope);
    state.tests = others;
    for test in mine {
        if retrying(test.at) {
            state.fed.insert(test.holder);
        }
    }
    let (mine, others): (Vec<_>, Vec<_>) = std::mem::take(&mut state.calls)
        .into_iter()
        .partition(|(_, _, call_scope)| *call_scope == scope);
    state.calls = others;
    for (name, at, _) in mine {
        if retrying(at) {
            state.predicates.insert(name);
        }
    }
    for retry_loop in loops {
        check_loop(checker, &retry_loop);
    }
}

fn check_loop(checker: &mut Checker, retry_loop: &RetryLoop) {
    if !retry_loop.same_request {
        return;
    }
    for handler in &retry_loop.handlers {
        if !handler.caught.catches_any(STATUS_ERRORS)
            || !handler.status_raised
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
    for status_retry in &retry_loop.status_retries {
        let client_errors: Vec<String> = CLIENT_ERRORS
            .iter()
            .filter(|status| {
                u16::try_from(**status).is_ok_and(|status| status_retry.retried.contains(status))
            })
            .map(u64::to_string)
            .collect();
        if status_retry.classified || client_errors.is_empty() {
            continue;
        }
        let message = format!(
            "`{}` sends the request again after client error {}: retry only 408, 409, 429 \
             and 5xx, and raise the others",
            snippet(checker, status_retry.test),
            client_errors.join(", ")
        );
        let diagnostic =
            checker
                .locator
                .diagnostic(Rule::RetryOnClientError, message, status_retry.test);
        checker.report(diagnostic);
    }
}

/// Reports the retry-status collections the file showed feeding a retry.
fn finish(checker: &mut Checker) {
    let mut state: State = checker.rule_states.take(Rule::RetryOnClientError);
    for (function, holder) in std::mem::take(&mut state.tested_in_functions) {
        if state.predicates.contains(&function) {
            state.fed.insert(holder);
        }
    }
    let candidates = std::mem::take(&mut state.candidates);
    let fed = std::mem::take(&mut state.fed);
    *checker
        .rule_states
        .get_mut::<State>(Rule::RetryOnClientError) = state;
    for candidate in candidates {
        if fed.contains(&candidate.holder) {
            report_statuses(
                checker,
                candidate.range,
                &candidate.statuses,
                &candidate.holder.1,
            );
        }
    }
}
