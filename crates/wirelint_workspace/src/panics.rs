//! Catching a panic of the engine on one file, so the run goes on and the
//! error names the file, without the default hook's message on stderr.
//!
//! A process-wide panic hook is installed once. It stays silent only on a
//! thread that is inside [`catch_panic`] (where it records the panic's
//! source location for the error message) and hands every other panic to
//! the hook that was installed before it, so a host program (the Python
//! interpreter, a test harness) keeps its own reporting.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `work`; a panic becomes `Err` with its message and source location.
pub fn catch_panic<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    let was_catching = CATCHING.replace(true);
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    CATCHING.set(was_catching);
    result.map_err(|payload| {
        let message = payload_message(payload.as_ref());
        match PANIC_LOCATION.take() {
            Some(location) => format!("{message} (at {location})"),
            None => message,
        }
    })
}

fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous_hook = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CATCHING.get() {
                let location = info.location().map(ToString::to_string);
                PANIC_LOCATION.set(location);
            } else {
                previous_hook(info);
            }
        }));
    });
}

fn payload_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "panic with a non-text payload".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_with_message_and_location() {
        let error = catch_panic(|| -> u32 { panic!("boom {}", 42) }).unwrap_err();
        assert!(error.starts_with("boom 42 (at "), "{error}");
        assert!(error.contains("panics.rs"), "{error}");
    }

    #[test]
    fn a_normal_result_passes_through() {
        assert_eq!(catch_panic(|| 7), Ok(7));
    }

    #[test]
    fn a_non_text_payload_is_described() {
        let error = catch_panic(|| std::panic::panic_any(3_u8)).unwrap_err();
        assert!(
            error.starts_with("panic with a non-text payload"),
            "{error}"
        );
    }
}
