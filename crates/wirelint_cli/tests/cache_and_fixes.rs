//! End-to-end tests of the result cache and of `--fix`, `--diff` and
//! `--fix-only`, run against the `wirelint` binary (the Python suite has
//! more; these keep `cargo test` honest on its own).

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// WL201 (safe fix) on line 3, WL203 (no fix) on line 4.
const SCALAR: &str =
    "import httpx\nimport requests\nhttpx.get(url, timeout=5)\nrequests.get(url)\n";
const FIXED: &str = "import httpx\nimport requests\n\
                     httpx.get(url, timeout=httpx.Timeout(5, connect=5, read=5, write=5, pool=5))\n\
                     requests.get(url)\n";

fn wirelint(directory: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirelint"))
        .args(args)
        .current_dir(directory)
        .env_remove("WIRELINT_CACHE_DIR")
        .output()
        .expect("the wirelint binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// Every entry file below `cache` (entry names are 30 hex digits).
fn entries(cache: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(shards) = fs::read_dir(cache.join("v1")) else {
        return found;
    };
    for shard in shards {
        for entry in fs::read_dir(shard.unwrap().path()).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.len() == 30 && name.bytes().all(|byte| byte.is_ascii_hexdigit()) {
                found.push(name);
            }
        }
    }
    found
}

#[test]
fn a_warm_run_matches_a_cold_one_and_no_cache_writes_nothing() {
    let temp = tempfile::tempdir().unwrap();
    fs::write(temp.path().join("app.py"), SCALAR).unwrap();
    fs::write(temp.path().join("broken.py"), "def f(:\n").unwrap();
    let uncached = wirelint(temp.path(), &["check", "--no-cache"]);
    assert!(!temp.path().join(".wirelint_cache").exists());
    let cold = wirelint(temp.path(), &["check"]);
    let cache = temp.path().join(".wirelint_cache");
    assert!(cache.join("CACHEDIR.TAG").is_file());
    assert_eq!(entries(&cache).len(), 2);
    let warm = wirelint(temp.path(), &["check"]);
    for output in [&cold, &warm] {
        assert_eq!(output.status.code(), uncached.status.code());
        assert_eq!(text(&output.stdout), text(&uncached.stdout));
    }
}

#[test]
fn clean_removes_the_cache_check_uses_and_refuses_a_directory_it_did_not_make() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    fs::write(root.join("wirelint.toml"), "cache-dir = \"build/lint\"\n").unwrap();
    fs::write(root.join("app.py"), SCALAR).unwrap();
    fs::create_dir(root.join("sub")).unwrap();
    fs::write(root.join("sub/b.py"), SCALAR).unwrap();
    assert_eq!(wirelint(root, &["check"]).status.code(), Some(1));
    let cache = root.join("build/lint");
    let bytes: u64 = fs::read_dir(cache.join("v1"))
        .unwrap()
        .flat_map(|shard| fs::read_dir(shard.unwrap().path()).unwrap())
        .map(|entry| entry.unwrap().metadata().unwrap().len())
        .sum();
    assert_eq!(entries(&cache).len(), 2);
    assert!((1024..1024 * 1024).contains(&bytes), "{bytes}");

    // Run from a subdirectory, as check would be: the same configuration, the same cache.
    let cleaned = wirelint(&root.join("sub"), &["clean"]);
    assert_eq!(cleaned.status.code(), Some(0), "{}", text(&cleaned.stderr));
    let shown = cache.display().to_string();
    assert_eq!(
        text(&cleaned.stdout),
        format!(
            "Removed the cache at `{shown}`: 2 entries, {:.1} KiB.\n",
            bytes as f64 / 1024.0
        )
    );
    assert!(!cache.exists());
    assert!(root.join("build").is_dir(), "only the cache directory goes");
    let again = wirelint(root, &["clean"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        text(&again.stdout),
        "No cache at `build/lint`: nothing to remove.\n"
    );

    // --cache-dir names another; a directory wirelint did not make is left whole.
    fs::create_dir(root.join("notes")).unwrap();
    fs::write(root.join("notes/todo.txt"), "keep me").unwrap();
    let refused = wirelint(root, &["clean", "--cache-dir", "notes"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).starts_with(
            "error: cannot remove the cache at `notes`: it exists and is not a wirelint cache"
        ),
        "{}",
        text(&refused.stderr)
    );
    assert!(root.join("notes/todo.txt").is_file());
}

#[test]
fn fix_writes_the_file_and_counts_fixed_and_remaining() {
    let temp = tempfile::tempdir().unwrap();
    let app = temp.path().join("app.py");
    fs::write(&app, SCALAR).unwrap();
    let output = wirelint(temp.path(), &["check", "--fix"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert_eq!(fs::read_to_string(&app).unwrap(), FIXED);
    assert!(
        text(&output.stdout).contains("\nFound 2 errors (1 fixed, 1 remaining).\n"),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn diff_writes_nothing_and_fix_only_reports_the_count() {
    let temp = tempfile::tempdir().unwrap();
    let app = temp.path().join("app.py");
    fs::write(&app, SCALAR).unwrap();
    let diff = wirelint(temp.path(), &["check", "--diff"]);
    assert_eq!(diff.status.code(), Some(1));
    assert!(text(&diff.stdout).starts_with("--- a/app.py\n+++ b/app.py\n"));
    assert_eq!(fs::read_to_string(&app).unwrap(), SCALAR);
    let fix_only = wirelint(temp.path(), &["check", "--fix-only"]);
    assert_eq!(fix_only.status.code(), Some(0));
    assert_eq!(text(&fix_only.stdout), "Fixed 1 error.\n");
    assert_eq!(fs::read_to_string(&app).unwrap(), FIXED);
    let nothing_left = wirelint(temp.path(), &["check", "--diff"]);
    assert_eq!(nothing_left.status.code(), Some(0));
    assert_eq!(text(&nothing_left.stdout), "");
}
