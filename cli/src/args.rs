//! Command-line parsing, by hand: five commands with a few options each, and error messages that
//! fit the presign example's contract (one line, exit status 2).

use std::time::Duration;

use sigv4_wss::{Error, Scope};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::output::Failure;

/// An option that takes a value: its long name and, if any, its short one.
pub(crate) struct Opt {
    pub(crate) long: &'static str,
    pub(crate) short: Option<&'static str>,
    /// Whether it may be given more than once (`-x`, `-H`).
    pub(crate) repeated: bool,
}

pub(crate) const fn opt(long: &'static str) -> Opt {
    Opt { long, short: None, repeated: false }
}

/// The options and operands of one command line.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    values: Vec<(&'static str, String)>,
    pub(crate) operands: Vec<String>,
}

impl Parsed {
    /// Reads `args` against `opts`: `--name value`, `--name=value`, `-s value`; `--` ends the
    /// options; `-h`/`--help` asks for the usage.
    pub(crate) fn read(args: Vec<String>, opts: &[Opt], usage: &str) -> Result<Self, Failure> {
        let mut parsed = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--" {
                parsed.operands.extend(args.by_ref());
                break;
            }
            if arg == "-h" || arg == "--help" {
                return Err(Failure::Help(usage.to_owned()));
            }
            if !arg.starts_with('-') || arg == "-" {
                parsed.operands.push(arg);
                continue;
            }
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
                _ => (arg.as_str(), None),
            };
            let Some(opt) = opts.iter().find(|o| o.long == name || o.short == Some(name)) else {
                return Err(usage_error(format!("unknown option {name}"), usage));
            };
            let value = match inline {
                Some(value) => value,
                None => args
                    .next()
                    .ok_or_else(|| usage_error(format!("{name} needs a value"), usage))?,
            };
            if !opt.repeated && parsed.values.iter().any(|(long, _)| *long == opt.long) {
                return Err(usage_error(format!("{} given twice", opt.long), usage));
            }
            parsed.values.push((opt.long, value));
        }
        Ok(parsed)
    }

    /// The value of option `long`, if given.
    pub(crate) fn get(&self, long: &str) -> Option<&str> {
        self.values.iter().find(|(name, _)| *name == long).map(|(_, value)| value.as_str())
    }

    /// Every value of a repeated option, in order.
    pub(crate) fn all(&self, long: &str) -> impl Iterator<Item = &str> {
        self.values.iter().filter(move |(name, _)| *name == long).map(|(_, value)| value.as_str())
    }

    /// Exactly `names.len()` operands, or a usage error naming the first missing one.
    pub(crate) fn operands<const N: usize>(
        &self, names: [&str; N], usage: &str,
    ) -> Result<[&str; N], Failure> {
        if let Some(missing) = names.get(self.operands.len()) {
            return Err(usage_error(format!("no {missing} given"), usage));
        }
        if self.operands.len() > N {
            let what = names.last().copied().unwrap_or("operand");
            return Err(usage_error(format!("more than one {what} given"), usage));
        }
        let mut out = [""; N];
        for (slot, operand) in out.iter_mut().zip(&self.operands) {
            *slot = operand;
        }
        Ok(out)
    }

    /// `--name` as an RFC 3339 time.
    pub(crate) fn time(&self, long: &str) -> Result<Option<OffsetDateTime>, Failure> {
        self.get(long)
            .map(|v| {
                OffsetDateTime::parse(v, &Rfc3339).map_err(|_| {
                    Failure::Usage(format!(
                        "{long} {v:?} is not an RFC 3339 time such as 2020-01-31T10:02:33Z"
                    ))
                })
            })
            .transpose()
    }

    /// `--name` as a non-negative number of seconds, fractions allowed.
    pub(crate) fn seconds(&self, long: &str) -> Result<Option<Duration>, Failure> {
        self.get(long)
            .map(|v| {
                v.parse::<f64>()
                    .ok()
                    .and_then(|s| Duration::try_from_secs_f64(s).ok())
                    .filter(|d| *d <= Duration::from_hours(24))
                    .ok_or_else(|| {
                        Failure::Usage(format!("{long} {v:?} is not 0 to 86400 seconds"))
                    })
            })
            .transpose()
    }
}

fn usage_error(message: impl std::fmt::Display, usage: &str) -> Failure {
    Failure::Usage(format!("{message}; {usage}"))
}

/// The credential scope for `url`: `--region` and `--service` when both are given, else what
/// the host says, completed or overridden by the one given.
pub(crate) fn scope(
    url: &str, region: Option<&str>, service: Option<&str>,
) -> Result<Scope, Failure> {
    match (region, service) {
        (Some(region), Some(service)) => Scope::new(region, service),
        (region, service) => Scope::from_url(url).and_then(|inferred| {
            Scope::new(region.unwrap_or(inferred.region()), service.unwrap_or(inferred.service()))
        }),
    }
    .map_err(|e| match e {
        Error::UnknownEndpoint { .. } => {
            Failure::Failed(format!("{e}: use --region and --service"))
        }
        e => Failure::Failed(e.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: &[Opt] =
        &[opt("--region"), Opt { long: "--execute", short: Some("-x"), repeated: true }];

    fn read(args: &[&str]) -> Result<Parsed, Failure> {
        Parsed::read(args.iter().map(|&a| a.to_owned()).collect(), OPTS, "usage")
    }

    fn usage_message(result: Result<Parsed, Failure>) -> String {
        match result {
            Err(Failure::Usage(message)) => message,
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn reads_options_in_every_form() {
        let parsed =
            read(&["--region=eu-west-1", "-x", "a", "url", "--execute", "-b", "--", "-c"]).unwrap();
        assert_eq!(parsed.get("--region"), Some("eu-west-1"));
        assert_eq!(parsed.all("--execute").collect::<Vec<_>>(), ["a", "-b"]);
        assert_eq!(parsed.operands, ["url", "-c"]);
    }

    #[test]
    fn refuses_unknown_repeated_and_valueless_options() {
        assert_eq!(
            usage_message(read(&["--frobnicate", "u"])),
            "unknown option --frobnicate; usage"
        );
        assert_eq!(usage_message(read(&["u", "--region"])), "--region needs a value; usage");
        assert_eq!(
            usage_message(read(&["--region", "a", "--region", "b"])),
            "--region given twice; usage"
        );
    }

    #[test]
    fn counts_operands() {
        let none = read(&[]).unwrap();
        assert!(
            matches!(none.operands(["URL"], "u"), Err(Failure::Usage(m)) if m == "no URL given; u")
        );
        let two = read(&["a", "b"]).unwrap();
        assert!(two.operands(["URL"], "u").is_err());
        assert_eq!(two.operands(["URL", "MESSAGE"], "u").unwrap(), ["a", "b"]);
    }

    #[test]
    fn reads_seconds() {
        let parsed = Parsed::read(vec!["--region".into(), "0.5".into()], OPTS, "usage").unwrap();
        assert_eq!(parsed.seconds("--region").unwrap(), Some(Duration::from_millis(500)));
        for bad in ["-1", "NaN", "inf", "1e10", "2s"] {
            let parsed = Parsed::read(vec!["--region".into(), bad.into()], OPTS, "u").unwrap();
            assert!(parsed.seconds("--region").is_err(), "{bad}");
        }
    }
}
