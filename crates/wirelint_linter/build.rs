// Build script: extracts each rule file's `//!` doc comment into a generated
// lookup so `wirelint rule CODE` prints exactly the documentation in the source.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn collect_rule_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rule_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs")
            && path.file_name().is_some_and(|name| name != "mod.rs")
        {
            files.push(path);
        }
    }
}

fn module_doc(text: &str) -> String {
    let mut doc = String::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("//!") else {
            break;
        };
        doc.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        doc.push('\n');
    }
    doc.trim_end().to_string()
}

fn main() {
    let src = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("src");
    let rules_dir = src.join("rules");
    println!("cargo:rerun-if-changed={}", rules_dir.display());
    let mut files = Vec::new();
    collect_rule_files(&rules_dir, &mut files);
    files.sort();
    let mut out = String::from(
        "/// The `//!` documentation of a rule source file, by path below `src/`.\n\
         fn rule_doc_for_file(path: &str) -> &'static str {\n    match path {\n",
    );
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = fs::read_to_string(file).unwrap();
        writeln!(out, "        {relative:?} => {:?},", module_doc(&text)).unwrap();
    }
    out.push_str("        _ => \"\",\n    }\n}\n");
    let out_path = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("rule_docs.rs");
    fs::write(out_path, out).unwrap();
}
