//! Where a fix adds `import module`: inside the file's top-level import
//! block, at the place isort and Ruff's import sorting (rule I001) put it
//! with their default settings, so that a file which was sorted stays sorted.
//!
//! Those tools sort an import block into sections separated by one blank
//! line: `__future__`, the standard library, third-party packages, the
//! project's own packages, relative imports. Within a section, `import x`
//! lines come first, sorted by module, then `from x import y` lines; a
//! section where a `from` line precedes an `import` line is sorted by module
//! across both kinds (isort's `force_sort_within_sections`), and the new line
//! follows that order instead.
//!
//! A linter that sees one file cannot tell the project's packages from
//! third-party ones, so a section of absolute imports outside the standard
//! library counts as third-party when it holds a package known to be
//! third-party (below); failing that, of two or more such sections the first
//! is taken as third-party, and a lone one as the project's own.

use ruff_python_ast::Stmt;
use ruff_text_size::{Ranged, TextSize};

/// Top-level modules of CPython's standard library (3.11's
/// `sys.stdlib_module_names`, public names).
#[rustfmt::skip]
const STANDARD_LIBRARY: &[&str] = &[
    "abc", "aifc", "antigravity", "argparse", "array", "ast", "asynchat", "asyncio", "asyncore",
    "atexit", "audioop", "base64", "bdb", "binascii", "bisect", "builtins", "bz2", "cProfile",
    "calendar", "cgi", "cgitb", "chunk", "cmath", "cmd", "code", "codecs", "codeop",
    "collections", "colorsys", "compileall", "concurrent", "configparser", "contextlib",
    "contextvars", "copy", "copyreg", "crypt", "csv", "ctypes", "curses", "dataclasses",
    "datetime", "dbm", "decimal", "difflib", "dis", "distutils", "doctest", "email", "encodings",
    "ensurepip", "enum", "errno", "faulthandler", "fcntl", "filecmp", "fileinput", "fnmatch",
    "fractions", "ftplib", "functools", "gc", "genericpath", "getopt", "getpass", "gettext",
    "glob", "graphlib", "grp", "gzip", "hashlib", "heapq", "hmac", "html", "http", "idlelib",
    "imaplib", "imghdr", "imp", "importlib", "inspect", "io", "ipaddress", "itertools", "json",
    "keyword", "lib2to3", "linecache", "locale", "logging", "lzma", "mailbox", "mailcap",
    "marshal", "math", "mimetypes", "mmap", "modulefinder", "msilib", "msvcrt", "multiprocessing",
    "netrc", "nis", "nntplib", "nt", "ntpath", "nturl2path", "numbers", "opcode", "operator",
    "optparse", "os", "ossaudiodev", "pathlib", "pdb", "pickle", "pickletools", "pipes",
    "pkgutil", "platform", "plistlib", "poplib", "posix", "posixpath", "pprint", "profile",
    "pstats", "pty", "pwd", "py_compile", "pyclbr", "pydoc", "pydoc_data", "pyexpat", "queue",
    "quopri", "random", "re", "readline", "reprlib", "resource", "rlcompleter", "runpy", "sched",
    "secrets", "select", "selectors", "shelve", "shlex", "shutil", "signal", "site", "smtpd",
    "smtplib", "sndhdr", "socket", "socketserver", "spwd", "sqlite3", "sre_compile",
    "sre_constants", "sre_parse", "ssl", "stat", "statistics", "string", "stringprep", "struct",
    "subprocess", "sunau", "symtable", "sys", "sysconfig", "syslog", "tabnanny", "tarfile",
    "telnetlib", "tempfile", "termios", "textwrap", "this", "threading", "time", "timeit",
    "tkinter", "token", "tokenize", "tomllib", "trace", "traceback", "tracemalloc", "tty",
    "turtle", "turtledemo", "types", "typing", "unicodedata", "unittest", "urllib", "uu", "uuid",
    "venv", "warnings", "wave", "weakref", "webbrowser", "winreg", "winsound", "wsgiref",
    "xdrlib", "xml", "xmlrpc", "zipapp", "zipfile", "zipimport", "zlib", "zoneinfo",
];

/// Packages that are third-party in any project that uses them: the
/// network libraries and SDKs wirelint knows, and their usual companions.
const KNOWN_THIRD_PARTY: &[&str] = &[
    "aiohttp",
    "anthropic",
    "backoff",
    "boto3",
    "botocore",
    "cohere",
    "google",
    "httpx",
    "httpx2",
    "mistralai",
    "openai",
    "pydantic",
    "pydantic_settings",
    "requests",
    "slack_sdk",
    "stripe",
    "tenacity",
    "twilio",
    "urllib3",
];

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Section {
    Future,
    StandardLibrary,
    /// Holds at least one package known to be third-party.
    ThirdParty,
    /// Absolute imports outside the standard library, none known.
    Unknown,
    Relative,
}

/// One import statement of the block.
struct Import {
    section: Section,
    /// `from x import y` (as opposed to `import x`).
    is_from: bool,
    /// The module, lower-cased, as the sorting tools compare it.
    sort_key: String,
    /// Where a line inserted before the statement goes: the start of its
    /// line, or of the comment lines directly above it.
    insert_before: TextSize,
    /// The end of the statement's last line, after its line break.
    line_end: TextSize,
}

/// A run of imports with no blank line between them: one sorted section.
struct Group {
    imports: Vec<Import>,
}

impl Group {
    fn section(&self) -> Section {
        let sections = || self.imports.iter().map(|import| import.section);
        for section in [Section::Future, Section::Relative, Section::StandardLibrary] {
            if sections().all(|found| found == section) {
                return section;
            }
        }
        if sections().any(|found| found == Section::ThirdParty) {
            Section::ThirdParty
        } else {
            Section::Unknown
        }
    }
}

/// Where to insert `import {module}` and the text to insert there, for a
/// module used at `used_at`: in the sorted position of the first top-level
/// import block that starts before `used_at`, or, with no such block, after
/// the module docstring and `from __future__` imports.
pub(crate) fn import_insertion(
    body: &[Stmt],
    source: &str,
    module: &str,
    used_at: TextSize,
) -> (TextSize, String) {
    let newline = if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let statement = format!("import {module}{newline}");
    let block = leading_import_block(body).filter(|block| block[0].start() < used_at);
    let Some(block) = block else {
        let (offset, next) = after_docstring_and_future_imports(body, source);
        let prefix = if offset > TextSize::new(0) && !source[..offset.to_usize()].ends_with('\n') {
            newline
        } else {
            ""
        };
        // The new import is a block of its own: blank lines part it from the
        // code below, two before a class or function as the tools want.
        let blank_lines = match next {
            Some(Stmt::FunctionDef(_) | Stmt::ClassDef(_)) => 2,
            Some(_) => 1,
            None => 0,
        };
        let suffix = newline.repeat(blank_lines);
        return (offset, format!("{prefix}{statement}{suffix}"));
    };
    let groups = groups(block, source);
    let key = module.to_lowercase();
    let sections: Vec<Section> = groups.iter().map(Group::section).collect();
    let unknown = sections
        .iter()
        .filter(|&&section| section == Section::Unknown)
        .count();
    let joined = sections
        .iter()
        .position(|&section| section == Section::ThirdParty)
        .or_else(|| {
            (unknown >= 2)
                .then(|| {
                    sections
                        .iter()
                        .position(|&section| section == Section::Unknown)
                })
                .flatten()
        });
    if let Some(index) = joined {
        return (position_in_group(&groups[index], &key), statement);
    }
    // A new section: before the first one that sorts after third-party.
    match sections
        .iter()
        .position(|&section| matches!(section, Section::Unknown | Section::Relative))
    {
        Some(index) => (
            groups[index].imports[0].insert_before,
            format!("{statement}{newline}"),
        ),
        None => {
            let last = groups.last().and_then(|group| group.imports.last());
            let end = last.map_or(TextSize::new(0), |import| import.line_end);
            let prefix = if source[..end.to_usize()].ends_with('\n') {
                newline.to_string()
            } else {
                // The block ends the file without a line break.
                newline.repeat(2)
            };
            (end, format!("{prefix}{statement}"))
        }
    }
}

/// The first run of consecutive top-level import statements.
fn leading_import_block(body: &[Stmt]) -> Option<&[Stmt]> {
    let is_import = |stmt: &Stmt| matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_));
    let start = body.iter().position(is_import)?;
    let length = body[start..]
        .iter()
        .take_while(|stmt| is_import(stmt))
        .count();
    Some(&body[start..start + length])
}

/// The block's statements in groups, split at blank lines.
fn groups(block: &[Stmt], source: &str) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut previous_end: Option<TextSize> = None;
    for stmt in block {
        let blank_line_before = previous_end.is_some_and(|end| {
            // The whole lines between the previous statement's line and this
            // one's (the first piece ends the previous line, the last starts
            // this one).
            let between: Vec<&str> = source[end.to_usize()..stmt.start().to_usize()]
                .split('\n')
                .collect();
            between.len() > 2
                && between[1..between.len() - 1]
                    .iter()
                    .any(|line| line.trim().is_empty())
        });
        let import = Import {
            section: section_of(stmt),
            is_from: matches!(stmt, Stmt::ImportFrom(_)),
            sort_key: sort_key(stmt),
            insert_before: start_with_leading_comments(source, stmt.start()),
            line_end: line_end_after(source, stmt.end()),
        };
        // `__future__` imports always form a section of their own.
        let same_section = |group: &Group| {
            let last_is_future = group
                .imports
                .last()
                .is_some_and(|last| last.section == Section::Future);
            last_is_future == (import.section == Section::Future)
        };
        match groups.last_mut() {
            Some(group) if !blank_line_before && same_section(group) => group.imports.push(import),
            _ => groups.push(Group {
                imports: vec![import],
            }),
        }
        previous_end = Some(stmt.end());
    }
    groups
}

fn section_of(stmt: &Stmt) -> Section {
    let module = match stmt {
        Stmt::ImportFrom(import_from) if import_from.level > 0 => return Section::Relative,
        Stmt::ImportFrom(import_from) => import_from
            .module
            .as_ref()
            .map_or("", |module| module.as_str()),
        Stmt::Import(import) => import.names.first().map_or("", |alias| alias.name.as_str()),
        _ => "",
    };
    let top = module.split('.').next().unwrap_or(module);
    if top == "__future__" {
        Section::Future
    } else if STANDARD_LIBRARY.contains(&top) {
        Section::StandardLibrary
    } else if KNOWN_THIRD_PARTY.contains(&top) {
        Section::ThirdParty
    } else {
        Section::Unknown
    }
}

fn sort_key(stmt: &Stmt) -> String {
    match stmt {
        Stmt::ImportFrom(import_from) => import_from
            .module
            .as_ref()
            .map_or(String::new(), |module| module.as_str().to_lowercase()),
        Stmt::Import(import) => import
            .names
            .first()
            .map_or(String::new(), |alias| alias.name.as_str().to_lowercase()),
        _ => String::new(),
    }
}

/// Where `import {key}` goes inside a sorted group.
fn position_in_group(group: &Group, key: &str) -> TextSize {
    let mut seen_from = false;
    let sorted_across_kinds = group.imports.iter().any(|import| {
        seen_from |= import.is_from;
        seen_from && !import.is_from
    });
    let candidates = group
        .imports
        .iter()
        .filter(|import| sorted_across_kinds || !import.is_from);
    if let Some(next) = candidates
        .clone()
        .find(|import| import.sort_key.as_str() > key)
    {
        return next.insert_before;
    }
    if !sorted_across_kinds
        && let Some(first_from) = group.imports.iter().find(|import| import.is_from)
    {
        return first_from.insert_before;
    }
    group
        .imports
        .last()
        .map_or(TextSize::new(0), |import| import.line_end)
}

/// Where a new top-level import goes when the file has no import block to
/// join: at the start of the first statement that is neither the module
/// docstring nor a `from __future__` import (returned too), or after the
/// last of those.
fn after_docstring_and_future_imports<'a>(
    body: &'a [Stmt],
    source: &str,
) -> (TextSize, Option<&'a Stmt>) {
    let mut after = TextSize::new(0);
    for (index, stmt) in body.iter().enumerate() {
        let is_docstring =
            index == 0 && matches!(stmt, Stmt::Expr(expr) if expr.value.is_string_literal_expr());
        let is_future = matches!(
            stmt,
            Stmt::ImportFrom(import_from)
                if import_from.module.as_ref().is_some_and(|module| module.as_str() == "__future__")
        );
        if !is_docstring && !is_future {
            return (
                start_with_leading_comments(source, stmt.start()),
                Some(stmt),
            );
        }
        after = line_end_after(source, stmt.end());
    }
    (after, None)
}

/// The start of the line holding `offset`, moved up over the comment lines
/// directly above it (comments belong to the statement they precede).
fn start_with_leading_comments(source: &str, offset: TextSize) -> TextSize {
    let mut start = line_start(source, offset.to_usize());
    while start > 0 {
        let previous = line_start(source, start - 1);
        if !source[previous..start].trim_start().starts_with('#') {
            break;
        }
        start = previous;
    }
    TextSize::try_from(start).unwrap_or_default()
}

fn line_start(source: &str, offset: usize) -> usize {
    source[..offset].rfind('\n').map_or(0, |index| index + 1)
}

fn line_end_after(source: &str, offset: TextSize) -> TextSize {
    let rest = &source[offset.to_usize()..];
    let end = rest
        .find('\n')
        .map_or(source.len(), |index| offset.to_usize() + index + 1);
    TextSize::try_from(end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use ruff_python_parser::parse_module;

    use super::*;

    /// `source` with `import httpx` added where [`import_insertion`] puts it
    /// for a use at the end of the file.
    fn with_httpx(source: &str) -> String {
        let parsed = parse_module(source).unwrap();
        let body = &parsed.syntax().body;
        let used_at = TextSize::try_from(source.len()).unwrap();
        let (offset, text) = import_insertion(body, source, "httpx", used_at);
        let offset = offset.to_usize();
        format!("{}{text}{}", &source[..offset], &source[offset..])
    }

    #[test]
    fn joins_the_third_party_section_in_module_order() {
        assert_eq!(
            with_httpx(
                "import json\n\nimport anthropic\nimport requests\nfrom openai import OpenAI\n"
            ),
            "import json\n\nimport anthropic\nimport httpx\nimport requests\nfrom openai import OpenAI\n"
        );
        // Straight imports come before `from` imports of the section.
        assert_eq!(
            with_httpx("import os\n\nfrom openai import OpenAI\n"),
            "import os\n\nimport httpx\nfrom openai import OpenAI\n"
        );
        // After every straight import that sorts first.
        assert_eq!(
            with_httpx("import aiohttp\nimport anthropic\nfrom openai import OpenAI\n"),
            "import aiohttp\nimport anthropic\nimport httpx\nfrom openai import OpenAI\n"
        );
    }

    #[test]
    fn follows_a_section_sorted_across_both_kinds() {
        assert_eq!(
            with_httpx(
                "from anthropic import Anthropic\nimport openai\nfrom pydantic import BaseModel\n"
            ),
            "from anthropic import Anthropic\nimport httpx\nimport openai\nfrom pydantic import BaseModel\n"
        );
    }

    #[test]
    fn opens_a_third_party_section_after_the_standard_library() {
        assert_eq!(
            with_httpx(
                "\"\"\"Doc.\"\"\"\n\nfrom __future__ import annotations\n\nimport json\nimport urllib.request\n\nx = 1\n"
            ),
            "\"\"\"Doc.\"\"\"\n\nfrom __future__ import annotations\n\nimport json\nimport urllib.request\n\nimport httpx\n\nx = 1\n"
        );
        // Before the project's own and the relative imports.
        assert_eq!(
            with_httpx("import json\n\nfrom myapp import settings\n\nfrom . import models\n"),
            "import json\n\nimport httpx\n\nfrom myapp import settings\n\nfrom . import models\n"
        );
        assert_eq!(
            with_httpx("from . import models\n"),
            "import httpx\n\nfrom . import models\n"
        );
    }

    #[test]
    fn of_two_unknown_sections_the_first_is_third_party() {
        assert_eq!(
            with_httpx("import json\n\nimport attrs\n\nimport myapp\n"),
            "import json\n\nimport attrs\nimport httpx\n\nimport myapp\n"
        );
    }

    #[test]
    fn never_goes_above_a_future_import() {
        assert_eq!(
            with_httpx("from __future__ import annotations\nfrom openai import OpenAI\n"),
            "from __future__ import annotations\nimport httpx\nfrom openai import OpenAI\n"
        );
    }

    #[test]
    fn keeps_comments_with_the_import_below_them() {
        assert_eq!(
            with_httpx("import anthropic\n# The SDK.\nimport openai\n"),
            "import anthropic\nimport httpx\n# The SDK.\nimport openai\n"
        );
    }

    #[test]
    fn keeps_crlf_line_endings() {
        assert_eq!(
            with_httpx("import json\r\n\r\nimport openai\r\n"),
            "import json\r\n\r\nimport httpx\r\nimport openai\r\n"
        );
    }

    #[test]
    fn without_a_block_to_join_goes_after_the_docstring_and_future_imports() {
        assert_eq!(
            with_httpx("\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\n"),
            "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\n\nimport httpx\n"
        );
        assert_eq!(with_httpx("x = 1\n"), "import httpx\n\nx = 1\n");
        assert_eq!(
            with_httpx("\"\"\"Doc.\"\"\"\n# Note.\ndef f():\n    pass\n"),
            "\"\"\"Doc.\"\"\"\nimport httpx\n\n\n# Note.\ndef f():\n    pass\n"
        );
        assert_eq!(
            with_httpx("\"\"\"Doc.\"\"\""),
            "\"\"\"Doc.\"\"\"\nimport httpx\n"
        );
    }

    #[test]
    fn a_block_after_the_use_is_not_joined() {
        let source = "client = make()\nimport openai\n";
        let parsed = parse_module(source).unwrap();
        let (offset, text) =
            import_insertion(&parsed.syntax().body, source, "httpx", TextSize::new(5));
        assert_eq!(
            (offset, text.as_str()),
            (TextSize::new(0), "import httpx\n\n")
        );
    }

    #[test]
    fn a_block_at_the_end_of_a_file_without_a_final_newline() {
        assert_eq!(with_httpx("import json"), "import json\n\nimport httpx\n");
    }
}
