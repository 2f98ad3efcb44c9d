//! # idempotency-key-per-attempt (WL307)
//!
//! ## What it does
//! Flags an idempotency key generated (`uuid.uuid4()`, `uuid.uuid1()`,
//! `secrets.token_hex()`, any `secrets.token_*`) inside a retry loop's body
//! (see WL301; tenacity's `for attempt in Retrying(...)` included) or inside
//! a function decorated with a retry decorator (tenacity `@retry`,
//! `@backoff.on_exception`), so every attempt sends a new key.
//!
//! A generated value counts as an idempotency key when it is passed as
//! `idempotency_key=`, put under an `Idempotency-Key` (or `idempotency_key`)
//! entry of a mapping, or assigned to a name that is then used so, or to a
//! name that mentions idempotency. A fresh id per attempt used for anything
//! else (a trace or request id) is not flagged, and neither is a key made
//! only when there is none yet (`key = key or str(uuid.uuid4())`, or under
//! `if key is None:`), which later attempts keep.
//!
//! No fix: moving the key changes which attempts share it.
//!
//! ## Why is this bad?
//! The server deduplicates requests by key. A new key on each attempt makes
//! every retry look like a new operation: a write whose first response was
//! lost is performed twice, exactly what the key was meant to prevent.
//!
//! ## Example
//! ```python
//! for attempt in range(3):
//!     idempotency_key = str(uuid.uuid4())
//!     try:
//!         return client.post(url, json=body, headers={"Idempotency-Key": idempotency_key})
//!     except httpx.TransportError:
//!         if attempt == 2:
//!             raise
//!         time.sleep(random.uniform(0, 2**attempt))
//! ```
//!
//! ## Use instead
//! ```python
//! idempotency_key = str(uuid.uuid4())  # once per logical operation
//! for attempt in range(3):
//!     try:
//!         return client.post(url, json=body, headers={"Idempotency-Key": idempotency_key})
//!     except httpx.TransportError:
//!         if attempt == 2:
//!             raise
//!         time.sleep(random.uniform(0, 2**attempt))
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Retry Policy" (generated once per logical
//!   operation, not per attempt)

use ruff_python_ast::{Expr, ExprCall, ExprContext, ExprDict, ExprName, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::snippet;
use crate::rules::retries::settled_loops;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::names::read_names;
use crate::semantic::retry::mentions_idempotency;
use crate::semantic::{CallTarget, ScopeId, ScopeKind};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL307",
    name: "idempotency-key-per-attempt",
    family: Family::Retries,
    status: Status::Stable,
    summary: "An idempotency key is generated on every attempt instead of once.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        stmt: Some(note_stmt),
        name: Some(note_name),
        dict: Some(note_dict),
        call: Some(note_call),
        leave_body: Some(settle),
        ..Hooks::NONE
    },
};

/// Where generated values go, and the keys seen, judged when their body is
/// settled.
#[derive(Debug, Default)]
struct State {
    /// Value ranges whose value ends up as an idempotency key, or assigned
    /// to a plain name.
    contexts: Vec<(TextRange, Context)>,
    /// Fresh values assigned to a name, not (yet) seen used as a key.
    pending: Vec<(String, Generated)>,
    /// Fresh values used as a key.
    keys: Vec<Generated>,
}

#[derive(Debug)]
enum Context {
    /// The value is (part of) an idempotency key.
    Key,
    /// The value is assigned to this name.
    AssignedTo(String),
    /// The body of an `if` whose test reads these names.
    Guarded(Vec<String>),
}

#[derive(Clone, Debug)]
struct Generated {
    range: TextRange,
    scope: Option<ScopeId>,
    callee: String,
}

fn state<'c>(checker: &'c mut Checker) -> &'c mut State {
    checker.rule_states.get_mut(Rule::IdempotencyKeyPerAttempt)
}

/// Keys only matter where attempts repeat.
fn worth_tracking(checker: &Checker) -> bool {
    checker.semantic.in_retried_function() || checker.semantic.retry_loop_open()
}

fn drop_closed_contexts(checker: &mut Checker, offset: TextSize) {
    state(checker)
        .contexts
        .retain(|(range, _)| range.end() > offset);
}

fn push_context(checker: &mut Checker, range: TextRange, context: Context) {
    state(checker).contexts.push((range, context));
}

fn note_stmt(checker: &mut Checker, stmt: &Stmt) {
    if !worth_tracking(checker) {
        return;
    }
    let (targets, value): (Vec<&Expr>, &Expr) = match stmt {
        Stmt::Assign(assign) => (assign.targets.iter().collect(), &assign.value),
        Stmt::AnnAssign(ann_assign) => match &ann_assign.value {
            Some(value) => (vec![ann_assign.target.as_ref()], value),
            None => return,
        },
        Stmt::If(stmt_if) => {
            // `if key is None: key = uuid4()` makes the key once.
            if let (Some(first), Some(last)) = (stmt_if.body.first(), stmt_if.body.last()) {
                drop_closed_contexts(checker, stmt.start());
                let mut names = Vec::new();
                read_names(&stmt_if.test, &mut names);
                let body = TextRange::new(first.start(), last.end());
                push_context(checker, body, Context::Guarded(names));
            }
            return;
        }
        _ => return,
    };
    drop_closed_contexts(checker, stmt.start());
    for target in targets {
        if let Expr::Name(name) = target
            && makes_once(checker, stmt.start(), name.id.as_str(), value)
        {
            continue;
        }
        match target {
            Expr::Name(name) if mentions_idempotency(name.id.as_str()) => {
                push_context(checker, value.range(), Context::Key);
            }
            Expr::Name(name) => {
                let context = Context::AssignedTo(name.id.to_string());
                push_context(checker, value.range(), context);
            }
            Expr::Attribute(attribute) if mentions_idempotency(attribute.attr.as_str()) => {
                push_context(checker, value.range(), Context::Key);
            }
            _ => {}
        }
    }
}

/// Whether `name = value` keeps an existing key and makes one only when
/// there is none: `key = key or uuid4()`, or under `if key is None:`.
fn makes_once(checker: &mut Checker, offset: TextSize, name: &str, value: &Expr) -> bool {
    let mut read = Vec::new();
    read_names(value, &mut read);
    read.iter().any(|read| read == name)
        || state(checker)
            .contexts
            .iter()
            .any(|(range, context)| {
                range.contains(offset)
                    && matches!(context, Context::Guarded(names) if names.iter().any(|guarded| guarded == name))
            })
}

fn note_dict(checker: &mut Checker, dict: &ExprDict) {
    if !worth_tracking(checker) {
        return;
    }
    drop_closed_contexts(checker, dict.start());
    for item in &dict.items {
        if let Some(Expr::StringLiteral(key)) = &item.key
            && mentions_idempotency(key.value.to_str())
        {
            push_context(checker, item.value.range(), Context::Key);
        }
    }
}

/// A pending fresh value read where a key goes becomes a key.
fn note_name(checker: &mut Checker, name: &ExprName) {
    if name.ctx != ExprContext::Load {
        return;
    }
    let offset = name.start();
    let Some(keys) = checker
        .rule_states
        .get::<State>(Rule::IdempotencyKeyPerAttempt)
    else {
        return;
    };
    if keys.pending.is_empty() {
        return;
    }
    let used_as_key = keys
        .contexts
        .iter()
        .any(|(range, context)| matches!(context, Context::Key) && range.contains(offset));
    if !used_as_key {
        return;
    }
    let scope = checker.semantic.current_function_scope();
    let state = state(checker);
    let (used, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut state.pending)
        .into_iter()
        .partition(|(pending, generated)| pending == name.id.as_str() && generated.scope == scope);
    state.pending = rest;
    state
        .keys
        .extend(used.into_iter().map(|(_, generated)| generated));
}

fn note_call(checker: &mut Checker, call: &ExprCall, _target: Option<&CallTarget>) {
    // What a lambda calls is not part of the enclosing attempt.
    if checker.semantic.current_scope().kind == ScopeKind::Lambda || !worth_tracking(checker) {
        return;
    }
    let offset = call.start();
    drop_closed_contexts(checker, offset);
    for keyword in &call.arguments.keywords {
        if let Some(arg) = &keyword.arg
            && mentions_idempotency(arg.as_str())
        {
            push_context(checker, keyword.value.range(), Context::Key);
        }
    }
    if checker.semantic.key_generator(call).is_none() {
        return;
    }
    let generated = Generated {
        range: call.range(),
        scope: checker.semantic.current_function_scope(),
        callee: snippet(checker, call.func.range()),
    };
    let state = state(checker);
    let mut assigned_to = None;
    for (range, context) in &state.contexts {
        if !range.contains(offset) {
            continue;
        }
        match context {
            Context::Key => {
                state.keys.push(generated);
                return;
            }
            Context::AssignedTo(name) => assigned_to = Some(name.clone()),
            Context::Guarded(_) => {}
        }
    }
    if let Some(name) = assigned_to {
        state.pending.push((name, generated));
    }
}

/// Reports the keys of the body just visited that a retry makes afresh per
/// attempt.
fn settle(checker: &mut Checker) {
    let retry_loops = settled_loops(checker);
    let retried_function = checker.semantic.in_retried_function();
    let scope = checker.semantic.current_function_scope();
    let state = state(checker);
    state
        .pending
        .retain(|(_, generated)| generated.scope != scope);
    state.contexts.clear();
    let (mine, others): (Vec<Generated>, Vec<Generated>) = std::mem::take(&mut state.keys)
        .into_iter()
        .partition(|generated| generated.scope == scope);
    state.keys = others;
    for generated in mine {
        let offset = generated.range.start();
        let in_loop = retry_loops
            .iter()
            .any(|retry_loop| retry_loop.body.contains(offset));
        if !in_loop && !retried_function {
            continue;
        }
        let instead = if in_loop {
            "create the key once, before the retry loop, and send it on every attempt"
        } else {
            "create the key once in the caller and pass it in, so every attempt sends it"
        };
        let message = format!(
            "`{}()` makes a new idempotency key on every attempt: {instead}",
            generated.callee
        );
        let diagnostic =
            checker
                .locator
                .diagnostic(Rule::IdempotencyKeyPerAttempt, message, generated.range);
        checker.report(diagnostic);
    }
}
