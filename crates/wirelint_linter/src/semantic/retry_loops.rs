//! Retry-loop recognition, as RULES.md defines it for WL3: a `for`/`while`
//! loop whose body has a `try` with an `except` handler that can let the
//! loop go on, where the `try` body makes a network call, or the module is a
//! network module and the handler sleeps.
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

use ruff_python_ast::{self as ast, Expr, ExprCall, Parameters, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::handlers::{self, Caught, HandlerFacts, Paths};
use super::names::{MAX_EXPR_DEPTH, read_names};
use super::retry::{DelayRebindings, DelaySummary, Randomness, RetryApi, contains_ignoring_case};
use super::{BindingKind, SemanticModel};

/// Words that mark a name or attribute as a time budget (`deadline`,
/// `elapsed`, `self.timeout`): a test that reads one bounds the loop.
const TIME_WORDS: &[&str] = &[
    "deadline",
    "elapsed",
    "timeout",
    "expir",
    "max_time",
    "time_left",
    "remaining",
];

/// Clock functions: a test that calls one bounds the loop by time.
const CLOCK_FUNCTIONS: &[&str] = &[
    "time",
    "monotonic",
    "perf_counter",
    "time_ns",
    "monotonic_ns",
    "now",
    "utcnow",
];

/// What a loop iterates over, for retrying purposes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum LoopKind {
    /// `while test:`.
    While,
    /// `for attempt in range(n)` / `itertools.repeat(x, n)`: bounded.
    Counted,
    /// `for attempt in itertools.count()`: counts without end.
    Endless,
    /// `for attempt in Retrying(...)`: tenacity retries the body.
    Tenacity,
    /// A loop over items, pages or anything else: not a retry loop.
    Items,
}

/// What a `while` test reads.
#[derive(Clone, Debug, Default)]
struct LoopTest {
    /// `while True:`, `while 1:`.
    always_true: bool,
    /// Names the test reads (locals, flags, counters).
    names: Vec<String>,
    /// The test reads something the model cannot follow (an attribute, a
    /// call): it may bound the loop.
    opaque: bool,
    /// The test reads a clock or a time budget.
    time_bound: bool,
}

impl LoopTest {
    fn of(test: &Expr) -> Self {
        let mut found = LoopTest {
            always_true: is_truthy_constant(test),
            ..LoopTest::default()
        };
        if !found.always_true {
            found.read(test, 0);
        }
        found
    }

    fn read(&mut self, expr: &Expr, depth: u32) {
        if depth > MAX_EXPR_DEPTH {
            self.opaque = true;
            return;
        }
        let depth = depth + 1;
        match expr {
            Expr::Name(name) => {
                self.time_bound |= is_time_word(name.id.as_str());
                self.names.push(name.id.to_string());
            }
            Expr::UnaryOp(unary) => self.read(&unary.operand, depth),
            Expr::BoolOp(bool_op) => {
                for value in &bool_op.values {
                    self.read(value, depth);
                }
            }
            Expr::Compare(compare) => {
                self.read(&compare.left, depth);
                for comparator in &compare.comparators {
                    self.read(comparator, depth);
                }
            }
            Expr::BinOp(binop) => {
                self.read(&binop.left, depth);
                self.read(&binop.right, depth);
            }
            Expr::NumberLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::StringLiteral(_) => {}
            other => {
                self.opaque = true;
                self.time_bound |= reads_clock_or_budget(other, 0);
                read_names(other, &mut self.names);
            }
        }
    }
}

/// A branch that can leave the loop, and what its tests read.
#[derive(Clone, Debug)]
struct Guard {
    names: Vec<String>,
    time_bound: bool,
    /// The test reads a flag of the object (`if self.closed: return`):
    /// something outside the loop can end it.
    external: bool,
}

#[derive(Clone, Debug)]
struct HandlerRecord {
    body: TextRange,
    caught: Caught,
    facts: HandlerFacts,
    sleeps: bool,
    mentions_status: bool,
}

#[derive(Clone, Debug)]
struct TryRecord {
    range: TextRange,
    body: TextRange,
    orelse: Option<TextRange>,
    body_always_leaves: bool,
    /// How a successful attempt (the body, then `else`) ends.
    success: Paths,
    finally_always_leaves: bool,
    network_call: bool,
    handlers: Vec<HandlerRecord>,
}

#[derive(Clone, Debug)]
struct SleepRecord {
    range: TextRange,
    delay: Option<DelaySummary>,
}

#[derive(Clone, Debug)]
struct LoopRecord {
    range: TextRange,
    header: TextRange,
    body: TextRange,
    kind: LoopKind,
    test: LoopTest,
    /// Names incremented or decremented in the body (`attempt += 1`).
    counters: Vec<String>,
    guards: Vec<Guard>,
    /// Offsets of the `return`s and `break`s that leave this loop.
    exits: Vec<TextSize>,
    /// Offsets of assignments to names the `while` test reads.
    flag_assignments: Vec<TextSize>,
    /// Each top-level statement of the body, and the paths through the
    /// statements after it.
    tails: Vec<(TextRange, Paths)>,
    tries: Vec<TryRecord>,
    sleeps: Vec<SleepRecord>,
}

/// A handler of a retry loop that lets the loop go on.
#[derive(Clone, Debug)]
pub struct RetryHandler {
    pub caught: Caught,
    pub facts: HandlerFacts,
    /// The handler, or the `try` body before it, reads a status attribute
    /// (`status_code`).
    pub mentions_status: bool,
}

/// A sleep between attempts, and whether its delay has a random part.
#[derive(Clone, Debug)]
pub struct BackoffSleep {
    pub range: TextRange,
    /// `None` when the sleep's delay was not given.
    pub randomness: Option<Randomness>,
}

/// A recognised retry loop.
#[derive(Clone, Debug)]
pub struct RetryLoop {
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
    /// Sleeps between attempts: in those handlers, or after a `try` whose
    /// body always leaves the loop on success.
    pub backoff_sleeps: Vec<BackoffSleep>,
}

impl RetryLoop {
    /// Whether `offset` is inside the code each attempt runs again.
    pub fn retries(&self, offset: TextSize) -> bool {
        self.retried.iter().any(|range| range.contains(offset))
    }
}

/// The recognition state of one file.
#[derive(Debug, Default)]
pub struct RetryLoops {
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
    pub fn enter_function(&mut self) {
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
    pub fn any_open(&self) -> bool {
        !self.open.is_empty()
    }

    /// Notes a statement as the traversal reaches it (before its children).
    pub fn note_stmt(&mut self, semantic: &SemanticModel, stmt: &Stmt) {
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
                let header = TextRange::new(stmt.start(), stmt_for.iter.end());
                self.open_loop(stmt, header, &stmt_for.body, kind, LoopTest::default());
            }
            Stmt::While(stmt_while) => {
                let header = TextRange::new(stmt.start(), stmt_while.test.end());
                let test = LoopTest::of(&stmt_while.test);
                self.open_loop(stmt, header, &stmt_while.body, LoopKind::While, test);
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

    fn note_assignment(&mut self, offset: TextSize, name: &str) {
        for index in self.loops_holding(offset) {
            let record = &mut self.records()[index];
            if record.test.names.iter().any(|read| read == name) {
                record.flag_assignments.push(offset);
            }
        }
    }

    /// Notes a call: a network call inside a `try` body, a sleep.
    pub fn note_call(&mut self, semantic: &SemanticModel, call: &ExprCall, is_network: bool) {
        let offset = call.start();
        let is_sleep = semantic.is_sleep_call(call);
        if !is_network && !is_sleep {
            return;
        }
        let holding = self.loops_holding(offset);
        for &index in &holding {
            for record in &mut self.records()[index].tries {
                if is_network && record.body.contains(offset) {
                    record.network_call = true;
                }
                if is_sleep {
                    for handler in &mut record.handlers {
                        handler.sleeps |= handler.body.contains(offset);
                    }
                }
            }
        }
        if is_sleep && let Some(&innermost) = holding.last() {
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
    pub fn note_status_read(&mut self, offset: TextSize) {
        for index in self.loops_holding(offset) {
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
    pub fn decide(
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
        handlers,
    }
}

/// What judging a body's loops needs besides the loops.
struct Context<'c, 'a> {
    semantic: &'c SemanticModel<'a>,
    parameters: Option<&'c Parameters>,
    counters: &'c [String],
    delays: &'c DelayRebindings,
    network_module: bool,
}

fn judge(context: &Context, record: &LoopRecord) -> Option<RetryLoop> {
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

fn for_kind(semantic: &SemanticModel, iter: &Expr) -> LoopKind {
    let call = match iter {
        Expr::Call(call) => call,
        Expr::Name(name) => {
            let value = semantic
                .lookup(name.id.as_str())
                .filter(|binding| binding.kind == BindingKind::Assignment)
                .and_then(|binding| binding.value);
            return match value {
                Some(Expr::Call(call)) if is_tenacity_retrying(semantic, call) => {
                    LoopKind::Tenacity
                }
                _ => LoopKind::Items,
            };
        }
        _ => return LoopKind::Items,
    };
    if is_tenacity_retrying(semantic, call) {
        return LoopKind::Tenacity;
    }
    if semantic.builtin_name(&call.func) == Some("range") {
        let over_items = call.arguments.args.iter().any(|argument| {
            argument
                .as_call_expr()
                .is_some_and(|inner| semantic.builtin_name(&inner.func) == Some("len"))
        });
        return if over_items {
            LoopKind::Items
        } else {
            LoopKind::Counted
        };
    }
    match semantic.qualified_name(&call.func).as_deref() {
        Some("itertools.count" | "itertools.cycle") => LoopKind::Endless,
        Some("itertools.repeat") => {
            if call.arguments.find_argument_value("times", 1).is_some() {
                LoopKind::Counted
            } else {
                LoopKind::Endless
            }
        }
        _ => LoopKind::Items,
    }
}

fn is_tenacity_retrying(semantic: &SemanticModel, call: &ExprCall) -> bool {
    semantic.retry_api(&call.func) == Some(RetryApi::TenacityRetrying)
}

/// `x = x + 1`, `x = x - step`: the name steps itself.
fn steps_itself(name: &str, value: &Expr) -> bool {
    let Expr::BinOp(binop) = value else {
        return false;
    };
    [binop.left.as_ref(), binop.right.as_ref()]
        .into_iter()
        .any(|side| {
            side.as_name_expr()
                .is_some_and(|side| side.id.as_str() == name)
        })
}

fn is_truthy_constant(test: &Expr) -> bool {
    match test {
        Expr::BooleanLiteral(boolean) => boolean.value,
        Expr::NumberLiteral(number) => match &number.value {
            ast::Number::Int(int) => int.as_u64() != Some(0),
            ast::Number::Float(float) => *float != 0.0,
            ast::Number::Complex { .. } => false,
        },
        Expr::StringLiteral(string) => !string.value.is_empty(),
        _ => false,
    }
}

/// Whether a test reads a flag of the receiver (`self.closed`,
/// `not self._running`), not through a call (`self._should_retry(error)`
/// classifies the error, it does not stop the loop).
fn reads_receiver_flag(test: &Expr, depth: u32) -> bool {
    if depth > MAX_EXPR_DEPTH {
        return false;
    }
    let depth = depth + 1;
    match test {
        Expr::Attribute(attribute) => attribute
            .value
            .as_name_expr()
            .is_some_and(|receiver| matches!(receiver.id.as_str(), "self" | "cls")),
        Expr::UnaryOp(unary) => reads_receiver_flag(&unary.operand, depth),
        Expr::BoolOp(bool_op) => bool_op
            .values
            .iter()
            .any(|value| reads_receiver_flag(value, depth)),
        Expr::Compare(compare) => {
            reads_receiver_flag(&compare.left, depth)
                || compare
                    .comparators
                    .iter()
                    .any(|comparator| reads_receiver_flag(comparator, depth))
        }
        _ => false,
    }
}

fn is_time_word(name: &str) -> bool {
    TIME_WORDS
        .iter()
        .any(|word| contains_ignoring_case(name, word))
}

/// Whether an expression reads a clock (`time.monotonic()`, `loop.time()`)
/// or a time budget (`self.deadline`).
fn reads_clock_or_budget(expr: &Expr, depth: u32) -> bool {
    if depth > MAX_EXPR_DEPTH {
        return false;
    }
    let depth = depth + 1;
    match expr {
        Expr::Name(name) => is_time_word(name.id.as_str()),
        Expr::Attribute(attribute) => {
            is_time_word(attribute.attr.as_str()) || reads_clock_or_budget(&attribute.value, depth)
        }
        Expr::Call(call) => {
            let clock = match call.func.as_ref() {
                Expr::Attribute(attribute) => CLOCK_FUNCTIONS.contains(&attribute.attr.as_str()),
                Expr::Name(name) => CLOCK_FUNCTIONS.contains(&name.id.as_str()),
                _ => false,
            };
            clock
                || reads_clock_or_budget(&call.func, depth)
                || call
                    .arguments
                    .args
                    .iter()
                    .any(|argument| reads_clock_or_budget(argument, depth))
        }
        Expr::BinOp(binop) => {
            reads_clock_or_budget(&binop.left, depth) || reads_clock_or_budget(&binop.right, depth)
        }
        Expr::Compare(compare) => {
            reads_clock_or_budget(&compare.left, depth)
                || compare
                    .comparators
                    .iter()
                    .any(|comparator| reads_clock_or_budget(comparator, depth))
        }
        Expr::BoolOp(bool_op) => bool_op
            .values
            .iter()
            .any(|value| reads_clock_or_budget(value, depth)),
        Expr::UnaryOp(unary) => reads_clock_or_budget(&unary.operand, depth),
        Expr::Subscript(subscript) => reads_clock_or_budget(&subscript.value, depth),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use ruff_python_ast::visitor::{self, Visitor};
    use ruff_python_ast::{Expr, Stmt};
    use ruff_python_parser::parse_module;

    use super::*;
    use crate::semantic::{Binding, KnownNames};
    use crate::settings::LinterSettings;

    /// Feeds [`RetryLoops`] the way the checker does, for module-level
    /// snippets: imports, assignments and loop targets are bound, every
    /// statement and call is noted in source order.
    struct Driver<'a> {
        semantic: SemanticModel<'a>,
        loops: RetryLoops,
    }

    impl<'a> Visitor<'a> for Driver<'a> {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            self.loops.note_stmt(&self.semantic, stmt);
            visitor::walk_stmt(self, stmt);
            match stmt {
                Stmt::Import(import) => {
                    for alias in &import.names {
                        let name = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                        let kind = BindingKind::Import {
                            qualified: alias.name.to_string(),
                        };
                        self.semantic.bind(name, Binding::new(kind, alias.range));
                    }
                }
                Stmt::ImportFrom(import_from) => {
                    let module = import_from.module.as_ref().map_or("", |m| m.as_str());
                    for alias in &import_from.names {
                        let name = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                        let kind = BindingKind::Import {
                            qualified: format!("{module}.{}", alias.name),
                        };
                        self.semantic.bind(name, Binding::new(kind, alias.range));
                    }
                }
                Stmt::Assign(assign) => {
                    if let [Expr::Name(name)] = assign.targets.as_slice() {
                        let mut binding = Binding::new(BindingKind::Assignment, name.range);
                        binding.value = Some(&assign.value);
                        self.semantic.bind(name.id.as_str(), binding);
                    }
                }
                Stmt::For(stmt_for) => {
                    if let Expr::Name(name) = stmt_for.target.as_ref() {
                        let binding = Binding::new(BindingKind::Other, name.range);
                        self.semantic.bind(name.id.as_str(), binding);
                    }
                }
                Stmt::AugAssign(aug_assign) => {
                    if let Expr::Name(name) = aug_assign.target.as_ref() {
                        let binding = Binding::new(BindingKind::Assignment, name.range);
                        self.semantic.bind(name.id.as_str(), binding);
                    }
                }
                _ => {}
            }
        }

        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                let is_network = self
                    .semantic
                    .classify_call(call)
                    .is_some_and(|target| crate::semantic::retry::sends_request(&target));
                self.loops.note_call(&self.semantic, call, is_network);
            }
            if let Expr::Attribute(attribute) = expr
                && handlers::STATUS_ATTRIBUTES.contains(&attribute.attr.as_str())
            {
                self.loops.note_status_read(attribute.start());
            }
            visitor::walk_expr(self, expr);
        }
    }

    /// The retry loops of a module-level snippet, judged as in a network
    /// module when `network_module`.
    fn retry_loops(source: &str, network_module: bool) -> Vec<RetryLoop> {
        let parsed = parse_module(source).expect("valid test source");
        let known = Rc::new(KnownNames::new(&LinterSettings::default()));
        let mut driver = Driver {
            semantic: SemanticModel::new(known),
            loops: RetryLoops::default(),
        };
        driver.visit_body(&parsed.syntax().body);
        let Driver {
            semantic,
            mut loops,
        } = driver;
        loops.decide(&semantic, None, network_module)
    }

    fn single(source: &str) -> RetryLoop {
        let mut found = retry_loops(source, true);
        assert_eq!(found.len(), 1, "expected one retry loop in:\n{source}");
        found.pop().unwrap()
    }

    #[test]
    fn the_policy_shape_is_a_bounded_jittered_retry_loop() {
        let source = "\
import asyncio, random
for attempt in range(max_attempts):
    try:
        result = call()
        break
    except Exception as error:
        if attempt == max_attempts - 1 or not is_retryable(error):
            raise
        ceiling = min(max_delay, base_delay * (2 ** attempt))
        asyncio.sleep(random.uniform(0.0, ceiling))
";
        let found = single(source);
        assert!(!found.unbounded);
        assert_eq!(found.handlers.len(), 1);
        let handler = &found.handlers[0];
        assert!(handler.caught.everything);
        assert!(handler.facts.raises && handler.facts.raise_checks_error);
        assert_eq!(found.backoff_sleeps.len(), 1);
        assert_eq!(found.backoff_sleeps[0].randomness, Some(Randomness::Random));
        // The same helper in a module with no network import is not a
        // retry loop: nothing in it talks to the network.
        assert!(retry_loops(source, false).is_empty());
    }

    #[test]
    fn a_network_call_in_the_try_body_makes_a_retry_loop_anywhere() {
        let source = "\
import httpx, time
while True:
    try:
        response = httpx.get(url)
        break
    except httpx.TransportError:
        time.sleep(1)
";
        let found = retry_loops(source, false);
        assert_eq!(found.len(), 1);
        assert!(found[0].unbounded);
        assert_eq!(
            found[0].backoff_sleeps[0].randomness,
            Some(Randomness::Fixed)
        );
        assert_eq!(found[0].header, TextRange::new(19.into(), 29.into()));
    }

    #[test]
    fn loops_that_never_leave_on_success_are_not_retry_loops() {
        let worker = "\
import httpx, time
while True:
    try:
        httpx.post(url, json=next_event())
    except Exception:
        time.sleep(1)
";
        assert!(retry_loops(worker, true).is_empty());
        let pages = "\
import httpx
for url in urls:
    try:
        pages.append(httpx.get(url))
    except httpx.HTTPError:
        continue
    if len(pages) > 10:
        break
";
        assert!(retry_loops(pages, true).is_empty());
    }

    #[test]
    fn handlers_that_always_leave_do_not_retry() {
        let source = "\
import httpx
while True:
    try:
        response = httpx.get(url)
        break
    except httpx.TransportError:
        raise
    except httpx.HTTPStatusError:
        break
";
        assert!(retry_loops(source, true).is_empty());
    }

    #[test]
    fn counters_deadlines_and_flags_decide_the_bound() {
        let counter_guard = "\
import httpx
while True:
    try:
        response = httpx.get(url)
        break
    except httpx.TransportError:
        attempt += 1
        if attempt > 3:
            raise
";
        assert!(!single(counter_guard).unbounded);
        let counted_test = "\
import httpx
while attempt < 3:
    try:
        response = httpx.get(url)
        break
    except httpx.TransportError:
        attempt = attempt + 1
";
        assert!(!single(counted_test).unbounded);
        let deadline = "\
import httpx, time
while time.monotonic() < deadline:
    try:
        response = httpx.get(url)
        break
    except httpx.TransportError:
        pass
";
        assert!(!single(deadline).unbounded);
        let flag = "\
import httpx
while not done:
    try:
        response = httpx.get(url)
        done = True
    except httpx.TransportError:
        pass
";
        assert!(single(flag).unbounded);
    }

    #[test]
    fn tenacity_retrying_loops_retry_their_whole_body() {
        let source = "\
import httpx
from tenacity import Retrying, stop_after_attempt
for attempt in Retrying(stop=stop_after_attempt(3)):
    with attempt:
        httpx.post(url)
";
        let found = single(source);
        assert!(!found.unbounded);
        assert_eq!(found.retried, vec![found.body]);
    }

    #[test]
    fn status_reads_and_sleeps_after_the_try_are_attributed() {
        let source = "\
import httpx, time
BASE = 0.5
for attempt in range(3):
    try:
        response = httpx.get(url)
        break
    except httpx.HTTPStatusError as error:
        log(error.response.status_code)
    time.sleep(BASE * 2 ** attempt)
";
        let found = single(source);
        assert!(found.handlers[0].mentions_status);
        assert_eq!(found.backoff_sleeps.len(), 1);
        assert_eq!(found.backoff_sleeps[0].randomness, Some(Randomness::Fixed));
    }

    #[test]
    fn rebound_delays_keep_every_value() {
        let doubling = "\
import httpx, time
delay = 1
for attempt in range(3):
    try:
        response = httpx.get(url)
        break
    except httpx.TransportError:
        time.sleep(delay)
        delay *= 2
";
        let found = single(doubling);
        assert_eq!(found.backoff_sleeps[0].randomness, Some(Randomness::Fixed));
        let jittered = doubling.replace("delay *= 2", "delay += random.random()");
        let jittered = format!("import random\n{jittered}");
        let found = single(&jittered);
        assert_eq!(found.backoff_sleeps[0].randomness, Some(Randomness::Random));
        let unseen = doubling.replace("delay = 1", "delay, cap = limits()");
        let found = single(&unseen);
        assert_eq!(
            found.backoff_sleeps[0].randomness,
            Some(Randomness::Unknown)
        );
    }
}
