//! Judging a body's recorded loops once the body has been visited: which
//! are retry loops, whether each is bounded, which handlers let it go on,
//! and which sleeps back off between attempts.

use ruff_python_ast::Parameters;
use ruff_text_size::{TextRange, TextSize};

use super::bounds::LoopKind;
use super::status_branches::{Shape, StatusBranch, StatusSet};
use super::{
    BackoffSleep, HandlerRecord, LoopRecord, RequestRecord, RetryHandler, RetryLoop, StatusRetry,
    TryRecord,
};
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
                status_retries: Vec::new(),
                same_request: true,
                waits: true,
                attempts: None,
            });
        }
        LoopKind::While | LoopKind::Counted | LoopKind::Endless => {}
    }
    let mut retried = Vec::new();
    let mut retry_handlers: Vec<(&HandlerRecord, &TryRecord)> = Vec::new();
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
        retry_handlers.extend(qualifying.into_iter().map(|handler| (handler, record_try)));
        if record_try.body_always_leaves {
            leaving_tries.push(record_try);
        }
    }
    let branches = retrying_branches(context, record);
    for branch in &branches {
        retried.push(TextRange::new(record.body.start(), branch.if_start));
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
                .any(|(handler, _)| handler.body.contains(offset));
            let after_leaving_try = leaving_tries
                .iter()
                .any(|record_try| offset >= record_try.range.end())
                && !record
                    .tries
                    .iter()
                    .any(|record_try| record_try.range.contains(offset));
            let on_failure_path = branches.iter().any(|branch| match branch.shape {
                Shape::FailureRetries => branch.body.contains(offset),
                Shape::SuccessLeaves => offset >= branch.if_start && !branch.body.contains(offset),
                Shape::SuccessGoesOn => false,
            });
            in_handler || after_leaving_try || on_failure_path
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
    let status_retries = branches
        .iter()
        .map(|branch| status_retry(record, branch))
        .collect();
    let same_request = record
        .requests
        .iter()
        .filter(|request| request.sure && retried.iter().any(|range| range.contains(request.at)))
        .all(|request| is_same_request(record, request));
    Some(RetryLoop {
        header: record.header,
        body: record.body,
        unbounded: unbounded_header && !bounded_by_guard,
        retried,
        handlers: retry_handlers
            .into_iter()
            .map(|(handler, record_try)| RetryHandler {
                caught: handler.caught.clone(),
                facts: handler.facts,
                mentions_status: handler.mentions_status,
                status_raised: record_try.raises_for_status,
            })
            .collect(),
        backoff_sleeps,
        status_retries,
        same_request,
        waits: record.waits,
        attempts: record.attempts,
    })
}

/// Whether a request reads no name the loop rebinds: each round sends it
/// again as it was.
fn is_same_request(record: &LoopRecord, request: &RequestRecord) -> bool {
    !request
        .reads
        .iter()
        .any(|name| record.bound_names.contains(name))
}

/// The status branches that make the loop a retry loop: each tests the
/// response of a request sent earlier in the same round, the same request
/// every round. None when some branch goes on after a success status: the
/// loop polls a job until it is done.
fn retrying_branches<'r>(context: &Context, record: &'r LoopRecord) -> Vec<&'r StatusBranch> {
    if record.status_branches.is_empty() {
        return Vec::new();
    }
    let branches: Vec<&StatusBranch> = record
        .status_branches
        .iter()
        .filter(|branch| {
            record.requests.iter().any(|request| {
                request.at < branch.if_start
                    && request.response.as_deref() == Some(branch.receiver.as_str())
                    && (request.sure || context.network_module)
                    && is_same_request(record, request)
            })
        })
        .collect();
    if branches
        .iter()
        .any(|branch| branch.shape == Shape::SuccessGoesOn)
    {
        return Vec::new();
    }
    branches
}

/// What a status branch sends again, and whether the failure path looks at
/// the status further (a `raise`, another status read, `raise_for_status()`):
/// for a success test, anywhere in the loop body outside the branch; for a
/// failure test, inside its body.
fn status_retry(record: &LoopRecord, branch: &StatusBranch) -> StatusRetry {
    let errors = StatusSet::range(400, 600);
    let (retried, classified) = match branch.shape {
        Shape::FailureRetries => (
            branch.statuses.intersect(errors),
            record
                .classifiers
                .iter()
                .any(|offset| branch.body.contains(*offset)),
        ),
        _ => (
            branch.statuses.complement().intersect(errors),
            record.classifiers.iter().any(|offset| {
                record.body.contains(*offset)
                    && !branch.test.contains(*offset)
                    && !branch.body.contains(*offset)
            }),
        ),
    };
    StatusRetry {
        test: branch.test,
        // A named collection is judged where it is bound.
        retried: if branch.named {
            StatusSet::default()
        } else {
            retried
        },
        classified,
    }
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
