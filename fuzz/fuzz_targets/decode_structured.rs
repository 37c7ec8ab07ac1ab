//! Structure-aware variant of `decode_responses`: the input bytes choose a response body of the right
//! shape (a meeting page, a meeting, a call recording page or one recording, a transcript page, an error
//! envelope) whose leaves are the hard parts: datetimes in every spelling chrono might accept (offsets,
//! `t`/space separators, 1-12 fraction digits, leap seconds, years past 9999 or before 0), floats with
//! long mantissas and extreme exponents, UUIDs in every form, escaped and non-BMP strings, known and
//! unknown enum values, nulls, absent optional keys and unknown keys. Random bytes rarely keep a body
//! this valid, so this target is the one that exercises the round trip.

#![no_main]

use std::fmt::Write;

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(body) = body(&mut u) else {
        return;
    };
    attio_meetings_fuzz::check_all(body.as_bytes());
});

fn body(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=5)? {
        0 => format!(
            r#"{{"data":{},"pagination":{}}}"#,
            list(u, meeting)?,
            pagination(u)?
        ),
        1 => format!(r#"{{"data":{}}}"#, meeting(u)?),
        2 => format!(
            r#"{{"data":{},"pagination":{}}}"#,
            list(u, call_recording)?,
            pagination(u)?
        ),
        3 => format!(r#"{{"data":{}}}"#, call_recording(u)?),
        4 => format!(
            r#"{{"data":{},"pagination":{}}}"#,
            transcript(u)?,
            pagination(u)?
        ),
        _ => error(u)?,
    })
}

/// An object from `(key, value)` pairs; `None` leaves the key out. Sometimes adds an unknown key.
fn object(u: &mut Unstructured, fields: Vec<(&str, Option<String>)>) -> Result<String> {
    let mut out = String::from("{");
    let mut first = true;
    let mut push = |out: &mut String, key: &str, value: &str| {
        if !first {
            out.push(',');
        }
        first = false;
        let _ = write!(out, "{}:{value}", json_string(key));
    };
    for (key, value) in fields {
        if let Some(value) = value {
            push(&mut out, key, &value);
        }
    }
    if u.ratio(1, 8)? {
        let value = any_value(u)?;
        push(&mut out, "x_unknown", &value);
    }
    out.push('}');
    Ok(out)
}

fn list(u: &mut Unstructured, item: fn(&mut Unstructured) -> Result<String>) -> Result<String> {
    let n = u.int_in_range(0..=3)?;
    let items = (0..n).map(|_| item(u)).collect::<Result<Vec<_>>>()?;
    Ok(format!("[{}]", items.join(",")))
}

fn pagination(u: &mut Unstructured) -> Result<String> {
    let cursor = nullable(u, text)?;
    object(u, vec![("next_cursor", Some(cursor))])
}

fn meeting(u: &mut Unstructured) -> Result<String> {
    let fields = vec![
        ("id", Some(id(u, &["workspace_id", "meeting_id"])?)),
        ("title", Some(text(u)?)),
        ("description", Some(text(u)?)),
        ("is_all_day", Some(boolean(u)?)),
        ("start", Some(meeting_time(u)?)),
        ("end", Some(meeting_time(u)?)),
        ("participants", Some(list(u, participant)?)),
        ("linked_records", Some(list(u, linked_record)?)),
        ("created_at", Some(datetime(u)?)),
        ("created_by_actor", Some(actor(u)?)),
    ];
    object(u, fields)
}

fn meeting_time(u: &mut Unstructured) -> Result<String> {
    match u.int_in_range(0..=3)? {
        0 => {
            let datetime = datetime(u)?;
            let timezone = optional(u, |u| nullable(u, timezone))?;
            object(
                u,
                vec![("datetime", Some(datetime)), ("timezone", timezone)],
            )
        }
        1 => {
            let date = date(u)?;
            object(u, vec![("date", Some(date))])
        }
        // Both, or neither: the untagged enum decides.
        2 => {
            let (datetime, date) = (datetime(u)?, date(u)?);
            object(u, vec![("datetime", Some(datetime)), ("date", Some(date))])
        }
        _ => object(u, vec![]),
    }
}

fn timezone(u: &mut Unstructured) -> Result<String> {
    if u.ratio(1, 2)? {
        let zone = u.choose(&[
            "America/New_York",
            "Europe/London",
            "UTC",
            "Asia/Kolkata",
            "",
        ])?;
        Ok(json_string(zone))
    } else {
        text(u)
    }
}

fn participant(u: &mut Unstructured) -> Result<String> {
    let email = nullable(u, text)?;
    let fields = vec![
        ("email_address", Some(email)),
        ("is_organizer", Some(boolean(u)?)),
        (
            "status",
            Some(open_enum(
                u,
                &["accepted", "tentative", "declined", "pending"],
            )?),
        ),
    ];
    object(u, fields)
}

fn linked_record(u: &mut Unstructured) -> Result<String> {
    let fields = vec![
        ("object_id", Some(uuid(u)?)),
        ("object_slug", Some(text(u)?)),
        ("record_id", Some(uuid(u)?)),
    ];
    object(u, fields)
}

fn actor(u: &mut Unstructured) -> Result<String> {
    let id = optional(u, |u| nullable(u, text))?;
    let kind = optional(u, |u| {
        nullable(u, |u| {
            open_enum(u, &["api-token", "workspace-member", "system", "app"])
        })
    })?;
    object(u, vec![("id", id), ("type", kind)])
}

fn call_recording(u: &mut Unstructured) -> Result<String> {
    let fields = vec![
        (
            "id",
            Some(id(u, &["workspace_id", "meeting_id", "call_recording_id"])?),
        ),
        (
            "status",
            Some(open_enum(u, &["processing", "completed", "failed"])?),
        ),
        ("web_url", Some(text(u)?)),
        ("created_by_actor", Some(actor(u)?)),
        ("created_at", Some(datetime(u)?)),
    ];
    object(u, fields)
}

fn transcript(u: &mut Unstructured) -> Result<String> {
    let fields = vec![
        (
            "id",
            Some(id(u, &["workspace_id", "meeting_id", "call_recording_id"])?),
        ),
        ("transcript", Some(list(u, segment)?)),
        ("raw_transcript", Some(text(u)?)),
        ("web_url", Some(text(u)?)),
    ];
    object(u, fields)
}

fn segment(u: &mut Unstructured) -> Result<String> {
    let speaker = text(u)?;
    let fields = vec![
        ("speech", Some(text(u)?)),
        ("start_time", Some(float(u)?)),
        ("end_time", Some(float(u)?)),
        ("speaker", Some(object(u, vec![("name", Some(speaker))])?)),
    ];
    object(u, fields)
}

fn error(u: &mut Unstructured) -> Result<String> {
    let status_key = *u.choose(&["status_code", "statusCode"])?;
    let status = match u.int_in_range(0..=2)? {
        0 => u
            .choose(&["400", "404", "429", "500", "0", "65535"])?
            .to_string(),
        1 => u.arbitrary::<u16>()?.to_string(),
        _ => float(u)?,
    };
    let fields = vec![
        (status_key, Some(status)),
        ("type", Some(text(u)?)),
        ("code", Some(text(u)?)),
        ("message", Some(text(u)?)),
    ];
    object(u, fields)
}

fn id(u: &mut Unstructured, keys: &[&'static str]) -> Result<String> {
    let fields = keys
        .iter()
        .map(|key| Ok((*key, Some(uuid(u)?))))
        .collect::<Result<Vec<_>>>()?;
    object(u, fields)
}

/// A UUID in one of the spellings the `uuid` crate reads, sometimes upper case.
fn uuid(u: &mut Unstructured) -> Result<String> {
    let value = uuid::Uuid::from_u128(u.arbitrary()?);
    let text = match u.int_in_range(0..=3)? {
        0 => value.hyphenated().to_string(),
        1 => value.simple().to_string(),
        2 => value.braced().to_string(),
        _ => value.urn().to_string(),
    };
    let text = if u.ratio(1, 4)? {
        text.to_uppercase()
    } else {
        text
    };
    Ok(json_string(&text))
}

fn open_enum(u: &mut Unstructured, known: &[&str]) -> Result<String> {
    if u.ratio(3, 4)? {
        Ok(json_string(u.choose(known)?))
    } else {
        text(u)
    }
}

fn boolean(u: &mut Unstructured) -> Result<String> {
    Ok(u.arbitrary::<bool>()?.to_string())
}

/// Text, sometimes written with escapes serde_json must undo (`\u00e9`, a surrogate pair, `\/`).
fn text(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=3)? {
        0 => json_string(u.arbitrary::<&str>()?),
        1 => (*u.choose(&[
            r#""\u00e9\ud83d\ude00\/\b\f\n\r\t\"\\""#,
            r#""\u0000""#,
            r#""""#,
            r#""accepted""#,
            r#""\u0061ccepted""#,
        ])?)
        .to_string(),
        _ => json_string(u.choose(&["Onboarding", "ada@example.com", "people", "x"])?),
    })
}

/// A float as text: any sign, up to 25 mantissa digits, any exponent; sometimes an integer.
fn float(u: &mut Unstructured) -> Result<String> {
    let mut out = String::new();
    if u.ratio(1, 4)? {
        out.push('-');
    }
    digits(u, &mut out, 1, 25)?;
    if u.ratio(3, 4)? {
        out.push('.');
        digits(u, &mut out, 1, 25)?;
    }
    if u.ratio(1, 2)? {
        out.push(*u.choose(&['e', 'E'])?);
        if let Some(sign) = u.choose(&[None, Some('+'), Some('-')])? {
            out.push(*sign);
        }
        let _ = write!(out, "{}", u.int_in_range(0..=330)?);
    }
    Ok(out)
}

fn digits(u: &mut Unstructured, out: &mut String, min: usize, max: usize) -> Result<()> {
    let n = u.int_in_range(min..=max)?;
    for i in 0..n {
        // No leading zero before more digits: JSON forbids it.
        let low = if i == 0 && n > 1 { 1 } else { 0 };
        out.push(char::from(b'0' + u.int_in_range(low..=9)?));
    }
    Ok(())
}

fn year(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=3)? {
        0 => format!("{:04}", u.int_in_range(1900..=2100)?),
        1 => format!("{:04}", u.int_in_range(0..=9999)?),
        2 => format!("+{:05}", u.int_in_range(10000..=262143)?),
        _ => format!("-{:04}", u.int_in_range(1..=262143)?),
    })
}

fn date_text(u: &mut Unstructured) -> Result<String> {
    let year = year(u)?;
    let month = u.int_in_range(0..=13)?;
    let day = u.int_in_range(0..=32)?;
    Ok(format!("{year}-{month:02}-{day:02}"))
}

fn date(u: &mut Unstructured) -> Result<String> {
    if u.ratio(1, 16)? {
        return text(u);
    }
    Ok(json_string(&date_text(u)?))
}

fn datetime(u: &mut Unstructured) -> Result<String> {
    if u.ratio(1, 16)? {
        return text(u);
    }
    let mut out = date_text(u)?;
    out.push(*u.choose(&['T', 't', ' '])?);
    let (hour, minute, second) = (
        u.int_in_range(0..=24)?,
        u.int_in_range(0..=60)?,
        u.int_in_range(0..=61)?,
    );
    let _ = write!(out, "{hour:02}:{minute:02}:{second:02}");
    if u.ratio(1, 2)? {
        out.push('.');
        digits(u, &mut out, 1, 12)?;
    }
    match u.int_in_range(0..=4)? {
        0 => out.push(*u.choose(&['Z', 'z'])?),
        1 | 2 => {
            let sign = *u.choose(&['+', '-'])?;
            let (h, m) = (u.int_in_range(0..=24)?, u.int_in_range(0..=60)?);
            let _ = write!(out, "{sign}{h:02}:{m:02}");
        }
        3 => {
            let sign = *u.choose(&['+', '-'])?;
            let _ = write!(out, "{sign}{:04}", u.int_in_range(0..=2400)?);
        }
        _ => {}
    }
    Ok(json_string(&out))
}

fn any_value(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=4)? {
        0 => "null".to_string(),
        1 => float(u)?,
        2 => text(u)?,
        3 => "[{}]".to_string(),
        _ => "{\"a\":[null,true]}".to_string(),
    })
}

fn nullable(
    u: &mut Unstructured,
    value: fn(&mut Unstructured) -> Result<String>,
) -> Result<String> {
    if u.ratio(1, 4)? {
        Ok("null".to_string())
    } else {
        value(u)
    }
}

fn optional(
    u: &mut Unstructured,
    value: impl FnOnce(&mut Unstructured) -> Result<String>,
) -> Result<Option<String>> {
    if u.ratio(1, 4)? {
        Ok(None)
    } else {
        value(u).map(Some)
    }
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}
