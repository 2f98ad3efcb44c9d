//! wirelint_python: the `wirelint._core` extension module, bindings only.
//!
//! Each function converts its Python arguments, releases the GIL while the
//! engine (`wirelint_linter`, `wirelint_workspace`, `wirelint_cli`) does the
//! work, and converts the result. `check` runs on a thread of its own while
//! the calling thread keeps running Python's signal handlers, so Ctrl-C
//! (`KeyboardInterrupt`) stops it. Diagnostics come back as the public
//! records themselves (`Diagnostic`, `Fix`, `Edit`), which are defined once,
//! in `python/wirelint/_model.py`, and built here by field name; rules and
//! errors as tuples the package wraps. `python/wirelint/_core.pyi`
//! describes this module, and the tests check it against the module with
//! mypy's stubtest.

/// The same allocator as the `wirelint` binary: the engine allocates many
/// small, short-lived objects. It serves only this extension's Rust code.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::any::Any;
use std::ffi::OsString;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyType};
use wirelint_linter::{Diagnostic, Edit, Fix, LinterSettings, RuleSelection, RuleSelector};
use wirelint_workspace::{
    CheckFailure, CheckResult, ConfigSource, Overrides, Resolver, ResolverOptions, RunError,
    RunOptions,
};

pyo3::import_exception!(wirelint._errors, ConfigError);
pyo3::import_exception!(wirelint._errors, CheckError);

/// How often a running `check` has Python look for signals (Ctrl-C).
const SIGNAL_POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Stack size of the thread `check` runs on. It is reserved address space,
/// not memory: pages are only committed as deep as the run goes.
const CHECK_THREAD_STACK_SIZE: usize = 64 * 1024 * 1024;

/// `(kind, path, description)` with kind `missing-path`, `walk` or `panic`.
type RunErrorRow<'py> = (&'static str, Bound<'py, PyString>, String);
/// `(code, name, family, status, summary, docs)`
type RuleRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// Checks every Python file under `paths` (files or directories), each
/// with the settings of the closest configuration file above it, or of
/// `config` (a path) for every file, or of none when `isolated`. `select`,
/// `ignore` and `preview` override the configuration as the command line's
/// flags do.
///
/// Returns `(diagnostics, errors)`: diagnostics sorted by path, line and
/// column, and every path that could not be checked as
/// `(kind, path, description)` with kind `missing-path`, `walk` or `panic`.
/// An empty `paths` checks nothing. Raises `wirelint.ConfigError` for an
/// unknown rule selector or an invalid configuration file and
/// `wirelint.CheckError` if the run itself fails. A signal handler's
/// exception (`KeyboardInterrupt` on Ctrl-C) stops the run and is raised.
#[pyfunction]
#[allow(
    clippy::needless_pass_by_value,
    reason = "pyo3 extracts a Python list into an owned `Vec`; a slice cannot be an argument"
)]
fn check<'py>(
    py: Python<'py>,
    paths: Vec<PathBuf>,
    select: Option<Vec<String>>,
    ignore: Vec<String>,
    preview: bool,
    config: Option<PathBuf>,
    isolated: bool,
) -> PyResult<(Vec<Bound<'py, PyAny>>, Vec<RunErrorRow<'py>>)> {
    let overrides = Overrides {
        select: select.as_deref().map(parse_selectors).transpose()?,
        ignore: parse_selectors(&ignore)?,
        preview: preview.then_some(true),
        ..Overrides::default()
    };
    let source = match (config, isolated) {
        (Some(_), true) => {
            return Err(ConfigError::new_err(
                "config= and isolated=True exclude each other: pass one of them",
            ));
        }
        (Some(path), false) => ConfigSource::File(path),
        (None, true) => ConfigSource::Isolated,
        (None, false) => ConfigSource::Discover,
    };
    let current_dir = std::env::current_dir().map_err(|error| {
        ConfigError::new_err(format!("cannot read the current directory: {error}"))
    })?;
    let options = ResolverOptions {
        source,
        overrides,
        current_dir,
        output_formats: Vec::new(),
    };
    let cancel = AtomicBool::new(false);
    let outcome = py.detach(|| {
        run_interruptibly(&cancel, || {
            let resolver = Resolver::new(options).map_err(CheckFailure::Config)?;
            if paths.is_empty() {
                return Ok(CheckResult::default());
            }
            let options = RunOptions::default();
            wirelint_workspace::check_paths_cancellable(&paths, &resolver, options, &cancel)
        })
    })?;
    let checked = outcome.map_err(|payload| {
        let message = format!("wirelint failed: {}", panic_message(payload.as_ref()));
        CheckError::new_err((message, py.None()))
    })?;
    let result = checked.map_err(|failure| match failure {
        CheckFailure::Config(errors) => {
            let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
            ConfigError::new_err(messages.join("\n"))
        }
        // Not reached: only an exception from a signal handler cancels, and
        // that exception is raised instead.
        CheckFailure::Cancelled => CheckError::new_err("wirelint failed: the check was cancelled"),
    })?;

    let records = Records::get(py)?;
    let mut diagnostics = Vec::new();
    for report in &result.files {
        let path = report.path.as_os_str().into_pyobject(py)?;
        for diagnostic in &report.diagnostics {
            diagnostics.push(records.diagnostic(diagnostic, &path)?);
        }
    }
    let errors = result
        .errors
        .iter()
        .map(|error| run_error_row(py, error))
        .collect::<PyResult<_>>()?;
    Ok((diagnostics, errors))
}

/// Lints one source text, reporting it as `filename`.
///
/// Returns the diagnostics sorted by line and column. A source that
/// cannot be encoded as UTF-8 (a lone surrogate) is reported as WL002, as
/// a file that is not UTF-8 is. Raises `wirelint.ConfigError` for an
/// unknown rule selector and `wirelint.CheckError` if the engine fails on
/// this source.
#[pyfunction]
#[allow(
    clippy::needless_pass_by_value,
    reason = "pyo3 extracts a Python list into an owned `Vec`; a slice cannot be an argument"
)]
fn check_source<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyString>,
    filename: &Bound<'py, PyString>,
    select: Option<Vec<String>>,
    ignore: Vec<String>,
    preview: bool,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let settings = linter_settings(select.as_deref(), &ignore, preview)?;
    let records = Records::get(py)?;
    let source = match source.to_cow() {
        Ok(source) => source.into_owned(),
        Err(_) => {
            let diagnostic = not_utf8(source)?;
            return Ok(vec![records.diagnostic(&diagnostic, filename)?]);
        }
    };
    let outcome = py.detach(|| {
        catch_unwind(AssertUnwindSafe(|| {
            wirelint_linter::lint_source(&source, &settings)
        }))
    });
    let diagnostics = outcome.map_err(|payload| {
        let message = format!(
            "{}: wirelint failed: {}",
            filename,
            panic_message(payload.as_ref())
        );
        CheckError::new_err((message, filename.clone().unbind()))
    })?;
    diagnostics
        .iter()
        .map(|diagnostic| records.diagnostic(diagnostic, filename))
        .collect()
}

/// The WL002 of a source with a lone surrogate, which no UTF-8 file can
/// hold: where it is and which it is.
fn not_utf8(source: &Bound<'_, PyString>) -> PyResult<Diagnostic> {
    let encoded = source.call_method1("encode", ("utf-8", "surrogatepass"))?;
    let bytes: &[u8] = encoded.extract()?;
    let offset = std::str::from_utf8(bytes)
        .err()
        .map_or(0, |error| error.valid_up_to());
    let before = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    let surrogate = match bytes.get(offset..offset + 3) {
        Some(&[first, second, third]) => {
            (u32::from(first & 0x0f) << 12)
                | (u32::from(second & 0x3f) << 6)
                | u32::from(third & 0x3f)
        }
        _ => 0,
    };
    Ok(wirelint_linter::unreadable_file(format!(
        "Source is not valid UTF-8: a lone surrogate (U+{surrogate:04X}) at line {line}, \
         column {column} cannot be encoded"
    )))
}

/// Every rule in the registry, in code order, as
/// `(code, name, family, status, summary, docs)`.
#[pyfunction]
fn rules() -> Vec<RuleRow> {
    wirelint_linter::Rule::all()
        .map(|rule| {
            (
                rule.code(),
                rule.name(),
                rule.family().title(),
                rule.status().as_str(),
                rule.summary(),
                rule.docs(),
            )
        })
        .collect()
}

/// Runs the `wirelint` command line with `argv` (program name first) in this
/// process and returns its exit code: 0 clean, 1 findings, 2 error.
///
/// Python's `sys.stdout` and `sys.stderr` are flushed first, because the CLI
/// writes to the process's file descriptors directly.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<OsString>) -> PyResult<u8> {
    flush_python_streams(py)?;
    let exit_code = py.detach(|| {
        let outcome = catch_unwind(|| wirelint_cli::run(argv));
        // Nothing can be reported if flushing fails: the streams are gone.
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        // The panic hook has already printed what went wrong.
        outcome.unwrap_or(2)
    });
    Ok(exit_code)
}

/// Runs `work` on a thread of its own (with a large stack) while this
/// thread, detached from Python, wakes every [`SIGNAL_POLL_INTERVAL`] to
/// run Python's signal handlers. When one raises (`KeyboardInterrupt` on
/// Ctrl-C), `cancel` is set, the work is waited for (it stops soon), and
/// the handler's exception is returned. Otherwise returns what `work`
/// returned, or the payload it panicked with. Handlers only run when this
/// is Python's main thread. Call it with the GIL released.
fn run_interruptibly<T: Send>(
    cancel: &AtomicBool,
    work: impl FnOnce() -> T + Send,
) -> PyResult<thread::Result<T>> {
    thread::scope(|scope| {
        let (finished, done) = mpsc::channel::<()>();
        let worker = thread::Builder::new()
            .name("wirelint-check".to_string())
            .stack_size(CHECK_THREAD_STACK_SIZE)
            .spawn_scoped(scope, move || {
                // Dropped when `work` returns or panics: that wakes the wait.
                let _finished = finished;
                work()
            })
            .map_err(|error| {
                CheckError::new_err(format!(
                    "wirelint failed: cannot start a thread to check the files: {error}"
                ))
            })?;
        while done.recv_timeout(SIGNAL_POLL_INTERVAL) == Err(RecvTimeoutError::Timeout) {
            #[allow(
                clippy::redundant_closure_for_method_calls,
                reason = "`Python::check_signals` as a path is not general over the `Python` lifetime"
            )]
            let signals = Python::attach(|py| py.check_signals());
            if let Err(exception) = signals {
                cancel.store(true, Ordering::Relaxed);
                // What the run found, or how it failed, no longer matters.
                let _ = worker.join();
                return Err(exception);
            }
        }
        Ok(worker.join())
    })
}

/// Builds the engine settings; an unknown selector raises `ConfigError`.
fn linter_settings(
    select: Option<&[String]>,
    ignore: &[String],
    preview: bool,
) -> PyResult<LinterSettings> {
    let selection = RuleSelection {
        select: select.map(parse_selectors).transpose()?,
        extend_select: Vec::new(),
        ignore: parse_selectors(ignore)?,
        preview,
    };
    Ok(LinterSettings {
        rules: selection.resolve(),
        ..LinterSettings::default()
    })
}

fn parse_selectors(texts: &[String]) -> PyResult<Vec<RuleSelector>> {
    texts
        .iter()
        .map(|text| {
            text.parse::<RuleSelector>()
                .map_err(|error| ConfigError::new_err(error.to_string()))
        })
        .collect()
}

/// The record classes of `wirelint._model`, which define the fields: a
/// record is built by field name, so a renamed or missing field fails at
/// once (`TypeError`) instead of shifting values.
struct Records<'py> {
    diagnostic: &'py Bound<'py, PyType>,
    fix: &'py Bound<'py, PyType>,
    edit: &'py Bound<'py, PyType>,
}

impl<'py> Records<'py> {
    fn get(py: Python<'py>) -> PyResult<Self> {
        static DIAGNOSTIC: PyOnceLock<Py<PyType>> = PyOnceLock::new();
        static FIX: PyOnceLock<Py<PyType>> = PyOnceLock::new();
        static EDIT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
        Ok(Records {
            diagnostic: DIAGNOSTIC.import(py, "wirelint._model", "Diagnostic")?,
            fix: FIX.import(py, "wirelint._model", "Fix")?,
            edit: EDIT.import(py, "wirelint._model", "Edit")?,
        })
    }

    fn diagnostic(
        &self,
        diagnostic: &Diagnostic,
        path: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = self.diagnostic.py();
        let fields = PyDict::new(py);
        fields.set_item("code", diagnostic.rule.code())?;
        fields.set_item("name", diagnostic.rule.name())?;
        fields.set_item("message", &diagnostic.message)?;
        fields.set_item("path", path)?;
        fields.set_item("line", diagnostic.location.row)?;
        fields.set_item("column", diagnostic.location.column)?;
        fields.set_item("end_line", diagnostic.end_location.row)?;
        fields.set_item("end_column", diagnostic.end_location.column)?;
        match &diagnostic.fix {
            Some(fix) => fields.set_item("fix", self.fix(fix)?)?,
            None => fields.set_item("fix", py.None())?,
        }
        self.diagnostic.call((), Some(&fields))
    }

    fn fix(&self, fix: &Fix) -> PyResult<Bound<'py, PyAny>> {
        let py = self.fix.py();
        let edits = fix
            .edits
            .iter()
            .map(|edit| self.edit(edit))
            .collect::<PyResult<Vec<_>>>()?;
        let fields = PyDict::new(py);
        fields.set_item("applicability", fix.applicability.as_str())?;
        fields.set_item("message", &fix.message)?;
        fields.set_item("edits", pyo3::types::PyTuple::new(py, edits)?)?;
        self.fix.call((), Some(&fields))
    }

    fn edit(&self, edit: &Edit) -> PyResult<Bound<'py, PyAny>> {
        let fields = PyDict::new(self.edit.py());
        fields.set_item("content", &edit.content)?;
        fields.set_item("line", edit.location.row)?;
        fields.set_item("column", edit.location.column)?;
        fields.set_item("end_line", edit.end_location.row)?;
        fields.set_item("end_column", edit.end_location.column)?;
        self.edit.call((), Some(&fields))
    }
}

fn run_error_row<'py>(py: Python<'py>, error: &RunError) -> PyResult<RunErrorRow<'py>> {
    let kind = match error {
        RunError::MissingPath(_) => "missing-path",
        RunError::Walk { .. } => "walk",
        RunError::Panic { .. } => "panic",
    };
    let path = error.path().as_os_str().into_pyobject(py)?;
    Ok((kind, path, error.to_string()))
}

/// The text a panic was raised with, when it is a string.
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "internal error"
    }
}

/// Flushes `sys.stdout` and `sys.stderr` (either may be `None`).
fn flush_python_streams(py: Python<'_>) -> PyResult<()> {
    let sys = py.import("sys")?;
    for name in ["stdout", "stderr"] {
        let stream = sys.getattr(name)?;
        if !stream.is_none() {
            stream.call_method0("flush")?;
        }
    }
    Ok(())
}

#[pymodule]
fn _core(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_function(wrap_pyfunction!(check, module)?)?;
    module.add_function(wrap_pyfunction!(check_source, module)?)?;
    module.add_function(wrap_pyfunction!(rules, module)?)?;
    module.add_function(wrap_pyfunction!(main, module)?)?;
    Ok(())
}
