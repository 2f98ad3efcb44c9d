//! # retried-write-without-idempotency-key (WL306)
//!
//! ## What it does
//! Flags a non-idempotent call inside the code a retry loop sends again
//! (see WL301: the retried `try` body, or the request before the status
//! test of a loop with no `try`), inside tenacity's `for attempt in
//! Retrying(...)`, or inside a function decorated with a retry decorator
//! (tenacity `@retry`, `@backoff.on_exception`, `@backoff.on_predicate`;
//! not one that allows a single attempt, `max_tries=1`), sent with no
//! idempotency key. Non-idempotent calls are `post`/`patch` on a client or a
//! network module (`client.post`, `requests.post`, `httpx.patch`),
//! `request("POST" | "PATCH", ...)`, and `*.create(...)` on an SDK client
//! (`client.charges.create`, `stripe.Charge.create`,
//! `client.files.create`).
//!
//! An LLM inference call is not a write: `chat.completions.create`,
//! `completions.create`, `embeddings.create` and `moderations.create` on an
//! OpenAI client, `messages.create` on an Anthropic client. It computes an
//! answer and stores nothing, so a repeat costs tokens, not a duplicate;
//! these SDKs send no idempotency key even on their own retries. (Their
//! `batches.create`, `files.create` or `fine_tuning.jobs.create` do create
//! something, and are flagged.)
//!
//! A key counts when the call passes an `idempotency_key=` keyword, or an
//! `Idempotency-Key` entry in a `headers=`, `extra_headers=` or `options=`
//! mapping (a dict literal, or a name bound to one). When the call passes
//! `**kwargs` or a mapping the model cannot read, it is not flagged.
//!
//! No fix: the key must be made once per logical operation, which only the
//! caller knows.
//!
//! ## Why is this bad?
//! A write whose response was lost (a timeout after the server committed) is
//! sent again by the retry: two charges, two messages, two orders. An
//! idempotency key, made once per logical operation and sent on every
//! attempt, lets the server recognise the repeat and answer it from the
//! first result.
//!
//! ## Example
//! ```python
//! for attempt in range(3):
//!     try:
//!         return client.post("/v1/charges", json=charge)
//!     except httpx.TransportError:
//!         if attempt == 2:
//!             raise
//!         time.sleep(random.uniform(0, 2**attempt))
//! ```
//!
//! ## Use instead
//! ```python
//! idempotency_key = str(uuid.uuid4())  # stable across the retry loop
//! for attempt in range(3):
//!     try:
//!         return client.post(
//!             "/v1/charges", json=charge, headers={"Idempotency-Key": idempotency_key}
//!         )
//!     except httpx.TransportError:
//!         if attempt == 2:
//!             raise
//!         time.sleep(random.uniform(0, 2**attempt))
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Retry Policy" (retried writes need
//!   idempotency keys)

use ruff_python_ast::ExprCall;
use ruff_text_size::{Ranged, TextRange};

use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::callee_text;
use crate::rules::retries::settled_loops;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::retry::{KeyPresence, WriteKind};
use crate::semantic::{CallTarget, Library, ScopeId, ScopeKind};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL306",
    name: "retried-write-without-idempotency-key",
    family: Family::Retries,
    status: Status::Stable,
    summary: "A retried POST/PATCH/create sends no idempotency key.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(note_call),
        leave_body: Some(settle),
        ..Hooks::NONE
    },
};

/// Writes without a key seen in loops or retried functions, judged when
/// their body is settled.
type Candidates = Vec<Candidate>;

#[derive(Debug)]
struct Candidate {
    range: TextRange,
    scope: Option<ScopeId>,
    callee: String,
    kind: WriteKind,
}

fn note_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    // What a lambda calls is not part of the enclosing attempt.
    if checker.semantic.current_scope().kind == ScopeKind::Lambda {
        return;
    }
    let Some(target) = target else {
        return;
    };
    if !checker.semantic.in_retried_function() && !checker.semantic.retry_loop_open() {
        return;
    }
    let Some(kind) = checker.semantic.write_call(call, target) else {
        return;
    };
    if checker.semantic.idempotency_key(call) != KeyPresence::Missing {
        return;
    }
    let candidate = Candidate {
        range: call.range(),
        scope: checker.semantic.current_function_scope(),
        callee: callee_text(checker, call),
        kind,
    };
    checker
        .rule_states
        .get_mut::<Candidates>(Rule::RetriedWriteWithoutIdempotencyKey)
        .push(candidate);
}

/// Reports the writes of the body just visited that a retry repeats.
fn settle(checker: &mut Checker) {
    let candidates: Candidates = checker
        .rule_states
        .take(Rule::RetriedWriteWithoutIdempotencyKey);
    if candidates.is_empty() {
        return;
    }
    let retry_loops = settled_loops(checker);
    let retried_function = checker.semantic.in_retried_function();
    let scope = checker.semantic.current_function_scope();
    let (mine, others): (Vec<Candidate>, Vec<Candidate>) = candidates
        .into_iter()
        .partition(|candidate| candidate.scope == scope);
    *checker
        .rule_states
        .get_mut::<Candidates>(Rule::RetriedWriteWithoutIdempotencyKey) = others;
    for candidate in mine {
        let offset = candidate.range.start();
        let retried = retried_function
            || retry_loops
                .iter()
                .any(|retry_loop| retry_loop.retries(offset));
        if retried {
            report(checker, &candidate);
        }
    }
}

fn report(checker: &mut Checker, candidate: &Candidate) {
    let send = match candidate.kind {
        WriteKind::Http => "send it as the `Idempotency-Key` header",
        WriteKind::Sdk(Library::Stripe) => {
            "pass it as `idempotency_key=` (or `options={\"idempotency_key\": ...}`)"
        }
        WriteKind::Sdk(Library::OpenAI | Library::Anthropic) => {
            "send it with `extra_headers={\"Idempotency-Key\": ...}`"
        }
        WriteKind::Sdk(_) => "send it as the `Idempotency-Key` header",
    };
    let message = format!(
        "`{}(...)` is retried without an idempotency key: make one key per logical \
         operation before the retry (`idempotency_key = str(uuid.uuid4())`) and {send}",
        candidate.callee
    );
    let diagnostic = checker.locator.diagnostic(
        Rule::RetriedWriteWithoutIdempotencyKey,
        message,
        candidate.range,
    );
    checker.report(diagnostic);
}
