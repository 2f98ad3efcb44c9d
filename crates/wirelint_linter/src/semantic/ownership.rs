//! Ownership facts: what happens to the value of a call, and whether a local
//! name that holds a resource (a client, a stream) is closed or handed on.
//!
//! The checker calls [`SemanticModel::note_ownership_stmt`] and
//! [`SemanticModel::note_ownership_expr`] for every node before visiting its
//! children, so when a call arrives its parent has already said what it does
//! with the call's value ([`CallUse`]). Rules that care about resources
//! (unclosed clients, streams outside a context) read these facts.

use ruff_python_ast::{self as ast, Expr, ExprCall, Stmt};
use ruff_text_size::{Ranged, TextRange};
use rustc_hash::{FxHashMap, FxHashSet};

use super::names::MAX_EXPR_DEPTH;
use super::{ScopeId, ScopeKind, SemanticModel};

/// What the parent of a call does with the call's value.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum CallUse {
    /// The context expression of `with` / `async with`.
    WithContext,
    /// Returned or yielded.
    Returned,
    /// Passed to another call; `stores` when that call is a container's
    /// `append`/`add`/`extend`/`setdefault`/`insert`.
    Argument { stores: bool },
    /// Assigned to an attribute, a subscript or a container literal.
    Stored,
    /// Assigned (directly or through `await`) to a plain local name.
    AssignedTo,
    /// Assigned, inside a function, to a name declared `global` there.
    AssignedToGlobal,
}

/// Methods whose call on a local name releases the resource it holds.
const RELEASING_METHODS: &[&str] = &["close", "aclose", "release"];

/// Ownership facts of one file. Names borrow from the syntax tree: noting
/// a fact allocates nothing but its table slot.
#[derive(Debug, Default)]
pub(crate) struct Ownership<'a> {
    /// Calls' uses, by the call's range (a chained call such as
    /// `Session().get(url)` starts where its inner call does).
    call_uses: FxHashMap<TextRange, CallUse>,
    /// The local name a call's value is assigned to, by range.
    assigned_names: FxHashMap<TextRange, &'a str>,
    /// Calls that are directly awaited, by range.
    awaited: FxHashSet<TextRange>,
    /// Local names (function scope, name) that were closed or handed on.
    released: FxHashSet<(ScopeId, &'a str)>,
}

impl<'a> SemanticModel<'a> {
    /// What the parent of `call` does with its value, if anything known.
    pub(crate) fn call_use(&self, call: &ExprCall) -> Option<CallUse> {
        self.ownership.call_uses.get(&call.range()).copied()
    }

    /// The plain name `call`'s value is assigned to (`x = call(...)`,
    /// `x = await call(...)`), when [`CallUse::AssignedTo`] or
    /// [`CallUse::AssignedToGlobal`].
    pub(crate) fn assigned_name(&self, call: &ExprCall) -> Option<&'a str> {
        self.ownership.assigned_names.get(&call.range()).copied()
    }

    /// Whether `call` is the direct operand of `await`.
    pub(crate) fn is_awaited(&self, call: &ExprCall) -> bool {
        self.ownership.awaited.contains(&call.range())
    }

    /// Whether the local `name` of function `scope` (0: the module) was closed, used as a
    /// `with` context, returned, stored, passed on or captured.
    pub(crate) fn is_released(&self, scope: ScopeId, name: &str) -> bool {
        self.ownership
            .released
            .iter()
            .any(|(released_scope, released)| *released_scope == scope && *released == name)
    }

    /// Records what a statement does with the values it holds.
    pub(crate) fn note_ownership_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::With(stmt_with) => {
                for item in &stmt_with.items {
                    self.note_value_use(&item.context_expr, CallUse::WithContext);
                }
            }
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) => {
                self.note_value_use(value, CallUse::Returned);
            }
            Stmt::Assign(assign) => {
                // `self.session = session = Session()`: the value is stored as
                // well as named, and the store decides who owns it (a name
                // declared `global` still counts as the global it is).
                let stored = assign.targets.iter().any(|target| !target.is_name_expr());
                for target in &assign.targets {
                    let named_only = stored
                        && target
                            .as_name_expr()
                            .is_some_and(|name| !self.is_declared_global(name.id.as_str()));
                    if !named_only {
                        self.note_assignment(target, &assign.value);
                    }
                }
            }
            Stmt::AnnAssign(ast::StmtAnnAssign {
                target,
                value: Some(value),
                ..
            }) => {
                self.note_assignment(target, value);
            }
            _ => {}
        }
    }

    /// Records what an expression does with the values it holds.
    pub(crate) fn note_ownership_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Call(call) => self.note_call_arguments(call),
            Expr::Await(await_expr) => {
                if let Expr::Call(call) = await_expr.value.as_ref() {
                    self.ownership.awaited.insert(call.range());
                }
            }
            Expr::Yield(ast::ExprYield {
                value: Some(value), ..
            }) => {
                self.note_value_use(value, CallUse::Returned);
            }
            Expr::YieldFrom(yield_from) => {
                self.note_value_use(&yield_from.value, CallUse::Returned);
            }
            Expr::Named(named) => {
                if let Expr::Name(name) = named.target.as_ref() {
                    self.note_assigned_to_name(name.id.as_str(), &named.value);
                }
            }
            Expr::Name(name) if name.ctx == ast::ExprContext::Load => self.note_closure_use(name),
            _ => {}
        }
    }

    fn note_assignment(&mut self, target: &'a Expr, value: &'a Expr) {
        match target {
            Expr::Name(name) => self.note_assigned_to_name(name.id.as_str(), value),
            _ => self.note_value_use(value, CallUse::Stored),
        }
    }

    fn note_assigned_to_name(&mut self, name: &'a str, value: &'a Expr) {
        match value {
            Expr::Call(call) => self.note_call_assigned_to_name(name, call),
            Expr::Await(await_expr) => self.note_assigned_to_name(name, &await_expr.value),
            // `x = a if c else Client()`, `x = existing or Client()`: each
            // alternative is assigned to the name.
            Expr::If(if_expr) => {
                self.note_assigned_to_name(name, &if_expr.body);
                self.note_assigned_to_name(name, &if_expr.orelse);
            }
            Expr::BoolOp(bool_op) => {
                for alternative in &bool_op.values {
                    self.note_assigned_to_name(name, alternative);
                }
            }
            // `chat = OpenAI().chat`: the name holds a sub-resource, which
            // keeps the client alive; `alias = client.chat` hands nothing on.
            Expr::Attribute(_) => {
                if let Expr::Call(call) = attribute_chain_root(value) {
                    self.note_call_assigned_to_name(name, call);
                }
            }
            // `alias = resource`: it now has another owner.
            _ => self.note_value_use(value, CallUse::Stored),
        }
    }

    #[inline]
    fn note_call_assigned_to_name(&mut self, name: &'a str, call: &'a ExprCall) {
        let in_function = self.current_function_scope().is_some();
        let call_use = if in_function && self.is_declared_global(name) {
            CallUse::AssignedToGlobal
        } else {
            CallUse::AssignedTo
        };
        self.ownership.call_uses.insert(call.range(), call_use);
        self.ownership.assigned_names.insert(call.range(), name);
    }

    /// Records `call_use` for a value: a call directly, the elements of a
    /// container literal, or a local name (which is then released).
    fn note_value_use(&mut self, value: &'a Expr, call_use: CallUse) {
        match value {
            Expr::Call(call) => {
                self.ownership.call_uses.insert(call.range(), call_use);
            }
            Expr::Await(await_expr) => self.note_value_use(&await_expr.value, call_use),
            Expr::If(if_expr) => {
                self.note_value_use(&if_expr.body, call_use);
                self.note_value_use(&if_expr.orelse, call_use);
            }
            Expr::BoolOp(bool_op) => {
                for alternative in &bool_op.values {
                    self.note_value_use(alternative, call_use);
                }
            }
            Expr::Name(name) => self.release(name.id.as_str()),
            Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::List(ast::ExprList { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                let element_use = if call_use == CallUse::WithContext {
                    call_use
                } else {
                    CallUse::Stored
                };
                for element in elts {
                    self.note_value_use(element, element_use);
                }
            }
            Expr::Dict(dict) => {
                for item in dict {
                    self.note_value_use(&item.value, CallUse::Stored);
                }
            }
            Expr::Starred(starred) => self.note_value_use(&starred.value, call_use),
            // `self.client = OpenAI().completions`: a sub-resource holds a
            // reference to its client, so whoever owns the sub-resource owns
            // the client. Storing or returning `client.chat` hands `client`
            // on; passing `client.base_url` to a call does not.
            Expr::Attribute(_) => match attribute_chain_root(value) {
                Expr::Call(call) if call_use != CallUse::WithContext => {
                    self.ownership.call_uses.insert(call.range(), call_use);
                }
                Expr::Name(name) if matches!(call_use, CallUse::Stored | CallUse::Returned) => {
                    self.release(name.id.as_str());
                }
                _ => {}
            },
            _ => {}
        }
    }

    /// Records the uses of a call's arguments, and `x.close()` /
    /// `x.aclose()` / `x.release()` (or a reference to those methods, as in
    /// `atexit.register(x.close)`).
    fn note_call_arguments(&mut self, call: &'a ExprCall) {
        let mut stores = false;
        if let Expr::Attribute(attribute) = call.func.as_ref() {
            let method = attribute.attr.as_str();
            if RELEASING_METHODS.contains(&method)
                && let Expr::Name(receiver) = attribute.value.as_ref()
            {
                self.release(receiver.id.as_str());
            }
            stores = matches!(
                method,
                "append" | "add" | "extend" | "setdefault" | "insert"
            );
        }
        let argument_use = CallUse::Argument { stores };
        for argument in &call.arguments.args {
            self.note_argument(argument, argument_use);
        }
        for keyword in &call.arguments.keywords {
            self.note_argument(&keyword.value, argument_use);
        }
    }

    fn note_argument(&mut self, argument: &'a Expr, argument_use: CallUse) {
        if let Expr::Attribute(attribute) = argument
            && RELEASING_METHODS.contains(&attribute.attr.as_str())
            && let Expr::Name(receiver) = attribute.value.as_ref()
        {
            self.release(receiver.id.as_str());
            return;
        }
        self.note_value_use(argument, argument_use);
    }

    /// Records that the local `name` (of the current function, or of the
    /// module at module level) was closed or handed on.
    fn release(&mut self, name: &'a str) {
        let scope = self.current_function_scope().unwrap_or(0);
        self.ownership.released.insert((scope, name));
    }

    /// A name loaded in a nested function that belongs to an enclosing
    /// function: the resource is captured, so its owner is not known.
    fn note_closure_use(&mut self, name: &'a ast::ExprName) {
        let Some(current) = self.current_function_scope() else {
            return;
        };
        let Some(parent) = self.scopes[current].parent else {
            return;
        };
        let nested = self
            .ancestors(parent)
            .any(|id| matches!(self.scopes[id].kind, ScopeKind::Function { .. }));
        if !nested {
            return;
        }
        if let Some((scope, _)) = self.lookup_with_scope(name.id.as_str())
            && scope != current
            && matches!(self.scopes[scope].kind, ScopeKind::Function { .. })
        {
            self.ownership.released.insert((scope, name.id.as_str()));
        }
    }
}

/// The value an attribute chain starts from: the call in
/// `OpenAI().chat.completions`, the name in `client.chat`.
fn attribute_chain_root(expr: &Expr) -> &Expr {
    let mut cursor = expr;
    for _ in 0..MAX_EXPR_DEPTH {
        match cursor {
            Expr::Attribute(attribute) => cursor = &attribute.value,
            _ => break,
        }
    }
    cursor
}
