//! # materialized-pages (WL905)
//!
//! *Preview: runs only with `--preview`.*
//!
//! ## What it does
//! Flags a function that loops over pages (the loop reads `has_more`,
//! `next_cursor`, `next_page` or `next_page_token`, as an attribute or a
//! string key) and, in that loop, accumulates items into a list it started
//! empty (`items = []`, then `items.extend(...)`, `items.append(...)` or
//! `items += ...`) and returns (`return items`). A function that yields is
//! an iterator already and is not flagged. The diagnostic points at the
//! accumulating call.
//!
//! ## Why is this bad?
//! The caller may want the first ten items of a million: materializing
//! every page fetches them all, holds them all in memory, and makes the
//! caller wait for the last page before seeing the first item. An iterator
//! lets the caller stop when it has enough; one that wants everything can
//! still write `[item async for item in list_items(client)]`.
//!
//! ## Example
//! ```python
//! async def list_items(client: ServiceClient) -> list[Item]:
//!     items: list[Item] = []
//!     cursor = None
//!     while True:
//!         response = await client.items.list(cursor=cursor)
//!         items.extend(response.data)
//!         if not response.has_more:
//!             return items
//!         cursor = response.next_cursor
//! ```
//!
//! ## Use instead
//! ```python
//! async def list_items(client: ServiceClient) -> AsyncIterator[Item]:
//!     cursor = None
//!     while True:
//!         response = await client.items.list(cursor=cursor)
//!         for item in response.data:
//!             yield item
//!         if not response.has_more:
//!             return
//!         cursor = response.next_cursor
//! ```
//!
//! ## References
//! - `docs/policy.md`, "Pagination" (never materialize the full
//!   list inside the client)

use ruff_python_ast::{self as ast, Expr, Operator, Stmt, StmtFunctionDef};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::FxHashSet;

use super::{take_unit_facts, unit_facts};
use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::{Hooks, RuleDef};

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL905",
    name: "materialized-pages",
    family: Family::StructuredOutputs,
    status: Status::Preview,
    summary: "A function collects every page into one list instead of yielding items.",
    boundary: false,
    markers: &[
        Marker::Word("has_more"),
        Marker::Word("next_cursor"),
        Marker::Word("next_page"),
    ],
    fix: FixAvailability::None,
    hooks: Hooks {
        stmt: Some(note_stmt),
        expr: Some(note_expr),
        leave_function: Some(decide),
        finish: Some(finish),
        ..Hooks::NONE
    },
};

/// Attributes and keys that show a loop walks pages.
const PAGE_MARKERS: &[&str] = &["has_more", "next_cursor", "next_page", "next_page_token"];

/// Pagination reads, list accumulations, returns and yields of a unit.
#[derive(Debug, Default)]
struct Facts {
    page_markers: Vec<TextSize>,
    empty_lists: FxHashSet<String>,
    /// (list name, accumulating call or statement, the ranges of the loops
    /// around it), inside loops.
    accumulations: Vec<(String, TextRange, Vec<TextRange>)>,
    returned_names: FxHashSet<String>,
    yields: bool,
}

fn facts<'c>(checker: &'c mut Checker) -> &'c mut Facts {
    unit_facts(checker, Rule::MaterializedPages)
}

/// Notes an accumulation into the list `name` inside the enclosing loops.
fn note_accumulation(checker: &mut Checker, name: String, range: TextRange) {
    let loops = checker
        .semantic
        .statements
        .loops()
        .map(Ranged::range)
        .collect();
    facts(checker).accumulations.push((name, range, loops));
}

fn note_stmt(checker: &mut Checker, stmt: &Stmt) {
    match stmt {
        Stmt::Assign(assign) => {
            if let [Expr::Name(name)] = &*assign.targets
                && is_empty_list(checker, &assign.value)
            {
                let name = name.id.to_string();
                facts(checker).empty_lists.insert(name);
            }
        }
        Stmt::AnnAssign(ast::StmtAnnAssign {
            target,
            value: Some(value),
            ..
        }) => {
            if let Expr::Name(name) = target.as_ref()
                && is_empty_list(checker, value)
            {
                let name = name.id.to_string();
                facts(checker).empty_lists.insert(name);
            }
        }
        Stmt::AugAssign(aug_assign) if aug_assign.op == Operator::Add => {
            if let Expr::Name(name) = aug_assign.target.as_ref()
                && checker.semantic.statements.in_loop_body()
            {
                note_accumulation(checker, name.id.to_string(), stmt.range());
            }
        }
        Stmt::Return(ast::StmtReturn {
            value: Some(value), ..
        }) => {
            if let Expr::Name(name) = value.as_ref() {
                let name = name.id.to_string();
                facts(checker).returned_names.insert(name);
            }
        }
        _ => {}
    }
}

fn note_expr(checker: &mut Checker, expr: &Expr) {
    match expr {
        Expr::Attribute(attribute) if PAGE_MARKERS.contains(&attribute.attr.as_str()) => {
            facts(checker).page_markers.push(attribute.start());
        }
        Expr::Subscript(subscript)
            if subscript
                .slice
                .as_string_literal_expr()
                .is_some_and(|key| PAGE_MARKERS.contains(&key.value.to_str())) =>
        {
            facts(checker).page_markers.push(subscript.start());
        }
        Expr::Yield(_) | Expr::YieldFrom(_) => {
            facts(checker).yields = true;
        }
        Expr::Call(call) if checker.semantic.statements.in_loop_body() => {
            if let Expr::Attribute(attribute) = call.func.as_ref()
                && matches!(attribute.attr.as_str(), "append" | "extend")
                && let Expr::Name(list) = attribute.value.as_ref()
            {
                note_accumulation(checker, list.id.to_string(), call.range());
            }
        }
        _ => {}
    }
}

/// `[]` or `list()`.
fn is_empty_list(checker: &Checker, value: &Expr) -> bool {
    match value {
        Expr::List(list) => list.elts.is_empty(),
        Expr::Call(call) => {
            call.arguments.is_empty() && checker.semantic.builtin_name(&call.func) == Some("list")
        }
        _ => false,
    }
}

/// The module's own code is no function: its facts are dropped.
fn finish(checker: &mut Checker) {
    take_unit_facts::<Facts>(checker, Rule::MaterializedPages);
}

/// Reports the function's first accumulation of pages into a returned list.
fn decide(checker: &mut Checker, function: &StmtFunctionDef) {
    let Some(facts) = take_unit_facts::<Facts>(checker, Rule::MaterializedPages) else {
        return;
    };
    if facts.yields {
        return;
    }
    let found = facts.accumulations.iter().find(|(list, _, loops)| {
        facts.empty_lists.contains(list)
            && facts.returned_names.contains(list)
            && loops.iter().any(|page_loop| {
                facts
                    .page_markers
                    .iter()
                    .any(|marker| page_loop.contains(*marker))
            })
    });
    let Some((list, range, _)) = found else {
        return;
    };
    let message = format!(
        "`{}` collects every page into `{list}` and returns it; yield the items so the \
         caller decides how many pages to fetch",
        function.name
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::MaterializedPages, message, *range);
    checker.report(diagnostic);
}
