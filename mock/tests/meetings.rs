//! The fake's meeting operations over real HTTP: create (always a new meeting, `external_ref` ignored,
//! participant names, bounds, the `statusCode` 400s), get, the linked-record updates (PATCH appends, PUT
//! replaces) and delete (200 `{}`, calendar-synced meetings refused, recordings deleted with the meeting).

mod common;

use attio_meetings_mock::Endpoint;
use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use common::{
    Api, RECORD_1, RECORD_2, UNKNOWN_ID, all_day, assert_envelope, assert_validation, client,
    meeting_id, recording_id, seed, seed_at, segment, timed, unlimited, with_participants,
};

// ---- create -------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_renders_the_meeting_and_get_returns_it() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let body = json!({"data": {
        "title": "Renewal",
        "description": "With Tom",
        "is_all_day": false,
        "start": {"datetime": "2027-11-27T14:00:00", "timezone": "America/New_York"},
        "end": {"datetime": "2027-11-27T15:00:00", "timezone": "America/New_York"},
        "participants": [
            {"email_address": "alex@example.com", "is_organizer": "true", "status": "accepted"},
            {"email_address": "tom@example.com", "is_organizer": false, "status": "tentative"}
        ],
        "linked_records": [{"object": "people", "record_id": RECORD_1}],
    }});
    let reply = api.post("/v2/meetings", &body).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let m = &reply.body["data"];
    let id = meeting_id(m);
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    assert_eq!(m["title"], "Renewal");
    assert_eq!(m["is_all_day"], false);
    // The real offset of New York on 27 November (EST), not Attio's -04:00.
    assert_eq!(m["start"]["datetime"], "2027-11-27T14:00:00.000-05:00");
    assert_eq!(m["end"]["datetime"], "2027-11-27T15:00:00.000-05:00");
    assert_eq!(m["start"]["timezone"], "America/New_York");
    assert_eq!(m["participants"][0]["is_organizer"], true);
    assert_eq!(m["participants"][1]["status"], "tentative");
    let linked = &m["linked_records"][0];
    assert_eq!(linked["object_slug"], "people");
    assert_eq!(linked["record_id"], RECORD_1);
    let people_id = server
        .store()
        .objects()
        .into_iter()
        .find(|(slug, _)| slug == "people")
        .unwrap()
        .1;
    assert_eq!(linked["object_id"], people_id.to_string());
    let created_at = m["created_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(created_at).is_ok() && created_at.len() == 30,
        "created_at with nanoseconds: {created_at}"
    );
    assert_eq!(m["created_by_actor"]["type"], "api-token");

    let got = api.get(&format!("/v2/meetings/{id}"), &[]).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["data"], *m);
    assert_eq!(server.store().meetings(), vec![m.clone()]);

    // Without a timezone: `Z`, and the key is still there.
    let utc = api
        .post(
            "/v2/meetings",
            &timed("utc", "2027-11-27T14:00:00Z", "2027-11-27T15:00:00Z"),
        )
        .await;
    assert_eq!(
        utc.body["data"]["start"],
        json!({"datetime": "2027-11-27T14:00:00.000Z", "timezone": null})
    );
    // An offset sent by the client takes precedence over `timezone`.
    let mut b = timed("offset", "2027-11-27T14:00:00Z", "2027-11-27T15:00:00Z");
    b["data"]["start"]["timezone"] = json!("America/New_York");
    b["data"]["end"]["timezone"] = json!("America/New_York");
    let offset = api.post("/v2/meetings", &b).await;
    assert_eq!(
        offset.body["data"]["start"]["datetime"],
        "2027-11-27T09:00:00.000-05:00"
    );
    // An unknown timezone is read as UTC.
    let mut b = timed("mars", "2027-11-27T14:00:00", "2027-11-27T15:00:00");
    b["data"]["start"]["timezone"] = json!("Mars/Olympus_Mons");
    b["data"]["end"]["timezone"] = json!("Mars/Olympus_Mons");
    let mars = api.post("/v2/meetings", &b).await;
    assert_eq!(mars.status, 200, "{:?}", mars.body);
    let start = mars.body["data"]["start"]["datetime"].as_str().unwrap();
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(start).unwrap(),
        chrono::DateTime::parse_from_rfc3339("2027-11-27T14:00:00Z").unwrap(),
        "{start}"
    );
    // All-day meetings answer with dates.
    let day = api
        .post("/v2/meetings", &all_day("day", "2027-11-27", "2027-11-28"))
        .await;
    assert_eq!(day.body["data"]["is_all_day"], true);
    assert_eq!(day.body["data"]["start"], json!({"date": "2027-11-27"}));
    assert_eq!(day.body["data"]["end"], json!({"date": "2027-11-28"}));
}

#[tokio::test]
async fn two_identical_creates_make_two_meetings() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let body = timed("Standup", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");
    let first = api.create(&body).await;
    let second = api.create(&body).await;
    assert_ne!(first, second);
    let stored = server.store().meetings();
    assert_eq!(stored.len(), 2);
    // Everything but the id (and the creation time) is the same.
    let strip = |m: &Value| {
        let mut m = m.clone();
        let o = m.as_object_mut().unwrap();
        o.remove("id");
        o.remove("created_at");
        m
    };
    assert_eq!(strip(&stored[0]), strip(&stored[1]));
}

#[tokio::test]
async fn external_ref_is_accepted_and_ignored() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let (s, e) = ("2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");
    let refs = [
        json!("crm-42"),
        json!("crm-42"),
        json!({"ical_uid": "uid-1@google.com", "provider": "google", "is_recurring": false}),
        json!({"ical_uid": "uid-1@google.com", "provider": "google", "is_recurring": false}),
        // What the old schema refused is no longer looked at either.
        json!(""),
        json!({"provider": "yahoo"}),
    ];
    let mut ids = Vec::new();
    for external_ref in refs {
        let mut body = timed("Synced", s, e);
        body["data"]["external_ref"] = external_ref.clone();
        let reply = api.post("/v2/meetings", &body).await;
        assert_eq!(reply.status, 200, "{external_ref}: {:?}", reply.body);
        assert!(
            reply.body["data"].get("external_ref").is_none(),
            "{:?}",
            reply.body
        );
        ids.push(meeting_id(&reply.body["data"]));
    }
    common::assert_unique(&ids);
    assert_eq!(server.store().meetings().len(), 6);

    // Seeding ignores it too: the same reference twice seeds two meetings.
    let mut body = timed("Seeded", s, e);
    body["data"]["external_ref"] = json!("crm-42");
    assert_ne!(seed(&server, &body), seed(&server, &body));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_identical_creates_make_one_meeting_each() {
    const N: usize = 32;
    let server = unlimited().await;
    let http = client();
    let url = format!("{}/v2/meetings", server.base_url());
    let token = server.token().to_string();
    let body = timed("Standup", "2030-01-01T09:00:00Z", "2030-01-01T09:15:00Z");
    let tasks: Vec<_> = (0..N)
        .map(|_| {
            let (http, url, token, body) = (http.clone(), url.clone(), token.clone(), body.clone());
            tokio::spawn(async move {
                let response = http.post(url).bearer_auth(token).json(&body).send().await?;
                let status = response.status();
                let body: Value = response.json().await?;
                Ok::<_, reqwest::Error>((status, body))
            })
        })
        .collect();
    let mut ids = Vec::new();
    for result in futures_util::future::join_all(tasks).await {
        let (status, body) = result.expect("task").expect("request");
        assert_eq!(status, 200, "{body}");
        ids.push(meeting_id(&body["data"]));
    }
    common::assert_unique(&ids);
    assert_eq!(server.store().meetings().len(), N);
    assert_eq!(server.requests(Endpoint::CreateMeeting), N as u64);
}

#[tokio::test]
async fn participant_names_round_trip() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let mut body = timed("Names", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");
    body["data"]["participants"] = json!([
        {"email_address": "Ada@Example.com", "is_organizer": true, "status": "accepted"},
        {"name": "Front desk", "is_organizer": false, "status": "pending"},
        {"email_address": "grace@example.com", "name": "Grace Hopper", "is_organizer": "false", "status": "declined"},
    ]);
    let reply = api.post("/v2/meetings", &body).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let expected = json!([
        {"status": "accepted", "is_organizer": true, "email_address": "ada@example.com", "name": null},
        {"status": "pending", "is_organizer": false, "email_address": null, "name": "Front desk"},
        {"status": "declined", "is_organizer": false, "email_address": "grace@example.com", "name": "Grace Hopper"},
    ]);
    assert_eq!(reply.body["data"]["participants"], expected);
    let id = meeting_id(&reply.body["data"]);
    let got = api.get(&format!("/v2/meetings/{id}"), &[]).await;
    assert_eq!(got.body["data"]["participants"], expected);
    let listed = api.get("/v2/meetings", &[]).await;
    assert_eq!(listed.body["data"][0]["participants"], expected);
    // Both keys are there for every participant, seeded ones too.
    let seeded = seed_at(&server, "seeded", 0);
    let got = api.get(&format!("/v2/meetings/{seeded}"), &[]).await;
    assert_eq!(
        got.body["data"]["participants"],
        json!([{"status": "accepted", "is_organizer": true, "email_address": "organizer@example.com", "name": null}])
    );
}

// ---- create validation --------------------------------------------------------------------------------

#[tokio::test]
async fn no_participants_is_attios_documented_400() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let body = with_participants(
        timed("Empty", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z"),
        &[],
    );
    let reply = api.post("/v2/meetings", &body).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.body,
        json!({
            "statusCode": 400,
            "type": "invalid_request_error",
            "code": "validation_type",
            "message": "No participants were provided.",
        })
    );
    assert!(server.store().meetings().is_empty());
    // Seeding allows a meeting without participants (calendar events may have none).
    seed(&server, &body);
    assert_eq!(server.store().meetings().len(), 1);
}

#[tokio::test]
async fn create_bounds_are_enforced() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let valid = timed("Bounds", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");
    let participant = |i: usize| json!({"email_address": format!("p{i}@example.com"), "is_organizer": false, "status": "accepted"});
    let link = json!({"object": "people", "record_id": RECORD_1});
    type Set = Box<dyn Fn(&mut Value, usize)>;
    let cases: [(&str, usize, Set); 4] = [
        (
            "data.title",
            1000,
            Box::new(|b, n| b["data"]["title"] = json!("ü".repeat(n))),
        ),
        (
            "data.description",
            10_000,
            Box::new(|b, n| b["data"]["description"] = json!("x".repeat(n))),
        ),
        (
            "data.participants",
            500,
            Box::new(move |b, n| b["data"]["participants"] = (0..n).map(participant).collect()),
        ),
        (
            "data.linked_records",
            50,
            Box::new(move |b, n| b["data"]["linked_records"] = json!(vec![link.clone(); n])),
        ),
    ];
    for (field, max, set) in &cases {
        let mut at_max = valid.clone();
        set(&mut at_max, *max);
        let ok = api.post("/v2/meetings", &at_max).await;
        assert_eq!(ok.status, 200, "{field} at {max}: {:?}", ok.body);

        let mut over = valid.clone();
        set(&mut over, max + 1);
        let refused = api.post("/v2/meetings", &over).await;
        assert_validation(&refused, "statusCode");
        let message = refused.body["message"].as_str().unwrap();
        assert!(message.contains(field), "{field}: {message}");
    }
    assert_eq!(server.store().meetings().len(), cases.len());
}

#[tokio::test]
async fn create_validation_is_400_with_status_code_in_camel_case() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let valid = timed("Valid", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");
    let mut cases: Vec<(&str, Value)> = Vec::new();

    let mut b = valid.clone();
    b["data"]["is_all_day"] = json!(true);
    cases.push(("is_all_day true with datetimes", b));

    let mut b = all_day("v-2", "2030-01-01", "2030-01-02");
    b["data"]["is_all_day"] = json!(false);
    cases.push(("is_all_day false with dates", b));

    let mut b = valid.clone();
    b["data"]["end"] = json!({"date": "2030-01-02"});
    cases.push(("mixed forms", b));

    let mut b = valid.clone();
    b["data"].as_object_mut().unwrap().remove("title");
    cases.push(("missing title", b));

    let b = with_participants(valid.clone(), &["a@example.com"]);
    let mut b2 = b.clone();
    b2["data"]["participants"][0]["status"] = json!("maybe");
    cases.push(("bad participant status", b2));
    let mut b2 = b.clone();
    b2["data"]["participants"][0]["email_address"] = json!("nobody");
    cases.push(("not an email address", b2));
    let mut b2 = b.clone();
    b2["data"]["participants"][0]["name"] = json!("");
    cases.push(("empty name", b2));
    let mut b2 = b.clone();
    b2["data"]["participants"][0]["name"] = json!(7);
    cases.push(("name not a string", b2));
    let mut b2 = valid.clone();
    b2["data"]["participants"] = json!([{"is_organizer": true, "status": "accepted"}]);
    cases.push(("neither email nor name", b2));
    let mut b2 = valid.clone();
    b2["data"]["participants"] = json!({"email_address": "a@example.com"});
    cases.push(("participants not an array", b2));

    let mut b = valid.clone();
    b["data"]["linked_records"] = json!([{"object": "people", "record_id": "not-a-uuid"}]);
    cases.push(("non-uuid record id", b));

    let mut b = valid.clone();
    b["data"]["linked_records"] = json!([{"object": "spaceships", "record_id": RECORD_1}]);
    cases.push(("unknown object", b));

    cases.push((
        "end before start",
        timed("v-3", "2030-01-01T11:00:00Z", "2030-01-01T10:00:00Z"),
    ));
    cases.push((
        "all-day end before start",
        all_day("v-4", "2030-01-03", "2030-01-02"),
    ));
    cases.push(("not an object", json!(["data"])));

    for (what, body) in cases {
        let reply = api.post("/v2/meetings", &body).await;
        assert_eq!(reply.status, 400, "{what}: {:?}", reply.body);
        assert_validation(&reply, "statusCode");
    }
    assert!(
        server.store().meetings().is_empty(),
        "a rejected body was stored"
    );
    // The valid body itself passes: the cases failed for their one change.
    api.create(&valid).await;
}

#[tokio::test]
async fn a_participant_with_neither_email_nor_name_is_named_in_the_400() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let mut body = timed("Anon", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");
    body["data"]["participants"] = json!([
        {"name": "Ada", "is_organizer": true, "status": "accepted"},
        {"is_organizer": false, "status": "accepted"},
    ]);
    let reply = api.post("/v2/meetings", &body).await;
    assert_validation(&reply, "statusCode");
    let message = reply.body["message"].as_str().unwrap();
    assert!(
        message.contains("data.participants[1]")
            && message.contains("email_address")
            && message.contains("name"),
        "{message}"
    );
}

#[tokio::test]
async fn create_body_that_is_not_json_is_400() {
    let server = unlimited().await;
    let api = Api::new(&server);
    for raw in ["{\"data\": ", "title=Renewal", ""] {
        let reply = api
            .send(
                api.request(Method::POST, "/v2/meetings", &[])
                    .header(CONTENT_TYPE, "application/json")
                    .body(raw),
            )
            .await;
        assert_eq!(reply.status, 400, "{raw:?}: {:?}", reply.body);
        assert_validation(&reply, "statusCode");
    }
    assert!(server.store().meetings().is_empty());
}

// ---- get meeting --------------------------------------------------------------------------------------

#[tokio::test]
async fn get_meeting_not_found_and_malformed_id() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let id = seed_at(&server, "g", 0);
    let found = api.get(&format!("/v2/meetings/{id}"), &[]).await;
    assert_eq!(found.status, 200);
    assert_eq!(meeting_id(&found.body["data"]), id);

    let missing = api.get(&format!("/v2/meetings/{UNKNOWN_ID}"), &[]).await;
    assert_envelope(&missing, 404, "status_code", Some("not_found"));
    assert_eq!(missing.body["type"], "invalid_request_error");
    assert_eq!(
        missing.body["message"],
        format!("Meeting with ID \"{UNKNOWN_ID}\" was not found.")
    );

    let bad = api.get("/v2/meetings/not-a-uuid", &[]).await;
    assert_envelope(&bad, 404, "status_code", Some("not_found"));
}

// ---- linked-record updates ----------------------------------------------------------------------------

const RECORD_3: &str = "3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a";

fn links(records: &[(&str, &str)]) -> Value {
    json!({"data": {"linked_records": records
        .iter()
        .map(|(object, record)| json!({"object": object, "record_id": record}))
        .collect::<Vec<_>>()}})
}

/// The `(object_slug, record_id)` pairs of a meeting response, in order.
fn linked_of(reply: &common::Reply) -> Vec<(String, String)> {
    reply.body["data"]["linked_records"]
        .as_array()
        .unwrap_or_else(|| panic!("no linked_records in {:?}", reply.body))
        .iter()
        .map(|r| {
            (
                r["object_slug"].as_str().unwrap().to_string(),
                r["record_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(o, r)| (o.to_string(), r.to_string()))
        .collect()
}

#[tokio::test]
async fn patch_appends_linked_records_skipping_those_already_linked() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let mut body = timed("Linked", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");
    body["data"]["linked_records"] = json!([{"object": "people", "record_id": RECORD_1}]);
    let id = api.create(&body).await;
    let path = format!("/v2/meetings/{id}");
    let people_id = server
        .store()
        .objects()
        .into_iter()
        .find(|(slug, _)| slug == "people")
        .unwrap()
        .1
        .to_string();

    // RECORD_1 is already linked (here named by the object's id): skipped. A repeat in the request too.
    let reply = api
        .patch(
            &path,
            &links(&[
                (&people_id, RECORD_1),
                ("companies", RECORD_2),
                ("companies", RECORD_2),
                ("deals", RECORD_3),
            ]),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let expected = pairs(&[
        ("people", RECORD_1),
        ("companies", RECORD_2),
        ("deals", RECORD_3),
    ]);
    assert_eq!(linked_of(&reply), expected);
    assert_eq!(reply.body["data"]["id"]["meeting_id"], id);
    // Nothing else of the meeting changed, and the change is stored.
    let got = api.get(&path, &[]).await;
    assert_eq!(got.body, reply.body);
    assert_eq!(got.body["data"]["title"], "Linked");

    // The same record under another object is another link.
    let reply = api.patch(&path, &links(&[("people", RECORD_2)])).await;
    assert_eq!(linked_of(&reply).len(), 4);
    // Appending again, or nothing, changes nothing.
    let again = api.patch(&path, &links(&[("people", RECORD_2)])).await;
    assert_eq!(again.body, reply.body);
    let nothing = api.patch(&path, &links(&[])).await;
    assert_eq!(nothing.body, reply.body);

    // The list filter sees the new link.
    let listed = api
        .list(&[("linked_object", "deals"), ("linked_record_id", RECORD_3)])
        .await
        .0;
    assert_eq!(listed, std::slice::from_ref(&id));
    assert_eq!(
        server.requests(Endpoint::AppendMeetingLinkedRecords),
        4,
        "{:?}",
        server.store().meetings()
    );
}

#[tokio::test]
async fn put_replaces_every_linked_record() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let mut body = timed("Linked", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");
    body["data"]["linked_records"] = json!([
        {"object": "people", "record_id": RECORD_1},
        {"object": "companies", "record_id": RECORD_2},
    ]);
    let id = api.create(&body).await;
    let path = format!("/v2/meetings/{id}");

    let reply = api
        .put(
            &path,
            &links(&[
                ("deals", RECORD_3),
                ("people", RECORD_1),
                ("deals", RECORD_3),
            ]),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(
        linked_of(&reply),
        pairs(&[("deals", RECORD_3), ("people", RECORD_1)])
    );
    assert_eq!(api.get(&path, &[]).await.body, reply.body);
    // A repeat leaves the same list.
    let again = api
        .put(&path, &links(&[("deals", RECORD_3), ("people", RECORD_1)]))
        .await;
    assert_eq!(again.body, reply.body);
    // The old link is gone from the list filter.
    assert!(
        api.list(&[
            ("linked_object", "companies"),
            ("linked_record_id", RECORD_2)
        ])
        .await
        .0
        .is_empty()
    );

    // An empty list unlinks everything.
    let cleared = api.put(&path, &links(&[])).await;
    assert_eq!(cleared.status, 200, "{:?}", cleared.body);
    assert_eq!(cleared.body["data"]["linked_records"], json!([]));
    assert_eq!(
        server.store().meetings()[0]["linked_records"],
        json!([]),
        "stored"
    );
    assert_eq!(server.requests(Endpoint::ReplaceMeetingLinkedRecords), 3);
}

#[tokio::test]
async fn linked_record_updates_validate_the_body_and_the_meeting() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let id = seed_at(&server, "m", 0);
    let path = format!("/v2/meetings/{id}");
    let before = server.store().meetings();
    let link = json!({"object": "people", "record_id": RECORD_1});
    for method in [Method::PATCH, Method::PUT] {
        let send = |path: String, body: Value| {
            let request = api.request(method.clone(), &path, &[]).json(&body);
            api.send(request)
        };
        for (what, body) in [
            ("no data", json!({})),
            ("data not an object", json!({"data": []})),
            ("no linked_records", json!({"data": {}})),
            (
                "another key in data",
                json!({"data": {"linked_records": [], "title": "Renamed"}}),
            ),
            (
                "linked_records not an array",
                json!({"data": {"linked_records": link.clone()}}),
            ),
            (
                "51 records",
                json!({"data": {"linked_records": vec![link.clone(); 51]}}),
            ),
            (
                "record_id not a uuid",
                json!({"data": {"linked_records": [{"object": "people", "record_id": "nope"}]}}),
            ),
            (
                "no object",
                json!({"data": {"linked_records": [{"record_id": RECORD_1}]}}),
            ),
            (
                "empty object",
                json!({"data": {"linked_records": [{"object": "", "record_id": RECORD_1}]}}),
            ),
        ] {
            let reply = send(path.clone(), body).await;
            assert_eq!(reply.status, 400, "{method} {what}: {:?}", reply.body);
            assert_validation(&reply, "status_code");
        }
        // Not JSON.
        let reply = api
            .send(
                api.request(method.clone(), &path, &[])
                    .header(CONTENT_TYPE, "application/json")
                    .body("{\"data\""),
            )
            .await;
        assert_validation(&reply, "status_code");

        // 50 records are allowed.
        let fifty: Vec<Value> = (0..50)
            .map(|i| json!({"object": "people", "record_id": format!("5f0e8d9c-1b2a-4c3d-9e8f-{i:012}")}))
            .collect();
        let reply = send(path.clone(), json!({"data": {"linked_records": fifty}})).await;
        assert_eq!(reply.status, 200, "{method}: {:?}", reply.body);
        assert_eq!(
            reply.body["data"]["linked_records"]
                .as_array()
                .unwrap()
                .len(),
            50
        );

        // An object the workspace does not have names no record: value_not_found.
        let reply = send(
            path.clone(),
            json!({"data": {"linked_records": [link.clone(), {"object": "unicorns", "record_id": RECORD_2}]}}),
        )
        .await;
        assert_envelope(&reply, 400, "status_code", Some("value_not_found"));
        assert_eq!(reply.body["type"], "invalid_request_error");
        assert!(
            reply.body["message"]
                .as_str()
                .unwrap()
                .contains("linked_records[1]"),
            "{:?}",
            reply.body
        );

        // Unknown and malformed meetings: 404, once the body is valid.
        let valid = links(&[("people", RECORD_1)]);
        for missing in [UNKNOWN_ID, "not-a-uuid"] {
            let reply = send(format!("/v2/meetings/{missing}"), valid.clone()).await;
            assert_envelope(&reply, 404, "status_code", Some("not_found"));
            assert_eq!(
                reply.body["message"],
                format!("Meeting with ID \"{missing}\" was not found.")
            );
        }
    }
    // The refused requests changed nothing; the two accepted ones only the links.
    let after = server.store().meetings();
    assert_eq!(after[0]["title"], before[0]["title"]);
    assert_eq!(after[0]["participants"], before[0]["participants"]);
}

// ---- delete meeting -----------------------------------------------------------------------------------

#[tokio::test]
async fn delete_meeting_is_200_with_an_empty_object_and_takes_its_recordings() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let doomed = api
        .create(&timed(
            "Doomed",
            "2030-01-01T10:00:00Z",
            "2030-01-01T11:00:00Z",
        ))
        .await;
    let kept = seed_at(&server, "kept", 60);
    let store = server.store();
    let doomed_recording = store
        .seed_call_recording(
            doomed.parse().unwrap(),
            "https://x.test/d.mp4",
            false,
            vec![segment("A", "bye", 0.0)],
        )
        .unwrap()
        .to_string();
    let kept_recording = store
        .seed_call_recording(kept.parse().unwrap(), "https://x.test/k.mp4", false, vec![])
        .unwrap()
        .to_string();

    let path = format!("/v2/meetings/{doomed}");
    let deleted = api.delete(&path).await;
    assert_eq!(deleted.status, 200, "{:?}", deleted.body);
    assert_eq!(deleted.raw, b"{}");
    assert!(
        deleted
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json"))
    );

    let missing = format!("Meeting with ID \"{doomed}\" was not found.");
    let got = api.get(&path, &[]).await;
    assert_envelope(&got, 404, "status_code", Some("not_found"));
    assert_eq!(got.body["message"], missing);
    let again = api.delete(&path).await;
    assert_envelope(&again, 404, "status_code", Some("not_found"));
    assert_eq!(again.body["message"], missing);
    // Its recordings (and their transcripts) went with it.
    for sub in ["", "/transcript"] {
        let reply = api
            .get(
                &format!("{path}/call_recordings/{doomed_recording}{sub}"),
                &[],
            )
            .await;
        assert_envelope(&reply, 404, "status_code", Some("not_found"));
    }
    let stored: Vec<String> = store.call_recordings().iter().map(recording_id).collect();
    assert_eq!(stored, [kept_recording]);
    let meetings: Vec<String> = store.meetings().iter().map(meeting_id).collect();
    assert_eq!(meetings, std::slice::from_ref(&kept));
    assert_eq!(api.list(&[]).await.0, [kept]);

    for bad in [UNKNOWN_ID, "not-a-uuid"] {
        let reply = api.delete(&format!("/v2/meetings/{bad}")).await;
        assert_envelope(&reply, 404, "status_code", Some("not_found"));
        assert_eq!(
            reply.body["message"],
            format!("Meeting with ID \"{bad}\" was not found.")
        );
    }
    assert_eq!(server.requests(Endpoint::DeleteMeeting), 4);
}

#[tokio::test]
async fn calendar_synced_meetings_cannot_be_deleted() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let mut body = timed("Synced", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");
    body["calendar_synced"] = json!(true);
    let synced = seed(&server, &body);
    let path = format!("/v2/meetings/{synced}");
    let expected = json!({
        "status_code": 400,
        "type": "invalid_request_error",
        "code": "system_edit_unauthorized",
        "message": "Cannot delete a meeting which was created by calendar sync.",
    });
    let refused = api.delete(&path).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.body, expected);
    assert_eq!(api.get(&path, &[]).await.status, 200, "still there");
    // Its linked records may still be changed.
    let patched = api.patch(&path, &links(&[("people", RECORD_1)])).await;
    assert_eq!(patched.status, 200, "{:?}", patched.body);

    // A meeting can be marked (and unmarked) after the fact.
    let created = api
        .create(&timed(
            "Created",
            "2030-01-02T10:00:00Z",
            "2030-01-02T11:00:00Z",
        ))
        .await;
    let uuid = created.parse().unwrap();
    server.store().set_calendar_synced(uuid, true).unwrap();
    let refused = api.delete(&format!("/v2/meetings/{created}")).await;
    assert_eq!(refused.body, expected);
    server.store().set_calendar_synced(uuid, false).unwrap();
    let deleted = api.delete(&format!("/v2/meetings/{created}")).await;
    assert_eq!(deleted.status, 200);
    assert!(
        server
            .store()
            .set_calendar_synced(UNKNOWN_ID.parse().unwrap(), true)
            .is_err()
    );

    // The seed key must be a boolean; `false` is an ordinary meeting.
    let mut bad = body.clone();
    bad["calendar_synced"] = json!("yes");
    assert!(server.store().seed_meeting(&bad, None).is_err());
    let mut plain = body.clone();
    plain["calendar_synced"] = json!(false);
    let plain = seed(&server, &plain);
    assert_eq!(
        api.delete(&format!("/v2/meetings/{plain}")).await.status,
        200
    );
}
