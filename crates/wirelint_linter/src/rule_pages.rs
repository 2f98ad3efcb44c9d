//! Keeps `docs/rules/` in step with the registry: one page per rule (its
//! documentation, the rule file's `//!` comment, under its family and
//! status) and an index of every rule. The test fails when a page differs
//! from what the registry renders; `WIRELINT_UPDATE_DOCS=1 cargo test -p
//! wirelint_linter rule_pages` rewrites them and removes the pages of rules
//! that no longer exist. The same command rewrites the "Enforced by" lists
//! of `docs/policy.md`: each section lists the rules whose References cite
//! it, so a new rule reaches the policy page through its own file. A second
//! test holds every rule's policy references to sections that exist.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::registry::{Rule, Status};

/// The first line of every generated page.
const GENERATED_NOTE: &str = "<!-- Generated from the rule registry and each rule's doc comment \
     by `WIRELINT_UPDATE_DOCS=1 cargo test -p wirelint_linter rule_pages`; do not edit. -->";

/// The policy's file name as the rules' References lines cite it.
const POLICY_CITATION: &str = "`docs/policy.md`";

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

fn status_text(rule: Rule) -> &'static str {
    match rule.status() {
        Status::Stable => "stable",
        Status::Preview => "preview",
        Status::Always => "always on",
    }
}

fn status_sentence(rule: Rule) -> &'static str {
    match rule.status() {
        Status::Stable => "stable, runs by default",
        Status::Preview => "preview, runs only with `--preview` (or `preview = true`)",
        Status::Always => "always on, cannot be turned off",
    }
}

/// The GitHub anchor of a Markdown heading: lower case, punctuation other
/// than `-` and `_` dropped, each space a `-`.
fn heading_anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// The `## ` headings of `docs/policy.md`.
fn policy_sections(policy: &str) -> Vec<&str> {
    policy
        .lines()
        .filter_map(|line| line.strip_prefix("## "))
        .collect()
}

/// The bullet items of a document's `## References` section, each with
/// its continuation lines joined into one line.
fn reference_items(docs: &str) -> Vec<String> {
    let Some((_, section)) = docs.split_once("## References\n") else {
        return Vec::new();
    };
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut items: Vec<String> = Vec::new();
    for line in section.lines() {
        if let Some(item) = line.strip_prefix("- ") {
            items.push(item.trim().to_string());
        } else if let Some(last) = items.last_mut().filter(|_| !line.trim().is_empty()) {
            last.push(' ');
            last.push_str(line.trim());
        }
    }
    items
}

/// The quoted section names a policy reference cites, before any
/// parenthetical remark: `` `docs/policy.md`, "A" and "B" (...) `` cites A
/// and B. `None` for a reference to something else.
fn cited_sections(item: &str) -> Option<Vec<&str>> {
    let rest = item.strip_prefix(POLICY_CITATION)?;
    let names = rest.split('(').next().unwrap_or(rest);
    Some(names.split('"').skip(1).step_by(2).collect())
}

/// A policy reference with the file and each section it cites as links
/// relative to `docs/rules/`.
fn linked_reference(item: &str, sections: &[&str]) -> String {
    let mut linked = item.replacen(POLICY_CITATION, "[`docs/policy.md`](../policy.md)", 1);
    for section in cited_sections(item).unwrap_or_default() {
        if sections.contains(&section) {
            linked = linked.replacen(
                &format!("\"{section}\""),
                &format!("[\"{section}\"](../policy.md#{})", heading_anchor(section)),
                1,
            );
        }
    }
    linked
}

/// The page of one rule: its documentation, its family and status under
/// the title, and the References section's items with links.
fn render_page(rule: Rule, sections: &[&str]) -> String {
    let docs = rule.docs();
    let (title, body) = docs.split_once('\n').unwrap_or((docs, ""));
    let mut page = format!(
        "{GENERATED_NOTE}\n\n{title}\n\n**Family:** {} — {} · **Status:** {} · [All rules](README.md)\n",
        rule.family().prefix(),
        rule.family().title(),
        status_sentence(rule),
    );
    let (before, references) = match body.split_once("## References\n") {
        Some((before, _)) => (before, reference_items(docs)),
        None => (body, Vec::new()),
    };
    page.push_str(before.trim_end());
    page.push('\n');
    if !references.is_empty() {
        page.push_str("\n## References\n\n");
        for item in &references {
            let _ = writeln!(page, "- {}", linked_reference(item, sections));
        }
    }
    page
}

/// The index: every rule by family, linking each page.
fn render_index() -> String {
    let mut index = format!(
        "{GENERATED_NOTE}\n\n# Rules\n\n\
         Every rule wirelint has, by family. Stable rules run by default; preview rules \
         run only with `--preview` (or `preview = true`). Each page says what the rule \
         flags, why, what to write instead, and which section of [the policy](../policy.md) \
         it enforces; `wirelint rule CODE` prints the same text.\n"
    );
    let mut family = None;
    for rule in Rule::all() {
        if family != Some(rule.family()) {
            family = Some(rule.family());
            let _ = write!(
                index,
                "\n## {} — {}\n\n| code | name | status | what it flags |\n|---|---|---|---|\n",
                rule.family().prefix(),
                rule.family().title()
            );
        }
        let _ = writeln!(
            index,
            "| [{code}]({code}.md) | {} | {} | {} |",
            rule.name(),
            status_text(rule),
            rule.summary(),
            code = rule.code(),
        );
    }
    index
}

/// Opens a generated "Enforced by" list in `docs/policy.md`.
const ENFORCED_BY_START: &str = "<!-- enforced-by:start: generated from each rule's References by \
     `WIRELINT_UPDATE_DOCS=1 cargo test -p wirelint_linter rule_pages` -->";
/// Closes it.
const ENFORCED_BY_END: &str = "<!-- enforced-by:end -->";

/// The rules whose References cite `section` of the policy, in code order.
fn rules_citing(section: &str) -> impl Iterator<Item = Rule> + '_ {
    Rule::all().filter(move |rule| {
        reference_items(rule.docs())
            .iter()
            .any(|item| cited_sections(item).unwrap_or_default().contains(&section))
    })
}

/// `docs/policy.md` with each section's "Enforced by" list (between its
/// markers) rendered from the rules that cite the section. A section that
/// rules cite must hold the markers; one that no rule cites must not.
fn render_policy(policy: &str) -> Result<String, String> {
    let mut rendered = String::with_capacity(policy.len());
    let mut rest = policy;
    let mut section: Option<&str> = None;
    let mut listed: Vec<&str> = Vec::new();
    while !rest.is_empty() {
        let line_end = rest.find('\n').map_or(rest.len(), |index| index + 1);
        let line = &rest[..line_end];
        if let Some(heading) = line.strip_prefix("## ") {
            section = Some(heading.trim_end());
        }
        if line.trim_end() == ENFORCED_BY_START {
            let section = section.ok_or("an \"Enforced by\" list before the first section")?;
            let end = rest
                .find(ENFORCED_BY_END)
                .ok_or_else(|| format!("\"{section}\": an \"Enforced by\" list is not closed"))?;
            let mut rules = rules_citing(section).peekable();
            if rules.peek().is_none() {
                return Err(format!(
                    "\"{section}\" has an \"Enforced by\" list, but no rule cites it"
                ));
            }
            rendered.push_str(line);
            for rule in rules {
                let _ = writeln!(
                    rendered,
                    "- [{code}](rules/{code}.md) `{}`: {}",
                    rule.name(),
                    rule.summary(),
                    code = rule.code()
                );
            }
            listed.push(section);
            rest = &rest[end..];
            continue;
        }
        rendered.push_str(line);
        rest = &rest[line_end..];
    }
    for cited in policy_sections(policy) {
        if !listed.contains(&cited) && rules_citing(cited).next().is_some() {
            return Err(format!(
                "rules cite \"{cited}\", which has no \"Enforced by\" list: add one with the \
                 lines `{ENFORCED_BY_START}` and `{ENFORCED_BY_END}`"
            ));
        }
    }
    Ok(rendered)
}

/// Every generated file below `docs/rules/`, by file name.
fn render_all() -> Vec<(String, String)> {
    let policy = std::fs::read_to_string(docs_dir().join("policy.md")).expect("docs/policy.md");
    let sections = policy_sections(&policy);
    let mut files = vec![("README.md".to_string(), render_index())];
    files.extend(
        Rule::all().map(|rule| (format!("{}.md", rule.code()), render_page(rule, &sections))),
    );
    files
}

#[test]
fn rule_pages_match_the_registry() {
    let directory = docs_dir().join("rules");
    let expected = render_all();
    let mut stale: Vec<String> = expected
        .iter()
        .filter(|(name, text)| {
            std::fs::read_to_string(directory.join(name)).ok().as_ref() != Some(text)
        })
        .map(|(name, _)| name.clone())
        .collect();
    let unexpected: Vec<PathBuf> = std::fs::read_dir(&directory)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| {
                    let name = path.file_name().unwrap_or_default().to_string_lossy();
                    !expected
                        .iter()
                        .any(|(expected_name, _)| *expected_name == name)
                })
                .collect()
        })
        .unwrap_or_default();
    stale.extend(unexpected.iter().map(|path| path.display().to_string()));
    if stale.is_empty() {
        return;
    }
    if std::env::var_os("WIRELINT_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(&directory).unwrap();
        for (name, text) in &expected {
            std::fs::write(directory.join(name), text).unwrap();
        }
        for path in unexpected {
            std::fs::remove_file(path).unwrap();
        }
    } else {
        panic!(
            "docs/rules/ differs from the registry ({}); run \
             `WIRELINT_UPDATE_DOCS=1 cargo test -p wirelint_linter rule_pages` to update it",
            stale.join(", ")
        );
    }
}

#[test]
fn policy_lists_the_rules_that_cite_each_section() {
    let path = docs_dir().join("policy.md");
    let policy = std::fs::read_to_string(&path).expect("docs/policy.md");
    let expected =
        render_policy(&policy).unwrap_or_else(|problem| panic!("docs/policy.md: {problem}"));
    if expected == policy {
        return;
    }
    if std::env::var_os("WIRELINT_UPDATE_DOCS").is_some() {
        // Other tests read the policy meanwhile: replace it whole, never
        // leave it truncated.
        let staged = path.with_extension("md.tmp");
        std::fs::write(&staged, expected).unwrap();
        std::fs::rename(&staged, &path).unwrap();
    } else {
        panic!(
            "the \"Enforced by\" lists of docs/policy.md differ from the rules' References; run \
             `WIRELINT_UPDATE_DOCS=1 cargo test -p wirelint_linter rule_pages` to update them"
        );
    }
}

#[test]
fn policy_lists_are_rendered_between_their_markers() {
    let code = Rule::all().find(|rule| rule.code() == "WL201").unwrap();
    let policy = format!(
        "# P\n\n## Timeout Granularity\n\ntext\n{ENFORCED_BY_START}\n- stale\n{ENFORCED_BY_END}\nafter\n"
    );
    let rendered = render_policy(&policy).unwrap();
    assert!(rendered.contains(&format!(
        "{ENFORCED_BY_START}\n- [WL201](rules/WL201.md) `scalar-timeout`: {}\n",
        code.summary()
    )));
    assert!(!rendered.contains("- stale"));
    assert!(rendered.ends_with(&format!("{ENFORCED_BY_END}\nafter\n")));
    // A section the rules cite with no list, and a list no rule feeds, are errors.
    assert!(render_policy("# P\n\n## Timeout Granularity\n\ntext\n").is_err());
    let orphan = format!("# P\n\n## Nobody Cites This\n{ENFORCED_BY_START}\n{ENFORCED_BY_END}\n");
    assert!(render_policy(&orphan).is_err());
}

#[test]
fn rule_pages_cite_policy_sections_that_exist() {
    let policy = std::fs::read_to_string(docs_dir().join("policy.md")).expect("docs/policy.md");
    let sections = policy_sections(&policy);
    for rule in Rule::all() {
        let mut cites_any = false;
        for item in reference_items(rule.docs()) {
            for section in cited_sections(&item).unwrap_or_default() {
                assert!(
                    sections.contains(&section),
                    "{} cites \"{section}\", not a section of docs/policy.md",
                    rule.code()
                );
                cites_any = true;
            }
        }
        if rule.family().prefix() == "WL0" {
            continue; // Parse errors and internals enforce no part of the policy.
        }
        assert!(
            cites_any,
            "{} cites no section of docs/policy.md",
            rule.code()
        );
    }
    // Every rule code the policy names exists.
    for word in policy.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.len() == 5
            && word.starts_with("WL")
            && word[2..].chars().all(|c| c.is_ascii_digit())
        {
            assert!(
                Rule::from_code(word).is_some(),
                "docs/policy.md names unknown {word}"
            );
        }
    }
}

#[test]
fn headings_become_github_anchors() {
    assert_eq!(heading_anchor("Timeout Granularity"), "timeout-granularity");
    assert_eq!(heading_anchor("Settings & Config"), "settings--config");
    assert_eq!(
        heading_anchor("Tool Use (LLM-specific)"),
        "tool-use-llm-specific"
    );
    assert_eq!(heading_anchor("Non-negotiables"), "non-negotiables");
}

#[test]
fn references_are_split_into_items_and_linked() {
    let docs = "# x (WL999)\n\n## References\n- `docs/policy.md`, \"Client Construction\" and \"Timeout\n  Granularity\" (per phase)\n- Someone's blog, \"Jitter\"\n";
    let items = reference_items(docs);
    assert_eq!(
        items,
        [
            "`docs/policy.md`, \"Client Construction\" and \"Timeout Granularity\" (per phase)",
            "Someone's blog, \"Jitter\"",
        ]
    );
    assert_eq!(
        cited_sections(&items[0]),
        Some(vec!["Client Construction", "Timeout Granularity"])
    );
    assert_eq!(cited_sections(&items[1]), None);
    assert_eq!(
        linked_reference(&items[0], &["Timeout Granularity"]),
        "[`docs/policy.md`](../policy.md), \"Client Construction\" and \
         [\"Timeout Granularity\"](../policy.md#timeout-granularity) (per phase)"
    );
}
