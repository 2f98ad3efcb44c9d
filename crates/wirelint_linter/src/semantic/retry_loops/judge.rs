//! Judging a body's recorded loops once the body has been visited: which
//! are retry loops, whether each is bounded, which handlers let it go on,
//! and which sleeps back off between attempts.

use ruff_python_ast::Parameters;
use ruff_text_size::TextSize;

use super::bounds::LoopKind;
use super::{BackoffSleep, HandlerRecord, LoopRecord, RetryHandler, RetryLoop, TryRecord};
use crate::semantic::SemanticModel;
use crate::semantic::handlers::Paths;
use crate::semantic::retry::DelayRebindings;

/// What judging a body's loops needs besides the loops.
pub(super) struct Context<'c, 'a> {
    pub(super) semantic: &'c SemanticModel<'a>,
    pub(super) parameters: Option<&'c Parameters>,
    pub(super) counters: &'c [String],
    pub(super) delays: &'c DelayRebindings,
    pub(super) network_module: bool,
}

pub(super) fn judge(context: &Context, record: &LoopRecord) -> Option<RetryLoop> {
    match record.kind {
        LoopKind::Items => return None,
        LoopKind::Tenacity => {
            return Some(RetryLoop {
                header: record.header,
                body: record.body,
                unbounded: false,
                retried: vec![record.body],
                handlers: Vec::new(),
                backoff_sleeps: Vec::new(),
            });
        }
        LoopKind::While | LoopKind::Counted | LoopKind::Endless => {}
    }
    let mut retried = Vec::new();
    let mut retry_handlers: Vec<&HandlerRecord> = Vec::new();
    let mut leaving_tries: Vec<&TryRecord> = Vec::new();
    for record_try in &record.tries {
        if record_try.finally_always_leaves {
            continue;
        }
        let going_on = record_try
            .handlers
            .iter()
            .filter(|handler| !handler.facts.always_leaves);
        let qualifying: Vec<&HandlerRecord> = if record_try.network_call {
            going_on.collect()
        } else if context.network_module {
            going_on.filter(|handler| handler.sleeps).collect()
        } else {
            Vec::new()
        };
        if qualifying.is_empty() || !leaves_on_success(record, record_try) {
            continue;
        }
        retried.push(record_try.body);
        retry_handlers.extend(qualifying);
        if record_try.body_always_leaves {
            leaving_tries.push(record_try);
        }
    }
    if retried.is_empty() {
        return None;
    }
    let bounded_by_guard = record.guards.iter().any(|guard| {
        guard.time_bound
            || guard.external
            || guard
                .names
                .iter()
                .any(|name| record.counters.contains(name))
    });
    let unbounded_header = match record.kind {
        LoopKind::While => {
            let test = &record.test;
            test.always_true
                || (!test.opaque
                    && !test.time_bound
                    && !test.names.iter().any(|name| record.counters.contains(name)))
        }
        LoopKind::Endless => true,
        _ => false,
    };
    let backoff_sleeps = record
        .sleeps
        .iter()
        .filter(|sleep| {
            let offset = sleep.range.start();
            let in_handler = retry_handlers
                .iter()
                .any(|handler| handler.body.contains(offset));
            let after_leaving_try = leaving_tries
                .iter()
                .any(|record_try| offset >= record_try.range.end())
                && !record
                    .tries
                    .iter()
                    .any(|record_try| record_try.range.contains(offset));
            in_handler || after_leaving_try
        })
        .map(|sleep| BackoffSleep {
            range: sleep.range,
            randomness: sleep.delay.as_ref().map(|delay| {
                context.semantic.resolve_delay_locals(
                    delay,
                    context.parameters,
                    context.counters,
                    context.delays,
                )
            }),
        })
        .collect();
    Some(RetryLoop {
        header: record.header,
        body: record.body,
        unbounded: unbounded_header && !bounded_by_guard,
        retried,
        handlers: retry_handlers
            .into_iter()
            .map(|handler| RetryHandler {
                caught: handler.caught.clone(),
                facts: handler.facts,
                mentions_status: handler.mentions_status,
            })
            .collect(),
        backoff_sleeps,
    })
}

/// Whether the loop leaves when the `try` body succeeds, as a retry loop
/// does (a worker or polling loop goes on to its next round instead).
///
/// A counting loop (`for attempt in range(n)`) needs one `return`/`break`
/// on the success path: the body, its `else`, or after the `try`. A `while`
/// (or endless `for`) loop needs a success path that never runs off the end
/// of the loop body: the body, its `else` and the statements after the
/// `try` end in `return`, `break` or `raise` (or `continue`, a retry on a
/// bad answer), one of them at least leaving; or the attempt sets a name the
/// `while` test reads (`done = True`).
fn leaves_on_success(record: &LoopRecord, record_try: &TryRecord) -> bool {
    let on_success_path = |offset: &TextSize| {
        record_try.body.contains(*offset)
            || record_try
                .orelse
                .is_some_and(|orelse| orelse.contains(*offset))
            || (*offset >= record_try.range.end() && record.body.contains(*offset))
    };
    if record.flag_assignments.iter().any(on_success_path) {
        return true;
    }
    if record.kind == LoopKind::Counted {
        return record.exits.iter().any(on_success_path);
    }
    let tail = record
        .tails
        .iter()
        .find(|(range, _)| range.contains(record_try.range.start()))
        .map_or(Paths::FALLS_THROUGH, |(_, paths)| *paths);
    let success = record_try.success.then(tail);
    !success.falls_through && success.leaves
}
