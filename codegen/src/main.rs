//! `attio-meetings-codegen`: tools for maintaining the spec the client is generated from.
//!
//! The build itself uses the library; this binary holds what a maintainer runs by hand (or CI, or cron),
//! so that none of it is compiled into, or rebuilds, the client.

mod drift;

use std::path::PathBuf;
use std::process::ExitCode;

use attio_meetings_codegen::build::DEFAULT_SPEC;

/// The first lines of [`HELP`], shown after a usage error.
const USAGE: &str = "\
Usage: attio-meetings-codegen drift ATTIO_DOCUMENT [--spec PATH] [--verbose]
       attio-meetings-codegen --help
";

const HELP: &str = "\
Usage: attio-meetings-codegen drift ATTIO_DOCUMENT [--spec PATH] [--verbose]
       attio-meetings-codegen --help

Commands:
  drift  Compares Attio's whole published OpenAPI document (YAML or JSON, OpenAPI 3.1) with our spec,
         for the paths under /v2/meetings. Per operation (matched by method and path, named with our
         operationId), one line per difference, with its place in the operation and both values:
           + attio    only Attio's document has it (we lack it)
           - ours     only our spec has it (Attio no longer has it)
           ~ differs  both have it, described differently
         Compared: operations, parameters (required, style, schema), request and success response
         fields through $refs (presence, required, nullable, type, format, bounds, enum values,
         additionalProperties, union branches), success statuses, error statuses (by status only:
         the client reads every error as one envelope) and security scopes.
         Not drift: what the build's adoption of Attio's document maps (our formats where Attio states
         none, comma-separated `participants`, our names, operationIds and `x-attio-*` extensions),
         documentation and `x-` extensions, and spellings of the same facts (`nullable` or a null
         branch, oneOf or anyOf). Our compatible refinements are listed, marked, and not counted:
         bounds ours puts on what the client sends where Attio states none, keys Attio always sends
         (maybe null) that ours reads as optional, deprecation Attio states in words.

Options:
  --spec PATH    Our spec (default: spec/attio-meetings.yaml, relative to the current directory)
  -v, --verbose  Also print the adoption's notes on Attio's document (copies it kept apart, and why)
  -h, --help     This text

Exit status: 0 no drift, 1 drift, 2 usage error or unreadable document (the message names the file
and the JSON pointer of the problem).
";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help,
    Drift {
        attio: PathBuf,
        spec: PathBuf,
        verbose: bool,
    },
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args) {
        Ok(Command::Help) => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Ok(Command::Drift {
            attio,
            spec,
            verbose,
        }) => match drift::run(&attio, &spec) {
            Ok(report) => {
                print!("{}", report.render(&attio, &spec, verbose));
                if report.has_drift() {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::from(2)
            }
        },
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}(--help says more)");
            ExitCode::from(2)
        }
    }
}

/// Reads the arguments (after the program name). Few enough to need no parser crate.
fn parse(args: &[String]) -> Result<Command, String> {
    let mut args = args.iter();
    match args.next().map(String::as_str) {
        None => Err("no command given".into()),
        Some("-h" | "--help" | "help") => Ok(Command::Help),
        Some("drift") => {
            let mut attio = None;
            let mut spec = None;
            let mut verbose = false;
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "-h" | "--help" => return Ok(Command::Help),
                    "--verbose" | "-v" => verbose = true,
                    "--spec" => {
                        let path = args.next().ok_or("--spec needs a path")?;
                        spec = Some(PathBuf::from(path));
                    }
                    other if other.starts_with("--spec=") => {
                        spec = Some(PathBuf::from(&other["--spec=".len()..]));
                    }
                    other if other.starts_with('-') && other != "-" => {
                        return Err(format!("unknown option {other}"));
                    }
                    path if attio.is_none() => attio = Some(PathBuf::from(path)),
                    extra => return Err(format!("unexpected argument {extra}")),
                }
            }
            Ok(Command::Drift {
                attio: attio.ok_or("drift needs the path of Attio's document")?,
                spec: spec.unwrap_or_else(|| PathBuf::from(DEFAULT_SPEC)),
                verbose,
            })
        }
        Some(other) => Err(format!("unknown command {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn drift_takes_the_document_and_an_optional_spec() {
        assert_eq!(
            parse(&args(&["drift", "attio.yaml"])),
            Ok(Command::Drift {
                attio: "attio.yaml".into(),
                spec: DEFAULT_SPEC.into(),
                verbose: false
            })
        );
        let expected = Ok(Command::Drift {
            attio: "attio.json".into(),
            spec: "old.yaml".into(),
            verbose: true,
        });
        assert_eq!(
            parse(&args(&[
                "drift",
                "--spec",
                "old.yaml",
                "attio.json",
                "--verbose"
            ])),
            expected
        );
        assert_eq!(
            parse(&args(&["drift", "attio.json", "--spec=old.yaml", "-v"])),
            expected
        );
    }

    #[test]
    fn help_and_usage_errors() {
        assert_eq!(parse(&args(&["--help"])), Ok(Command::Help));
        assert_eq!(parse(&args(&["drift", "-h"])), Ok(Command::Help));
        for (list, why) in [
            (&[][..], "no command"),
            (&["drift"][..], "needs the path"),
            (&["drift", "a", "b"][..], "unexpected argument b"),
            (&["drift", "a", "--spec"][..], "--spec needs a path"),
            (&["drift", "a", "--json"][..], "unknown option --json"),
            (&["surface"][..], "unknown command surface"),
        ] {
            let err = parse(&args(list)).unwrap_err();
            assert!(err.contains(why), "{list:?}: {err}");
        }
    }
}
