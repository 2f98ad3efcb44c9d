//! What bounds a loop, read from its header and the tests of the branches
//! that leave it: the kind of iterable (`range(n)`, `itertools.count()`,
//! tenacity's `Retrying`), the names a `while` test reads, counters that
//! step themselves, clocks and time budgets, and flags of the object.

use ruff_python_ast::{self as ast, Expr, ExprCall};

use super::super::names::{MAX_EXPR_DEPTH, read_names};
use super::super::retry::{RetryApi, contains_ignoring_case};
use super::super::{BindingKind, SemanticModel};

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
pub(super) enum LoopKind {
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
pub(super) struct LoopTest {
    /// `while True:`, `while 1:`.
    pub(super) always_true: bool,
    /// Names the test reads (locals, flags, counters).
    pub(super) names: Vec<String>,
    /// The test reads something the model cannot follow (an attribute, a
    /// call): it may bound the loop.
    pub(super) opaque: bool,
    /// The test reads a clock or a time budget.
    pub(super) time_bound: bool,
}

impl LoopTest {
    pub(super) fn of(test: &Expr) -> Self {
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
pub(super) fn for_kind(semantic: &SemanticModel, iter: &Expr) -> LoopKind {
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
pub(super) fn steps_itself(name: &str, value: &Expr) -> bool {
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
pub(super) fn reads_receiver_flag(test: &Expr, depth: u32) -> bool {
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
