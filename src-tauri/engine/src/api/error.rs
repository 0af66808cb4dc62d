//! The one error type callers of the engine see, and its wire form.

use serde::Serialize;
use ts_rs::TS;

use crate::csv::CsvError;
use crate::model::ModelError;
use crate::store::StoreError;

/// A closed set of error codes, shared with the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ErrorCode {
    /// A named thing does not exist.
    NotFound,
    /// The target exists already.
    AlreadyExists,
    /// The input is malformed or refers to unknown things.
    InvalidInput,
    /// The file is not a permgrid workspace.
    NotAWorkspace,
    /// The workspace was written by a newer version.
    NewerVersion,
    /// The workspace file is damaged.
    Corrupt,
    /// The action is valid but not now (shown as a warning, not a crash).
    PreconditionFailed,
    /// A bundle failed verification (signature, key, digest, validity, serial...).
    VerificationFailed,
    /// The passphrase does not open the private key.
    WrongPassphrase,
    /// Reading or writing a file failed.
    Io,
    /// Anything else: a bug or an environment problem.
    Internal,
}

/// Why an engine call failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Csv(#[from] CsvError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Bundle(#[from] crate::bundle::BundleError),
    #[error(transparent)]
    Key(#[from] crate::keys::KeyError),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    #[error("unknown {kind} `{id}`")]
    NotFound { kind: &'static str, id: String },
    #[error("{kind} `{id}` exists already")]
    AlreadyExists { kind: &'static str, id: String },
    #[error("{0}")]
    Precondition(String),
    #[error("`{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl ApiError {
    /// The code the UI and scripts act on.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::Store(e) => match e {
                StoreError::NotFound(_) => ErrorCode::NotFound,
                StoreError::AlreadyExists(_) => ErrorCode::AlreadyExists,
                StoreError::NotAWorkspace { .. } => ErrorCode::NotAWorkspace,
                StoreError::NewerVersion { .. } => ErrorCode::NewerVersion,
                StoreError::Corrupt { .. } | StoreError::BadData { .. } => ErrorCode::Corrupt,
                StoreError::UnknownRevision(_) => ErrorCode::NotFound,
                StoreError::Io { .. } => ErrorCode::Io,
                StoreError::Migration { .. } | StoreError::Sqlite(_) => ErrorCode::Internal,
            },
            ApiError::Csv(_) | ApiError::Model(_) => ErrorCode::InvalidInput,
            ApiError::Bundle(_) => ErrorCode::VerificationFailed,
            ApiError::Key(crate::keys::KeyError::WrongPassphrase) => ErrorCode::WrongPassphrase,
            ApiError::Key(_) => ErrorCode::InvalidInput,
            ApiError::Export(_) => ErrorCode::Internal,
            ApiError::NotFound { .. } => ErrorCode::NotFound,
            ApiError::AlreadyExists { .. } => ErrorCode::AlreadyExists,
            ApiError::Precondition(_) => ErrorCode::PreconditionFailed,
            ApiError::Io { .. } => ErrorCode::Io,
        }
    }

    /// The wire form.
    pub fn to_dto(&self) -> ErrorDto {
        ErrorDto {
            code: self.code(),
            message: self.to_string(),
        }
    }
}

/// An error as it crosses IPC or is printed as JSON: `{ code, message }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ErrorDto {
    pub code: ErrorCode,
    pub message: String,
}

impl From<ApiError> for ErrorDto {
    fn from(e: ApiError) -> Self {
        e.to_dto()
    }
}
