//! Fingerprints the engine's source for the cache key: the version number
//! alone does not change while rules are being written, and a cache that
//! outlived a change to a rule would replay stale diagnostics.
//!
//! The fingerprint hashes the source of the engine crate, of this crate and
//! the workspace's `Cargo.lock` (the parser's version). When built outside
//! the workspace (from a package) those paths are missing and the
//! fingerprint covers what is there; the version still keys the cache.

use std::fs;
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::Xxh3;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let roots = [
        manifest_dir.join("src"),
        manifest_dir.join("../wirelint_linter/src"),
        manifest_dir.join("../wirelint_linter/build.rs"),
        manifest_dir.join("../wirelint_linter/Cargo.toml"),
        manifest_dir.join("../../Cargo.lock"),
    ];
    let mut hasher = Xxh3::new();
    for root in &roots {
        println!("cargo:rerun-if-changed={}", root.display());
        let mut files = Vec::new();
        collect_files(root, &mut files);
        files.sort();
        for file in files {
            let relative = file.strip_prefix(&manifest_dir).unwrap_or(&file);
            let name = relative.to_string_lossy();
            let contents = fs::read(&file).unwrap_or_default();
            hasher.update(&(name.len() as u64).to_le_bytes());
            hasher.update(name.as_bytes());
            hasher.update(&(contents.len() as u64).to_le_bytes());
            hasher.update(&contents);
        }
    }
    println!(
        "cargo:rustc-env=WIRELINT_ENGINE_FINGERPRINT={:032x}",
        hasher.digest128()
    );
}

/// Every file at or below `path`; nothing when it does not exist.
fn collect_files(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_file() {
        files.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        collect_files(&entry.path(), files);
    }
}
