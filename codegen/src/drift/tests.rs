//! The comparison on small documents: one Attio-like (inline, no operationIds, 3.0 `nullable`, per-status
//! error bodies) and one like ours (named components, our formats and extensions), which say the same.

use std::path::Path;

use attio_meetings_codegen::load::parse;
use serde_json::{Value, json};

use super::*;

const OURS: &str = r##"
openapi: 3.1.0
info: {title: ours, version: '1'}
security: [{oauth2: []}]
paths:
  /v2/meetings:
    get:
      operationId: list_meetings
      x-attio-retry: repeatable
      x-attio-pagination: {cursor-param: cursor, next-cursor: /next, items: /data}
      summary: Our words.
      security: [{oauth2: [meeting:read]}]
      parameters:
        - {name: limit, in: query, description: Ours., schema: {type: integer, format: uint8, minimum: 1, maximum: 200}}
        - {name: participants, in: query, style: form, explode: false, schema: {type: array, items: {type: string, format: email}}}
        - {name: ends_from, in: query, schema: {type: [string, 'null'], format: date-time}}
        - {name: sort, in: query, schema: {$ref: '#/components/schemas/MeetingSort'}}
      responses:
        '200': {description: A page., content: {application/json: {schema: {$ref: '#/components/schemas/MeetingPage'}}}}
    post:
      operationId: create_meeting
      x-attio-retry: after-refusal
      security: [{oauth2: [meeting:read-write]}]
      requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/CreateMeetingRequest'}}}}
      responses:
        '200': {description: Created., content: {application/json: {schema: {$ref: '#/components/schemas/MeetingResponse'}}}}
        '400': {description: Refused., content: {application/json: {schema: {$ref: '#/components/schemas/AttioError'}}}}
  /v2/meetings/{meeting_id}:
    delete:
      operationId: delete_meeting
      security: [{oauth2: [meeting:read-write]}]
      parameters: [{$ref: '#/components/parameters/MeetingIdPath'}]
      responses:
        '200': {description: Deleted.}
        '404': {description: Gone., content: {application/json: {schema: {$ref: '#/components/schemas/AttioError'}}}}
components:
  parameters:
    MeetingIdPath: {name: meeting_id, in: path, required: true, schema: {type: string, format: uuid}}
  schemas:
    MeetingSort: {type: string, enum: [start_asc, start_desc], default: start_asc}
    MeetingPage:
      type: object
      required: [data]
      properties: {data: {type: array, items: {$ref: '#/components/schemas/Meeting'}}}
    MeetingResponse:
      type: object
      required: [data]
      properties: {data: {description: The meeting., $ref: '#/components/schemas/Meeting'}}
    Meeting:
      type: object
      required: [id, start, created_at, created_by_actor]
      properties:
        id: {type: string, format: uuid}
        start: {$ref: '#/components/schemas/MeetingTime'}
        created_at: {type: string, format: date-time}
        created_by_actor: {$ref: '#/components/schemas/Actor'}
    MeetingTime:
      oneOf:
        - title: Timed
          type: object
          required: [datetime]
          properties:
            datetime: {type: string, format: date-time}
            timezone: {type: [string, 'null']}
        - title: AllDay
          type: object
          required: [date]
          properties: {date: {type: string, format: date}}
    Actor:
      type: object
      properties:
        type: {oneOf: [{$ref: '#/components/schemas/ActorType'}, {type: 'null'}]}
    ActorType: {type: string, enum: [api-token, system]}
    CreateMeetingRequest:
      type: object
      required: [data]
      properties: {data: {$ref: '#/components/schemas/NewMeeting'}}
    NewMeeting:
      type: object
      required: [title, start, participants]
      properties:
        title: {type: string}
        start: {$ref: '#/components/schemas/MeetingTime'}
        participants: {type: array, items: {$ref: '#/components/schemas/NewParticipant'}}
    NewParticipant:
      type: object
      required: [email_address, is_organizer]
      properties:
        email_address: {type: string}
        is_organizer: {anyOf: [{type: boolean}, {type: string, enum: ['true']}, {type: string, enum: ['false']}]}
    AttioError:
      type: object
      required: [status_code]
      properties: {status_code: {type: integer, format: uint16}}
"##;

/// The same API as Attio writes it: everything inline, its own words, no formats where ours refines.
const ATTIO: &str = r##"
openapi: 3.1.0
info: {title: Attio API, version: 2.0.0}
security: [{oauth2: []}]
paths:
  /v2/notes:
    get:
      responses:
        '200': {content: {application/json: {schema: {$ref: '#/components/schemas/note'}}}}
  /v2/meetings:
    get:
      summary: List meetings
      x-mint: {metadata: {tag: BETA}}
      x-speakeasy-name-override: list
      security: [{oauth2: [meeting:read]}]
      parameters:
        - {name: limit, in: query, required: false, schema: {type: integer, minimum: 1, maximum: 200, example: 50, description: Theirs.}}
        - {name: participants, in: query, required: false, schema: {type: string, default: '', description: A comma-separated list of emails.}}
        - {name: ends_from, in: query, required: false, schema: {type: [string, 'null']}}
        - {name: sort, in: query, required: false, schema: {type: string, enum: [start_desc, start_asc], default: start_asc}}
      responses:
        '200':
          description: Success
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties: {data: {type: array, items: {$ref: '#/components/schemas/meeting'}}}
    post:
      summary: Create a meeting
      x-hidden: true
      security: [{oauth2: [meeting:read-write]}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [data]
              properties:
                data:
                  type: object
                  required: [title, start, participants]
                  properties:
                    title: {type: string, example: Onboarding}
                    start:
                      anyOf:
                        - type: object
                          required: [datetime]
                          additionalProperties: false
                          properties:
                            datetime: {type: string, format: date-time}
                            timezone: {type: [string, 'null']}
                        - type: object
                          required: [date]
                          additionalProperties: false
                          properties: {date: {type: string}}
                    participants:
                      type: array
                      items:
                        type: object
                        required: [email_address, is_organizer]
                        properties:
                          email_address: {type: string}
                          is_organizer: {anyOf: [{type: boolean}, {type: string, enum: ['true']}, {type: string, enum: ['false']}]}
      responses:
        '200':
          content:
            application/json:
              schema: {type: object, required: [data], properties: {data: {$ref: '#/components/schemas/meeting'}}}
        '400':
          content:
            application/json:
              schema:
                type: object
                required: [statusCode, code]
                properties: {statusCode: {type: number, enum: [400]}, code: {type: string, enum: [validation_type]}}
  /v2/meetings/{meeting_id}:
    delete:
      security: [{oauth2: [meeting:read-write]}]
      parameters:
        - {name: meeting_id, in: path, required: true, schema: {type: string, format: uuid, example: cb59ab17-ad15-460c-a126-0715617c0853}}
      responses:
        '200': {content: {application/json: {schema: {type: object, properties: {}, description: Success}}}}
        '404':
          content:
            application/json:
              schema: {type: object, properties: {status_code: {type: number, enum: [404]}, code: {type: string, enum: [not_found]}}}
components:
  schemas:
    note: {type: object}
    meeting:
      type: object
      required: [id, start, created_at, created_by_actor]
      properties:
        id: {type: string, format: uuid}
        start:
          anyOf:
            - type: object
              required: [datetime, timezone]
              properties:
                datetime: {type: string, description: When it starts.}
                timezone: {type: [string, 'null']}
            - type: object
              required: [date]
              properties: {date: {type: string}}
        created_at: {type: string, example: '2023-01-01T15:00:00.000000000Z'}
        created_by_actor:
          type: object
          properties:
            type: {type: string, enum: [system, api-token], nullable: true}
"##;

fn ours() -> Value {
    parse(OURS).unwrap()
}

fn attio() -> Value {
    parse(ATTIO).unwrap()
}

fn drift(attio: &Value, ours: &Value) -> Report {
    compare(attio, Path::new("attio.yaml"), ours, Path::new("ours.yaml"))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// `name: line`, refinements marked, for every finding.
fn lines(report: &Report) -> Vec<String> {
    report
        .operations
        .iter()
        .flat_map(|op| {
            let name = op
                .name
                .clone()
                .unwrap_or_else(|| format!("{} {}", op.method, op.path));
            op.findings.iter().map(move |f| {
                let refined = if f.refinement.is_some() {
                    " (refinement)"
                } else {
                    ""
                };
                format!("{name}: {}{refined}", f.line())
            })
        })
        .collect()
}

/// Pointer of an operation in both documents.
fn op(path: &str, method: &str) -> String {
    format!(
        "/paths/{}/{method}",
        path.replace('~', "~0").replace('/', "~1")
    )
}

fn at<'v>(doc: &'v mut Value, ptr: &str) -> &'v mut Value {
    doc.pointer_mut(ptr)
        .unwrap_or_else(|| panic!("no {ptr} in the test document"))
}

#[test]
fn what_adopt_maps_and_spellings_of_the_same_facts_are_not_drift() {
    // Our formats where Attio states none (a query parameter, response fields), the comma-separated
    // `participants`, our operationIds, names, extensions and titles; `oneOf` for `anyOf`, `nullable`
    // for a `null` branch; the two copies of `MeetingTime` (one closed, one with `timezone` required
    // but nullable) as our one; documentation; error bodies of other shapes; an empty-object success
    // as no body; another API family.
    let report = drift(&attio(), &ours());
    assert_eq!(lines(&report), Vec::<String>::new());
    assert!(!report.has_drift());
    assert_eq!(report.operations.len(), 3);
}

#[test]
fn operations_only_one_side_describes() {
    let mut attio = attio();
    let delete = at(&mut attio, "/paths/~1v2~1meetings~1{meeting_id}")["delete"].take();
    at(&mut attio, "/paths/~1v2~1meetings~1{meeting_id}")["put"] = delete;
    at(&mut attio, "/paths/~1v2~1meetings~1{meeting_id}")
        .as_object_mut()
        .unwrap()
        .remove("delete");
    at(&mut attio, &op("/v2/meetings/{meeting_id}", "put"))["summary"] = json!("Replace");
    let report = drift(&attio, &ours());
    assert_eq!(
        lines(&report),
        [
            "PUT /v2/meetings/{meeting_id}: + attio    /  operation: Attio described (\"Replace\"), responses 200 404, ours absent",
            "delete_meeting: - ours     /  operation: Attio absent, ours described, responses 200 404",
        ]
    );
    assert!(report.has_drift());
}

#[test]
fn parameters_by_name_and_place() {
    let mut attio = attio();
    let params = at(
        &mut attio,
        &format!("{}/parameters", op("/v2/meetings", "get")),
    );
    // A parameter only Attio has, another bound, a new enum value, one now required, another style.
    params[0]["schema"]["maximum"] = json!(100);
    params[1]["required"] = json!(true);
    params[3]["schema"]["enum"] = json!(["start_asc", "start_desc", "relevance"]);
    params
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "timezone", "in": "query", "schema": {"type": "string"}}));
    let mut ours = ours();
    at(
        &mut ours,
        &format!("{}/parameters/2", op("/v2/meetings", "get")),
    )["explode"] = json!(false);
    assert_eq!(
        lines(&drift(&attio, &ours)),
        [
            "list_meetings: ~ differs  /parameters/query/ends_from  style: Attio form, exploded, ours form",
            "list_meetings: ~ differs  /parameters/query/limit  maximum: Attio 100, ours 200",
            "list_meetings: ~ differs  /parameters/query/participants  required: Attio yes, ours no",
            "list_meetings: + attio    /parameters/query/sort  enum value \"relevance\": Attio listed, ours absent",
            "list_meetings: + attio    /parameters/query/timezone  parameter: Attio optional string, ours absent",
        ]
    );
}

#[test]
fn request_body_fields_recursively() {
    let mut attio = attio();
    let data = format!(
        "{}/requestBody/content/application~1json/schema/properties/data",
        op("/v2/meetings", "post")
    );
    // A required field only Attio has, inside the body's `data`.
    at(&mut attio, &format!("{data}/properties"))["external_ref"] =
        json!({"anyOf": [{"type": "string", "minLength": 1}, {"type": "object"}]});
    at(&mut attio, &format!("{data}/required"))
        .as_array_mut()
        .unwrap()
        .push(json!("external_ref"));
    // A field only ours has, and one no longer required by ours, in the items of an array.
    let mut ours = ours();
    let participant = "/components/schemas/NewParticipant";
    at(&mut ours, participant)["required"] = json!(["is_organizer"]);
    at(&mut ours, &format!("{participant}/properties"))["name"] =
        json!({"type": "string", "minLength": 1});
    assert_eq!(
        lines(&drift(&attio, &ours)),
        [
            "create_meeting: + attio    /requestBody/data/external_ref  field: Attio required anyOf(string (minLength 1) | object), ours absent",
            "create_meeting: ~ differs  /requestBody/data/participants/items/email_address  required: Attio yes, ours no",
            "create_meeting: - ours     /requestBody/data/participants/items/name  field: Attio absent, ours optional string (minLength 1)",
        ]
    );
}

#[test]
fn response_fields_through_refs_in_every_operation_that_returns_them() {
    let mut attio = attio();
    let meeting = "/components/schemas/meeting";
    at(&mut attio, &format!("{meeting}/properties"))["title"] = json!({"type": "string"});
    // A value ours must now accept: null, and another type.
    at(&mut attio, &format!("{meeting}/properties/id"))["type"] = json!(["string", "null"]);
    at(
        &mut attio,
        &format!("{meeting}/properties/created_by_actor/properties/type"),
    )["enum"] = json!(["system", "api-token", "app"]);
    assert_eq!(
        lines(&drift(&attio, &ours())),
        [
            "list_meetings: + attio    /responses/200/data/items/created_by_actor/type  enum value \"app\": Attio listed, ours absent",
            "list_meetings: + attio    /responses/200/data/items/id  nullable: Attio yes, ours no",
            "list_meetings: + attio    /responses/200/data/items/title  field: Attio optional string, ours absent",
            "create_meeting: + attio    /responses/200/data/created_by_actor/type  enum value \"app\": Attio listed, ours absent",
            "create_meeting: + attio    /responses/200/data/id  nullable: Attio yes, ours no",
            "create_meeting: + attio    /responses/200/data/title  field: Attio optional string, ours absent",
        ]
    );
}

#[test]
fn success_statuses_and_error_statuses_loosely() {
    let mut attio = attio();
    let responses = at(
        &mut attio,
        &format!("{}/responses", op("/v2/meetings", "post")),
    );
    let ok = responses["200"].take();
    let map = responses.as_object_mut().unwrap();
    map.remove("200");
    map.insert("201".into(), ok);
    // A new error status is listed; an error body of another shape (400, 404 above) is not.
    map.insert(
        "409".into(),
        json!({"content": {"application/json": {"schema": {"type": "object"}}}}),
    );
    // A body where ours has none.
    let deleted = format!(
        "{}/responses/200",
        op("/v2/meetings/{meeting_id}", "delete")
    );
    at(&mut attio, &deleted)["content"]["application/json"]["schema"] =
        json!({"type": "object", "properties": {"deleted": {"type": "boolean"}}});
    assert_eq!(
        lines(&drift(&attio, &ours())),
        [
            "create_meeting: + attio    /responses/201  success status: Attio declared, ours absent",
            "create_meeting: - ours     /responses/200  success status: Attio absent, ours declared",
            "create_meeting: + attio    /responses/409  error status: Attio declared, ours absent",
            "delete_meeting: + attio    /responses/200  body: Attio application/json object {deleted}, ours no body",
        ]
    );
}

#[test]
fn security_scopes() {
    let mut attio = attio();
    at(&mut attio, &op("/v2/meetings", "post"))["security"] =
        json!([{"oauth2": ["meeting:read-write", "record_permission:read"]}]);
    assert_eq!(
        lines(&drift(&attio, &ours())),
        [
            "create_meeting: + attio    /security  scope oauth2 record_permission:read: Attio required, ours absent"
        ]
    );
}

#[test]
fn deprecation_attio_states_in_words_is_a_refinement_else_drift() {
    let mut ours = ours();
    at(&mut ours, &op("/v2/meetings", "get"))["deprecated"] = json!(true);
    assert_eq!(
        lines(&drift(&attio(), &ours)),
        ["list_meetings: - ours     /  deprecated: Attio no, ours yes"]
    );
    let mut attio = attio();
    at(&mut attio, &op("/v2/meetings", "get"))["summary"] = json!("Deprecated: List meetings");
    let report = drift(&attio, &ours);
    assert_eq!(
        lines(&report),
        ["list_meetings: - ours     /  deprecated: Attio no, ours yes (refinement)"]
    );
    assert!(!report.has_drift());
    // Attio deprecating what ours does not is drift.
    at(&mut attio, &op("/v2/meetings", "post"))["deprecated"] = json!(true);
    assert!(drift(&attio, &ours).has_drift());
}

#[test]
fn our_refinements_are_listed_but_not_counted() {
    let mut ours = ours();
    // Bounds on what the client sends, where Attio states none.
    at(&mut ours, "/components/schemas/NewMeeting/properties/title")["maxLength"] = json!(1000);
    at(
        &mut ours,
        "/components/schemas/NewMeeting/properties/participants",
    )["maxItems"] = json!(500);
    // A key Attio always sends, maybe null, read by ours as optional and nullable.
    let mut attio = attio();
    at(&mut attio, "/components/schemas/meeting/properties")["name"] =
        json!({"type": ["string", "null"]});
    at(&mut attio, "/components/schemas/meeting/required")
        .as_array_mut()
        .unwrap()
        .push(json!("name"));
    at(&mut ours, "/components/schemas/Meeting/properties")["name"] =
        json!({"type": ["string", "null"]});
    let report = drift(&attio, &ours);
    assert_eq!(
        lines(&report),
        [
            "list_meetings: ~ differs  /responses/200/data/items/name  required: Attio yes, ours no (refinement)",
            "create_meeting: - ours     /requestBody/data/participants  maxItems: Attio none, ours 500 (refinement)",
            "create_meeting: - ours     /requestBody/data/title  maxLength: Attio none, ours 1000 (refinement)",
            "create_meeting: ~ differs  /responses/200/data/name  required: Attio yes, ours no (refinement)",
        ]
    );
    assert!(!report.has_drift());
    let text = report.render(Path::new("attio.yaml"), Path::new("ours.yaml"), false);
    assert!(
        text.ends_with("No drift: 3 operations compared. 4 refinements of ours not counted.\n"),
        "{text}"
    );
    assert!(text.contains("[refinement, not counted: ours narrows what the client sends]"));
}

#[test]
fn the_report_groups_by_operation_and_ends_with_a_count() {
    let mut attio = attio();
    at(&mut attio, "/components/schemas/meeting/properties")["title"] = json!({"type": "string"});
    let report = drift(&attio, &ours());
    let text = report.render(Path::new("attio.yaml"), Path::new("ours.yaml"), false);
    let expected = "\
Drift of Attio's document attio.yaml against our spec ours.yaml (paths under /v2/meetings).
+ attio: only Attio's document has it; - ours: only our spec has it (Attio no longer has it); ~ differs: both, described differently.

list_meetings: GET /v2/meetings
  + attio    /responses/200/data/items/title  field: Attio optional string, ours absent

create_meeting: POST /v2/meetings
  + attio    /responses/200/data/title  field: Attio optional string, ours absent

Drift: 2 differences in 2 of 3 operations (2 + attio, 0 - ours, 0 ~ differs).
";
    assert_eq!(text, expected);
}

#[test]
fn a_document_without_the_family_lacks_every_operation_of_ours() {
    let mut attio = attio();
    let paths = at(&mut attio, "/paths").as_object_mut().unwrap();
    paths.retain(|path, _| path == "/v2/notes");
    let report = drift(&attio, &ours());
    assert_eq!(report.drift().count(), 3);
    assert!(report.drift().all(|f| f.kind == Kind::OursOnly));
}

#[test]
fn problems_name_the_file_and_the_pointer() {
    let mut attio = attio();
    at(&mut attio, "/components/schemas/meeting/properties/id")["$ref"] =
        json!("#/components/schemas/missing");
    let err = compare(
        &attio,
        Path::new("attio.yaml"),
        &ours(),
        Path::new("ours.yaml"),
    )
    .unwrap_err();
    assert_eq!(err.file.as_deref(), Some(Path::new("attio.yaml")));
    assert_eq!(err.pointer, "/components/schemas/meeting/properties/id");
    assert!(err.message.contains("points to nothing"), "{err}");

    let mut ours = ours();
    at(&mut ours, "/components/schemas/Meeting/properties/id")["$ref"] =
        json!("#/components/schemas/Missing");
    let err = compare(
        &self::attio(),
        Path::new("attio.yaml"),
        &ours,
        Path::new("ours.yaml"),
    )
    .unwrap_err();
    assert_eq!(err.file.as_deref(), Some(Path::new("ours.yaml")));
    assert_eq!(err.pointer, "/components/schemas/Meeting/properties/id");

    // Malformed facts too: a `type` that is not a string.
    let mut attio = self::attio();
    at(&mut attio, "/components/schemas/meeting/properties/id")["type"] = json!(7);
    let err = compare(
        &attio,
        Path::new("attio.yaml"),
        &self::ours(),
        Path::new("ours.yaml"),
    )
    .unwrap_err();
    assert_eq!(
        err.pointer,
        "/components/schemas/meeting/properties/id/type"
    );
}
