//! Comparing the operations of two documents: matched by path and method, then parameters (by `name` +
//! `in`), security scopes, the request body and the responses.

use std::collections::BTreeSet;

use attio_meetings_codegen::SpecError;
use attio_meetings_codegen::normalise::{responses, walk};
use attio_meetings_codegen::pointer::join;
use serde_json::Value;

use super::schema::{Node, Walk, canon, describe, follow};
use super::{Direction, Document, Finding, Kind, Operation};

/// The order operations are listed in within a path.
const METHOD_ORDER: [&str; 8] = [
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

/// Every operation either document describes, with what differs; operations without differences too
/// (with no findings), so the report can say how many were compared.
///
/// `attio` has been given our names and formats already (see [`super::prepare`]). Error responses are
/// compared by status only: the client reads every error as one envelope (`normalise::responses`), so
/// the bodies Attio declares per status are not compared.
pub fn compare(attio: &Document<'_>, ours: &Document<'_>) -> Result<Vec<Operation>, SpecError> {
    let mut keys: Vec<(String, String)> = walk::operations(attio.doc)
        .into_iter()
        .chain(walk::operations(ours.doc))
        .map(|(_, path, method)| (path, method))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    keys.sort_by_key(|(path, method)| {
        let rank = METHOD_ORDER.iter().position(|m| m == method);
        (path.clone(), rank)
    });

    let mut out = Vec::new();
    for (path, method) in keys {
        let op_ptr = join(&join("/paths", &path), &method);
        let a = attio.doc.pointer(&op_ptr);
        let o = ours.doc.pointer(&op_ptr);
        let id = |op: Option<&Value>| {
            op.and_then(|op| op.get("operationId"))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let mut operation = Operation {
            method: method.to_uppercase(),
            path: path.clone(),
            name: id(o).or_else(|| id(a)),
            findings: Vec::new(),
        };
        match (a, o) {
            (Some(a), Some(o)) => {
                let mut pair = Pair {
                    attio: Node::new(a, attio.doc, attio.file, op_ptr.clone()),
                    ours: Node::new(o, ours.doc, ours.file, op_ptr.clone()),
                    path: &path,
                    findings: &mut operation.findings,
                };
                pair.compare()?;
                let errors = |doc: &Value| error_statuses(doc, &op_ptr);
                statuses(
                    errors(attio.doc),
                    errors(ours.doc),
                    "error status",
                    &mut operation.findings,
                );
            }
            (Some(a), None) => operation.findings.push(Finding {
                kind: Kind::AttioOnly,
                location: String::new(),
                aspect: "operation".into(),
                attio: summary(a),
                ours: "absent".into(),
                refinement: None,
            }),
            (None, Some(o)) => operation.findings.push(Finding {
                kind: Kind::OursOnly,
                location: String::new(),
                aspect: "operation".into(),
                attio: "absent".into(),
                ours: summary(o),
                refinement: None,
            }),
            (None, None) => continue,
        }
        out.push(operation);
    }
    Ok(out)
}

/// What an operation only one side has is, in a few words.
fn summary(op: &Value) -> String {
    let mut statuses: Vec<&String> = op
        .get("responses")
        .and_then(Value::as_object)
        .map(|r| r.keys().collect())
        .unwrap_or_default();
    statuses.sort();
    let mut text = "described".to_string();
    if let Some(summary) = op.get("summary").and_then(Value::as_str) {
        text.push_str(&format!(" ({summary:?})"));
    }
    if !statuses.is_empty() {
        let statuses: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
        text.push_str(&format!(", responses {}", statuses.join(" ")));
    }
    text
}

/// One operation of each document.
struct Pair<'a, 'f> {
    attio: Node<'a>,
    ours: Node<'a>,
    path: &'a str,
    findings: &'f mut Vec<Finding>,
}

impl<'a> Pair<'a, '_> {
    fn compare(&mut self) -> Result<(), SpecError> {
        self.deprecated();
        self.security();
        self.parameters()?;
        self.request_body()?;
        self.responses()
    }

    fn push(&mut self, kind: Kind, location: &str, aspect: &str, attio: String, ours: String) {
        self.findings.push(Finding {
            kind,
            location: location.to_string(),
            aspect: aspect.to_string(),
            attio,
            ours,
            refinement: None,
        });
    }

    fn deprecated(&mut self) {
        let flag = |op: &Value| op.get("deprecated") == Some(&Value::Bool(true));
        let (a, o) = (flag(self.attio.value), flag(self.ours.value));
        if a == o {
            return;
        }
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
        let kind = if a { Kind::AttioOnly } else { Kind::OursOnly };
        self.push(kind, "", "deprecated", yes_no(a), yes_no(o));
        // Attio deprecates in words ("Deprecated: Get call transcript"); ours says it with the keyword,
        // which the generated client turns into `#[deprecated]`. (`x-hidden` is no sign: Attio also hides
        // alpha operations.)
        let in_words = self
            .attio
            .value
            .get("summary")
            .and_then(Value::as_str)
            .is_some_and(|s| s.to_lowercase().contains("deprecated"));
        if o && in_words
            && let Some(last) = self.findings.last_mut()
        {
            last.refinement = Some("Attio deprecates it in words, in its summary");
        }
    }

    fn security(&mut self) {
        let scopes = |node: &Node<'_>| -> BTreeSet<String> {
            let requirements = node
                .value
                .get("security")
                .or_else(|| node.doc.get("security"));
            let mut out = BTreeSet::new();
            for requirement in requirements
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
            {
                for (scheme, scopes) in requirement {
                    let scopes: Vec<&str> = scopes
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    if scopes.is_empty() {
                        out.insert(scheme.clone());
                    }
                    for scope in scopes {
                        out.insert(format!("{scheme} {scope}"));
                    }
                }
            }
            out
        };
        let (a, o) = (scopes(&self.attio), scopes(&self.ours));
        for scope in a.difference(&o) {
            self.push(
                Kind::AttioOnly,
                "/security",
                &format!("scope {scope}"),
                "required".into(),
                "absent".into(),
            );
        }
        for scope in o.difference(&a) {
            self.push(
                Kind::OursOnly,
                "/security",
                &format!("scope {scope}"),
                "absent".into(),
                "required".into(),
            );
        }
    }

    fn parameters(&mut self) -> Result<(), SpecError> {
        let attio = parameters(&self.attio, self.path)?;
        let ours = parameters(&self.ours, self.path)?;
        let keys: BTreeSet<&(String, String)> =
            attio.iter().chain(ours.iter()).map(|(k, _)| k).collect();
        for key @ (name, location) in keys {
            let at = join(&join("/parameters", location), name);
            let find = |list: &[Parameter<'a>]| {
                list.iter().find(|(k, _)| k == key).map(|(_, n)| n.clone())
            };
            match (find(&attio), find(&ours)) {
                (Some(a), Some(o)) => self.parameter(&a, &o, &at)?,
                (Some(a), None) => {
                    let shown = parameter_summary(&a)?;
                    self.push(Kind::AttioOnly, &at, "parameter", shown, "absent".into());
                }
                (None, Some(o)) => {
                    let shown = parameter_summary(&o)?;
                    self.push(Kind::OursOnly, &at, "parameter", "absent".into(), shown);
                }
                (None, None) => {}
            }
        }
        Ok(())
    }

    fn parameter(&mut self, a: &Node<'a>, o: &Node<'a>, at: &str) -> Result<(), SpecError> {
        let (ra, ro) = (required(a.value), required(o.value));
        if ra != ro {
            let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
            self.push(Kind::Differs, at, "required", yes_no(ra), yes_no(ro));
        }
        let (wa, wo) = (wire_form(a.value), wire_form(o.value));
        if wa != wo {
            self.push(Kind::Differs, at, "style", wa, wo);
        }
        for key in ["deprecated", "allowEmptyValue", "allowReserved"] {
            let (x, y) = (a.value.get(key), o.value.get(key));
            let off = |v: Option<&Value>| v.is_none_or(|v| v == &Value::Bool(false));
            if x != y && !(off(x) && off(y)) {
                let shown = |v: Option<&Value>| v.map_or("none".into(), Value::to_string);
                let kind = if off(y) {
                    Kind::AttioOnly
                } else if off(x) {
                    Kind::OursOnly
                } else {
                    Kind::Differs
                };
                self.push(kind, at, key, shown(x), shown(y));
            }
        }
        match (a.value.get("schema"), o.value.get("schema")) {
            (Some(x), Some(y)) => {
                Walk::new(self.findings).schema(
                    &a.child(x, "schema"),
                    &o.child(y, "schema"),
                    at,
                    Direction::Sent,
                )?;
            }
            _ => self.content(a, o, at, Direction::Sent)?,
        }
        Ok(())
    }

    fn request_body(&mut self) -> Result<(), SpecError> {
        let body = |node: &Node<'a>| -> Result<Option<Node<'a>>, SpecError> {
            node.value
                .get("requestBody")
                .map(|b| follow(&node.child(b, "requestBody")))
                .transpose()
        };
        let at = "/requestBody";
        match (body(&self.attio)?, body(&self.ours)?) {
            (Some(a), Some(o)) => {
                let (ra, ro) = (required(a.value), required(o.value));
                if ra != ro {
                    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
                    self.push(Kind::Differs, at, "required", yes_no(ra), yes_no(ro));
                }
                self.content(&a, &o, at, Direction::Sent)?;
            }
            (Some(a), None) => {
                let shown = content_summary(&a)?;
                self.push(Kind::AttioOnly, at, "body", shown, "absent".into());
            }
            (None, Some(o)) => {
                let shown = content_summary(&o)?;
                self.push(Kind::OursOnly, at, "body", "absent".into(), shown);
            }
            (None, None) => {}
        }
        Ok(())
    }

    fn responses(&mut self) -> Result<(), SpecError> {
        let success = |node: &Node<'a>| -> Vec<(String, Node<'a>)> {
            let Some(responses) = node.value.get("responses").and_then(Value::as_object) else {
                return Vec::new();
            };
            let base = node.child(&node.value["responses"], "responses");
            responses
                .iter()
                .filter(|(status, _)| is_success(status))
                .map(|(status, r)| (status.clone(), base.child(r, status)))
                .collect()
        };
        let (attio, ours) = (success(&self.attio), success(&self.ours));
        let names = |list: &[(String, Node<'a>)]| -> BTreeSet<String> {
            list.iter().map(|(s, _)| s.clone()).collect()
        };
        statuses(names(&attio), names(&ours), "success status", self.findings);
        for (status, a) in &attio {
            let Some((_, o)) = ours.iter().find(|(s, _)| s == status) else {
                continue;
            };
            let (a, o) = (follow(a)?, follow(o)?);
            let at = join("/responses", status);
            let bodies = |n: &Node<'a>| carries_something(status, n.value);
            match (bodies(&a), bodies(&o)) {
                (true, true) => self.content(&a, &o, &at, Direction::Received)?,
                (false, false) => {}
                (x, y) => {
                    let shown = |carries: bool, n: &Node<'a>| {
                        if carries {
                            content_summary(n)
                        } else {
                            Ok("no body".to_string())
                        }
                    };
                    let (sa, so) = (shown(x, &a)?, shown(y, &o)?);
                    let kind = if x { Kind::AttioOnly } else { Kind::OursOnly };
                    self.push(kind, &at, "body", sa, so);
                }
            }
        }
        Ok(())
    }

    /// Compares the `content` maps of two bodies (or parameters), media type by media type. Locations
    /// name the media type only when it is not JSON.
    fn content(
        &mut self,
        a: &Node<'a>,
        o: &Node<'a>,
        at: &str,
        direction: Direction,
    ) -> Result<(), SpecError> {
        let media = |n: &Node<'a>| -> Vec<(String, Node<'a>)> {
            let Some(content) = n.value.get("content").and_then(Value::as_object) else {
                return Vec::new();
            };
            let base = n.child(&n.value["content"], "content");
            content
                .iter()
                .map(|(mime, m)| (mime.clone(), base.child(m, mime)))
                .collect()
        };
        let (ma, mo) = (media(a), media(o));
        let mimes: BTreeSet<&String> = ma.iter().chain(mo.iter()).map(|(m, _)| m).collect();
        for mime in mimes {
            let find = |list: &[(String, Node<'a>)]| {
                list.iter().find(|(m, _)| m == mime).map(|(_, n)| n.clone())
            };
            let location = if mime == "application/json" {
                at.to_string()
            } else {
                join(at, mime)
            };
            match (find(&ma), find(&mo)) {
                (Some(x), Some(y)) => match (x.value.get("schema"), y.value.get("schema")) {
                    (Some(sx), Some(sy)) => {
                        Walk::new(self.findings).schema(
                            &x.child(sx, "schema"),
                            &y.child(sy, "schema"),
                            &location,
                            direction,
                        )?;
                    }
                    (None, None) => {}
                    (sx, sy) => {
                        let shown = |s: Option<&Value>| {
                            if s.is_some() { "a schema" } else { "none" }.to_string()
                        };
                        let kind = if sx.is_some() {
                            Kind::AttioOnly
                        } else {
                            Kind::OursOnly
                        };
                        self.push(kind, &location, "schema", shown(sx), shown(sy));
                    }
                },
                (Some(_), None) => self.push(
                    Kind::AttioOnly,
                    &location,
                    &format!("media type {mime}"),
                    "declared".into(),
                    "absent".into(),
                ),
                (None, Some(_)) => self.push(
                    Kind::OursOnly,
                    &location,
                    &format!("media type {mime}"),
                    "absent".into(),
                    "declared".into(),
                ),
                (None, None) => {}
            }
        }
        Ok(())
    }
}

/// A parameter's `(name, in)` and the parameter, its `$ref`s followed.
type Parameter<'a> = ((String, String), Node<'a>);

/// The parameters of an operation: path-level ones first, overridden by operation-level ones.
fn parameters<'a>(op: &Node<'a>, path: &str) -> Result<Vec<Parameter<'a>>, SpecError> {
    let item_ptr = join("/paths", path);
    let item = op
        .doc
        .pointer(&item_ptr)
        .map(|item| Node::new(item, op.doc, op.file, item_ptr.clone()));
    let mut out: Vec<Parameter<'a>> = Vec::new();
    for owner in item.iter().chain(std::iter::once(op)) {
        let Some(list) = owner.value.get("parameters") else {
            continue;
        };
        let list_node = owner.child(list, "parameters");
        let items = list
            .as_array()
            .ok_or_else(|| op.fail(&list_node.ptr, "`parameters` must be a list"))?;
        for (i, param) in items.iter().enumerate() {
            let param = follow(&list_node.child(param, &i.to_string()))?;
            let field = |key: &str| {
                param
                    .value
                    .get(key)
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            let (Some(name), Some(location)) = (field("name"), field("in")) else {
                return Err(op.fail(&param.ptr, "a parameter needs a `name` and an `in`"));
            };
            let key = (name, location);
            out.retain(|(k, _)| *k != key);
            out.push((key, param));
        }
    }
    Ok(out)
}

fn required(value: &Value) -> bool {
    value.get("required") == Some(&Value::Bool(true))
        || value.get("in") == Some(&Value::from("path"))
}

/// How a parameter is spelled on the wire: its `style` and `explode`, defaults filled in.
fn wire_form(param: &Value) -> String {
    let style = param.get("style").and_then(Value::as_str).unwrap_or(
        match param.get("in").and_then(Value::as_str) {
            Some("query" | "cookie") => "form",
            _ => "simple",
        },
    );
    let explode = param
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form");
    format!("{style}{}", if explode { ", exploded" } else { "" })
}

fn parameter_summary(param: &Node<'_>) -> Result<String, SpecError> {
    let schema = match param.value.get("schema") {
        Some(schema) => describe(&canon(&param.child(schema, "schema"))?),
        None => "no schema".to_string(),
    };
    let required = if required(param.value) {
        "required"
    } else {
        "optional"
    };
    Ok(format!("{required} {schema}"))
}

fn content_summary(body: &Node<'_>) -> Result<String, SpecError> {
    let Some(content) = body.value.get("content").and_then(Value::as_object) else {
        return Ok("no body".to_string());
    };
    let base = body.child(&body.value["content"], "content");
    let mut parts = Vec::new();
    for (mime, media) in content {
        let media = base.child(media, mime);
        let schema = match media.value.get("schema") {
            Some(s) => describe(&canon(&media.child(s, "schema"))?),
            None => "no schema".to_string(),
        };
        parts.push(format!("{mime} {schema}"));
    }
    Ok(parts.join("; "))
}

fn is_success(status: &str) -> bool {
    status == "2XX" || (status.len() == 3 && status.starts_with('2'))
}

/// Whether a success response carries a body, as the build reads it (`normalise::responses`).
fn carries_something(status: &str, response: &Value) -> bool {
    !responses::carries_no_body(status, response)
}

/// The statuses an operation declares besides its successes (errors, `default`).
fn error_statuses(doc: &Value, op_ptr: &str) -> BTreeSet<String> {
    doc.pointer(&join(op_ptr, "responses"))
        .and_then(Value::as_object)
        .map(|r| r.keys().filter(|s| !is_success(s)).cloned().collect())
        .unwrap_or_default()
}

fn statuses(
    attio: BTreeSet<String>,
    ours: BTreeSet<String>,
    aspect: &str,
    findings: &mut Vec<Finding>,
) {
    for (kind, status, a, o) in attio
        .difference(&ours)
        .map(|s| (Kind::AttioOnly, s, "declared", "absent"))
        .chain(
            ours.difference(&attio)
                .map(|s| (Kind::OursOnly, s, "absent", "declared")),
        )
    {
        findings.push(Finding {
            kind,
            location: join("/responses", status),
            aspect: aspect.to_string(),
            attio: a.to_string(),
            ours: o.to_string(),
            refinement: None,
        });
    }
}
