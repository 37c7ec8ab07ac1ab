//! Comparing two schemas by what they say about values.
//!
//! Both sides are first put in one canonical form ([`Canon`]), so that spellings which say the same thing
//! compare equal: `type: [X, "null"]`, `nullable: true` (the 3.0 keyword Attio still uses), a `null`
//! branch of a union and `null` among `enum` values all read as "nullable"; `const: v` is `enum: [v]`;
//! `oneOf` and `anyOf` are one union (adopt names both the same enum); a union left with one branch once
//! `null` is set aside is that branch; `$ref`s are followed (3.1 siblings of a `$ref`, and `allOf`
//! parts, are laid over what it points to). Documentation keywords and `x-` extensions are not facts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use attio_meetings_codegen::SpecError;
use attio_meetings_codegen::pointer::{join, of_local_ref};
use serde_json::Value;

use super::{Direction, Finding, Kind};

/// Keywords that only document a schema (adopt's list, and a few more of the same kind).
const DOCUMENTATION: [&str; 8] = [
    "description",
    "example",
    "examples",
    "title",
    "$comment",
    "externalDocs",
    "xml",
    "discriminator",
];

/// How many `$ref`s in a row are followed before the chain is called a cycle.
const MAX_REF_CHAIN: usize = 32;

/// How deep the walk goes; recursive schemas also stop when a pair of `$ref` targets repeats.
const MAX_DEPTH: usize = 64;

/// A place in a document: the value, the whole document (for `$ref`s), its file (for errors) and the
/// value's JSON pointer.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub value: &'a Value,
    pub doc: &'a Value,
    pub file: &'a Path,
    pub ptr: String,
}

impl<'a> Node<'a> {
    pub fn new(value: &'a Value, doc: &'a Value, file: &'a Path, ptr: String) -> Self {
        Self {
            value,
            doc,
            file,
            ptr,
        }
    }

    /// The value at `token` below this one.
    pub fn child(&self, value: &'a Value, token: &str) -> Self {
        Self::new(value, self.doc, self.file, join(&self.ptr, token))
    }

    /// A problem at `ptr` of this node's document.
    pub fn fail(&self, ptr: &str, message: impl Into<String>) -> SpecError {
        SpecError::new(ptr, message).in_file(self.file)
    }
}

/// What `additionalProperties` allows.
#[derive(Debug, Clone)]
enum Additional<'a> {
    /// Unstated, `true` or `{}`: any other key.
    Any,
    /// `false`: no other key.
    Closed,
    /// Other keys, of this schema.
    Schema(Box<Node<'a>>),
}

/// The facts of one schema, in the form both sides are compared in.
#[derive(Debug, Clone)]
pub struct Canon<'a> {
    types: BTreeSet<String>,
    nullable: bool,
    format: Option<String>,
    enumeration: Option<Vec<Value>>,
    /// Bounds (`minimum`, `maxItems`, ...), `default`, `pattern` and any other keyword, by value.
    keywords: BTreeMap<String, Value>,
    properties: BTreeMap<String, Node<'a>>,
    required: BTreeSet<String>,
    additional: Additional<'a>,
    items: Option<Box<Node<'a>>>,
    /// `oneOf`/`anyOf` branches, `null` ones set aside.
    branches: Option<Vec<Node<'a>>>,
    /// Where the body is (the end of the `$ref` chain), to notice recursion.
    body: String,
}

impl Canon<'_> {
    fn empty(body: String) -> Self {
        Self {
            types: BTreeSet::new(),
            nullable: false,
            format: None,
            enumeration: None,
            keywords: BTreeMap::new(),
            properties: BTreeMap::new(),
            required: BTreeSet::new(),
            additional: Additional::Any,
            items: None,
            branches: None,
            body,
        }
    }

    /// Whether `null` is a value of this schema.
    pub fn nullable(&self) -> bool {
        self.nullable
    }
}

/// The canonical facts of the schema at `node`.
pub fn canon<'a>(node: &Node<'a>) -> Result<Canon<'a>, SpecError> {
    canon_at(node, 0)
}

fn canon_at<'a>(node: &Node<'a>, depth: usize) -> Result<Canon<'a>, SpecError> {
    if depth > MAX_REF_CHAIN {
        return Err(node.fail(
            &node.ptr,
            "the `$ref`s (or `allOf` parts) starting here nest too deep: a cycle?",
        ));
    }
    let Some(reference) = node.value.get("$ref") else {
        return stated(node, depth);
    };
    let target = ref_target(node, reference)?;
    let base = canon_at(&target, depth + 1)?;
    // 3.1 keywords beside a `$ref` add to what it points to (ours puts a `description` there).
    let siblings = stated(node, depth)?;
    let body = base.body.clone();
    let mut out = overlay(base, siblings);
    out.body = body;
    Ok(out)
}

/// The facts the keywords of `node` state, a `$ref` among them set aside.
fn stated<'a>(node: &Node<'a>, depth: usize) -> Result<Canon<'a>, SpecError> {
    let mut out = Canon::empty(node.ptr.clone());
    let Some(map) = node.value.as_object() else {
        // `true`/`false` schemas: compared as they are.
        out.keywords.insert("schema".into(), node.value.clone());
        return Ok(out);
    };
    let mut union: Option<Vec<Node<'a>>> = None;
    let mut all_of = Vec::new();
    for (key, value) in map {
        let key = key.as_str();
        if ignored(key) || key == "$ref" {
            continue;
        }
        match key {
            "type" => {
                let listed: Vec<&Value> = match value {
                    Value::Array(items) => items.iter().collect(),
                    single => vec![single],
                };
                for t in listed {
                    match t.as_str() {
                        Some("null") => out.nullable = true,
                        Some(t) => {
                            out.types.insert(t.to_string());
                        }
                        None => {
                            return Err(node.fail(
                                &join(&node.ptr, "type"),
                                "`type` must be a string or a list of strings",
                            ));
                        }
                    }
                }
            }
            "nullable" => out.nullable |= value == &Value::Bool(true),
            "format" => out.format = value.as_str().map(str::to_string),
            "enum" | "const" => {
                let values: Vec<Value> = match (key, value) {
                    ("enum", Value::Array(values)) => values.clone(),
                    ("enum", _) => {
                        return Err(node.fail(&join(&node.ptr, "enum"), "`enum` must be a list"));
                    }
                    (_, single) => vec![single.clone()],
                };
                out.nullable |= values.iter().any(Value::is_null);
                let mut values: Vec<Value> = values.into_iter().filter(|v| !v.is_null()).collect();
                values.sort_by_key(Value::to_string);
                values.dedup();
                out.enumeration = Some(values);
            }
            "properties" => {
                let props = value.as_object().ok_or_else(|| {
                    node.fail(&join(&node.ptr, key), "`properties` must be a mapping")
                })?;
                let base = node.child(value, key);
                for (name, schema) in props {
                    out.properties
                        .insert(name.clone(), base.child(schema, name));
                }
            }
            "required" => {
                out.required = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
            }
            "additionalProperties" => {
                out.additional = match value {
                    Value::Bool(false) => Additional::Closed,
                    Value::Bool(true) => Additional::Any,
                    Value::Object(m) if m.is_empty() => Additional::Any,
                    schema => Additional::Schema(Box::new(node.child(schema, key))),
                };
            }
            "items" if value.is_object() || value.is_boolean() => {
                out.items = Some(Box::new(node.child(value, key)));
            }
            "oneOf" | "anyOf" => {
                let branches = value.as_array().ok_or_else(|| {
                    node.fail(&join(&node.ptr, key), format!("`{key}` must be a list"))
                })?;
                let base = node.child(value, key);
                let mut kept = union.take().unwrap_or_default();
                for (i, branch) in branches.iter().enumerate() {
                    let branch = base.child(branch, &i.to_string());
                    if is_null(&branch)? {
                        out.nullable = true;
                    } else {
                        kept.push(branch);
                    }
                }
                union = Some(kept);
            }
            "allOf" => {
                let parts = value
                    .as_array()
                    .ok_or_else(|| node.fail(&join(&node.ptr, key), "`allOf` must be a list"))?;
                let base = node.child(value, key);
                for (i, part) in parts.iter().enumerate() {
                    all_of.push(base.child(part, &i.to_string()));
                }
            }
            other => {
                out.keywords.insert(other.to_string(), value.clone());
            }
        }
    }
    let mut parts = all_of;
    match union {
        // One branch besides `null`: that branch, nullable (our `oneOf: [$ref, {type: 'null'}]` is Attio's
        // `nullable: true`).
        Some(mut branches) if branches.len() == 1 => parts.insert(0, branches.remove(0)),
        Some(branches) if branches.is_empty() => {}
        other => out.branches = other,
    }
    for part in parts {
        let inner = canon_at(&part, depth + 1)?;
        let body = out.body.clone();
        out = overlay(out, inner);
        out.body = body;
    }
    Ok(out)
}

/// Reads every schema below `node` once (`seen` holds the bodies read), so that a malformed one is
/// reported at its place in the file, before adopt moves Attio's schemas to our names.
pub fn validate(node: &Node<'_>, seen: &mut BTreeSet<String>) -> Result<(), SpecError> {
    let canon = canon(node)?;
    if !seen.insert(canon.body.clone()) {
        return Ok(());
    }
    let mut children: Vec<&Node<'_>> = canon.properties.values().collect();
    children.extend(canon.items.as_deref());
    if let Additional::Schema(schema) = &canon.additional {
        children.push(schema);
    }
    children.extend(canon.branches.iter().flatten());
    for child in children {
        validate(child, seen)?;
    }
    Ok(())
}

/// Keywords that are not facts: documentation and vendor extensions.
fn ignored(key: &str) -> bool {
    DOCUMENTATION.contains(&key) || key.starts_with("x-")
}

/// Whether a union branch only allows `null`.
fn is_null(node: &Node<'_>) -> Result<bool, SpecError> {
    let value = match node.value.get("$ref") {
        Some(reference) => ref_target(node, reference)?.value,
        None => node.value,
    };
    Ok(value.get("type") == Some(&Value::from("null"))
        || value.get("enum") == Some(&Value::Array(vec![Value::Null]))
        || value.get("const") == Some(&Value::Null))
}

/// The node a `$ref` at `node` points to; errors name the `$ref`'s place.
pub fn ref_target<'a>(node: &Node<'a>, reference: &Value) -> Result<Node<'a>, SpecError> {
    let target = reference
        .as_str()
        .ok_or_else(|| node.fail(&node.ptr, "`$ref` must be a string"))?;
    let ptr = of_local_ref(target).ok_or_else(|| {
        node.fail(
            &node.ptr,
            format!("`$ref: {target}` points outside the document, which is not supported"),
        )
    })?;
    let value = node
        .doc
        .pointer(ptr)
        .ok_or_else(|| node.fail(&node.ptr, format!("`$ref: {target}` points to nothing")))?;
    Ok(Node::new(value, node.doc, node.file, ptr.to_string()))
}

/// Follows `$ref`s from `node` (any kind of object: parameters, responses, bodies) to the body.
pub fn follow<'a>(node: &Node<'a>) -> Result<Node<'a>, SpecError> {
    let mut at = node.clone();
    for _ in 0..MAX_REF_CHAIN {
        match at.value.get("$ref") {
            Some(reference) => at = ref_target(&at, reference)?,
            None => return Ok(at),
        }
    }
    Err(node.fail(&node.ptr, "the `$ref`s starting here form a cycle"))
}

/// `top`'s facts laid over `base`'s (`base` keeps its place).
fn overlay<'a>(mut base: Canon<'a>, top: Canon<'a>) -> Canon<'a> {
    if !top.types.is_empty() {
        base.types = top.types;
    }
    base.nullable |= top.nullable;
    base.format = top.format.or(base.format);
    base.enumeration = top.enumeration.or(base.enumeration);
    base.keywords.extend(top.keywords);
    base.properties.extend(top.properties);
    base.required.extend(top.required);
    if !matches!(top.additional, Additional::Any) {
        base.additional = top.additional;
    }
    base.items = top.items.or(base.items);
    base.branches = top.branches.or(base.branches);
    base
}

/// A short spelling of a schema: `string uuid`, `nullable string`, `array of object {a, b}`,
/// `integer (minimum 1, maximum 200)`, `anyOf(string | object {..})`.
pub fn describe(canon: &Canon<'_>) -> String {
    describe_at(canon, 0)
}

fn describe_at(canon: &Canon<'_>, depth: usize) -> String {
    let mut parts = Vec::new();
    if canon.nullable {
        parts.push("nullable".to_string());
    }
    if let Some(branches) = &canon.branches {
        let inner: Vec<String> = branches
            .iter()
            .map(|b| match canon_at(b, 0) {
                Ok(c) if depth < 2 => describe_at(&c, depth + 1),
                _ => "..".to_string(),
            })
            .collect();
        parts.push(format!("anyOf({})", inner.join(" | ")));
    }
    if canon.types.is_empty() && canon.branches.is_none() && canon.enumeration.is_none() {
        parts.push(if canon.properties.is_empty() {
            "any".to_string()
        } else {
            "object".to_string()
        });
    }
    for t in &canon.types {
        parts.push(t.clone());
    }
    if let Some(format) = &canon.format {
        parts.push(format.clone());
    }
    if let Some(values) = &canon.enumeration {
        parts.push(format!("enum {}", list(values)));
    }
    if canon.types.contains("array")
        && let Some(items) = &canon.items
    {
        parts.push(match canon_at(items, 0) {
            Ok(c) if depth < 2 => format!("of {}", describe_at(&c, depth + 1)),
            _ => "of ..".to_string(),
        });
    }
    if !canon.properties.is_empty() {
        let names: Vec<&str> = canon.properties.keys().map(String::as_str).collect();
        parts.push(if depth == 0 {
            format!("{{{}}}", names.join(", "))
        } else {
            "{..}".to_string()
        });
    }
    let keywords: Vec<String> = canon
        .keywords
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    if !keywords.is_empty() {
        parts.push(format!("({})", keywords.join(", ")));
    }
    parts.join(" ")
}

fn list(values: &[Value]) -> String {
    let shown: Vec<String> = values.iter().map(Value::to_string).collect();
    format!("[{}]", shown.join(", "))
}

/// The walk of two schemas in parallel, pushing one [`Finding`] per difference.
pub struct Walk<'f> {
    pub findings: &'f mut Vec<Finding>,
    /// `(attio body, ours body)` pairs being walked: a repeat is recursion, and stops there.
    stack: Vec<(String, String)>,
}

impl<'f> Walk<'f> {
    pub fn new(findings: &'f mut Vec<Finding>) -> Self {
        Self {
            findings,
            stack: Vec::new(),
        }
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

    fn refine(&mut self, reason: &'static str) {
        if let Some(last) = self.findings.last_mut() {
            last.refinement = Some(reason);
        }
    }

    /// Compares the schemas at `attio` and `ours`, found at `location` (a pointer-like path within the
    /// operation) of something the client sends or receives.
    pub fn schema(
        &mut self,
        attio: &Node<'_>,
        ours: &Node<'_>,
        location: &str,
        direction: Direction,
    ) -> Result<(), SpecError> {
        let a = canon(attio)?;
        let o = canon(ours)?;
        let pair = (a.body.clone(), o.body.clone());
        if self.stack.contains(&pair) || self.stack.len() >= MAX_DEPTH {
            return Ok(());
        }
        self.stack.push(pair);
        let result = self.facts(&a, &o, location, direction);
        self.stack.pop();
        result
    }

    fn facts(
        &mut self,
        a: &Canon<'_>,
        o: &Canon<'_>,
        location: &str,
        direction: Direction,
    ) -> Result<(), SpecError> {
        let types = |c: &Canon<'_>| -> String {
            if c.types.is_empty() {
                "none".to_string()
            } else {
                c.types.iter().cloned().collect::<Vec<_>>().join(" or ")
            }
        };
        if a.types != o.types {
            self.push(Kind::Differs, location, "type", types(a), types(o));
        }
        if a.nullable != o.nullable {
            let kind = if a.nullable {
                Kind::AttioOnly
            } else {
                Kind::OursOnly
            };
            self.push(
                kind,
                location,
                "nullable",
                yes_no(a.nullable),
                yes_no(o.nullable),
            );
        }
        if a.format != o.format {
            let kind = presence(a.format.is_some(), o.format.is_some());
            let shown = |f: &Option<String>| f.clone().unwrap_or_else(|| "none".into());
            self.push(kind, location, "format", shown(&a.format), shown(&o.format));
        }
        self.enumeration(a, o, location);
        self.keywords(a, o, location, direction);
        self.additional(a, o, location, direction)?;
        self.properties(a, o, location, direction)?;
        match (&a.items, &o.items) {
            (Some(ai), Some(oi)) => self.schema(ai, oi, &join(location, "items"), direction)?,
            (None, None) => {}
            (ai, oi) => {
                let shown = |i: &Option<Box<Node<'_>>>| match i {
                    Some(n) => canon(n).map(|c| describe(&c)),
                    None => Ok("none".to_string()),
                };
                let (sa, so) = (shown(ai)?, shown(oi)?);
                self.push(
                    presence(ai.is_some(), oi.is_some()),
                    location,
                    "items",
                    sa,
                    so,
                );
            }
        }
        match (&a.branches, &o.branches) {
            (Some(ab), Some(ob)) if ab.len() == ob.len() => {
                for (i, (x, y)) in ab.iter().zip(ob).enumerate() {
                    let at = join(&join(location, "anyOf"), &i.to_string());
                    self.schema(x, y, &at, direction)?;
                }
            }
            (None, None) => {}
            (ab, ob) => {
                let count = |b: &Option<Vec<Node<'_>>>| match b {
                    Some(b) => format!("{} branches", b.len()),
                    None => "no union".to_string(),
                };
                let kind = presence(ab.is_some(), ob.is_some());
                self.push(kind, location, "oneOf/anyOf", count(ab), count(ob));
            }
        }
        Ok(())
    }

    fn enumeration(&mut self, a: &Canon<'_>, o: &Canon<'_>, location: &str) {
        match (&a.enumeration, &o.enumeration) {
            (Some(av), Some(ov)) => {
                for v in av.iter().filter(|v| !ov.contains(v)) {
                    self.push(
                        Kind::AttioOnly,
                        location,
                        &format!("enum value {v}"),
                        "listed".into(),
                        "absent".into(),
                    );
                }
                for v in ov.iter().filter(|v| !av.contains(v)) {
                    self.push(
                        Kind::OursOnly,
                        location,
                        &format!("enum value {v}"),
                        "absent".into(),
                        "listed".into(),
                    );
                }
            }
            (None, None) => {}
            (av, ov) => {
                let shown = |v: &Option<Vec<Value>>| v.as_deref().map_or("none".into(), list);
                let kind = presence(av.is_some(), ov.is_some());
                self.push(kind, location, "enum", shown(av), shown(ov));
            }
        }
    }

    fn keywords(&mut self, a: &Canon<'_>, o: &Canon<'_>, location: &str, direction: Direction) {
        let keys: BTreeSet<&String> = a.keywords.keys().chain(o.keywords.keys()).collect();
        for key in keys {
            let (x, y) = (a.keywords.get(key), o.keywords.get(key));
            if x == y {
                continue;
            }
            let shown = |v: Option<&Value>| v.map_or("none".into(), Value::to_string);
            self.push(
                presence(x.is_some(), y.is_some()),
                location,
                key,
                shown(x),
                shown(y),
            );
            // A bound (or default) that only ours states, on what the client sends: it narrows what we
            // send, which Attio accepts all the same (we take such bounds from Attio's prose, e.g. the
            // page size of list-call-recordings). On what we receive it could refuse Attio's values:
            // drift.
            if x.is_none() && direction == Direction::Sent && REFINING.contains(&key.as_str()) {
                self.refine("ours narrows what the client sends");
            }
        }
    }

    fn properties(
        &mut self,
        a: &Canon<'_>,
        o: &Canon<'_>,
        location: &str,
        direction: Direction,
    ) -> Result<(), SpecError> {
        let names: BTreeSet<&String> = a.properties.keys().chain(o.properties.keys()).collect();
        for name in names {
            let at = join(location, name);
            let required = |c: &Canon<'_>| {
                if c.required.contains(name.as_str()) {
                    "required "
                } else {
                    "optional "
                }
            };
            match (a.properties.get(name), o.properties.get(name)) {
                (Some(x), Some(y)) => {
                    let (ra, ro) = (a.required.contains(name), o.required.contains(name));
                    if ra != ro {
                        self.push(Kind::Differs, &at, "required", yes_no(ra), yes_no(ro));
                        // Adopt's "one name, one type": a key Attio always sends, possibly null, and one
                        // ours reads as optional and nullable, decode the same (to `None` when null or
                        // absent). On what the client sends, leaving a required key out is refused.
                        if ra
                            && direction == Direction::Received
                            && canon(x)?.nullable()
                            && canon(y)?.nullable()
                        {
                            self.refine(
                                "Attio always sends the key, maybe null; ours reads it as optional",
                            );
                        }
                    }
                    self.schema(x, y, &at, direction)?;
                }
                (Some(x), None) => {
                    let shown = format!("{}{}", required(a), describe(&canon(x)?));
                    self.push(Kind::AttioOnly, &at, "field", shown, "absent".into());
                }
                (None, Some(y)) => {
                    let shown = format!("{}{}", required(o), describe(&canon(y)?));
                    self.push(Kind::OursOnly, &at, "field", "absent".into(), shown);
                }
                (None, None) => {}
            }
        }
        Ok(())
    }

    fn additional(
        &mut self,
        a: &Canon<'_>,
        o: &Canon<'_>,
        location: &str,
        direction: Direction,
    ) -> Result<(), SpecError> {
        let shown = |x: &Additional<'_>| -> Result<String, SpecError> {
            Ok(match x {
                Additional::Any => "any key".to_string(),
                Additional::Closed => "false".to_string(),
                Additional::Schema(n) => describe(&canon(n)?),
            })
        };
        match (&a.additional, &o.additional) {
            (Additional::Any, Additional::Any) | (Additional::Closed, Additional::Closed) => {}
            (Additional::Schema(x), Additional::Schema(y)) => {
                self.schema(x, y, &join(location, "additionalProperties"), direction)?;
            }
            (x, y) => {
                let kind = match (x, y) {
                    (Additional::Any, _) => Kind::OursOnly,
                    (_, Additional::Any) => Kind::AttioOnly,
                    _ => Kind::Differs,
                };
                let (sx, sy) = (shown(x)?, shown(y)?);
                self.push(kind, location, "additionalProperties", sx, sy);
            }
        }
        Ok(())
    }
}

/// Keywords that narrow what a value may be (or say what is assumed when it is left out).
const REFINING: [&str; 12] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "pattern",
    "multipleOf",
    "uniqueItems",
    "default",
];

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// The kind of a difference in something either side may state.
fn presence(attio: bool, ours: bool) -> Kind {
    match (attio, ours) {
        (true, false) => Kind::AttioOnly,
        (false, true) => Kind::OursOnly,
        _ => Kind::Differs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compare(attio: Value, ours: Value, direction: Direction) -> Vec<Finding> {
        let doc_a = json!({"s": attio});
        let doc_o = json!({"s": ours});
        let mut findings = Vec::new();
        let a = Node::new(&doc_a["s"], &doc_a, Path::new("attio.yaml"), "/s".into());
        let o = Node::new(&doc_o["s"], &doc_o, Path::new("ours.yaml"), "/s".into());
        Walk::new(&mut findings)
            .schema(&a, &o, "body", direction)
            .unwrap();
        findings
    }

    fn lines(findings: &[Finding]) -> Vec<String> {
        findings.iter().map(Finding::line).collect()
    }

    #[test]
    fn spellings_of_the_same_facts_compare_equal() {
        let same = |a: Value, o: Value| {
            let found = compare(a.clone(), o.clone(), Direction::Received);
            assert!(found.is_empty(), "{a} vs {o}: {:?}", lines(&found));
        };
        same(
            json!({"type": "string", "nullable": true}),
            json!({"type": ["string", "null"]}),
        );
        // Ours' named enum with a null branch is Attio's nullable inline enum.
        same(
            json!({"type": "string", "enum": ["a", "b"], "nullable": true}),
            json!({"oneOf": [{"type": "string", "enum": ["b", "a"]}, {"type": "null"}]}),
        );
        same(
            json!({"type": "integer", "enum": [400]}),
            json!({"type": "integer", "const": 400}),
        );
        // `oneOf` and `anyOf` of the same branches.
        same(
            json!({"anyOf": [{"type": "string"}, {"type": "boolean"}]}),
            json!({"oneOf": [{"type": "string"}, {"type": "boolean"}]}),
        );
        // Documentation and extensions are not facts.
        same(
            json!({"type": "string", "description": "a", "example": "x", "x-mint": {}}),
            json!({"type": "string", "title": "T", "x-attio-whatever": 1}),
        );
    }

    #[test]
    fn refs_are_followed_and_their_siblings_laid_over() {
        let doc_a = json!({"s": {"type": "string", "format": "uuid", "minLength": 1}});
        let doc_o = json!({
            "s": {"$ref": "#/components/schemas/Id", "description": "d", "minLength": 1},
            "components": {"schemas": {"Id": {"type": "string", "format": "uuid"}}}
        });
        let mut findings = Vec::new();
        let a = Node::new(&doc_a["s"], &doc_a, Path::new("attio.yaml"), "/s".into());
        let o = Node::new(&doc_o["s"], &doc_o, Path::new("ours.yaml"), "/s".into());
        Walk::new(&mut findings)
            .schema(&a, &o, "body", Direction::Sent)
            .unwrap();
        assert!(findings.is_empty(), "{:?}", lines(&findings));
    }

    #[test]
    fn each_kind_of_difference_is_one_line() {
        let found = compare(
            json!({"type": "object", "required": ["a", "b"], "additionalProperties": false, "properties": {
                "a": {"type": "string", "format": "uuid", "maxLength": 10},
                "b": {"type": "string", "enum": ["x", "y"]},
                "c": {"type": "integer"},
                "d": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
                "n": {"type": "string", "nullable": true}
            }}),
            json!({"type": "object", "required": ["b"], "properties": {
                "a": {"type": "string", "format": "uri"},
                "b": {"type": "string", "enum": ["x", "z"]},
                "d": {"type": "array", "items": {"type": "integer"}, "maxItems": 5},
                "n": {"type": "string"},
                "o": {"type": "boolean"}
            }}),
            Direction::Received,
        );
        assert_eq!(
            lines(&found),
            [
                "+ attio    body  additionalProperties: Attio false, ours any key",
                "~ differs  body/a  required: Attio yes, ours no",
                "~ differs  body/a  format: Attio uuid, ours uri",
                "+ attio    body/a  maxLength: Attio 10, ours none",
                "+ attio    body/b  enum value \"y\": Attio listed, ours absent",
                "- ours     body/b  enum value \"z\": Attio absent, ours listed",
                "+ attio    body/c  field: Attio optional integer, ours absent",
                "~ differs  body/d/items  type: Attio string, ours integer",
                "+ attio    body/n  nullable: Attio yes, ours no",
                "- ours     body/o  field: Attio absent, ours optional boolean",
            ]
        );
        assert!(found.iter().all(|f| f.refinement.is_none()));
    }

    #[test]
    fn union_branches_are_compared_by_place_and_counted() {
        let found = compare(
            json!({"anyOf": [{"type": "object", "properties": {"x": {"type": "string"}}}, {"type": "string"}]}),
            json!({"oneOf": [{"type": "object", "properties": {"x": {"type": "integer"}}}, {"type": "string"}]}),
            Direction::Received,
        );
        assert_eq!(
            lines(&found),
            ["~ differs  body/anyOf/0/x  type: Attio string, ours integer"]
        );
        let found = compare(
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]}),
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
            Direction::Received,
        );
        assert_eq!(
            lines(&found),
            ["~ differs  body  oneOf/anyOf: Attio 3 branches, ours 2 branches"]
        );
    }

    #[test]
    fn our_bounds_on_what_we_send_refine_and_on_what_we_receive_drift() {
        let attio = json!({"type": "integer"});
        let ours = json!({"type": "integer", "minimum": 1, "maximum": 200, "default": 50});
        let sent = compare(attio.clone(), ours.clone(), Direction::Sent);
        assert_eq!(sent.len(), 3);
        assert!(
            sent.iter().all(|f| f.refinement.is_some()),
            "{:?}",
            lines(&sent)
        );
        let received = compare(attio, ours, Direction::Received);
        assert_eq!(received.len(), 3);
        assert!(received.iter().all(|f| f.refinement.is_none()));
        // A bound Attio states and ours does not is drift either way.
        let found = compare(
            json!({"type": "string", "maxLength": 5}),
            json!({"type": "string"}),
            Direction::Sent,
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].refinement.is_none());
    }

    #[test]
    fn a_key_attio_always_sends_maybe_null_may_be_optional_in_ours_only_when_received() {
        let attio = json!({"type": "object", "required": ["n"], "properties": {"n": {"type": ["string", "null"]}}});
        let ours = json!({"type": "object", "properties": {"n": {"type": ["string", "null"]}}});
        let received = compare(attio.clone(), ours.clone(), Direction::Received);
        assert_eq!(received.len(), 1);
        assert!(received[0].refinement.is_some());
        let sent = compare(attio, ours, Direction::Sent);
        assert_eq!(sent.len(), 1);
        assert!(sent[0].refinement.is_none());
        // Not nullable: a key Attio always sends with a value is drift when ours makes it optional.
        let found = compare(
            json!({"type": "object", "required": ["n"], "properties": {"n": {"type": "string"}}}),
            json!({"type": "object", "properties": {"n": {"type": "string"}}}),
            Direction::Received,
        );
        assert!(found[0].refinement.is_none());
    }

    #[test]
    fn recursive_schemas_end() {
        let doc = json!({"components": {"schemas": {"T": {"type": "object", "properties": {
            "child": {"$ref": "#/components/schemas/T"}
        }}}}, "s": {"$ref": "#/components/schemas/T"}});
        let mut findings = Vec::new();
        let a = Node::new(&doc["s"], &doc, Path::new("attio.yaml"), "/s".into());
        let o = Node::new(&doc["s"], &doc, Path::new("ours.yaml"), "/s".into());
        Walk::new(&mut findings)
            .schema(&a, &o, "body", Direction::Received)
            .unwrap();
        assert!(findings.is_empty());
    }

    #[test]
    fn a_ref_cycle_or_a_dangling_ref_is_an_error_at_its_place() {
        let doc = json!({"s": {"$ref": "#/s"}});
        let node = Node::new(&doc["s"], &doc, Path::new("attio.yaml"), "/s".into());
        let err = canon(&node).unwrap_err();
        assert!(err.message.contains("cycle"), "{err}");
        let doc = json!({"s": {"properties": {"x": {"$ref": "#/nowhere"}}}});
        let other = json!({"s": {"properties": {"x": {"type": "string"}}}});
        let a = Node::new(&doc["s"], &doc, Path::new("attio.yaml"), "/s".into());
        let o = Node::new(&other["s"], &other, Path::new("ours.yaml"), "/s".into());
        let err = Walk::new(&mut Vec::new())
            .schema(&a, &o, "body", Direction::Received)
            .unwrap_err();
        assert_eq!(err.pointer, "/s/properties/x");
        assert!(err.message.contains("points to nothing"), "{err}");
    }
}
