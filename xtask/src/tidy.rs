//! Conventions that `cargo test` enforces, the rust-analyzer way: each check is a `#[test]`.
//!
//! - every Rust source file starts with `//!` module docs;
//! - no `todo!`, `unimplemented!` or `dbg!` is left in the tree;
//! - dependencies point down only (auth ← transport ← services ← facade/cli), and `hwcloud-auth`
//!   never depends on an HTTP client or an async runtime;
//! - `anyhow` only in binaries and xtask;
//! - the README's Quick start holds the two commands a newcomer runs, and `.ci/run` runs `cargo xtask ci`.

#![cfg(test)]

use std::fs;
use std::path::{Path, PathBuf};

use crate::process::workspace_root;

/// Every `.rs` file under the given workspace-relative directories.
fn rust_files(dirs: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "target") {
                    continue;
                }
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = workspace_root();
    let mut out = Vec::new();
    for dir in dirs {
        walk(&root.join(dir), &mut out);
    }
    out.sort();
    out
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn relative(path: &Path) -> String {
    path.strip_prefix(workspace_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn every_module_starts_with_docs() {
    let missing: Vec<String> = rust_files(&["crates", "xtask", "tests"])
        .into_iter()
        .filter(|path| {
            let text = read(path);
            let first = text
                .lines()
                .find(|l| !l.trim().is_empty() && !l.starts_with("#!["));
            !first.is_some_and(|l| l.starts_with("//!"))
        })
        .map(|p| relative(&p))
        .collect();
    assert!(
        missing.is_empty(),
        "files without `//!` module docs: {missing:#?}"
    );
}

#[test]
fn no_leftover_placeholders() {
    // Built from pieces so this file does not trip its own check.
    let needles = [
        concat!("todo", "!("),
        concat!("unimplemented", "!("),
        concat!("dbg", "!("),
    ];
    let mut found = Vec::new();
    for path in rust_files(&["crates", "xtask", "tests"]) {
        for (i, line) in read(&path).lines().enumerate() {
            if needles.iter().any(|n| line.contains(n)) {
                found.push(format!("{}:{}: {}", relative(&path), i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "placeholders left in the tree: {found:#?}"
    );
}

/// The names in the `[dependencies]` table of a crate manifest (not dev- or build-dependencies).
fn normal_dependencies(manifest: &str) -> Vec<String> {
    let mut in_deps = false;
    let mut names = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && let Some((name, _)) = line.split_once('=') {
            // `name.workspace = true` and `name = { … }` both name the crate before any dot.
            let name = name.trim().split('.').next().unwrap_or_default();
            if !name.is_empty() && !name.starts_with('#') {
                names.push(name.to_string());
            }
        }
    }
    names
}

#[test]
fn dependencies_point_down() {
    // (crate directory, workspace crates it may depend on)
    let layers: &[(&str, &[&str])] = &[
        ("crates/auth", &[]),
        ("crates/transport", &["hwcloud-auth"]),
        (
            "crates/codeartsbuild-v3",
            &["hwcloud-auth", "hwcloud-transport"],
        ),
        (
            "crates/servicestage-assembling-v1",
            &["hwcloud-auth", "hwcloud-transport"],
        ),
        ("crates/emulator", &["hwcloud-auth"]),
        (
            "crates/facade",
            &[
                "hwcloud-auth",
                "hwcloud-transport",
                "hwcloud-codeartsbuild-v3",
                "hwcloud-servicestage-assembling-v1",
            ],
        ),
        (
            "crates/cli",
            &[
                "hwcloud",
                "hwcloud-auth",
                "hwcloud-transport",
                "hwcloud-codeartsbuild-v3",
                "hwcloud-servicestage-assembling-v1",
                "hwcloud-emulator",
            ],
        ),
    ];
    let mut wrong = Vec::new();
    for (dir, allowed) in layers {
        let manifest = read(&workspace_root().join(dir).join("Cargo.toml"));
        for dep in normal_dependencies(&manifest) {
            if dep.starts_with("hwcloud") && !allowed.contains(&dep.as_str()) {
                wrong.push(format!("{dir} depends on {dep}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies must point down only: {wrong:#?}"
    );
}

#[test]
fn auth_has_no_http_client_or_runtime() {
    let manifest = read(&workspace_root().join("crates/auth/Cargo.toml"));
    let forbidden = ["reqwest", "hyper", "tokio", "ureq", "async-std", "smol"];
    let found: Vec<String> = normal_dependencies(&manifest)
        .into_iter()
        .filter(|d| forbidden.contains(&d.as_str()))
        .collect();
    assert!(
        found.is_empty(),
        "hwcloud-auth must stay runtime- and client-free: {found:?}"
    );
}

#[test]
fn anyhow_only_in_binaries_and_xtask() {
    let libraries = [
        "crates/auth",
        "crates/transport",
        "crates/codeartsbuild-v3",
        "crates/servicestage-assembling-v1",
        "crates/facade",
    ];
    let mut found = Vec::new();
    for dir in libraries {
        let manifest = read(&workspace_root().join(dir).join("Cargo.toml"));
        if normal_dependencies(&manifest).iter().any(|d| d == "anyhow") {
            found.push(format!("{dir}/Cargo.toml"));
        }
    }
    // The emulator is a library and a binary: only its binary may use anyhow.
    for path in rust_files(&["crates/emulator/src"]) {
        if !path.ends_with("main.rs") && read(&path).contains("anyhow") {
            found.push(relative(&path));
        }
    }
    assert!(
        found.is_empty(),
        "anyhow belongs in binaries and xtask only: {found:?}"
    );
}

#[test]
fn readme_quick_start_and_ci_entry_point() {
    let readme = read(&workspace_root().join("README.md"));
    let quick_start = readme
        .split("## Quick start")
        .nth(1)
        .expect("README has a `## Quick start` section");
    let demo = quick_start
        .find("cargo run -p hwcloud-cli -- demo")
        .expect("Quick start runs the demo");
    let test = quick_start
        .find("cargo test --workspace")
        .expect("Quick start runs the tests");
    assert!(demo < test, "the demo command comes first in Quick start");
    let ci = read(&workspace_root().join(".ci/run"));
    assert!(
        ci.contains("cargo xtask ci"),
        ".ci/run must run `cargo xtask ci`"
    );
}

#[test]
fn no_trailing_whitespace() {
    let mut found = Vec::new();
    for path in rust_files(&["crates", "xtask", "tests"]) {
        for (i, line) in read(&path).lines().enumerate() {
            if line.ends_with(' ') || line.ends_with('\t') {
                found.push(format!("{}:{}", relative(&path), i + 1));
            }
        }
    }
    assert!(found.is_empty(), "trailing whitespace: {found:?}");
}
