//! Path facts about `except` handlers and statement blocks: does every path
//! through a block leave (raise, return or break), does some path raise, is a
//! raise reached only through a test of the caught error, and what a handler
//! catches.
//!
//! A path fact is a property of a whole block, known the moment its `try`
//! arrives, and the checker offers no hook after a block. So these functions
//! read the block's statements once, when the `try` (or `if`) is visited:
//! statements and branch tests only, never other expressions, each block
//! read once, with a depth guard. Every answer is conservative: when a path
//! cannot be followed (a loop inside the handler, a `with` that may swallow
//! the error), it is assumed to go on.

use ruff_python_ast::{self as ast, ExceptHandlerExceptHandler, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::SemanticModel;

/// Past this nesting the answers fall back to "may go on" / "does not raise".
const MAX_DEPTH: u32 = 64;

/// Attributes that carry an HTTP status: reading one in a test checks the
/// status of the failed response.
pub(crate) const STATUS_ATTRIBUTES: &[&str] = &[
    "status_code",
    "status",
    "http_status",
    "is_client_error",
    "is_server_error",
];

/// How the paths through a block end.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Paths {
    /// Some path reaches the statement after the block.
    pub falls_through: bool,
    /// Some path ends in `continue`.
    pub continues: bool,
    /// Some path ends in `raise`, `return` or `break` (or `sys.exit()`).
    pub leaves: bool,
}

impl Paths {
    pub(crate) const LEAVES: Paths = Paths {
        falls_through: false,
        continues: false,
        leaves: true,
    };
    pub(crate) const FALLS_THROUGH: Paths = Paths {
        falls_through: true,
        continues: false,
        leaves: false,
    };
    pub(crate) const CONTINUES: Paths = Paths {
        falls_through: false,
        continues: true,
        leaves: false,
    };

    /// The paths through `blocks` run one after the other: a `try` body
    /// followed by its `else`, say.
    pub(crate) fn of(blocks: &[&[Stmt]]) -> Paths {
        blocks.iter().fold(Paths::FALLS_THROUGH, |paths, block| {
            paths.then(block_flow(block, 0))
        })
    }

    /// `self` followed by `next` (reached only where `self` falls through).
    pub(crate) fn then(self, next: Paths) -> Paths {
        if self.falls_through {
            Paths {
                falls_through: next.falls_through,
                continues: self.continues || next.continues,
                leaves: self.leaves || next.leaves,
            }
        } else {
            self
        }
    }

    /// Either `self` or `other`.
    pub(crate) fn join(self, other: Paths) -> Paths {
        Paths {
            falls_through: self.falls_through || other.falls_through,
            continues: self.continues || other.continues,
            leaves: self.leaves || other.leaves,
        }
    }

    /// Every path raises, returns or breaks.
    pub(crate) fn always_leave(self) -> bool {
        !self.falls_through && !self.continues
    }
}

/// Whether every path through `body` ends in `raise`, `return` or `break`
/// (or `sys.exit()`): the block never lets an enclosing loop go on.
/// `continue` and falling off the end go on; a loop inside the block may run
/// zero times, so it is assumed to fall through.
pub(crate) fn always_leaves(body: &[Stmt]) -> bool {
    block_flow(body, 0).always_leave()
}

/// For each statement of `body`, the paths through the statements after
/// it: `result[i]` is `Paths::of(&[&body[i + 1..]])`.
pub(crate) fn tail_paths(body: &[Stmt]) -> Vec<Paths> {
    let mut tails = vec![Paths::FALLS_THROUGH; body.len()];
    let mut tail = Paths::FALLS_THROUGH;
    for (index, stmt) in body.iter().enumerate().rev() {
        tails[index] = tail;
        tail = stmt_flow(stmt, 0).then(tail);
    }
    tails
}

/// Whether some path through `body` can end in `raise`, `return` or
/// `break` (a `break` inside a nested loop leaves only that loop and does
/// not count).
pub(crate) fn may_leave(body: &[Stmt]) -> bool {
    body.iter().any(|stmt| stmt_may_leave(stmt, 0, false))
}

/// Whether a handler raises the error it caught as it is: a bare `raise`,
/// or `raise e` where `e` is its `as` name (outside nested handlers, whose
/// bare `raise` is their own error).
pub(crate) fn reraises_caught(handler: &ExceptHandlerExceptHandler) -> bool {
    let name = handler.name.as_ref().map(ast::Identifier::as_str);
    let reraise = |raise: &ast::StmtRaise| match raise.exc.as_deref() {
        None => true,
        Some(Expr::Name(raised)) => Some(raised.id.as_str()) == name,
        Some(_) => false,
    };
    handler
        .body
        .iter()
        .any(|stmt| stmt_has_raise(stmt, &reraise, false, 0))
}

/// Whether a block reads any of `names` (outside nested definitions and
/// lambdas): a `try` body that touches a response, say.
pub(crate) fn block_reads_any(body: &[Stmt], names: &[&str]) -> bool {
    if names.is_empty() {
        return false;
    }
    let mut reads = NameReads {
        names,
        found: false,
        depth: 0,
    };
    for stmt in body {
        ruff_python_ast::visitor::Visitor::visit_stmt(&mut reads, stmt);
    }
    reads.found
}

struct NameReads<'n> {
    names: &'n [&'n str],
    found: bool,
    depth: u32,
}

impl<'a> ruff_python_ast::visitor::Visitor<'a> for NameReads<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.found
            || self.depth > MAX_DEPTH
            || matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_))
        {
            return;
        }
        self.depth += 1;
        ruff_python_ast::visitor::walk_stmt(self, stmt);
        self.depth -= 1;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.found || self.depth > MAX_DEPTH || expr.is_lambda_expr() {
            return;
        }
        if let Expr::Name(name) = expr
            && self.names.contains(&name.id.as_str())
        {
            self.found = true;
            return;
        }
        self.depth += 1;
        ruff_python_ast::visitor::walk_expr(self, expr);
        self.depth -= 1;
    }
}

/// How many times a block reads `name` (loads only), nested definitions
/// and lambdas included: a closure's read is a read. Past the depth limit
/// the walk stops and answers `u32::MAX`, never too few.
pub(crate) fn count_reads(body: &[Stmt], name: &str) -> u32 {
    let mut counter = ReadCounter {
        name,
        count: 0,
        depth: 0,
    };
    for stmt in body {
        ruff_python_ast::visitor::Visitor::visit_stmt(&mut counter, stmt);
    }
    counter.count
}

struct ReadCounter<'n> {
    name: &'n str,
    count: u32,
    depth: u32,
}

impl<'a> ruff_python_ast::visitor::Visitor<'a> for ReadCounter<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.depth > MAX_DEPTH {
            self.count = u32::MAX;
            return;
        }
        self.depth += 1;
        ruff_python_ast::visitor::walk_stmt(self, stmt);
        self.depth -= 1;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.depth > MAX_DEPTH {
            self.count = u32::MAX;
            return;
        }
        if let Expr::Name(name) = expr
            && name.ctx == ast::ExprContext::Load
            && name.id.as_str() == self.name
        {
            self.count = self.count.saturating_add(1);
            return;
        }
        self.depth += 1;
        ruff_python_ast::visitor::walk_expr(self, expr);
        self.depth -= 1;
    }
}

/// How the paths from a point in an `except` handler to the handler's end
/// go on.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RaisePaths {
    /// Some path swallows the error: it runs off the handler's end,
    /// returns, breaks or continues (or the model cannot follow it).
    pub swallows: bool,
    /// Some path raises the caught error again: `raise`, `raise e`, or
    /// `raise Other(...) from <cause>` (a cause other than `None`).
    pub reraises: bool,
}

/// The paths from the statement holding `offset` (and the statements after
/// it) to the end of `handler`. A point inside a nested loop, `try` or
/// `match` gives up: its paths count as swallowing.
pub(crate) fn raise_paths_after(
    handler: &ExceptHandlerExceptHandler,
    offset: ruff_text_size::TextSize,
) -> RaisePaths {
    let name = handler.name.as_ref().map(ast::Identifier::as_str);
    let outcome = outcome_after(&handler.body, offset, name, 0);
    RaisePaths {
        swallows: outcome.swallows || outcome.falls,
        reraises: outcome.reraises,
    }
}

/// How the paths through (part of) a block end, for [`raise_paths_after`].
#[derive(Copy, Clone, Debug, Default)]
struct Outcome {
    falls: bool,
    swallows: bool,
    reraises: bool,
}

impl Outcome {
    const FALLS: Outcome = Outcome {
        falls: true,
        swallows: false,
        reraises: false,
    };
    const UNKNOWN: Outcome = Outcome {
        falls: true,
        swallows: true,
        reraises: false,
    };

    fn then(self, next: Outcome) -> Outcome {
        if self.falls {
            Outcome {
                falls: next.falls,
                swallows: self.swallows || next.swallows,
                reraises: self.reraises || next.reraises,
            }
        } else {
            self
        }
    }

    fn join(self, other: Outcome) -> Outcome {
        Outcome {
            falls: self.falls || other.falls,
            swallows: self.swallows || other.swallows,
            reraises: self.reraises || other.reraises,
        }
    }
}

fn outcome_after(
    block: &[Stmt],
    offset: ruff_text_size::TextSize,
    name: Option<&str>,
    depth: u32,
) -> Outcome {
    if depth > MAX_DEPTH {
        return Outcome::UNKNOWN;
    }
    let Some(index) = block.iter().position(|stmt| stmt.range().contains(offset)) else {
        return Outcome::UNKNOWN;
    };
    let holder = match &block[index] {
        Stmt::If(stmt_if) => {
            let mut bodies = std::iter::once(&stmt_if.body[..]).chain(
                stmt_if
                    .elif_else_clauses
                    .iter()
                    .map(|clause| &clause.body[..]),
            );
            match bodies.find(|body| {
                body.first().zip(body.last()).is_some_and(|(first, last)| {
                    TextRange::new(first.start(), last.end()).contains(offset)
                })
            }) {
                Some(body) => outcome_after(body, offset, name, depth + 1),
                // In a test: every clause may follow.
                None => block_outcome(std::slice::from_ref(&block[index]), name, depth + 1),
            }
        }
        Stmt::With(stmt_with) => match stmt_with.body.first() {
            Some(first) if offset >= first.start() => {
                outcome_after(&stmt_with.body, offset, name, depth + 1)
            }
            _ => block_outcome(&stmt_with.body, name, depth + 1),
        },
        Stmt::For(_) | Stmt::While(_) | Stmt::Try(_) | Stmt::Match(_) => Outcome::UNKNOWN,
        _ => Outcome::FALLS,
    };
    holder.then(block_outcome(&block[index + 1..], name, depth + 1))
}

fn block_outcome(block: &[Stmt], name: Option<&str>, depth: u32) -> Outcome {
    let mut outcome = Outcome::FALLS;
    for stmt in block {
        outcome = outcome.then(stmt_outcome(stmt, name, depth));
        if !outcome.falls {
            break;
        }
    }
    outcome
}

fn stmt_outcome(stmt: &Stmt, name: Option<&str>, depth: u32) -> Outcome {
    if depth > MAX_DEPTH {
        return Outcome::UNKNOWN;
    }
    let depth = depth + 1;
    match stmt {
        Stmt::Raise(raise) => {
            let reraises = match (raise.exc.as_deref(), raise.cause.as_deref()) {
                (None, _) => true,
                (_, Some(cause)) => !cause.is_none_literal_expr(),
                (Some(Expr::Name(raised)), None) => Some(raised.id.as_str()) == name,
                (Some(_), None) => false,
            };
            Outcome {
                falls: false,
                swallows: false,
                reraises,
            }
        }
        Stmt::Return(_) | Stmt::Break(_) | Stmt::Continue(_) => Outcome {
            falls: false,
            swallows: true,
            reraises: false,
        },
        Stmt::Expr(expr_stmt) if is_exit_call(&expr_stmt.value) => Outcome {
            falls: false,
            swallows: true,
            reraises: false,
        },
        Stmt::If(stmt_if) => {
            let mut outcome = block_outcome(&stmt_if.body, name, depth);
            let mut has_else = false;
            for clause in &stmt_if.elif_else_clauses {
                has_else |= clause.test.is_none();
                outcome = outcome.join(block_outcome(&clause.body, name, depth));
            }
            if has_else {
                outcome
            } else {
                outcome.join(Outcome::FALLS)
            }
        }
        Stmt::With(stmt_with) => block_outcome(&stmt_with.body, name, depth),
        Stmt::For(_) | Stmt::While(_) | Stmt::Try(_) | Stmt::Match(_) => Outcome::UNKNOWN,
        _ => Outcome::FALLS,
    }
}

/// Whether `body` contains a `raise` statement outside nested definitions.
pub(crate) fn contains_raise(body: &[Stmt]) -> bool {
    body.iter()
        .any(|stmt| stmt_has_raise(stmt, &|_| true, true, 0))
}

fn block_flow(body: &[Stmt], depth: u32) -> Paths {
    let mut paths = Paths::FALLS_THROUGH;
    for stmt in body {
        paths = paths.then(stmt_flow(stmt, depth));
        if !paths.falls_through {
            break;
        }
    }
    paths
}

fn stmt_flow(stmt: &Stmt, depth: u32) -> Paths {
    if depth > MAX_DEPTH {
        return Paths::FALLS_THROUGH;
    }
    let depth = depth + 1;
    match stmt {
        Stmt::Raise(_) | Stmt::Return(_) | Stmt::Break(_) => Paths::LEAVES,
        Stmt::Continue(_) => Paths::CONTINUES,
        Stmt::Expr(expr_stmt) if is_exit_call(&expr_stmt.value) => Paths::LEAVES,
        Stmt::If(stmt_if) => {
            let mut paths = block_flow(&stmt_if.body, depth);
            let mut has_else = false;
            for clause in &stmt_if.elif_else_clauses {
                has_else |= clause.test.is_none();
                paths = paths.join(block_flow(&clause.body, depth));
            }
            if has_else {
                paths
            } else {
                paths.join(Paths::FALLS_THROUGH)
            }
        }
        Stmt::Try(stmt_try) => {
            let mut paths =
                block_flow(&stmt_try.body, depth).then(block_flow(&stmt_try.orelse, depth));
            for handler in &stmt_try.handlers {
                let ast::ExceptHandler::ExceptHandler(handler) = handler;
                paths = paths.join(block_flow(&handler.body, depth));
            }
            let finally = block_flow(&stmt_try.finalbody, depth);
            if finally.falls_through {
                Paths {
                    falls_through: paths.falls_through,
                    continues: paths.continues || finally.continues,
                    leaves: paths.leaves || finally.leaves,
                }
            } else {
                finally
            }
        }
        Stmt::With(stmt_with) => block_flow(&stmt_with.body, depth),
        Stmt::Match(stmt_match) => {
            let mut paths = Paths::default();
            let mut exhaustive = false;
            for case in &stmt_match.cases {
                exhaustive |= case.guard.is_none() && case.pattern.is_irrefutable();
                paths = paths.join(block_flow(&case.body, depth));
            }
            if exhaustive {
                paths
            } else {
                paths.join(Paths::FALLS_THROUGH)
            }
        }
        _ => Paths::FALLS_THROUGH,
    }
}

/// `sys.exit(...)`, `exit()`, `quit()`, `os._exit(...)`: they never return.
fn is_exit_call(expr: &Expr) -> bool {
    let Expr::Call(call) = expr else {
        return false;
    };
    match call.func.as_ref() {
        Expr::Name(name) => matches!(name.id.as_str(), "exit" | "quit"),
        Expr::Attribute(attribute) => {
            let receiver = attribute.value.as_name_expr().map(|name| name.id.as_str());
            matches!(
                (receiver, attribute.attr.as_str()),
                (Some("sys"), "exit") | (Some("os"), "_exit")
            )
        }
        _ => false,
    }
}

fn stmt_may_leave(stmt: &Stmt, depth: u32, in_nested_loop: bool) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let depth = depth + 1;
    let any = |body: &[Stmt], nested: bool| {
        body.iter()
            .any(|stmt| stmt_may_leave(stmt, depth, in_nested_loop || nested))
    };
    match stmt {
        Stmt::Raise(_) | Stmt::Return(_) => true,
        Stmt::Break(_) => !in_nested_loop,
        Stmt::Expr(expr_stmt) => is_exit_call(&expr_stmt.value),
        Stmt::If(stmt_if) => {
            any(&stmt_if.body, false)
                || stmt_if
                    .elif_else_clauses
                    .iter()
                    .any(|clause| any(&clause.body, false))
        }
        Stmt::Try(stmt_try) => {
            any(&stmt_try.body, false)
                || any(&stmt_try.orelse, false)
                || any(&stmt_try.finalbody, false)
                || stmt_try.handlers.iter().any(|handler| {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    any(&handler.body, false)
                })
        }
        Stmt::With(stmt_with) => any(&stmt_with.body, false),
        Stmt::For(stmt_for) => any(&stmt_for.body, true) || any(&stmt_for.orelse, false),
        Stmt::While(stmt_while) => any(&stmt_while.body, true) || any(&stmt_while.orelse, false),
        Stmt::Match(stmt_match) => stmt_match.cases.iter().any(|case| any(&case.body, false)),
        _ => false,
    }
}

/// Whether `stmt` holds a `raise` that `matches` (outside nested
/// definitions); `into_handlers`: look into the handlers of nested `try`s.
fn stmt_has_raise(
    stmt: &Stmt,
    matches: &dyn Fn(&ast::StmtRaise) -> bool,
    into_handlers: bool,
    depth: u32,
) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let any = |body: &[Stmt]| {
        body.iter()
            .any(|stmt| stmt_has_raise(stmt, matches, into_handlers, depth + 1))
    };
    match stmt {
        Stmt::Raise(raise) => matches(raise),
        Stmt::If(stmt_if) => {
            any(&stmt_if.body)
                || stmt_if
                    .elif_else_clauses
                    .iter()
                    .any(|clause| any(&clause.body))
        }
        Stmt::Try(stmt_try) => {
            any(&stmt_try.body)
                || any(&stmt_try.orelse)
                || any(&stmt_try.finalbody)
                || (into_handlers
                    && stmt_try.handlers.iter().any(|handler| {
                        let ast::ExceptHandler::ExceptHandler(handler) = handler;
                        any(&handler.body)
                    }))
        }
        Stmt::With(stmt_with) => any(&stmt_with.body),
        Stmt::For(stmt_for) => any(&stmt_for.body) || any(&stmt_for.orelse),
        Stmt::While(stmt_while) => any(&stmt_while.body) || any(&stmt_while.orelse),
        Stmt::Match(stmt_match) => stmt_match.cases.iter().any(|case| any(&case.body)),
        _ => false,
    }
}

/// What the paths through one `except` handler do.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct HandlerFacts {
    /// Every path raises, returns or breaks: the handler never lets an
    /// enclosing loop go on.
    pub always_leaves: bool,
    /// Some path raises (`raise`, `raise ... from error`, `raise Other()`).
    pub raises: bool,
    /// Some `raise` is reached only through a test that inspects the caught
    /// error: `if not is_retryable(error): raise`, `if isinstance(error, X):
    /// raise`, `if error.response.status_code in ...: raise`, or a `raise`
    /// after such an `if`.
    pub raise_checks_error: bool,
    /// Some branch test inspects the caught error (its name, or a status
    /// attribute such as `status_code`).
    pub inspects_error: bool,
}

impl HandlerFacts {
    /// The facts of `handler`, read from its statements.
    pub(crate) fn of(handler: &ExceptHandlerExceptHandler) -> Self {
        let error_name = handler.name.as_ref().map(|name| name.id.as_str());
        let mut facts = HandlerFacts {
            always_leaves: always_leaves(&handler.body),
            raises: contains_raise(&handler.body),
            ..HandlerFacts::default()
        };
        scan_tests(&handler.body, error_name, false, 0, &mut facts);
        facts
    }
}

/// Walks a handler's blocks, noting tests that inspect the caught error and
/// whether a `raise` is reached through one. `guarded`: an enclosing or an
/// earlier test of this block inspected the error.
fn scan_tests(
    body: &[Stmt],
    error_name: Option<&str>,
    mut guarded: bool,
    depth: u32,
    facts: &mut HandlerFacts,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let depth = depth + 1;
    for stmt in body {
        match stmt {
            Stmt::Raise(_) if guarded => facts.raise_checks_error = true,
            Stmt::If(stmt_if) => {
                let mut inspects = test_inspects_error(&stmt_if.test, error_name, 0);
                scan_tests(&stmt_if.body, error_name, guarded || inspects, depth, facts);
                for clause in &stmt_if.elif_else_clauses {
                    if let Some(test) = &clause.test {
                        inspects |= test_inspects_error(test, error_name, 0);
                    }
                    scan_tests(&clause.body, error_name, guarded || inspects, depth, facts);
                }
                facts.inspects_error |= inspects;
                guarded |= inspects;
            }
            Stmt::While(stmt_while) => {
                let inspects = test_inspects_error(&stmt_while.test, error_name, 0);
                facts.inspects_error |= inspects;
                scan_tests(
                    &stmt_while.body,
                    error_name,
                    guarded || inspects,
                    depth,
                    facts,
                );
            }
            Stmt::For(stmt_for) => scan_tests(&stmt_for.body, error_name, guarded, depth, facts),
            Stmt::With(stmt_with) => scan_tests(&stmt_with.body, error_name, guarded, depth, facts),
            Stmt::Try(stmt_try) => {
                scan_tests(&stmt_try.body, error_name, guarded, depth, facts);
                for handler in &stmt_try.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    scan_tests(&handler.body, error_name, guarded, depth, facts);
                }
                scan_tests(&stmt_try.orelse, error_name, guarded, depth, facts);
                scan_tests(&stmt_try.finalbody, error_name, guarded, depth, facts);
            }
            Stmt::Match(stmt_match) => {
                let inspects = test_inspects_error(&stmt_match.subject, error_name, 0);
                facts.inspects_error |= inspects;
                for case in &stmt_match.cases {
                    scan_tests(&case.body, error_name, guarded || inspects, depth, facts);
                }
            }
            _ => {}
        }
    }
}

/// Whether a branch test looks at the caught error: reads its name, or a
/// status attribute of anything (`response.status_code`).
pub(crate) fn test_inspects_error(test: &Expr, error_name: Option<&str>, depth: u32) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let depth = depth + 1;
    let inspects = |expr: &Expr| test_inspects_error(expr, error_name, depth);
    match test {
        Expr::Name(name) => error_name == Some(name.id.as_str()),
        Expr::Attribute(attribute) => {
            STATUS_ATTRIBUTES.contains(&attribute.attr.as_str()) || inspects(&attribute.value)
        }
        Expr::BoolOp(bool_op) => bool_op.values.iter().any(inspects),
        Expr::UnaryOp(unary) => inspects(&unary.operand),
        Expr::BinOp(binop) => inspects(&binop.left) || inspects(&binop.right),
        Expr::Compare(compare) => {
            inspects(&compare.left) || compare.comparators.iter().any(inspects)
        }
        Expr::Call(call) => {
            inspects(&call.func)
                || call.arguments.args.iter().any(inspects)
                || call
                    .arguments
                    .keywords
                    .iter()
                    .any(|keyword| inspects(&keyword.value))
        }
        Expr::Subscript(subscript) => inspects(&subscript.value) || inspects(&subscript.slice),
        Expr::Tuple(tuple) => tuple.elts.iter().any(inspects),
        Expr::Named(named) => inspects(&named.value),
        Expr::Await(await_expr) => inspects(&await_expr.value),
        _ => false,
    }
}

/// What a handler catches, as far as the model can resolve it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Caught {
    /// A bare `except:`, or `Exception` / `BaseException` among the types.
    pub everything: bool,
    /// Qualified names of the caught classes the model could resolve
    /// (builtins by their bare name).
    pub classes: Vec<String>,
    /// Where a diagnostic about the handler points: the caught type, or the
    /// `except` keyword of a bare handler.
    pub clause: TextRange,
}

impl Caught {
    /// Whether any of the caught classes is one of `qualified`.
    pub(crate) fn catches_any(&self, qualified: &[&str]) -> bool {
        self.classes
            .iter()
            .any(|class| qualified.contains(&class.as_str()))
    }
}

impl SemanticModel<'_> {
    /// What `handler` catches, resolved through imports.
    pub(crate) fn caught(&self, handler: &ExceptHandlerExceptHandler) -> Caught {
        let Some(type_) = &handler.type_ else {
            let start = handler.range().start();
            return Caught {
                everything: true,
                classes: Vec::new(),
                clause: TextRange::at(start, ruff_text_size::TextSize::new(6)),
            };
        };
        let elements: Vec<&Expr> = match type_.as_ref() {
            Expr::Tuple(tuple) => tuple.elts.iter().collect(),
            other => vec![other],
        };
        let mut caught = Caught {
            clause: type_.range(),
            ..Caught::default()
        };
        for element in elements {
            let name = self
                .qualified_name(element)
                .or_else(|| self.builtin_name(element).map(str::to_string));
            if let Some(name) = name {
                caught.everything |= matches!(name.as_str(), "Exception" | "BaseException");
                caught.classes.push(name);
            }
        }
        caught
    }
}

#[cfg(test)]
mod tests {
    use ruff_python_ast::{ExceptHandler, Stmt};
    use ruff_python_parser::parse_module;

    use super::*;

    /// The facts of the first handler of the first statement (a `try`).
    fn facts(source: &str) -> HandlerFacts {
        let parsed = parse_module(source).expect("valid test source");
        let Some(Stmt::Try(stmt_try)) = parsed.syntax().body.first() else {
            panic!("test source must start with a try");
        };
        let ExceptHandler::ExceptHandler(handler) = &stmt_try.handlers[0];
        HandlerFacts::of(handler)
    }

    #[test]
    fn raise_return_and_break_leave_continue_and_pass_go_on() {
        assert!(facts("try: f()\nexcept E: raise\n").always_leaves);
        assert!(facts("try: f()\nexcept E: return None\n").always_leaves);
        assert!(facts("try: f()\nexcept E:\n    log()\n    break\n").always_leaves);
        assert!(!facts("try: f()\nexcept E: continue\n").always_leaves);
        assert!(!facts("try: f()\nexcept E: pass\n").always_leaves);
        assert!(facts("try: f()\nexcept E: sys.exit(1)\n").always_leaves);
    }

    #[test]
    fn branches_must_all_leave() {
        let both = "try: f()\nexcept E:\n    if x:\n        raise\n    else:\n        return\n";
        assert!(facts(both).always_leaves);
        let one = "try: f()\nexcept E:\n    if x:\n        raise\n    sleep(1)\n";
        assert!(!facts(one).always_leaves);
        let continues =
            "try: f()\nexcept E:\n    if x:\n        continue\n    else:\n        raise\n";
        assert!(!facts(continues).always_leaves);
        let elif_without_else =
            "try: f()\nexcept E:\n    if a:\n        raise\n    elif b:\n        raise\n";
        assert!(!facts(elif_without_else).always_leaves);
    }

    #[test]
    fn finally_and_nested_try_are_followed() {
        let finally = "try: f()\nexcept E:\n    try:\n        g()\n    finally:\n        raise X\n";
        assert!(facts(finally).always_leaves);
        let nested =
            "try: f()\nexcept E:\n    try:\n        return g()\n    except F:\n        pass\n";
        assert!(!facts(nested).always_leaves);
        let nested_all =
            "try: f()\nexcept E:\n    try:\n        return g()\n    except F:\n        raise\n";
        assert!(facts(nested_all).always_leaves);
    }

    #[test]
    fn loops_inside_a_handler_may_fall_through() {
        let inner = "try: f()\nexcept E:\n    for x in xs:\n        raise\n";
        let found = facts(inner);
        assert!(!found.always_leaves);
        assert!(found.raises);
        let inner_break = "try: f()\nexcept E:\n    while True:\n        break\n";
        assert!(!facts(inner_break).always_leaves);
    }

    #[test]
    fn raises_conditioned_on_the_caught_error_are_recognised() {
        let policy = "\
try: f()
except Exception as error:
    if attempt == max_attempts - 1 or not is_retryable(error):
        raise
    sleep(1)
";
        let found = facts(policy);
        assert!(found.raises && found.raise_checks_error && found.inspects_error);
        assert!(!found.always_leaves);
        let isinstance =
            "try: f()\nexcept Exception as e:\n    if isinstance(e, ValueError):\n        raise\n";
        assert!(facts(isinstance).raise_checks_error);
        let status = "try: f()\nexcept HTTPError as e:\n    if e.response.status_code in FATAL:\n        raise\n";
        assert!(facts(status).raise_checks_error);
        let after = "try: f()\nexcept Exception as e:\n    if should_retry(e):\n        continue\n    raise\n";
        assert!(facts(after).raise_checks_error);
    }

    #[test]
    fn counters_and_unconditional_raises_do_not_check_the_error() {
        let counter = "try: f()\nexcept Exception as e:\n    if attempt > 3:\n        raise\n";
        let found = facts(counter);
        assert!(found.raises && !found.raise_checks_error && !found.inspects_error);
        let never = "try: f()\nexcept Exception:\n    log()\n";
        let found = facts(never);
        assert!(!found.raises && !found.raise_checks_error);
    }

    /// The raise paths after the first `log(...)` call of the first handler.
    fn after_log(source: &str) -> RaisePaths {
        let parsed = parse_module(source).expect("valid test source");
        let Some(Stmt::Try(stmt_try)) = parsed.syntax().body.first() else {
            panic!("test source must start with a try");
        };
        let ExceptHandler::ExceptHandler(handler) = &stmt_try.handlers[0];
        let offset = source.find("log(").expect("a log call");
        raise_paths_after(handler, ruff_text_size::TextSize::try_from(offset).unwrap())
    }

    #[test]
    fn raise_paths_follow_every_branch_after_a_point() {
        let always = after_log("try: f()\nexcept E as e:\n    log(e)\n    raise\n");
        assert_eq!(
            always,
            RaisePaths {
                swallows: false,
                reraises: true
            }
        );
        let flag =
            "try: f()\nexcept E as e:\n    log(e)\n    if strict:\n        raise\n    x = 1\n";
        assert!(after_log(flag).swallows);
        let returns =
            "try: f()\nexcept E as e:\n    log(e)\n    if a:\n        raise\n    return None\n";
        assert!(after_log(returns).swallows);
        let every = "try: f()\nexcept E as e:\n    log(e)\n    if a:\n        raise e\n    raise Other() from e\n";
        assert_eq!(
            after_log(every),
            RaisePaths {
                swallows: false,
                reraises: true
            }
        );
        let translated = "try: f()\nexcept E:\n    log()\n    raise Other()\n";
        assert_eq!(
            after_log(translated),
            RaisePaths {
                swallows: false,
                reraises: false
            }
        );
        let hidden = "try: f()\nexcept E:\n    log()\n    raise Other() from None\n";
        assert!(!after_log(hidden).reraises);
        let nested = "try: f()\nexcept E:\n    if verbose:\n        log()\n    raise\n";
        assert_eq!(
            after_log(nested),
            RaisePaths {
                swallows: false,
                reraises: true
            }
        );
        let in_loop = "try: f()\nexcept E:\n    for x in xs:\n        log(x)\n    raise\n";
        assert!(after_log(in_loop).swallows);
    }

    #[test]
    fn may_leave_ignores_breaks_of_inner_loops() {
        let parsed = parse_module("for x in xs:\n    break\n").unwrap();
        assert!(!may_leave(&parsed.syntax().body));
        let parsed = parse_module("if x:\n    raise E\n").unwrap();
        assert!(may_leave(&parsed.syntax().body));
    }

    /// The body of the first statement, a loop.
    fn loop_body(source: &str) -> Vec<Stmt> {
        let parsed = parse_module(source).expect("valid test source");
        match parsed.into_syntax().body.into_iter().next() {
            Some(Stmt::While(stmt_while)) => stmt_while.body.into_iter().collect(),
            _ => panic!("test source must start with a while loop"),
        }
    }

    #[test]
    fn paths_compose_and_tails_see_what_follows() {
        let body =
            loop_body("while True:\n    x = f()\n    if bad(x):\n        continue\n    return x\n");
        let tails = tail_paths(&body);
        assert_eq!(tails.len(), 3);
        // After `x = f()`: a `continue` or a `return`, never off the end.
        assert!(!tails[0].falls_through && tails[0].continues && tails[0].leaves);
        assert_eq!(tails[1], Paths::LEAVES);
        assert_eq!(tails[2], Paths::FALLS_THROUGH);
        let whole = Paths::of(&[&body]);
        assert!(!whole.always_leave() && whole.leaves);
        let worker = loop_body("while True:\n    handle(f())\n    if done:\n        return\n");
        assert!(Paths::of(&[&worker]).falls_through);
    }
}
