//! From the command line to the workspace's settings: where configuration
//! comes from (`--config`, `--isolated` or discovery), what the flags and
//! the environment override, and which output format a run prints in.

use std::env;
use std::fmt::Display;
use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use wirelint_workspace::{CACHE_DIR_ENV_VAR, ConfigSource, Overrides, Resolver, ResolverOptions};

use crate::ExitStatus;
use crate::args::{CheckArgs, OutputFormat};

/// The resolver for a `check` run; the errors say what is wrong with the
/// configuration (or the current directory).
pub(crate) fn resolver(args: &CheckArgs) -> Result<Resolver, Vec<String>> {
    resolver_from(args.config.as_ref(), args.isolated, args.overrides())
}

/// The resolver for configuration from `config` (else `isolated`, else
/// discovered) with `overrides`; without a cache directory among them,
/// the environment's `WIRELINT_CACHE_DIR` is one.
pub(crate) fn resolver_from(
    config: Option<&PathBuf>,
    isolated: bool,
    mut overrides: Overrides,
) -> Result<Resolver, Vec<String>> {
    let current_dir = env::current_dir()
        .map_err(|error| vec![format!("cannot read the current directory: {error}")])?;
    let source = match (config, isolated) {
        (Some(path), _) => ConfigSource::File(path.clone()),
        (None, true) => ConfigSource::Isolated,
        (None, false) => ConfigSource::Discover,
    };
    if overrides.cache_dir.is_none() {
        overrides.cache_dir = env::var_os(CACHE_DIR_ENV_VAR)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from);
    }
    Resolver::new(ResolverOptions {
        source,
        overrides,
        current_dir,
        output_formats: output_format_names(),
    })
    .map_err(|errors| errors.iter().map(ToString::to_string).collect())
}

/// `--output-format`, else the root configuration's `output-format`, else
/// concise.
pub(crate) fn output_format(args: &CheckArgs, resolver: &Resolver) -> OutputFormat {
    args.output_format
        .or_else(|| {
            let configured = resolver.root().output_format.as_deref()?;
            OutputFormat::from_str(configured, false).ok()
        })
        .unwrap_or(OutputFormat::Concise)
}

/// The names `--output-format` accepts, which `output-format` accepts too.
fn output_format_names() -> Vec<String> {
    OutputFormat::value_variants()
        .iter()
        .filter_map(ValueEnum::to_possible_value)
        .map(|value| value.get_name().to_string())
        .collect()
}

/// Prints each error as `error: ...` and returns the error status.
pub(crate) fn report_errors(stderr: &mut dyn Write, errors: &[impl Display]) -> ExitStatus {
    for error in errors {
        // Nothing better to do if stderr itself is gone.
        let _ = writeln!(stderr, "error: {error}");
    }
    ExitStatus::Error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_output_format_can_be_configured() {
        let names = output_format_names();
        assert!(names.contains(&"concise".to_string()));
        assert!(names.contains(&"json".to_string()));
        for name in &names {
            assert!(OutputFormat::from_str(name, false).is_ok(), "{name}");
        }
        assert_eq!(names.len(), OutputFormat::value_variants().len());
    }
}
