//! The checker: ONE traversal per file. It parses the source, walks the tree
//! once in source order while keeping the semantic model up to date (scopes
//! and bindings, ownership, the stack of enclosing statements, retry loops),
//! and hands each node to the enabled rules' hooks (see [`crate::rules`]).
//! Function bodies are visited after the enclosing scope is complete, so a
//! body sees every module-level name.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use aho_corasick::AhoCorasick;
use ruff_python_ast::token::TokenKind;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext, PySourceType, Stmt};
use ruff_python_parser::parse_unchecked_source;
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::diagnostic::{Diagnostic, Locator};
use crate::registry::{Rule, dispatch};
use crate::rules;
use crate::rules::internal::syntax_error::syntax_error;
use crate::semantic::known::normalize_module;
use crate::semantic::statements::Part;
use crate::semantic::{Binding, BindingKind, KnownNames, ScopeId, ScopeKind, SemanticModel};
use crate::settings::LinterSettings;

/// Past this many nested statements and expressions the walk stops
/// descending, and the file gets a WL001 saying so. CPython 3.11 compiles
/// about 3,000 levels of expressions inside at most 100 of statements, so
/// no file it accepts is cut short.
pub(crate) const MAX_NESTING: u32 = 4_000;

/// The largest source checked. Parsing takes up to about 70 times the
/// source's size in memory, so a larger file is reported (WL002) instead.
pub const MAX_SOURCE_BYTES: usize = 32 * 1024 * 1024;

/// The deepest f-string (and t-string) nesting parsed. The parser's work
/// grows with the square of this depth; CPython allows 150 levels.
pub(crate) const MAX_INTERPOLATED_STRING_NESTING: usize = 200;

/// Source facts about the file being checked, besides its text.
#[derive(Copy, Clone, Debug, Default)]
pub(crate) struct SourceInfo<'s> {
    /// The dotted package the file belongs to (its own name for
    /// `__init__.py`), used to resolve relative imports.
    pub package: Option<&'s str>,
}

/// Parses and checks one file.
///
/// Parsing, checking and dropping a syntax tree all recurse as deep as the
/// source nests, and nesting is bounded only by the file's length (a chain
/// of `[`, `not`, `.a` or `+ x` adds a level every few bytes). So the work
/// runs on a stack sized from the length, grown only when the current one is
/// shorter: no input can overflow it.
pub(crate) fn check_source(
    source: &str,
    info: SourceInfo,
    settings: &LinterSettings,
) -> Vec<Diagnostic> {
    if source.len() > MAX_SOURCE_BYTES {
        return vec![crate::unreadable_file(format!(
            "File is not checked: it is too large ({} MiB; the limit is {} MiB)",
            source.len().div_ceil(1024 * 1024),
            MAX_SOURCE_BYTES / (1024 * 1024)
        ))];
    }
    if interpolated_strings_too_deep(source) {
        let locator = Locator::new(source);
        let message = format!(
            "SyntaxError: f-strings nested more than {MAX_INTERPOLATED_STRING_NESTING} levels \
             deep (CPython allows 150); the file is not checked"
        );
        let start = TextRange::empty(TextSize::new(0));
        return vec![locator.diagnostic(Rule::SyntaxError, message, start)];
    }
    let needed = stack_needed(source.len());
    stacker::maybe_grow(needed, needed, || {
        check_on_current_stack(source, info, settings)
    })
}

/// Stack bytes that parsing, visiting and dropping a tree from `length`
/// bytes of source can use at worst (measured: ~160 bytes a level in release
/// builds, several times that unoptimised), plus headroom.
fn stack_needed(length: usize) -> usize {
    let per_byte = if cfg!(debug_assertions) { 1024 } else { 256 };
    (8 * 1024 * 1024 + length.saturating_mul(per_byte)).min(4 * 1024 * 1024 * 1024)
}

/// Whether f-strings (or t-strings) nest deeper than
/// [`MAX_INTERPOLATED_STRING_NESTING`] somewhere. Only a source with more
/// quotes that may open one (see [`may_open_interpolated_string`]) than
/// that is lexed to find out; only a source with more quotes after an `f`,
/// `t` or `r` (a count the compiler vectorises) is searched for those.
fn interpolated_strings_too_deep(source: &str) -> bool {
    let bytes = source.as_bytes();
    if quotes_after_prefix_letters(bytes) <= MAX_INTERPOLATED_STRING_NESTING {
        return false;
    }
    let starts = memchr::memchr2_iter(b'\'', b'"', bytes)
        .filter(|&quote| may_open_interpolated_string(bytes, quote))
        .take(MAX_INTERPOLATED_STRING_NESTING + 1)
        .count();
    if starts <= MAX_INTERPOLATED_STRING_NESTING {
        return false;
    }
    let mut lexer = ruff_python_parser::lexer::lex(source, ruff_python_parser::Mode::Module);
    let mut depth = 0usize;
    loop {
        match lexer.next_token() {
            TokenKind::EndOfFile => return false,
            TokenKind::FStringStart | TokenKind::TStringStart => {
                depth += 1;
                if depth > MAX_INTERPOLATED_STRING_NESTING {
                    return true;
                }
            }
            TokenKind::FStringEnd | TokenKind::TStringEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
}

/// How many quotes follow an `f`, `t` or `r` (in any case): at least as
/// many as may open an f-string or t-string. The source is counted in
/// blocks without branches, which the compiler vectorises (several times
/// faster than visiting each quote).
fn quotes_after_prefix_letters(bytes: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let quote_after = |before: u8, quote: u8| {
        // `| 0x20` lowercases ASCII letters, and turns no other byte into
        // one of these three.
        let letter = before | 0x20;
        let is_quote = (quote == b'\'') | (quote == b'"');
        u8::from(is_quote & ((letter == b'f') | (letter == b't') | (letter == b'r')))
    };
    if bytes.len() < 2 {
        return 0;
    }
    let (befores, quotes) = (&bytes[..bytes.len() - 1], &bytes[1..]);
    let mut before_blocks = befores.chunks_exact(BLOCK);
    let mut quote_blocks = quotes.chunks_exact(BLOCK);
    let mut count = 0;
    for (before, quote) in (&mut before_blocks).zip(&mut quote_blocks) {
        // At most `BLOCK` (< 256) per block: a byte holds the block's sum.
        let mut in_block = 0u8;
        for index in 0..BLOCK {
            in_block += quote_after(before[index], quote[index]);
        }
        count += usize::from(in_block);
    }
    let rest = before_blocks
        .remainder()
        .iter()
        .zip(quote_blocks.remainder());
    count
        + rest
            .map(|(&before, &quote)| usize::from(quote_after(before, quote)))
            .sum::<usize>()
}

/// Whether the quote at `quote` may open an f-string or t-string. It does
/// only after a prefix (`f` or `t`, alone or with `r` on either side, in any
/// case) that starts a token. A prefix ending a longer name (the `T` closing
/// `"GET"`, or `xf"`) does not: the lexer reads names whole. So the prefix
/// counts when it is the whole run of word characters before the quote, or
/// when the run may end a number rather than a name (`1jf"` is the number
/// `1j` and an f-string): the run starts with a digit, or follows the `.` of
/// a float such as `1.e5j`. This may count quotes that open no f-string,
/// but never misses one that does.
fn may_open_interpolated_string(bytes: &[u8], quote: usize) -> bool {
    let is_interpolated = |byte: u8| matches!(byte, b'f' | b'F' | b't' | b'T');
    let is_raw = |byte: u8| matches!(byte, b'r' | b'R');
    let before = &bytes[..quote];
    let prefix_length = match *before {
        [.., first, second] if is_raw(first) && is_interpolated(second) => 2,
        [.., first, second] if is_interpolated(first) && is_raw(second) => 2,
        [.., last] if is_interpolated(last) => 1,
        _ => return false,
    };
    let is_word = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_';
    let word_start = before
        .iter()
        .rposition(|&byte| !is_word(byte))
        .map_or(0, |index| index + 1);
    let word = &before[word_start..];
    word.len() == prefix_length
        || word[0].is_ascii_digit()
        || (word_start > 0 && before[word_start - 1] == b'.')
}

fn check_on_current_stack(
    source: &str,
    info: SourceInfo,
    settings: &LinterSettings,
) -> Vec<Diagnostic> {
    let locator = Locator::new(source);
    let parsed = parse_unchecked_source(source, PySourceType::Python);
    let mut diagnostics: Vec<Diagnostic> = parsed
        .errors()
        .iter()
        .map(|error| syntax_error(&locator, error))
        .collect();

    let (known, may_fire) = run_context(settings, source);
    if may_fire {
        let module = parsed.syntax();
        let mut checker = Checker::new(&locator, settings, known, info, &module.body);
        checker.visit_module(&module.body);
        diagnostics.extend(checker.finish());
    }
    crate::noqa::apply_noqa(&mut diagnostics, parsed.tokens(), &locator, settings);
    diagnostics
}

/// Test-only: runs the traversal over `source` and returns what the model
/// answered at each `probe(...)` call, in visiting order.
#[cfg(test)]
pub(crate) fn probe_source(
    source: &str,
    package: Option<&str>,
) -> Vec<crate::semantic::tests::Probe> {
    let settings = LinterSettings::default();
    let locator = Locator::new(source);
    let parsed = parse_unchecked_source(source, PySourceType::Python);
    let known = Rc::new(KnownNames::new(&settings));
    let info = SourceInfo { package };
    let mut checker = Checker::new(&locator, &settings, known, info, &parsed.syntax().body);
    checker.visit_module(&parsed.syntax().body);
    std::mem::take(&mut checker.probes)
}

/// Test-only: runs the traversal over `source` and returns the retry loops
/// the model recognised at module level, judged as at the end of the file.
#[cfg(test)]
pub(crate) fn module_retry_loops(source: &str) -> Vec<crate::semantic::retry_loops::RetryLoop> {
    let settings = LinterSettings::default();
    let locator = Locator::new(source);
    let parsed = parse_unchecked_source(source, PySourceType::Python);
    let known = Rc::new(KnownNames::new(&settings));
    let body = &parsed.syntax().body;
    let mut checker = Checker::new(&locator, &settings, known, SourceInfo::default(), body);
    checker.visit_module(body);
    checker.semantic.leave_retry_function();
    checker.semantic.settle_retry_loops(None);
    checker.semantic.settled_retry_loops().to_vec()
}

/// What a run's settings imply for every file: the known names and the
/// fast path's matcher. Built once per thread and reused while the settings
/// stay the same (a run has one or a few settings, not one per file).
struct RunContext {
    rules: crate::settings::RuleSet,
    extend_client_classes: Vec<String>,
    extend_network_modules: Vec<String>,
    extend_error_classes: Vec<String>,
    known: Rc<KnownNames>,
    /// `None` when no enabled rule visits the tree.
    fast_path: Option<AhoCorasick>,
}

impl RunContext {
    fn new(settings: &LinterSettings) -> Self {
        let known = KnownNames::new(settings);
        let words = rules::fast_path_words(settings, &known);
        let fast_path = if words.is_empty() {
            None
        } else {
            AhoCorasick::new(&words).ok()
        };
        Self {
            rules: settings.rules,
            extend_client_classes: settings.extend_client_classes.clone(),
            extend_network_modules: settings.extend_network_modules.clone(),
            extend_error_classes: settings.extend_error_classes.clone(),
            known: Rc::new(known),
            fast_path,
        }
    }

    fn fits(&self, settings: &LinterSettings) -> bool {
        self.rules == settings.rules
            && self.extend_client_classes == settings.extend_client_classes
            && self.extend_network_modules == settings.extend_network_modules
            && self.extend_error_classes == settings.extend_error_classes
    }
}

/// The known names for `settings`, and whether any enabled rule could fire
/// on `source` (by the rules' marker words).
fn run_context(settings: &LinterSettings, source: &str) -> (Rc<KnownNames>, bool) {
    thread_local! {
        static CONTEXT: RefCell<Option<RunContext>> = const { RefCell::new(None) };
    }
    CONTEXT.with(|cell| {
        let mut cached = cell.borrow_mut();
        if !cached
            .as_ref()
            .is_some_and(|context| context.fits(settings))
        {
            *cached = Some(RunContext::new(settings));
        }
        let context = cached.as_ref().expect("just filled");
        let may_fire = context
            .fast_path
            .as_ref()
            .is_some_and(|matcher| matcher.is_match(source));
        (Rc::clone(&context.known), may_fire)
    })
}

/// A function body waiting for its enclosing scope to finish.
#[derive(Copy, Clone)]
struct DeferredFunction<'a> {
    stmt: &'a Stmt,
    function: &'a ast::StmtFunctionDef,
    parent: ScopeId,
}

/// The traversal state handed to every rule.
pub(crate) struct Checker<'a> {
    pub semantic: SemanticModel<'a>,
    pub locator: &'a Locator<'a>,
    pub settings: &'a LinterSettings,
    pub info: SourceInfo<'a>,
    /// The module's top-level statements (for placing added imports).
    pub module_body: &'a [Stmt],
    /// State rules keep across the traversal, one value per rule.
    pub rule_states: rules::RuleStates,
    diagnostics: Vec<Diagnostic>,
    deferred: VecDeque<DeferredFunction<'a>>,
    nesting: u32,
    /// Where the walk first stopped descending, for lack of depth.
    cut_short_at: Option<TextSize>,
    /// Test-only: what the model answered at each `probe(...)` call.
    #[cfg(test)]
    pub probes: Vec<crate::semantic::tests::Probe>,
}

impl<'a> Checker<'a> {
    fn new(
        locator: &'a Locator<'a>,
        settings: &'a LinterSettings,
        known: Rc<KnownNames>,
        info: SourceInfo<'a>,
        module_body: &'a [Stmt],
    ) -> Self {
        Self {
            semantic: SemanticModel::new(known),
            locator,
            settings,
            info,
            module_body,
            rule_states: rules::RuleStates::default(),
            diagnostics: Vec::new(),
            deferred: VecDeque::new(),
            nesting: 0,
            cut_short_at: None,
            #[cfg(test)]
            probes: Vec::new(),
        }
    }

    pub(crate) fn enabled(&self, rule: Rule) -> bool {
        self.settings.rules.contains(rule)
    }

    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn visit_module(&mut self, body: &'a [Stmt]) {
        self.visit_body(body);
        while let Some(deferred) = self.deferred.pop_front() {
            self.visit_function_body(deferred);
        }
    }

    fn finish(mut self) -> Vec<Diagnostic> {
        self.semantic.leave_retry_function();
        self.semantic.settle_retry_loops(None);
        dispatch::leave_body(&mut self);
        dispatch::finish(&mut self);
        // Boundary rules fire only in network modules; whether this is one
        // is known only now.
        if !self.semantic.is_network_module() {
            self.diagnostics
                .retain(|diagnostic| !diagnostic.rule.info().boundary);
        }
        if let Some(offset) = self.cut_short_at {
            let message = format!(
                "SyntaxError: nested more than {MAX_NESTING} levels deep; \
                 the code nested deeper than this is not checked"
            );
            let diagnostic =
                self.locator
                    .diagnostic(Rule::SyntaxError, message, TextRange::empty(offset));
            self.diagnostics.push(diagnostic);
        }
        self.diagnostics
    }

    /// Whether the walk may descend one more level; records where it first
    /// may not.
    fn may_descend(&mut self, node: &impl Ranged) -> bool {
        if self.nesting < MAX_NESTING {
            return true;
        }
        self.cut_short_at.get_or_insert(node.start());
        false
    }

    // ---- binding helpers ----------------------------------------------

    fn bind_import(&mut self, stmt_import: &'a ast::StmtImport) {
        for alias in &stmt_import.names {
            let module = normalize_module(alias.name.as_str()).into_owned();
            let (name, qualified) = match &alias.asname {
                Some(asname) => (asname.as_str(), module),
                None => {
                    let first = alias.name.as_str().split('.').next().unwrap_or_default();
                    let root = module.split('.').next().unwrap_or_default().to_string();
                    (first, root)
                }
            };
            let binding = Binding::new(BindingKind::Import { qualified }, alias.range);
            self.semantic.bind(name, binding);
        }
    }

    fn bind_import_from(&mut self, import_from: &'a ast::StmtImportFrom) {
        let Some(module) = self.import_from_module(import_from) else {
            return;
        };
        let module = normalize_module(&module).into_owned();
        for alias in &import_from.names {
            if alias.name.as_str() == "*" {
                continue;
            }
            let name = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
            let qualified = if module.is_empty() {
                alias.name.to_string()
            } else {
                format!("{module}.{}", alias.name)
            };
            let binding = Binding::new(BindingKind::Import { qualified }, alias.range);
            self.semantic.bind(name, binding);
        }
    }

    /// The absolute module of `from X import ...`, resolving relative
    /// imports against the file's package when it is known.
    fn import_from_module(&self, import_from: &ast::StmtImportFrom) -> Option<String> {
        let module = import_from
            .module
            .as_ref()
            .map(ruff_python_ast::Identifier::as_str);
        if import_from.level == 0 {
            return module.map(str::to_string);
        }
        let package = self.info.package?;
        let mut parts: Vec<&str> = package.split('.').collect();
        for _ in 1..import_from.level {
            parts.pop()?;
        }
        if let Some(module) = module {
            parts.push(module);
        }
        Some(parts.join("."))
    }

    /// Binds the names an assignment target introduces.
    fn bind_target(&mut self, target: &'a Expr, value: Option<&'a Expr>) {
        match target {
            Expr::Name(name) => {
                let mut binding = Binding::new(BindingKind::Assignment, name.range);
                binding.value = value;
                binding.client = value.and_then(|value| self.semantic.client_value(value));
                self.semantic.bind(name.id.as_str(), binding);
            }
            Expr::Attribute(attribute) => {
                let (Some(value), Some(receiver)) = (value, attribute.value.as_name_expr()) else {
                    return;
                };
                if let Some(class) = self.semantic.client_value(value) {
                    let attr = attribute.attr.as_str();
                    self.semantic
                        .record_client_attribute(Some(receiver.id.as_str()), attr, class);
                }
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for element in elts {
                    self.bind_target(element, None);
                }
            }
            Expr::Starred(starred) => self.bind_target(&starred.value, None),
            _ => {}
        }
    }

    /// Binds names stored by loop targets, `with ... as`, and the like.
    /// `context` is the `with` item's context expression for `as` targets.
    fn bind_other(&mut self, target: &'a Expr, context: Option<&'a Expr>) {
        match target {
            Expr::Name(name) if name.ctx == ExprContext::Store => {
                let mut binding = Binding::new(BindingKind::Other, name.range);
                binding.value = context;
                binding.client = context.and_then(|context| self.semantic.client_value(context));
                self.semantic.bind(name.id.as_str(), binding);
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for element in elts {
                    self.bind_other(element, None);
                }
            }
            Expr::Starred(starred) => self.bind_other(&starred.value, None),
            _ => {}
        }
    }

    fn bind_parameters(&mut self, parameters: &'a ast::Parameters) {
        for parameter in parameters {
            let parameter = parameter.as_parameter();
            let mut binding = Binding::new(BindingKind::Parameter, parameter.range);
            binding.client = parameter
                .annotation()
                .and_then(|annotation| self.semantic.annotation_client(annotation));
            self.semantic.bind(parameter.name.as_str(), binding);
        }
    }

    // ---- scopes -------------------------------------------------------

    fn visit_function_body(&mut self, deferred: DeferredFunction<'a>) {
        let DeferredFunction {
            stmt,
            function,
            parent,
        } = deferred;
        let kind = ScopeKind::Function {
            is_async: function.is_async,
        };
        let previous = self.semantic.push_scope(kind, parent);
        let saved_position = std::mem::take(&mut self.semantic.position);
        let saved_statements = self.semantic.statements.start_function(stmt);
        if self.semantic.scope_kind(parent) == ScopeKind::Class {
            let receiver = function
                .parameters
                .posonlyargs
                .iter()
                .chain(&function.parameters.args)
                .next();
            if let Some(receiver) = receiver {
                self.semantic.set_receiver(receiver.parameter.name.as_str());
            }
        }
        self.bind_parameters(&function.parameters);
        self.semantic.enter_retry_function(function);
        dispatch::enter_function(self, function);
        self.visit_body(&function.body);
        self.semantic.settle_retry_loops(Some(&function.parameters));
        dispatch::leave_function(self, function);
        dispatch::leave_body(self);
        self.semantic.leave_retry_function();
        self.semantic.statements.restore(saved_statements);
        self.semantic.position = saved_position;
        self.semantic.restore_scope(previous);
    }

    fn visit_class(&mut self, class: &'a ast::StmtClassDef) {
        for decorator in &class.decorator_list {
            self.visit_decorator(decorator);
        }
        if let Some(arguments) = &class.arguments {
            self.visit_arguments(arguments);
        }
        let parent = self.semantic.current_scope_id();
        let previous = self.semantic.push_scope(ScopeKind::Class, parent);
        self.semantic.record_class_hierarchy(class);
        self.semantic.statements.enter_part(Part::Body);
        self.visit_body(&class.body);
        self.semantic.restore_scope(previous);
        let binding = Binding::new(BindingKind::Class, class.name.range);
        self.semantic.bind(class.name.as_str(), binding);
    }

    fn visit_function_def(&mut self, stmt: &'a Stmt, function: &'a ast::StmtFunctionDef) {
        for decorator in &function.decorator_list {
            self.visit_decorator(decorator);
        }
        for parameter in &function.parameters {
            if let Some(default) = parameter.default() {
                self.visit_expr(default);
            }
            if let Some(annotation) = parameter.as_parameter().annotation() {
                self.visit_annotation(annotation);
            }
        }
        if let Some(returns) = &function.returns {
            self.visit_annotation(returns);
        }
        let kind = BindingKind::Function {
            is_async: function.is_async,
        };
        let binding = Binding::new(kind, function.name.range);
        self.semantic.bind(function.name.as_str(), binding);
        let parent = self.semantic.current_scope_id();
        self.deferred.push_back(DeferredFunction {
            stmt,
            function,
            parent,
        });
    }

    fn visit_lambda(&mut self, lambda: &'a ast::ExprLambda) {
        if let Some(parameters) = &lambda.parameters {
            for parameter in parameters {
                if let Some(default) = parameter.default() {
                    self.visit_expr(default);
                }
            }
        }
        let parent = self.semantic.current_scope_id();
        let previous = self.semantic.push_scope(ScopeKind::Lambda, parent);
        if let Some(parameters) = &lambda.parameters {
            self.bind_parameters(parameters);
        }
        self.visit_expr(&lambda.body);
        self.semantic.restore_scope(previous);
    }

    fn visit_comprehension_scope(
        &mut self,
        generators: &'a [ast::Comprehension],
        elements: &[&'a Expr],
    ) {
        let parent = self.semantic.current_scope_id();
        let previous = self.semantic.push_scope(ScopeKind::Comprehension, parent);
        for generator in generators {
            self.visit_expr(&generator.iter);
            self.bind_other(&generator.target, None);
            for condition in &generator.ifs {
                self.visit_expr(condition);
            }
        }
        for element in elements {
            self.visit_expr(element);
        }
        self.semantic.restore_scope(previous);
    }

    // ---- statements with position effects -----------------------------

    fn visit_if(&mut self, stmt_if: &'a ast::StmtIf) {
        self.visit_expr(&stmt_if.test);
        let guard = if_guard(&self.semantic, &stmt_if.test);
        let saved = self.semantic.position;
        match guard {
            IfGuard::MainGuard => self.semantic.position.in_main_guard = true,
            IfGuard::TypeChecking => self.semantic.position.in_type_checking = true,
            IfGuard::None => {}
        }
        self.semantic.statements.enter_part(Part::Body);
        self.visit_body(&stmt_if.body);
        self.semantic.position = saved;
        for (index, clause) in stmt_if.elif_else_clauses.iter().enumerate() {
            if let Some(test) = &clause.test {
                self.semantic.statements.enter_part(Part::Header);
                self.visit_expr(test);
            }
            self.semantic.statements.enter_part(Part::Clause(index));
            self.visit_body(&clause.body);
        }
    }

    /// A loop's body, then its `else`.
    fn visit_loop_blocks(&mut self, body: &'a [Stmt], orelse: &'a [Stmt]) {
        self.semantic.statements.enter_part(Part::Body);
        self.visit_body(body);
        self.semantic.statements.enter_part(Part::OrElse);
        self.visit_body(orelse);
    }

    fn visit_try(&mut self, stmt_try: &'a ast::StmtTry) {
        self.semantic.statements.enter_part(Part::Body);
        self.visit_body(&stmt_try.body);
        for (index, handler) in stmt_try.handlers.iter().enumerate() {
            let ast::ExceptHandler::ExceptHandler(handler) = handler;
            self.semantic.statements.enter_part(Part::Header);
            if let Some(type_) = &handler.type_ {
                self.visit_expr(type_);
            }
            if let Some(name) = &handler.name {
                self.semantic
                    .bind(name.as_str(), Binding::new(BindingKind::Other, name.range));
            }
            self.semantic.statements.enter_part(Part::Handler(index));
            dispatch::enter_handler(self, handler);
            self.visit_body(&handler.body);
            dispatch::leave_handler(self, handler);
        }
        self.semantic.statements.enter_part(Part::OrElse);
        self.visit_body(&stmt_try.orelse);
        self.semantic.statements.enter_part(Part::Finally);
        self.visit_body(&stmt_try.finalbody);
    }

    fn visit_match(&mut self, stmt_match: &'a ast::StmtMatch) {
        self.visit_expr(&stmt_match.subject);
        for (index, case) in stmt_match.cases.iter().enumerate() {
            self.semantic.statements.enter_part(Part::Header);
            self.visit_pattern(&case.pattern);
            if let Some(guard) = &case.guard {
                self.visit_expr(guard);
            }
            self.semantic.statements.enter_part(Part::Case(index));
            self.visit_body(&case.body);
        }
    }

    /// Takes a statement into the model before any rule sees it.
    fn note_stmt(&mut self, stmt: &'a Stmt) {
        self.semantic.note_ownership_stmt(stmt);
        self.semantic.note_retry_stmt(stmt);
        match stmt {
            Stmt::Raise(_) => self.semantic.statements.note_error_handled(),
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) if !value.is_none_literal_expr() => self.semantic.statements.note_error_handled(),
            // Model facts are recorded for every rule, before any rule sees
            // the class.
            Stmt::ClassDef(class) => self.semantic.record_class(class),
            _ => {}
        }
    }

    fn visit_stmt_inner(&mut self, stmt: &'a Stmt) {
        self.note_stmt(stmt);
        dispatch::stmt(self, stmt);
        if let Stmt::ClassDef(class) = stmt {
            dispatch::class(self, class);
        }
        let compound = matches!(
            stmt,
            Stmt::FunctionDef(_)
                | Stmt::ClassDef(_)
                | Stmt::For(_)
                | Stmt::While(_)
                | Stmt::If(_)
                | Stmt::With(_)
                | Stmt::Try(_)
                | Stmt::Match(_)
        );
        if compound {
            self.semantic.statements.push(stmt);
        }
        self.visit_stmt_children(stmt);
        if compound {
            self.semantic.statements.pop();
        }
    }

    fn visit_stmt_children(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Import(stmt_import) => self.bind_import(stmt_import),
            Stmt::ImportFrom(import_from) => self.bind_import_from(import_from),
            Stmt::FunctionDef(function) => self.visit_function_def(stmt, function),
            Stmt::ClassDef(class) => self.visit_class(class),
            Stmt::Assign(assign) => {
                self.visit_expr(&assign.value);
                for target in &assign.targets {
                    self.visit_expr(target);
                }
                for target in &assign.targets {
                    self.bind_target(target, Some(&assign.value));
                }
            }
            Stmt::AnnAssign(ann_assign) => {
                self.visit_annotation(&ann_assign.annotation);
                if let Some(value) = &ann_assign.value {
                    self.visit_expr(value);
                }
                self.visit_expr(&ann_assign.target);
                self.bind_annotated(ann_assign);
            }
            Stmt::AugAssign(aug_assign) => {
                self.visit_expr(&aug_assign.value);
                self.visit_expr(&aug_assign.target);
                self.bind_target(&aug_assign.target, None);
            }
            Stmt::For(stmt_for) => {
                self.visit_expr(&stmt_for.iter);
                self.visit_expr(&stmt_for.target);
                self.bind_other(&stmt_for.target, None);
                self.visit_loop_blocks(&stmt_for.body, &stmt_for.orelse);
            }
            Stmt::While(stmt_while) => {
                self.visit_expr(&stmt_while.test);
                self.visit_loop_blocks(&stmt_while.body, &stmt_while.orelse);
            }
            Stmt::If(stmt_if) => self.visit_if(stmt_if),
            Stmt::With(stmt_with) => {
                for item in &stmt_with.items {
                    self.visit_expr(&item.context_expr);
                    if let Some(target) = &item.optional_vars {
                        self.visit_expr(target);
                        self.bind_other(target, Some(&item.context_expr));
                    }
                }
                self.semantic.statements.enter_part(Part::Body);
                self.visit_body(&stmt_with.body);
            }
            Stmt::Try(stmt_try) => self.visit_try(stmt_try),
            Stmt::Match(stmt_match) => self.visit_match(stmt_match),
            Stmt::Global(global) => {
                for name in &global.names {
                    self.semantic.declare_global(name.as_str());
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn bind_annotated(&mut self, ann_assign: &'a ast::StmtAnnAssign) {
        let value = ann_assign.value.as_deref();
        let client = value
            .and_then(|value| self.semantic.client_value(value))
            .or_else(|| self.semantic.annotation_client(&ann_assign.annotation));
        match ann_assign.target.as_ref() {
            Expr::Name(name) => {
                if let Some(class) = client
                    && self.semantic.current_scope().kind == ScopeKind::Class
                {
                    self.semantic
                        .record_client_attribute(None, name.id.as_str(), class);
                }
                let mut binding = Binding::new(BindingKind::Assignment, name.range);
                binding.value = value;
                binding.client = client;
                self.semantic.bind(name.id.as_str(), binding);
            }
            Expr::Attribute(attribute) => {
                if let (Some(class), Some(receiver)) = (client, attribute.value.as_name_expr()) {
                    let attr = attribute.attr.as_str();
                    self.semantic
                        .record_client_attribute(Some(receiver.id.as_str()), attr, class);
                }
            }
            _ => {}
        }
    }
}

impl<'a> Visitor<'a> for Checker<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if !self.may_descend(stmt) {
            return;
        }
        self.nesting += 1;
        self.visit_stmt_inner(stmt);
        self.nesting -= 1;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if !self.may_descend(expr) {
            return;
        }
        self.nesting += 1;
        self.semantic.note_ownership_expr(expr);
        match expr {
            Expr::Name(name) if name.ctx == ExprContext::Load => {
                self.semantic.statements.note_name_read(name.id.as_str());
            }
            Expr::Attribute(_) => self.semantic.note_retry_expr(expr),
            _ => {}
        }
        if let Expr::Name(name) = expr {
            dispatch::name(self, name);
        } else {
            dispatch::expr(self, expr);
            if let Expr::Dict(dict) = expr {
                dispatch::dict(self, dict);
            }
        }
        if let Expr::Call(call) = expr {
            // What a call talks to is classified once, for every rule.
            let target = self.semantic.classify_call(call);
            self.semantic.begin_call(call);
            self.semantic.note_retry_call(call, target.as_ref());
            dispatch::call(self, call, target.as_ref());
        }
        #[cfg(test)]
        crate::semantic::tests::record_probe(self, expr);
        match expr {
            Expr::Lambda(lambda) => self.visit_lambda(lambda),
            Expr::ListComp(comp) => self.visit_comprehension_scope(&comp.generators, &[&comp.elt]),
            Expr::SetComp(comp) => self.visit_comprehension_scope(&comp.generators, &[&comp.elt]),
            Expr::Generator(comp) => self.visit_comprehension_scope(&comp.generators, &[&comp.elt]),
            Expr::DictComp(comp) => {
                let mut elements: Vec<&'a Expr> = comp.key.iter().map(|key| &**key).collect();
                elements.push(&comp.value);
                self.visit_comprehension_scope(&comp.generators, &elements);
            }
            Expr::Named(named) => {
                self.visit_expr(&named.value);
                self.bind_target(&named.target, Some(&named.value));
            }
            _ => visitor::walk_expr(self, expr),
        }
        self.nesting -= 1;
    }
}

/// The guards that change what counts as import time.
enum IfGuard {
    MainGuard,
    TypeChecking,
    None,
}

/// Recognises `if __name__ == "__main__":` and `if TYPE_CHECKING:` (also
/// `typing.TYPE_CHECKING`).
fn if_guard(semantic: &SemanticModel, test: &Expr) -> IfGuard {
    match test {
        Expr::Compare(compare) => {
            let is_dunder_name = |expr: &Expr| {
                expr.as_name_expr()
                    .is_some_and(|name| name.id.as_str() == "__name__")
            };
            let is_main = |expr: &Expr| {
                expr.as_string_literal_expr()
                    .is_some_and(|string| string.value.to_str() == "__main__")
            };
            let [right] = &*compare.comparators else {
                return IfGuard::None;
            };
            if compare.ops.len() == 1
                && compare.ops[0] == ast::CmpOp::Eq
                && ((is_dunder_name(&compare.left) && is_main(right))
                    || (is_main(&compare.left) && is_dunder_name(right)))
            {
                IfGuard::MainGuard
            } else {
                IfGuard::None
            }
        }
        Expr::Name(name) if name.id.as_str() == "TYPE_CHECKING" => IfGuard::TypeChecking,
        Expr::Attribute(_) => match semantic.qualified_name(test).as_deref() {
            Some("typing.TYPE_CHECKING" | "typing_extensions.TYPE_CHECKING") => {
                IfGuard::TypeChecking
            }
            _ => IfGuard::None,
        },
        _ => IfGuard::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint_source;

    fn found(source: &str) -> Vec<(&'static str, String)> {
        lint_source(source, &LinterSettings::default())
            .into_iter()
            .map(|diagnostic| (diagnostic.rule.code(), diagnostic.message))
            .collect()
    }

    #[test]
    fn code_nested_deeper_than_the_walk_goes_is_reported_not_passed_as_clean() {
        let depth = MAX_NESTING as usize + 10;
        let source = format!(
            "import requests\nx = {}requests.get(u){}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let found = found(&source);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "WL001");
        assert!(
            found[0].1.contains("nested more than 4000 levels deep"),
            "{found:?}"
        );
        // Nothing suppresses it: the file was not fully checked.
        let suppressed = format!("{}  # noqa\n# wirelint: noqa\n", source.trim_end());
        assert_eq!(super::tests::found(&suppressed)[0].0, "WL001");
    }

    #[test]
    fn nesting_cpython_compiles_is_checked_to_the_bottom() {
        // CPython 3.11 compiles about 2,990 levels of these.
        let depth = 2_950;
        let negations = format!(
            "import requests\nx = {}requests.get(u)\n",
            "not ".repeat(depth)
        );
        let sums = format!(
            "import requests\nx = requests.get(u){}\n",
            " + 1".repeat(depth)
        );
        for source in [negations, sums] {
            let codes: Vec<_> = found(&source).into_iter().map(|(code, _)| code).collect();
            assert_eq!(codes, ["WL203"]);
        }
    }

    #[test]
    fn deeply_nested_f_strings_are_bounded_not_parsed() {
        let nested = |depth: usize| {
            let quotes = ["'", "\""];
            let mut source = "x = ".to_string();
            for level in 0..depth {
                source.push_str(&format!("f{}{{", quotes[level % 2]));
            }
            source.push('1');
            for level in (0..depth).rev() {
                source.push_str(&format!("}}{}", quotes[level % 2]));
            }
            source.push('\n');
            source
        };
        let too_deep = found(&nested(MAX_INTERPOLATED_STRING_NESTING + 1));
        assert_eq!(too_deep.len(), 1, "{too_deep:?}");
        assert_eq!(too_deep[0].0, "WL001");
        assert!(too_deep[0].1.contains("f-strings nested more than 200"));
        // 100,000 levels: bounded before the parser's quadratic work.
        assert_eq!(found(&nested(100_000))[0].0, "WL001");
        // Within the bound the file is parsed as usual (3.12 allows it).
        assert!(
            !found(&nested(150))
                .iter()
                .any(|(_, m)| m.contains("f-strings"))
        );
        // Many f-strings side by side are not nesting.
        let side_by_side = "print(f'{x}')\n".repeat(1000);
        assert!(found(&side_by_side).is_empty());
    }

    #[test]
    fn quotes_that_may_open_an_f_string_are_told_from_string_ends() {
        let opens = |source: &str| {
            let quote = source.rfind(['\'', '"']).expect("a quote");
            may_open_interpolated_string(source.as_bytes(), quote)
        };
        for source in [
            "f'", "x = F\"", "(t'", "rf'", "Rf\"", "fR'", "TR\"", "rT'", "{f'", "\"a\"f'",
            // The prefix follows a number, not a name: the lexer starts
            // an f-string there.
            "1jf'", "0xt'", "0b1rf'", "1.jf'", "1.e5jF\"",
        ] {
            assert!(opens(source), "{source}");
        }
        for source in [
            "\"GET\"",
            "\"latest\"",
            "'TypedDict'",
            "xf'",
            "bf'",
            "ft'",
            "rr'",
            "r'",
            "b'",
            "u'",
            "x = 'a'",
            "'",
        ] {
            assert!(!opens(source), "{source}");
        }
        // Every f-string and t-string start the lexer finds is counted.
        let source = "x = [f'{a}', rf\"{b}\", Tr'{c}', 1jf'{d}', 1.e5jt'{e}', g(f'{f}')]\n";
        let bytes = source.as_bytes();
        let counted = memchr::memchr2_iter(b'\'', b'"', bytes)
            .filter(|&quote| may_open_interpolated_string(bytes, quote))
            .count();
        let mut lexer = ruff_python_parser::lexer::lex(source, ruff_python_parser::Mode::Module);
        let mut lexed = 0;
        loop {
            match lexer.next_token() {
                TokenKind::EndOfFile => break,
                TokenKind::FStringStart | TokenKind::TStringStart => lexed += 1,
                _ => {}
            }
        }
        assert_eq!(lexed, 6);
        assert_eq!(counted, lexed);
    }

    #[test]
    fn the_block_count_of_prefixed_quotes_counts_every_one() {
        let plain = |bytes: &[u8]| {
            let prefix_letters = b"fFtTrR";
            let quotes = b"'\"";
            bytes
                .windows(2)
                .filter(|pair| prefix_letters.contains(&pair[0]) && quotes.contains(&pair[1]))
                .count()
        };
        let text = "x = f'{a}' + Rb\"c\" + T'' + 'F' + \"GET\" + r'x' + {'f': 1}\n".repeat(9);
        let bytes = text.as_bytes();
        assert_eq!(plain(bytes), 6 * 9);
        // Every length, so that each count ends inside, at and past a block.
        for end in 0..=bytes.len() {
            let prefix = &bytes[..end];
            assert_eq!(quotes_after_prefix_letters(prefix), plain(prefix), "{end}");
        }
    }

    #[test]
    fn f_strings_nested_after_numbers_are_bounded_too() {
        // `1jf'...'` lexes as the number `1j` and an f-string: the nesting
        // counts even though a name character precedes each prefix.
        let depth = MAX_INTERPOLATED_STRING_NESTING + 1;
        let quotes = ["'", "\""];
        let mut source = "x = ".to_string();
        for level in 0..depth {
            source.push_str(&format!("1jf{}{{", quotes[level % 2]));
        }
        source.push('1');
        for level in (0..depth).rev() {
            source.push_str(&format!("}}{}", quotes[level % 2]));
        }
        source.push('\n');
        let found = found(&source);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("f-strings nested more than 200"));
    }

    #[test]
    fn the_parser_limitation_documented_for_wl001_still_holds() {
        // Valid Python (CPython compiles it) that the pinned parser rejects.
        // When a parser upgrade fixes this, this test fails: drop the
        // "Known limitation" section of WL001's documentation.
        for source in ["x;match\n", "raise;match,b\n"] {
            assert_eq!(found(source)[0].0, "WL001", "{source}");
        }
        let docs = Rule::SyntaxError.docs();
        assert!(docs.contains("## Known limitation") && docs.contains("`x;match`"));
    }

    #[test]
    fn a_source_over_the_size_limit_is_reported_not_parsed() {
        let source = "x = 1\n".repeat(MAX_SOURCE_BYTES / 6 + 1);
        let found = found(&source);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "WL002");
        assert_eq!(
            found[0].1,
            "File is not checked: it is too large (33 MiB; the limit is 32 MiB)"
        );
    }
}
