// Build script: reads the rule files below `src/rules/<family>/` and
// generates (1) the registration of every rule, in code order, for the
// `register_rules!` macro in `registry.rs`, from each file's `RULE`
// declaration, and (2) a lookup of each rule file's `//!` doc comment, so
// `wirelint rule CODE` prints exactly the documentation in the source.

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

/// The string value of `field: "..."` in a rule's `RULE` declaration.
fn declared(declaration: &str, field: &str) -> Option<String> {
    let start = declaration.find(&format!("\n    {field}: \""))? + field.len() + 8;
    let end = start + declaration[start..].find('"')?;
    Some(declaration[start..end].to_string())
}

/// `missing-timeout` → `MissingTimeout`.
fn variant_name(rule_name: &str) -> String {
    rule_name
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

fn main() {
    let src = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("src");
    let rules_dir = src.join("rules");
    println!("cargo:rerun-if-changed={}", rules_dir.display());
    let mut files = Vec::new();
    collect_rule_files(&rules_dir, &mut files);
    files.sort();
    let mut docs = String::from(
        "/// The `//!` documentation of a rule source file, by path below `src/`.\n\
         fn rule_doc_for_file(path: &str) -> &'static str {\n    match path {\n",
    );
    let mut registrations: Vec<(String, String)> = Vec::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = fs::read_to_string(file).unwrap();
        writeln!(docs, "        {relative:?} => {:?},", module_doc(&text)).unwrap();
        // A rule file is a file in a family folder that declares `RULE`.
        let Some(start) = text.find("pub(crate) const RULE: RuleDef = RuleDef {") else {
            continue;
        };
        let declaration = &text[start..];
        let declaration = &declaration[..declaration.find("\n};").unwrap_or(declaration.len())];
        let (Some(code), Some(name)) =
            (declared(declaration, "code"), declared(declaration, "name"))
        else {
            panic!("{relative}: the RULE declaration lacks a code or a name");
        };
        let module_path = relative
            .trim_start_matches("rules/")
            .trim_end_matches(".rs");
        let Some((family, module)) = module_path.split_once('/') else {
            panic!("{relative}: a rule file lives in a family folder, rules/<family>/");
        };
        let line = format!("    {} => {family}::{module},", variant_name(&name));
        registrations.push((code, line));
    }
    docs.push_str("        _ => \"\",\n    }\n}\n");
    registrations.sort();
    let mut registry = String::from("register_rules! {\n");
    for (_, line) in &registrations {
        registry.push_str(line);
        registry.push('\n');
    }
    registry.push_str("}\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    fs::write(out_dir.join("rule_docs.rs"), docs).unwrap();
    fs::write(out_dir.join("registered_rules.rs"), registry).unwrap();
}
