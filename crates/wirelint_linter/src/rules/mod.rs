//! The rules, one file per rule, grouped by family (one folder per family,
//! named by [`Family::name`]). Each rule file holds the rule's user
//! documentation (its `//!` comment, printed by `wirelint rule CODE`), its
//! [`RuleDef`] (`pub(crate) const RULE`: code, name, family, status, fast-path
//! markers, fix availability and the traversal hooks it wants) and its code.
//! Declaring the file's module in its family's `mod.rs` registers the rule
//! (the build script lists every rule file for `registry.rs`); the checker
//! calls the hooks of the enabled rules as it passes each node.
//!
//! A family's `mod.rs` holds only the family's documentation and the helpers
//! its rules share; helpers two families need live in [`helpers`]. Facts
//! about the file (scopes, clients, enclosing statements, retry loops) come
//! from the semantic model, never from a rule's own bookkeeping.

pub(crate) mod concurrency;
pub(crate) mod configuration;
pub(crate) mod errors;
pub(crate) mod helpers;
pub(crate) mod internal;
pub(crate) mod lifecycle;
pub(crate) mod retries;
pub(crate) mod secrets;
pub(crate) mod streaming;
pub(crate) mod structured_outputs;
pub(crate) mod timeouts;

use std::any::Any;

use ruff_python_ast::{
    ExceptHandlerExceptHandler, Expr, ExprCall, ExprDict, ExprName, Stmt, StmtClassDef,
    StmtFunctionDef,
};

use crate::checker::Checker;
use crate::registry::{Family, FixAvailability, Marker, Rule, Status};
use crate::semantic::{CallTarget, KnownNames};
use crate::settings::LinterSettings;

/// What a rule declares about itself, next to its code.
pub(crate) struct RuleDef {
    pub code: &'static str,
    /// Kebab-case, unique (`missing-timeout`).
    pub name: &'static str,
    pub family: Family,
    pub status: Status,
    /// One line for the README table and `wirelint rule`.
    pub summary: &'static str,
    /// Fires only in network modules (a *boundary* rule, see
    /// `docs/architecture.md`): the checker
    /// drops the rule's findings in any other module.
    pub boundary: bool,
    /// Words of which one occurs in every file where the rule can fire (the
    /// fast path skips files with none of the enabled rules' markers). A
    /// rule with hooks must have at least one: the registry does not
    /// compile otherwise.
    pub markers: &'static [Marker],
    pub fix: FixAvailability,
    pub hooks: Hooks,
}

/// The traversal events a rule wants, each a function of the rule file.
/// Every hook runs after the model has taken in the node (and before the
/// node's children are visited), and only while the rule is enabled.
#[derive(Copy, Clone)]
pub(crate) struct Hooks {
    /// Every statement, before its children.
    pub stmt: Option<fn(&mut Checker, &Stmt)>,
    /// Every class definition, before its body (after the `stmt` hooks).
    pub class: Option<fn(&mut Checker, &StmtClassDef)>,
    /// Every name (loaded, stored or deleted).
    pub name: Option<fn(&mut Checker, &ExprName)>,
    /// Every expression that is not a name (calls and dicts included),
    /// before its children.
    pub expr: Option<fn(&mut Checker, &Expr)>,
    /// Every dict display (after the `expr` hooks).
    pub dict: Option<fn(&mut Checker, &ExprDict)>,
    /// Every call, with what it talks to (classified once for all rules).
    pub call: Option<fn(&mut Checker, &ExprCall, Option<&CallTarget>)>,
    /// A function body starts (its parameters are bound).
    pub enter_function: Option<fn(&mut Checker, &StmtFunctionDef)>,
    /// A function body has been visited; its retry loops are settled (see
    /// [`crate::semantic::SemanticModel::settled_retry_loops`]).
    pub leave_function: Option<fn(&mut Checker, &StmtFunctionDef)>,
    /// A body has been visited: a function's (after its `leave_function`
    /// hooks) or, at the end of the file, the module's own code (before the
    /// `finish` hooks). The body's retry loops are settled, and
    /// `current_function_scope()` is still the body's. Rules that decide per
    /// body decide here.
    pub leave_body: Option<fn(&mut Checker)>,
    /// An `except` handler's body starts (its `as` name is bound).
    pub enter_handler: Option<fn(&mut Checker, &ExceptHandlerExceptHandler)>,
    /// An `except` handler's body has been visited (the model's facts about
    /// it, such as whether it used its error, are final).
    pub leave_handler: Option<fn(&mut Checker, &ExceptHandlerExceptHandler)>,
    /// The whole file has been visited; the module's retry loops are
    /// settled.
    pub finish: Option<fn(&mut Checker)>,
}

impl Hooks {
    /// No hooks: a rule the engine reports itself (WL001-WL003). Rules take
    /// the hooks they want with `..Hooks::NONE`.
    pub(crate) const NONE: Hooks = Hooks {
        stmt: None,
        class: None,
        name: None,
        expr: None,
        dict: None,
        call: None,
        enter_function: None,
        leave_function: None,
        leave_body: None,
        enter_handler: None,
        leave_handler: None,
        finish: None,
    };

    pub(crate) const fn is_none(&self) -> bool {
        self.stmt.is_none()
            && self.class.is_none()
            && self.name.is_none()
            && self.expr.is_none()
            && self.dict.is_none()
            && self.call.is_none()
            && self.enter_function.is_none()
            && self.leave_function.is_none()
            && self.leave_body.is_none()
            && self.enter_handler.is_none()
            && self.leave_handler.is_none()
            && self.finish.is_none()
    }
}

/// The state rules keep between nodes (candidates settled later, what was
/// already reported), one value per rule, created on first use.
#[derive(Default)]
pub(crate) struct RuleStates {
    states: Vec<Option<Box<dyn Any>>>,
}

impl RuleStates {
    /// `rule`'s state. Each rule keeps one state type.
    #[inline]
    pub(crate) fn get_mut<S: Default + 'static>(&mut self, rule: Rule) -> &mut S {
        let index = rule as usize;
        if self.states.len() <= index {
            self.states
                .resize_with(crate::registry::RULES.len(), || None);
        }
        self.states[index]
            .get_or_insert_with(|| Box::new(S::default()))
            .downcast_mut::<S>()
            .expect("a rule keeps one state type")
    }

    /// `rule`'s state, if the rule has stored any in this file (a cheap test
    /// for hooks that run on every node).
    #[inline]
    pub(crate) fn get<S: 'static>(&self, rule: Rule) -> Option<&S> {
        self.states
            .get(rule as usize)?
            .as_ref()?
            .downcast_ref::<S>()
    }

    /// Takes `rule`'s state out, leaving a fresh one.
    pub(crate) fn take<S: Default + 'static>(&mut self, rule: Rule) -> S {
        std::mem::take(self.get_mut(rule))
    }
}

impl std::fmt::Debug for RuleStates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = self.states.iter().filter(|state| state.is_some()).count();
        write!(f, "RuleStates({kept} kept)")
    }
}

/// The words of which at least one must occur in a file for any enabled
/// rule to fire there (empty when no rule that visits the tree is enabled).
pub(crate) fn fast_path_words(settings: &LinterSettings, known: &KnownNames) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for rule in settings.rules.iter() {
        for marker in rule.info().markers {
            match marker {
                Marker::NetworkImport => {
                    words.extend(known.import_markers().map(str::to_string));
                }
                Marker::ErrorClass => {
                    let classes = known.extend_error_classes().iter();
                    let class_names = classes.filter_map(|class| class.rsplit('.').next());
                    words.extend(class_names.map(str::to_string));
                }
                Marker::Word(word) => words.push((*word).to_string()),
            }
        }
    }
    words.sort_unstable();
    words.dedup();
    words
}
