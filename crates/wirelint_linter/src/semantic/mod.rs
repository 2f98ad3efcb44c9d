//! The semantic model: what the single traversal has learned so far about
//! the file. Scopes and their bindings (imports resolved to qualified names,
//! local definitions that shadow them), which values are network clients,
//! and where the traversal stands (import time, `async def`, the stack of
//! enclosing statements: loops, `try` bodies, handlers), and the retry loops
//! of each body. Rules ask it questions; they never walk the tree themselves.

pub(crate) mod exceptions;
pub(crate) mod handlers;
pub(crate) mod known;
pub(crate) mod logging;
pub(crate) mod models;
pub(crate) mod names;
pub(crate) mod network_call;
pub(crate) mod ownership;
pub(crate) mod retry;
pub(crate) mod retry_loops;
pub(crate) mod statements;

use ruff_python_ast::{self as ast, Expr, Operator, UnaryOp};
use ruff_text_size::TextRange;
use rustc_hash::FxHashMap;

pub(crate) use known::{ClientClass, KnownNames, Library};
pub(crate) use network_call::CallTarget;
pub(crate) use ownership::CallUse;

/// Index of a scope in the model's arena.
pub(crate) type ScopeId = usize;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    Module,
    Class,
    Function { is_async: bool },
    Lambda,
    Comprehension,
}

/// What bound a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BindingKind {
    /// `import a.b as x`, `from a import b as x`: the qualified name bound.
    Import {
        qualified: String,
    },
    /// `def` / `async def`: shadows any import of the same name.
    Function {
        is_async: bool,
    },
    /// `class`: shadows any import of the same name.
    Class,
    Assignment,
    Parameter,
    /// Loop targets, `except ... as e`, `with ... as x` and the like.
    Other,
}

/// One name in one scope, as last bound.
#[derive(Clone, Debug)]
pub(crate) struct Binding<'a> {
    pub kind: BindingKind,
    /// The value of the last simple assignment (`x = value`), or the
    /// context expression of a `with ... as x` target.
    pub value: Option<&'a Expr>,
    /// Set when the name holds a network client.
    pub client: Option<ClientClass>,
    pub range: TextRange,
    /// How many times the name was bound in this scope.
    pub times_bound: u32,
}

impl<'a> Binding<'a> {
    pub(crate) fn new(kind: BindingKind, range: TextRange) -> Self {
        Self {
            kind,
            value: None,
            client: None,
            range,
            times_bound: 1,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Scope<'a> {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    bindings: FxHashMap<&'a str, Binding<'a>>,
    /// Class scopes: attributes known to hold a client (`self.http = ...`,
    /// `http: httpx.Client` in the body).
    client_attributes: FxHashMap<&'a str, ClientClass>,
    /// Function scopes: names declared `global`.
    globals: Vec<&'a str>,
    /// Method scopes: the name of the first parameter (`self`, `cls`).
    receiver: Option<&'a str>,
}

impl<'a> Scope<'a> {
    fn new(kind: ScopeKind, parent: Option<ScopeId>) -> Self {
        Self {
            kind,
            parent,
            bindings: FxHashMap::default(),
            client_attributes: FxHashMap::default(),
            globals: Vec::new(),
            receiver: None,
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Binding<'a>> {
        self.bindings.get(name)
    }
}

/// Guards the traversal is inside, in the current function (or module).
/// The enclosing statements themselves are in [`SemanticModel::statements`].
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Position {
    pub in_main_guard: bool,
    pub in_type_checking: bool,
}

/// The model for one file.
#[derive(Debug)]
pub(crate) struct SemanticModel<'a> {
    pub known: std::rc::Rc<KnownNames>,
    scopes: Vec<Scope<'a>>,
    current: ScopeId,
    pub position: Position,
    /// The statements enclosing the node being visited.
    pub statements: statements::StatementStack<'a>,
    /// Retry-loop recognition and retry decorators (see [`retry_loops`]).
    retry: retry_loops::RetryFacts,
    /// Pydantic models and dataclasses seen so far (see [`models`]).
    models: models::ModelRegistry,
    /// What happens to calls' values and to locals holding resources.
    ownership: ownership::Ownership<'a>,
    /// How many module-level bindings of clients were made.
    module_client_bindings: u32,
    /// Whether an import of a network module was bound anywhere so far.
    imports_network_module: bool,
    /// The module's classes and how they derive (see [`exceptions`]).
    hierarchy: exceptions::ClassHierarchy<'a>,
    /// Answers several rules ask about the call being visited.
    call_memo: std::cell::RefCell<CallMemo>,
}

/// Answers about one call that several rules ask for, kept for the call the
/// checker is at (see [`SemanticModel::begin_call`]): the model does not
/// change while the rules look at one node, so the answers hold.
#[derive(Debug, Default)]
struct CallMemo {
    call: Option<TextRange>,
    logging: Option<Option<logging::LoggingCall>>,
    retry: Option<(Option<retry::RetryApi>, Option<String>)>,
}

impl<'a> SemanticModel<'a> {
    pub(crate) fn new(known: std::rc::Rc<KnownNames>) -> Self {
        Self {
            known,
            scopes: vec![Scope::new(ScopeKind::Module, None)],
            current: 0,
            position: Position::default(),
            statements: statements::StatementStack::default(),
            retry: retry_loops::RetryFacts::default(),
            models: models::ModelRegistry::default(),
            ownership: ownership::Ownership::default(),
            module_client_bindings: 0,
            imports_network_module: false,
            hierarchy: exceptions::ClassHierarchy::default(),
            call_memo: std::cell::RefCell::default(),
        }
    }

    /// The checker is at `call`, about to hand it to the rules: answers
    /// about an earlier call are forgotten.
    pub(crate) fn begin_call(&self, call: &ast::ExprCall) {
        *self.call_memo.borrow_mut() = CallMemo {
            call: Some(ruff_text_size::Ranged::range(call)),
            ..CallMemo::default()
        };
    }

    /// `compute`'s answer about `call`, remembered while the checker is at
    /// `call`. `field` picks the answer's slot in the memo.
    fn memoized<T: Clone>(
        &self,
        call: &ast::ExprCall,
        field: fn(&mut CallMemo) -> &mut Option<T>,
        compute: impl FnOnce() -> T,
    ) -> T {
        {
            let mut memo = self.call_memo.borrow_mut();
            if memo.call == Some(ruff_text_size::Ranged::range(call))
                && let Some(answer) = field(&mut memo)
            {
                return answer.clone();
            }
        }
        let answer = compute();
        let mut memo = self.call_memo.borrow_mut();
        if memo.call == Some(ruff_text_size::Ranged::range(call)) {
            *field(&mut memo) = Some(answer.clone());
        }
        answer
    }

    // ---- scopes -------------------------------------------------------

    pub(crate) fn current_scope_id(&self) -> ScopeId {
        self.current
    }

    pub(crate) fn current_scope(&self) -> &Scope<'a> {
        &self.scopes[self.current]
    }

    pub(crate) fn scope_kind(&self, id: ScopeId) -> ScopeKind {
        self.scopes[id].kind
    }

    pub(crate) fn module_scope(&self) -> &Scope<'a> {
        &self.scopes[0]
    }

    /// Enters a new scope below `parent` and returns the previous current one.
    pub(crate) fn push_scope(&mut self, kind: ScopeKind, parent: ScopeId) -> ScopeId {
        self.scopes.push(Scope::new(kind, Some(parent)));
        std::mem::replace(&mut self.current, self.scopes.len() - 1)
    }

    /// Returns to `previous` (what [`Self::push_scope`] returned).
    pub(crate) fn restore_scope(&mut self, previous: ScopeId) {
        self.current = previous;
    }

    /// Records the receiver name (`self`) of the method whose scope is current.
    pub(crate) fn set_receiver(&mut self, name: &'a str) {
        self.scopes[self.current].receiver = Some(name);
    }

    pub(crate) fn declare_global(&mut self, name: &'a str) {
        self.scopes[self.current].globals.push(name);
    }

    /// Whether `name` is declared `global` in the current scope.
    pub(crate) fn is_declared_global(&self, name: &str) -> bool {
        self.current_scope().globals.contains(&name)
    }

    /// The innermost function or lambda scope's kind, if the traversal is
    /// in one. A lambda counts: its body runs when it is called, not where
    /// it is written.
    pub(crate) fn current_function(&self) -> Option<ScopeKind> {
        self.ancestors(self.current)
            .map(|id| self.scopes[id].kind)
            .find(|kind| matches!(kind, ScopeKind::Function { .. } | ScopeKind::Lambda))
    }

    /// The scope of the innermost `def` (not lambda), if any.
    pub(crate) fn current_function_scope(&self) -> Option<ScopeId> {
        self.ancestors(self.current)
            .find(|id| matches!(self.scopes[*id].kind, ScopeKind::Function { .. }))
    }

    /// Whether the innermost function is an `async def`.
    pub(crate) fn in_async_function(&self) -> bool {
        matches!(
            self.current_function(),
            Some(ScopeKind::Function { is_async: true })
        )
    }

    /// Module scope or a class body (not inside any function or lambda),
    /// outside `if __name__ == "__main__":` and `if TYPE_CHECKING:`.
    pub(crate) fn at_import_time(&self) -> bool {
        !self.position.in_main_guard
            && !self.position.in_type_checking
            && self.ancestors(self.current).all(|id| {
                matches!(
                    self.scopes[id].kind,
                    ScopeKind::Module | ScopeKind::Class | ScopeKind::Comprehension
                )
            })
    }

    /// Inside a `for`/`while` body or a comprehension of the current
    /// function (or module).
    pub(crate) fn in_loop(&self) -> bool {
        self.statements.in_loop_body()
            || self
                .ancestors(self.current)
                .map(|id| self.scopes[id].kind)
                .take_while(|kind| matches!(kind, ScopeKind::Comprehension))
                .next()
                .is_some()
    }

    fn ancestors(&self, start: ScopeId) -> impl Iterator<Item = ScopeId> + '_ {
        std::iter::successors(Some(start), |id| self.scopes[*id].parent)
    }

    // ---- bindings -----------------------------------------------------

    /// Binds `name` in the current scope (or the module scope when declared
    /// `global`). Rebinding an import to `None` (the optional-import idiom
    /// `except ImportError: httpx = None`) keeps the import.
    pub(crate) fn bind(&mut self, name: &'a str, binding: Binding<'a>) {
        let target = if self.is_declared_global(name) {
            0
        } else {
            self.current
        };
        if target == 0 && binding.client.is_some() {
            self.module_client_bindings += 1;
        }
        if let BindingKind::Import { qualified } = &binding.kind
            && self.known.is_network_module(qualified)
        {
            self.imports_network_module = true;
        }
        let bindings = &mut self.scopes[target].bindings;
        match bindings.get_mut(name) {
            Some(existing) => {
                let keeps_import = matches!(existing.kind, BindingKind::Import { .. })
                    && binding.kind == BindingKind::Assignment
                    && binding.value.is_some_and(Expr::is_none_literal_expr);
                if !keeps_import {
                    let times_bound = existing.times_bound + 1;
                    *existing = Binding {
                        times_bound,
                        ..binding
                    };
                } else {
                    existing.times_bound += 1;
                }
            }
            None => {
                bindings.insert(name, binding);
            }
        }
    }

    /// Whether the module imports a network module (the built-in list plus
    /// `extend-network-modules`), at module level or in a function: a
    /// *network module*. Module-level imports are all known before any
    /// function body is visited; in `finish` the answer is final.
    pub(crate) fn is_network_module(&self) -> bool {
        self.imports_network_module
    }

    /// Whether any module-level name was ever bound to a client (a cheap
    /// test before looking names up for WL103).
    pub(crate) fn module_has_client_bindings(&self) -> bool {
        self.module_client_bindings > 0
    }

    /// Finds the binding `name` refers to from the current scope, following
    /// Python's rules: enclosing class bodies are not visible from functions.
    pub(crate) fn lookup(&self, name: &str) -> Option<&Binding<'a>> {
        self.lookup_with_scope(name).map(|(_, binding)| binding)
    }

    /// Like [`Self::lookup`], also returning the scope that holds the binding.
    pub(crate) fn lookup_with_scope(&self, name: &str) -> Option<(ScopeId, &Binding<'a>)> {
        let current = self.current;
        if self.is_declared_global(name) {
            return self.scopes[0].get(name).map(|binding| (0, binding));
        }
        self.ancestors(current)
            .filter(|id| *id == current || self.scopes[*id].kind != ScopeKind::Class)
            .find_map(|id| self.scopes[id].get(name).map(|binding| (id, binding)))
    }

    // ---- names ----------------------------------------------------------

    /// The qualified name an expression refers to through imports:
    /// `h.Client` → `httpx.Client` after `import httpx as h`. `None` for
    /// anything not rooted in an import (a local shadow, a call, ...).
    /// `httpx2` is reported as `httpx`.
    pub(crate) fn qualified_name(&self, expr: &Expr) -> Option<String> {
        // Find the root first: most chains (`self.x.y`) are not rooted in an
        // import, and those must cost no allocation.
        let mut cursor = expr;
        let root = loop {
            match cursor {
                Expr::Attribute(attribute) => cursor = &attribute.value,
                Expr::Name(name) => break name,
                _ => return None,
            }
        };
        let BindingKind::Import { qualified } = &self.lookup(root.id.as_str())?.kind else {
            return None;
        };
        let mut segments: Vec<&str> = Vec::new();
        let mut cursor = expr;
        while let Expr::Attribute(attribute) = cursor {
            segments.push(attribute.attr.as_str());
            cursor = &attribute.value;
        }
        let mut result = qualified.clone();
        for segment in segments.iter().rev() {
            result.push('.');
            result.push_str(segment);
        }
        Some(result)
    }

    /// The builtin a bare name refers to, when nothing in the file binds it.
    pub(crate) fn builtin_name<'e>(&self, expr: &'e Expr) -> Option<&'e str> {
        let name = expr.as_name_expr()?;
        self.lookup(name.id.as_str())
            .is_none()
            .then_some(name.id.as_str())
    }

    /// The module-scope name under which `module` is imported (`httpx`, or
    /// `h` after `import httpx as h`), if any.
    pub(crate) fn module_import_name(&self, module: &str) -> Option<&'a str> {
        let mut names: Vec<&'a str> = self
            .module_scope()
            .bindings
            .iter()
            .filter(|(_, binding)| {
                matches!(&binding.kind, BindingKind::Import { qualified } if qualified == module)
            })
            .map(|(name, _)| *name)
            .collect();
        names.sort_unstable();
        names.into_iter().next()
    }

    // ---- clients --------------------------------------------------------

    /// The client class a constructor call builds, if it builds one.
    pub(crate) fn constructed_client(&self, call: &ast::ExprCall) -> Option<ClientClass> {
        let qualified = self.qualified_name(&call.func)?;
        self.known.client_class(&qualified)
    }

    /// The client class an expression holds: a constructor call, a name
    /// bound to a client, `self.attr` known to hold one.
    pub(crate) fn client_value(&self, expr: &Expr) -> Option<ClientClass> {
        match expr {
            Expr::Call(call) => self.constructed_client(call),
            Expr::Name(name) => self.lookup(name.id.as_str())?.client,
            Expr::Attribute(attribute) => {
                let receiver = attribute.value.as_name_expr()?;
                self.receiver_attribute_client(receiver.id.as_str(), attribute.attr.as_str())
            }
            Expr::Await(await_expr) => self.client_value(&await_expr.value),
            _ => None,
        }
    }

    /// `self.attr` inside a method of a class whose `attr` holds a client.
    fn receiver_attribute_client(&self, receiver: &str, attr: &str) -> Option<ClientClass> {
        let class = self.enclosing_class_of_method(receiver)?;
        self.scopes[class].client_attributes.get(attr).copied()
    }

    /// When the current scope is (inside) a method whose receiver is named
    /// `receiver` (`self`, `cls`), the scope of its class.
    pub(crate) fn receiver_class_scope(&self, receiver: &str) -> Option<ScopeId> {
        self.enclosing_class_of_method(receiver)
    }

    /// When the current scope is (inside) a method whose receiver is named
    /// `receiver`, the scope of its class.
    fn enclosing_class_of_method(&self, receiver: &str) -> Option<ScopeId> {
        let method = self
            .ancestors(self.current)
            .find(|id| matches!(self.scopes[*id].kind, ScopeKind::Function { .. }))?;
        if self.scopes[method].receiver != Some(receiver) {
            return None;
        }
        let parent = self.scopes[method].parent?;
        (self.scopes[parent].kind == ScopeKind::Class).then_some(parent)
    }

    /// Records that `attr` of the class being defined (or of the method's
    /// class, for `self.attr = ...`) holds a client.
    pub(crate) fn record_client_attribute(
        &mut self,
        receiver: Option<&str>,
        attr: &'a str,
        class: ClientClass,
    ) {
        let scope = match receiver {
            Some(receiver) => self.enclosing_class_of_method(receiver),
            None => (self.current_scope().kind == ScopeKind::Class).then_some(self.current),
        };
        if let Some(scope) = scope {
            self.scopes[scope].client_attributes.insert(attr, class);
        }
    }

    /// The client a method call is made on: `client.chat.completions.create`
    /// is a call on `client`; `self.http.get` on `self.http`.
    pub(crate) fn client_call_receiver(&self, call: &ast::ExprCall) -> Option<ClientClass> {
        let Expr::Attribute(attribute) = call.func.as_ref() else {
            return None;
        };
        let mut cursor = attribute.value.as_ref();
        loop {
            if let Some(class) = self.client_value(cursor) {
                return Some(class);
            }
            match cursor {
                Expr::Attribute(inner) => cursor = &inner.value,
                _ => return None,
            }
        }
    }

    /// The client class an annotation names: `httpx.Client`,
    /// `Optional[httpx.Client]`, `httpx.Client | None`, `"httpx.Client"`.
    pub(crate) fn annotation_client(&self, annotation: &Expr) -> Option<ClientClass> {
        match annotation {
            Expr::Name(_) | Expr::Attribute(_) => {
                self.known.client_class(&self.qualified_name(annotation)?)
            }
            Expr::Subscript(subscript) => {
                let wrapper = self.qualified_name(&subscript.value)?;
                if matches!(
                    wrapper.as_str(),
                    "typing.Optional" | "typing_extensions.Optional"
                ) {
                    self.annotation_client(&subscript.slice)
                } else {
                    None
                }
            }
            Expr::BinOp(binop) if binop.op == Operator::BitOr => {
                let sides = [binop.left.as_ref(), binop.right.as_ref()];
                let non_none: Vec<&Expr> = sides
                    .into_iter()
                    .filter(|side| !side.is_none_literal_expr())
                    .collect();
                match non_none.as_slice() {
                    [only] => self.annotation_client(only),
                    _ => None,
                }
            }
            Expr::StringLiteral(string) => {
                let text = string.value.to_str();
                let parsed = ruff_python_parser::parse_expression(text).ok()?;
                self.annotation_client(parsed.expr())
            }
            _ => None,
        }
    }

    // ---- values -------------------------------------------------------

    /// Whether `expr` is a number known when the module is read: a numeric
    /// literal, arithmetic over such, or a module constant bound once to one.
    pub(crate) fn is_numeric_constant(&self, expr: &Expr) -> bool {
        self.numeric_constant_depth(expr, 0)
    }

    fn numeric_constant_depth(&self, expr: &Expr, depth: u32) -> bool {
        if depth > names::MAX_EXPR_DEPTH {
            return false;
        }
        match expr {
            Expr::NumberLiteral(number) => !matches!(number.value, ast::Number::Complex { .. }),
            Expr::UnaryOp(unary) => {
                matches!(unary.op, UnaryOp::UAdd | UnaryOp::USub)
                    && self.numeric_constant_depth(&unary.operand, depth + 1)
            }
            Expr::BinOp(binop) => {
                matches!(
                    binop.op,
                    Operator::Add
                        | Operator::Sub
                        | Operator::Mult
                        | Operator::Div
                        | Operator::FloorDiv
                        | Operator::Mod
                        | Operator::Pow
                ) && self.numeric_constant_depth(&binop.left, depth + 1)
                    && self.numeric_constant_depth(&binop.right, depth + 1)
            }
            Expr::Name(name) => match self.lookup_with_scope(name.id.as_str()) {
                Some((0, binding)) => {
                    binding.kind == BindingKind::Assignment
                        && binding.times_bound == 1
                        && binding
                            .value
                            .is_some_and(|value| self.numeric_constant_depth(value, depth + 1))
                }
                _ => false,
            },
            _ => false,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
