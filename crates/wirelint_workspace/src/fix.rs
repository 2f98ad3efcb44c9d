//! Fixing one file's source: applies the fixes the run allows, lints the
//! result again in memory and repeats until nothing is left to apply (fixes
//! whose edits overlap wait for the next pass), for at most
//! [`MAX_FIX_PASSES`] passes. A pass that would add a syntax error is
//! dropped, so a faulty fix never breaks a file.

use wirelint_linter::apply_fixes;
use wirelint_linter::{Applicability, Diagnostic, Rule};

/// How many times the fixes of one file are applied and the file linted
/// again, at most.
pub(crate) const MAX_FIX_PASSES: usize = 10;

/// Which fixes a run applies and where the fixed source goes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct FixOptions {
    /// Apply unsafe fixes too, not only safe ones.
    pub unsafe_fixes: bool,
    /// Write the fixed source back to the file (`--fix`); otherwise keep it
    /// in the result (`--diff`, standard input).
    pub write: bool,
}

impl FixOptions {
    /// Whether this run applies the fix of `diagnostic`.
    pub fn applies_to(&self, diagnostic: &Diagnostic) -> bool {
        diagnostic.fix.as_ref().is_some_and(|fix| {
            !fix.edits.is_empty() && (fix.applicability == Applicability::Safe || self.unsafe_fixes)
        })
    }
}

/// A source after fixing, with its diagnostics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedSource {
    pub source: String,
    /// The diagnostics of `source`: what remains.
    pub diagnostics: Vec<Diagnostic>,
    /// How many fixes were applied over all passes.
    pub applied: usize,
}

/// Applies the fixes of `diagnostics` (the diagnostics of `source`) that
/// `options` allows, again and again, linting each result with `lint`.
pub fn fix_until_stable(
    source: &str,
    diagnostics: Vec<Diagnostic>,
    options: FixOptions,
    mut lint: impl FnMut(&str) -> Vec<Diagnostic>,
) -> FixedSource {
    let mut fixed = FixedSource {
        source: source.to_string(),
        diagnostics,
        applied: 0,
    };
    for _ in 0..MAX_FIX_PASSES {
        if !fixed
            .diagnostics
            .iter()
            .any(|diagnostic| options.applies_to(diagnostic))
        {
            break;
        }
        let pass = apply_fixes(&fixed.source, &fixed.diagnostics, options.unsafe_fixes);
        if pass.applied == 0 || pass.source == fixed.source {
            break;
        }
        let diagnostics = lint(&pass.source);
        if syntax_errors(&diagnostics) > syntax_errors(&fixed.diagnostics) {
            break;
        }
        fixed = FixedSource {
            source: pass.source,
            diagnostics,
            applied: fixed.applied + pass.applied,
        };
    }
    fixed
}

fn syntax_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.rule == Rule::SyntaxError)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruff_text_size::{TextRange, TextSize};
    use wirelint_linter::{Edit, Fix, LinterSettings, Location, lint_source};

    const SAFE: FixOptions = FixOptions {
        unsafe_fixes: false,
        write: false,
    };

    fn lint(source: &str) -> Vec<Diagnostic> {
        lint_source(source, &LinterSettings::default())
    }

    fn fix(source: &str, options: FixOptions) -> FixedSource {
        fix_until_stable(source, lint(source), options, lint)
    }

    fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
        diagnostics.iter().map(|d| d.rule.code()).collect()
    }

    #[test]
    fn a_scalar_timeout_becomes_an_httpx_timeout_and_the_import_is_added() {
        let source = "from openai import OpenAI\n\nclient = OpenAI(timeout=5)\n";
        let fixed = fix(source, SAFE);
        assert_eq!(
            fixed.source,
            "import httpx\nfrom openai import OpenAI\n\n\
             client = OpenAI(timeout=httpx.Timeout(5, connect=5, read=5, write=5, pool=5))\n"
        );
        assert_eq!(fixed.applied, 1);
        assert!(!codes(&fixed.diagnostics).contains(&"WL201"), "{fixed:?}");
    }

    #[test]
    fn nothing_to_fix_leaves_the_source() {
        let source = "import requests\nrequests.get(url)\n";
        let fixed = fix(source, SAFE);
        assert_eq!(fixed.source, source);
        assert_eq!(fixed.applied, 0);
        assert_eq!(codes(&fixed.diagnostics), ["WL203"]);
    }

    /// A stand-in diagnostic whose fix replaces `range` with `content`.
    fn replacing(range: (u32, u32), content: &str, applicability: Applicability) -> Diagnostic {
        let location = Location { row: 1, column: 1 };
        let range = TextRange::new(TextSize::new(range.0), TextSize::new(range.1));
        Diagnostic {
            rule: Rule::ScalarTimeout,
            message: "stand-in".to_string(),
            range,
            location,
            end_location: location,
            fix: Some(Fix {
                applicability,
                message: "stand-in fix".to_string(),
                edits: vec![Edit {
                    range,
                    content: content.to_string(),
                    location,
                    end_location: location,
                }],
            }),
        }
    }

    #[test]
    fn overlapping_fixes_are_applied_over_several_passes() {
        // Each pass may apply only one of two overlapping fixes; a stand-in
        // linter offers a fix for every `a` left.
        let lint_as = |source: &str| -> Vec<Diagnostic> {
            source
                .match_indices('a')
                .flat_map(|(index, _)| {
                    let start = u32::try_from(index).unwrap();
                    // Two fixes over the same character: they overlap.
                    [
                        replacing((start, start + 1), "b", Applicability::Safe),
                        replacing((start, start + 1), "c", Applicability::Safe),
                    ]
                })
                .collect()
        };
        let fixed = fix_until_stable("xax", lint_as("xax"), SAFE, lint_as);
        assert_eq!(fixed.source, "xbx");
        assert_eq!(fixed.applied, 1);
        assert!(fixed.diagnostics.is_empty());

        // A linter that always offers one more fix: the loop gives up.
        let mut passes = 0;
        let endless = |_: &str| {
            passes += 1;
            vec![replacing((0, 0), "a", Applicability::Safe)]
        };
        let first = vec![replacing((0, 0), "a", Applicability::Safe)];
        let fixed = fix_until_stable("", first, SAFE, endless);
        assert_eq!(fixed.applied, MAX_FIX_PASSES);
        assert_eq!(fixed.source, "a".repeat(MAX_FIX_PASSES));
        assert_eq!(passes, MAX_FIX_PASSES);
    }

    #[test]
    fn unsafe_fixes_need_opting_in() {
        let diagnostics = vec![replacing((0, 1), "y", Applicability::Unsafe)];
        let no_lint = |_: &str| Vec::new();
        let safe_only = fix_until_stable("x = 1\n", diagnostics.clone(), SAFE, no_lint);
        assert_eq!(
            (safe_only.source.as_str(), safe_only.applied),
            ("x = 1\n", 0)
        );
        let with_unsafe = FixOptions {
            unsafe_fixes: true,
            ..SAFE
        };
        let fixed = fix_until_stable("x = 1\n", diagnostics, with_unsafe, no_lint);
        assert_eq!((fixed.source.as_str(), fixed.applied), ("y = 1\n", 1));
    }

    #[test]
    fn a_fix_that_breaks_the_syntax_is_dropped() {
        let source = "x = 1\n";
        let breaking = vec![replacing((4, 5), "(", Applicability::Safe)];
        let fixed = fix_until_stable(source, breaking, SAFE, lint);
        assert_eq!(fixed.source, source);
        assert_eq!(fixed.applied, 0);
        assert!(
            fixed.diagnostics[0].fix.is_some(),
            "the unapplied fix stays"
        );
    }
}
