//! Signed policy bundles: the compiled, signed snapshot of one revision that production
//! systems load. Build ([`build`]), sign (DSSE + Ed25519, several signatures for N-of-M),
//! verify ([`verify::verify`]) and evaluate ([`verify::VerifiedBundle`]).
//! Called by `api`, the CLI and production services (this module needs no database).

pub mod envelope;
pub mod payload;
pub mod verify;

use chrono::{DateTime, Utc};

pub use envelope::{key_id, Envelope};
pub use payload::{BundleMeta, Payload, PolicyDoc, Target, TargetCheck, TargetFiles, FORMAT};
pub use verify::{
    read_envelope, read_payload, verify, RecordRef, TrustedKey, VerifiedBundle, VerifyOptions,
};

/// Why a bundle was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("bundle is malformed: {0}")]
    Malformed(String),
    #[error("bundle has an unknown field: {0}")]
    UnknownField(String),
    #[error("bundle format `{0}` is not supported (this verifier reads `permgrid.bundle.v2`; rebuild the bundle with this version of permgrid)")]
    UnsupportedFormat(String),
    #[error("bundle is not signed")]
    Unsigned,
    #[error("signature by key `{keyid}` does not match the bundle: it was changed after signing or forged")]
    BadSignature { keyid: String },
    #[error("bundle is signed only by keys this verifier does not trust: {0}")]
    UnknownKey(String),
    #[error("bundle has {valid} valid signature(s) by trusted keys; {required} are required")]
    MissingSignatures { valid: usize, required: usize },
    #[error("bundle content digest does not match: stated {stated}, computed {computed}")]
    DigestMismatch { stated: String, computed: String },
    #[error("bundle expired at {expires_at} (checked at {at})")]
    Expired {
        expires_at: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    #[error("bundle is not valid before {not_before} (checked at {at})")]
    NotYetValid {
        not_before: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    #[error("bundle serial {serial} is below the last accepted serial {min_serial}: refusing a rollback")]
    Rollback { serial: u64, min_serial: u64 },
    #[error("employee `{0}` is not in the bundle's org snapshot")]
    UnknownEmployee(String),
}

/// Builds the payload of a bundle from a snapshot.
#[allow(clippy::too_many_arguments)]
pub fn build(
    snap: &crate::model::Snapshot,
    workspace: &str,
    workspace_name: &str,
    revision: i64,
    serial: u64,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    targets: Vec<Target>,
    with_org: bool,
    audit_head: &str,
) -> Payload {
    let policy = PolicyDoc::from_snapshot(snap, with_org);
    Payload {
        format: FORMAT.to_owned(),
        meta: BundleMeta {
            workspace: workspace.to_owned(),
            workspace_name: workspace_name.to_owned(),
            revision,
            serial,
            issued_at,
            not_before: issued_at,
            expires_at,
            producer: format!("permgrid {}", crate::api::VERSION),
            targets,
            content_digest: payload::content_digest(&policy),
            audit_head: audit_head.to_owned(),
        },
        policy,
        exports: Vec::new(),
    }
}

/// JSON schemas of the bundle file (the DSSE envelope) and of its payload, as published in
/// `assets/bundle.schema.json` and `assets/bundle-payload.schema.json`.
pub fn json_schemas() -> (serde_json::Value, serde_json::Value) {
    let envelope = schemars::schema_for!(Envelope);
    let payload = schemars::schema_for!(Payload);
    (
        serde_json::to_value(envelope).unwrap_or_default(),
        serde_json::to_value(payload).unwrap_or_default(),
    )
}
