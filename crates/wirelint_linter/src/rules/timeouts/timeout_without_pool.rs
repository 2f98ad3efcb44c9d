//! # timeout-without-pool (WL202)
//!
//! *Preview: runs only with `--preview`.*
//!
//! ## What it does
//! Flags `httpx.Timeout(...)` that sets some phases (`connect`, `read`,
//! `write`) but leaves `pool` implicit.
//!
//! ## Why is this bad?
//! The pool timeout is how long a request waits for a free connection when
//! every slot is busy. Left implicit it silently takes the default budget,
//! often a long read budget, and a saturated pool then looks like a slow
//! server. It is the phase most often forgotten, so the policy asks for it to
//! be set on purpose.
//!
//! ## Example
//! ```python
//! timeout = httpx.Timeout(60.0, connect=5.0, read=30.0)
//! ```
//!
//! ## Use instead
//! ```python
//! timeout = httpx.Timeout(60.0, connect=5.0, read=30.0, write=30.0, pool=5.0)
//! ```
//!
//! There is no automatic fix: only you know the right pool budget.
//!
//! ## References
//! - `docs/policy.md`, "Timeout Granularity"

use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use super::{httpx_timeout_phases, is_httpx_timeout, judged_target};
use crate::checker::Checker;
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Marker, Status};
use crate::rules::helpers::has_keyword_splat;
use crate::rules::{Hooks, RuleDef};
use crate::semantic::CallTarget;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL202",
    name: "timeout-without-pool",
    family: Family::Timeouts,
    status: Status::Preview,
    summary: "`httpx.Timeout(...)` sets phases but leaves the pool timeout implicit.",
    boundary: false,
    markers: &[Marker::NetworkImport],
    fix: FixAvailability::None,
    hooks: Hooks {
        call: Some(check_call),
        ..Hooks::NONE
    },
};

fn check_call(checker: &mut Checker, call: &ExprCall, target: Option<&CallTarget>) {
    if let Some(target) = judged_target(target) {
        check(checker, call, target);
    }
}

fn check(checker: &mut Checker, call: &ExprCall, target: &CallTarget) {
    if !is_httpx_timeout(target) || has_keyword_splat(call) {
        return;
    }
    let phases: Vec<&str> = httpx_timeout_phases(call).collect();
    if phases.is_empty() || phases.contains(&"pool") {
        return;
    }
    let message = format!(
        "`httpx.Timeout(...)` sets {} but leaves `pool` implicit; add `pool=` (a few seconds)",
        phases
            .iter()
            .map(|phase| format!("`{phase}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let diagnostic = checker
        .locator
        .diagnostic(Rule::TimeoutWithoutPool, message, call.range());
    checker.report(diagnostic);
}
