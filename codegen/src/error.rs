//! The one error type of the pipeline: what went wrong, in which file, and where in the document.

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem with a spec, located by file and JSON pointer.
///
/// `Display` reads `spec/attio-meetings.yaml: at /paths/~1v2~1meetings/get: <message>`, which is what the
/// build script prints before failing the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The document the problem is in, once known.
    pub file: Option<PathBuf>,
    /// RFC 6901 pointer to the offending value (`""` is the whole document).
    pub pointer: String,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl SpecError {
    /// A problem at `pointer`; the file is attached later with [`SpecError::in_file`].
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: None,
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// Attaches the file the document came from.
    pub fn in_file(mut self, file: &Path) -> Self {
        self.file = Some(file.to_path_buf());
        self
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "at {pointer}: {}", self.message)
    }
}

impl std::error::Error for SpecError {}

/// Result of a pipeline step.
pub type Result<T, E = SpecError> = std::result::Result<T, E>;
