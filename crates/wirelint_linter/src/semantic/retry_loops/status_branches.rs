//! Status branches: an `if` at the top of a loop body (or of a `try` or
//! `with` body directly inside it) whose test reads the HTTP status of a
//! response (`response.status_code == 200`, `resp.status >= 500`,
//! `not r.ok`), and what the paths through it do.
//!
//! They let the model recognise a retry loop with no `try`: a loop that
//! sends a request, leaves when the status says success and goes on to
//! another attempt when it says failure. A loop that goes on after a
//! *success* status (`202 Accepted`, `200` with a body that says
//! "processing") is polling a job, not retrying a request.
//!
//! The branches are found when the loop opens, from its statements and
//! branch tests only; which names hold a response is learned as the
//! traversal passes the requests, and checked when the loop is judged.

use ruff_python_ast::{self as ast, CmpOp, Expr, Number, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::semantic::handlers::{Paths, tail_paths};
use crate::semantic::names::MAX_EXPR_DEPTH;
use crate::semantic::retry::{collection_elements, is_retry_status_name};
use crate::semantic::{BindingKind, SemanticModel};

/// The first and last status a [`StatusSet`] holds.
const FIRST_STATUS: u16 = 100;
const LAST_STATUS: u16 = 599;

/// A set of HTTP statuses, 100 to 599.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StatusSet([u64; 8]);

impl StatusSet {
    /// Statuses `low..high` (clamped to 100..=599).
    pub(crate) fn range(low: u16, high: u16) -> Self {
        let mut set = StatusSet::default();
        for status in low.max(FIRST_STATUS)..high.min(LAST_STATUS + 1) {
            set.insert(status);
        }
        set
    }

    fn single(status: u16) -> Self {
        let mut set = StatusSet::default();
        set.insert(status);
        set
    }

    fn insert(&mut self, status: u16) {
        if (FIRST_STATUS..=LAST_STATUS).contains(&status) {
            let index = usize::from(status - FIRST_STATUS);
            self.0[index / 64] |= 1 << (index % 64);
        }
    }

    pub(crate) fn contains(&self, status: u16) -> bool {
        (FIRST_STATUS..=LAST_STATUS).contains(&status) && {
            let index = usize::from(status - FIRST_STATUS);
            self.0[index / 64] & (1 << (index % 64)) != 0
        }
    }

    pub(crate) fn union(self, other: StatusSet) -> StatusSet {
        StatusSet(std::array::from_fn(|word| self.0[word] | other.0[word]))
    }

    pub(crate) fn intersect(self, other: StatusSet) -> StatusSet {
        StatusSet(std::array::from_fn(|word| self.0[word] & other.0[word]))
    }

    pub(crate) fn complement(self) -> StatusSet {
        StatusSet::range(FIRST_STATUS, LAST_STATUS + 1)
            .intersect(StatusSet(std::array::from_fn(|word| !self.0[word])))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.iter().all(|word| *word == 0)
    }

    /// Whether every status of the set is `< status`.
    fn all_below(&self, status: u16) -> bool {
        self.intersect(StatusSet::range(status, LAST_STATUS + 1))
            .is_empty()
    }

    /// The statuses of the set, in order.
    #[cfg(test)]
    fn members(&self) -> impl Iterator<Item = u16> + '_ {
        (FIRST_STATUS..=LAST_STATUS).filter(|status| self.contains(*status))
    }

    /// A success test: it holds only for statuses below 400.
    fn is_success(&self) -> bool {
        !self.is_empty() && self.all_below(400)
    }

    /// A failure test: it does not hold for 200 and holds for some error.
    fn is_failure(&self) -> bool {
        !self.contains(200) && !self.all_below(400)
    }
}

/// What a branch's test says about the status, as far as the model can read
/// it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct StatusTest {
    /// The statuses for which the branch can run.
    statuses: StatusSet,
    /// The test reads nothing but the status.
    pure: bool,
    /// The name the status is read from (`r` in `r.status_code`,
    /// `error` in `error.response.status`).
    receiver: String,
    /// Some statuses come from a named collection (`in RETRY_STATUSES`):
    /// what it holds is judged where it is bound.
    named: bool,
}

/// Attributes that hold a numeric HTTP status.
const STATUS_NUMBERS: &[&str] = &["status_code", "status", "http_status"];

/// `http.HTTPStatus` members a status test may name.
const STATUS_MEMBERS: &[(&str, u16)] = &[
    ("OK", 200),
    ("CREATED", 201),
    ("ACCEPTED", 202),
    ("NO_CONTENT", 204),
    ("BAD_REQUEST", 400),
    ("UNAUTHORIZED", 401),
    ("FORBIDDEN", 403),
    ("NOT_FOUND", 404),
    ("REQUEST_TIMEOUT", 408),
    ("CONFLICT", 409),
    ("UNPROCESSABLE_ENTITY", 422),
    ("UNPROCESSABLE_CONTENT", 422),
    ("TOO_MANY_REQUESTS", 429),
    ("INTERNAL_SERVER_ERROR", 500),
    ("BAD_GATEWAY", 502),
    ("SERVICE_UNAVAILABLE", 503),
    ("GATEWAY_TIMEOUT", 504),
];

/// The root name of an attribute chain (`error` in `error.response`).
fn root_name(expr: &Expr) -> Option<&str> {
    let mut cursor = expr;
    loop {
        match cursor {
            Expr::Attribute(attribute) => cursor = &attribute.value,
            Expr::Name(name) => return Some(name.id.as_str()),
            _ => return None,
        }
    }
}

/// The receiver of a numeric status read: `r` for `r.status_code`.
fn status_number_receiver(expr: &Expr) -> Option<&str> {
    let Expr::Attribute(attribute) = expr else {
        return None;
    };
    if !STATUS_NUMBERS.contains(&attribute.attr.as_str()) {
        return None;
    }
    root_name(&attribute.value)
}

/// What a branch test says about the status of one response, or `None`
/// when it says nothing the model can read.
fn status_test(semantic: &SemanticModel, test: &Expr, depth: u32) -> Option<StatusTest> {
    if depth > MAX_EXPR_DEPTH {
        return None;
    }
    let depth = depth + 1;
    match test {
        Expr::Attribute(attribute) => {
            let statuses = match attribute.attr.as_str() {
                "ok" => StatusSet::range(100, 400),
                "is_success" => StatusSet::range(200, 300),
                "is_error" => StatusSet::range(400, 600),
                "is_client_error" => StatusSet::range(400, 500),
                "is_server_error" => StatusSet::range(500, 600),
                _ => return None,
            };
            Some(StatusTest {
                statuses,
                pure: true,
                receiver: root_name(&attribute.value)?.to_string(),
                named: false,
            })
        }
        Expr::UnaryOp(unary) if unary.op == ast::UnaryOp::Not => {
            let inner = status_test(semantic, &unary.operand, depth)?;
            // `not (status_ok and body_ok)` runs for any status.
            inner.pure.then(|| StatusTest {
                statuses: inner.statuses.complement(),
                ..inner
            })
        }
        Expr::BoolOp(bool_op) => {
            let parts: Vec<Option<StatusTest>> = bool_op
                .values
                .iter()
                .map(|value| status_test(semantic, value, depth))
                .collect();
            let known: Vec<&StatusTest> = parts.iter().flatten().collect();
            let first = known.first()?;
            if known.iter().any(|part| part.receiver != first.receiver) {
                return None;
            }
            match bool_op.op {
                ast::BoolOp::And => Some(StatusTest {
                    statuses: known.iter().fold(StatusSet::range(100, 600), |set, part| {
                        set.intersect(part.statuses)
                    }),
                    pure: known.len() == parts.len() && known.iter().all(|part| part.pure),
                    receiver: first.receiver.clone(),
                    named: known.iter().any(|part| part.named),
                }),
                ast::BoolOp::Or => (known.len() == parts.len()).then(|| StatusTest {
                    statuses: known
                        .iter()
                        .fold(StatusSet::default(), |set, part| set.union(part.statuses)),
                    pure: known.iter().all(|part| part.pure),
                    receiver: first.receiver.clone(),
                    named: known.iter().any(|part| part.named),
                }),
            }
        }
        Expr::Compare(compare) => {
            let mut left = compare.left.as_ref();
            let mut found: Option<StatusTest> = None;
            for (op, right) in compare.ops.iter().zip(&compare.comparators) {
                let (receiver, statuses) = if let Some(receiver) = status_number_receiver(left) {
                    (receiver, compared_statuses(semantic, *op, right)?)
                } else if let Some(receiver) = status_number_receiver(right) {
                    (receiver, compared_statuses(semantic, flipped(*op)?, left)?)
                } else {
                    return None;
                };
                let named = matches!(op, CmpOp::In | CmpOp::NotIn)
                    && matches!(right, Expr::Name(_) | Expr::Attribute(_));
                found = match found {
                    None => Some(StatusTest {
                        statuses,
                        pure: true,
                        receiver: receiver.to_string(),
                        named,
                    }),
                    Some(earlier) if earlier.receiver == receiver => Some(StatusTest {
                        statuses: earlier.statuses.intersect(statuses),
                        named: earlier.named || named,
                        ..earlier
                    }),
                    Some(_) => return None,
                };
                left = right;
            }
            found
        }
        _ => None,
    }
}

/// `a < b` read as `b > a`; `in` cannot be turned around.
fn flipped(op: CmpOp) -> Option<CmpOp> {
    Some(match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::LtE => CmpOp::GtE,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::GtE => CmpOp::LtE,
        CmpOp::Eq | CmpOp::NotEq => op,
        _ => return None,
    })
}

/// The statuses for which `status <op> value` holds.
fn compared_statuses(semantic: &SemanticModel, op: CmpOp, value: &Expr) -> Option<StatusSet> {
    match op {
        CmpOp::In => status_collection(semantic, value, 0),
        CmpOp::NotIn => Some(status_collection(semantic, value, 0)?.complement()),
        _ => {
            let number = status_number(semantic, value)?;
            Some(match op {
                CmpOp::Eq => StatusSet::single(number),
                CmpOp::NotEq => StatusSet::single(number).complement(),
                CmpOp::Lt => StatusSet::range(100, number),
                CmpOp::LtE => StatusSet::range(100, number + 1),
                CmpOp::Gt => StatusSet::range(number + 1, 600),
                CmpOp::GtE => StatusSet::range(number, 600),
                _ => return None,
            })
        }
    }
}

/// A status written as an integer literal or an `http.HTTPStatus` member.
fn status_number(semantic: &SemanticModel, expr: &Expr) -> Option<u16> {
    match expr {
        Expr::NumberLiteral(ast::ExprNumberLiteral {
            value: Number::Int(int),
            ..
        }) => int.as_u64().and_then(|value| u16::try_from(value).ok()),
        Expr::Attribute(_) => {
            let qualified = semantic.qualified_name(expr)?;
            let member = qualified.strip_prefix("http.HTTPStatus.")?;
            STATUS_MEMBERS
                .iter()
                .find(|(name, _)| *name == member)
                .map(|(_, code)| *code)
        }
        _ => None,
    }
}

/// The statuses a collection holds: a literal, a `range(...)` of literals,
/// or a name bound once to one of these. A collection the model cannot
/// read, held under a name that says it is retried (`self.retry_statuses`,
/// a `retry_status_codes` parameter), holds error statuses.
fn status_collection(semantic: &SemanticModel, expr: &Expr, depth: u32) -> Option<StatusSet> {
    if depth > 4 {
        return None;
    }
    let holder = match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        _ => None,
    };
    if let Some(holder) = holder {
        let bound = expr
            .as_name_expr()
            .and_then(|name| semantic.lookup(name.id.as_str()))
            .filter(|binding| binding.kind == BindingKind::Assignment && binding.times_bound == 1)
            .and_then(|binding| binding.value);
        let statuses = bound.and_then(|value| status_collection(semantic, value, depth + 1));
        return statuses
            .or_else(|| is_retry_status_name(holder).then(|| StatusSet::range(400, 600)));
    }
    if let Expr::Call(call) = expr
        && semantic.builtin_name(&call.func) == Some("range")
    {
        let bounds: Option<Vec<u16>> = call
            .arguments
            .args
            .iter()
            .map(|argument| status_number(semantic, argument))
            .collect();
        return match bounds?.as_slice() {
            [low, high] if call.arguments.keywords.is_empty() => {
                Some(StatusSet::range(*low, *high))
            }
            _ => None,
        };
    }
    let mut set = StatusSet::default();
    for element in collection_elements(semantic, expr)? {
        set.insert(status_number(semantic, element)?);
    }
    Some(set)
}

/// What a status branch does with the statuses its test picks.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    /// A test that holds on success (`== 200`, `.ok`, `not in
    /// RETRYABLE_STATUSES`), and every path from it leaves the loop, while
    /// the path of the other statuses goes on to another attempt.
    SuccessLeaves,
    /// A test that holds only on failure, and some path from it goes on to
    /// another attempt, while the path of the other statuses always leaves.
    FailureRetries,
    /// A success status goes on to another round: the loop polls.
    SuccessGoesOn,
}

/// One status branch of a loop.
#[derive(Clone, Debug)]
pub(super) struct StatusBranch {
    /// Where the `if` statement starts: the attempt's request comes before.
    pub(super) if_start: TextSize,
    /// The clause's test and body.
    pub(super) test: TextRange,
    pub(super) body: TextRange,
    pub(super) statuses: StatusSet,
    /// The name the status is read from.
    pub(super) receiver: String,
    /// Some statuses come from a named collection.
    pub(super) named: bool,
    pub(super) shape: Shape,
}

/// The status branches of a loop body: at its top level, and at the top of
/// `try` and `with` bodies found there (their handlers are the `try`-based
/// recogniser's business).
pub(super) fn status_branches(semantic: &SemanticModel, body: &[Stmt]) -> Vec<StatusBranch> {
    let mut found = Vec::new();
    scan_block(semantic, body, Paths::FALLS_THROUGH, &mut found, 0);
    found
}

/// `after`: how the paths go on once the block falls off its end (for the
/// loop body: on to the next round).
fn scan_block(
    semantic: &SemanticModel,
    block: &[Stmt],
    after: Paths,
    found: &mut Vec<StatusBranch>,
    depth: u32,
) {
    if depth > 8 {
        return;
    }
    // Cheap first: most loops hold no statement a status branch can be in.
    if !block
        .iter()
        .any(|stmt| matches!(stmt, Stmt::If(_) | Stmt::Try(_) | Stmt::With(_)))
    {
        return;
    }
    let tails = tail_paths(block);
    for (stmt, tail) in block.iter().zip(tails) {
        let tail = tail.then(after);
        match stmt {
            Stmt::If(stmt_if) => scan_if(semantic, stmt_if, tail, found),
            Stmt::Try(stmt_try) => {
                let success = Paths::of(&[&stmt_try.orelse]).then(tail);
                scan_block(semantic, &stmt_try.body, success, found, depth + 1);
            }
            Stmt::With(stmt_with) => scan_block(semantic, &stmt_with.body, tail, found, depth + 1),
            _ => {}
        }
    }
}

fn body_range(body: &[Stmt], fallback: TextRange) -> TextRange {
    match (body.first(), body.last()) {
        (Some(first), Some(last)) => TextRange::new(first.start(), last.end()),
        _ => fallback,
    }
}

fn goes_on(paths: Paths) -> bool {
    paths.continues || paths.falls_through
}

fn scan_if(
    semantic: &SemanticModel,
    stmt_if: &ast::StmtIf,
    tail: Paths,
    found: &mut Vec<StatusBranch>,
) {
    let mut clauses: Vec<(Option<&Expr>, &[Stmt])> = vec![(Some(&stmt_if.test), &stmt_if.body)];
    clauses.extend(
        stmt_if
            .elif_else_clauses
            .iter()
            .map(|clause| (clause.test.as_ref(), &clause.body[..])),
    );
    let has_else = clauses.last().is_some_and(|(test, _)| test.is_none());
    for (index, (test, body)) in clauses.iter().enumerate() {
        let Some(test) = test else {
            continue;
        };
        let Some(status) = status_test(semantic, test, 0) else {
            continue;
        };
        let through_body = Paths::of(&[body]).then(tail);
        // The paths of the statuses this clause does not take: the later
        // clauses, or past the `if` when none matches.
        let mut others = if has_else {
            Paths::default()
        } else {
            Paths::FALLS_THROUGH
        };
        for (_, later) in &clauses[index + 1..] {
            others = others.join(Paths::of(&[later]));
        }
        let others = others.then(tail);
        let shape = if status.statuses.is_success() && goes_on(through_body) {
            Shape::SuccessGoesOn
        } else if status.pure
            && status.statuses.contains(200)
            && through_body.always_leave()
            && goes_on(others)
        {
            Shape::SuccessLeaves
        } else if status.statuses.is_failure() && goes_on(through_body) && others.always_leave() {
            Shape::FailureRetries
        } else {
            continue;
        };
        found.push(StatusBranch {
            if_start: stmt_if.start(),
            test: test.range(),
            body: body_range(body, stmt_if.range()),
            statuses: status.statuses,
            receiver: status.receiver,
            named: status.named,
            shape,
        });
    }
}

#[cfg(test)]
mod tests {
    use ruff_python_parser::{parse_expression, parse_module};

    use super::*;
    use crate::semantic::KnownNames;
    use crate::settings::LinterSettings;

    fn test_of(source: &str) -> Option<StatusTest> {
        let known = std::rc::Rc::new(KnownNames::new(&LinterSettings::default()));
        let semantic = SemanticModel::new(known);
        let parsed = parse_expression(source).unwrap();
        status_test(&semantic, parsed.expr(), 0)
    }

    fn members(source: &str) -> Vec<u16> {
        test_of(source).unwrap().statuses.members().collect()
    }

    #[test]
    fn status_tests_read_comparisons_collections_and_flags() {
        assert_eq!(members("r.status_code == 200"), [200]);
        assert_eq!(members("r.status in (429, 503)"), [429, 503]);
        assert_eq!(members("500 <= r.status_code < 502"), [500, 501]);
        assert_eq!(members("r.status_code in range(500, 503)"), [500, 501, 502]);
        assert_eq!(members("r.status_code > 597"), [598, 599]);
        assert!(test_of("r.ok").unwrap().statuses.is_success());
        assert!(test_of("not r.ok").unwrap().statuses.is_failure());
        assert!(
            test_of("r.status_code != 200")
                .unwrap()
                .statuses
                .is_failure()
        );
        assert!(test_of("r.is_server_error").unwrap().statuses.is_failure());
        assert_eq!(test_of("r.ok").unwrap().receiver, "r");
        assert_eq!(
            test_of("error.response.status_code == 429")
                .unwrap()
                .receiver,
            "error"
        );
    }

    #[test]
    fn mixed_tests_say_what_they_can() {
        let impure = test_of("r.status_code == 200 and body['status'] == 'done'").unwrap();
        assert!(!impure.pure && impure.statuses.is_success());
        assert!(test_of("not (r.status_code == 200 and done)").is_none());
        assert!(test_of("r.status_code == 200 or done").is_none());
        assert!(test_of("job.status == 'succeeded'").is_none());
        assert!(test_of("a.status_code == 200 and b.status_code == 200").is_none());
        let either = test_of("r.status_code == 429 or r.status_code >= 500").unwrap();
        assert!(either.pure && either.statuses.is_failure());
        assert!(!either.statuses.contains(404));
    }

    fn shapes(source: &str) -> Vec<Shape> {
        let known = std::rc::Rc::new(KnownNames::new(&LinterSettings::default()));
        let semantic = SemanticModel::new(known);
        let parsed = parse_module(source).unwrap();
        let Some(Stmt::For(stmt_for)) = parsed.syntax().body.first() else {
            panic!("test source must start with a for loop");
        };
        status_branches(&semantic, &stmt_for.body)
            .into_iter()
            .map(|branch| branch.shape)
            .collect()
    }

    #[test]
    fn branches_tell_retries_from_polls() {
        let retry = "for a in range(3):\n    r = get()\n    if r.status_code == 200:\n        return r\n    sleep(1)\n";
        assert_eq!(shapes(retry), [Shape::SuccessLeaves]);
        let server_errors = "for a in range(3):\n    r = get()\n    if r.status_code >= 500:\n        sleep(1)\n        continue\n    return r\n";
        assert_eq!(shapes(server_errors), [Shape::FailureRetries]);
        let in_try = "for a in range(3):\n    try:\n        r = get()\n        if r.status >= 500:\n            continue\n        return r\n    except E:\n        raise\n";
        assert_eq!(shapes(in_try), [Shape::FailureRetries]);
        let accepted = "for a in range(3):\n    r = get()\n    if r.status_code == 202:\n        sleep(1)\n        continue\n    return r\n";
        assert_eq!(shapes(accepted), [Shape::SuccessGoesOn]);
        let not_retryable = "for a in range(3):\n    r = get()\n    if r.status_code not in (429, 503):\n        return r\n    sleep(1)\n";
        assert_eq!(shapes(not_retryable), [Shape::SuccessLeaves]);
        let pending = "for a in range(3):\n    r = get()\n    if r.status_code == 200 and r.json()['status'] == 'done':\n        return r\n    sleep(1)\n";
        assert!(shapes(pending).is_empty());
        let raises = "for a in range(3):\n    r = get()\n    if r.status_code != 200:\n        raise E\n    if done(r):\n        return r\n";
        assert!(shapes(raises).is_empty());
        let poll_with_retry = "for a in range(3):\n    r = get()\n    if r.status_code >= 500:\n        continue\n    if done(r):\n        return r\n    sleep(5)\n";
        assert!(shapes(poll_with_retry).is_empty());
    }
}
