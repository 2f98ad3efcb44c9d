//! # unused-noqa (WL003)
//!
//! ## What it does
//! Reports codes in a `# noqa: WL201, WL2` directive that name enabled
//! rules none of which fired on that line.
//!
//! A bare `# noqa` is never reported: it silences every tool that reads it,
//! so wirelint cannot know it is unused (another linter may need it).
//! Only codes that name at least one rule this run enables are judged.
//! Other tools' codes (`E501`, `S113`), codes of rules that are not
//! enabled (a preview rule without `--preview`, an ignored rule) and
//! WL001/WL002 (which no directive can silence) are left alone. A directive
//! that names WL003 itself (`# noqa: WL201, WL003`) is never reported, and
//! neither is anything in a file exempted with `# wirelint: noqa`.
//!
//! ## Why is this bad?
//! A suppression that no longer suppresses anything is noise that tells the
//! reader the line breaks the policy when it does not, and it waits there
//! to hide the next real finding on that line without anyone deciding to.
//!
//! ## Example
//! ```python
//! response = requests.get(url, timeout=(3.05, 27))  # noqa: WL203
//! ```
//!
//! ## Use instead
//! ```python
//! response = requests.get(url, timeout=(3.05, 27))
//! ```
//!
//! ## Fix
//! Safe: removes the unused codes from the directive, or the whole directive
//! when no code is left. Other tools' codes and the rest of the comment stay
//! (`# noqa: WL203, E501` becomes `# noqa: E501`; `# noqa: WL203  # why`
//! becomes `# why`).
//!
//! WL003 is a preview rule: it runs with `--preview`.

use ruff_text_size::{TextRange, TextSize};

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Locator};
use crate::noqa::{DirectiveUsage, LineDirective, NoqaCode, is_suppressible};
use crate::registry::Rule;
use crate::registry::{Family, FixAvailability, Status};
use crate::rules::{Hooks, RuleDef};
use crate::settings::LinterSettings;

pub(crate) const RULE: RuleDef = RuleDef {
    code: "WL003",
    name: "unused-noqa",
    family: Family::Internal,
    status: Status::Preview,
    summary: "A `# noqa` directive that suppresses nothing.",
    boundary: false,
    markers: &[],
    fix: FixAvailability::Always(Applicability::Safe),
    hooks: Hooks::NONE,
};

/// A WL003 diagnostic for `directive` when part of it silenced nothing.
pub(crate) fn check(
    locator: &Locator,
    directive: &LineDirective,
    usage: &DirectiveUsage,
    settings: &LinterSettings,
) -> Option<Diagnostic> {
    if directive.is_bare() {
        // A bare directive may be there for another tool.
        return None;
    }
    if directive
        .codes
        .iter()
        .any(|code| code.matches(Rule::UnusedNoqa))
    {
        return None;
    }
    let unused: Vec<bool> = directive
        .codes
        .iter()
        .zip(&usage.codes_used)
        .map(|(code, used)| !used && names_judged_rule(code, settings))
        .collect();
    if !unused.contains(&true) {
        return None;
    }
    let (unused_codes, kept_codes): (Vec<_>, Vec<_>) = directive
        .codes
        .iter()
        .zip(&unused)
        .partition(|(_, unused)| **unused);
    let listed = unused_codes
        .iter()
        .map(|(code, _)| format!("`{}`", code.text))
        .collect::<Vec<_>>()
        .join(", ");
    let mut diagnostic = locator.diagnostic(
        Rule::UnusedNoqa,
        format!("Unused `noqa` directive (unused: {listed})"),
        directive.range,
    );
    let kept: Vec<&NoqaCode> = kept_codes.into_iter().map(|(code, _)| code).collect();
    diagnostic.fix = Some(if kept.is_empty() {
        safe_fix(
            "Remove the unused `noqa` directive".to_string(),
            remove_directive(locator, directive),
        )
    } else {
        safe_fix(
            format!("Remove {listed} from the `noqa` directive"),
            keep_codes(locator, directive, &kept),
        )
    });
    Some(diagnostic)
}

/// Whether `code` names a rule this run enables and a directive can silence
/// (WL003 aside: a directive naming it is never reported).
fn names_judged_rule(code: &NoqaCode, settings: &LinterSettings) -> bool {
    settings
        .rules
        .iter()
        .any(|rule| rule != Rule::UnusedNoqa && is_suppressible(rule) && code.matches(rule))
}

fn safe_fix(message: String, edit: Edit) -> Fix {
    Fix {
        applicability: Applicability::Safe,
        message,
        edits: vec![edit],
    }
}

/// Rewrites the directive's code list to `kept`, keeping the spelling of
/// everything before the first code (`#NOQA:`, `# noqa: `).
fn keep_codes(locator: &Locator, directive: &LineDirective, kept: &[&NoqaCode]) -> Edit {
    let source = locator.source();
    let head_end = directive.codes[0].range.start();
    let head = &source[TextRange::new(directive.range.start(), head_end)];
    let codes: Vec<&str> = kept.iter().map(|code| code.text).collect();
    locator.edit(directive.range, format!("{head}{}", codes.join(", ")))
}

/// Removes the directive and leaves the rest of the comment readable:
/// - `x = 1  # noqa: WL203` becomes `x = 1`;
/// - `x = 1  # noqa: WL203  # why` becomes `x = 1  # why`;
/// - `x = 1  # noqa: WL203 legacy client` becomes `x = 1  # legacy client`;
/// - `x = 1  # type: ignore  # noqa: WL203` becomes `x = 1  # type: ignore`.
fn remove_directive(locator: &Locator, directive: &LineDirective) -> Edit {
    let source = locator.source();
    let comment = directive.comment;
    let blanks: &[char] = &[' ', '\t', '\x0c'];
    if directive.range.start() > comment.start() {
        let before = &source[TextRange::new(comment.start(), directive.range.start())];
        let start = comment.start() + TextSize::of(before.trim_end_matches(blanks));
        return locator.edit(TextRange::new(start, directive.range.end()), String::new());
    }
    let after = &source[TextRange::new(directive.range.end(), comment.end())];
    let rest = after.trim_start_matches(blanks);
    if rest.trim_end().is_empty() {
        let before = &source[..comment.start().to_usize()];
        let start = TextSize::of(before.trim_end_matches(blanks));
        return locator.edit(TextRange::new(start, comment.end()), String::new());
    }
    if rest.starts_with('#') {
        let end = comment.end() - TextSize::of(rest);
        return locator.edit(TextRange::new(directive.range.start(), end), String::new());
    }
    locator.edit(directive.range, "#".to_string())
}
