//! Document URIs as paths: a `file:` URI names a file on disk (its settings
//! come from the configuration above it); any other URI (`untitled:`, a
//! notebook cell) names no file, though its path may still say which
//! workspace folder it belongs to.

use std::path::PathBuf;

use lsp_types::Uri;

/// The file a `file:` URI names: absolute, percent-decoded. `None` for
/// other schemes, a remote host, or a path that is not UTF-8.
pub(crate) fn file_path(uri: &Uri) -> Option<PathBuf> {
    let scheme = uri.scheme()?;
    if !scheme.as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    if let Some(authority) = uri.authority() {
        let host = authority.host().as_str();
        if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
            return None;
        }
    }
    decoded_absolute_path(uri)
}

/// The absolute path of any URI whose path is absolute (`untitled:/a/b.py`
/// too), percent-decoded; `None` when it has none.
pub(crate) fn any_path(uri: &Uri) -> Option<PathBuf> {
    decoded_absolute_path(uri)
}

fn decoded_absolute_path(uri: &Uri) -> Option<PathBuf> {
    let path = uri.path();
    if !path.is_absolute() {
        return None;
    }
    let decoded = path.as_estr().decode().into_string().ok()?;
    // `file:///C:/x` on Windows: the drive comes after the first slash.
    let decoded = if cfg!(windows) && decoded.as_bytes().get(2) == Some(&b':') {
        decoded[1..].to_string()
    } else {
        decoded.into_owned()
    };
    Some(PathBuf::from(decoded))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn uri(text: &str) -> Uri {
        Uri::from_str(text).unwrap()
    }

    #[test]
    #[cfg(unix)]
    fn file_uris_are_decoded_paths() {
        assert_eq!(
            file_path(&uri("file:///home/me/my%20project/caf%C3%A9.py")),
            Some(PathBuf::from("/home/me/my project/café.py"))
        );
        assert_eq!(
            file_path(&uri("file://localhost/srv/a.py")),
            Some(PathBuf::from("/srv/a.py"))
        );
        assert_eq!(
            file_path(&uri("FILE:///srv/a.py")),
            Some(PathBuf::from("/srv/a.py"))
        );
    }

    #[test]
    fn other_uris_are_not_files() {
        assert_eq!(file_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(file_path(&uri("file://server/share/a.py")), None);
        assert_eq!(file_path(&uri("file:///bad%FF.py")), None);
        assert_eq!(any_path(&uri("untitled:Untitled-1")), None);
    }

    #[test]
    #[cfg(unix)]
    fn other_uris_may_still_have_a_path() {
        assert_eq!(
            any_path(&uri("untitled:/work/proj/new.py")),
            Some(PathBuf::from("/work/proj/new.py"))
        );
        assert_eq!(file_path(&uri("untitled:/work/proj/new.py")), None);
    }
}
