//! The linting threads: everything that reads a document's content (lint
//! it, compute code actions, hover, fix everything) runs here, off the
//! message loop, on a snapshot. Each job ends in a [`Done`] sent back to
//! the message loop, which alone decides what reaches the client. A panic
//! in a job is caught and reported as [`Outcome::Panicked`]; the thread
//! goes on with the next job.

use std::sync::Arc;
use std::thread;

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::{RequestId, Response};
use lsp_types::{CodeActionParams, Position, Uri, WorkspaceEdit};
use wirelint_workspace::catch_panic;

use crate::code_actions::{code_actions, fix_all};
use crate::hover::hover;
use crate::lint::{LintFn, LintResult, Snapshot, lint};

/// Stack of each linting thread, as the command line's: reserved address
/// space, committed only when deeply nested code needs it.
const STACK_SIZE: usize = 256 * 1024 * 1024;

/// What to do with a snapshot.
#[derive(Debug)]
pub(crate) enum Task {
    /// Lint it: the result is published or answers pull requests.
    Lint,
    CodeActions {
        id: RequestId,
        params: Box<CodeActionParams>,
    },
    Hover {
        id: RequestId,
        position: Position,
    },
    /// `wirelint.applyAutofix`: the edit goes to the client as
    /// `workspace/applyEdit`.
    FixAll {
        id: RequestId,
    },
}

impl Task {
    fn request(&self) -> Option<&RequestId> {
        match self {
            Task::Lint => None,
            Task::CodeActions { id, .. } | Task::Hover { id, .. } | Task::FixAll { id } => Some(id),
        }
    }
}

pub(crate) struct Job {
    pub snapshot: Snapshot,
    /// The snapshot's lint result, when the message loop has it already.
    pub cached: Option<Arc<LintResult>>,
    pub task: Task,
}

/// A finished job.
pub(crate) struct Done {
    pub uri: Uri,
    pub revision: u64,
    /// A lint result computed on the way, for the message loop to keep.
    pub linted: Option<Arc<LintResult>>,
    pub outcome: Outcome,
}

pub(crate) enum Outcome {
    /// A [`Task::Lint`] finished; its result is in [`Done::linted`].
    Linted,
    /// The answer to a request.
    Response(Response),
    /// The answer to `wirelint.applyAutofix`: the edit to send (none when
    /// there is nothing to fix).
    ApplyEdit {
        id: RequestId,
        edit: Option<WorkspaceEdit>,
    },
    /// The job panicked; `request` is the request it was answering.
    Panicked {
        request: Option<RequestId>,
        message: String,
    },
}

/// Starts `count` linting threads; returns where to send jobs. The threads
/// end when that sender is dropped or the message loop stops listening.
pub(crate) fn start(
    count: usize,
    lint: &LintFn,
    done: &Sender<Done>,
) -> std::io::Result<Sender<Job>> {
    let (jobs, receiver) = unbounded::<Job>();
    for index in 0..count.max(1) {
        let receiver: Receiver<Job> = receiver.clone();
        let lint = Arc::clone(lint);
        let done = done.clone();
        thread::Builder::new()
            .name(format!("wirelint-lint-{index}"))
            .stack_size(STACK_SIZE)
            .spawn(move || {
                for job in receiver {
                    if done.send(run(job, &lint)).is_err() {
                        break;
                    }
                }
            })?;
    }
    Ok(jobs)
}

/// Runs one job, catching a panic.
pub(crate) fn run(job: Job, lint: &LintFn) -> Done {
    let uri = job.snapshot.uri.clone();
    let revision = job.snapshot.revision;
    let request = job.task.request().cloned();
    match catch_panic(|| perform(job, lint)) {
        Ok(done) => done,
        Err(message) => Done {
            uri,
            revision,
            linted: None,
            outcome: Outcome::Panicked { request, message },
        },
    }
}

fn perform(job: Job, lint_fn: &LintFn) -> Done {
    let Job {
        snapshot,
        cached,
        task,
    } = job;
    let mut linted = None;
    let mut result = || -> Arc<LintResult> {
        match &cached {
            Some(result) => Arc::clone(result),
            None => {
                let result = Arc::new(lint(&snapshot, lint_fn));
                linted = Some(Arc::clone(&result));
                result
            }
        }
    };
    let outcome = match task {
        Task::Lint => {
            result();
            Outcome::Linted
        }
        Task::CodeActions { id, params } => {
            let actions = code_actions(&snapshot, &result(), &params, lint_fn);
            Outcome::Response(Response::new_ok(id, actions))
        }
        Task::Hover { id, position } => {
            Outcome::Response(Response::new_ok(id, hover(&snapshot, position)))
        }
        Task::FixAll { id } => {
            let edit = fix_all(&snapshot, &result(), lint_fn);
            Outcome::ApplyEdit { id, edit }
        }
    };
    Done {
        uri: snapshot.uri,
        revision: snapshot.revision,
        linted,
        outcome,
    }
}
