//! Data models: which classes of the file are pydantic models (`BaseModel`,
//! `BaseSettings`, reached through imports, aliases and same-module bases) or
//! dataclasses, and what their configuration says about mutability and extra
//! fields. The facts are recorded once per class, when the traversal reaches
//! its `class` statement, and every rule asks for them through the model.

use ruff_python_ast::{self as ast, Expr, Keyword, Operator, Stmt, StmtClassDef};
use ruff_text_size::TextRange;
use rustc_hash::{FxHashMap, FxHashSet};

use super::names::MAX_EXPR_DEPTH;
use super::{BindingKind, ScopeKind, SemanticModel};

/// Pydantic's model roots, by qualified name.
const PYDANTIC_MODELS: &[&str] = &[
    "pydantic.BaseModel",
    "pydantic.main.BaseModel",
    "pydantic.v1.BaseModel",
    "pydantic.v1.main.BaseModel",
    "pydantic.generics.GenericModel",
    "pydantic.v1.generics.GenericModel",
];

/// Pydantic's settings roots (pydantic-settings, and pydantic v1's own).
const PYDANTIC_SETTINGS: &[&str] = &[
    "pydantic_settings.BaseSettings",
    "pydantic_settings.main.BaseSettings",
    "pydantic.BaseSettings",
    "pydantic.env_settings.BaseSettings",
    "pydantic.v1.BaseSettings",
    "pydantic.v1.env_settings.BaseSettings",
];

/// Bases that carry no model configuration.
const NEUTRAL_BASES: &[&str] = &[
    "typing.Generic",
    "typing_extensions.Generic",
    "typing.Protocol",
    "typing_extensions.Protocol",
    "abc.ABC",
];

/// Constructors of a `model_config` mapping.
const CONFIG_DICTS: &[&str] = &[
    "pydantic.ConfigDict",
    "pydantic.config.ConfigDict",
    "pydantic_settings.SettingsConfigDict",
    "pydantic_settings.main.SettingsConfigDict",
];

/// The dataclass decorators.
const DATACLASS_DECORATORS: &[&str] = &["dataclasses.dataclass", "pydantic.dataclasses.dataclass"];

/// Pydantic's secret wrappers: a field of such a type prints as `**********`.
const SECRET_TYPES: &[&str] = &["SecretStr", "SecretBytes"];

/// What kind of data model a class is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ModelKind {
    /// A pydantic model; `settings` for a `BaseSettings` subclass.
    Pydantic { settings: bool },
    /// A `@dataclass` (from `dataclasses` or `pydantic.dataclasses`).
    Dataclass,
}

/// What a model does with fields it does not declare.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ExtraFields {
    Forbid,
    Allow,
    Ignore,
}

/// The facts about one model class. `None` means the configuration could not
/// be read (a computed `model_config`, a base from another module): rules
/// stay silent about what they cannot know.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct ModelFacts {
    pub kind: ModelKind,
    pub frozen: Option<bool>,
    /// Pydantic's `extra`. A `BaseSettings` subclass forbids extra fields
    /// unless told otherwise (pydantic-settings' default, and pydantic v1's);
    /// a plain `BaseModel` ignores them; a dataclass rejects them.
    pub extra: Option<ExtraFields>,
}

impl ModelFacts {
    pub(crate) fn is_pydantic(&self) -> bool {
        matches!(self.kind, ModelKind::Pydantic { .. })
    }

    pub(crate) fn is_settings(&self) -> bool {
        self.kind == ModelKind::Pydantic { settings: true }
    }

    pub(crate) fn is_dataclass(&self) -> bool {
        self.kind == ModelKind::Dataclass
    }
}

/// What the file's classes are, by the range of their name.
#[derive(Copy, Clone, Debug)]
enum ClassFacts {
    Model(ModelFacts),
    /// A plain class whose bases are all known not to be models.
    Plain,
    /// A class with a base from elsewhere: it may be a model.
    Opaque,
}

/// The model facts of every class recorded so far.
#[derive(Debug, Default)]
pub(crate) struct ModelRegistry {
    classes: FxHashMap<TextRange, ClassFacts>,
    /// Names of model fields annotated `SecretStr`/`SecretBytes`.
    secret_fields: FxHashSet<String>,
}

/// One base of a class, as far as models go.
#[derive(Copy, Clone, Debug)]
enum Base {
    /// `BaseModel` or `BaseSettings` itself.
    PydanticRoot {
        settings: bool,
    },
    Model(ModelFacts),
    Neutral,
    Unknown,
}

/// A configuration value a class sets itself.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Setting<T> {
    NotSet,
    Set(T),
    Unknown,
}

impl<T: Copy + PartialEq> Setting<T> {
    /// Applies a later, overriding source.
    fn update(&mut self, later: Setting<T>) {
        if later != Setting::NotSet {
            *self = later;
        }
    }

    fn or_inherited(self, inherited: Option<T>) -> Option<T> {
        match self {
            Setting::Set(value) => Some(value),
            Setting::Unknown => None,
            Setting::NotSet => inherited,
        }
    }
}

/// The `frozen` and `extra` a class's own configuration sets.
#[derive(Copy, Clone, Debug)]
struct OwnConfig {
    frozen: Setting<bool>,
    extra: Setting<ExtraFields>,
}

impl OwnConfig {
    const NOT_SET: OwnConfig = OwnConfig {
        frozen: Setting::NotSet,
        extra: Setting::NotSet,
    };

    fn update(&mut self, later: OwnConfig) {
        self.frozen.update(later.frozen);
        self.extra.update(later.extra);
    }

    /// After a `**mapping` or a base of unknown configuration: what was not
    /// set explicitly becomes unknown.
    fn unset_becomes_unknown(&mut self) {
        if self.frozen == Setting::NotSet {
            self.frozen = Setting::Unknown;
        }
        if self.extra == Setting::NotSet {
            self.extra = Setting::Unknown;
        }
    }

    /// Reads one `key=value` of a configuration.
    fn read(&mut self, key: &str, value: &Expr, semantic: &SemanticModel) {
        match key {
            "frozen" => self.frozen = bool_setting(value),
            "allow_mutation" => {
                self.frozen = match bool_setting(value) {
                    Setting::Set(allowed) => Setting::Set(!allowed),
                    other => other,
                };
            }
            "extra" => self.extra = extra_setting(value, semantic),
            _ => {}
        }
    }
}

fn bool_setting(value: &Expr) -> Setting<bool> {
    match value {
        Expr::BooleanLiteral(boolean) => Setting::Set(boolean.value),
        _ => Setting::Unknown,
    }
}

/// `"forbid"`, `Extra.forbid`, `pydantic.Extra.forbid`, ...
fn extra_setting(value: &Expr, semantic: &SemanticModel) -> Setting<ExtraFields> {
    let word = match value {
        Expr::StringLiteral(string) => string.value.to_str().to_string(),
        Expr::Attribute(attribute) => {
            let is_extra = match semantic.qualified_name(&attribute.value) {
                Some(qualified) => qualified.ends_with(".Extra"),
                None => attribute
                    .value
                    .as_name_expr()
                    .is_some_and(|name| name.id.as_str() == "Extra"),
            };
            if !is_extra {
                return Setting::Unknown;
            }
            attribute.attr.to_string()
        }
        _ => return Setting::Unknown,
    };
    match word.as_str() {
        "forbid" => Setting::Set(ExtraFields::Forbid),
        "allow" => Setting::Set(ExtraFields::Allow),
        "ignore" => Setting::Set(ExtraFields::Ignore),
        _ => Setting::Unknown,
    }
}

/// The fields a class body declares: `name: annotation [= value]`, without
/// `ClassVar`s and without pydantic's `model_config`.
pub(crate) fn model_fields(
    class: &StmtClassDef,
) -> impl Iterator<Item = (&ast::ExprName, &ast::StmtAnnAssign)> {
    class.body.iter().filter_map(|stmt| {
        let Stmt::AnnAssign(ann_assign) = stmt else {
            return None;
        };
        let name = ann_assign.target.as_name_expr()?;
        if name.id.as_str() == "model_config" || is_class_var(&ann_assign.annotation) {
            return None;
        }
        Some((name, ann_assign))
    })
}

fn is_class_var(annotation: &Expr) -> bool {
    let annotation = match annotation {
        Expr::Subscript(subscript) => subscript.value.as_ref(),
        other => other,
    };
    let last = match annotation {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return false,
    };
    last == "ClassVar"
}

impl SemanticModel<'_> {
    /// Records what `class` is. Called when the traversal reaches the
    /// `class` statement, before its body: the facts come from the statement
    /// itself (bases, keywords, decorators, its direct body) and from the
    /// classes recorded before it.
    pub(crate) fn record_class(&mut self, class: &StmtClassDef) {
        let facts = self.class_facts(class);
        if let ClassFacts::Model(_) = facts {
            for (name, ann_assign) in model_fields(class) {
                if self.mentions_secret_type(&ann_assign.annotation, 0) {
                    self.models.secret_fields.insert(name.id.to_string());
                }
            }
        }
        self.models.classes.insert(class.name.range, facts);
    }

    /// The model facts of a class recorded by [`Self::record_class`], if it
    /// is a model.
    pub(crate) fn class_model(&self, class: &StmtClassDef) -> Option<ModelFacts> {
        match self.models.classes.get(&class.name.range)? {
            ClassFacts::Model(facts) => Some(*facts),
            _ => None,
        }
    }

    /// The model facts of the class an expression names (`Settings` in
    /// `Settings()`), when it is a model class of this file.
    /// Whether `callee` names pydantic's `TypeAdapter`. The name is looked
    /// at first: most callees are something else.
    pub(crate) fn names_type_adapter(&self, callee: &Expr) -> bool {
        let named = match callee {
            Expr::Name(name) => name.id.as_str() == "TypeAdapter",
            Expr::Attribute(attribute) => attribute.attr.as_str() == "TypeAdapter",
            _ => false,
        };
        named
            && self.qualified_name(callee).is_some_and(|name| {
                matches!(
                    name.as_str(),
                    "pydantic.TypeAdapter" | "pydantic.type_adapter.TypeAdapter"
                )
            })
    }

    pub(crate) fn model_named_by(&self, expr: &Expr) -> Option<ModelFacts> {
        let name = expr.as_name_expr()?;
        let binding = self.lookup(name.id.as_str())?;
        if binding.kind != BindingKind::Class {
            return None;
        }
        match self.models.classes.get(&binding.range)? {
            ClassFacts::Model(facts) => Some(*facts),
            _ => None,
        }
    }

    /// Whether some model of the file declares a field `name` annotated
    /// `SecretStr` (its value prints masked).
    pub(crate) fn is_secret_typed_field(&self, name: &str) -> bool {
        self.models.secret_fields.contains(name)
    }

    /// Whether an annotation names only the given builtins, possibly with
    /// `None`: `str`, `str | None`, `Optional[str]`, `Union[str, None]`,
    /// `Annotated[str, ...]`, `"str"`.
    pub(crate) fn annotation_is_builtin(&self, annotation: &Expr, builtins: &[&str]) -> bool {
        self.builtin_members(annotation, builtins, 0) == Some(true)
    }

    /// `Some(true)`: every member is one of `builtins` or `None`, and at least
    /// one is a builtin; `Some(false)`: only `None`; `None`: something else.
    fn builtin_members(&self, annotation: &Expr, builtins: &[&str], depth: u32) -> Option<bool> {
        if depth > MAX_EXPR_DEPTH {
            return None;
        }
        match annotation {
            Expr::NoneLiteral(_) => Some(false),
            Expr::Name(_) => {
                let name = self.builtin_name(annotation)?;
                builtins.contains(&name).then_some(true)
            }
            Expr::BinOp(binop) if binop.op == Operator::BitOr => {
                let left = self.builtin_members(&binop.left, builtins, depth + 1)?;
                let right = self.builtin_members(&binop.right, builtins, depth + 1)?;
                Some(left || right)
            }
            Expr::Subscript(subscript) => {
                let wrapper = self.qualified_name(&subscript.value)?;
                let wrapper = wrapper
                    .strip_prefix("typing.")
                    .or_else(|| wrapper.strip_prefix("typing_extensions."))?;
                let members: &[Expr] = match subscript.slice.as_ref() {
                    Expr::Tuple(tuple) => &tuple.elts,
                    single => std::slice::from_ref(single),
                };
                match wrapper {
                    "Optional" | "Union" => {
                        let mut any_builtin = false;
                        for member in members {
                            any_builtin |= self.builtin_members(member, builtins, depth + 1)?;
                        }
                        Some(any_builtin)
                    }
                    "Annotated" => self.builtin_members(members.first()?, builtins, depth + 1),
                    _ => None,
                }
            }
            Expr::StringLiteral(string) => {
                let parsed = ruff_python_parser::parse_expression(string.value.to_str()).ok()?;
                self.builtin_members(parsed.expr(), builtins, depth + 1)
            }
            _ => None,
        }
    }

    fn class_facts(&self, class: &StmtClassDef) -> ClassFacts {
        let bases: Vec<Base> = class
            .bases()
            .iter()
            .map(|base| self.classify_base(base))
            .collect();
        let settings = bases.iter().any(|base| match base {
            Base::PydanticRoot { settings } => *settings,
            Base::Model(facts) => facts.is_settings(),
            _ => false,
        });
        let is_pydantic = bases.iter().any(|base| match base {
            Base::PydanticRoot { .. } => true,
            Base::Model(facts) => facts.is_pydantic(),
            _ => false,
        });
        if is_pydantic {
            return ClassFacts::Model(self.pydantic_facts(class, &bases, settings));
        }
        if let Some(frozen) = self.dataclass_frozen(class) {
            return ClassFacts::Model(ModelFacts {
                kind: ModelKind::Dataclass,
                frozen,
                extra: Some(ExtraFields::Forbid),
            });
        }
        if bases
            .iter()
            .any(|base| matches!(base, Base::Unknown | Base::Model(_)))
        {
            ClassFacts::Opaque
        } else {
            ClassFacts::Plain
        }
    }

    fn classify_base(&self, base: &Expr) -> Base {
        // `Page(BaseModel, Generic[T])`, `Box(Base[T])`: the subscripted class.
        let base = match base {
            Expr::Subscript(subscript) => subscript.value.as_ref(),
            other => other,
        };
        if let Some(qualified) = self.qualified_name(base) {
            let qualified = qualified.as_str();
            return if PYDANTIC_MODELS.contains(&qualified) {
                Base::PydanticRoot { settings: false }
            } else if PYDANTIC_SETTINGS.contains(&qualified) {
                Base::PydanticRoot { settings: true }
            } else if NEUTRAL_BASES.contains(&qualified) {
                Base::Neutral
            } else {
                Base::Unknown
            };
        }
        let Expr::Name(name) = base else {
            return Base::Unknown;
        };
        match self.lookup(name.id.as_str()) {
            Some(binding) if binding.kind == BindingKind::Class => {
                match self.models.classes.get(&binding.range) {
                    Some(ClassFacts::Model(facts)) => Base::Model(*facts),
                    Some(ClassFacts::Plain) => Base::Neutral,
                    _ => Base::Unknown,
                }
            }
            None if name.id.as_str() == "object" => Base::Neutral,
            _ => Base::Unknown,
        }
    }

    fn pydantic_facts(&self, class: &StmtClassDef, bases: &[Base], settings: bool) -> ModelFacts {
        let mut own = OwnConfig::NOT_SET;
        for stmt in &class.body {
            match stmt {
                Stmt::Assign(assign) => {
                    let [target] = assign.targets.as_slice() else {
                        continue;
                    };
                    if target
                        .as_name_expr()
                        .is_some_and(|name| name.id.as_str() == "model_config")
                    {
                        own.update(self.config_mapping(&assign.value));
                    }
                }
                Stmt::AnnAssign(ann_assign) => {
                    let is_config = ann_assign
                        .target
                        .as_name_expr()
                        .is_some_and(|name| name.id.as_str() == "model_config");
                    if let (true, Some(value)) = (is_config, &ann_assign.value) {
                        own.update(self.config_mapping(value));
                    }
                }
                Stmt::ClassDef(inner) if inner.name.as_str() == "Config" => {
                    own.update(self.inner_config_class(inner));
                }
                _ => {}
            }
        }
        own.update(self.config_keywords(class.keywords()));

        // Inherited configuration: from the first model base, unless some
        // base's configuration is unknown.
        let inherited = if bases.iter().any(|base| matches!(base, Base::Unknown)) {
            (None, None)
        } else {
            bases
                .iter()
                .find_map(|base| match base {
                    Base::PydanticRoot { settings } => {
                        let extra = if *settings {
                            ExtraFields::Forbid
                        } else {
                            ExtraFields::Ignore
                        };
                        Some((Some(false), Some(extra)))
                    }
                    Base::Model(facts) if facts.is_pydantic() => Some((facts.frozen, facts.extra)),
                    Base::Model(_) => Some((None, None)),
                    _ => None,
                })
                .unwrap_or((None, None))
        };
        ModelFacts {
            kind: ModelKind::Pydantic { settings },
            frozen: own.frozen.or_inherited(inherited.0),
            extra: own.extra.or_inherited(inherited.1),
        }
    }

    /// `ConfigDict(...)`, `SettingsConfigDict(...)`, `dict(...)` or a dict
    /// literal; anything else is unknown.
    fn config_mapping(&self, value: &Expr) -> OwnConfig {
        let mut own = OwnConfig::NOT_SET;
        match value {
            Expr::Call(call) => {
                let is_config_dict = self
                    .qualified_name(&call.func)
                    .is_some_and(|qualified| CONFIG_DICTS.contains(&qualified.as_str()))
                    || self.builtin_name(&call.func) == Some("dict");
                if !is_config_dict || !call.arguments.args.is_empty() {
                    own.unset_becomes_unknown();
                    return own;
                }
                own = self.config_keywords(&call.arguments.keywords);
            }
            Expr::Dict(dict) => {
                let mut splat = false;
                for item in &dict.items {
                    match &item.key {
                        Some(Expr::StringLiteral(key)) => {
                            own.read(key.value.to_str(), &item.value, self);
                        }
                        Some(_) => {}
                        None => splat = true,
                    }
                }
                if splat {
                    own.unset_becomes_unknown();
                }
            }
            _ => own.unset_becomes_unknown(),
        }
        own
    }

    /// Class keywords (`class M(BaseModel, frozen=True)`) or a config call's.
    fn config_keywords(&self, keywords: &[Keyword]) -> OwnConfig {
        let mut own = OwnConfig::NOT_SET;
        let mut splat = false;
        for keyword in keywords {
            match &keyword.arg {
                Some(arg) => own.read(arg.as_str(), &keyword.value, self),
                None => splat = true,
            }
        }
        if splat {
            own.unset_becomes_unknown();
        }
        own
    }

    /// Pydantic v1's `class Config:` (`frozen`, `allow_mutation`, `extra`).
    fn inner_config_class(&self, config: &StmtClassDef) -> OwnConfig {
        let mut own = OwnConfig::NOT_SET;
        for stmt in &config.body {
            let (target, value) = match stmt {
                Stmt::Assign(assign) if assign.targets.len() == 1 => {
                    (&assign.targets[0], &*assign.value)
                }
                Stmt::AnnAssign(ast::StmtAnnAssign {
                    target,
                    value: Some(value),
                    ..
                }) => (target.as_ref(), value.as_ref()),
                _ => continue,
            };
            if let Some(name) = target.as_name_expr() {
                own.read(name.id.as_str(), value, self);
            }
        }
        if !config.bases().is_empty() {
            own.unset_becomes_unknown();
        }
        own
    }

    /// For a dataclass, whether it is frozen (`None`: cannot tell); `None`
    /// outright when the class is not a dataclass.
    fn dataclass_frozen(&self, class: &StmtClassDef) -> Option<Option<bool>> {
        class.decorator_list.iter().find_map(|decorator| {
            let (callee, call) = match &decorator.expression {
                Expr::Call(call) => (call.func.as_ref(), Some(call)),
                other => (other, None),
            };
            let qualified = self.qualified_name(callee)?;
            if !DATACLASS_DECORATORS.contains(&qualified.as_str()) {
                return None;
            }
            let Some(call) = call else {
                return Some(Some(false));
            };
            let frozen = match call.arguments.find_keyword("frozen") {
                Some(keyword) => match bool_setting(&keyword.value) {
                    Setting::Set(frozen) => Some(frozen),
                    _ => None,
                },
                None if call.arguments.keywords.iter().any(|k| k.arg.is_none()) => None,
                None => Some(false),
            };
            Some(frozen)
        })
    }

    /// Whether an annotation names `SecretStr`/`SecretBytes` anywhere in a
    /// union, `Optional[...]` or `Annotated[...]`.
    fn mentions_secret_type(&self, annotation: &Expr, depth: u32) -> bool {
        if depth > MAX_EXPR_DEPTH {
            return false;
        }
        match annotation {
            Expr::Name(name) => SECRET_TYPES.contains(&name.id.as_str()),
            Expr::Attribute(attribute) => SECRET_TYPES.contains(&attribute.attr.as_str()),
            Expr::BinOp(binop) => {
                self.mentions_secret_type(&binop.left, depth + 1)
                    || self.mentions_secret_type(&binop.right, depth + 1)
            }
            Expr::Subscript(subscript) => match subscript.slice.as_ref() {
                Expr::Tuple(tuple) => tuple
                    .elts
                    .iter()
                    .any(|member| self.mentions_secret_type(member, depth + 1)),
                single => self.mentions_secret_type(single, depth + 1),
            },
            Expr::StringLiteral(string) => {
                ruff_python_parser::parse_expression(string.value.to_str())
                    .is_ok_and(|parsed| self.mentions_secret_type(parsed.expr(), depth + 1))
            }
            _ => false,
        }
    }
}

impl SemanticModel<'_> {
    /// Inside a method: whether its class has an attribute known so far to
    /// hold a client (`http: httpx.Client` in the body, `self.http = ...`
    /// in a method visited already). Configuration rules use it to tell a
    /// client's `__init__`.
    pub(crate) fn method_class_holds_client(&self) -> bool {
        let Some(method) = self
            .ancestors(self.current)
            .find(|id| matches!(self.scopes[*id].kind, ScopeKind::Function { .. }))
        else {
            return false;
        };
        self.scopes[method].parent.is_some_and(|class| {
            self.scopes[class].kind == ScopeKind::Class
                && !self.scopes[class].client_attributes.is_empty()
        })
    }
}

#[cfg(test)]
#[path = "models_tests.rs"]
mod tests;
