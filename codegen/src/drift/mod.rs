//! `drift`: what Attio's published OpenAPI document says about the meetings family that our spec does not
//! say, or says otherwise, operation by operation.
//!
//! Both documents are sliced to the paths under `/v2/meetings`, and Attio's is given our names and
//! refinements by the same pass the build uses on it ([`adopt`]): our formats where Attio states none,
//! our comma-separated array for Attio's one-string `participants`, our operationIds, `x-attio-*`
//! extensions, component names and branch titles, and one component for copies that differ only
//! leniently (a key required but nullable in one copy and optional in another, `nullable`,
//! `additionalProperties: false`). What adopt maps is therefore not drift. The comparison then ignores:
//!
//! - documentation (`description`, `summary`, `example(s)`, `title`, tags) and every `x-` extension
//!   (Attio's `x-mint`, `x-speakeasy-*`, `x-hidden`; our `x-attio-*`), and schema names;
//! - spellings of the same facts: `type: [X, "null"]`, `nullable: true` and a `null` branch; `const` and a
//!   one-value `enum`; `oneOf` and `anyOf` (adopt names both the same enum); see [`schema`];
//! - error response bodies: the client reads every error as one envelope (`normalise::responses`), so
//!   error statuses are compared by status only (a status one side declares and the other does not);
//! - a success body that carries nothing (a bodiless status, or an object without properties, which
//!   `normalise::responses` reads as no body);
//! - the webhooks section (Attio's document describes no webhook; ours are brought over by adopt).
//!
//! Some differences are our stricter but compatible refinements. They are listed, marked, and not counted
//! as drift (they do not make the exit status 1):
//!
//! - a bound or default ours states, and Attio does not, on what the client sends (parameters, request
//!   bodies): it narrows what we send (ours takes such bounds from Attio's prose);
//! - a key Attio always sends, possibly `null`, that ours reads as optional and nullable (adopt's rule
//!   for one type, on what the client receives: both decode to `None`);
//! - `deprecated: true` on an operation Attio deprecates in words (its summary says so).
//!
//! Everything else that differs is drift: operations, parameters (`required`, wire style, schema), the
//! request body and success responses (fields, `required`, `nullable`, type, format, bounds, enum
//! values, `additionalProperties`, union branches), success and error statuses, and security scopes.

mod operations;
mod schema;

use std::fmt::Write as _;
use std::path::Path;

use attio_meetings_codegen::normalise::{adopt, slice, walk};
use attio_meetings_codegen::{Options, SpecError, load};
use serde_json::{Value, json};

/// Which way values travel: what the client sends (parameters, request bodies), or what it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Parameters and request bodies.
    Sent,
    /// Success response bodies.
    Received,
}

/// Which side has something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Attio's document has it, our spec does not.
    AttioOnly,
    /// Our spec has it, Attio's document does not (any more).
    OursOnly,
    /// Both have it, described differently.
    Differs,
}

impl Kind {
    /// The first column of a report line.
    fn mark(self) -> &'static str {
        match self {
            Kind::AttioOnly => "+ attio",
            Kind::OursOnly => "- ours",
            Kind::Differs => "~ differs",
        }
    }
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Which side has it.
    pub kind: Kind,
    /// Where, within the operation: `/parameters/query/limit`, `/requestBody/data/title`,
    /// `/responses/200/data/participants/items/name`; empty for the operation itself.
    pub location: String,
    /// What differs there: `field`, `required`, `type`, `maxLength`, `enum value "x"`...
    pub aspect: String,
    /// Attio's value.
    pub attio: String,
    /// Ours.
    pub ours: String,
    /// Why this is a refinement of ours rather than drift (not counted), if it is one.
    pub refinement: Option<&'static str>,
}

impl Finding {
    /// The report line, without indentation.
    pub fn line(&self) -> String {
        let location = if self.location.is_empty() {
            "/"
        } else {
            &self.location
        };
        format!(
            "{:<9}  {location}  {}: Attio {}, ours {}",
            self.kind.mark(),
            self.aspect,
            self.attio,
            self.ours
        )
    }
}

/// The findings of one operation (matched by method and path).
#[derive(Debug, Clone)]
pub struct Operation {
    /// `GET`, `POST`...
    pub method: String,
    /// The path template.
    pub path: String,
    /// Our operationId (adopted by Attio's copy), or Attio's own when only Attio has the operation.
    pub name: Option<String>,
    /// What differs.
    pub findings: Vec<Finding>,
}

/// A document and the file it came from.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    /// The document.
    pub doc: &'a Value,
    /// Its file, for errors.
    pub file: &'a Path,
}

/// The outcome of a comparison.
#[derive(Debug, Clone)]
pub struct Report {
    /// Every operation either side describes, in path order.
    pub operations: Vec<Operation>,
    /// What adopt said while naming Attio's document (copies it kept apart, and why).
    pub notes: Vec<String>,
}

impl Report {
    /// The findings that are drift (not refinements).
    pub fn drift(&self) -> impl Iterator<Item = &Finding> {
        self.operations
            .iter()
            .flat_map(|op| &op.findings)
            .filter(|f| f.refinement.is_none())
    }

    /// Whether anything differs beyond our refinements.
    pub fn has_drift(&self) -> bool {
        self.drift().next().is_some()
    }

    /// The report as text: a header, the differences grouped by operation (refinements marked as not
    /// counted), and a closing count. `verbose` adds adopt's notes (copies of Attio's it kept apart).
    pub fn render(&self, attio: &Path, ours: &Path, verbose: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Drift of Attio's document {} against our spec {} (paths under {}).",
            attio.display(),
            ours.display(),
            family().join(", ")
        );
        let _ = writeln!(
            out,
            "+ attio: only Attio's document has it; - ours: only our spec has it (Attio no longer has it); ~ differs: both, described differently."
        );
        for op in &self.operations {
            if op.findings.is_empty() {
                continue;
            }
            let _ = writeln!(out);
            match &op.name {
                Some(name) => {
                    let _ = writeln!(out, "{name}: {} {}", op.method, op.path);
                }
                None => {
                    let _ = writeln!(out, "{} {}", op.method, op.path);
                }
            }
            for finding in &op.findings {
                let _ = write!(out, "  {}", finding.line());
                if let Some(reason) = finding.refinement {
                    let _ = write!(out, "  [refinement, not counted: {reason}]");
                }
                let _ = writeln!(out);
            }
        }
        if verbose && !self.notes.is_empty() {
            let _ = writeln!(out, "\nAdopt's notes on Attio's document:");
            for note in &self.notes {
                let _ = writeln!(out, "  {note}");
            }
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", self.summary());
        out
    }

    /// The closing line: how much drift, in how many operations, of which kinds.
    fn summary(&self) -> String {
        let drift: Vec<&Finding> = self.drift().collect();
        let affected = self
            .operations
            .iter()
            .filter(|op| op.findings.iter().any(|f| f.refinement.is_none()))
            .count();
        let refinements = self
            .operations
            .iter()
            .flat_map(|op| &op.findings)
            .filter(|f| f.refinement.is_some())
            .count();
        let count = |kind: Kind| drift.iter().filter(|f| f.kind == kind).count();
        let mut line = if drift.is_empty() {
            format!("No drift: {} operations compared.", self.operations.len())
        } else {
            format!(
                "Drift: {} difference{} in {affected} of {} operations ({} + attio, {} - ours, {} ~ differs).",
                drift.len(),
                if drift.len() == 1 { "" } else { "s" },
                self.operations.len(),
                count(Kind::AttioOnly),
                count(Kind::OursOnly),
                count(Kind::Differs),
            )
        };
        if refinements > 0 {
            let _ = write!(
                line,
                " {refinements} refinement{} of ours not counted.",
                if refinements == 1 { "" } else { "s" },
            );
        }
        line
    }
}

/// The path prefixes of the family compared (the build's).
fn family() -> Vec<String> {
    Options::default().path_prefixes
}

/// Reads both files and compares them. Errors name the file and the JSON pointer of the problem.
pub fn run(attio_path: &Path, spec_path: &Path) -> Result<Report, SpecError> {
    let ours = load::load(spec_path)?;
    let attio = load::load(attio_path)?;
    compare(&attio, attio_path, &ours, spec_path)
}

/// Compares Attio's whole document with our spec, both as read from their files (raw, 3.1).
pub fn compare(
    attio: &Value,
    attio_path: &Path,
    ours: &Value,
    spec_path: &Path,
) -> Result<Report, SpecError> {
    let (attio, ours, notes) = prepare(attio, attio_path, ours, spec_path)?;
    let operations = operations::compare(
        &Document {
            doc: &attio,
            file: attio_path,
        },
        &Document {
            doc: &ours,
            file: spec_path,
        },
    )?;
    Ok(Report { operations, notes })
}

/// Both documents sliced to the family, Attio's given our names and refinements (adopt), and adopt's
/// notes.
fn prepare(
    attio: &Value,
    attio_path: &Path,
    ours: &Value,
    spec_path: &Path,
) -> Result<(Value, Value, Vec<String>), SpecError> {
    let prefixes = family();
    let mut ours = ours.clone();
    let roots = slice::webhook_roots(&ours).map_err(|e| e.in_file(spec_path))?;
    slice::slice(&mut ours, &prefixes, &roots).map_err(|e| e.in_file(spec_path))?;

    let mut attio = attio.clone();
    let mut notes = Vec::new();
    let has_family = attio
        .get("paths")
        .and_then(Value::as_object)
        .is_some_and(|paths| {
            paths.keys().any(|p| {
                prefixes.iter().any(|prefix| {
                    p.strip_prefix(prefix.as_str())
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                })
            })
        });
    if !has_family && attio.get("paths").is_some_and(Value::is_object) {
        // Attio no longer describes the family at all: every operation of ours is drift, not an error.
        attio["paths"] = json!({});
        return Ok((attio, ours, notes));
    }
    let roots = slice::webhook_roots(&attio).map_err(|e| e.in_file(attio_path))?;
    slice::slice(&mut attio, &prefixes, &roots).map_err(|e| e.in_file(attio_path))?;
    // Adopt moves Attio's schemas to our names: what is malformed is reported before, where it is in
    // the file.
    validate(&attio, attio_path)?;
    validate(&ours, spec_path)?;
    adopt::adopt_noting(&mut attio, &ours, &mut notes).map_err(|e| {
        // Adopt says when the problem is in the spec names are taken from (ours).
        let file = if e.message.starts_with("in the spec names are taken from") {
            spec_path
        } else {
            attio_path
        };
        e.in_file(file)
    })?;
    Ok((attio, ours, notes))
}

/// Reads every schema of `doc` (see [`schema::validate`]).
fn validate(doc: &Value, file: &Path) -> Result<(), SpecError> {
    let mut seen = std::collections::BTreeSet::new();
    for root in walk::schema_roots(doc) {
        if let Some(value) = doc.pointer(&root) {
            schema::validate(&schema::Node::new(value, doc, file, root), &mut seen)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
