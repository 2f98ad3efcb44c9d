//! Suppression comments: `# noqa` directives that silence findings on their
//! line, `# wirelint: noqa` comments that exempt a whole file, and the edits
//! behind `wirelint check --add-noqa`.
//!
//! Directives are read from the parser's comment tokens, so text that only
//! looks like a directive (inside a string) never counts. The engine applies
//! them after the rules have run ([`apply_noqa`]): each finding whose first
//! line carries a matching directive is dropped, and with WL003 enabled every
//! directive that silenced nothing is reported.
//!
//! Syntax, all case-insensitive:
//! - `# noqa` (bare): silences every finding on the line;
//! - `# noqa: WL201, WL2 E501`: silences findings whose code starts with one
//!   of the codes; codes are letters then digits, separated by commas and/or
//!   spaces, and the list ends at the first word that is not a code. Codes of
//!   other tools are kept and ignored. `# noqa:` with no code is not a
//!   directive;
//! - `# wirelint: noqa` on a line of its own: exempts the whole file;
//! - `# wirelint: noqa: WL1, WL203`: exempts those codes file-wide.
//!
//! WL001 and WL002 (the file does not parse or cannot be read) are never
//! suppressed.

use std::collections::BTreeMap;

use ruff_python_ast::PySourceType;
use ruff_python_ast::token::{Token, TokenKind};
use ruff_python_parser::parse_unchecked_source;
use ruff_source_file::{LineIndex, OneIndexed};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::diagnostic::{Diagnostic, Locator};
use crate::registry::{Rule, Status};
use crate::rules::internal::unused_noqa;
use crate::settings::LinterSettings;

/// One code (or code prefix) written in a directive, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoqaCode<'s> {
    pub text: &'s str,
    pub range: TextRange,
}

impl NoqaCode<'_> {
    /// Whether this code names `rule`: it is the rule's code or a prefix of
    /// it, ignoring case.
    pub fn matches(&self, rule: Rule) -> bool {
        code_matches(self.text, rule)
    }
}

fn code_matches(code: &str, rule: Rule) -> bool {
    rule.code()
        .get(..code.len())
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(code))
}

/// Whether a `noqa` directive may silence findings of `rule`: everything but
/// the rules that report the input itself as broken (WL001, WL002).
pub fn is_suppressible(rule: Rule) -> bool {
    rule.status() != Status::Always
}

/// A `# noqa` directive in a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LineDirective<'s> {
    /// The 1-based row it stands on.
    pub row: usize,
    /// The whole comment the directive is part of.
    pub comment: TextRange,
    /// From the directive's `#` to the end of `noqa` (bare) or of its last code.
    pub range: TextRange,
    /// The codes after `noqa:`; empty for a bare `# noqa`.
    pub codes: Vec<NoqaCode<'s>>,
}

impl LineDirective<'_> {
    /// A bare `# noqa` silences every finding on its line.
    pub(crate) fn is_bare(&self) -> bool {
        self.codes.is_empty()
    }
}

/// What the file-level `# wirelint: noqa` comments exempt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum FileExemption<'s> {
    #[default]
    Nothing,
    /// `# wirelint: noqa`: every finding of the file.
    Everything,
    /// `# wirelint: noqa: WL1, WL203`: findings with these codes or prefixes.
    Codes(Vec<&'s str>),
}

impl FileExemption<'_> {
    pub(crate) fn exempts(&self, rule: Rule) -> bool {
        match self {
            FileExemption::Nothing => false,
            FileExemption::Everything => true,
            FileExemption::Codes(codes) => codes.iter().any(|code| code_matches(code, rule)),
        }
    }
}

/// Every directive in one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Directives<'s> {
    /// Line directives, sorted by row, at most one per row.
    pub lines: Vec<LineDirective<'s>>,
    pub file: FileExemption<'s>,
}

impl<'s> Directives<'s> {
    /// Reads the directives from the comment tokens of `locator`'s source.
    pub(crate) fn extract(tokens: &[Token], locator: &Locator<'s>) -> Self {
        let source = locator.source();
        let mut directives = Directives::default();
        for comment in tokens
            .iter()
            .filter(|token| token.kind() == TokenKind::Comment)
        {
            let range = comment.range();
            let text = &source[range];
            if let Some(exemption) = parse_file_exemption(text)
                && is_own_line(source, range.start())
            {
                directives.add_file_exemption(exemption);
            } else if let Some(parsed) = parse_line_directive(text, range.start()) {
                directives.lines.push(LineDirective {
                    row: locator.location(range.start()).row,
                    comment: range,
                    range: parsed.range,
                    codes: parsed.codes,
                });
            }
        }
        directives
    }

    fn add_file_exemption(&mut self, exemption: FileExemption<'s>) {
        self.file = match (std::mem::take(&mut self.file), exemption) {
            (FileExemption::Everything, _) | (_, FileExemption::Everything) => {
                FileExemption::Everything
            }
            (FileExemption::Codes(mut codes), FileExemption::Codes(more)) => {
                codes.extend(more);
                FileExemption::Codes(codes)
            }
            (FileExemption::Nothing, exemption) | (exemption, FileExemption::Nothing) => exemption,
        };
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.file == FileExemption::Nothing
    }

    /// The index in [`Directives::lines`] of the directive on `row`.
    fn line_index(&self, row: usize) -> Option<usize> {
        self.lines
            .binary_search_by_key(&row, |directive| directive.row)
            .ok()
    }

    /// The directive on `row`, if any.
    pub(crate) fn on_row(&self, row: usize) -> Option<&LineDirective<'s>> {
        self.line_index(row).map(|index| &self.lines[index])
    }
}

/// Which parts of a line directive silenced something.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DirectiveUsage {
    /// A bare directive silenced a finding.
    pub bare_used: bool,
    /// Per code of the directive: it matched a silenced finding.
    pub codes_used: Vec<bool>,
}

/// Drops the findings that directives silence and, when WL003 is enabled,
/// reports the directives that silenced nothing. `tokens` are the parser's
/// tokens of `locator`'s source.
pub(crate) fn apply_noqa(
    diagnostics: &mut Vec<Diagnostic>,
    tokens: &[Token],
    locator: &Locator,
    settings: &LinterSettings,
) {
    let report_unused = settings.rules.contains(Rule::UnusedNoqa);
    if !report_unused && !diagnostics.iter().any(|d| is_suppressible(d.rule)) {
        return;
    }
    let directives = Directives::extract(tokens, locator);
    if directives.is_empty() {
        return;
    }
    let mut usage: Vec<DirectiveUsage> = directives
        .lines
        .iter()
        .map(|directive| DirectiveUsage {
            bare_used: false,
            codes_used: vec![false; directive.codes.len()],
        })
        .collect();
    diagnostics.retain(|diagnostic| !suppresses(&directives, diagnostic, &mut usage));

    if report_unused && !directives.file.exempts(Rule::UnusedNoqa) {
        for (directive, usage) in directives.lines.iter().zip(&usage) {
            if let Some(diagnostic) = unused_noqa::check(locator, directive, usage, settings) {
                diagnostics.push(diagnostic);
            }
        }
    }
}

/// Whether `diagnostic` is silenced, recording which directive parts did it.
fn suppresses(
    directives: &Directives,
    diagnostic: &Diagnostic,
    usage: &mut [DirectiveUsage],
) -> bool {
    if !is_suppressible(diagnostic.rule) {
        return false;
    }
    if directives.file.exempts(diagnostic.rule) {
        return true;
    }
    let Some(index) = directives.line_index(diagnostic.noqa_row()) else {
        return false;
    };
    let directive = &directives.lines[index];
    if directive.is_bare() {
        usage[index].bare_used = true;
        return true;
    }
    let mut silenced = false;
    for (code, used) in directive.codes.iter().zip(&mut usage[index].codes_used) {
        if code.matches(diagnostic.rule) {
            *used = true;
            silenced = true;
        }
    }
    silenced
}

// ---- parsing ---------------------------------------------------------------

/// A line directive found in a comment, with absolute ranges.
struct ParsedDirective<'s> {
    range: TextRange,
    codes: Vec<NoqaCode<'s>>,
}

/// What follows the word `noqa`.
enum Tail {
    /// Nothing that continues the word: a bare directive.
    Bare,
    /// `:` and at least one code: (start, end) byte offsets of each code.
    Codes(Vec<(usize, usize)>),
    /// `noqanope`, or a colon with no code after it: not a directive.
    Invalid,
}

/// The first `# noqa` directive in `comment` (a comment token's text
/// starting at `offset`). The comment may hold other text before it
/// (`# type: ignore  # noqa: WL201`).
fn parse_line_directive(comment: &str, offset: TextSize) -> Option<ParsedDirective<'_>> {
    for (hash, _) in comment.match_indices('#') {
        let keyword = skip_blanks(comment, hash + 1);
        if !starts_with_ignore_case(comment, keyword, "noqa") {
            continue;
        }
        let after_keyword = keyword + "noqa".len();
        let (end, codes) = match directive_tail(comment, after_keyword) {
            Tail::Bare => (after_keyword, Vec::new()),
            Tail::Codes(codes) => (codes.last().map_or(after_keyword, |code| code.1), codes),
            Tail::Invalid => continue,
        };
        let absolute = |start: usize, end: usize| {
            TextRange::new(
                offset + TextSize::of(&comment[..start]),
                offset + TextSize::of(&comment[..end]),
            )
        };
        let codes = codes
            .into_iter()
            .map(|(start, end)| NoqaCode {
                text: &comment[start..end],
                range: absolute(start, end),
            })
            .collect();
        return Some(ParsedDirective {
            range: absolute(hash, end),
            codes,
        });
    }
    None
}

/// `# wirelint: noqa` or `# wirelint: noqa: CODES`, when `comment` is one.
fn parse_file_exemption(comment: &str) -> Option<FileExemption<'_>> {
    let tool = skip_blanks(comment, 1);
    if !starts_with_ignore_case(comment, tool, "wirelint") {
        return None;
    }
    let colon = skip_blanks(comment, tool + "wirelint".len());
    if comment.as_bytes().get(colon) != Some(&b':') {
        return None;
    }
    let keyword = skip_blanks(comment, colon + 1);
    if !starts_with_ignore_case(comment, keyword, "noqa") {
        return None;
    }
    match directive_tail(comment, keyword + "noqa".len()) {
        Tail::Bare => Some(FileExemption::Everything),
        Tail::Codes(codes) => Some(FileExemption::Codes(
            codes
                .into_iter()
                .map(|(start, end)| &comment[start..end])
                .collect(),
        )),
        Tail::Invalid => None,
    }
}

fn directive_tail(text: &str, at: usize) -> Tail {
    let bytes = text.as_bytes();
    if bytes.get(at).is_some_and(|byte| is_word_byte(*byte)) {
        return Tail::Invalid;
    }
    let colon = skip_blanks(text, at);
    if bytes.get(colon) != Some(&b':') {
        return Tail::Bare;
    }
    let codes = parse_codes(bytes, colon + 1);
    if codes.is_empty() {
        Tail::Invalid
    } else {
        Tail::Codes(codes)
    }
}

/// The codes starting at `at`: letters then digits, separated by commas
/// and/or blanks, up to the first word that is not a code.
fn parse_codes(bytes: &[u8], mut at: usize) -> Vec<(usize, usize)> {
    let mut codes = Vec::new();
    loop {
        let start = skip_bytes(bytes, at, |byte| matches!(byte, b',' | b' ' | b'\t'));
        let letters_end = skip_bytes(bytes, start, |byte| byte.is_ascii_alphabetic());
        let digits_end = skip_bytes(bytes, letters_end, |byte| byte.is_ascii_digit());
        let is_code = letters_end > start
            && digits_end > letters_end
            && !bytes
                .get(digits_end)
                .is_some_and(|byte| is_word_byte(*byte));
        if !is_code {
            return codes;
        }
        codes.push((start, digits_end));
        at = digits_end;
    }
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

fn skip_bytes(bytes: &[u8], mut at: usize, skip: impl Fn(u8) -> bool) -> usize {
    while bytes.get(at).is_some_and(|byte| skip(*byte)) {
        at += 1;
    }
    at
}

fn skip_blanks(text: &str, at: usize) -> usize {
    skip_bytes(text.as_bytes(), at, |byte| matches!(byte, b' ' | b'\t'))
}

fn starts_with_ignore_case(text: &str, at: usize, word: &str) -> bool {
    text.as_bytes()
        .get(at..at + word.len())
        .is_some_and(|found| found.eq_ignore_ascii_case(word.as_bytes()))
}

/// Whether only blanks precede `offset` on its line.
fn is_own_line(source: &str, offset: TextSize) -> bool {
    let before = &source[..offset.to_usize()];
    let line_start = before.rfind(['\n', '\r']).map_or(0, |index| index + 1);
    before[line_start..]
        .bytes()
        .all(|byte| matches!(byte, b' ' | b'\t' | b'\x0c'))
}

/// The code of a `# noqa:` directive that `offset` is on (or just after),
/// as written with its range: what an editor shows documentation for.
pub fn code_at(source: &str, offset: TextSize) -> Option<NoqaCode<'_>> {
    let parsed = parse_unchecked_source(source, PySourceType::Python);
    let locator = Locator::new(source);
    let directives = Directives::extract(parsed.tokens(), &locator);
    let row = locator.location(offset.min(TextSize::of(source))).row;
    let directive = directives.on_row(row)?;
    directive
        .codes
        .iter()
        .find(|code| code.range.contains_inclusive(offset))
        .cloned()
}

// ---- --add-noqa ------------------------------------------------------------

/// Why a finding's first line cannot take a `# noqa` comment.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// The line ends inside a multi-line string: a `#` there is string text.
    InsideString,
    /// The line ends with a backslash continuation, which a comment would break.
    Continuation,
}

impl SkipReason {
    pub const fn describe(self) -> &'static str {
        match self {
            SkipReason::InsideString => "the line ends inside a multi-line string",
            SkipReason::Continuation => "the line ends with a backslash continuation",
        }
    }
}

/// A line that needed a directive but could not take one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedLine {
    pub row: usize,
    pub codes: Vec<&'static str>,
    pub reason: SkipReason,
}

/// The result of adding directives to one source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoqaAddition {
    pub source: String,
    /// How many lines gained a directive or codes in an existing one.
    pub lines_changed: usize,
    pub skipped: Vec<SkippedLine>,
}

/// The edited source would not have read back as intended, so it was
/// discarded. Indicates a bug in wirelint; the file must be left alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsafeNoqaEdit {
    pub message: String,
}

impl std::fmt::Display for UnsafeNoqaEdit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UnsafeNoqaEdit {}

/// Adds `# noqa: CODE` directives to `source` so that each of `diagnostics`
/// (findings of the current run on it) is silenced: codes go on the
/// finding's first line, into the `# noqa:` directive already there when
/// there is one (never twice), otherwise appended to the line, after any
/// comment. WL001/WL002 cannot be silenced and WL003 is fixed, not silenced,
/// so they get nothing. A line that ends inside a multi-line string or with
/// a backslash continuation is left alone and reported in
/// [`NoqaAddition::skipped`].
///
/// The result is parsed again and checked before it is returned: if it has
/// more syntax errors than `source`, or a directive does not read back, no
/// edit is returned at all.
pub fn add_noqa(source: &str, diagnostics: &[Diagnostic]) -> Result<NoqaAddition, UnsafeNoqaEdit> {
    let mut rules_by_row: BTreeMap<usize, Vec<Rule>> = BTreeMap::new();
    for diagnostic in diagnostics
        .iter()
        .filter(|d| is_suppressible(d.rule) && d.rule != Rule::UnusedNoqa)
    {
        let rules = rules_by_row.entry(diagnostic.noqa_row()).or_default();
        if !rules.contains(&diagnostic.rule) {
            rules.push(diagnostic.rule);
        }
    }
    let mut addition = NoqaAddition {
        source: source.to_string(),
        lines_changed: 0,
        skipped: Vec::new(),
    };
    if rules_by_row.is_empty() {
        return Ok(addition);
    }

    let parsed = parse_unchecked_source(source, PySourceType::Python);
    let locator = Locator::new(source);
    let directives = Directives::extract(parsed.tokens(), &locator);
    let lines = SourceLines::new(source, parsed.tokens());
    let mut insertions: Vec<(TextSize, String)> = Vec::new();
    let mut expected: Vec<(usize, Vec<Rule>)> = Vec::new();
    for (row, mut rules) in rules_by_row {
        rules.sort_unstable();
        let Some(line) = lines.content_range(row) else {
            continue;
        };
        if let Some(directive) = directives.on_row(row) {
            let missing: Vec<&str> = rules
                .iter()
                .filter(|rule| !directive.codes.iter().any(|code| code.matches(**rule)))
                .map(|rule| rule.code())
                .collect();
            if directive.is_bare() || missing.is_empty() {
                continue;
            }
            insertions.push((directive.range.end(), format!(", {}", missing.join(", "))));
        } else if let Some(reason) = lines.cannot_take_comment(line) {
            addition.skipped.push(SkippedLine {
                row,
                codes: rules.iter().map(|rule| rule.code()).collect(),
                reason,
            });
            continue;
        } else {
            let codes: Vec<&str> = rules.iter().map(|rule| rule.code()).collect();
            let end = line.start() + TextSize::of(source[line].trim_end());
            insertions.push((end, format!("  # noqa: {}", codes.join(", "))));
        }
        expected.push((row, rules));
    }
    if insertions.is_empty() {
        return Ok(addition);
    }

    insertions.sort_by_key(|(offset, _)| *offset);
    let mut updated = String::with_capacity(source.len() + insertions.len() * 16);
    let mut cursor = 0;
    for (offset, text) in &insertions {
        updated.push_str(&source[cursor..offset.to_usize()]);
        updated.push_str(text);
        cursor = offset.to_usize();
    }
    updated.push_str(&source[cursor..]);
    verify_added_directives(parsed.errors().len(), &updated, &expected)?;
    addition.lines_changed = insertions.len();
    addition.source = updated;
    Ok(addition)
}

/// Checks that `updated` parses no worse than the original (which had
/// `original_errors` syntax errors) and silences every rule in `expected`
/// on its row.
fn verify_added_directives(
    original_errors: usize,
    updated: &str,
    expected: &[(usize, Vec<Rule>)],
) -> Result<(), UnsafeNoqaEdit> {
    let parsed = parse_unchecked_source(updated, PySourceType::Python);
    if parsed.errors().len() > original_errors {
        return Err(UnsafeNoqaEdit {
            message: "adding the directives would break the file's syntax".to_string(),
        });
    }
    let locator = Locator::new(updated);
    let directives = Directives::extract(parsed.tokens(), &locator);
    for (row, rules) in expected {
        let silenced = directives.on_row(*row).is_some_and(|directive| {
            directive.is_bare()
                || rules
                    .iter()
                    .all(|rule| directive.codes.iter().any(|code| code.matches(*rule)))
        });
        if !silenced {
            return Err(UnsafeNoqaEdit {
                message: format!("the directive added to line {row} would not take effect"),
            });
        }
    }
    Ok(())
}

/// Line-level facts about a source text that decide where a comment can go.
struct SourceLines<'s> {
    source: &'s str,
    index: LineIndex,
    /// Every string literal, and every f- or t-string from its start to its end.
    strings: Vec<TextRange>,
    comments: Vec<TextRange>,
}

impl<'s> SourceLines<'s> {
    fn new(source: &'s str, tokens: &[Token]) -> Self {
        let mut strings = Vec::new();
        let mut comments = Vec::new();
        let mut open_interpolated: Vec<TextSize> = Vec::new();
        for token in tokens {
            match token.kind() {
                TokenKind::String => strings.push(token.range()),
                TokenKind::Comment => comments.push(token.range()),
                TokenKind::FStringStart | TokenKind::TStringStart => {
                    open_interpolated.push(token.start());
                }
                TokenKind::FStringEnd | TokenKind::TStringEnd => {
                    if let Some(start) = open_interpolated.pop() {
                        strings.push(TextRange::new(start, token.end()));
                    }
                }
                _ => {}
            }
        }
        // An f-string left open by a syntax error runs to the end of the file.
        for start in open_interpolated {
            strings.push(TextRange::new(start, TextSize::of(source)));
        }
        Self {
            source,
            index: LineIndex::from_source_text(source),
            strings,
            comments,
        }
    }

    /// The range of line `row` (1-based) without its line break.
    fn content_range(&self, row: usize) -> Option<TextRange> {
        let line = OneIndexed::new(row)?;
        if row > self.index.line_count() {
            return None;
        }
        let range = self.index.line_range(line, self.source);
        let text = self.source[range].trim_end_matches(['\n', '\r']);
        Some(TextRange::at(range.start(), TextSize::of(text)))
    }

    /// Why a comment cannot be appended to the line `line`, if it cannot.
    fn cannot_take_comment(&self, line: TextRange) -> Option<SkipReason> {
        let end = line.end();
        let inside = |range: &TextRange| range.start() < end && end < range.end();
        if self.strings.iter().any(inside) {
            return Some(SkipReason::InsideString);
        }
        let content = self.source[line].trim_end();
        if content.ends_with('\\') {
            let backslash = line.start() + TextSize::of(content) - TextSize::new(1);
            let in_comment = self
                .comments
                .iter()
                .any(|comment| comment.contains(backslash));
            if !in_comment {
                return Some(SkipReason::Continuation);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply_fixes;
    use crate::settings::{RuleSelection, RuleSelector};

    fn settings(select: Option<&str>, preview: bool) -> LinterSettings {
        let selection = RuleSelection {
            select: select.map(|codes| {
                codes
                    .split(',')
                    .map(|code| code.parse::<RuleSelector>().unwrap())
                    .collect()
            }),
            preview,
            ..Default::default()
        };
        LinterSettings {
            rules: selection.resolve(),
            ..LinterSettings::default()
        }
    }

    /// (row, code) of every finding with default settings plus preview.
    fn findings(source: &str) -> Vec<(usize, &'static str)> {
        findings_with(source, &settings(None, true))
    }

    fn findings_with(source: &str, settings: &LinterSettings) -> Vec<(usize, &'static str)> {
        crate::lint_source(source, settings)
            .iter()
            .map(|diagnostic| (diagnostic.location.row, diagnostic.rule.code()))
            .collect()
    }

    fn directives(source: &str) -> Directives<'_> {
        let parsed = parse_unchecked_source(source, PySourceType::Python);
        let locator = Locator::new(source);
        Directives::extract(parsed.tokens(), &locator)
    }

    fn codes_on(source: &str, row: usize) -> Option<Vec<String>> {
        directives(source).on_row(row).map(|directive| {
            directive
                .codes
                .iter()
                .map(|code| code.text.to_string())
                .collect()
        })
    }

    const CALL: &str = "import requests\n";

    // ---- parsing -------------------------------------------------------

    #[test]
    fn codes_are_read_case_insensitively_with_any_spacing() {
        for (comment, expected) in [
            ("# noqa: WL203", vec!["WL203"]),
            ("# NOQA: wl203", vec!["wl203"]),
            ("#noqa:WL201,WL203", vec!["WL201", "WL203"]),
            ("# noqa : WL201  WL203", vec!["WL201", "WL203"]),
            ("# noqa: WL201,, E501 ,S113", vec!["WL201", "E501", "S113"]),
            ("# noqa: WL2 -- legacy API, WL1", vec!["WL2"]),
            ("# type: ignore[misc]  # noqa: WL203", vec!["WL203"]),
            ("# noqa:  # noqa: WL203", vec!["WL203"]),
        ] {
            let source = format!("x = 1  {comment}\n");
            assert_eq!(
                codes_on(&source, 1),
                Some(expected.iter().map(ToString::to_string).collect()),
                "{comment}"
            );
        }
    }

    #[test]
    fn bare_and_invalid_directives() {
        for bare in [
            "# noqa",
            "# NoQA",
            "#noqa  because",
            "# noqa # why",
            "# noqa:",
        ] {
            let source = format!("x = 1  {bare}\n");
            let parsed = directives(&source);
            let expected_bare = bare != "# noqa:";
            assert_eq!(
                parsed.on_row(1).is_some_and(LineDirective::is_bare),
                expected_bare,
                "{bare}"
            );
        }
        for not_a_directive in ["# noqa: 401", "# noqanope", "# noqa:this", "# no qa"] {
            let source = format!("x = 1  {not_a_directive}\n");
            assert_eq!(directives(&source).on_row(1), None, "{not_a_directive}");
        }
    }

    #[test]
    fn directive_range_covers_noqa_and_its_codes() {
        let source = "x = 1  # why  # noqa: WL203 legacy\n";
        let parsed = directives(source);
        let directive = parsed.on_row(1).unwrap();
        assert_eq!(&source[directive.range], "# noqa: WL203");
        assert_eq!(&source[directive.comment], "# why  # noqa: WL203 legacy");
    }

    #[test]
    fn text_in_strings_is_not_a_directive() {
        let source = "x = '# noqa'\ny = \"\"\"\n# noqa: WL203\n\"\"\"\nz = f'{x} # noqa'\n";
        assert!(directives(source).is_empty());
        let source = format!("{CALL}requests.get('# noqa: WL203')\n");
        assert_eq!(findings(&source), [(2, "WL203")]);
    }

    #[test]
    fn file_exemptions_need_a_line_of_their_own() {
        let all = directives("import x\n# wirelint: noqa\n");
        assert_eq!(all.file, FileExemption::Everything);
        let spaced = directives("  #  WIRELINT :NOQA  generated code\n");
        assert_eq!(spaced.file, FileExemption::Everything);
        let codes = directives("# wirelint: noqa: WL1, wl203\n# wirelint: noqa: WL3\n");
        assert_eq!(
            codes.file,
            FileExemption::Codes(vec!["WL1", "wl203", "WL3"])
        );
        let trailing = directives("x = 1  # wirelint: noqa\n");
        assert_eq!(trailing.file, FileExemption::Nothing);
        assert!(trailing.lines.is_empty());
        assert!(directives("x = '# wirelint: noqa'\n").is_empty());
        assert!(directives("# wirelint: noqa:\n").is_empty());
        assert!(directives("# wirelint: noqa_later\n").is_empty());
    }

    // ---- suppression ---------------------------------------------------

    #[test]
    fn matching_codes_and_prefixes_silence_their_line_only() {
        let source = format!(
            "{CALL}requests.get(u)  # noqa: WL203\nrequests.get(u)  # noqa: wl2\n\
             requests.get(u)  # noqa: WL201\nrequests.get(u)\n"
        );
        let found = findings_with(&source, &settings(None, false));
        assert_eq!(found, [(4, "WL203"), (5, "WL203")]);
    }

    #[test]
    fn bare_noqa_silences_everything_on_the_line() {
        let source = format!("{CALL}requests.get(u); requests.get(v, timeout=None)  # noqa\n");
        assert!(findings(&source).is_empty());
    }

    #[test]
    fn other_tools_codes_do_not_silence_wirelint() {
        let source = format!("{CALL}requests.get(u)  # noqa: E501, S113\n");
        assert_eq!(
            findings_with(&source, &settings(None, true)),
            [(2, "WL203")]
        );
    }

    #[test]
    fn a_multi_line_finding_is_silenced_on_its_first_line_only() {
        let first = format!("{CALL}requests.get(  # noqa: WL203\n    u,\n)\n");
        assert!(findings(&first).is_empty());
        let last = format!("{CALL}requests.get(\n    u,\n)  # noqa: WL203\n");
        assert_eq!(findings(&last), [(2, "WL203"), (4, "WL003")]);
    }

    #[test]
    fn file_level_exemptions() {
        let everything = format!("{CALL}# wirelint: noqa\nrequests.get(u)  # noqa: WL201\n");
        assert!(findings(&everything).is_empty());
        let codes = format!(
            "{CALL}# wirelint: noqa: WL203\nrequests.get(u)\nrequests.get(u, timeout=None)\n"
        );
        assert_eq!(findings(&codes), [(4, "WL204")]);
    }

    #[test]
    fn syntax_errors_are_never_silenced() {
        let source = "# wirelint: noqa\ndef broken(:  # noqa: WL001\n    pass\n";
        let found = findings(source);
        assert!(!found.is_empty());
        assert!(found.iter().all(|(_, code)| *code == "WL001"), "{found:?}");
    }

    // ---- unused-noqa ---------------------------------------------------

    #[test]
    fn unused_codes_of_enabled_rules_are_reported() {
        let source = format!(
            "{CALL}requests.get(u)  # noqa: WL203, WL201, E501\nx = 1  # noqa\ny = 2  # noqa: WL202\n"
        );
        let diagnostics = crate::lint_source(&source, &settings(None, true));
        let messages: Vec<(usize, &str)> = diagnostics
            .iter()
            .map(|d| (d.location.row, d.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (2, "Unused `noqa` directive (unused: `WL201`)"),
                // The bare `# noqa` on line 3 may be another tool's: not judged.
                (4, "Unused `noqa` directive (unused: `WL202`)"),
            ]
        );
        assert_eq!(diagnostics[0].location.column, 18);
    }

    #[test]
    fn codes_of_rules_that_do_not_run_are_not_judged() {
        // WL202 is a preview rule, WL204 is deselected, WL001 cannot be
        // silenced, WL999 is no rule.
        let source = "x = 1  # noqa: WL202, WL204, WL001, WL999, E501\n";
        let rules = RuleSelection {
            ignore: vec!["WL204".parse().unwrap(), "WL202".parse().unwrap()],
            extend_select: vec!["WL003".parse().unwrap()],
            preview: true,
            ..Default::default()
        };
        let settings = LinterSettings {
            rules: rules.resolve(),
            ..LinterSettings::default()
        };
        assert!(findings_with(source, &settings).is_empty());
        // Without preview WL003 itself does not run.
        assert!(findings_with("x = 1  # noqa\n", &LinterSettings::default()).is_empty());
    }

    #[test]
    fn a_directive_naming_wl003_or_a_file_exemption_keeps_it_quiet() {
        assert!(findings("x = 1  # noqa: WL203, WL003\n").is_empty());
        assert!(findings("# wirelint: noqa: WL003\nx = 1  # noqa: WL203\n").is_empty());
        assert!(findings("# wirelint: noqa\nx = 1  # noqa\n").is_empty());
        // The file exemption made the line directive redundant.
        assert_eq!(
            findings(&format!(
                "{CALL}# wirelint: noqa: WL2\nrequests.get(u)  # noqa: WL203\n"
            )),
            [(3, "WL003")]
        );
    }

    fn fixed(source: &str) -> String {
        let diagnostics = crate::lint_source(source, &settings(None, true));
        apply_fixes(source, &diagnostics, false).source
    }

    #[test]
    fn the_fix_removes_unused_codes_and_keeps_the_rest() {
        let cases = [
            ("x = 1  # noqa: WL203\n", "x = 1\n"),
            // A bare directive is never judged, so never removed.
            ("x = 1  # noqa\n", "x = 1  # noqa\n"),
            ("x = 1  # noqa: WL203, E501\n", "x = 1  # noqa: E501\n"),
            (
                "x = 1  #NOQA:E501,WL201 S113\n",
                "x = 1  #NOQA:E501, S113\n",
            ),
            ("x = 1  # noqa: WL203  # why\n", "x = 1  # why\n"),
            (
                "x = 1  # noqa: WL203 legacy client\n",
                "x = 1  # legacy client\n",
            ),
            (
                "x = 1  # type: ignore  # noqa: WL2\n",
                "x = 1  # type: ignore\n",
            ),
            ("x = 1  # a # noqa: WL2 # b\r\n", "x = 1  # a # b\r\n"),
            ("    # noqa: WL203\n", "\n"),
        ];
        for (source, expected) in cases {
            assert_eq!(fixed(source), expected, "{source:?}");
        }
        let used = format!("{CALL}requests.get(u)  # noqa: WL201, WL203\n");
        assert_eq!(
            fixed(&used),
            format!("{CALL}requests.get(u)  # noqa: WL203\n")
        );
    }

    #[test]
    fn code_at_finds_the_directive_code_under_an_offset() {
        let source = "x = 1  # NOQA: wl201, E501\ny = '# noqa: WL203'\n";
        let code_at_text = |needle: &str, shift: usize| {
            let offset = source.find(needle).unwrap() + shift;
            code_at(source, TextSize::try_from(offset).unwrap()).map(|code| code.text)
        };
        assert_eq!(code_at_text("wl201", 0), Some("wl201"));
        assert_eq!(code_at_text("wl201", 5), Some("wl201"));
        assert_eq!(code_at_text("E501", 2), Some("E501"));
        assert_eq!(code_at_text("NOQA", 1), None);
        assert_eq!(code_at_text("x = 1", 0), None);
        // Text in a string only looks like a directive.
        assert_eq!(code_at_text("WL203", 1), None);
        assert_eq!(code_at("", TextSize::new(0)), None);
    }

    // ---- --add-noqa ----------------------------------------------------

    fn add(source: &str) -> NoqaAddition {
        let diagnostics = crate::lint_source(source, &settings(None, false));
        add_noqa(source, &diagnostics).unwrap()
    }

    #[test]
    fn add_noqa_appends_sorted_codes_once_per_line() {
        let source = format!(
            "{CALL}requests.get(u, timeout=None); requests.get(v); requests.get(w)\nx = 1\n"
        );
        let added = add(&source);
        assert_eq!(
            added.source,
            format!(
                "{CALL}requests.get(u, timeout=None); requests.get(v); requests.get(w)  # noqa: WL203, WL204\nx = 1\n"
            )
        );
        assert_eq!(added.lines_changed, 1);
        assert!(crate::lint_source(&added.source, &settings(None, false)).is_empty());
        // A second run finds nothing to add.
        let again = add(&added.source);
        assert_eq!((again.lines_changed, &again.source), (0, &added.source));
    }

    #[test]
    fn add_noqa_merges_into_an_existing_directive_and_keeps_comments() {
        let source = format!(
            "{CALL}requests.get(u)  # noqa: E501 -- long URL\n\
             requests.get(u, timeout=None)  # noqa: WL203\n\
             requests.get(u)  # fetch it\r\n\
             requests.get(u)    \n"
        );
        let added = add(&source);
        assert_eq!(
            added.source,
            format!(
                "{CALL}requests.get(u)  # noqa: E501, WL203 -- long URL\n\
                 requests.get(u, timeout=None)  # noqa: WL203, WL204\n\
                 requests.get(u)  # fetch it  # noqa: WL203\r\n\
                 requests.get(u)  # noqa: WL203    \n"
            )
        );
        assert_eq!(added.lines_changed, 4);
        assert!(crate::lint_source(&added.source, &settings(None, false)).is_empty());
    }

    #[test]
    fn add_noqa_puts_a_multi_line_finding_on_its_first_line() {
        let source = format!("{CALL}requests.get(\n    u,\n)\n");
        assert_eq!(
            add(&source).source,
            format!("{CALL}requests.get(  # noqa: WL203\n    u,\n)\n")
        );
    }

    #[test]
    fn add_noqa_skips_lines_that_cannot_take_a_comment() {
        let source = format!(
            "{CALL}requests.get(u, headers=\"\"\"\n  x\n\"\"\")\n\
             requests.get(f'''{{u}}\n''')\n\
             requests.get(u) + \\\n    1\n\
             requests.get(u)\n"
        );
        let added = add(&source);
        let skipped: Vec<(usize, SkipReason)> = added
            .skipped
            .iter()
            .map(|line| (line.row, line.reason))
            .collect();
        assert_eq!(
            skipped,
            [
                (2, SkipReason::InsideString),
                (5, SkipReason::InsideString),
                (7, SkipReason::Continuation),
            ]
        );
        assert_eq!(added.skipped[0].codes, ["WL203"]);
        assert_eq!(added.lines_changed, 1);
        assert!(added.source.ends_with("requests.get(u)  # noqa: WL203\n"));
        assert_eq!(
            added.source.replace("  # noqa: WL203\n", "\n"),
            source,
            "only the last line may change"
        );
    }

    #[test]
    fn add_noqa_ignores_syntax_errors_and_keeps_the_file_otherwise() {
        let source = format!("{CALL}requests.get(u)\ndef broken(:\n    pass\n");
        let added = add(&source);
        assert_eq!(added.lines_changed, 1);
        assert!(
            added
                .source
                .contains("requests.get(u)  # noqa: WL203\ndef broken(:")
        );
    }

    #[test]
    fn a_directive_that_would_not_read_back_is_refused() {
        // An edit that lands inside a string: the check must catch it.
        let broken = "x = '''  # noqa: WL203\n'''\n";
        let error =
            verify_added_directives(0, broken, &[(1, vec![Rule::MissingTimeout])]).unwrap_err();
        assert!(error.message.contains("line 1"), "{error}");
        let unbalanced = "x = (  # noqa: WL203\n";
        assert!(verify_added_directives(0, unbalanced, &[]).is_err());
        assert!(
            verify_added_directives(
                0,
                "x = 1  # noqa: WL2\n",
                &[(1, vec![Rule::MissingTimeout])]
            )
            .is_ok()
        );
    }
}
