//! The main job: `cargo run --example quickstart`.
//!
//! With `ATTIO_API_KEY` set it reads the first page of the workspace's meetings from Attio (reads only).
//! Without it, it will drive the embedded fake Attio server, which arrives with the next piece of work.

use attio_meetings::Client;
use attio_meetings::types::{MeetingSort, MeetingTime};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Ok(token) = std::env::var("ATTIO_API_KEY") else {
        println!("attio-meetings quickstart");
        println!(
            "The embedded fake Attio server arrives in the next step; until then this example needs"
        );
        println!("ATTIO_API_KEY to read your real workspace (it only reads). Nothing was sent.");
        return Ok(());
    };
    let mut auth = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))?;
    auth.set_sensitive(true);
    let http = reqwest::Client::builder()
        .default_headers(
            [(reqwest::header::AUTHORIZATION, auth)]
                .into_iter()
                .collect(),
        )
        .build()?;
    let base_url =
        std::env::var("ATTIO_BASE_URL").unwrap_or_else(|_| "https://api.attio.com".into());
    let client = Client::new_with_client(&base_url, http);

    let page = client
        .list_meetings()
        .limit(10u8)
        .sort(MeetingSort::StartDesc)
        .send()
        .await?;
    println!("{} most recent meetings:", page.data.len());
    for meeting in &page.data {
        let start = match &meeting.start {
            MeetingTime::Timed { datetime, .. } => datetime.to_rfc3339(),
            MeetingTime::AllDay { date } => format!("{date} (all day)"),
        };
        println!("  {start}  {}  [{}]", meeting.title, meeting.id.meeting_id);
    }
    Ok(())
}
