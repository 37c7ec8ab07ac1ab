//! Which of the 11 operations a request is, from its method and path.

use hyper::Method;

/// The endpoints of the meetings family (method and path), named like the client's calls. Not the
/// library's `attio_meetings::Operation`, which holds an operation's retry and rate classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    /// `GET /v2/meetings`
    ListMeetings,
    /// `POST /v2/meetings` (always creates; it was find-or-create until Attio's 2026-07 change)
    CreateMeeting,
    /// `GET /v2/meetings/{meeting_id}`
    GetMeeting,
    /// `PATCH /v2/meetings/{meeting_id}` (adds linked records)
    AppendMeetingLinkedRecords,
    /// `PUT /v2/meetings/{meeting_id}` (replaces the linked records)
    ReplaceMeetingLinkedRecords,
    /// `DELETE /v2/meetings/{meeting_id}`
    DeleteMeeting,
    /// `GET /v2/meetings/{meeting_id}/call_recordings`
    ListCallRecordings,
    /// `POST /v2/meetings/{meeting_id}/call_recordings`
    CreateCallRecording,
    /// `GET /v2/meetings/{meeting_id}/call_recordings/{call_recording_id}`
    GetCallRecording,
    /// `DELETE /v2/meetings/{meeting_id}/call_recordings/{call_recording_id}`
    DeleteCallRecording,
    /// `GET /v2/meetings/{meeting_id}/call_recordings/{call_recording_id}/transcript`
    GetTranscript,
}

impl Endpoint {
    /// Every operation.
    pub const ALL: [Endpoint; 11] = [
        Self::ListMeetings,
        Self::CreateMeeting,
        Self::GetMeeting,
        Self::AppendMeetingLinkedRecords,
        Self::ReplaceMeetingLinkedRecords,
        Self::DeleteMeeting,
        Self::ListCallRecordings,
        Self::CreateCallRecording,
        Self::GetCallRecording,
        Self::DeleteCallRecording,
        Self::GetTranscript,
    ];

    /// The operationId of the spec (`list_meetings`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::ListMeetings => "list_meetings",
            Self::CreateMeeting => "create_meeting",
            Self::GetMeeting => "get_meeting",
            Self::AppendMeetingLinkedRecords => "append_meeting_linked_records",
            Self::ReplaceMeetingLinkedRecords => "replace_meeting_linked_records",
            Self::DeleteMeeting => "delete_meeting",
            Self::ListCallRecordings => "list_call_recordings",
            Self::CreateCallRecording => "create_call_recording",
            Self::GetCallRecording => "get_call_recording",
            Self::DeleteCallRecording => "delete_call_recording",
            Self::GetTranscript => "get_transcript",
        }
    }

    /// Parses an operationId.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.name() == name)
    }

    /// Whether Attio counts the operation against the write limit (else the read limit).
    pub fn is_write(self) -> bool {
        matches!(
            self,
            Self::CreateMeeting
                | Self::AppendMeetingLinkedRecords
                | Self::ReplaceMeetingLinkedRecords
                | Self::DeleteMeeting
                | Self::CreateCallRecording
                | Self::DeleteCallRecording
        )
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A matched request: the operation and the raw path parameters (not yet validated as UUIDs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The operation.
    pub operation: Endpoint,
    /// `{meeting_id}`, when the path has one.
    pub meeting_id: Option<String>,
    /// `{call_recording_id}`, when the path has one.
    pub call_recording_id: Option<String>,
}

/// Matches `method path` (path without query) to an operation.
pub fn route(method: &Method, path: &str) -> Option<Route> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let (operation, meeting_id, call_recording_id) = match (method, segments.as_slice()) {
        (&Method::GET, ["v2", "meetings"]) => (Endpoint::ListMeetings, None, None),
        (&Method::POST, ["v2", "meetings"]) => (Endpoint::CreateMeeting, None, None),
        (&Method::GET, ["v2", "meetings", m]) => (Endpoint::GetMeeting, Some(m), None),
        (&Method::PATCH, ["v2", "meetings", m]) => {
            (Endpoint::AppendMeetingLinkedRecords, Some(m), None)
        }
        (&Method::PUT, ["v2", "meetings", m]) => {
            (Endpoint::ReplaceMeetingLinkedRecords, Some(m), None)
        }
        (&Method::DELETE, ["v2", "meetings", m]) => (Endpoint::DeleteMeeting, Some(m), None),
        (&Method::GET, ["v2", "meetings", m, "call_recordings"]) => {
            (Endpoint::ListCallRecordings, Some(m), None)
        }
        (&Method::POST, ["v2", "meetings", m, "call_recordings"]) => {
            (Endpoint::CreateCallRecording, Some(m), None)
        }
        (&Method::GET, ["v2", "meetings", m, "call_recordings", c]) => {
            (Endpoint::GetCallRecording, Some(m), Some(c))
        }
        (&Method::DELETE, ["v2", "meetings", m, "call_recordings", c]) => {
            (Endpoint::DeleteCallRecording, Some(m), Some(c))
        }
        (&Method::GET, ["v2", "meetings", m, "call_recordings", c, "transcript"]) => {
            (Endpoint::GetTranscript, Some(m), Some(c))
        }
        _ => return None,
    };
    Some(Route {
        operation,
        meeting_id: meeting_id.map(|s| s.to_string()),
        call_recording_id: call_recording_id.map(|s| s.to_string()),
    })
}

/// For a path of the family whatever the method, the methods [`route`] accepts on it (the `Allow`
/// header of a 405); `None` for a path that names no resource of the family.
pub fn allowed_methods(path: &str) -> Option<String> {
    let allowed: Vec<&str> = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ]
    .iter()
    .filter(|method| route(method, path).is_some())
    .map(Method::as_str)
    .collect();
    (!allowed.is_empty()).then(|| allowed.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_routed() {
        let m = "cb59ab17-ad15-460c-a126-0715617c0853";
        let cases = [
            (
                Method::GET,
                "/v2/meetings".to_string(),
                Endpoint::ListMeetings,
            ),
            (
                Method::POST,
                "/v2/meetings".to_string(),
                Endpoint::CreateMeeting,
            ),
            (
                Method::GET,
                format!("/v2/meetings/{m}"),
                Endpoint::GetMeeting,
            ),
            (
                Method::PATCH,
                format!("/v2/meetings/{m}"),
                Endpoint::AppendMeetingLinkedRecords,
            ),
            (
                Method::PUT,
                format!("/v2/meetings/{m}"),
                Endpoint::ReplaceMeetingLinkedRecords,
            ),
            (
                Method::DELETE,
                format!("/v2/meetings/{m}"),
                Endpoint::DeleteMeeting,
            ),
            (
                Method::GET,
                format!("/v2/meetings/{m}/call_recordings"),
                Endpoint::ListCallRecordings,
            ),
            (
                Method::POST,
                format!("/v2/meetings/{m}/call_recordings"),
                Endpoint::CreateCallRecording,
            ),
            (
                Method::GET,
                format!("/v2/meetings/{m}/call_recordings/x"),
                Endpoint::GetCallRecording,
            ),
            (
                Method::DELETE,
                format!("/v2/meetings/{m}/call_recordings/x"),
                Endpoint::DeleteCallRecording,
            ),
            (
                Method::GET,
                format!("/v2/meetings/{m}/call_recordings/x/transcript"),
                Endpoint::GetTranscript,
            ),
        ];
        assert_eq!(cases.len(), Endpoint::ALL.len());
        for (method, path, op) in cases {
            let r = route(&method, &path).unwrap();
            assert_eq!(r.operation, op);
            assert_eq!(Endpoint::from_name(op.name()), Some(op));
        }
        assert!(route(&Method::PUT, "/v2/meetings").is_none());
        assert!(route(&Method::GET, "/v2/notes").is_none());
        // Attio's find-or-create is gone, and so is its name.
        assert_eq!(Endpoint::from_name("find_or_create_meeting"), None);
    }

    #[test]
    fn allowed_methods_agree_with_the_routes() {
        let m = "cb59ab17-ad15-460c-a126-0715617c0853";
        let methods = [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::HEAD,
            Method::OPTIONS,
            Method::TRACE,
        ];
        for path in [
            "/v2/meetings".to_string(),
            format!("/v2/meetings/{m}"),
            format!("/v2/meetings/{m}/call_recordings"),
            format!("/v2/meetings/{m}/call_recordings/x"),
            format!("/v2/meetings/{m}/call_recordings/x/transcript"),
        ] {
            let allow = allowed_methods(&path).unwrap();
            let routed: Vec<&str> = methods
                .iter()
                .filter(|method| route(method, &path).is_some())
                .map(Method::as_str)
                .collect();
            assert_eq!(allow, routed.join(", "), "{path}");
        }
        assert_eq!(
            allowed_methods(&format!("/v2/meetings/{m}")).as_deref(),
            Some("GET, PUT, PATCH, DELETE")
        );
        assert_eq!(allowed_methods("/v2/notes"), None);
        assert_eq!(allowed_methods("/v2/meetings/a/b"), None);
    }
}
