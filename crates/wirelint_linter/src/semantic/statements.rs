//! The stack of statements enclosing the node the traversal is at, within
//! the function body (or module) being visited, and which part of each the
//! traversal is in: a loop's body or its `else`, a `try` body or one of its
//! handlers. Rules ask it for the innermost loop, the open `except`
//! handlers, whether they are inside a `try` body, and the like.
//!
//! Function bodies are visited after their enclosing scope (see
//! [`crate::checker`]), so a body starts with a fresh stack holding only its
//! `def`: a loop around a `def` does not enclose the function's body.

use ruff_python_ast::{self as ast, ExceptHandlerExceptHandler, Stmt};
use ruff_text_size::{Ranged, TextRange};

/// Which part of a compound statement the traversal is in.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// The statement's own expressions: a loop's iterable or test, an
    /// `if`'s test, a `with`'s items, a `def`'s decorators.
    Header,
    /// The main body: a loop's or `with`'s body, a `try` body, an `if` body,
    /// a function body, a class body.
    Body,
    /// The `else` of a loop or `try`, or the `n`-th `elif`/`else` clause of
    /// an `if` (`Clause(n)`).
    OrElse,
    Clause(usize),
    /// The body of the `n`-th `except` handler of a `try`.
    Handler(usize),
    Finally,
    /// The body of the `n`-th case of a `match`.
    Case(usize),
}

/// One enclosing statement.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Frame<'a> {
    pub stmt: &'a Stmt,
    pub part: Part,
    /// In a handler: the handler reads the error it caught (by its `as`
    /// name), raises, or returns a value. Set as those nodes are visited.
    pub handler_uses_error: bool,
}

impl<'a> Frame<'a> {
    /// The `except` handler this frame is in, if it is in one.
    pub(crate) fn handler(&self) -> Option<&'a ExceptHandlerExceptHandler> {
        let (Stmt::Try(stmt_try), Part::Handler(index)) = (self.stmt, self.part) else {
            return None;
        };
        let ast::ExceptHandler::ExceptHandler(handler) = stmt_try.handlers.get(index)?;
        Some(handler)
    }

    /// Whether this frame is a `for`/`while` loop (in any of its parts).
    pub(crate) fn is_loop(&self) -> bool {
        matches!(self.stmt, Stmt::For(_) | Stmt::While(_))
    }

    /// Whether the traversal is in this loop's body.
    pub(crate) fn is_loop_body(&self) -> bool {
        self.is_loop() && self.part == Part::Body
    }
}

/// The enclosing statements, outermost first.
#[derive(Debug, Default)]
pub(crate) struct StatementStack<'a> {
    frames: Vec<Frame<'a>>,
    /// How many frames are loop bodies, and how many are handlers: the
    /// questions asked at every node are answered without a walk.
    loop_bodies: u32,
    handlers: u32,
}

/// How a frame counts towards the stack's counters.
fn counts(frame: &Frame) -> (u32, u32) {
    (
        u32::from(frame.is_loop_body()),
        u32::from(frame.handler().is_some()),
    )
}

impl<'a> StatementStack<'a> {
    /// Enters `stmt`, in its header.
    pub(crate) fn push(&mut self, stmt: &'a Stmt) {
        // A frame starts in its header: it counts as neither.
        self.frames.push(Frame {
            stmt,
            part: Part::Header,
            handler_uses_error: false,
        });
    }

    /// Moves the innermost statement's traversal into `part`.
    pub(crate) fn enter_part(&mut self, part: Part) {
        if let Some(frame) = self.frames.last_mut() {
            let (loop_bodies, handlers) = counts(frame);
            frame.part = part;
            frame.handler_uses_error = false;
            let (new_loop_bodies, new_handlers) = counts(frame);
            self.loop_bodies = self.loop_bodies - loop_bodies + new_loop_bodies;
            self.handlers = self.handlers - handlers + new_handlers;
        }
    }

    pub(crate) fn pop(&mut self) {
        if let Some(frame) = self.frames.pop() {
            let (loop_bodies, handlers) = counts(&frame);
            self.loop_bodies -= loop_bodies;
            self.handlers -= handlers;
        }
    }

    /// Starts a function body: the stack holds only its `def`, in its body.
    /// Returns the stack it replaces, for [`Self::restore`].
    pub(crate) fn start_function(&mut self, function: &'a Stmt) -> Vec<Frame<'a>> {
        let frame = Frame {
            stmt: function,
            part: Part::Body,
            handler_uses_error: false,
        };
        let frames = std::mem::replace(&mut self.frames, vec![frame]);
        self.recount();
        frames
    }

    pub(crate) fn restore(&mut self, frames: Vec<Frame<'a>>) {
        self.frames = frames;
        self.recount();
    }

    fn recount(&mut self) {
        let (loop_bodies, handlers) = self
            .frames
            .iter()
            .map(counts)
            .fold((0, 0), |(a, b), (c, d)| (a + c, b + d));
        self.loop_bodies = loop_bodies;
        self.handlers = handlers;
    }

    /// The `def` whose body is being visited (`None` in the module's own
    /// code).
    pub(crate) fn function(&self) -> Option<&'a ast::StmtFunctionDef> {
        let frame = self.frames.first()?;
        match (frame.stmt, frame.part) {
            (Stmt::FunctionDef(function), Part::Body) => Some(function),
            _ => None,
        }
    }

    /// The enclosing statements and the part of each the traversal is in,
    /// innermost first.
    pub(crate) fn enclosing(&self) -> impl Iterator<Item = (&'a Stmt, Part)> + '_ {
        self.frames
            .iter()
            .rev()
            .map(|frame| (frame.stmt, frame.part))
    }

    /// The enclosing `try` statements and the part of each the traversal
    /// is in (its body, a handler, `else`, `finally`), innermost first.
    pub(crate) fn tries(&self) -> impl Iterator<Item = (&'a ast::StmtTry, Part)> + '_ {
        self.frames
            .iter()
            .rev()
            .filter_map(|frame| match frame.stmt {
                Stmt::Try(stmt_try) => Some((stmt_try, frame.part)),
                _ => None,
            })
    }

    /// The innermost `for`/`while` statement (in any of its parts).
    pub(crate) fn innermost_loop(&self) -> Option<&'a Stmt> {
        self.frames
            .iter()
            .rev()
            .find(|frame| frame.is_loop())
            .map(|frame| frame.stmt)
    }

    /// The enclosing `for`/`while` statements, innermost first.
    pub(crate) fn loops(&self) -> impl Iterator<Item = &'a Stmt> + '_ {
        self.frames
            .iter()
            .rev()
            .filter(|frame| frame.is_loop())
            .map(|frame| frame.stmt)
    }

    /// Whether the traversal is in the body of a `for`/`while` loop (not
    /// its iterable, test or `else`).
    pub(crate) fn in_loop_body(&self) -> bool {
        self.loop_bodies > 0
    }

    /// Whether the traversal is in the body of a `try` (not its handlers,
    /// `else` or `finally`). No rule asks yet; the model's tests do.
    #[cfg(test)]
    pub(crate) fn in_try_body(&self) -> bool {
        self.frames
            .iter()
            .any(|frame| matches!(frame.stmt, Stmt::Try(_)) && frame.part == Part::Body)
    }

    /// The tests of the `if` / `elif` branches the traversal is inside (each
    /// branch's own test), innermost last.
    pub(crate) fn branch_tests(&self) -> impl Iterator<Item = &'a ast::Expr> + '_ {
        self.frames.iter().filter_map(|frame| {
            let Stmt::If(stmt_if) = frame.stmt else {
                return None;
            };
            match frame.part {
                Part::Body => Some(stmt_if.test.as_ref()),
                Part::Clause(index) => stmt_if.elif_else_clauses.get(index)?.test.as_ref(),
                _ => None,
            }
        })
    }

    /// The open `except` handlers, innermost last.
    pub(crate) fn handlers(
        &self,
    ) -> impl DoubleEndedIterator<Item = &'a ExceptHandlerExceptHandler> + '_ {
        self.frames.iter().filter_map(Frame::handler)
    }

    /// The innermost open `except` handler.
    pub(crate) fn innermost_handler(&self) -> Option<&'a ExceptHandlerExceptHandler> {
        if self.handlers == 0 {
            return None;
        }
        self.handlers().next_back()
    }

    /// Whether the traversal is in an `except` handler.
    pub(crate) fn in_handler(&self) -> bool {
        self.handlers > 0
    }

    /// Whether the innermost open handler reads its error, raises or
    /// returns a value (so far).
    pub(crate) fn innermost_handler_uses_error(&self) -> bool {
        self.frames
            .iter()
            .rev()
            .find(|frame| frame.handler().is_some())
            .is_some_and(|frame| frame.handler_uses_error)
    }

    /// Notes a read of `name`: the open handlers that bound their error to
    /// it use their error.
    pub(crate) fn note_name_read(&mut self, name: &str) {
        if self.handlers == 0 {
            return;
        }
        for frame in &mut self.frames {
            if frame
                .handler()
                .and_then(|handler| handler.name.as_ref())
                .is_some_and(|caught| caught.as_str() == name)
            {
                frame.handler_uses_error = true;
            }
        }
    }

    /// Notes a `raise` or a `return` of a value: every open handler handles
    /// its error.
    pub(crate) fn note_error_handled(&mut self) {
        if self.handlers == 0 {
            return;
        }
        for frame in &mut self.frames {
            if frame.handler().is_some() {
                frame.handler_uses_error = true;
            }
        }
    }
}

/// A loop's header: `for` through the iterable, `while` through the test;
/// the whole statement for anything else.
pub(crate) fn loop_header(stmt: &Stmt) -> TextRange {
    match stmt {
        Stmt::For(stmt_for) => TextRange::new(stmt.start(), stmt_for.iter.end()),
        Stmt::While(stmt_while) => TextRange::new(stmt.start(), stmt_while.test.end()),
        _ => stmt.range(),
    }
}
