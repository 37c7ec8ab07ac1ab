//! Gives another document (Attio's whole one) the names of ours.
//!
//! Attio's document has no operationIds and inlines every schema, so progenitor would name the types
//! after where they stand (`CreateMeetingBodyData`). Our spec describes the same operations with named
//! components. This pass walks each operation of both documents in parallel (matched by path and method;
//! parameters by `name` + `in`, bodies by media type, success responses by status, then schemas by
//! property, `items`, `additionalProperties` and union branch index), twice:
//!
//! 1. **Formats where Attio is silent.** Wherever ours states `format: F` on a schema whose `type` agrees
//!    with the document's (the same types once `null` is set aside) and the document states no `format`,
//!    the document's schema gets `format: F`: parameters' schemas as well as bodies' (so `ends_from` and
//!    `starts_before` become `date-time`). Our spec refines; a format the document states is never
//!    overridden, and a schema of another type is left as it is. One refinement more, of the same kind:
//!    a query parameter the document types as one plain string where ours has an array of strings sent
//!    comma-separated (`style: form`, `explode: false`) says the same on the wire, and takes our array
//!    (Attio's `participants`, "a comma-separated list of emails").
//! 2. **Names.** Wherever ours names a schema with `$ref: '#/components/schemas/X'` and the document has
//!    it inline, the document's schema moves to its `components/schemas/X` and a `$ref` is left behind.
//!    Our operationIds, our `x-attio-*` operation extensions and our titles of `oneOf`/`anyOf` branches
//!    (which name enum variants) are copied too.
//!
//! **One name, one type.** When ours uses X at several places, the document's copies become one component
//! X when they have the same facts (documentation keywords aside), or when they differ only in what is
//! lenient to unify ([`unify`]): a property required in one copy and optional but nullable in another,
//! nullability, `additionalProperties: false`, annotations (`description`, `example`, `title`...), a
//! `format` one copy states and the other does not (after rule 1, our format). X then has the copies'
//! properties; a property is required only if every copy requires it, nullable if any copy makes it
//! nullable, and X has no `additionalProperties: false`: what either copy accepts, X accepts. (Attio
//! describes the start of a meeting it returns with `timezone` required but nullable, and of one it is
//! sent with `timezone` optional and no other key allowed: one `MeetingTime`.) Copies that differ in
//! anything else (a property only one has, a property's type, enum values, the number of branches, a
//! bound) are kept apart as the document has them, the later one inline under a derived name, and a note
//! (a build warning) says where and why.
//!
//! The rule is: the document's facts win, our names and refinements win. Where the shapes differ (a
//! property only one side has, a different number of branches) the parallel walk just stops there.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::walk;
use crate::error::{Result, SpecError};
use crate::pointer::{join, of_local_ref};

/// Where named schemas live.
const SCHEMAS: &str = "/components/schemas";

/// Operation keys copied from ours besides `operationId`: our vendor extensions.
const EXTENSION_PREFIX: &str = "x-attio-";

/// Schema keywords that only document a schema. Two inline copies that differ only in these (Attio
/// repeats the same shape with a different `description` per place) are one type.
const DOCUMENTATION: [&str; 5] = ["description", "example", "examples", "title", "$comment"];

/// Keywords whose values are data, not schemas: they are compared as they are.
const DATA: [&str; 5] = ["enum", "const", "default", "required", "type"];

/// Keywords whose values map names to schemas.
const SCHEMA_MAPS: [&str; 4] = ["properties", "patternProperties", "$defs", "definitions"];

/// How many `$ref`s in a row are followed before giving up (a cycle).
const MAX_REF_CHAIN: usize = 32;

/// How deep `$ref`s are expanded when comparing two schemas (recursive schemas stop there).
const MAX_EXPANSION: usize = 16;

/// Copies the formats and names of `ours` onto `doc`; both are raw (3.1) documents, `doc` already sliced.
///
/// Operations only `doc` has are left alone. Errors name the JSON pointer: in `doc` when the document is
/// at fault, in `ours` (said so in the message) when our spec is.
pub fn adopt(doc: &mut Value, ours: &Value) -> Result<()> {
    adopt_noting(doc, ours, &mut Vec::new())
}

/// [`adopt`], pushing to `notes` one line per pair of copies kept apart (where, and why).
pub fn adopt_noting(doc: &mut Value, ours: &Value, notes: &mut Vec<String>) -> Result<()> {
    for pass in [Pass::Formats, Pass::Names] {
        let mut adopter = Adopter {
            doc: &mut *doc,
            ours,
            pass,
            visited: BTreeSet::new(),
            notes: &mut *notes,
        };
        for (op_ptr, path, _) in walk::operations(adopter.doc) {
            if ours.pointer(&op_ptr).is_some_and(Value::is_object) {
                adopter.operation(&op_ptr, &join("/paths", &path))?;
            }
        }
    }
    webhooks(doc, ours, notes);
    Ok(())
}

/// Rule 3: webhooks our spec describes and the document does not (Attio documents its webhook payloads in
/// guides, and its OpenAPI file has an empty `webhooks`) are brought over, with the components they
/// reach that the document lacks. A webhook the document describes is left as it is.
fn webhooks(doc: &mut Value, ours: &Value, notes: &mut Vec<String>) {
    let Some(our_hooks) = ours.get("webhooks").and_then(Value::as_object) else {
        return;
    };
    let mut todo: Vec<String> = Vec::new();
    for (name, hook) in our_hooks {
        let Some(doc_map) = doc.as_object_mut() else {
            return;
        };
        let hooks = doc_map
            .entry("webhooks")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(hooks) = hooks.as_object_mut() else {
            return;
        };
        if hooks.contains_key(name) {
            continue;
        }
        hooks.insert(name.clone(), hook.clone());
        notes.push(format!(
            "webhook `{name}` taken from our spec (the document does not describe it)"
        ));
        let mut refs = Vec::new();
        walk::refs(hook, "", &mut refs);
        todo.extend(refs.into_iter().map(|(_, target)| target));
    }
    let mut seen = BTreeSet::new();
    while let Some(target) = todo.pop() {
        let Some(ptr) = of_local_ref(&target) else {
            continue;
        };
        if !seen.insert(ptr.to_string()) || doc.pointer(ptr).is_some() {
            continue;
        }
        let Some(component) = ours.pointer(ptr) else {
            continue;
        };
        let mut refs = Vec::new();
        walk::refs(component, "", &mut refs);
        todo.extend(refs.into_iter().map(|(_, target)| target));
        let component = component.clone();
        let mut parts = ptr.trim_start_matches('/').split('/');
        let (Some("components"), Some(kind), Some(name), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let name = name.replace("~1", "/").replace("~0", "~");
        if let Some(kind_map) = doc
            .as_object_mut()
            .map(|m| {
                m.entry("components")
                    .or_insert_with(|| Value::Object(Map::new()))
            })
            .and_then(Value::as_object_mut)
            .map(|c| c.entry(kind).or_insert_with(|| Value::Object(Map::new())))
            .and_then(Value::as_object_mut)
        {
            kind_map.insert(name, component);
        }
    }
}

/// What a walk of both documents does at each pair of schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Rule 1: our formats where the document states none. Runs first, so that copies compare with them.
    Formats,
    /// Rule 2: our names, one type per name.
    Names,
}

struct Adopter<'d, 'o, 'n> {
    doc: &'d mut Value,
    ours: &'o Value,
    pass: Pass,
    /// `(ours, doc)` pairs of schema pointers already walked.
    visited: BTreeSet<(String, String)>,
    notes: &'n mut Vec<String>,
}

impl Adopter<'_, '_, '_> {
    /// `op_ptr` is the same pointer in both documents (same path, same method).
    fn operation(&mut self, op_ptr: &str, item_ptr: &str) -> Result<()> {
        let ours = self.ours;
        let Some(our_op) = ours.pointer(op_ptr).and_then(Value::as_object) else {
            return Ok(());
        };
        let doc_op = self
            .doc
            .pointer_mut(op_ptr)
            .and_then(Value::as_object_mut)
            .ok_or_else(|| SpecError::new(op_ptr, "the operation is not a mapping"))?;
        for (key, value) in our_op {
            if self.pass == Pass::Names
                && (key == "operationId" || key.starts_with(EXTENSION_PREFIX))
            {
                doc_op.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }

        // Parameters, by `name` + `in`; operation-level ones override path-level ones.
        let our_params = parameters(ours, item_ptr, op_ptr, true)?;
        let doc_params = parameters(self.doc, item_ptr, op_ptr, false)?;
        for (key, our_param) in &our_params {
            if let Some(doc_param) = doc_params.iter().find(|(k, _)| k == key).map(|(_, p)| p) {
                if self.pass == Pass::Formats
                    && let Some(list) =
                        comma_list(ours.pointer(our_param), self.doc.pointer(doc_param))
                    && let Some(param) = self
                        .doc
                        .pointer_mut(doc_param)
                        .and_then(Value::as_object_mut)
                {
                    param.insert("style".into(), json!("form"));
                    param.insert("explode".into(), json!(false));
                    param.insert("schema".into(), list);
                }
                self.schema(&join(our_param, "schema"), &join(doc_param, "schema"))?;
            }
        }

        // The request body, by media type.
        let body = join(op_ptr, "requestBody");
        if ours.pointer(&body).is_some() && self.doc.pointer(&body).is_some() {
            let our_body = resolve(ours, &body, true)?;
            let doc_body = resolve(self.doc, &body, false)?;
            self.content(&our_body, &doc_body)?;
        }

        // Success responses, by status. Error responses are left to the `responses` pass, which replaces
        // them all with one envelope: naming their per-status schemas (`AttioError` with `status_code`
        // 404 only) would shadow that envelope.
        let responses = join(op_ptr, "responses");
        let statuses: Vec<String> = ours
            .pointer(&responses)
            .and_then(Value::as_object)
            .map(|m| m.keys().filter(|s| s.starts_with('2')).cloned().collect())
            .unwrap_or_default();
        for status in statuses {
            let at = join(&responses, &status);
            if self.doc.pointer(&at).is_some() {
                let our_response = resolve(ours, &at, true)?;
                let doc_response = resolve(self.doc, &at, false)?;
                self.content(&our_response, &doc_response)?;
            }
        }
        Ok(())
    }

    /// Walks the schemas of the media types both `content` maps have.
    fn content(&mut self, ours_ptr: &str, doc_ptr: &str) -> Result<()> {
        let ours = self.ours;
        let Some(media) = ours
            .pointer(&join(ours_ptr, "content"))
            .and_then(Value::as_object)
        else {
            return Ok(());
        };
        for mime in media.keys() {
            let our_schema = join(&join(&join(ours_ptr, "content"), mime), "schema");
            let doc_schema = join(&join(&join(doc_ptr, "content"), mime), "schema");
            if ours.pointer(&our_schema).is_some() && self.doc.pointer(&doc_schema).is_some() {
                self.schema(&our_schema, &doc_schema)?;
            }
        }
        Ok(())
    }

    /// Names the schema at `doc_ptr` after the one at `ours_ptr` (or gives it our format), then walks
    /// inside both.
    fn schema(&mut self, ours_ptr: &str, doc_ptr: &str) -> Result<()> {
        let ours = self.ours;
        let (name, ours_body) = follow(ours, ours_ptr, true)?;
        let Some(doc_value) = self.doc.pointer(doc_ptr) else {
            return Ok(());
        };
        if self.pass == Pass::Formats {
            let doc_body = follow(self.doc, doc_ptr, false)?.1;
            if !self.visited.insert((ours_body.clone(), doc_body.clone())) {
                return Ok(());
            }
            if let Some(format) =
                refined_format(ours.pointer(&ours_body), self.doc.pointer(&doc_body))
                && let Some(schema) = self
                    .doc
                    .pointer_mut(&doc_body)
                    .and_then(Value::as_object_mut)
            {
                schema.insert("format".into(), Value::String(format));
            }
            return self.descend(&ours_body, &doc_body);
        }
        let doc_ref = doc_value
            .get("$ref")
            .and_then(Value::as_str)
            .map(str::to_string);
        let inline = doc_value.is_object();
        let mut doc_body = doc_ptr.to_string();
        if let Some(target) = doc_ref {
            // Already a component: rename it to our name when that name is free.
            let target = of_local_ref(&target).ok_or_else(|| {
                SpecError::new(
                    doc_ptr,
                    format!("`$ref: {target}` points outside the document"),
                )
            })?;
            if let (Some(ours_name), Some(theirs)) = (&name, schema_name(target))
                && theirs != *ours_name
                && let Some(their_schema) = self.schema_slot(&theirs)
            {
                match self.schema_slot(ours_name) {
                    None => self.rename(&theirs, ours_name)?,
                    // Our name was given to another copy of the same facts: one type.
                    Some(named)
                        if facts(self.doc, named, 0) == facts(self.doc, their_schema, 0) =>
                    {
                        self.rename(&theirs, ours_name)?
                    }
                    // Or of facts lenient to unify: one type too.
                    Some(named) => match unify(self.doc, named, their_schema) {
                        Ok(merged) => {
                            self.replace_component(ours_name, merged)?;
                            self.rename(&theirs, ours_name)?;
                        }
                        // Our name is taken by other facts: the component keeps its own name.
                        Err(why) => self.notes.push(format!(
                            "{}: kept apart from {} (ours names both {ours_name}): {why}",
                            join(SCHEMAS, &theirs),
                            join(SCHEMAS, ours_name)
                        )),
                    },
                }
            }
            doc_body = follow(self.doc, doc_ptr, false)?.1;
        } else if let Some(ours_name) = &name
            && inline
        {
            doc_body = self.hoist(doc_ptr, ours_name)?;
        }
        if !self.visited.insert((ours_body.clone(), doc_body.clone())) {
            return Ok(());
        }
        self.descend(&ours_body, &doc_body)
    }

    /// Moves the inline schema at `doc_ptr` to `components/schemas/<name>` and returns where it now is.
    fn hoist(&mut self, doc_ptr: &str, name: &str) -> Result<String> {
        let component = join(SCHEMAS, name);
        let reference = json!({ "$ref": format!("#{component}") });
        let Some(inline) = self.doc.pointer(doc_ptr).cloned() else {
            return Ok(doc_ptr.to_string());
        };
        match self.schema_slot(name) {
            None => {
                self.schemas_mut()?.insert(name.to_string(), inline);
            }
            // Hoisted before from another place: one type when the facts are the same (Attio repeats a
            // shape with other descriptions) or differ only leniently (see `unify`); else this copy stays
            // inline, under a derived name, and a note says why.
            Some(existing) => {
                if facts(self.doc, existing, 0) != facts(self.doc, &inline, 0) {
                    match unify(self.doc, existing, &inline) {
                        Ok(merged) => self.replace_component(name, merged)?,
                        Err(why) => {
                            self.notes.push(format!(
                                "{doc_ptr}: kept apart from {component} (ours names both {name}): {why}"
                            ));
                            return Ok(doc_ptr.to_string());
                        }
                    }
                }
            }
        }
        if let Some(slot) = self.doc.pointer_mut(doc_ptr) {
            *slot = reference;
        }
        Ok(component)
    }

    /// Walks the sub-schemas both sides have.
    fn descend(&mut self, ours_ptr: &str, doc_ptr: &str) -> Result<()> {
        let ours = self.ours;
        let (Some(our_schema), Some(doc_schema)) =
            (ours.pointer(ours_ptr), self.doc.pointer(doc_ptr))
        else {
            return Ok(());
        };
        let mut pairs = Vec::new();
        let mut titles = Vec::new();

        if let (Some(our_props), Some(doc_props)) = (
            our_schema.get("properties").and_then(Value::as_object),
            doc_schema.get("properties").and_then(Value::as_object),
        ) {
            for key in our_props.keys().filter(|k| doc_props.contains_key(*k)) {
                pairs.push((
                    join(&join(ours_ptr, "properties"), key),
                    join(&join(doc_ptr, "properties"), key),
                ));
            }
        }
        for key in ["items", "additionalProperties"] {
            if our_schema.get(key).is_some_and(Value::is_object)
                && doc_schema.get(key).is_some_and(Value::is_object)
            {
                pairs.push((join(ours_ptr, key), join(doc_ptr, key)));
            }
        }
        for our_key in ["oneOf", "anyOf", "allOf"] {
            let Some(our_branches) = our_schema.get(our_key).and_then(Value::as_array) else {
                continue;
            };
            // `oneOf` and `anyOf` of the same branches name the same enum; `allOf` only matches itself.
            let doc_key = match our_key {
                "allOf" => "allOf",
                _ if doc_schema.get(our_key).is_some() => our_key,
                "oneOf" => "anyOf",
                _ => "oneOf",
            };
            let Some(doc_branches) = doc_schema.get(doc_key).and_then(Value::as_array) else {
                continue;
            };
            if doc_branches.len() != our_branches.len() {
                continue;
            }
            for (i, (our_branch, doc_branch)) in our_branches.iter().zip(doc_branches).enumerate() {
                let our_at = join(&join(ours_ptr, our_key), &i.to_string());
                let doc_at = join(&join(doc_ptr, doc_key), &i.to_string());
                if our_key != "allOf"
                    && self.pass == Pass::Names
                    && let Some(title) = our_branch.get("title")
                    && doc_branch.is_object()
                    && doc_branch.get("title").is_none()
                    && doc_branch.get("$ref").is_none()
                {
                    titles.push((doc_at.clone(), title.clone()));
                }
                pairs.push((our_at, doc_at));
            }
        }

        for (at, title) in titles {
            if let Some(branch) = self.doc.pointer_mut(&at).and_then(Value::as_object_mut) {
                branch.insert("title".into(), title);
            }
        }
        for (our_at, doc_at) in pairs {
            self.schema(&our_at, &doc_at)?;
        }
        Ok(())
    }

    fn schema_slot(&self, name: &str) -> Option<&Value> {
        self.doc.pointer(&join(SCHEMAS, name))
    }

    fn schemas_mut(&mut self) -> Result<&mut Map<String, Value>> {
        let root = self
            .doc
            .as_object_mut()
            .ok_or_else(|| SpecError::new("", "the document is not a mapping"))?;
        root.entry("components")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .ok_or_else(|| SpecError::new("/components", "components must be a mapping"))?
            .entry("schemas")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .ok_or_else(|| SpecError::new(SCHEMAS, "schemas must be a mapping"))
    }

    /// Puts `schema` at `components/schemas/<name>`; what was walked there is walked again, since the
    /// merged schema may have parts neither walk has named yet.
    fn replace_component(&mut self, name: &str, schema: Value) -> Result<()> {
        self.schemas_mut()?.insert(name.to_string(), schema);
        let stale = join(SCHEMAS, name);
        self.visited
            .retain(|(_, doc)| doc != &stale && !doc.starts_with(&format!("{stale}/")));
        Ok(())
    }

    /// Renames `components/schemas/<from>` to `<to>`, with every `$ref` to it. When `<to>` exists (a copy
    /// of the same facts), `<from>` is dropped and its references point to `<to>`.
    fn rename(&mut self, from: &str, to: &str) -> Result<()> {
        let schemas = self.schemas_mut()?;
        let Some(schema) = schemas.remove(from) else {
            return Ok(());
        };
        schemas.entry(to.to_string()).or_insert(schema);
        let old = format!("#{}", join(SCHEMAS, from));
        let new = format!("#{}", join(SCHEMAS, to));
        rewrite_refs(self.doc, &old, &new);
        // Pointers walked under the old name are stale; the walk goes on under the new one.
        let stale = join(SCHEMAS, from);
        self.visited
            .retain(|(_, doc)| doc != &stale && !doc.starts_with(&format!("{stale}/")));
        Ok(())
    }
}

/// The parameters of an operation (path-level ones first, overridden by operation-level ones), each as
/// `((name, in), pointer of the resolved parameter)`.
fn parameters(
    doc: &Value,
    item_ptr: &str,
    op_ptr: &str,
    is_ours: bool,
) -> Result<Vec<((String, String), String)>> {
    let mut out: Vec<((String, String), String)> = Vec::new();
    for owner in [item_ptr, op_ptr] {
        let list = join(owner, "parameters");
        let Some(params) = doc.pointer(&list).and_then(Value::as_array) else {
            continue;
        };
        for i in 0..params.len() {
            let at = resolve(doc, &join(&list, &i.to_string()), is_ours)?;
            let Some(param) = doc.pointer(&at) else {
                continue;
            };
            let field = |key: &str| param.get(key).and_then(Value::as_str).map(str::to_string);
            let (Some(name), Some(location)) = (field("name"), field("in")) else {
                continue;
            };
            let key = (name, location);
            out.retain(|(k, _)| *k != key);
            out.push((key, at));
        }
    }
    Ok(out)
}

/// Follows the `$ref`s starting at `ptr`: the name of the first schema component reached (if the value
/// is a `$ref` to one) and the pointer of the body at the end of the chain.
fn follow(doc: &Value, ptr: &str, is_ours: bool) -> Result<(Option<String>, String)> {
    let mut name = None;
    let mut at = ptr.to_string();
    for _ in 0..MAX_REF_CHAIN {
        let Some(target) = doc
            .pointer(&at)
            .and_then(|v| v.get("$ref"))
            .and_then(Value::as_str)
        else {
            return Ok((name, at));
        };
        let target = checked_target(doc, &at, target, is_ours)?;
        if name.is_none() && at == ptr {
            name = schema_name(&target);
        }
        at = target;
    }
    Err(SpecError::new(
        ptr,
        format!("{}the `$ref`s starting here form a cycle", whose(is_ours)),
    ))
}

/// The pointer of the value at `ptr` once its `$ref`s are followed.
fn resolve(doc: &Value, ptr: &str, is_ours: bool) -> Result<String> {
    follow(doc, ptr, is_ours).map(|(_, at)| at)
}

fn checked_target(doc: &Value, at: &str, target: &str, is_ours: bool) -> Result<String> {
    let ptr = of_local_ref(target).ok_or_else(|| {
        SpecError::new(
            at,
            format!(
                "{}`$ref: {target}` points outside the document, which is not supported",
                whose(is_ours)
            ),
        )
    })?;
    if doc.pointer(ptr).is_none() {
        return Err(SpecError::new(
            at,
            format!("{}`$ref: {target}` points to nothing", whose(is_ours)),
        ));
    }
    Ok(ptr.to_string())
}

fn whose(is_ours: bool) -> &'static str {
    if is_ours {
        "in the spec names are taken from: "
    } else {
        ""
    }
}

/// Rule 1: the format to give the document's schema: ours states one, the document states none, and
/// both state the same types (`null` aside).
fn refined_format(ours: Option<&Value>, doc: Option<&Value>) -> Option<String> {
    let format = ours?.get("format")?.as_str()?;
    let doc = doc?.as_object()?;
    if doc.contains_key("format") || doc.contains_key("$ref") {
        return None;
    }
    let ours_types = types(ours?.get("type")?)?;
    (!ours_types.is_empty() && types(doc.get("type")?)? == ours_types).then(|| format.to_string())
}

/// The array schema to give a query parameter the document describes as one string where ours says an
/// array of strings sent comma-separated (`style: form`, `explode: false`): the same thing on the wire
/// (Attio's `participants`, "a comma-separated list of emails"), which ours types item by item. The
/// document's description is kept; its `default` (an empty string) is not an array's.
fn comma_list(ours: Option<&Value>, doc: Option<&Value>) -> Option<Value> {
    let (ours, doc) = (ours?, doc?);
    let query = |p: &Value| p.get("in").and_then(Value::as_str) == Some("query");
    let comma_separated = ours.get("explode") == Some(&Value::Bool(false))
        && ours.get("style").is_none_or(|s| s == "form");
    let our_schema = ours.get("schema")?;
    let strings = our_schema.get("type")? == "array"
        && our_schema.get("items")?.get("type")? == "string"
        && our_schema.get("items")?.get("$ref").is_none();
    let doc_schema = doc.get("schema")?;
    let one_string = doc_schema.get("type")? == "string"
        && ["format", "enum", "const", "pattern", "$ref"]
            .iter()
            .all(|k| doc_schema.get(*k).is_none());
    let unstyled = doc.get("style").is_none() && doc.get("explode").is_none();
    if !(query(ours) && query(doc) && comma_separated && strings && one_string && unstyled) {
        return None;
    }
    let mut list = our_schema.as_object()?.clone();
    list.remove("description");
    if let Some(description) = doc_schema.get("description") {
        list.insert("description".into(), description.clone());
    }
    Some(Value::Object(list))
}

/// The types a `type` keyword states, `null` set aside; `None` when malformed.
fn types(ty: &Value) -> Option<BTreeSet<&str>> {
    match ty {
        Value::String(t) => Some(
            BTreeSet::from([t.as_str()])
                .into_iter()
                .filter(|t| *t != "null")
                .collect(),
        ),
        Value::Array(ts) => ts
            .iter()
            .map(Value::as_str)
            .filter(|t| *t != Some("null"))
            .collect(),
        _ => None,
    }
}

/// Whether a schema admits `null`: `null` among its types, or `nullable: true`.
fn admits_null(schema: &Map<String, Value>) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
        || match schema.get("type") {
            Some(Value::String(t)) => t == "null",
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "null"),
            _ => false,
        }
}

/// Whether a schema admits `null`, directly or through a `oneOf`/`anyOf` branch (or a `$ref`).
fn schema_admits_null(doc: &Value, schema: &Value) -> bool {
    let schema = facts(doc, schema, 0);
    let Value::Object(map) = &schema else {
        return false;
    };
    admits_null(map)
        || ["oneOf", "anyOf"].iter().any(|k| {
            map.get(*k)
                .and_then(Value::as_array)
                .is_some_and(|bs| bs.iter().any(|b| b.as_object().is_some_and(admits_null)))
        })
}

/// Rule "one name, one type": the schema that accepts what either copy accepts, when `a` and `b` differ
/// only leniently; else why not, with the relative pointer of the first difference.
///
/// Lenient: documentation keywords (`a`'s are kept); a property required in one copy and optional but
/// nullable in the other (`required` becomes the intersection); nullability (the union, as `null` among
/// the types); `additionalProperties: false` (dropped); a `format` only one copy states (kept). Anything
/// else must be equal: the same properties, types, enums, branches, bounds; a `$ref` on either side must
/// have the facts of the other side.
pub fn unify(doc: &Value, a: &Value, b: &Value) -> std::result::Result<Value, String> {
    unify_at(doc, a, b, "")
}

fn unify_at(doc: &Value, a: &Value, b: &Value, at: &str) -> std::result::Result<Value, String> {
    let here = || {
        if at.is_empty() {
            "/".to_string()
        } else {
            at.to_string()
        }
    };
    if a == b {
        return Ok(a.clone());
    }
    let target = |v: &Value| {
        v.get("$ref")
            .and_then(Value::as_str)
            .and_then(of_local_ref)
            .and_then(|p| doc.pointer(p))
    };
    match (target(a), target(b)) {
        (None, None) if a.get("$ref").is_none() && b.get("$ref").is_none() => {}
        // A named part is not ours to change from here: it stays when it already accepts what the
        // other copy does (unifying with it changes none of its facts).
        (Some(named), None) | (None, Some(named))
            if a.get("$ref").is_none() || b.get("$ref").is_none() =>
        {
            let (reference, other) = if a.get("$ref").is_some() {
                (a, b)
            } else {
                (b, a)
            };
            return match unify_at(doc, named, other, at) {
                Ok(merged) if facts(doc, &merged, 0) == facts(doc, named, 0) => {
                    Ok(reference.clone())
                }
                _ => Err(format!("at {}: a named component and other facts", here())),
            };
        }
        _ => {
            return if facts(doc, a, 0) == facts(doc, b, 0) {
                Ok(a.clone())
            } else {
                Err(format!("at {}: a named component and other facts", here()))
            };
        }
    }
    let (Value::Object(a), Value::Object(b)) = (a, b) else {
        return Err(format!("at {}: {a} and {b}", here()));
    };
    let nullable = admits_null(a) || admits_null(b);
    let mut out = Map::new();
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for key in keys {
        let k = key.as_str();
        let (x, y) = (a.get(k), b.get(k));
        let sub = join(at, k);
        if DOCUMENTATION.contains(&k) {
            if let Some(v) = x.or(y) {
                out.insert(key.clone(), v.clone());
            }
            continue;
        }
        match k {
            // Nullability is set below, from both copies.
            "nullable" => {}
            "type" => {
                let (Some(tx), Some(ty)) = (x.and_then(types), y.and_then(types)) else {
                    return Err(format!("at {sub}: only one copy states a type"));
                };
                if tx != ty {
                    return Err(format!(
                        "at {sub}: {} and {}",
                        x.map_or("none".into(), Value::to_string),
                        y.map_or("none".into(), Value::to_string)
                    ));
                }
                let mut list: Vec<Value> = tx.iter().map(|t| Value::from(*t)).collect();
                if nullable {
                    list.push(Value::from("null"));
                }
                out.insert(
                    key.clone(),
                    if list.len() == 1 {
                        list.remove(0)
                    } else {
                        Value::Array(list)
                    },
                );
            }
            "format" => match (x, y) {
                (Some(fx), Some(fy)) if fx != fy => {
                    return Err(format!("at {sub}: formats {fx} and {fy}"));
                }
                _ => {
                    if let Some(f) = x.or(y) {
                        out.insert(key.clone(), f.clone());
                    }
                }
            },
            "required" => {
                let listed = |v: Option<&Value>| -> BTreeSet<String> {
                    v.and_then(Value::as_array)
                        .map(|l| {
                            l.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let (rx, ry) = (listed(x), listed(y));
                // Required in one copy only: lenient when the other copy's property may be null (both
                // read as an optional value), else the copies say different things.
                for (name, optional_in) in rx
                    .difference(&ry)
                    .map(|n| (n, b))
                    .chain(ry.difference(&rx).map(|n| (n, a)))
                {
                    let property = optional_in.get("properties").and_then(|p| p.get(name));
                    if !property.is_some_and(|p| schema_admits_null(doc, p)) {
                        return Err(format!(
                            "at {}: `{name}` required in one copy, optional and not nullable in the other",
                            here()
                        ));
                    }
                }
                let both: Vec<Value> = x
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|r| r.as_str().is_some_and(|r| ry.contains(r)))
                    .cloned()
                    .collect();
                if !both.is_empty() {
                    out.insert(key.clone(), Value::Array(both));
                }
            }
            "additionalProperties" => match (x, y) {
                (Some(sx @ Value::Object(_)), Some(sy @ Value::Object(_))) => {
                    out.insert(key.clone(), unify_at(doc, sx, sy, &sub)?);
                }
                // `false` on either side is dropped; a schema on one side only stays.
                (Some(v @ Value::Object(_)), _) | (_, Some(v @ Value::Object(_))) => {
                    out.insert(key.clone(), v.clone());
                }
                _ => {}
            },
            "properties" => {
                let empty = Map::new();
                let px = x.and_then(Value::as_object).unwrap_or(&empty);
                let py = y.and_then(Value::as_object).unwrap_or(&empty);
                let mut props = Map::new();
                for (name, sx) in px {
                    let Some(sy) = py.get(name) else {
                        return Err(format!("at {}: only in one copy", join(&sub, name)));
                    };
                    props.insert(name.clone(), unify_at(doc, sx, sy, &join(&sub, name))?);
                }
                if let Some(name) = py.keys().find(|n| !px.contains_key(*n)) {
                    return Err(format!("at {}: only in one copy", join(&sub, name)));
                }
                out.insert(key.clone(), Value::Object(props));
            }
            "items" | "not" => match (x, y) {
                (Some(sx), Some(sy)) => {
                    out.insert(key.clone(), unify_at(doc, sx, sy, &sub)?);
                }
                _ => return Err(format!("at {sub}: only one copy says `{k}`")),
            },
            "oneOf" | "anyOf" | "allOf" => {
                let (Some(bx), Some(by)) =
                    (x.and_then(Value::as_array), y.and_then(Value::as_array))
                else {
                    return Err(format!("at {sub}: only one copy says `{k}`"));
                };
                if bx.len() != by.len() {
                    return Err(format!("at {sub}: {} and {} branches", bx.len(), by.len()));
                }
                let branches = bx
                    .iter()
                    .zip(by)
                    .enumerate()
                    .map(|(i, (sx, sy))| unify_at(doc, sx, sy, &join(&sub, &i.to_string())))
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                out.insert(key.clone(), Value::Array(branches));
            }
            _ => match (x, y) {
                (Some(vx), Some(vy)) if facts(doc, vx, 0) == facts(doc, vy, 0) => {
                    out.insert(key.clone(), vx.clone());
                }
                (Some(vx), Some(vy)) => return Err(format!("at {sub}: {vx} and {vy}")),
                _ => return Err(format!("at {sub}: only one copy says `{k}`")),
            },
        }
    }
    if nullable && !out.contains_key("type") {
        out.insert("nullable".into(), Value::Bool(true));
    }
    Ok(Value::Object(out))
}

/// `/components/schemas/X` -> `X` (unescaped); anything deeper or elsewhere -> `None`.
fn schema_name(ptr: &str) -> Option<String> {
    let rest = ptr.strip_prefix(SCHEMAS)?.strip_prefix('/')?;
    if rest.is_empty() || rest.contains('/') {
        return None;
    }
    Some(rest.replace("~1", "/").replace("~0", "~"))
}

fn rewrite_refs(value: &mut Value, old: &str, new: &str) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::String(target) if key == "$ref" => {
                        if target == old {
                            *target = new.to_string();
                        } else if let Some(rest) = target.strip_prefix(&format!("{old}/")) {
                            *target = format!("{new}/{rest}");
                        }
                    }
                    _ => rewrite_refs(child, old, new),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|c| rewrite_refs(c, old, new)),
        _ => {}
    }
}

/// What a schema says about values: documentation keywords dropped, local schema `$ref`s expanded (to
/// [`MAX_EXPANSION`] levels), so that a copy whose parts were hoisted compares equal to one still inline.
fn facts(doc: &Value, schema: &Value, depth: usize) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    if let Some(target) = map.get("$ref").and_then(Value::as_str)
        && depth < MAX_EXPANSION
        && let Some(body) = of_local_ref(target).and_then(|p| doc.pointer(p))
    {
        return facts(doc, body, depth + 1);
    }
    let mut out = Map::new();
    for (key, value) in map {
        if DOCUMENTATION.contains(&key.as_str()) {
            continue;
        }
        let value = if DATA.contains(&key.as_str()) {
            value.clone()
        } else if SCHEMA_MAPS.contains(&key.as_str())
            && let Value::Object(entries) = value
        {
            Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), facts(doc, v, depth)))
                    .collect(),
            )
        } else {
            match value {
                Value::Array(items) => {
                    Value::Array(items.iter().map(|v| facts(doc, v, depth)).collect())
                }
                _ => facts(doc, value, depth),
            }
        };
        out.insert(key.clone(), value);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhooks_the_document_lacks_come_from_ours_with_their_payloads() {
        let ours = json!({
            "webhooks": {"thing.created": {"post": {"requestBody": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Payload"}}}}}}},
            "components": {"schemas": {
                "Payload": {"type": "object", "properties": {"thing": {"$ref": "#/components/schemas/Thing"}}},
                "Thing": {"type": "object", "properties": {"kept": {"type": "integer"}}}
            }}
        });
        let mut doc = json!({
            "webhooks": {},
            "components": {"schemas": {"Thing": {"type": "object", "properties": {"theirs": {"type": "string"}}}}}
        });
        let mut notes = Vec::new();
        webhooks(&mut doc, &ours, &mut notes);
        assert!(doc.pointer("/webhooks/thing.created/post").is_some());
        assert_eq!(
            doc["components"]["schemas"]["Payload"],
            ours["components"]["schemas"]["Payload"]
        );
        // The document's own component stays: its facts win.
        assert!(
            doc.pointer("/components/schemas/Thing/properties/theirs")
                .is_some()
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        // A webhook the document describes is left alone.
        let before = doc.clone();
        webhooks(&mut doc, &ours, &mut notes);
        assert_eq!(doc, before);
    }

    /// Ours: named components, operationIds, an extension.
    fn ours() -> Value {
        json!({
            "openapi": "3.1.0",
            "paths": {
                "/v2/things/{thing_id}": {
                    "get": {
                        "operationId": "get_thing",
                        "x-attio-retry": {"idempotent": true},
                        "x-other": "not copied",
                        "parameters": [
                            {"$ref": "#/components/parameters/ThingIdPath"},
                            {"name": "sort", "in": "query", "schema": {"$ref": "#/components/schemas/Sort"}},
                            {"name": "since", "in": "query", "schema": {"type": ["string", "null"], "format": "date-time"}},
                            {"name": "emails", "in": "query", "style": "form", "explode": false, "schema": {"type": "array", "items": {"type": "string", "format": "email"}}},
                            {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                            {"name": "stamp", "in": "query", "schema": {"type": "string", "format": "date-time"}}
                        ],
                        "responses": {
                            "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingResponse"}}}},
                            "404": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                        }
                    },
                    "post": {
                        "operationId": "replace_thing",
                        "requestBody": {"content": {"application/json": {"schema": {
                            "type": "object",
                            "properties": {"when": {"$ref": "#/components/schemas/When"}}
                        }}}},
                        "responses": {"200": {"$ref": "#/components/responses/Thing"}}
                    }
                }
            },
            "components": {
                "parameters": {
                    "ThingIdPath": {"name": "thing_id", "in": "path", "schema": {"$ref": "#/components/schemas/ThingId"}}
                },
                "responses": {
                    "Thing": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingResponse"}}}}
                },
                "schemas": {
                    "ThingId": {"type": "string", "format": "uuid"},
                    "Sort": {"type": "string", "enum": ["asc", "desc"]},
                    "ThingResponse": {"type": "object", "properties": {"data": {"$ref": "#/components/schemas/Thing"}}},
                    "Thing": {
                        "type": "object",
                        "properties": {
                            "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
                            "start": {"$ref": "#/components/schemas/When"},
                            "end": {"$ref": "#/components/schemas/When"},
                            "ours_only": {"$ref": "#/components/schemas/Tag"}
                        }
                    },
                    "Tag": {"type": "object", "properties": {"name": {"type": "string"}}},
                    "When": {"oneOf": [
                        {"title": "Timed", "type": "object", "required": ["at"], "properties": {
                            "at": {"type": "string"},
                            "tz": {"type": ["string", "null"]}
                        }},
                        {"title": "AllDay", "type": "object", "properties": {"day": {"$ref": "#/components/schemas/Day"}}}
                    ]},
                    "Day": {"type": "string", "format": "date"},
                    "Error": {"type": "object"}
                }
            }
        })
    }

    fn when(description: &str) -> Value {
        json!({"description": description, "anyOf": [
            {"type": "object", "required": ["at", "tz"], "properties": {
                "at": {"type": "string"},
                "tz": {"type": ["string", "null"], "description": description}
            }},
            {"type": "object", "properties": {"day": {"type": "string"}}}
        ]})
    }

    /// Attio-like: everything inline, no ids.
    fn doc() -> Value {
        json!({
            "openapi": "3.1.0",
            "paths": {
                "/v2/things/{thing_id}": {
                    "get": {
                        "x-attio-retry": {"idempotent": false},
                        "parameters": [
                            {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
                            {"name": "since", "in": "query", "schema": {"type": ["string", "null"]}},
                            {"name": "emails", "in": "query", "schema": {"type": "string", "default": "", "description": "Comma-separated."}},
                            {"name": "tags", "in": "query", "schema": {"type": "string"}},
                            {"name": "stamp", "in": "query", "schema": {"type": "string", "format": "date"}},
                            {"name": "thing_id", "in": "path", "schema": {"type": "string", "format": "uuid"}}
                        ],
                        "responses": {
                            "200": {"content": {"application/json": {"schema": {
                                "type": "object",
                                "properties": {"data": {
                                    "type": "object",
                                    "properties": {
                                        "tags": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
                                        "start": when("The start."),
                                        "end": when("The end."),
                                        "theirs_only": {"type": "object"}
                                    }
                                }}
                            }}}},
                            "404": {"content": {"application/json": {"schema": {"type": "object", "properties": {"code": {"type": "string"}}}}}}
                        }
                    },
                    "post": {
                        "requestBody": {"content": {"application/json": {"schema": {
                            "type": "object",
                            "properties": {"when": {"anyOf": [
                                {"type": "object", "required": ["at"], "additionalProperties": false, "properties": {
                                    "at": {"type": "string", "format": "date-time"},
                                    "tz": {"type": ["string", "null"]}
                                }},
                                {"type": "object", "additionalProperties": false, "properties": {"day": {"type": "string"}}}
                            ]}}
                        }}}},
                        "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/thing_response"}}}}}
                    }
                },
                "/v2/things": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}}}}
            },
            "components": {"schemas": {
                "thing_response": {"type": "object", "properties": {"data": {"type": "object"}}},
                "elsewhere": {"type": "object", "properties": {"r": {"$ref": "#/components/schemas/thing_response"}}}
            }}
        })
    }

    fn adopted() -> Value {
        let mut doc = doc();
        adopt(&mut doc, &ours()).unwrap();
        doc
    }

    fn reference(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    #[test]
    fn operations_take_our_ids_and_extensions_without_overwriting() {
        let doc = adopted();
        let get = &doc["paths"]["/v2/things/{thing_id}"]["get"];
        assert_eq!(get["operationId"], "get_thing");
        // The document's own value of a key wins.
        assert_eq!(get["x-attio-retry"], json!({"idempotent": false}));
        assert!(get.get("x-other").is_none());
        assert_eq!(
            doc["paths"]["/v2/things/{thing_id}"]["post"]["operationId"],
            "replace_thing"
        );
        // An operation only the document has is left alone.
        assert!(
            doc["paths"]["/v2/things"]["get"]
                .get("operationId")
                .is_none()
        );
    }

    #[test]
    fn inline_schemas_move_to_our_names() {
        let doc = adopted();
        let get = &doc["paths"]["/v2/things/{thing_id}"]["get"];
        // Parameters by name and `in`, ours through a `$ref` to components/parameters.
        assert_eq!(get["parameters"][0]["schema"], reference("Sort"));
        assert_eq!(get["parameters"][5]["schema"], reference("ThingId"));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Sort"]["enum"], json!(["asc", "desc"]));
        assert_eq!(
            get["responses"]["200"]["content"]["application/json"]["schema"],
            reference("ThingResponse")
        );
        assert_eq!(
            schemas["ThingResponse"]["properties"]["data"],
            reference("Thing")
        );
        assert_eq!(
            schemas["Thing"]["properties"]["tags"]["items"],
            reference("Tag")
        );
        // The document's facts stay: its extra property, its missing one.
        assert_eq!(
            schemas["Thing"]["properties"]["theirs_only"],
            json!({"type": "object"})
        );
        assert!(schemas["Thing"]["properties"].get("ours_only").is_none());
        // Error responses are the `responses` pass's business.
        assert!(
            get["responses"]["404"]["content"]["application/json"]["schema"]
                .get("$ref")
                .is_none()
        );
        assert!(schemas.get("Error").is_none());
    }

    #[test]
    fn copies_differing_only_in_documentation_become_one_type() {
        let doc = adopted();
        let thing = &doc["components"]["schemas"]["Thing"]["properties"];
        assert_eq!(thing["start"], reference("When"));
        assert_eq!(thing["end"], reference("When"));
        // The first copy walked is kept, with its description.
        let kept = &doc["components"]["schemas"]["When"]["description"];
        assert!(kept == "The start." || kept == "The end.", "{kept}");
    }

    const WHEN: &str = "/paths/~1v2~1things~1{thing_id}/post/requestBody/content/application~1json/schema/properties/when";

    #[test]
    fn formats_are_ours_where_the_document_is_silent() {
        let doc = adopted();
        let params = &doc["paths"]["/v2/things/{thing_id}"]["get"]["parameters"];
        // A parameter's schema: the same types (`null` aside), no format: ours.
        assert_eq!(
            params[1]["schema"],
            json!({"type": ["string", "null"], "format": "date-time"})
        );
        // One string that ours sends as a comma-separated array: ours, with the document's description.
        assert_eq!(params[2]["style"], "form");
        assert_eq!(params[2]["explode"], false);
        assert_eq!(
            params[2]["schema"],
            json!({"type": "array", "items": {"type": "string", "format": "email"}, "description": "Comma-separated."})
        );
        // An array ours explodes (`tags=a&tags=b`) is another thing on the wire: the document's facts stay.
        assert_eq!(params[3]["schema"], json!({"type": "string"}));
        assert!(params[3].get("explode").is_none());
        // A format the document states is never overridden.
        assert_eq!(params[4]["schema"]["format"], "date");
        // Inside bodies, through names: `Day` is `date`.
        assert_eq!(
            doc["components"]["schemas"]["Day"],
            json!({"type": "string", "format": "date"})
        );
    }

    #[test]
    fn copies_differing_leniently_become_one_type() {
        let mut notes = Vec::new();
        let mut doc = doc();
        adopt_noting(&mut doc, &ours(), &mut notes).unwrap();
        // (Only `thing_response`, whose `data` has no properties, is kept apart from `ThingResponse`.)
        assert!(!notes.is_empty(), "the kept-apart copy is noted");
        assert!(
            notes
                .iter()
                .all(|n| n.starts_with("/components/schemas/thing_response")),
            "{notes:?}"
        );
        // The response's `when` (no format, `tz` required but nullable) and the request's (`date-time`,
        // `tz` optional, `additionalProperties: false`) are one `When`.
        assert_eq!(doc.pointer(WHEN).unwrap(), &reference("When"));
        let timed = &doc["components"]["schemas"]["When"]["anyOf"][0];
        assert_eq!(timed["title"], "Timed");
        assert_eq!(timed["required"], json!(["at"]));
        assert_eq!(timed["properties"]["at"]["format"], "date-time");
        assert_eq!(timed["properties"]["tz"]["type"], json!(["string", "null"]));
        assert!(timed.get("additionalProperties").is_none(), "{timed}");
        let all_day = &doc["components"]["schemas"]["When"]["anyOf"][1];
        assert!(all_day.get("additionalProperties").is_none(), "{all_day}");
        assert_eq!(all_day["properties"]["day"], reference("Day"));
    }

    #[test]
    fn a_copy_with_other_facts_stays_inline_is_noted_and_is_still_named_inside() {
        let mut doc = doc();
        let at = format!("{WHEN}/anyOf/0/properties/at");
        *doc.pointer_mut(&at).unwrap() = json!({"type": "integer"});
        let mut notes = Vec::new();
        adopt_noting(&mut doc, &ours(), &mut notes).unwrap();
        // Not the same type: it keeps its inline place (and a derived name), but its branches get our
        // titles.
        let when = doc.pointer(WHEN).unwrap();
        assert!(when.get("$ref").is_none(), "{when}");
        assert_eq!(when["anyOf"][0]["title"], "Timed");
        assert_eq!(when["anyOf"][1]["title"], "AllDay");
        // Below it, names are given again.
        assert_eq!(when["anyOf"][1]["properties"]["day"], reference("Day"));
        // Why, and where.
        let note = notes
            .iter()
            .find(|n| n.starts_with(WHEN))
            .expect("a note on `when`");
        assert!(
            note.contains("kept apart from /components/schemas/When"),
            "{note}"
        );
        assert!(note.contains("at /anyOf/0/properties/at/type"), "{note}");
    }

    #[test]
    fn union_branches_take_our_titles() {
        let doc = adopted();
        let when = &doc["components"]["schemas"]["When"];
        assert_eq!(when["anyOf"][0]["title"], "Timed");
        assert_eq!(when["anyOf"][1]["title"], "AllDay");
        assert_eq!(when["anyOf"][1]["properties"]["day"], reference("Day"));
    }

    fn unified(a: Value, b: Value) -> std::result::Result<Value, String> {
        unify(&json!({}), &a, &b)
    }

    #[test]
    fn unify_accepts_what_either_copy_accepts() {
        let merged = unified(
            json!({"type": "object", "description": "a", "required": ["x", "y"], "properties": {
                "x": {"type": "string"},
                "y": {"type": "string", "nullable": true}
            }}),
            json!({"type": "object", "additionalProperties": false, "required": ["x"], "properties": {
                "x": {"type": ["string", "null"], "format": "date", "example": "2024-01-01"},
                "y": {"type": ["string", "null"]}
            }}),
        )
        .unwrap();
        assert_eq!(
            merged,
            json!({"type": "object", "description": "a", "required": ["x"], "properties": {
                "x": {"type": ["string", "null"], "format": "date", "example": "2024-01-01"},
                "y": {"type": ["string", "null"]}
            }})
        );
        // Nullability without a `type`.
        assert_eq!(
            unified(
                json!({"anyOf": [{"type": "string"}], "nullable": true}),
                json!({"anyOf": [{"type": "string"}]})
            ),
            Ok(json!({"anyOf": [{"type": "string"}], "nullable": true}))
        );
    }

    #[test]
    fn unify_refuses_other_facts_and_says_where() {
        let object = |required: Value, x: Value| json!({"type": "object", "required": required, "properties": {"x": x}});
        let refused = |a: Value, b: Value, why: &str| {
            let err = unified(a, b).unwrap_err();
            assert!(err.contains(why), "{err} lacks {why}");
        };
        // Required in one copy, optional and not nullable in the other: `T` against `Option<T>`.
        refused(
            object(json!(["x"]), json!({"type": "string"})),
            object(json!([]), json!({"type": "string"})),
            "at /: `x` required in one copy",
        );
        refused(
            object(json!([]), json!({"type": "string"})),
            object(json!([]), json!({"type": "integer"})),
            "at /properties/x/type",
        );
        refused(
            object(json!([]), json!({"type": "string", "enum": ["a"]})),
            object(json!([]), json!({"type": "string", "enum": ["a", "b"]})),
            "at /properties/x/enum",
        );
        refused(
            object(json!([]), json!({"type": "string", "format": "date"})),
            object(json!([]), json!({"type": "string", "format": "date-time"})),
            "formats",
        );
        refused(
            json!({"type": "object", "properties": {"x": {}}}),
            json!({"type": "object", "properties": {"y": {}}}),
            "at /properties/x: only in one copy",
        );
        refused(
            json!({"anyOf": [{"type": "string"}]}),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
            "1 and 2 branches",
        );
        refused(
            json!({"type": "string", "minLength": 1}),
            json!({"type": "string"}),
            "only one copy says `minLength`",
        );
    }

    #[test]
    fn unify_keeps_a_named_part_only_when_it_already_accepts_the_other_copy() {
        let doc = json!({"components": {"schemas": {
            "Day": {"type": "string", "format": "date", "description": "named"}
        }}});
        let day = reference("Day");
        assert_eq!(
            unify(&doc, &day, &json!({"type": "string"})),
            Ok(day.clone())
        );
        assert!(
            unify(&doc, &json!({"type": ["string", "null"]}), &day)
                .unwrap_err()
                .contains("a named component")
        );
    }

    #[test]
    fn different_branch_counts_stop_the_walk() {
        let mut doc = doc();
        let data = "/paths/~1v2~1things~1{thing_id}/get/responses/200/content/application~1json/schema/properties/data/properties";
        for key in ["start", "end"] {
            doc.pointer_mut(&join(data, key)).unwrap()["anyOf"]
                .as_array_mut()
                .unwrap()
                .push(json!({"type": "string"}));
        }
        adopt(&mut doc, &ours()).unwrap();
        let when = &doc["components"]["schemas"]["When"];
        assert_eq!(when["anyOf"].as_array().unwrap().len(), 3);
        assert!(when["anyOf"][0].get("title").is_none());
    }

    const GET_200: &str =
        "/paths/~1v2~1things~1{thing_id}/get/responses/200/content/application~1json/schema";

    #[test]
    fn a_component_of_the_document_is_renamed_with_its_references() {
        let mut doc = doc();
        *doc.pointer_mut(GET_200).unwrap() = reference("thing_response");
        adopt(&mut doc, &ours()).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert!(!schemas.contains_key("thing_response"));
        assert_eq!(
            doc["paths"]["/v2/things/{thing_id}"]["post"]["responses"]["200"]["content"]["application/json"]
                ["schema"],
            reference("ThingResponse")
        );
        assert_eq!(
            schemas["elsewhere"]["properties"]["r"],
            reference("ThingResponse")
        );
    }

    #[test]
    fn a_component_with_the_facts_of_a_named_one_is_merged_into_it() {
        let mut doc = doc();
        doc["components"]["schemas"]["thing_response"] = doc.pointer(GET_200).unwrap().clone();
        let mut notes = Vec::new();
        adopt_noting(&mut doc, &ours(), &mut notes).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert!(!schemas.contains_key("thing_response"));
        assert_eq!(
            schemas["elsewhere"]["properties"]["r"],
            reference("ThingResponse")
        );
    }

    #[test]
    fn a_component_with_other_facts_keeps_its_name() {
        let doc = adopted();
        // `ThingResponse` was given to the GET's inline copy, whose `data` is a `Thing`.
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert_eq!(
            schemas["thing_response"]["properties"]["data"],
            json!({"type": "object"})
        );
        assert_eq!(
            schemas["elsewhere"]["properties"]["r"],
            reference("thing_response")
        );
    }

    #[test]
    fn a_dangling_reference_in_ours_is_reported_where_it_stands() {
        let mut ours = ours();
        ours["components"]["schemas"]["ThingResponse"]["properties"]["data"]["$ref"] =
            json!("#/components/schemas/Missing");
        let err = adopt(&mut doc(), &ours).unwrap_err();
        assert_eq!(
            err.pointer,
            "/components/schemas/ThingResponse/properties/data"
        );
        assert!(err.message.contains("names are taken from"), "{err}");
        assert!(err.message.contains("points to nothing"), "{err}");
    }

    #[test]
    fn a_reference_cycle_is_an_error_not_a_hang() {
        let mut ours = ours();
        ours["components"]["schemas"]["Tag"] = json!({"$ref": "#/components/schemas/Tag"});
        let err = adopt(&mut doc(), &ours).unwrap_err();
        assert!(err.message.contains("cycle"), "{err}");
    }

    #[test]
    fn recursive_schemas_are_walked_once() {
        let mut ours = ours();
        ours["components"]["schemas"]["Tag"]["properties"]["parent"] =
            json!({"$ref": "#/components/schemas/Tag"});
        let mut doc = doc();
        let tags = "/paths/~1v2~1things~1{thing_id}/get/responses/200/content/application~1json/schema/properties/data/properties/tags/items";
        doc.pointer_mut(tags).unwrap()["properties"]["parent"] = json!({"type": "object"});
        adopt(&mut doc, &ours).unwrap();
        let tag = &doc["components"]["schemas"]["Tag"];
        // The inner copy has other facts than the outer one: it stays inline.
        assert_eq!(tag["properties"]["parent"], json!({"type": "object"}));
    }
}
