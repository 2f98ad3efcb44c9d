//! Placeholder checker: parse errors only.

use ruff_python_ast::PySourceType;
use ruff_python_parser::parse_unchecked_source;

use crate::diagnostic::{Diagnostic, Locator};
use crate::rules::internal::syntax_error::syntax_error;
use crate::settings::LinterSettings;

pub fn check_source(source: &str, _settings: &LinterSettings) -> Vec<Diagnostic> {
    let parsed = parse_unchecked_source(source, PySourceType::Python);
    let locator = Locator::new(source);
    parsed.errors().iter().map(|error| syntax_error(&locator, error)).collect()
}
