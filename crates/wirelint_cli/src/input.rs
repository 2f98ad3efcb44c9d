//! What `wirelint check` reads: the paths it was given, with `@FILE`
//! arguments expanded to the paths listed in FILE, or one source from
//! standard input (`-`) named by `--stdin-filename`.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use wirelint_workspace::{CheckResult, Resolver, RunOptions, check_paths_with, check_stdin};
use wirelint_workspace::{MAX_ARGUMENT_FILE_BYTES, read_argument_file};

/// What checking an input produced.
#[derive(Debug)]
pub(crate) struct Checked {
    pub result: CheckResult,
    /// The bytes read from standard input, when that was the input.
    pub stdin_source: Option<Vec<u8>>,
}

/// The source of what a run checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Input {
    /// Files and directories on disk.
    Paths(Vec<PathBuf>),
    /// One source on standard input, checked as the file `name`.
    Stdin { name: PathBuf },
}

impl Input {
    /// The input the path arguments describe. Fails on `-` mixed with other
    /// paths, `--stdin-filename` without `-`, and unreadable `@FILE`s.
    pub(crate) fn from_arguments(
        paths: &[PathBuf],
        stdin_filename: Option<&Path>,
    ) -> Result<Input, String> {
        let is_stdin = |path: &PathBuf| path.as_os_str() == "-";
        if paths.iter().any(is_stdin) {
            if paths.len() > 1 {
                return Err(
                    "`-` (standard input) cannot be checked together with other paths".to_string(),
                );
            }
            let name = stdin_filename.unwrap_or(Path::new("-")).to_path_buf();
            return Ok(Input::Stdin { name });
        }
        if stdin_filename.is_some() {
            return Err(
                "`--stdin-filename` names the source read from standard input: \
                        pass `-` as the path to read it"
                    .to_string(),
            );
        }
        expand_argument_files(paths).map(Input::Paths)
    }

    /// Checks the input with the settings `resolver` hands out, using the
    /// cache and applying fixes as `options` say (standard input is never
    /// cached and its fixes never written).
    pub(crate) fn check(
        &self,
        resolver: &Resolver,
        options: RunOptions,
    ) -> Result<Checked, Vec<String>> {
        let (checked, stdin_source) = match self {
            Input::Paths(paths) => (check_paths_with(paths, resolver, options), None),
            Input::Stdin { name } => {
                if crate::is_closed(crate::STDIN) {
                    return Err(vec![
                        "standard input is closed, so there is no source to check \
                         (`-` reads it from standard input)"
                            .to_string(),
                    ]);
                }
                let mut source = Vec::new();
                io::stdin()
                    .lock()
                    .read_to_end(&mut source)
                    .map_err(|error| vec![format!("cannot read standard input: {error}")])?;
                let checked = check_stdin(source.clone(), name, resolver, options.fix);
                (checked, Some(source))
            }
        };
        let result =
            checked.map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>())?;
        Ok(Checked {
            result,
            stdin_source,
        })
    }
}

/// Replaces each `@FILE` argument by the paths FILE lists, one per line;
/// blank lines and lines starting with `#` are skipped. Listed paths are
/// taken as they are (relative to the current directory), not expanded
/// again: a listed `@OTHER` that is not a file's name is an error naming
/// the argument file. FILE must be a regular file, or the pipe a shell
/// substitutes for `<(command)`, of at most [`MAX_ARGUMENT_FILE_BYTES`].
pub(crate) fn expand_argument_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut expanded = Vec::with_capacity(paths.len());
    for path in paths {
        let Some(list) = path.to_str().and_then(|text| text.strip_prefix('@')) else {
            expanded.push(path.clone());
            continue;
        };
        let text =
            read_argument_file(Path::new(list), MAX_ARGUMENT_FILE_BYTES).map_err(|error| {
                if error.is_not_found() {
                    format!("argument file `{list}` (from `@{list}`) does not exist")
                } else {
                    format!("cannot read argument file `{list}` (from `@{list}`): {error}")
                }
            })?;
        for line in text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
        {
            if line.starts_with('@') && fs::symlink_metadata(line).is_err() {
                return Err(format!(
                    "argument file `{list}` lists `{line}`, but argument files are not \
                     expanded inside argument files (and no file is named `{line}`)"
                ));
            }
            expanded.push(PathBuf::from(line));
        }
    }
    Ok(expanded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(texts: &[&str]) -> Vec<PathBuf> {
        texts.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn a_dash_reads_standard_input_under_its_name() {
        assert_eq!(
            Input::from_arguments(&paths(&["-"]), None),
            Ok(Input::Stdin { name: "-".into() })
        );
        assert_eq!(
            Input::from_arguments(&paths(&["-"]), Some(Path::new("src/app.py"))),
            Ok(Input::Stdin {
                name: "src/app.py".into()
            })
        );
    }

    #[test]
    fn standard_input_is_not_mixed_with_paths() {
        let error = Input::from_arguments(&paths(&["-", "src"]), None).unwrap_err();
        assert!(error.contains("`-`"), "{error}");
        let error = Input::from_arguments(&paths(&["src"]), Some(Path::new("a.py"))).unwrap_err();
        assert!(error.contains("--stdin-filename"), "{error}");
    }

    #[test]
    fn argument_files_expand_to_their_lines() {
        let temp = tempfile::tempdir().unwrap();
        let list = temp.path().join("files.txt");
        let literal = temp.path().join("@literal.py");
        fs::write(&literal, "x = 1\n").unwrap();
        fs::write(
            &list,
            format!(
                "a.py\n\n  # staged files\nsub dir/b.py  \r\n{}\n",
                literal.display()
            ),
        )
        .unwrap();
        let argument = PathBuf::from(format!("@{}", list.display()));
        let expanded = expand_argument_files(&[PathBuf::from("first.py"), argument]).unwrap();
        assert_eq!(
            expanded,
            [
                PathBuf::from("first.py"),
                PathBuf::from("a.py"),
                PathBuf::from("sub dir/b.py"),
                literal
            ]
        );
    }

    #[test]
    fn an_argument_file_listing_another_is_named_in_the_error() {
        let temp = tempfile::tempdir().unwrap();
        let list = temp.path().join("self.txt");
        fs::write(&list, "a.py\n@self.txt\n").unwrap();
        let argument = PathBuf::from(format!("@{}", list.display()));
        let error = expand_argument_files(&[argument]).unwrap_err();
        assert_eq!(
            error,
            format!(
                "argument file `{}` lists `@self.txt`, but argument files are not expanded \
                 inside argument files (and no file is named `@self.txt`)",
                list.display()
            )
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_argument_file_must_be_a_regular_file() {
        let temp = tempfile::tempdir().unwrap();
        let fifo = temp.path().join("files.fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let argument = PathBuf::from(format!("@{}", fifo.display()));
        let error = expand_argument_files(&[argument]).unwrap_err();
        assert!(
            error.ends_with("it is a FIFO (named pipe), not a regular file"),
            "{error}"
        );
        let error = expand_argument_files(&paths(&["@/dev/zero"])).unwrap_err();
        assert!(error.contains("character device"), "{error}");
    }

    #[test]
    fn a_missing_argument_file_is_named() {
        let error = expand_argument_files(&paths(&["@/nonexistent/list.txt"])).unwrap_err();
        assert_eq!(
            error,
            "argument file `/nonexistent/list.txt` (from `@/nonexistent/list.txt`) does not exist"
        );
    }
}
