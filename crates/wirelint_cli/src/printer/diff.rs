//! `--diff`: the changes the fixes would make, as a unified diff with
//! `--- a/PATH` and `+++ b/PATH` headers (what `git apply` and `patch -p1`
//! read), one file after another in path order.

use std::io::{self, Write};

use similar::TextDiff;
use wirelint_workspace::{CheckResult, FixStatus};

use super::Printer;

impl Printer {
    /// Writes the diff of every file whose fixes were kept unwritten and
    /// returns how many fixes the diffs apply.
    pub(crate) fn write_diffs(
        &self,
        out: &mut dyn Write,
        result: &CheckResult,
    ) -> io::Result<usize> {
        let mut fixes = 0;
        for file in &result.fixed {
            let FixStatus::Unwritten { original, fixed } = &file.status else {
                continue;
            };
            let path = self.slash_path(&file.path);
            let path = path.trim_start_matches('/');
            TextDiff::from_lines(original.as_ref(), fixed.as_ref())
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_writer(&mut *out)?;
            fixes += file.applied;
        }
        Ok(fixes)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use wirelint_workspace::FixedFile;

    use super::*;
    use crate::args::OutputFormat;
    use crate::printer::test_support::printer;

    fn unwritten(path: &str, applied: usize, original: &str, fixed: &str) -> FixedFile {
        FixedFile {
            path: PathBuf::from(path),
            applied,
            status: FixStatus::Unwritten {
                original: Arc::from(original),
                fixed: Arc::from(fixed),
            },
        }
    }

    fn diffs(result: &CheckResult) -> (String, usize) {
        let mut out = Vec::new();
        let fixes = printer(OutputFormat::Concise)
            .write_diffs(&mut out, result)
            .unwrap();
        (String::from_utf8(out).unwrap(), fixes)
    }

    #[test]
    fn each_fixed_file_gets_a_unified_diff() {
        let original: String = (1..=10).map(|n| format!("line{n}\n")).collect();
        let fixed = original.replace("line5\n", "line five\n");
        let result = CheckResult {
            fixed: vec![
                unwritten("./pkg/app.py", 2, &original, &fixed),
                FixedFile {
                    path: PathBuf::from("pkg/written.py"),
                    applied: 1,
                    status: FixStatus::Written,
                },
                unwritten("/abs/b.py", 1, "x\n", "y\n"),
            ],
            ..CheckResult::default()
        };
        let (output, fixes) = diffs(&result);
        assert_eq!(
            output,
            "--- a/pkg/app.py\n+++ b/pkg/app.py\n@@ -2,7 +2,7 @@\n \
             line2\n line3\n line4\n-line5\n+line five\n line6\n line7\n line8\n\
             --- a/abs/b.py\n+++ b/abs/b.py\n@@ -1 +1 @@\n-x\n+y\n"
        );
        assert_eq!(fixes, 3);
    }

    #[test]
    fn a_missing_final_newline_is_marked() {
        let result = CheckResult {
            fixed: vec![unwritten("a.py", 1, "x = 1", "x = 2")],
            ..CheckResult::default()
        };
        let (output, _) = diffs(&result);
        assert!(output.contains("\\ No newline at end of file"), "{output}");
    }
}
