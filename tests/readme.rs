//! The README's "Install" section works as pasted: the `time` dependency it lists has the
//! features the README's own examples use, and the `sigv4-wss` version is this crate's.
//! (CI also builds the "Use" example in a new crate with exactly those dependencies.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

const README: &str = include_str!("../README.md");

/// The body of the first fenced block after the heading `## {section}` with info `lang`.
fn block(section: &str, lang: &str) -> &'static str {
    let start = README.find(&format!("## {section}\n")).expect("section");
    let fence = format!("```{lang}\n");
    let body = start + README[start..].find(&fence).expect("block") + fence.len();
    &README[body..body + README[body..].find("```").expect("end of block")]
}

#[test]
fn install_lists_what_the_examples_use() {
    let install = block("Install", "toml");
    let time = install.lines().find(|l| l.starts_with("time ")).expect("a time line");
    if README.contains("time::macros") {
        assert!(time.contains("\"macros\""), "examples use time::macros, Install has {time:?}");
    }
    let version = env!("CARGO_PKG_VERSION");
    let major_minor = &version[..version.rfind('.').unwrap()];
    assert!(
        install.contains(&format!("sigv4-wss = \"{major_minor}\"")),
        "Install should ask for sigv4-wss {major_minor}: {install}"
    );
}
