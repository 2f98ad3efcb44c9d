//! `wirelint clean`: removes the cache of results that `wirelint check`
//! would use from here (the same configuration, `WIRELINT_CACHE_DIR` and
//! `--cache-dir`), and says how much it removed.

use std::io::Write;

use wirelint_workspace::{Overrides, clear_cache, display_path, human_size};

use crate::args::CleanArgs;
use crate::config::{self, report_errors};
use crate::{ExitStatus, output_failed};

pub(crate) fn clean(
    args: &CleanArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> ExitStatus {
    let overrides = Overrides {
        cache_dir: args.cache_dir.clone(),
        ..Overrides::default()
    };
    let resolver = match config::resolver_from(args.config.as_ref(), args.isolated, overrides) {
        Ok(resolver) => resolver,
        Err(errors) => return report_errors(stderr, &errors),
    };
    let root = resolver.root();
    let directory = &root.cache_dir;
    // Relative to where the user stands when it is below it, as check's paths are.
    let shown = display_path(
        directory
            .strip_prefix(resolver.current_dir())
            .unwrap_or(directory),
    );
    let written = match clear_cache(directory, resolver.current_dir(), &root.project_root) {
        Ok(None) => writeln!(stdout, "No cache at `{shown}`: nothing to remove."),
        Ok(Some(cleared)) => writeln!(
            stdout,
            "Removed the cache at `{shown}`: {} entr{}, {}.",
            cleared.entries,
            if cleared.entries == 1 { "y" } else { "ies" },
            human_size(cleared.bytes)
        ),
        Err(error) => {
            return report_errors(
                stderr,
                &[format!("cannot remove the cache at `{shown}`: {error}")],
            );
        }
    };
    if output_failed(written.and_then(|()| stdout.flush()), stderr) {
        return ExitStatus::Error;
    }
    ExitStatus::Success
}
