//! Writes two files into `OUT_DIR` for the browser tests (`tests/browser.rs`), which cannot read
//! files at run time:
//!
//! - `suite.rs`: `SUITE`, every case of the AWS SigV4 test suite (`tests/data` of the library)
//!   that has a query variant, as `(name, request.txt, context.json, query-signature.txt)`
//!   with the files' contents included at compile time;
//! - `readme_browser.rs`: the README's Rust example from its section "In the browser" (a
//!   `rust,ignore` block there, since it only builds for the browser).
//!
//! The library's own build never includes them.

use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() -> Result<(), Box<dyn Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = PathBuf::from(env::var("OUT_DIR")?);

    let suite = root.join("tests/data/aws-sigv4-test-suite/v4");
    println!("cargo::rerun-if-changed={}", suite.display());
    let mut cases: Vec<PathBuf> =
        fs::read_dir(&suite)?.map(|entry| entry.map(|e| e.path())).collect::<Result<_, _>>()?;
    cases.retain(|case| case.join("query-signature.txt").is_file());
    cases.sort();
    let mut code = format!("const SUITE: [(&str, &str, &str, &str); {}] = [\n", cases.len());
    for case in &cases {
        let name = case.file_name().and_then(|n| n.to_str()).ok_or("case name")?;
        // As a string, to write it as a string literal.
        let file = |f: &str| -> Result<String, Box<dyn Error>> {
            let path = fs::canonicalize(case.join(f))?;
            Ok(path.to_str().ok_or("a path that is not UTF-8")?.to_owned())
        };
        let (request, context, signature) =
            (file("request.txt")?, file("context.json")?, file("query-signature.txt")?);
        writeln!(
            code,
            "    ({name:?}, include_str!({request:?}), include_str!({context:?}), \
             include_str!({signature:?})),"
        )?;
    }
    code.push_str("];\n");
    fs::write(out.join("suite.rs"), code)?;

    let readme_path = root.join("README.md");
    println!("cargo::rerun-if-changed={}", readme_path.display());
    let readme = fs::read_to_string(&readme_path)?;
    let example = readme
        .split_once("\n## In the browser\n")
        .map(|(_, rest)| rest.split_once("\n## ").map_or(rest, |(section, _)| section))
        .and_then(|section| section.split_once("```rust,ignore\n"))
        .and_then(|(_, block)| block.split_once("```"))
        .map_or(
            "compile_error!(\"README.md: no rust,ignore block under ## In the browser\");",
            |b| b.0,
        );
    fs::write(out.join("readme_browser.rs"), example)?;
    Ok(())
}
