//! Retry-loop recognition, as `docs/rules/WL301.md` defines it for WL3: a `for`/`while`
//! loop whose body has a `try` with an `except` handler that can let the
//! loop go on, where the `try` body makes a network call, or the module is a
//! network module and the handler sleeps. A loop with no `try` retries too
//! when a status branch decides it ([`mod@status_branches`]): a request whose
//! response status sends the loop round again on failure and out of it on
//! success.
//!
//! The facts arrive as the traversal passes nodes ([`RetryLoops::note_stmt`],
//! [`RetryLoops::note_call`], ...): loops, their `try` statements and
//! handlers, network calls, sleeps, attempt counters, guarded exits. A
//! function's loops are judged when its body has been visited
//! ([`RetryLoops::decide`]), module-level ones at the end of the file, when
//! every name's final binding is known. Ranges locate a node in the loops
//! still open, so no subtree is walked again.
//!
//! Three refinements keep the definition precise:
//! - A retry loop leaves on success. A counting loop needs a `return` or
//!   `break` in the `try` body, its `else`, or after the `try`. A `while`
//!   loop's successful attempt must never run off the end of the loop body:
//!   it returns or breaks, or retries a bad answer with `continue` (or it
//!   sets a name the `while` test reads, `done = True`). A worker, listener
//!   or polling loop that handles one message per round and logs failures
//!   goes on to its next round on success: it is not a retry loop.
//! - A `for` loop retries only when it counts attempts (`range(n)`,
//!   `itertools.count()`, tenacity's `Retrying`). A loop over items or pages
//!   whose handler logs and goes on to the next item does not retry that
//!   item: it is not a retry loop.
//! - A network call is a call that sends a request: a client method, or a
//!   lowercase function of a network library (`requests.get`,
//!   `stripe.Charge.create`), not a class such as `httpx.Timeout(...)`.
//!   For a status branch, an HTTP verb (`http.post(...)`) on an object the
//!   model does not know counts too, in a network module: the status test
//!   is the second piece of evidence.
//! - A status branch counts only when its request is the same every round
//!   (it reads no name the loop rebinds), and not at all when another
//!   branch goes on after a success status: that loop polls a job.

mod bounds;
mod judge;
mod status_branches;
#[cfg(test)]
mod tests;

use ruff_python_ast::{self as ast, Expr, ExprCall, Parameters, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use self::bounds::{LoopKind, LoopTest, for_kind, reads_receiver_flag, steps_itself};
use self::judge::{Context, judge};
pub(crate) use self::status_branches::StatusSet;
use self::status_branches::{StatusBranch, status_branches};
use super::SemanticModel;
use super::handlers::{self, Caught, HandlerFacts, Paths};
use super::retry::{DelayRebindings, DelaySummary, Randomness};

/// A branch that can leave the loop, and what its tests read.
#[derive(Clone, Debug)]
struct Guard {
    pub(super) names: Vec<String>,
    pub(super) time_bound: bool,
    /// The test reads a flag of the object (`if self.closed: return`):
    /// something outside the loop can end it.
    pub(super) external: bool,
}

#[derive(Clone, Debug)]
struct HandlerRecord {
    pub(super) body: TextRange,
    pub(super) caught: Caught,
    pub(super) facts: HandlerFacts,
    pub(super) sleeps: bool,
    pub(super) mentions_status: bool,
}

#[derive(Clone, Debug)]
struct TryRecord {
    pub(super) range: TextRange,
    pub(super) body: TextRange,
    pub(super) orelse: Option<TextRange>,
    pub(super) body_always_leaves: bool,
    /// How a successful attempt (the body, then `else`) ends.
    pub(super) success: Paths,
    pub(super) finally_always_leaves: bool,
    pub(super) network_call: bool,
    /// The body calls `raise_for_status()`.
    pub(super) raises_for_status: bool,
    pub(super) handlers: Vec<HandlerRecord>,
}

#[derive(Clone, Debug)]
struct SleepRecord {
    pub(super) range: TextRange,
    pub(super) delay: Option<DelaySummary>,
}

/// A call in the loop body that sends a request, or may (an HTTP verb on an
/// object the model does not know, in a network module).
#[derive(Clone, Debug)]
struct RequestRecord {
    pub(super) at: TextSize,
    /// The names the call reads (its receiver and arguments, `timeout=` and
    /// `headers=` aside): a request that reads a name the loop rebinds is a
    /// different request each round.
    pub(super) reads: Vec<String>,
    /// The name its response is bound to (`r = client.get(...)`,
    /// `async with session.get(...) as r`).
    pub(super) response: Option<String>,
    /// The model knows the call sends a request.
    pub(super) sure: bool,
}

#[derive(Clone, Debug)]
struct LoopRecord {
    pub(super) range: TextRange,
    pub(super) header: TextRange,
    pub(super) body: TextRange,
    pub(super) kind: LoopKind,
    pub(super) test: LoopTest,
    /// Names incremented or decremented in the body (`attempt += 1`).
    pub(super) counters: Vec<String>,
    pub(super) guards: Vec<Guard>,
    /// Offsets of the `return`s and `break`s that leave this loop.
    pub(super) exits: Vec<TextSize>,
    /// Offsets of assignments to names the `while` test reads.
    pub(super) flag_assignments: Vec<TextSize>,
    /// Each top-level statement of the body, and the paths through the
    /// statements after it.
    pub(super) tails: Vec<(TextRange, Paths)>,
    pub(super) tries: Vec<TryRecord>,
    pub(super) sleeps: Vec<SleepRecord>,
    /// The branches of the body that test a response's status.
    pub(super) status_branches: Vec<StatusBranch>,
    pub(super) requests: Vec<RequestRecord>,
    /// `with <call> as name` in the body: the call's start and the name.
    pub(super) with_targets: Vec<(TextSize, String)>,
    /// Names the loop binds: its target, and names assigned in its body.
    pub(super) bound_names: Vec<String>,
    /// Offsets of status reads, `raise_for_status()` calls and branch tests
    /// that consult the response or a predicate in the body: where the
    /// failure path classifies the status.
    pub(super) classifiers: Vec<TextSize>,
    /// Something in the body sleeps or may wait (a call named like
    /// `sleep`, `wait`, `backoff`, `delay`, `pause`, `throttle`).
    pub(super) waits: bool,
    /// `for attempt in range(N)` with a literal `N`: the number of attempts.
    pub(super) attempts: Option<u64>,
}

/// A handler of a retry loop that lets the loop go on.
#[derive(Clone, Debug)]
pub(crate) struct RetryHandler {
    pub caught: Caught,
    pub facts: HandlerFacts,
    /// The handler, or the `try` body before it, reads a status attribute
    /// (`status_code`).
    pub mentions_status: bool,
    /// The `try` body calls `raise_for_status()`: a status error can reach
    /// the handler.
    pub status_raised: bool,
}

/// A status branch through which a failed response goes on to another
/// attempt of the same request.
#[derive(Clone, Debug)]
pub(crate) struct StatusRetry {
    /// The branch's test.
    pub test: TextRange,
    /// The error statuses (400 and up) sent again.
    pub retried: StatusSet,
    /// The failure path reads the status again or raises: the statuses are
    /// classified further.
    pub classified: bool,
}

/// A sleep between attempts, and whether its delay has a random part.
#[derive(Clone, Debug)]
pub(crate) struct BackoffSleep {
    pub range: TextRange,
    /// `None` when the sleep's delay was not given.
    pub randomness: Option<Randomness>,
}

/// A recognised retry loop.
#[derive(Clone, Debug)]
pub(crate) struct RetryLoop {
    /// The loop header: `while` through the test, `for` through the iterable.
    pub header: TextRange,
    /// The loop body.
    pub body: TextRange,
    /// No attempt counter, deadline or finite iterable bounds the loop.
    pub unbounded: bool,
    /// The code each attempt runs again: the bodies of the retried `try`
    /// statements (the whole body for tenacity's `for attempt in
    /// Retrying(...)`).
    pub retried: Vec<TextRange>,
    /// The handlers through which a failure goes on to the next attempt.
    pub handlers: Vec<RetryHandler>,
    /// Sleeps between attempts: in those handlers, after a `try` whose
    /// body always leaves the loop on success, or on a status branch's
    /// failure path.
    pub backoff_sleeps: Vec<BackoffSleep>,
    /// The status branches through which failed responses are retried.
    pub status_retries: Vec<StatusRetry>,
    /// Every request the retried code sends reads only names the loop does
    /// not rebind: each attempt sends the same request again (not a
    /// fallback to another URL or another item).
    pub same_request: bool,
    /// Something in the loop body sleeps or may wait.
    pub waits: bool,
    /// `for attempt in range(N)` with a literal `N`.
    pub attempts: Option<u64>,
}

impl RetryLoop {
    /// Whether `offset` is inside the code each attempt runs again.
    pub(crate) fn retries(&self, offset: TextSize) -> bool {
        self.retried.iter().any(|range| range.contains(offset))
    }
}

/// The recognition state of one file.
#[derive(Debug, Default)]
pub(crate) struct RetryLoops {
    /// Loops of the module body, judged at the end of the file.
    module: Vec<LoopRecord>,
    /// Loops of the function being visited.
    function: Vec<LoopRecord>,
    in_function: bool,
    /// Open loops (indices into the current list), innermost last.
    open: Vec<usize>,
    /// Names bound by counting loops (`for attempt in range(n)`) in the
    /// current body.
    counter_targets: Vec<String>,
    module_counter_targets: Vec<String>,
    /// Earlier values of rebound names, for sleep delays.
    delays: DelayRebindings,
}

impl RetryLoops {
    /// A function body starts: module-level loops are all complete.
    pub(crate) fn enter_function(&mut self) {
        self.in_function = true;
        self.open.clear();
        self.function.clear();
        self.counter_targets.clear();
    }

    fn records(&mut self) -> &mut Vec<LoopRecord> {
        if self.in_function {
            &mut self.function
        } else {
            &mut self.module
        }
    }

    /// Forgets open loops that end before `offset`.
    fn close_before(&mut self, offset: TextSize) {
        while let Some(&top) = self.open.last() {
            let end = if self.in_function {
                self.function[top].range.end()
            } else {
                self.module[top].range.end()
            };
            if end <= offset {
                self.open.pop();
            } else {
                break;
            }
        }
    }

    /// Open loops whose body holds `offset`, innermost last.
    fn loops_holding(&mut self, offset: TextSize) -> Vec<usize> {
        if self.open.is_empty() {
            return Vec::new();
        }
        self.close_before(offset);
        let records = if self.in_function {
            &self.function
        } else {
            &self.module
        };
        self.open
            .iter()
            .copied()
            .filter(|index| records[*index].body.contains(offset))
            .collect()
    }

    /// Whether any loop of the current body is open (a cheap pre-check).
    pub(crate) fn any_open(&self) -> bool {
        !self.open.is_empty()
    }

    /// Notes a statement as the traversal reaches it (before its children).
    pub(crate) fn note_stmt(&mut self, semantic: &SemanticModel, stmt: &Stmt) {
        let offset = stmt.start();
        match stmt {
            Stmt::For(stmt_for) => {
                let kind = for_kind(semantic, &stmt_for.iter);
                if matches!(kind, LoopKind::Counted | LoopKind::Endless)
                    && let Expr::Name(target) = stmt_for.target.as_ref()
                {
                    let name = target.id.to_string();
                    if self.in_function {
                        self.counter_targets.push(name);
                    } else {
                        self.module_counter_targets.push(name);
                    }
                }
                // An enclosing loop sees the target rebound each round.
                self.note_bound_target(offset, &stmt_for.target);
                let header = TextRange::new(stmt.start(), stmt_for.iter.end());
                self.open_loop(
                    semantic,
                    stmt,
                    header,
                    &stmt_for.body,
                    kind,
                    LoopTest::default(),
                );
                let attempts = (kind == LoopKind::Counted)
                    .then(|| range_length(semantic, &stmt_for.iter))
                    .flatten();
                let mut target_names = Vec::new();
                super::names::read_names(&stmt_for.target, &mut target_names);
                let record = self.records().last_mut().expect("the loop just opened");
                record.attempts = attempts;
                record.bound_names.extend(target_names);
            }
            Stmt::While(stmt_while) => {
                let header = TextRange::new(stmt.start(), stmt_while.test.end());
                let test = LoopTest::of(&stmt_while.test);
                self.open_loop(
                    semantic,
                    stmt,
                    header,
                    &stmt_while.body,
                    LoopKind::While,
                    test,
                );
            }
            Stmt::With(stmt_with) => {
                let Some(&innermost) = self.loops_holding(offset).last() else {
                    return;
                };
                for item in &stmt_with.items {
                    let Some(target) = &item.optional_vars else {
                        continue;
                    };
                    self.note_bound_target(offset, target);
                    let context = match &item.context_expr {
                        Expr::Await(await_expr) => await_expr.value.as_ref(),
                        other => other,
                    };
                    if let (Expr::Call(call), Expr::Name(name)) = (context, target.as_ref()) {
                        self.records()[innermost]
                            .with_targets
                            .push((call.start(), name.id.to_string()));
                    }
                }
            }

            Stmt::Try(stmt_try) => {
                let Some(&innermost) = self.loops_holding(offset).last() else {
                    return;
                };
                let record = try_record(semantic, stmt_try);
                self.records()[innermost].tries.push(record);
            }
            Stmt::If(stmt_if) => {
                let holding = self.loops_holding(offset);
                let tests = std::iter::once(stmt_if.test.as_ref()).chain(
                    stmt_if
                        .elif_else_clauses
                        .iter()
                        .filter_map(|clause| clause.test.as_ref()),
                );
                for test in tests {
                    for &index in &holding {
                        let record = &mut self.records()[index];
                        let decides = record
                            .status_branches
                            .iter()
                            .any(|branch| test_consults(test, &branch.receiver, 0));
                        if decides {
                            record.classifiers.push(test.start());
                        }
                    }
                }
                let leaves = !holding.is_empty()
                    && (handlers::may_leave(&stmt_if.body)
                        || stmt_if
                            .elif_else_clauses
                            .iter()
                            .any(|clause| handlers::may_leave(&clause.body)));
                if !leaves {
                    return;
                }
                let mut test = LoopTest::of(&stmt_if.test);
                let mut external = reads_receiver_flag(&stmt_if.test, 0);
                for clause in &stmt_if.elif_else_clauses {
                    if let Some(clause_test) = &clause.test {
                        let more = LoopTest::of(clause_test);
                        test.names.extend(more.names);
                        test.time_bound |= more.time_bound;
                        external |= reads_receiver_flag(clause_test, 0);
                    }
                }
                let guard = Guard {
                    names: test.names,
                    time_bound: test.time_bound,
                    external,
                };
                for index in holding {
                    self.records()[index].guards.push(guard.clone());
                }
            }
            Stmt::AugAssign(aug_assign) => {
                self.note_bound_target(offset, &aug_assign.target);
                if let Expr::Name(name) = aug_assign.target.as_ref() {
                    if self.any_open() {
                        self.delays
                            .note(semantic, name.id.as_str(), Some(&aug_assign.value));
                    }
                    self.note_counter(offset, name.id.as_str());
                }
            }
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    self.note_bound_target(offset, target);
                    if let Expr::Name(name) = target {
                        if self.any_open() {
                            self.delays.note(semantic, name.id.as_str(), None);
                        }
                        if steps_itself(name.id.as_str(), &assign.value) {
                            self.note_counter(offset, name.id.as_str());
                        } else {
                            self.note_assignment(offset, name.id.as_str());
                        }
                    }
                }
            }
            Stmt::AnnAssign(ann_assign) => {
                self.note_bound_target(offset, &ann_assign.target);
                if let Expr::Name(name) = ann_assign.target.as_ref() {
                    if ann_assign.value.is_some() && self.any_open() {
                        self.delays.note(semantic, name.id.as_str(), None);
                    }
                    self.note_assignment(offset, name.id.as_str());
                }
            }
            Stmt::Return(_) => {
                for index in self.loops_holding(offset) {
                    self.records()[index].exits.push(offset);
                }
            }
            Stmt::Break(_) => {
                if let Some(&innermost) = self.loops_holding(offset).last() {
                    self.records()[innermost].exits.push(offset);
                }
            }
            _ => {}
        }
    }

    fn open_loop(
        &mut self,
        semantic: &SemanticModel,
        stmt: &Stmt,
        header: TextRange,
        body: &[Stmt],
        kind: LoopKind,
        test: LoopTest,
    ) {
        self.close_before(stmt.start());
        let tails = if kind == LoopKind::Counted || kind == LoopKind::Tenacity {
            Vec::new()
        } else {
            let tails = handlers::tail_paths(body);
            body.iter()
                .zip(tails)
                .map(|(stmt, paths)| (stmt.range(), paths))
                .collect()
        };
        let branches = match kind {
            LoopKind::While | LoopKind::Counted | LoopKind::Endless => {
                status_branches(semantic, body)
            }
            LoopKind::Tenacity | LoopKind::Items => Vec::new(),
        };
        let body = match (body.first(), body.last()) {
            (Some(first), Some(last)) => TextRange::new(first.start(), last.end()),
            _ => TextRange::empty(stmt.end()),
        };
        let record = LoopRecord {
            range: stmt.range(),
            header,
            body,
            kind,
            test,
            counters: Vec::new(),
            guards: Vec::new(),
            exits: Vec::new(),
            flag_assignments: Vec::new(),
            tails,
            tries: Vec::new(),
            sleeps: Vec::new(),
            status_branches: branches,
            requests: Vec::new(),
            with_targets: Vec::new(),
            bound_names: Vec::new(),
            classifiers: Vec::new(),
            waits: false,
            attempts: None,
        };
        let records = self.records();
        records.push(record);
        let index = records.len() - 1;
        self.open.push(index);
    }

    fn note_counter(&mut self, offset: TextSize, name: &str) {
        for index in self.loops_holding(offset) {
            let record = &mut self.records()[index];
            record.counters.push(name.to_string());
            if record.test.names.iter().any(|read| read == name) {
                record.flag_assignments.push(offset);
            }
        }
    }

    /// Notes the names an assignment target binds in the open loops that
    /// hold it.
    fn note_bound_target(&mut self, offset: TextSize, target: &Expr) {
        if self.open.is_empty() {
            return;
        }
        let mut names = Vec::new();
        match target {
            Expr::Name(name) => names.push(name.id.to_string()),
            Expr::Tuple(_) | Expr::List(_) | Expr::Starred(_) => {
                bound_names(target, &mut names, 0);
            }
            _ => return,
        }
        for index in self.loops_holding(offset) {
            self.records()[index]
                .bound_names
                .extend(names.iter().cloned());
        }
    }

    fn note_assignment(&mut self, offset: TextSize, name: &str) {
        for index in self.loops_holding(offset) {
            let record = &mut self.records()[index];
            if record.test.names.iter().any(|read| read == name) {
                record.flag_assignments.push(offset);
            }
        }
    }

    /// Notes a call: a request (and the name its response is bound to), a
    /// sleep or a call that may wait, a `raise_for_status()`.
    pub(crate) fn note_call(
        &mut self,
        semantic: &SemanticModel,
        call: &ExprCall,
        is_network: bool,
    ) {
        let offset = call.start();
        let callee = callee_name(call);
        let is_sleep = semantic.is_sleep_call(call);
        let waits = is_sleep || callee.is_some_and(is_wait_word);
        let raises_for_status = callee == Some("raise_for_status");
        let verb =
            call.func.is_attribute_expr() && callee.is_some_and(|name| HTTP_VERBS.contains(&name));
        if !is_network && !waits && !raises_for_status && !verb {
            return;
        }
        let holding = self.loops_holding(offset);
        for &index in &holding {
            let record = &mut self.records()[index];
            record.waits |= waits;
            if raises_for_status {
                record.classifiers.push(offset);
            }
            for record in &mut record.tries {
                let in_body = record.body.contains(offset);
                record.network_call |= is_network && in_body;
                record.raises_for_status |= raises_for_status && in_body;
                if is_sleep {
                    for handler in &mut record.handlers {
                        handler.sleeps |= handler.body.contains(offset);
                    }
                }
            }
        }
        let Some(&innermost) = holding.last() else {
            return;
        };
        if is_network || verb {
            let record = &mut self.records()[innermost];
            let response = semantic
                .assigned_name(call)
                .map(str::to_string)
                .or_else(|| {
                    record
                        .with_targets
                        .iter()
                        .find(|(start, _)| *start == offset)
                        .map(|(_, name)| name.clone())
                });
            if is_network || response.is_some() {
                record.requests.push(RequestRecord {
                    at: offset,
                    reads: request_reads(call),
                    response,
                    sure: is_network,
                });
            }
        }
        if is_sleep {
            let delay = semantic
                .sleep_delay(call)
                .map(|delay| semantic.delay_summary(delay));
            self.records()[innermost].sleeps.push(SleepRecord {
                range: call.range(),
                delay,
            });
        }
    }

    /// Notes a read of a status attribute (`error.response.status_code`): in
    /// a handler, or in a `try` body (which then picks the statuses that
    /// reach its handlers).
    pub(crate) fn note_status_read(&mut self, offset: TextSize) {
        for index in self.loops_holding(offset) {
            self.records()[index].classifiers.push(offset);
            for record in &mut self.records()[index].tries {
                let in_body = record.body.contains(offset);
                for handler in &mut record.handlers {
                    handler.mentions_status |= in_body || handler.body.contains(offset);
                }
            }
        }
    }

    /// Judges the loops of the body just visited: the current function's
    /// (with its parameters), or the module's when `parameters` is `None`
    /// and no function is being visited. Call while the body's scope is
    /// current. `network_module`: the file imports a network module.
    pub(crate) fn decide(
        &mut self,
        semantic: &SemanticModel,
        parameters: Option<&Parameters>,
        network_module: bool,
    ) -> Vec<RetryLoop> {
        let (records, counters) = if self.in_function && semantic.current_function_scope().is_some()
        {
            (
                std::mem::take(&mut self.function),
                std::mem::take(&mut self.counter_targets),
            )
        } else {
            (
                std::mem::take(&mut self.module),
                std::mem::take(&mut self.module_counter_targets),
            )
        };
        self.open.clear();
        records
            .iter()
            .filter_map(|record| {
                let context = Context {
                    semantic,
                    parameters,
                    counters: &counters,
                    delays: &self.delays,
                    network_module,
                };
                judge(&context, record)
            })
            .collect()
    }
}

fn try_record(semantic: &SemanticModel, stmt_try: &ast::StmtTry) -> TryRecord {
    let span = |body: &[Stmt]| match (body.first(), body.last()) {
        (Some(first), Some(last)) => Some(TextRange::new(first.start(), last.end())),
        _ => None,
    };
    let handlers = stmt_try
        .handlers
        .iter()
        .map(|handler| {
            let ast::ExceptHandler::ExceptHandler(handler) = handler;
            HandlerRecord {
                body: span(&handler.body).unwrap_or_else(|| handler.range()),
                caught: semantic.caught(handler),
                facts: HandlerFacts::of(handler),
                sleeps: false,
                mentions_status: false,
            }
        })
        .collect();
    TryRecord {
        range: stmt_try.range(),
        body: span(&stmt_try.body).unwrap_or_else(|| TextRange::empty(stmt_try.start())),
        orelse: span(&stmt_try.orelse),
        body_always_leaves: handlers::always_leaves(&stmt_try.body),
        success: Paths::of(&[&stmt_try.body, &stmt_try.orelse]),
        finally_always_leaves: !stmt_try.finalbody.is_empty()
            && handlers::always_leaves(&stmt_try.finalbody),
        network_call: false,
        raises_for_status: false,
        handlers,
    }
}

/// Whether a branch test consults something that may classify a response:
/// it reads `response` (a status branch's receiver) or calls a function
/// (`self._recoverable(result)`), not only counters and flags.
fn test_consults(test: &Expr, response: &str, depth: u32) -> bool {
    if depth > super::names::MAX_EXPR_DEPTH {
        return true;
    }
    let consults = |expr: &Expr| test_consults(expr, response, depth + 1);
    match test {
        Expr::Call(_) => true,
        Expr::Name(name) => name.id.as_str() == response,
        Expr::Attribute(attribute) => consults(&attribute.value),
        Expr::Subscript(subscript) => consults(&subscript.value) || consults(&subscript.slice),
        Expr::UnaryOp(unary) => consults(&unary.operand),
        Expr::BinOp(binop) => consults(&binop.left) || consults(&binop.right),
        Expr::BoolOp(bool_op) => bool_op.values.iter().any(consults),
        Expr::Compare(compare) => {
            consults(&compare.left) || compare.comparators.iter().any(consults)
        }
        Expr::Named(named) => consults(&named.value),
        Expr::Await(await_expr) => consults(&await_expr.value),
        _ => false,
    }
}

/// HTTP verbs: a method of that name on an object the model does not know
/// may send a request.
const HTTP_VERBS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request", "send",
];

/// Words in a callee's name that say it may wait (a back-off helper).
const WAIT_WORDS: &[&str] = &["sleep", "wait", "backoff", "delay", "pause", "throttle"];

fn is_wait_word(name: &str) -> bool {
    WAIT_WORDS
        .iter()
        .any(|word| super::retry::contains_ignoring_case(name, word))
}

/// The last name of a callee: `get` in `client.get`, `sleep` in `sleep`.
fn callee_name(call: &ExprCall) -> Option<&str> {
    match call.func.as_ref() {
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        Expr::Name(name) => Some(name.id.as_str()),
        _ => None,
    }
}

/// Keywords that change how a request is sent, not what it asks for: a
/// later attempt with a longer timeout or fresh headers (a rotated user
/// agent, a refreshed token) sends the same request.
const DELIVERY_KEYWORDS: &[&str] = &["timeout", "headers", "extra_headers"];

/// The names a request reads: its receiver and arguments, except the
/// [`DELIVERY_KEYWORDS`].
fn request_reads(call: &ExprCall) -> Vec<String> {
    let mut names = Vec::new();
    if let Expr::Attribute(attribute) = call.func.as_ref() {
        super::names::read_names(&attribute.value, &mut names);
    }
    for argument in &call.arguments.args {
        super::names::read_names(argument, &mut names);
    }
    for keyword in &call.arguments.keywords {
        if keyword
            .arg
            .as_ref()
            .is_none_or(|arg| !DELIVERY_KEYWORDS.contains(&arg.as_str()))
        {
            super::names::read_names(&keyword.value, &mut names);
        }
    }
    names
}

/// The names a tuple, list or starred target binds.
fn bound_names(target: &Expr, names: &mut Vec<String>, depth: u32) {
    if depth > super::names::MAX_EXPR_DEPTH {
        return;
    }
    match target {
        Expr::Name(name) => names.push(name.id.to_string()),
        Expr::Tuple(tuple) => {
            for element in &tuple.elts {
                bound_names(element, names, depth + 1);
            }
        }
        Expr::List(list) => {
            for element in &list.elts {
                bound_names(element, names, depth + 1);
            }
        }
        Expr::Starred(starred) => bound_names(&starred.value, names, depth + 1),
        _ => {}
    }
}

/// The number of values `range(...)` of integer literals yields.
fn range_length(semantic: &SemanticModel, iter: &Expr) -> Option<u64> {
    let call = iter.as_call_expr()?;
    if semantic.builtin_name(&call.func) != Some("range") || !call.arguments.keywords.is_empty() {
        return None;
    }
    let literal = |expr: &Expr| match expr {
        Expr::NumberLiteral(ast::ExprNumberLiteral {
            value: ast::Number::Int(int),
            ..
        }) => int.as_u64(),
        _ => None,
    };
    match &*call.arguments.args {
        [stop] => literal(stop),
        [start, stop] => Some(literal(stop)?.saturating_sub(literal(start)?)),
        _ => None,
    }
}

/// The retry facts the model keeps for a file: loop recognition fed by the
/// checker, the loops of the body just visited once judged, and which
/// functions a retry decorator wraps.
#[derive(Debug, Default)]
pub(crate) struct RetryFacts {
    /// Boxed so that feeding it (which needs the model too) moves a
    /// pointer, not the recogniser; created on first use.
    loops: Option<Box<RetryLoops>>,
    /// The retry loops of the body whose visit just ended (see
    /// [`SemanticModel::settled_retry_loops`]).
    settled: Vec<RetryLoop>,
    /// The file imports tenacity or backoff (so far in the traversal).
    imports_retry_library: bool,
    /// Start offsets of the functions a retry decorator wraps.
    retried_functions: rustc_hash::FxHashSet<TextSize>,
    /// The function being visited is wrapped by a retry decorator.
    in_retried_function: bool,
}

/// Whether a module is tenacity or backoff (or one of their submodules).
fn is_retry_library(module: &str) -> bool {
    matches!(
        module.split('.').next().unwrap_or_default(),
        "tenacity" | "backoff"
    )
}

impl SemanticModel<'_> {
    /// Lambdas run when called, not where they stand: their calls and reads
    /// are not part of the enclosing loop's attempts.
    fn in_lambda(&self) -> bool {
        self.current_scope().kind == super::ScopeKind::Lambda
    }

    /// Feeds retry recognition a statement, before its children and before
    /// the rules see it.
    pub(crate) fn note_retry_stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Import(import) => {
                let imports = import
                    .names
                    .iter()
                    .any(|alias| is_retry_library(alias.name.as_str()));
                self.retry.imports_retry_library |= imports;
                return;
            }
            Stmt::ImportFrom(import_from) => {
                let imports = import_from.module.as_ref().is_some_and(|module| {
                    import_from.level == 0 && is_retry_library(module.as_str())
                });
                self.retry.imports_retry_library |= imports;
                return;
            }
            // Until tenacity or backoff is imported, no decorator can name
            // them.
            Stmt::FunctionDef(function) if self.retry.imports_retry_library => {
                let decorated = function
                    .decorator_list
                    .iter()
                    .any(|decorator| self.retrying_decorator(&decorator.expression).is_some());
                if decorated {
                    self.retry.retried_functions.insert(function.start());
                }
            }
            _ => {}
        }
        // A loop opens a record; the other statements the recogniser reads
        // matter only inside an open loop.
        let noted = match stmt {
            Stmt::For(_) | Stmt::While(_) => true,
            Stmt::Try(_)
            | Stmt::If(_)
            | Stmt::With(_)
            | Stmt::Assign(_)
            | Stmt::AnnAssign(_)
            | Stmt::AugAssign(_)
            | Stmt::Return(_)
            | Stmt::Break(_) => self.retry_loop_open(),
            _ => false,
        };
        if noted {
            self.with_retry_loops(|loops, semantic| loops.note_stmt(semantic, stmt));
        }
    }

    /// Feeds retry recognition an expression that is not a call: reads of a
    /// status attribute (`error.response.status_code`).
    pub(crate) fn note_retry_expr(&mut self, expr: &Expr) {
        if self.retry_loop_open()
            && let Expr::Attribute(attribute) = expr
            && handlers::STATUS_ATTRIBUTES.contains(&attribute.attr.as_str())
            && !self.in_lambda()
            && let Some(loops) = &mut self.retry.loops
        {
            loops.note_status_read(attribute.start());
        }
    }

    /// Feeds retry recognition a call and what it talks to.
    pub(crate) fn note_retry_call(&mut self, call: &ExprCall, target: Option<&super::CallTarget>) {
        if self.in_lambda() || !self.retry_loop_open() {
            return;
        }
        let sends_request = target.is_some_and(super::retry::sends_request);
        self.with_retry_loops(|loops, semantic| loops.note_call(semantic, call, sends_request));
    }

    /// A function body starts (after its parameters are bound).
    pub(crate) fn enter_retry_function(&mut self, function: &ast::StmtFunctionDef) {
        self.retry
            .loops
            .get_or_insert_with(Box::default)
            .enter_function();
        self.retry.in_retried_function = self.retry.retried_functions.contains(&function.start());
    }

    /// Judges the loops of the body just visited: a function's (with its
    /// parameters, while its scope is current) or the module's (`None`, at
    /// the end of the file). The rules read the result with
    /// [`Self::settled_retry_loops`].
    pub(crate) fn settle_retry_loops(&mut self, parameters: Option<&Parameters>) {
        if self.retry.loops.is_none() {
            self.retry.settled.clear();
            return;
        }
        let network_module = self.is_network_module();
        let mut settled = Vec::new();
        self.with_retry_loops(|loops, semantic| {
            settled = loops.decide(semantic, parameters, network_module);
        });
        self.retry.settled = settled;
    }

    /// A function body has been visited and settled; also called before the
    /// module's loops are settled.
    pub(crate) fn leave_retry_function(&mut self) {
        self.retry.in_retried_function = false;
    }

    /// Whether a loop of the current body is open (a cheap pre-check; it may
    /// answer `true` just after a loop ends).
    pub(crate) fn retry_loop_open(&self) -> bool {
        self.retry
            .loops
            .as_ref()
            .is_some_and(|loops| loops.any_open())
    }

    /// Runs `feed` on the recogniser, which reads the model.
    fn with_retry_loops(&mut self, feed: impl FnOnce(&mut RetryLoops, &Self)) {
        let mut loops = self.retry.loops.take().unwrap_or_default();
        feed(&mut loops, self);
        self.retry.loops = Some(loops);
    }

    /// The retry loops of the body whose visit just ended: valid in the
    /// rules' `leave_function` hooks (the function's loops) and `finish`
    /// hooks (the module's).
    pub(crate) fn settled_retry_loops(&self) -> &[RetryLoop] {
        &self.retry.settled
    }

    /// Whether the function being visited is wrapped by a retry decorator.
    pub(crate) fn in_retried_function(&self) -> bool {
        self.retry.in_retried_function
    }

    /// Whether the file imports tenacity or backoff (so far): until then no
    /// call can name their APIs.
    pub(crate) fn imports_retry_library(&self) -> bool {
        self.retry.imports_retry_library
    }
}
