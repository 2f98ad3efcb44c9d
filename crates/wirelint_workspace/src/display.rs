//! Showing text wirelint does not control (file names, messages quoting
//! source code, source lines) to people: control characters are escaped,
//! so a file name or a string in the code cannot forge an output line or
//! send a terminal escape sequence, and a file name that is not UTF-8 is
//! shown byte by byte, so two different names never look the same.
//!
//! Escapes read like Rust's and Python's: `\n`, `\r`, `\t`, `\x1b`,
//! `\u{202e}`. In file names a backslash is shown as `\\` on Unix (where
//! it is an ordinary character), so every escape reads one way only.

use std::borrow::Cow;
use std::fmt::Write;
use std::path::Path;

/// Whether `character` must not reach a terminal as it is: C0 and C1
/// control characters (line breaks and escape sequences among them), the
/// Unicode line and paragraph separators, and the bidirectional overrides
/// and isolates that reorder what a terminal shows.
fn needs_escape(character: char) -> bool {
    character.is_control()
        || matches!(
            character,
            '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Appends `character` to `out`, escaped.
fn push_escaped(out: &mut String, character: char) {
    match character {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if u32::from(c) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// `text` with its control characters escaped (tabs too); unchanged,
/// without copying, when it has none.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for character in text.chars() {
        if needs_escape(character) {
            push_escaped(&mut out, character);
        } else {
            out.push(character);
        }
    }
    Cow::Owned(out)
}

/// How many characters the escaped form of `character` takes on screen
/// (1 for a character shown as it is, not counting its width).
pub fn escaped_len(character: char) -> Option<usize> {
    needs_escape(character).then(|| {
        let mut out = String::new();
        push_escaped(&mut out, character);
        out.len()
    })
}

/// A file name for people: control characters escaped, bytes that are not
/// UTF-8 as `\xNN`, and (on Unix) backslashes doubled.
pub fn display_path(path: &Path) -> Cow<'_, str> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        if let Ok(text) = std::str::from_utf8(bytes)
            && !text.chars().any(|c| c == '\\' || needs_escape(c))
        {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(bytes.len() + 8);
        for chunk in bytes.utf8_chunks() {
            for character in chunk.valid().chars() {
                if character == '\\' {
                    out.push_str("\\\\");
                } else if needs_escape(character) {
                    push_escaped(&mut out, character);
                } else {
                    out.push(character);
                }
            }
            for byte in chunk.invalid() {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
        Cow::Owned(out)
    }
    #[cfg(not(unix))]
    {
        match path.to_string_lossy() {
            Cow::Borrowed(text) => escape_control(text),
            Cow::Owned(text) => Cow::Owned(escape_control(&text).into_owned()),
        }
    }
}

/// A file name for machine formats (JSON, SARIF, XML), whose encoders
/// escape control characters themselves: as it is when it is UTF-8,
/// otherwise with each byte that is not UTF-8 as `\xNN`, so two different
/// names stay different.
pub fn path_text(path: &Path) -> Cow<'_, str> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        if let Ok(text) = std::str::from_utf8(bytes) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(bytes.len() + 8);
        for chunk in bytes.utf8_chunks() {
            out.push_str(chunk.valid());
            for byte in chunk.invalid() {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
        Cow::Owned(out)
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_plain_text_is_borrowed() {
        assert!(matches!(
            escape_control("plain `x` é 日本"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            escape_control("a\nb\rc\td\0e\x1b[31mf\x7fg\u{85}h\u{202e}i\u{2028}"),
            "a\\nb\\rc\\td\\x00e\\x1b[31mf\\x7fg\\u{85}h\\u{202e}i\\u{2028}"
        );
        assert_eq!(escaped_len('\x1b'), Some(4));
        assert_eq!(escaped_len('\u{202e}'), Some(8));
        assert_eq!(escaped_len('a'), None);
    }

    #[cfg(unix)]
    #[test]
    fn file_names_print_unambiguously() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let name = |bytes: &[u8]| Path::new(OsStr::from_bytes(bytes)).to_path_buf();
        assert!(matches!(
            display_path(Path::new("src/app.py")),
            Cow::Borrowed(_)
        ));
        let ff = name(b"x\xff.py");
        let fe = name(b"x\xfe.py");
        assert_eq!(display_path(&ff), "x\\xff.py");
        assert_eq!(display_path(&fe), "x\\xfe.py");
        // A name made of the escape's own characters differs too.
        assert_eq!(display_path(&name(b"x\\xff.py")), "x\\\\xff.py");
        assert_eq!(
            display_path(&name(b"a\nb.py:1:1: WL999 forged\x1b[2J")),
            "a\\nb.py:1:1: WL999 forged\\x1b[2J"
        );
        assert_eq!(path_text(&ff), "x\\xff.py");
        assert_eq!(path_text(&name(b"a\nb.py")), "a\nb.py");
    }
}
