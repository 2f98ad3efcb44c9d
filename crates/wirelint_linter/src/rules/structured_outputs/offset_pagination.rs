//! # offset-pagination (WL904)
//!
//! *Preview: runs only with `--preview`.*
//!
//! ## What it does
//! Flags a loop that advances an offset or page counter (`offset += limit`,
//! `page += 1`, `offset = offset + len(items)`) and passes the counter to a
//! network call in the same loop (`client.get(url, params={"offset": offset})`,
//! `client.items.list(page=page)`). Counters are names like `offset`,
//! `page`, `skip`, `page_number`, `page_num`, `page_no`, `page_index`,
//! `current_page` and `*_offset`. A counter sent only in `headers=`,
//! `content=`, `data=` or `files=` places an upload chunk or a byte range
//! and is not flagged. The diagnostic points at the loop header.
//!
//! ## Why is this bad?
//! An offset names a position in a collection that keeps changing while it
//! is read: an item inserted before the offset shifts everything, so one
//! item is returned twice and another never. A cursor names the last item
//! seen and does not drift. Use the API's cursor (`next_cursor`,
//! `starting_after`, a `next` link) where it offers one.
//!
//! ## Example
//! ```python
//! offset = 0
//! while True:
//!     page = client.get("/items", params={"offset": offset, "limit": 100}).json()
//!     yield from page["data"]
//!     if not page["has_more"]:
//!         break
//!     offset += 100
//! ```
//!
//! ## Use instead
//! ```python
//! cursor = None
//! while True:
//!     page = client.get("/items", params={"cursor": cursor, "limit": 100}).json()
//!     yield from page["data"]
//!     if not page["has_more"]:
//!         break
//!     cursor = page["next_cursor"]
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Pagination" (cursor over offset)

use ruff_python_ast::{self as ast, Expr, ExprCall, ExprName, Operator, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::{take_unit_facts, unit_facts};
use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};
use crate::semantic::CallTarget;
use crate::semantic::statements::loop_header;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL904",
    name: "offset-pagination",
    family: Family::StructuredOutputs,
    status: Status::Preview,
    summary: "A loop pages through results by advancing an offset or page counter.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        stmt: Some(note_stmt),
        name: Some(note_name),
        call: Some(note_network_call),
        leave_body: Some(decide_unit),
        ..Hooks::NONE
    },
};

/// Counter advances, network calls and counter reads inside loops.
#[derive(Debug, Default)]
struct Facts {
    /// (the advancing statement, the counter, the innermost loop around it).
    advances: Vec<(TextRange, String, Loop)>,
    /// Arguments of network calls that can carry a page position.
    call_arguments: Vec<TextRange>,
    counter_reads: Vec<(TextSize, String)>,
}

/// Names of offset and page counters (compared ignoring case).
const COUNTER_NAMES: &[&str] = &[
    "offset",
    "page",
    "skip",
    "page_number",
    "page_num",
    "page_no",
    "page_index",
    "current_page",
];

/// Whether a name reads as an offset or page counter.
fn is_counter_name(name: &str) -> bool {
    let name = name.trim_start_matches('_');
    let ends_with_offset = name.len() > "_offset".len()
        && name.as_bytes()[name.len() - "_offset".len()..].eq_ignore_ascii_case(b"_offset");
    ends_with_offset
        || COUNTER_NAMES
            .iter()
            .any(|counter| counter.eq_ignore_ascii_case(name))
}

/// A loop: its whole range and its header.
#[derive(Copy, Clone, Debug)]
struct Loop {
    range: TextRange,
    header: TextRange,
}

fn facts<'c>(checker: &'c mut Checker) -> &'c mut Facts {
    unit_facts(checker, Rule::OffsetPagination)
}

fn in_loop_body(checker: &Checker) -> bool {
    checker.semantic.statements.in_loop_body()
}

fn note_stmt(checker: &mut Checker, stmt: &Stmt) {
    if !in_loop_body(checker) {
        return;
    }
    let advanced = match stmt {
        Stmt::AugAssign(aug_assign) if aug_assign.op == Operator::Add => {
            aug_assign.target.as_name_expr()
        }
        Stmt::Assign(assign) => match (&*assign.targets, assign.value.as_ref()) {
            ([Expr::Name(target)], Expr::BinOp(binop))
                if binop.op == Operator::Add
                    && binop
                        .left
                        .as_name_expr()
                        .is_some_and(|left| left.id == target.id) =>
            {
                Some(target)
            }
            _ => None,
        },
        _ => None,
    };
    if let Some(name) = advanced
        && is_counter_name(name.id.as_str())
        && let Some(innermost) = checker.semantic.statements.innermost_loop()
    {
        let innermost = Loop {
            range: innermost.range(),
            header: loop_header(innermost),
        };
        let advance = (stmt.range(), name.id.to_string(), innermost);
        facts(checker).advances.push(advance);
    }
}

fn note_name(checker: &mut Checker, name: &ExprName) {
    if name.ctx == ast::ExprContext::Load
        && in_loop_body(checker)
        && is_counter_name(name.id.as_str())
    {
        let read = (name.start(), name.id.to_string());
        facts(checker).counter_reads.push(read);
    }
}

/// Keywords whose values are sent as headers or a request body: an offset
/// there places an upload chunk or a byte range, it does not page.
const PAYLOAD_KEYWORDS: &[&str] = &["headers", "content", "data", "files"];

/// The arguments of a call to a client or a network library, made in a
/// loop, that can carry a page position.
fn note_network_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if target.is_none() || !in_loop_body(checker) {
        return;
    }
    let positional = call.arguments.args.iter().map(Ranged::range);
    let keywords = call
        .arguments
        .keywords
        .iter()
        .filter(|keyword| {
            keyword
                .arg
                .as_ref()
                .is_none_or(|name| !PAYLOAD_KEYWORDS.contains(&name.as_str()))
        })
        .map(|keyword| keyword.value.range());
    let arguments: Vec<TextRange> = positional.chain(keywords).collect();
    facts(checker).call_arguments.extend(arguments);
}

/// Reports each loop of the unit just visited that advances a counter it
/// passes to a network call.
fn decide_unit(checker: &mut Checker) {
    let Some(facts) = take_unit_facts::<Facts>(checker, Rule::OffsetPagination) else {
        return;
    };
    let mut reported: Vec<TextRange> = Vec::new();
    for (_, counter, pagination_loop) in &facts.advances {
        if reported.contains(&pagination_loop.header) {
            continue;
        }
        let passed = facts
            .call_arguments
            .iter()
            .filter(|arguments| pagination_loop.range.contains_range(**arguments))
            .any(|arguments| {
                facts
                    .counter_reads
                    .iter()
                    .any(|(at, name)| name == counter && arguments.contains(*at))
            });
        if !passed {
            continue;
        }
        reported.push(pagination_loop.header);
        let message = format!(
            "Loop pages through results by advancing `{counter}`; offsets drift when the \
             collection changes, use the API's cursor"
        );
        let diagnostic =
            checker
                .locator
                .diagnostic(Rule::OffsetPagination, message, pagination_loop.header);
        checker.report(diagnostic);
    }
}
