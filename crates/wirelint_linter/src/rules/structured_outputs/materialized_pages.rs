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

use super::{Unit, unit};
use crate::checker::Checker;
use crate::registry::Rule;

/// Attributes and keys that show a loop walks pages.
const PAGE_MARKERS: &[&str] = &["has_more", "next_cursor", "next_page", "next_page_token"];

/// Pagination reads, list accumulations, returns and yields of a unit.
#[derive(Debug, Default)]
pub struct Facts {
    page_markers: Vec<TextSize>,
    empty_lists: FxHashSet<String>,
    /// (list name, accumulating call or statement), inside loops.
    accumulations: Vec<(String, TextRange)>,
    returned_names: FxHashSet<String>,
    yields: bool,
}

pub fn note_stmt(checker: &mut Checker, stmt: &Stmt) {
    match stmt {
        Stmt::Assign(assign) => {
            if let [Expr::Name(name)] = &*assign.targets
                && is_empty_list(checker, &assign.value)
            {
                let name = name.id.to_string();
                unit(checker).materialized_pages.empty_lists.insert(name);
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
                unit(checker).materialized_pages.empty_lists.insert(name);
            }
        }
        Stmt::AugAssign(aug_assign) if aug_assign.op == Operator::Add => {
            if let Expr::Name(name) = aug_assign.target.as_ref()
                && checker.semantic.position.loop_depth > 0
            {
                let accumulation = (name.id.to_string(), stmt.range());
                unit(checker)
                    .materialized_pages
                    .accumulations
                    .push(accumulation);
            }
        }
        Stmt::Return(ast::StmtReturn {
            value: Some(value), ..
        }) => {
            if let Expr::Name(name) = value.as_ref() {
                let name = name.id.to_string();
                unit(checker).materialized_pages.returned_names.insert(name);
            }
        }
        _ => {}
    }
}

pub fn note_expr(checker: &mut Checker, expr: &Expr) {
    match expr {
        Expr::Attribute(attribute) if PAGE_MARKERS.contains(&attribute.attr.as_str()) => {
            unit(checker)
                .materialized_pages
                .page_markers
                .push(attribute.start());
        }
        Expr::Subscript(subscript)
            if subscript
                .slice
                .as_string_literal_expr()
                .is_some_and(|key| PAGE_MARKERS.contains(&key.value.to_str())) =>
        {
            unit(checker)
                .materialized_pages
                .page_markers
                .push(subscript.start());
        }
        Expr::Yield(_) | Expr::YieldFrom(_) => {
            unit(checker).materialized_pages.yields = true;
        }
        Expr::Call(call) if checker.semantic.position.loop_depth > 0 => {
            if let Expr::Attribute(attribute) = call.func.as_ref()
                && matches!(attribute.attr.as_str(), "append" | "extend")
                && let Expr::Name(list) = attribute.value.as_ref()
            {
                let accumulation = (list.id.to_string(), call.range());
                unit(checker)
                    .materialized_pages
                    .accumulations
                    .push(accumulation);
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

/// Reports the function's first accumulation of pages into a returned list.
pub(super) fn decide(checker: &mut Checker, unit: &Unit, function: &StmtFunctionDef) {
    let facts = &unit.materialized_pages;
    if facts.yields {
        return;
    }
    let found = facts.accumulations.iter().find(|(list, range)| {
        facts.empty_lists.contains(list)
            && facts.returned_names.contains(list)
            && unit.loops.iter().any(|page_loop| {
                page_loop.range.contains_range(*range)
                    && facts
                        .page_markers
                        .iter()
                        .any(|marker| page_loop.range.contains(*marker))
            })
    });
    let Some((list, range)) = found else {
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
