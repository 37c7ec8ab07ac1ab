//! The call layer: one request builder per operation, executed by the crate's hand-written pipeline.
//!
//! progenitor generates the types and a client of its own; its client sends each request itself, through
//! hooks that can neither retry with a re-read body nor return the crate's typed errors. So its client is
//! dropped, and this module generates the calls instead, from the same normalised document: request
//! descriptors (method, path, query, body, the operation's entry in the behaviour table) handed to
//! `crate::pipeline`, which owns token, pacing, retries and error mapping. What progenitor worked out is
//! reused: the Rust types of bodies, responses and named parameters are read from its output.
//!
//! Generated, per operation `op_id`:
//! - `operations::OP_ID`: the behaviour table entry (id, method, retry class, rate limit; see
//!   [`crate::extensions`]), and `operations::ALL`;
//! - `api::OpId`: an owned builder with a setter per path and query parameter (validated against the
//!   spec's bounds when set, refused when sent), `.body(..)` (and a setter named after the field of a
//!   single-field body, e.g. `.data(..)`), `.retry(..)`, `.send()` and `IntoFuture`. A single-field
//!   success envelope (`{"data": ..}`) is unwrapped;
//! - for paginated operations, `.pages()`, `.stream()` and `.collect_all()`;
//! - `api::Api::op_id()`, which `Client::api()` returns.

use std::collections::BTreeMap;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;
use syn::{Fields, GenericArgument, Ident, Item, PathArguments, Type};

use crate::error::{Result, SpecError};
use crate::extensions::{self, Behaviour, RateClass, Retry};
use crate::normalise::operation_ids::snake;
use crate::normalise::walk;
use crate::pointer::{self, join};
use crate::postprocess::serde_rename;

/// What progenitor's output tells about each operation and type.
struct Progenitor {
    /// operationId -> builder struct name.
    builders: BTreeMap<String, String>,
    /// builder name -> (field name -> field type).
    builder_fields: BTreeMap<String, BTreeMap<String, Type>>,
    /// builder name -> the `T` of `ResponseValue<T>` of its `send`.
    responses: BTreeMap<String, Type>,
    /// type name in `types` -> fields (wire name, Rust ident, type).
    structs: BTreeMap<String, Vec<(String, Ident, Type)>>,
}

/// Replaces progenitor's client in `file` by the call layer. Warnings (operations without declared
/// behaviour) are pushed to `warnings`.
pub fn generate(doc: &Value, file: &mut syn::File, warnings: &mut Vec<String>) -> Result<()> {
    let progenitor = Progenitor::read(file);
    // Everything but the types: progenitor's client, builders, prelude and their imports.
    file.items
        .retain(|item| matches!(item, Item::Mod(m) if m.ident == "types"));

    let mut table = Vec::new();
    let mut builders = Vec::new();
    let mut entries = Vec::new();
    let mut consts = Vec::new();
    for (op_ptr, path, method) in walk::operations(doc) {
        let op = doc
            .pointer(&op_ptr)
            .ok_or_else(|| SpecError::new(&op_ptr, "missing"))?;
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .ok_or_else(|| SpecError::new(&op_ptr, "has no operationId"))?;
        let behaviour = extensions::read(op, &op_ptr, &method, id, warnings)?;
        let operation = Operation::read(doc, &progenitor, &op_ptr, &path, &method, id, behaviour)?;
        table.push(operation.table_entry());
        builders.push(operation.builder());
        entries.push(operation.entry());
        consts.push(operation.const_name());
    }
    let item_bounds = item_bounds(doc);
    let layer = quote! {
        /// The spec's bounds on the number of items of array fields (`minItems`, `maxItems`), which the
        /// generated types do not enforce: `("Schema.field", min, max)`, checked before sending.
        pub(crate) mod item_bounds {
            #[allow(dead_code)]
            pub(crate) const ALL: &[(&str, Option<usize>, Option<usize>)] = &[#(#item_bounds),*];
        }

        /// What the pipeline needs to know of each operation, from the spec's `x-attio-*` extensions.
        pub mod operations {
            use crate::pipeline::{Operation, RateClass, RetryClass};
            #(#table)*
            /// Every operation of the spec.
            pub const ALL: &[&Operation] = &[#(&#consts),*];
        }

        /// Every operation of the spec as a request builder, sent through the client's pipeline (token,
        /// pacing, retries, typed errors). Get the entry point with [`crate::Client::api`].
        pub mod api {
            #[allow(unused_imports)]
            use super::types;

            /// The operations of the spec, by operationId. Cheap to clone; builders share the client's
            /// token, retry policy and budget, and pacing.
            #[derive(Debug, Clone)]
            pub struct Api {
                client: crate::Client,
            }

            impl Api {
                pub(crate) fn new(client: crate::Client) -> Self {
                    Self { client }
                }

                /// The client the builders send with.
                #[allow(dead_code)]
                pub(crate) fn client(&self) -> &crate::Client {
                    &self.client
                }
                #(#entries)*
            }

            #(#builders)*
        }
    };
    let layer: syn::File = syn::parse2(layer)
        .map_err(|e| SpecError::new("", format!("the generated call layer does not parse: {e}")))?;
    file.items.extend(layer.items);
    Ok(())
}

impl Progenitor {
    fn read(file: &syn::File) -> Self {
        let mut this = Progenitor {
            builders: BTreeMap::new(),
            builder_fields: BTreeMap::new(),
            responses: BTreeMap::new(),
            structs: BTreeMap::new(),
        };
        for item in &file.items {
            match item {
                // `impl Client { pub fn op_id(&self) -> builder::OpId<'_> }`
                Item::Impl(imp) if imp.trait_.is_none() && is_named(&imp.self_ty, "Client") => {
                    for f in imp.items.iter().filter_map(|i| match i {
                        syn::ImplItem::Fn(f) => Some(f),
                        _ => None,
                    }) {
                        if let syn::ReturnType::Type(_, ty) = &f.sig.output
                            && let Some(name) = last_ident(ty)
                            && path_starts_with(ty, "builder")
                        {
                            this.builders.insert(f.sig.ident.to_string(), name);
                        }
                    }
                }
                Item::Mod(m) if m.ident == "builder" => {
                    for item in m.content.iter().flat_map(|(_, items)| items) {
                        match item {
                            Item::Struct(s) => {
                                let fields = named_fields(&s.fields)
                                    .map(|(_, ident, ty)| (ident.to_string(), ty))
                                    .collect();
                                this.builder_fields.insert(s.ident.to_string(), fields);
                            }
                            Item::Impl(imp) => {
                                let Some(name) = last_ident(&imp.self_ty) else {
                                    continue;
                                };
                                for f in imp.items.iter().filter_map(|i| match i {
                                    syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
                                    _ => None,
                                }) {
                                    if let syn::ReturnType::Type(_, ty) = &f.sig.output
                                        && let Some(ok) = generic(ty, 0)
                                        && let Some(value) = generic(&ok, 0)
                                    {
                                        this.responses.insert(name.clone(), value);
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Item::Mod(m) if m.ident == "types" => {
                    for item in m.content.iter().flat_map(|(_, items)| items) {
                        if let Item::Struct(s) = item {
                            this.structs
                                .insert(s.ident.to_string(), named_fields(&s.fields).collect());
                        }
                    }
                }
                _ => {}
            }
        }
        this
    }

    /// The fields of the struct a type names (`types::X` or `X`), if it is a struct of `types`.
    fn fields_of(&self, ty: &Type) -> Option<&Vec<(String, Ident, Type)>> {
        self.structs.get(&last_ident(ty)?)
    }
}

fn named_fields(fields: &Fields) -> impl Iterator<Item = (String, Ident, Type)> + '_ {
    fields.iter().filter_map(|f| {
        let ident = f.ident.clone()?;
        let wire = serde_rename(&f.attrs).unwrap_or_else(|| ident.to_string());
        Some((wire, ident, f.ty.clone()))
    })
}

fn is_named(ty: &Type, name: &str) -> bool {
    last_ident(ty).is_some_and(|n| n == name)
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Reference(r) => last_ident(&r.elem),
        _ => None,
    }
}

fn path_starts_with(ty: &Type, first: &str) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.first().is_some_and(|s| s.ident == first))
}

/// The `index`th generic type argument of the last segment of `ty` (`Result<T, E>` -> `T`).
fn generic(ty: &Type, index: usize) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .nth(index)
}

fn is_unit(ty: &Type) -> bool {
    matches!(ty, Type::Tuple(t) if t.elems.is_empty())
}

/// How a parameter is taken from the caller and written on the wire.
enum Kind {
    /// A whole number, checked against the spec's bounds.
    Int {
        rust: Type,
        min: Option<i128>,
        max: Option<i128>,
    },
    Number,
    Bool,
    Uuid,
    DateTime,
    Date,
    Text {
        min: Option<u64>,
        max: Option<u64>,
        email: bool,
    },
    /// An array of strings: joined by `separator` (`explode: false`), else one query pair per item.
    List {
        separator: Option<char>,
        email: bool,
    },
    /// A type progenitor generated (an enum, a constrained newtype): anything that converts into it.
    Named(Type),
}

struct Param {
    name: String,
    ident: Ident,
    in_path: bool,
    required: bool,
    kind: Kind,
    doc: String,
}

struct Operation {
    id: String,
    method: String,
    path: String,
    summary: String,
    description: String,
    behaviour: Behaviour,
    builder: Ident,
    params: Vec<Param>,
    body: Option<Body>,
    response: Response,
    pagination: Option<Paging>,
}

struct Body {
    ty: Type,
    required: bool,
    /// The field of a single-field body (`data`), its ident and type.
    single: Option<(String, Ident, Type)>,
}

enum Response {
    Empty,
    Json(Box<JsonResponse>),
}

struct JsonResponse {
    /// The body's type.
    ty: Type,
    /// The field of a single-field envelope, returned instead of the envelope.
    unwrap: Option<Ident>,
    /// What `send()` returns.
    ok: Type,
}

struct Paging {
    cursor_field: Ident,
    next_cursor: TokenStream,
    items: TokenStream,
    item: Type,
}

/// What a `$ref` points to (the document was validated before: a dangling one reads as itself).
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    pointer::resolve(doc, value).unwrap_or(value)
}

/// A Rust identifier for a wire name (`linked-object` -> `linked_object`, `type` -> `type_`).
fn ident_for(name: &str) -> Ident {
    let mut text = snake(name);
    if text.is_empty() || text.starts_with(|c: char| c.is_ascii_digit()) {
        text.insert(0, '_');
    }
    if syn::parse_str::<Ident>(&text).is_err() {
        text.push('_');
    }
    Ident::new(&text, Span::call_site())
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string()
}

impl Operation {
    fn read(
        doc: &Value,
        progenitor: &Progenitor,
        op_ptr: &str,
        path: &str,
        method: &str,
        id: &str,
        behaviour: Behaviour,
    ) -> Result<Self> {
        let op = doc.pointer(op_ptr).unwrap_or(&Value::Null);
        let builder_name = progenitor.builders.get(id).ok_or_else(|| {
            SpecError::new(
                op_ptr,
                format!("progenitor generated no builder for `{id}`"),
            )
        })?;
        let fields = progenitor
            .builder_fields
            .get(builder_name)
            .cloned()
            .unwrap_or_default();

        let mut params = Vec::new();
        let item_ptr = join("/paths", path);
        for base in [join(&item_ptr, "parameters"), join(op_ptr, "parameters")] {
            let Some(list) = doc.pointer(&base).and_then(Value::as_array) else {
                continue;
            };
            for (i, param) in list.iter().enumerate() {
                let at = join(&base, &i.to_string());
                let param = resolve(doc, param);
                let location = text(param, "in");
                if location != "path" && location != "query" {
                    // Headers and cookies: none in Attio's API; the pipeline sets its own headers.
                    continue;
                }
                let name = text(param, "name");
                let ident = ident_for(&name);
                let progenitor_type = fields
                    .get(&ident.to_string())
                    .and_then(|t| generic(t, 0))
                    .map(|t| {
                        generic(&t, 0)
                            .filter(|_| is_named(&t, "Option"))
                            .unwrap_or(t)
                    });
                let schema = param.get("schema").unwrap_or(&Value::Null);
                let kind = kind_of(doc, schema, param, progenitor_type, &join(&at, "schema"))?;
                params.retain(|p: &Param| p.name != name || p.in_path != (location == "path"));
                params.push(Param {
                    name,
                    ident,
                    in_path: location == "path",
                    required: location == "path"
                        || param.get("required") == Some(&Value::Bool(true)),
                    kind,
                    doc: text(param, "description"),
                });
            }
        }

        let body = match fields.get("body") {
            None => None,
            Some(field) => {
                let builder_ty = generic(field, 0).ok_or_else(|| {
                    SpecError::new(op_ptr, "cannot read the body type progenitor chose")
                })?;
                let name = last_ident(&builder_ty).unwrap_or_default();
                let ty: Type = syn::parse_str(&format!("types::{name}"))
                    .map_err(|e| SpecError::new(op_ptr, e.to_string()))?;
                let single = progenitor
                    .fields_of(&ty)
                    .filter(|fields| fields.len() == 1)
                    .and_then(|fields| fields.first().cloned());
                let required = resolve(doc, op.get("requestBody").unwrap_or(&Value::Null))
                    .get("required")
                    == Some(&Value::Bool(true));
                Some(Body {
                    ty,
                    required,
                    single,
                })
            }
        };

        let response_ty = progenitor.responses.get(builder_name).ok_or_else(|| {
            SpecError::new(op_ptr, "cannot read the response type progenitor chose")
        })?;
        let response = if is_unit(response_ty) {
            Response::Empty
        } else if is_named(response_ty, "ByteStream") {
            return Err(SpecError::new(
                join(op_ptr, "responses"),
                "success responses other than JSON or empty are not supported",
            ));
        } else {
            let single = progenitor
                .fields_of(response_ty)
                .filter(|fields| fields.len() == 1)
                .and_then(|fields| fields.first().cloned())
                .filter(|(_, _, ty)| !is_named(ty, "Option"));
            match single {
                Some((_, ident, ok)) if behaviour.pagination.is_none() => {
                    Response::Json(Box::new(JsonResponse {
                        ty: response_ty.clone(),
                        unwrap: Some(ident),
                        ok: qualify(&ok),
                    }))
                }
                _ => Response::Json(Box::new(JsonResponse {
                    ty: response_ty.clone(),
                    unwrap: None,
                    ok: response_ty.clone(),
                })),
            }
        };

        let pagination = match &behaviour.pagination {
            None => None,
            Some(p) => {
                let at = join(op_ptr, extensions::PAGINATION);
                let Response::Json(json) = &response else {
                    return Err(SpecError::new(at, "a paginated operation must answer JSON"));
                };
                let cursor = params
                    .iter()
                    .find(|q| !q.in_path && q.name == p.cursor_param)
                    .ok_or_else(|| {
                        SpecError::new(
                            join(&at, "cursor-param"),
                            format!(
                                "`{}` is not a query parameter of the operation",
                                p.cursor_param
                            ),
                        )
                    })?;
                let ty = &json.ty;
                let (next_cursor, next_ty) =
                    field_path(progenitor, ty, &p.next_cursor, &join(&at, "next-cursor"))?;
                let next_cursor = if is_named(&next_ty, "Option") {
                    quote!(page #next_cursor .clone())
                } else {
                    quote!(Some(page #next_cursor .clone()))
                };
                let (items, items_ty) = field_path(progenitor, ty, &p.items, &join(&at, "items"))?;
                let item = generic(&items_ty, 0)
                    .filter(|_| is_named(&items_ty, "Vec"))
                    .ok_or_else(|| {
                        SpecError::new(join(&at, "items"), "does not point to an array")
                    })?;
                Some(Paging {
                    cursor_field: cursor.ident.clone(),
                    next_cursor,
                    items: quote!(page #items),
                    item: qualify(&item),
                })
            }
        };

        Ok(Operation {
            id: id.to_string(),
            method: method.to_uppercase(),
            path: path.to_string(),
            summary: text(op, "summary"),
            description: text(op, "description"),
            behaviour,
            builder: format_ident!("{}", builder_name),
            params,
            body,
            response,
            pagination,
        })
    }

    fn const_name(&self) -> Ident {
        format_ident!("{}", self.id.to_uppercase())
    }

    fn table_entry(&self) -> TokenStream {
        let name = self.const_name();
        let id = &self.id;
        let method = format_ident!("{}", self.method);
        let retry = match self.behaviour.retry {
            Retry::Repeatable => quote!(RetryClass::Repeatable),
            Retry::AfterRefusal => quote!(RetryClass::AfterRefusal),
        };
        let rate = match self.behaviour.rate_limit.class {
            RateClass::Read => quote!(RateClass::Read),
            RateClass::Write => quote!(RateClass::Write),
        };
        let own = match self.behaviour.rate_limit.per_second {
            Some(n) => quote!(Some(#n)),
            None => quote!(None),
        };
        let gone = self.behaviour.found_gone_is_done;
        let doc = format!("`{} {}`", self.method, self.path);
        quote! {
            #[doc = #doc]
            pub const #name: Operation = Operation {
                id: #id,
                method: ::reqwest::Method::#method,
                retry: #retry,
                rate: #rate,
                own_limit: #own,
                found_gone_is_done: #gone,
            };
        }
    }

    fn doc(&self) -> String {
        let mut doc = format!("`{} {}`", self.method, self.path);
        if !self.summary.is_empty() {
            doc = format!("{}: {doc}", self.summary);
        }
        if !self.description.is_empty() {
            doc.push_str("\n\n");
            doc.push_str(&self.description);
        }
        doc
    }

    fn entry(&self) -> TokenStream {
        let method = format_ident!("{}", self.id);
        let builder = &self.builder;
        let doc = self.doc();
        let deprecated = self
            .behaviour
            .deprecated
            .as_ref()
            .map(|note| quote!(#[deprecated(note = #note)]));
        quote! {
            #[doc = #doc]
            #deprecated
            pub fn #method(&self) -> #builder {
                #builder::new(self.client.clone())
            }
        }
    }

    fn builder(&self) -> TokenStream {
        let name = &self.builder;
        let const_name = self.const_name();
        let param_idents: Vec<&Ident> = self.params.iter().map(|p| &p.ident).collect();
        let setters: Vec<TokenStream> = self.params.iter().map(Param::setter).collect();

        let (body_field, body_init, body_setters, body_send) = match &self.body {
            None => (quote!(), quote!(), quote!(), quote!(let body = None;)),
            Some(body) => {
                let ty = &body.ty;
                let single = match &body.single {
                    Some((wire, ident, field_ty)) => {
                        let field_ty = qualify(field_ty);
                        let doc = format!(
                            "Sets the body to `{{\"{wire}\": value}}`; a value that does not convert is refused when sent."
                        );
                        quote! {
                            #[doc = #doc]
                            pub fn #ident<V>(mut self, value: V) -> Self
                            where
                                V: ::std::convert::TryInto<#field_ty>,
                                V::Error: ::std::fmt::Display,
                            {
                                self.body = Some(
                                    value
                                        .try_into()
                                        .map(|#ident| #ty { #ident })
                                        .map_err(|e| crate::args::Refused::conversion(#wire, e)),
                                );
                                self
                            }
                        }
                    }
                    None => quote!(),
                };
                let missing = if body.required {
                    quote!(return Err(crate::args::Refused::new("body", "is required").into()))
                } else {
                    quote!(None)
                };
                (
                    quote!(body: Option<Result<#ty, crate::args::Refused>>,),
                    quote!(body: None,),
                    quote! {
                        /// The request body.
                        pub fn body(mut self, value: #ty) -> Self {
                            self.body = Some(Ok(value));
                            self
                        }
                        #single
                    },
                    quote! {
                        let body = match self.body {
                            Some(body) => {
                                let body = body?;
                                {
                                    // The body type's rules if `src/validate.rs` gives it some
                                    // (`Rules`), else none: chosen by type when this compiles.
                                    #[allow(unused_imports)]
                                    use crate::validate::{ApplyRules as _, NoRules as _};
                                    // The borrow is the choice (clippy cannot see it).
                                    #[allow(clippy::needless_borrow)]
                                    let () = (&body).apply_rules()?;
                                }
                                Some(crate::args::json(&body)?)
                            }
                            None => #missing,
                        };
                    },
                )
            }
        };

        // Each `{name}` of the template becomes `{ident}`, filled by name (inline capture): the order in
        // which the parameters are declared cannot swap two ids.
        let mut path_format = self.path.clone();
        let mut path_args = Vec::new();
        let mut has_path_params = false;
        for param in self.params.iter().filter(|p| p.in_path) {
            let ident = &param.ident;
            let placeholder = format!("{{{}}}", param.name);
            path_format = path_format.replace(&placeholder, &format!("{{{ident}}}"));
            has_path_params = true;
            let wire = &param.name;
            // Ids, numbers, dates and booleans are written without characters that need escaping.
            let plain = matches!(
                param.kind,
                Kind::Uuid | Kind::Int { .. } | Kind::Number | Kind::Bool | Kind::Date
            );
            path_args
                .push(quote!(let #ident = crate::args::path_segment(#wire, self.#ident, #plain)?;));
        }
        let path_expr = if has_path_params {
            quote!(format!(#path_format))
        } else {
            quote!(String::from(#path_format))
        };
        let query_init = if self.params.iter().any(|p| !p.in_path) {
            quote!(let mut query = Vec::new();)
        } else {
            quote!(let query = Vec::new();)
        };
        let query_pushes: Vec<TokenStream> = self
            .params
            .iter()
            .filter(|p| !p.in_path)
            .map(|p| {
                let ident = &p.ident;
                let wire = &p.name;
                let required = p.required;
                quote!(crate::args::query(&mut query, #wire, self.#ident, #required)?;)
            })
            .collect();

        let (ok, execute) = match &self.response {
            Response::Empty => (
                quote!(()),
                quote!(self.client.pipeline().execute_empty(request).await),
            ),
            Response::Json(json) => {
                let JsonResponse { ty, unwrap, ok } = json.as_ref();
                let unwrap = unwrap
                    .as_ref()
                    .map(|field| quote!(.map(|response| response.#field)));
                (
                    quote!(#ok),
                    quote!(self.client.pipeline().execute::<#ty>(request).await #unwrap),
                )
            }
        };

        let paging = self.pagination.as_ref().map(|p| {
            let page = match &self.response {
                Response::Json(json) => json.ty.clone(),
                Response::Empty => syn::parse_quote!(()),
            };
            let item = &p.item;
            let cursor = &p.cursor_field;
            let next_cursor = &p.next_cursor;
            let items = &p.items;
            quote! {
                impl crate::paginate::Paged for #name {
                    type Page = #page;
                    type Item = #item;
                    const OPERATION: &'static str = super::operations::#const_name.id;
                    fn at(mut self, cursor: String) -> Self {
                        self.#cursor = Some(Ok(vec![cursor]));
                        self
                    }
                    fn fetch(self) -> crate::Pending<Self::Page> {
                        Box::pin(self.send())
                    }
                    fn next_cursor(page: &Self::Page) -> Option<String> {
                        #next_cursor
                    }
                    fn items(page: Self::Page) -> Vec<Self::Item> {
                        #items
                    }
                }

                impl #name {
                    /// Every page from this request's cursor on; the next page is fetched while the
                    /// current one is consumed. The stream ends after the last page or the first error.
                    pub fn pages(self) -> crate::BoxStream<#page> {
                        Box::pin(crate::paginate::pages_of(self))
                    }

                    /// Every item of every page, in order. An error ends the stream after being yielded.
                    pub fn stream(self) -> crate::BoxStream<#item> {
                        Box::pin(crate::paginate::items_of(self))
                    }

                    /// Every item in one `Vec`; prefer [`Self::stream`] for large collections.
                    pub async fn collect_all(self) -> crate::Result<Vec<#item>> {
                        ::futures_util::TryStreamExt::try_collect(self.stream()).await
                    }
                }
            }
        });

        let doc = format!(
            "{}\n\n`.await` (or `.send()`) sends it: one request, retried as the client's policy allows.",
            self.doc()
        );
        let send_doc = format!("Sends `{} {}`.", self.method, self.path);
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone)]
            #[must_use = "a request is sent when awaited or by `.send()`"]
            pub struct #name {
                client: crate::Client,
                #(#param_idents: Option<crate::args::Arg>,)*
                #body_field
                retry: Option<crate::RetryPolicy>,
                timeout: Option<::std::time::Duration>,
            }

            impl #name {
                pub(crate) fn new(client: crate::Client) -> Self {
                    Self {
                        client,
                        #(#param_idents: None,)*
                        #body_init
                        retry: None,
                        timeout: None,
                    }
                }

                #(#setters)*
                #body_setters

                /// Retry this request with `policy` instead of the client's (still only where the
                /// operation's retry class allows).
                pub fn retry(mut self, policy: crate::RetryPolicy) -> Self {
                    self.retry = Some(policy);
                    self
                }

                /// Gives each attempt of this request `timeout` (the answer and its body included)
                /// instead of the client's.
                pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                    self.timeout = Some(timeout);
                    self
                }

                #[doc = #send_doc]
                /// Invalid parameters are refused with [`crate::Error::InvalidInput`] before anything is sent.
                pub async fn send(self) -> crate::Result<#ok> {
                    #query_init
                    #(#query_pushes)*
                    #(#path_args)*
                    let path = #path_expr;
                    #body_send
                    let request = crate::pipeline::Request {
                        operation: &super::operations::#const_name,
                        path,
                        query,
                        body,
                        retry: self.retry,
                        timeout: self.timeout,
                    };
                    #execute
                }
            }

            impl ::std::future::IntoFuture for #name {
                type Output = crate::Result<#ok>;
                type IntoFuture = crate::Pending<#ok>;
                fn into_future(self) -> Self::IntoFuture {
                    Box::pin(self.send())
                }
            }

            #paging
        }
    }
}

/// `("Schema.field", min, max)` for every array property of a named schema with `minItems` or `maxItems`.
fn item_bounds(doc: &Value) -> Vec<TokenStream> {
    let bound = |schema: &Value, key: &str| match schema.get(key).and_then(Value::as_u64) {
        Some(n) => {
            let n = n as usize;
            quote!(Some(#n))
        }
        None => quote!(None),
    };
    let mut out = Vec::new();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for (field, property) in properties.into_iter().flatten() {
            if property.get("minItems").is_none() && property.get("maxItems").is_none() {
                continue;
            }
            let at = format!("{name}.{field}");
            let (min, max) = (bound(property, "minItems"), bound(property, "maxItems"));
            out.push(quote!((#at, #min, #max)));
        }
    }
    out
}

/// Types read from inside `mod types` name their siblings bare (`Meeting`); outside it they need `types::`.
fn qualify(ty: &Type) -> Type {
    let Type::Path(p) = ty else {
        return ty.clone();
    };
    if p.qself.is_none() && p.path.leading_colon.is_none() && p.path.segments.len() == 1 {
        let segment = &p.path.segments[0];
        let name = segment.ident.to_string();
        let std_like = [
            "Option", "Vec", "String", "bool", "u8", "u16", "u32", "u64", "i8", "i16", "i32",
            "i64", "f32", "f64",
        ];
        if !std_like.contains(&name.as_str()) {
            return syn::parse_quote!(types::#p);
        }
    }
    if let Type::Path(mut p) = ty.clone() {
        for segment in p.path.segments.iter_mut() {
            if let PathArguments::AngleBracketed(args) = &mut segment.arguments {
                for arg in args.args.iter_mut() {
                    if let GenericArgument::Type(t) = arg {
                        *t = qualify(t);
                    }
                }
            }
        }
        return Type::Path(p);
    }
    ty.clone()
}

/// Follows a JSON pointer through the fields of the generated structs: the field-access tokens
/// (`.pagination.next_cursor`) and the type at the end.
fn field_path(
    progenitor: &Progenitor,
    root: &Type,
    pointer: &str,
    at: &str,
) -> Result<(TokenStream, Type)> {
    let mut tokens = TokenStream::new();
    let mut ty = root.clone();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let fields = progenitor.fields_of(&ty).ok_or_else(|| {
            SpecError::new(
                at,
                format!("`{pointer}` goes through `{token}`, which is not inside an object of the response"),
            )
        })?;
        let (_, ident, field_ty) = fields
            .iter()
            .find(|(wire, _, _)| *wire == token)
            .ok_or_else(|| {
                SpecError::new(
                    at,
                    format!("the response has no field `{token}` (in `{pointer}`)"),
                )
            })?;
        tokens.extend(quote!(.#ident));
        ty = field_ty.clone();
    }
    Ok((tokens, ty))
}

fn kind_of(
    doc: &Value,
    schema: &Value,
    param: &Value,
    progenitor_type: Option<Type>,
    at: &str,
) -> Result<Kind> {
    let named = || {
        progenitor_type
            .clone()
            .map(|t| Kind::Named(qualify(&t)))
            .ok_or_else(|| {
                SpecError::new(
                    at,
                    "cannot read the type progenitor chose for this parameter",
                )
            })
    };
    if schema.get("$ref").is_some() || schema.get("allOf").is_some() || schema.get("enum").is_some()
    {
        return named();
    }
    let schema = resolve(doc, schema);
    let format = text(schema, "format");
    let int = |key: &str| schema.get(key).and_then(Value::as_i64).map(i128::from);
    let uint = |key: &str| schema.get(key).and_then(Value::as_u64);
    Ok(match text(schema, "type").as_str() {
        "integer" => {
            let min = int("minimum");
            let unsigned = min.is_some_and(|m| m >= 0);
            let wide = format.ends_with("64");
            let rust: Type = match (unsigned, wide) {
                (true, false) => syn::parse_quote!(u32),
                (true, true) => syn::parse_quote!(u64),
                (false, false) => syn::parse_quote!(i32),
                (false, true) => syn::parse_quote!(i64),
            };
            Kind::Int {
                rust,
                min,
                max: int("maximum"),
            }
        }
        "number" => Kind::Number,
        "boolean" => Kind::Bool,
        "string" => match format.as_str() {
            "uuid" => Kind::Uuid,
            "date-time" => Kind::DateTime,
            "date" => Kind::Date,
            _ => Kind::Text {
                min: uint("minLength"),
                max: uint("maxLength"),
                email: format == "email",
            },
        },
        "array" => {
            let items = resolve(doc, schema.get("items").unwrap_or(&Value::Null));
            if text(items, "type") != "string" {
                return Err(SpecError::new(
                    join(at, "items"),
                    "only arrays of strings are supported as parameters",
                ));
            }
            let explode = param
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(text(param, "style").is_empty() || text(param, "style") == "form");
            Kind::List {
                separator: (!explode).then_some(','),
                email: text(items, "format") == "email",
            }
        }
        _ => named()?,
    })
}

impl Param {
    fn setter(&self) -> TokenStream {
        let ident = &self.ident;
        let wire = &self.name;
        let doc = if self.doc.is_empty() {
            format!("The `{wire}` parameter.")
        } else {
            self.doc.clone()
        };
        let option = |v: Option<i128>| match v {
            Some(n) => quote!(Some(#n)),
            None => quote!(None),
        };
        let option_u = |v: Option<u64>| match v {
            Some(n) => {
                let n = usize::try_from(n).unwrap_or(usize::MAX);
                quote!(Some(#n))
            }
            None => quote!(None),
        };
        let (generics, arg, value) = match &self.kind {
            Kind::Int { rust, min, max } => {
                let (min, max) = (option(*min), option(*max));
                (
                    quote!(),
                    quote!(value: #rust),
                    quote!(crate::args::int(#wire, i128::from(value), #min, #max)),
                )
            }
            Kind::Number | Kind::Bool => {
                let ty = if matches!(self.kind, Kind::Bool) {
                    quote!(bool)
                } else {
                    quote!(f64)
                };
                (
                    quote!(),
                    quote!(value: #ty),
                    quote!(crate::args::display(value)),
                )
            }
            Kind::Uuid => (
                quote!(),
                quote!(value: ::uuid::Uuid),
                quote!(crate::args::display(value)),
            ),
            Kind::Date => (
                quote!(),
                quote!(value: ::chrono::NaiveDate),
                quote!(crate::args::display(value)),
            ),
            Kind::DateTime => (
                quote!(<Tz: ::chrono::TimeZone>),
                quote!(value: ::chrono::DateTime<Tz>),
                quote!(crate::args::datetime(value)),
            ),
            Kind::Text { min, max, email } => {
                let (min, max) = (option_u(*min), option_u(*max));
                (
                    quote!(),
                    quote!(value: impl Into<String>),
                    quote!(crate::args::text(#wire, value.into(), #min, #max, #email)),
                )
            }
            Kind::List { separator, email } => {
                let separator = match separator {
                    Some(c) => quote!(Some(#c)),
                    None => quote!(None),
                };
                (
                    quote!(<I, S>),
                    quote!(values: I),
                    quote!(crate::args::list(#wire, values.into_iter().map(Into::into).collect(), #separator, #email)),
                )
            }
            Kind::Named(ty) => (
                quote!(<V>),
                quote!(value: V),
                quote!(crate::args::named::<V, #ty>(#wire, value)),
            ),
        };
        let bounds = match &self.kind {
            Kind::List { .. } => quote!(where I: IntoIterator<Item = S>, S: Into<String>),
            Kind::Named(ty) => {
                quote!(where V: ::std::convert::TryInto<#ty>, V::Error: ::std::fmt::Display)
            }
            _ => quote!(),
        };
        // The largest value the spec allows, for callers that want it (the biggest page).
        let max_const = match &self.kind {
            Kind::Int {
                rust,
                max: Some(max),
                ..
            } => {
                let base = ident.to_string();
                let name = format_ident!("{}_MAX", base.trim_start_matches("r#").to_uppercase());
                let max = proc_macro2::Literal::i128_unsuffixed(*max);
                let doc = format!("The largest `{wire}` the spec allows.");
                quote! {
                    #[doc = #doc]
                    pub const #name: #rust = #max;
                }
            }
            _ => quote!(),
        };
        quote! {
            #max_const
            #[doc = #doc]
            pub fn #ident #generics (mut self, #arg) -> Self #bounds {
                self.#ident = Some(#value);
                self
            }
        }
    }
}
