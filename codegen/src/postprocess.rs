//! Rewrites of progenitor's output that its settings cannot express, done on the syntax tree.
//!
//! - [`open_enums`]: every string enum gains an `Unknown(String)` variant. Attio's API is beta and adds
//!   values; a strict enum would turn that into a decoding failure for every caller.
//! - [`serde_aliases`]: fields accept the other spellings recorded by the normaliser (`statusCode`).
//! - [`non_exhaustive_inputs`]: the structs the client sends are `#[non_exhaustive]`, so callers build
//!   them with the builders and constructors, and a new optional input field is a compatible change.
//! - [`builders_report_every_problem`]: a builder that is converted reports every field left unset or
//!   refused, not only the first.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;
use syn::{Attribute, Fields, Item, ItemEnum, LitStr};

use crate::error::{Result, SpecError};
use crate::normalise::responses::ALIAS_EXTENSION;

/// `(type name, wire name of a field)` -> other spellings accepted when decoding.
pub type Aliases = BTreeMap<(String, String), Vec<String>>;

/// Collects the alias extensions of the component schemas' properties.
pub fn aliases_in(doc: &Value) -> Aliases {
    let mut out = Aliases::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return out;
    };
    for (name, schema) in schemas {
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            continue;
        };
        for (field, prop) in props {
            let spellings: Vec<String> = prop
                .get(ALIAS_EXTENSION)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if !spellings.is_empty() {
                out.insert((pascal_case(name), field.clone()), spellings);
            }
        }
    }
    out
}

/// Adds `#[serde(alias = "...")]` to the fields named in `aliases`.
pub fn serde_aliases(file: &mut syn::File, aliases: &Aliases) {
    let Some(items) = types_module(file) else {
        return;
    };
    for item in items {
        let Item::Struct(def) = item else { continue };
        let Fields::Named(fields) = &mut def.fields else {
            continue;
        };
        for field in &mut fields.named {
            let Some(ident) = &field.ident else { continue };
            let wire = serde_rename(&field.attrs).unwrap_or_else(|| ident.to_string());
            if let Some(spellings) = aliases.get(&(def.ident.to_string(), wire)) {
                for spelling in spellings {
                    field
                        .attrs
                        .push(syn::parse_quote!(#[serde(alias = #spelling)]));
                }
            }
        }
    }
}

/// Type names of the input structs: the component schemas reachable from a request body
/// ([`crate::surface`]'s rule, so the surface's `!` marks and this agree).
pub fn inputs_in(doc: &Value) -> BTreeSet<String> {
    crate::surface::input_schemas(doc)
        .iter()
        .map(|name| pascal_case(name))
        .collect()
}

/// Marks `#[non_exhaustive]` the structs with named fields of the `types` module named in `inputs`
/// (newtypes such as `ExternalId` keep their field private already). Outside this crate
/// they can then only be built by their builders (`NewMeeting::builder()`) and constructors, so adding
/// an optional field to one breaks no caller. Enums stay as they are: their variants are the ways to
/// build them (`MeetingTime::Timed { .. }`), and closing those would take that away.
pub fn non_exhaustive_inputs(file: &mut syn::File, inputs: &BTreeSet<String>) {
    let Some(items) = types_module(file) else {
        return;
    };
    for item in items {
        let Item::Struct(def) = item else { continue };
        let already = def
            .attrs
            .iter()
            .any(|a| a.path().is_ident("non_exhaustive"));
        if matches!(def.fields, Fields::Named(_))
            && inputs.contains(&def.ident.to_string())
            && !already
        {
            def.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
    }
}

/// The items of typify's `types::builder` module.
fn builder_module(file: &mut syn::File) -> Option<&mut Vec<Item>> {
    types_module(file)?.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// Documents typify's builders (`types::builder::X`), which it emits bare: what each is for, and a line
/// per setter pointing at the field it sets.
pub fn document_builders(file: &mut syn::File) {
    let Some(builders) = builder_module(file) else {
        return;
    };
    for item in builders.iter_mut() {
        match item {
            Item::Struct(def) if !def.attrs.iter().any(|a| a.path().is_ident("doc")) => {
                let doc = format!(
                    " Builder of [`super::{0}`]: set its fields, then pass the builder wherever a `{0}` is \
                     expected (or convert it with `{0}::try_from`); a required field left unset, or a value \
                     that does not convert, is reported then.",
                    def.ident
                );
                def.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                let Some(name) = (match &*imp.self_ty {
                    syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                    _ => None,
                }) else {
                    continue;
                };
                for member in imp.items.iter_mut() {
                    if let syn::ImplItem::Fn(f) = member
                        && !f.attrs.iter().any(|a| a.path().is_ident("doc"))
                    {
                        let field = f.sig.ident.to_string();
                        let doc = format!(" Sets [`{name}::{field}`](super::{name}::{field}).");
                        f.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
                    }
                }
            }
            _ => {}
        }
    }
}

/// Rewrites each builder's conversion (`impl TryFrom<builder::X> for X`, which typify writes as
/// `Ok(Self { a: value.a?, .. })` and so stops at the first problem) to collect every field's problem
/// first, each at its JSON path: a builder missing its title, start and end says so at once, and a
/// builder set into another one (`CreateMeetingRequest::builder().data(meeting)`) reports `data.title`.
///
/// The builders keep, per field, the value or why there is none; the rewrite makes that reason a bare one
/// (`is required`, or the conversion's own message, which for a nested builder is its list of problems)
/// and hands every field to `crate::args::Problems` under its wire name, which prefixes nested paths.
/// Before that, the conversion lets hand-written code fill fields that follow from others
/// (`crate::validate::Derive`, chosen by type when the builder compiles, like body rules): a rule no spec
/// states, so it is not here. The builders' fields are `pub(crate)` for it.
pub fn builders_report_every_problem(file: &mut syn::File) {
    let wire_names = wire_names(file);
    let Some(builders) = builder_module(file) else {
        return;
    };
    let mut bare = BareReasons;
    for item in builders.iter_mut() {
        syn::visit_mut::VisitMut::visit_item_mut(&mut bare, item);
        match item {
            Item::Struct(def) => {
                for field in def.fields.iter_mut() {
                    if matches!(field.vis, syn::Visibility::Inherited) {
                        field.vis = syn::parse_quote!(pub(crate));
                    }
                }
            }
            Item::Impl(imp) => {
                let is_try_from = imp
                    .trait_
                    .as_ref()
                    .and_then(|(path, _)| path.segments.last())
                    .is_some_and(|s| s.ident == "TryFrom");
                if !is_try_from {
                    continue;
                }
                let target = match &*imp.self_ty {
                    syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                    _ => None,
                };
                let wires = target.and_then(|name| wire_names.get(&name));
                for member in imp.items.iter_mut() {
                    let syn::ImplItem::Fn(f) = member else {
                        continue;
                    };
                    let Some(fields) = fields_taken_with_question_marks(&f.block) else {
                        continue;
                    };
                    collect_every_problem(f, &fields, wires);
                }
            }
            _ => {}
        }
    }
}

/// The conversion of one builder, over `fields`, as [`builders_report_every_problem`] describes.
fn collect_every_problem(
    f: &mut syn::ImplItemFn,
    fields: &[syn::Ident],
    wires: Option<&BTreeMap<String, String>>,
) {
    let takes = fields.iter().map(|field| {
        let ident = field.to_string();
        let wire = wires.and_then(|w| w.get(&ident)).cloned().unwrap_or(ident);
        quote!(problems.take(#wire, value.#field))
    });
    let somes = fields
        .iter()
        .map(|field| quote!(::std::option::Option::Some(#field)));
    if let Some(syn::FnArg::Typed(arg)) = f.sig.inputs.first_mut()
        && let syn::Pat::Ident(name) = &mut *arg.pat
    {
        name.mutability = Some(Default::default());
    }
    f.block = syn::parse_quote!({
        {
            // Fields that follow from others, if `src/validate.rs` derives any for this builder
            // (`Derive`): chosen by type when this compiles.
            #[allow(unused_imports)]
            use crate::validate::{ApplyDerive as _, NoDerive as _};
            (&mut value).apply_derive();
        }
        let mut problems = crate::args::Problems::default();
        // One pattern, bound after every field is taken: a field named `value` or `problems` shadows
        // nothing.
        let (#(#somes,)*) = (#(#takes,)*) else {
            return ::std::result::Result::Err(problems.to_string().into());
        };
        ::std::result::Result::Ok(Self { #(#fields,)* })
    });
}

/// Struct name -> field ident -> wire name, for the structs of the `types` module.
fn wire_names(file: &mut syn::File) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut names = BTreeMap::new();
    for item in types_module(file).into_iter().flatten() {
        let Item::Struct(def) = item else { continue };
        let Fields::Named(fields) = &def.fields else {
            continue;
        };
        let wires = fields
            .named
            .iter()
            .filter_map(|field| {
                let ident = field.ident.as_ref()?.to_string();
                let wire = serde_rename(&field.attrs).unwrap_or_else(|| ident.clone());
                Some((ident, wire))
            })
            .collect();
        names.insert(def.ident.to_string(), wires);
    }
    names
}

/// Makes the reasons typify's builders keep bare, so that paths can be put before them:
/// `"no value supplied for title"` becomes `crate::args::MISSING` (`Problems` reads it, and so can
/// `Derive`), and `format!("error converting supplied value for title: {e}")` becomes `e.to_string()`.
struct BareReasons;

impl syn::visit_mut::VisitMut for BareReasons {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        match expr {
            syn::Expr::MethodCall(call)
                if call.method == "to_string"
                    && matches!(&*call.receiver, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })
                        if s.value().starts_with("no value supplied for ")) =>
            {
                *expr = syn::parse_quote!(crate::args::MISSING.to_string());
                return;
            }
            syn::Expr::Macro(m) if m.mac.path.is_ident("format") => {
                if let Ok(text) = m.mac.parse_body::<LitStr>()
                    && let Some(rest) = text
                        .value()
                        .strip_prefix("error converting supplied value for ")
                    && let Some((_, error)) = rest.split_once(": {")
                    && let Some(error) = error.strip_suffix('}')
                    && let Ok(error) = syn::parse_str::<syn::Ident>(error)
                {
                    *expr = syn::parse_quote!(::std::string::ToString::to_string(&#error));
                    return;
                }
            }
            _ => {}
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// The fields of `Ok(Self { a: value.a?, b: value.b? })`, when the block is exactly that.
fn fields_taken_with_question_marks(block: &syn::Block) -> Option<Vec<syn::Ident>> {
    let [syn::Stmt::Expr(syn::Expr::Call(call), None)] = block.stmts.as_slice() else {
        return None;
    };
    let [syn::Expr::Struct(literal)] = call.args.iter().collect::<Vec<_>>().as_slice() else {
        return None;
    };
    let mut fields = Vec::new();
    for field in &literal.fields {
        let syn::Member::Named(name) = &field.member else {
            return None;
        };
        let syn::Expr::Try(taken) = &field.expr else {
            return None;
        };
        let syn::Expr::Field(access) = &*taken.expr else {
            return None;
        };
        match &access.member {
            syn::Member::Named(from) if from == name => fields.push(name.clone()),
            _ => return None,
        }
    }
    (!fields.is_empty()).then_some(fields)
}

/// Replaces every enum of unit variants in the `types` module (typify's string enums) with an open one.
pub fn open_enums(file: &mut syn::File) -> Result<()> {
    let Some(items) = types_module(file) else {
        return Ok(());
    };
    let enums: Vec<ItemEnum> = items
        .iter()
        .filter_map(|item| match item {
            Item::Enum(e) if e.variants.iter().all(|v| matches!(v.fields, Fields::Unit)) => {
                Some(e.clone())
            }
            _ => None,
        })
        .collect();
    for def in enums {
        let name = def.ident.to_string();
        // typify's Display/FromStr/TryFrom/From impls assume a closed set; the open enum brings its own.
        items.retain(|item| match item {
            Item::Enum(e) => e.ident != name,
            Item::Impl(imp) => {
                let for_this = matches!(&*imp.self_ty, syn::Type::Path(p)
                    if p.path.segments.last().is_some_and(|s| s.ident == name));
                let replaced = imp.trait_.as_ref().is_some_and(|(path, _)| {
                    path.segments.last().is_some_and(|s| {
                        ["Display", "FromStr", "TryFrom", "From"]
                            .contains(&s.ident.to_string().as_str())
                    })
                });
                !(for_this && replaced)
            }
            _ => true,
        });
        let generated: syn::File = syn::parse2(open_enum(&def)).map_err(|e| {
            SpecError::new(
                "",
                format!("the open form of enum `{name}` does not parse: {e}"),
            )
        })?;
        items.extend(generated.items);
    }
    Ok(())
}

/// The open form of a string enum: known values as variants, anything else kept in `Unknown`.
fn open_enum(def: &ItemEnum) -> TokenStream {
    let name = &def.ident;
    let docs: Vec<&Attribute> = def
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect();
    let idents: Vec<_> = def.variants.iter().map(|v| &v.ident).collect();
    let wires: Vec<LitStr> = def
        .variants
        .iter()
        .map(|v| {
            let wire = serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string());
            LitStr::new(&wire, Span::call_site())
        })
        .collect();
    let variant_docs: Vec<String> = wires.iter().map(|w| format!("`{}`", w.value())).collect();
    let visitor = format_ident!("{}Visitor", name);
    let expecting = format!("a {name} string");
    quote! {
        #(#docs)*
        ///
        /// Values this version of the crate does not know decode to `Unknown` instead of failing.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #variant_docs] #idents, )*
            /// A value this version of the crate does not know, exactly as received.
            Unknown(::std::string::String),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#idents => #wires, )*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #wires => Self::#idents, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #( #wires => Self::#idents, )*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct #visitor;
                impl ::serde::de::Visitor<'_> for #visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<#name, E> {
                        Ok(#name::from(value))
                    }
                    fn visit_string<E: ::serde::de::Error>(
                        self,
                        value: ::std::string::String,
                    ) -> ::std::result::Result<#name, E> {
                        Ok(#name::from(value))
                    }
                }
                deserializer.deserialize_str(#visitor)
            }
        }
    }
}

/// The items of the generated `pub mod types { ... }`.
pub(crate) fn types_module(file: &mut syn::File) -> Option<&mut Vec<Item>> {
    file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The value of `#[serde(rename = "...")]` among `attrs`.
pub(crate) fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    let mut rename = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: LitStr = meta.value()?.parse()?;
                rename = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    rename
}

/// Component name to type name, as typify spells it for the names this pipeline sees.
fn pascal_case(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::{Options, generate_value};

    fn generate(schemas: serde_json::Value) -> String {
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/v2/meetings": {"get": {"responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Thing"}}}},
                "400": {"description": "bad", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"statusCode": {"type": "number"}}}}}}
            }}}},
            "components": {"schemas": schemas}
        });
        generate_value(doc, &Options::default())
            .unwrap_or_else(|e| panic!("{e}"))
            .source
    }

    #[test]
    fn string_enums_become_open_and_keep_their_default() {
        let source = generate(json!({
            "Thing": {"type": "object", "required": ["status"], "properties": {
                "status": {"$ref": "#/components/schemas/Status"}}},
            "Status": {"type": "string", "enum": ["in-progress", "done"], "default": "done"}
        }));
        assert!(source.contains("pub enum Status {"), "{source}");
        assert!(source.contains("Unknown(::std::string::String)"));
        assert!(source.contains(r#"Self::InProgress => "in-progress""#));
        assert!(source.contains("impl ::std::default::Default for Status"));
        // typify's closed-set conversions are gone (they would clash with `From<&str>`).
        assert!(!source.contains("TryFrom<&str> for Status"));
        assert!(!source.contains("Copy"));
    }

    /// The attributes written just before `item` (e.g. `pub struct NewThing {`) in `source`.
    fn attrs_before<'a>(source: &'a str, item: &str) -> &'a str {
        let at = source
            .find(item)
            .unwrap_or_else(|| panic!("{item} in {source}"));
        let start = source[..at]
            .rfind("#[derive(")
            .unwrap_or_else(|| panic!("derive before {item}"));
        &source[start..at]
    }

    #[test]
    fn a_builder_conversion_collects_every_problem_by_wire_name() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Thing {
                    pub name: String,
                    #[serde(rename = "type")]
                    pub type_: String,
                }
                pub mod builder {
                    pub struct Thing {
                        name: Result<String, String>,
                        type_: Result<String, String>,
                    }
                    impl Default for Thing {
                        fn default() -> Self {
                            Self {
                                name: Err("no value supplied for name".to_string()),
                                type_: Err("no value supplied for type_".to_string()),
                            }
                        }
                    }
                    impl Thing {
                        pub fn name<T>(mut self, value: T) -> Self {
                            self.name = value
                                .try_into()
                                .map_err(|e| format!("error converting supplied value for name: {e}"));
                            self
                        }
                    }
                    impl ::std::convert::TryFrom<Thing> for super::Thing {
                        type Error = super::error::ConversionError;
                        fn try_from(value: Thing) -> ::std::result::Result<Self, super::error::ConversionError> {
                            Ok(Self { name: value.name?, type_: value.type_? })
                        }
                    }
                }
            }
        };
        super::builders_report_every_problem(&mut file);
        let text = prettyplease::unparse(&file);
        assert!(!text.contains("value.name?"), "{text}");
        assert!(!text.contains("no value supplied"), "{text}");
        assert!(!text.contains("error converting"), "{text}");
        for expected in [
            // Bare reasons, which the conversion puts paths before.
            "name: Err(crate::args::MISSING.to_string())",
            ".map_err(|e| ::std::string::ToString::to_string(&e))",
            // Fields that follow from others first, then every field by its wire name.
            "mut value: Thing,",
            "(&mut value).apply_derive();",
            "problems.take(\"name\", value.name)",
            "problems.take(\"type\", value.type_)",
            "return ::std::result::Result::Err(problems.to_string().into());",
            // `Derive` reads and fills them.
            "pub(crate) name: Result<String, String>",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
    }

    #[test]
    fn structs_reachable_from_a_request_body_are_non_exhaustive() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/v2/meetings": {"post": {
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["data"], "properties": {
                        "data": {"$ref": "#/components/schemas/NewThing"}}}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Thing"}}}}}
            }}},
            "components": {"schemas": {
                // Input, and through it (a $ref in an array, in a oneOf) more inputs.
                "NewThing": {"type": "object", "required": ["name", "parts", "when"], "properties": {
                    "name": {"type": "string"},
                    "note": {"type": "string"},
                    "parts": {"type": "array", "items": {"$ref": "#/components/schemas/NewPart"}},
                    "when": {"$ref": "#/components/schemas/When"}}},
                "NewPart": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}},
                "When": {"oneOf": [
                    {"title": "Exact", "type": "object", "required": ["at"], "properties": {
                        "at": {"type": "string"}}},
                    {"$ref": "#/components/schemas/Day"}]},
                "Day": {"type": "object", "required": ["day"], "properties": {"day": {"type": "string"}}},
                // Output only: stays open to literals.
                "Thing": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string"}}}
            }}
        });
        let generated = crate::generate_value(doc, &crate::Options::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let inputs = super::inputs_in(&generated.normalised);
        for name in ["NewThing", "NewPart", "When", "Day"] {
            assert!(inputs.contains(name), "{name} in {inputs:?}");
        }
        assert!(!inputs.contains("Thing"), "{inputs:?}");
        let source = generated.source;
        for input in [
            "pub struct NewThing {",
            "pub struct NewPart {",
            "pub struct Day {",
        ] {
            assert!(
                attrs_before(&source, input).contains("#[non_exhaustive]"),
                "{input}: {source}"
            );
        }
        assert!(!attrs_before(&source, "pub struct Thing {").contains("non_exhaustive"));
        // Enums keep their variants constructible, inputs or not.
        assert!(!attrs_before(&source, "pub enum When {").contains("non_exhaustive"));
        // The builders still build them (inside the crate the attribute does not apply).
        assert!(source.contains("impl ::std::convert::TryFrom<NewThing> for super::NewThing"));
    }

    #[test]
    fn recorded_spellings_become_serde_aliases() {
        let source = generate(json!({"Thing": {"type": "object"}}));
        let envelope = source
            .split("pub struct AttioError")
            .nth(1)
            .expect("envelope generated");
        let field = envelope.split("pub status_code").next().unwrap_or_default();
        assert!(
            field.ends_with("#[serde(alias = \"statusCode\")]\n        "),
            "{field}"
        );
    }
}
