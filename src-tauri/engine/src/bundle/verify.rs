//! Verifying a bundle and evaluating decisions from it: the library a production service
//! links (no GUI, no database). Verification fails closed: any doubt is an error.

use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;

use super::envelope::{Envelope, PAYLOAD_TYPE};
use super::payload::{self, Payload};
use super::BundleError;
use crate::decide::explain::Explanation;
use crate::decide::{ActionOutcome, Policy, Subject};
use crate::model::{
    Action, Customer, CustomerId, DeptId, EmployeeId, FieldId, Level, RoleId, Snapshot, TierId,
};

/// A public key a verifier trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    pub id: String,
    pub key: VerifyingKey,
}

impl TrustedKey {
    /// Trusts `key`, under its fingerprint.
    pub fn new(key: VerifyingKey) -> TrustedKey {
        TrustedKey {
            id: super::envelope::key_id(&key),
            key,
        }
    }
}

/// What a verifier demands.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    pub keys: Vec<TrustedKey>,
    /// Valid signatures by distinct trusted keys required (N of M); at least 1.
    pub threshold: usize,
    /// The serial of the last bundle accepted: a lower serial is a rollback and is refused.
    pub min_serial: Option<u64>,
    /// The time of verification (validity window).
    pub at: DateTime<Utc>,
}

impl VerifyOptions {
    /// One trusted key, one signature required, no rollback floor.
    pub fn new(keys: Vec<TrustedKey>, at: DateTime<Utc>) -> VerifyOptions {
        VerifyOptions {
            keys,
            threshold: 1,
            min_serial: None,
            at,
        }
    }
}

/// A record as a production service describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRef {
    pub id: CustomerId,
    pub owner: EmployeeId,
    pub department: DeptId,
    pub tier: TierId,
}

/// A verified bundle, ready to answer decisions.
#[derive(Debug, Clone)]
pub struct VerifiedBundle {
    pub payload: Payload,
    /// Key ids whose signatures verified.
    pub signed_by: Vec<String>,
    snapshot: Snapshot,
    policy: Policy,
}

fn parse_err(what: &str, e: &serde_json::Error) -> BundleError {
    let msg = e.to_string();
    if msg.contains("unknown field") {
        BundleError::UnknownField(format!("{what}: {msg}"))
    } else if e.is_eof() {
        BundleError::Malformed(format!("{what} is truncated ({msg})"))
    } else {
        BundleError::Malformed(format!("{what} is not valid: {msg}"))
    }
}

/// Reads an envelope without verifying it (for inspection and co-signing).
pub fn read_envelope(bytes: &[u8]) -> Result<Envelope, BundleError> {
    let env: Envelope =
        serde_json::from_slice(bytes).map_err(|e| parse_err("the bundle envelope", &e))?;
    if env.payload_type != PAYLOAD_TYPE {
        return Err(BundleError::Malformed(format!(
            "payload type `{}` is not a permgrid bundle (`{PAYLOAD_TYPE}`)",
            env.payload_type
        )));
    }
    Ok(env)
}

/// Reads the payload of an envelope without verifying signatures (for `bundle inspect`).
pub fn read_payload(env: &Envelope) -> Result<Payload, BundleError> {
    read_body(&payload_body(env)?).map(|(p, _)| p)
}

fn payload_body(env: &Envelope) -> Result<Vec<u8>, BundleError> {
    env.payload_bytes()
        .ok_or_else(|| BundleError::Malformed("the payload is not valid base64".into()))
}

/// The payload and the digest of its policy bytes.
fn read_body(body: &[u8]) -> Result<(Payload, String), BundleError> {
    payload::read(body).map_err(|e| match e {
        payload::ReadError::Format(f) => BundleError::UnsupportedFormat(f),
        payload::ReadError::Json(e) => parse_err("the payload", &e),
    })
}

/// Verifies a bundle file's bytes: signatures (N of M trusted keys), format, content digest,
/// validity window and rollback floor. Every refusal is its own [`BundleError`].
pub fn verify(bytes: &[u8], opts: &VerifyOptions) -> Result<VerifiedBundle, BundleError> {
    let env = read_envelope(bytes)?;
    let threshold = opts.threshold.max(1);
    if env.signatures.is_empty() {
        return Err(BundleError::Unsigned);
    }
    // Decoded once; every signature is checked over these bytes.
    let body = payload_body(&env)?;
    let mut valid: Vec<String> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for sig in &env.signatures {
        match opts.keys.iter().find(|k| k.id == sig.keyid) {
            None => unknown.push(sig.keyid.clone()),
            Some(k) => {
                if !env.check_body(sig, &k.key, &body) {
                    return Err(BundleError::BadSignature {
                        keyid: sig.keyid.clone(),
                    });
                }
                if !valid.contains(&sig.keyid) {
                    valid.push(sig.keyid.clone());
                }
            }
        }
    }
    if valid.is_empty() {
        return Err(BundleError::UnknownKey(unknown.join(", ")));
    }
    if valid.len() < threshold {
        return Err(BundleError::MissingSignatures {
            valid: valid.len(),
            required: threshold,
        });
    }
    let (payload, digest) = read_body(&body)?;
    if digest != payload.meta.content_digest {
        return Err(BundleError::DigestMismatch {
            stated: payload.meta.content_digest.clone(),
            computed: digest,
        });
    }
    if opts.at < payload.meta.not_before {
        return Err(BundleError::NotYetValid {
            not_before: payload.meta.not_before,
            at: opts.at,
        });
    }
    if opts.at >= payload.meta.expires_at {
        return Err(BundleError::Expired {
            expires_at: payload.meta.expires_at,
            at: opts.at,
        });
    }
    if let Some(min) = opts.min_serial {
        if payload.meta.serial < min {
            return Err(BundleError::Rollback {
                serial: payload.meta.serial,
                min_serial: min,
            });
        }
    }
    // The decision tables straight from the level digits: no cell map is built.
    let (snapshot, policy) = payload.policy.compile().map_err(BundleError::Malformed)?;
    Ok(VerifiedBundle {
        payload,
        signed_by: valid,
        snapshot,
        policy,
    })
}

impl VerifiedBundle {
    /// The compiled decision tables.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The snapshot the bundle describes (ids as names), without its cells: they are in
    /// [`VerifiedBundle::policy`].
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The subject of an employee of the bundle's org snapshot at `at`.
    pub fn subject(
        &self,
        employee: &EmployeeId,
        at: DateTime<Utc>,
    ) -> Result<Subject, BundleError> {
        let ix = self
            .policy
            .emp_ix
            .get(employee)
            .ok_or_else(|| BundleError::UnknownEmployee(employee.to_string()))?;
        Ok(self.policy.subject(*ix, at))
    }

    /// A subject holding `roles` in `department` (for bundles built without the org snapshot).
    pub fn subject_for_roles(
        &self,
        roles: &[RoleId],
        department: Option<&DeptId>,
        at: DateTime<Utc>,
    ) -> Subject {
        let ixs: Vec<u16> = roles
            .iter()
            .filter_map(|r| self.policy.role_ix.get(r).copied())
            .collect();
        let dept = department.and_then(|d| self.policy.dept_ix.get(d).copied());
        self.policy.subject_for_roles(&ixs, dept, at)
    }

    fn customer(r: &RecordRef) -> Customer {
        Customer {
            id: r.id.clone(),
            owner: r.owner.clone(),
            department: r.department.clone(),
            tier: r.tier.clone(),
            values: Default::default(),
        }
    }

    /// The level of `field` of `record` for `subject`. An unknown field is hidden.
    pub fn level(&self, subject: &Subject, record: &RecordRef, field: &FieldId) -> Level {
        let Some(fi) = self.policy.field_ix.get(field) else {
            return Level::Hidden;
        };
        let c = Self::customer(record);
        self.policy.level(subject, &self.policy.record(&c), *fi)
    }

    /// The outcome of `action` on `record` for `subject`.
    pub fn action(&self, subject: &Subject, record: &RecordRef, action: Action) -> ActionOutcome {
        let c = Self::customer(record);
        self.policy.action(subject, &self.policy.record(&c), action)
    }

    /// The reasons of a field decision.
    pub fn explain(
        &self,
        subject: &Subject,
        record: &RecordRef,
        field: &FieldId,
        at: DateTime<Utc>,
    ) -> Result<Explanation, BundleError> {
        let fi = self.policy.field_ix.get(field).ok_or_else(|| {
            BundleError::UnknownField(format!("field `{field}` is not in the bundle"))
        })?;
        let c = Self::customer(record);
        Ok(self
            .policy
            .explain(&self.snapshot, subject, &self.policy.record(&c), *fi, at))
    }
}
