//! Keeps the README's rule table in step with the registry. The table is
//! rendered from [`RULES`] between two markers in the README; the test fails
//! when they differ, and `WIRELINT_UPDATE_README=1 cargo test` rewrites it.

use std::fmt::Write as _;
use std::path::Path;

use crate::registry::{RULES, Status};

const START: &str = "<!-- rule-table:start -->";
const END: &str = "<!-- rule-table:end -->";

/// The Markdown table of every rule, one section per family.
fn render_rule_table() -> String {
    let mut table = String::new();
    let mut family = None;
    for info in RULES {
        if family != Some(info.family) {
            family = Some(info.family);
            let _ = write!(
                table,
                "\n**{} — {}**\n\n| code | name | status | what it flags |\n|---|---|---|---|\n",
                info.family.prefix(),
                info.family.title()
            );
        }
        let mut status = info.status.as_str().to_string();
        if info.boundary {
            status.push_str(", boundary");
        }
        let status = if info.status == Status::Always {
            "always on".to_string()
        } else {
            status
        };
        let _ = writeln!(
            table,
            "| [{code}](docs/rules/{code}.md) | {} | {status} | {} |",
            info.name,
            info.summary,
            code = info.code,
        );
    }
    table
}

#[test]
fn readme_rule_table_matches_the_registry() {
    let readme_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&readme_path).expect("README.md at the repository root");
    let start = readme
        .find(START)
        .expect("README lacks the rule-table start marker")
        + START.len();
    let end = readme
        .find(END)
        .expect("README lacks the rule-table end marker");
    let expected = format!("\n{}\n", render_rule_table().trim());
    if readme[start..end] != expected {
        if std::env::var_os("WIRELINT_UPDATE_README").is_some() {
            let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
            std::fs::write(&readme_path, updated).unwrap();
        } else {
            panic!(
                "README.md's rule table differs from the registry; \
                 run `WIRELINT_UPDATE_README=1 cargo test -p wirelint_linter readme` to update it"
            );
        }
    }
}
