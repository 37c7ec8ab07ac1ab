//! The fake's find-or-create and get meeting over real HTTP: what a find-or-create renders, which external
//! refs find the same meeting (plain ids, iCal events and recurring exceptions, parallel requests), its
//! validation errors, and get meeting's 404 and malformed ids.

mod common;

use attio_meetings_mock::Operation;
use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

use common::{
    Api, RECORD_1, UNKNOWN_ID, all_day, assert_envelope, assert_validation, client, ical,
    meeting_id, seed_at, timed, unlimited, with_participants,
};

// ---- find-or-create -----------------------------------------------------------------------------------

#[tokio::test]
async fn find_or_create_renders_the_meeting_and_get_returns_it() {
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
        "external_ref": "crm-1",
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
            &timed("crm-utc", "2027-11-27T14:00:00Z", "2027-11-27T15:00:00Z"),
        )
        .await;
    assert_eq!(
        utc.body["data"]["start"],
        json!({"datetime": "2027-11-27T14:00:00.000Z", "timezone": null})
    );
    // An offset sent by the client takes precedence over `timezone`.
    let mut b = timed("crm-offset", "2027-11-27T14:00:00Z", "2027-11-27T15:00:00Z");
    b["data"]["start"]["timezone"] = json!("America/New_York");
    b["data"]["end"]["timezone"] = json!("America/New_York");
    let offset = api.post("/v2/meetings", &b).await;
    assert_eq!(
        offset.body["data"]["start"]["datetime"],
        "2027-11-27T09:00:00.000-05:00"
    );
    // An unknown timezone is read as UTC.
    let mut b = timed("crm-mars", "2027-11-27T14:00:00", "2027-11-27T15:00:00");
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
        .post(
            "/v2/meetings",
            &all_day("crm-day", "2027-11-27", "2027-11-28"),
        )
        .await;
    assert_eq!(day.body["data"]["is_all_day"], true);
    assert_eq!(day.body["data"]["start"], json!({"date": "2027-11-27"}));
    assert_eq!(day.body["data"]["end"], json!({"date": "2027-11-28"}));
}

#[tokio::test]
async fn same_plain_external_ref_finds_the_same_meeting() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let body = timed("crm-42", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");
    let first = api.find_or_create(&body).await;
    let second = api.find_or_create(&body).await;
    assert_eq!(first, second);
    assert_eq!(server.store().meetings().len(), 1);

    let other = api
        .find_or_create(&timed(
            "crm-43",
            "2030-01-01T10:00:00Z",
            "2030-01-01T11:00:00Z",
        ))
        .await;
    assert_ne!(other, first);
    assert_eq!(server.store().meetings().len(), 2);
}

#[tokio::test]
async fn ical_external_refs_identify_events_and_recurring_exceptions() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let (s, e) = ("2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");
    let series = api
        .find_or_create(&timed(ical("uid-1@google.com", "google", None), s, e))
        .await;
    // Same uid and provider: the same meeting.
    let again = api
        .find_or_create(&timed(ical("uid-1@google.com", "google", None), s, e))
        .await;
    assert_eq!(series, again);
    // Same uid, other provider: another event.
    let microsoft = api
        .find_or_create(&timed(ical("uid-1@google.com", "microsoft", None), s, e))
        .await;
    assert_ne!(microsoft, series);

    // Exceptions of a recurring event are told apart by their original start.
    let exception_a = api
        .find_or_create(&timed(
            ical("uid-1@google.com", "google", Some("2030-01-08T10:00:00Z")),
            s,
            e,
        ))
        .await;
    let exception_b = api
        .find_or_create(&timed(
            ical("uid-1@google.com", "google", Some("2030-01-15T10:00:00Z")),
            s,
            e,
        ))
        .await;
    assert_ne!(exception_a, series);
    assert_ne!(exception_b, series);
    assert_ne!(exception_a, exception_b);
    // The same instant written with another offset is the same exception.
    let exception_a_again = api
        .find_or_create(&timed(
            ical(
                "uid-1@google.com",
                "google",
                Some("2030-01-08T05:00:00-05:00"),
            ),
            s,
            e,
        ))
        .await;
    assert_eq!(exception_a_again, exception_a);
    let exception_a_plus = api
        .find_or_create(&timed(
            ical(
                "uid-1@google.com",
                "google",
                Some("2030-01-08T11:30:00+01:30"),
            ),
            s,
            e,
        ))
        .await;
    assert_eq!(exception_a_plus, exception_a);
    assert_eq!(server.store().meetings().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_identical_find_or_create_yields_one_meeting() {
    const N: usize = 32;
    let server = unlimited().await;
    let http = client();
    let url = format!("{}/v2/meetings", server.base_url());
    let token = server.token().to_string();
    let body = timed(
        ical("standup@google.com", "google", None),
        "2030-01-01T09:00:00Z",
        "2030-01-01T09:15:00Z",
    );
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
    assert_eq!(ids.len(), N);
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let stored = server.store().meetings();
    assert_eq!(stored.len(), 1);
    assert_eq!(meeting_id(&stored[0]), ids[0]);
    assert_eq!(server.requests(Operation::FindOrCreateMeeting), N as u64);
}

// ---- find-or-create validation ------------------------------------------------------------------------

#[tokio::test]
async fn find_or_create_validation_is_400_with_status_code_in_camel_case() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let valid = timed("v-1", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");
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

    let mut b = valid.clone();
    b["data"]["linked_records"] = json!([{"object": "people", "record_id": "not-a-uuid"}]);
    cases.push(("non-uuid record id", b));

    let mut b = valid.clone();
    b["data"]["linked_records"] = json!([{"object": "spaceships", "record_id": RECORD_1}]);
    cases.push(("unknown object", b));

    let mut b = valid.clone();
    b["data"]["external_ref"] = json!("");
    cases.push(("empty external_ref", b));

    let mut b = valid.clone();
    b["data"]["external_ref"] = ical("u@x", "yahoo", None);
    cases.push(("unknown iCal provider", b));

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
    api.find_or_create(&valid).await;
}

#[tokio::test]
async fn find_or_create_body_that_is_not_json_is_400() {
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
