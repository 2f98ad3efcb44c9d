//! Keeps the docs' lists of the directories a walk skips in step with
//! [`SKIPPED_DIRECTORIES`]: the README's sentence is rendered from it between
//! two markers (the test fails when they differ, and
//! `WIRELINT_UPDATE_README=1 cargo test -p wirelint_workspace skipped` rewrites
//! it), and the `exclude` default in `docs/configuration.md` must name the same
//! directories in the same order.

use std::path::Path;

use crate::discovery::SKIPPED_DIRECTORIES;

const START: &str = "<!-- skipped-directories:start -->";
const END: &str = "<!-- skipped-directories:end -->";

/// `` `.git`, `.hg` and `dist` ``: the list as a sentence.
fn render_list() -> String {
    let names: Vec<String> = SKIPPED_DIRECTORIES
        .iter()
        .map(|name| format!("`{name}`"))
        .collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn repository_file(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(name)
}

#[test]
fn readme_skipped_directories_match_the_code() {
    let path = repository_file("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md at the repository root");
    let start = readme
        .find(START)
        .expect("README lacks the skipped-directories start marker")
        + START.len();
    let end = readme
        .find(END)
        .expect("README lacks the skipped-directories end marker");
    let expected = render_list();
    if readme[start..end] != expected {
        if std::env::var_os("WIRELINT_UPDATE_README").is_some() {
            let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "README.md's skipped directories differ from SKIPPED_DIRECTORIES; run \
                 `WIRELINT_UPDATE_README=1 cargo test -p wirelint_workspace skipped` to update it"
            );
        }
    }
}

#[test]
fn configuration_docs_name_the_skipped_directories_as_the_exclude_default() {
    let docs = std::fs::read_to_string(repository_file("docs/configuration.md")).unwrap();
    let row = docs
        .lines()
        .find(|line| line.starts_with("| `exclude` |"))
        .expect("docs/configuration.md has an `exclude` row");
    let quoted: Vec<String> = SKIPPED_DIRECTORIES
        .iter()
        .map(|name| format!("\"{name}\""))
        .collect();
    let expected = format!("`[{}]`", quoted.join(", "));
    assert!(row.contains(&expected), "{row}\nlacks {expected}");
}

#[test]
fn the_list_reads_as_a_sentence() {
    assert!(render_list().starts_with("`.git`, "));
    assert!(render_list().ends_with(" and `dist`"));
}
