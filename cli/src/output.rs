//! Writing to stdout and stderr without panicking (`println!` panics when stdout is a closed
//! pipe), and keeping secrets out of what is written.

use std::io::Write as _;

/// Why a command failed; `main` turns it into one line on stderr and an exit status.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Bad usage: exit status 2.
    Usage(String),
    /// Anything else: exit status 1.
    Failed(String),
    /// Stdout is gone; there is no one to tell.
    StdoutClosed,
    /// `--help`: the usage on stdout, exit status 0.
    Help(String),
}

impl Failure {
    pub(crate) fn failed(message: impl Into<String>) -> Self {
        Self::Failed(message.into())
    }
}

/// Writes `text` and a newline to stdout, flushed (a reader on a pipe sees each message as it
/// arrives).
pub(crate) fn line(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}").and_then(|()| stdout.flush()).map_err(|_| Failure::StdoutClosed)
}

/// Writes `command: message` on one line of stderr, cut at 1,000 characters (an error can
/// quote its input, such as a 100 KB host name).
pub(crate) fn error(command: &str, message: &str) {
    let message = truncate(&one_line(message), 1000);
    // Nowhere left to report a failure to write to stderr.
    let _ = writeln!(std::io::stderr().lock(), "{command}: {message}");
}

/// `text` on one line: every run of whitespace or control characters becomes one space.
pub(crate) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// `text` with every occurrence of each non-empty secret replaced by `<redacted>`.
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        out = out.replace(secret, "<redacted>");
    }
    out
}

/// At most `max` characters of `text`, with `…` when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or(text)),
        None => text.to_owned(),
    }
}

/// An error and its sources, joined by `: ` (the SDK's and hyper's top-level messages say little alone), each said once.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = e.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_joins_lines_and_collapses_whitespace() {
        assert_eq!(one_line(" a\r\n b\t\tc \u{7}d "), "a b c d");
        assert_eq!(one_line(""), "");
    }

    #[test]
    fn redact_replaces_every_secret() {
        assert_eq!(
            redact("t=abc&s=def abc", &["abc", "", "def"]),
            "t=<redacted>&s=<redacted> <redacted>"
        );
    }

    #[test]
    fn truncate_cuts_on_characters() {
        assert_eq!(truncate("héllo", 2), "hé…");
        assert_eq!(truncate("hé", 2), "hé");
    }
}
