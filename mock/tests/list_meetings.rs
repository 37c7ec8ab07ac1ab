//! The fake's list meetings over real HTTP: filters (participants, linked record, time bounds, the
//! timezone of all-day meetings), sorting, limits, cursors and pagination, and bad query values.

mod common;

use attio_meetings_mock::Endpoint;
use serde_json::{Value, json};

use common::{
    Api, RECORD_1, RECORD_2, UNKNOWN_ID, all_day, assert_unique, assert_validation, at, seed,
    seed_at, sorted, timed, unlimited, with_participants,
};

// ---- list meetings ------------------------------------------------------------------------------------

#[tokio::test]
async fn list_filters_by_participants_any_of() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let body = |r: &str, h: i64| timed(r, &at(h * 60), &at(h * 60 + 30));
    let m1 = seed(
        &server,
        &with_participants(body("p1", 1), &["alice@example.com", "bob@example.com"]),
    );
    let m2 = seed(
        &server,
        &with_participants(body("p2", 2), &["carol@example.com"]),
    );
    let m3 = seed(
        &server,
        &with_participants(body("p3", 3), &["dave@example.com", "alice@example.com"]),
    );
    let m4 = seed(&server, &body("p4", 4));

    let q = |p: &'static str| [("participants", p)];
    assert_eq!(
        api.list(&q("alice@example.com")).await.0,
        [m1.clone(), m3.clone()]
    );
    assert_eq!(
        api.list(&q("bob@example.com,carol@example.com")).await.0,
        [m1.clone(), m2.clone()]
    );
    // A meeting matching several of the addresses comes once.
    assert_eq!(
        api.list(&q("alice@example.com,bob@example.com,dave@example.com"))
            .await
            .0,
        [m1.clone(), m3.clone()]
    );
    assert!(api.list(&q("zed@example.com")).await.0.is_empty());
    assert_eq!(api.list(&[]).await.0, [m1, m2, m3, m4]);
}

#[tokio::test]
async fn list_filters_by_linked_record() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let linked = |r: &str, h: i64, links: Value| {
        let mut b = timed(r, &at(h * 60), &at(h * 60 + 30));
        b["data"]["linked_records"] = links;
        b
    };
    let m1 = seed(
        &server,
        &linked(
            "l1",
            1,
            json!([{"object": "people", "record_id": RECORD_1}]),
        ),
    );
    let m2 = seed(
        &server,
        &linked(
            "l2",
            2,
            json!([{"object": "companies", "record_id": RECORD_1}]),
        ),
    );
    let m3 = seed(
        &server,
        &linked(
            "l3",
            3,
            json!([{"object": "people", "record_id": RECORD_2}, {"object": "companies", "record_id": RECORD_2}]),
        ),
    );
    seed(&server, &linked("l4", 4, json!([])));

    let q = |object: &'static str, record: &'static str| {
        [("linked_object", object), ("linked_record_id", record)]
    };
    assert_eq!(api.list(&q("people", RECORD_1)).await.0, vec![m1.clone()]);
    assert_eq!(api.list(&q("companies", RECORD_1)).await.0, [m2]);
    assert_eq!(api.list(&q("people", RECORD_2)).await.0, vec![m3.clone()]);
    assert_eq!(api.list(&q("companies", RECORD_2)).await.0, [m3]);
    assert!(api.list(&q("deals", RECORD_1)).await.0.is_empty());
    assert!(api.list(&q("people", UNKNOWN_ID)).await.0.is_empty());
    // The object may also be named by its id.
    let people = server
        .store()
        .objects()
        .into_iter()
        .find(|(slug, _)| slug == "people")
        .unwrap()
        .1
        .to_string();
    assert_eq!(
        api.list(&[("linked_object", &people), ("linked_record_id", RECORD_1)])
            .await
            .0,
        [m1]
    );
}

#[tokio::test]
async fn participants_and_linked_record_together_list_meetings_matching_either() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let meeting = |r: &str, h: i64, emails: &[&str], links: Value| {
        let mut b = with_participants(timed(r, &at(h * 60), &at(h * 60 + 30)), emails);
        b["data"]["linked_records"] = links;
        seed(&server, &b)
    };
    let person = json!([{"object": "people", "record_id": RECORD_1}]);
    let by_email = meeting("email", 1, &["alice@example.com"], json!([]));
    let by_link = meeting("link", 2, &["zed@example.com"], person.clone());
    let by_both = meeting("both", 3, &["alice@example.com"], person);
    let _neither = meeting(
        "neither",
        4,
        &["zed@example.com"],
        json!([{"object": "companies", "record_id": RECORD_1}]),
    );

    let both = [
        ("participants", "alice@example.com,bob@example.com"),
        ("linked_object", "people"),
        ("linked_record_id", RECORD_1),
    ];
    assert_eq!(
        api.list(&both).await.0,
        [by_email.clone(), by_link.clone(), by_both.clone()],
        "OR, each meeting once"
    );
    // Each filter alone still narrows on its own.
    assert_eq!(
        api.list(&both[..1]).await.0,
        [by_email.clone(), by_both.clone()]
    );
    assert_eq!(
        api.list(&both[1..]).await.0,
        [by_link.clone(), by_both.clone()]
    );
    // The union still pages, sorts and meets the time bounds (which are not part of the OR).
    let paged = api.list_all(&[&both[..], &[("limit", "1")]].concat()).await;
    assert_eq!(paged, [by_email.clone(), by_link.clone(), by_both.clone()]);
    let desc = api
        .list(&[&both[..], &[("sort", "start_desc")]].concat())
        .await;
    assert_eq!(desc.0, [by_both.clone(), by_link.clone(), by_email.clone()]);
    let before = at(2 * 60 + 30);
    let bounded = api
        .list(&[&both[..], &[("starts_before", before.as_str())]].concat())
        .await;
    assert_eq!(bounded.0, [by_email, by_link]);
    // Neither filter matches: nothing.
    let none = api
        .list(&[
            ("participants", "nobody@example.com"),
            ("linked_object", "deals"),
            ("linked_record_id", RECORD_1),
        ])
        .await;
    assert!(none.0.is_empty());
}

#[tokio::test]
async fn list_time_bounds_are_inclusive_and_exclusive_at_the_boundary() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let m = seed(
        &server,
        &timed("b1", "2030-02-01T10:00:00Z", "2030-02-01T11:00:00Z"),
    );
    let n = seed(
        &server,
        &timed("b2", "2030-02-01T12:00:00Z", "2030-02-01T13:00:00Z"),
    );

    // ends_from is inclusive.
    let ends_from = |v: &'static str| [("ends_from", v)];
    assert_eq!(
        api.list(&ends_from("2030-02-01T11:00:00Z")).await.0,
        [m.clone(), n.clone()]
    );
    assert_eq!(
        api.list(&ends_from("2030-02-01T11:00:00.001Z")).await.0,
        vec![n.clone()]
    );
    assert_eq!(
        api.list(&ends_from("2030-02-01T10:59:59.999Z")).await.0,
        [m.clone(), n.clone()]
    );
    // The same instant with other offsets (a `+` must survive the query string).
    assert_eq!(
        api.list(&ends_from("2030-02-01T06:00:00-05:00")).await.0,
        [m.clone(), n.clone()]
    );
    assert_eq!(
        api.list(&ends_from("2030-02-01T12:00:00+01:00")).await.0,
        [m.clone(), n.clone()]
    );
    assert_eq!(
        api.list(&ends_from("2030-02-01T12:00:01+01:00")).await.0,
        vec![n.clone()]
    );

    // starts_before is exclusive.
    let starts_before = |v: &'static str| [("starts_before", v)];
    assert!(
        api.list(&starts_before("2030-02-01T10:00:00Z"))
            .await
            .0
            .is_empty()
    );
    assert_eq!(
        api.list(&starts_before("2030-02-01T10:00:00.001Z")).await.0,
        vec![m.clone()]
    );
    assert_eq!(
        api.list(&starts_before("2030-02-01T12:00:00Z")).await.0,
        vec![m.clone()]
    );
    assert_eq!(
        api.list(&starts_before("2030-02-01T13:00:00+01:00"))
            .await
            .0,
        vec![m.clone()]
    );
    assert_eq!(
        api.list(&starts_before("2030-02-01T12:00:00.001Z")).await.0,
        [m.clone(), n.clone()]
    );

    // Both together: a window that touches m's end and n's start exactly.
    assert_eq!(
        api.list(&[
            ("ends_from", "2030-02-01T11:00:00Z"),
            ("starts_before", "2030-02-01T12:00:00Z")
        ])
        .await
        .0,
        [m]
    );
}

#[tokio::test]
async fn list_timezone_places_all_day_meetings_only() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let day = seed(&server, &all_day("d1", "2027-11-27", "2027-11-28"));
    let timed_m = seed(
        &server,
        &timed("t1", "2027-11-27T02:00:00Z", "2027-11-27T02:30:00Z"),
    );

    // The all-day meeting starts at midnight of the 27th in `timezone`: 00:00Z in UTC, 05:00Z in New
    // York (EST), 15:00Z on the 26th in Tokyo. Timed meetings ignore the timezone.
    let sb = "2027-11-27T03:00:00Z";
    let mut utc = api.list(&[("starts_before", sb)]).await.0;
    utc.sort();
    assert_eq!(utc, sorted(vec![day.clone(), timed_m.clone()]));
    let utc_explicit = api
        .list(&[("starts_before", sb), ("timezone", "UTC")])
        .await
        .0;
    assert_eq!(
        sorted(utc_explicit),
        sorted(vec![day.clone(), timed_m.clone()])
    );
    assert_eq!(
        api.list(&[("starts_before", sb), ("timezone", "America/New_York")])
            .await
            .0,
        vec![timed_m.clone()]
    );
    // Exact boundary in New York: 05:00Z is the start, so strictly before it excludes, just after includes.
    assert_eq!(
        api.list(&[
            ("starts_before", "2027-11-27T05:00:00Z"),
            ("timezone", "America/New_York")
        ])
        .await
        .0,
        vec![timed_m.clone()]
    );
    assert_eq!(
        sorted(
            api.list(&[
                ("starts_before", "2027-11-27T05:00:00.001Z"),
                ("timezone", "America/New_York")
            ])
            .await
            .0
        ),
        sorted(vec![day.clone(), timed_m.clone()])
    );
    // Tokyo: the day starts on the 26th at 15:00Z.
    let tokyo = "Asia/Tokyo";
    assert!(
        api.list(&[
            ("starts_before", "2027-11-26T15:00:00Z"),
            ("timezone", tokyo)
        ])
        .await
        .0
        .is_empty()
    );
    assert_eq!(
        api.list(&[
            ("starts_before", "2027-11-26T15:00:00.001Z"),
            ("timezone", tokyo)
        ])
        .await
        .0,
        vec![day.clone()]
    );
    assert!(
        api.list(&[
            ("starts_before", "2027-11-26T15:00:00.001Z"),
            ("timezone", "UTC")
        ])
        .await
        .0
        .is_empty()
    );

    // The (exclusive) end date is midnight of the 28th: 00:00Z in UTC, 05:00Z in New York.
    let ef = "2027-11-28T03:00:00Z";
    assert!(api.list(&[("ends_from", ef)]).await.0.is_empty());
    assert_eq!(
        api.list(&[("ends_from", ef), ("timezone", "America/New_York")])
            .await
            .0,
        vec![day.clone()]
    );
    assert_eq!(
        api.list(&[
            ("ends_from", "2027-11-28T05:00:00Z"),
            ("timezone", "America/New_York")
        ])
        .await
        .0,
        vec![day.clone()]
    );
    assert!(
        api.list(&[
            ("ends_from", "2027-11-28T05:00:00.001Z"),
            ("timezone", "America/New_York")
        ])
        .await
        .0
        .is_empty()
    );
    assert_eq!(
        api.list(&[("ends_from", "2027-11-28T00:00:00Z")]).await.0,
        [day]
    );
}

#[tokio::test]

async fn list_timezone_places_all_day_meetings_where_midnight_is_skipped() {
    // America/Santiago moves from -04:00 to -03:00 at 24:00 on 4 September 2027: 5 September begins at
    // 01:00 local, 04:00Z. An all-day meeting on that date starts then, not at 00:00Z.
    let server = unlimited().await;
    let api = Api::new(&server);
    let day = seed(&server, &all_day("cl", "2027-09-05", "2027-09-06"));
    let tz = ("timezone", "America/Santiago");
    assert!(
        api.list(&[("starts_before", "2027-09-05T02:00:00Z"), tz])
            .await
            .0
            .is_empty(),
        "the day has not started at 02:00Z in Santiago"
    );
    assert!(
        api.list(&[("starts_before", "2027-09-05T04:00:00Z"), tz])
            .await
            .0
            .is_empty()
    );
    assert_eq!(
        api.list(&[("starts_before", "2027-09-05T04:00:00.001Z"), tz])
            .await
            .0,
        [day]
    );
}

#[tokio::test]
async fn list_sorts_by_start_both_ways() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let hours = [3, 1, 4, 0, 2];
    let ids: Vec<String> = hours
        .iter()
        .map(|h| seed_at(&server, &format!("s{h}"), h * 60))
        .collect();
    let by_hour = |order: &[usize]| order.iter().map(|&i| ids[i].clone()).collect::<Vec<_>>();
    let ascending = by_hour(&[3, 1, 4, 0, 2]);
    let descending: Vec<String> = ascending.iter().rev().cloned().collect();
    assert_eq!(api.list(&[]).await.0, ascending);
    assert_eq!(api.list(&[("sort", "start_asc")]).await.0, ascending);
    assert_eq!(api.list(&[("sort", "start_desc")]).await.0, descending);
}

#[tokio::test]
async fn list_limit_is_1_to_200_and_50_by_default() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let ids: Vec<String> = (0..201)
        .map(|i| seed_at(&server, &format!("m{i}"), i))
        .collect();

    let (page, next) = api.list(&[]).await;
    assert_eq!(page, ids[..50]);
    assert!(next.is_some());
    let (page, next) = api.list(&[("limit", "1")]).await;
    assert_eq!(page, ids[..1]);
    assert!(next.is_some());
    let (page, next) = api.list(&[("limit", "200")]).await;
    assert_eq!(page, ids[..200]);
    let next = next.expect("a 201st meeting remains");
    let (page, last) = api.list(&[("limit", "200"), ("cursor", &next)]).await;
    assert_eq!(page, ids[200..]);
    assert_eq!(last, None);
}

#[tokio::test]
async fn list_pagination_yields_every_meeting_once_in_order() {
    let server = unlimited().await;
    let api = Api::new(&server);
    // Three meetings per start time, so pages of 5 cut through groups of equal starts.
    let ids: Vec<String> = (0..23)
        .map(|i| seed_at(&server, &format!("g{i}"), (i / 3) * 60))
        .collect();
    let asc = api.list_all(&[("limit", "5")]).await;
    assert_eq!(asc.len(), 23);
    assert_unique(&asc);
    assert_eq!(asc, ids, "ascending by start, then creation");
    let desc = api
        .list_all(&[("limit", "5"), ("sort", "start_desc")])
        .await;
    assert_eq!(desc.len(), 23);
    assert_unique(&desc);
    assert_eq!(sorted(desc.clone()), sorted(ids.clone()));
    // Descending by start: each group of equal starts comes before the earlier groups.
    let group = |id: &String| ids.iter().position(|x| x == id).unwrap() / 3;
    let groups: Vec<usize> = desc.iter().map(group).collect();
    assert!(groups.windows(2).all(|w| w[0] >= w[1]), "{groups:?}");
    // Pages of 5: 5 requests for 23 items, every page but the last full.
    let before = server.requests(Endpoint::ListMeetings);
    api.list_all(&[("limit", "5")]).await;
    assert_eq!(server.requests(Endpoint::ListMeetings) - before, 5);
    // A page that ends exactly at the last item has no cursor (to an empty page).
    let (page, next) = api.list(&[("limit", "23")]).await;
    assert_eq!(page.len(), 23);
    assert_eq!(next, None, "no cursor after the last item");
}

#[tokio::test]
async fn list_cursor_survives_inserts_between_pages() {
    for (sort, before_h, after_h) in [("start_asc", 2, 8), ("start_desc", 9, 2)] {
        let server = unlimited().await;
        let api = Api::new(&server);
        let mut old: Vec<String> = (1..=10)
            .map(|h| seed_at(&server, &format!("h{h}"), h * 60))
            .collect();
        if sort == "start_desc" {
            old.reverse();
        }
        let (first, cursor) = api.list(&[("limit", "4"), ("sort", sort)]).await;
        assert_eq!(first, old[..4], "{sort}");
        let cursor = cursor.expect("more pages");

        // Another client inserts one meeting on the already-read side of the cursor, one on the other.
        let ahead_of_cursor = api
            .create(&timed(
                "new-before",
                &at(before_h * 60 + 30),
                &at(before_h * 60 + 45),
            ))
            .await;
        let behind_cursor = api
            .create(&timed(
                "new-after",
                &at(after_h * 60 + 30),
                &at(after_h * 60 + 45),
            ))
            .await;

        let mut rest = Vec::new();
        let mut cursor = Some(cursor);
        for _ in 0..10 {
            let Some(c) = cursor.take() else { break };
            let (ids, next) = api
                .list(&[("limit", "4"), ("sort", sort), ("cursor", &c)])
                .await;
            rest.extend(ids);
            cursor = next;
        }
        assert!(cursor.is_none(), "{sort}: pagination did not end");
        let mut all = first.clone();
        all.extend(rest.iter().cloned());
        assert_unique(&all);
        for id in &old {
            assert_eq!(
                all.iter().filter(|x| *x == id).count(),
                1,
                "{sort}: {id} skipped"
            );
        }
        assert!(
            !rest.contains(&ahead_of_cursor),
            "{sort}: an item before the cursor came after it"
        );
        assert!(
            rest.contains(&behind_cursor),
            "{sort}: an item after the cursor is missing"
        );
        // The rest keeps the order: the old items after the first page, with the new one in its place.
        let expected_old: Vec<&String> = old[4..].iter().collect();
        let got_old: Vec<&String> = rest.iter().filter(|id| **id != behind_cursor).collect();
        assert_eq!(got_old, expected_old, "{sort}");
    }
}

#[tokio::test]
async fn list_rejects_bad_query_values_with_400() {
    let server = unlimited().await;
    let api = Api::new(&server);
    seed_at(&server, "x", 0);
    seed_at(&server, "y", 60);
    let (_, asc_cursor) = api.list(&[("limit", "1")]).await;
    let asc_cursor = asc_cursor.unwrap();
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![("limit", "0")],
        vec![("limit", "201")],
        vec![("limit", "abc")],
        vec![("limit", "-1")],
        vec![("linked_object", "people")],
        vec![("linked_record_id", RECORD_1)],
        vec![
            ("linked_object", "people"),
            ("linked_record_id", "not-a-uuid"),
        ],
        vec![("cursor", "garbage!")],
        vec![("cursor", "abcd")],
        vec![("sort", "start")],
        vec![("sort", "end_desc")],
        vec![("ends_from", "yesterday")],
        vec![("starts_before", "2030-13-01T00:00:00Z")],
        // A cursor of another sort order.
        vec![("sort", "start_desc"), ("cursor", &asc_cursor)],
    ];
    for query in cases {
        let reply = api.get("/v2/meetings", &query).await;
        assert_eq!(reply.status, 400, "{query:?}: {:?}", reply.body);
        assert_validation(&reply, "status_code");
    }
}

#[tokio::test]
async fn list_empty_cursor_is_the_first_page() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let a = seed_at(&server, "a", 0);
    seed_at(&server, "b", 60);
    let (page, next) = api.list(&[("limit", "1"), ("cursor", "")]).await;
    assert_eq!(page, [a]);
    assert!(next.is_some());
}
