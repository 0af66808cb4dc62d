//! Keys and bundles over a workspace: generate, list, export, retire and rotate keys; build
//! and record bundles. Verification needs no workspace: see [`crate::bundle::verify`].

use chrono::Duration;

use super::{ApiError, Workspace};
use crate::bundle::{self, Envelope, Target};
use crate::keys::{Algorithm, KdfCost, KeyInfo, SecretKey};
use crate::model::{Actor, Snapshot};
use crate::store::BundleRecord;

/// Fresh random bytes (the one place the engine draws randomness for keys).
pub fn random<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| ApiError::Io {
        path: "random source".into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(b)
}

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The revision to build (default: the latest).
    pub revision: Option<i64>,
    /// Export targets besides the native policy.
    pub targets: Vec<Target>,
    /// How long the bundle is valid from now.
    pub valid_for: Duration,
    /// Include the employee snapshot (employee -> roles, department, manager).
    pub with_org: bool,
    /// Where the bundle will be written (recorded in the history).
    pub file: String,
}

/// A built bundle: the envelope's bytes and its history record.
#[derive(Debug, Clone)]
pub struct Built {
    pub bytes: Vec<u8>,
    pub payload: bundle::Payload,
    pub record: BundleRecord,
}

impl Workspace {
    /// Generates a key and stores it with its private part sealed under `passphrase`.
    pub fn generate_key(
        &mut self,
        actor: &Actor,
        algorithm: Algorithm,
        label: &str,
        passphrase: &[u8],
        cost: KdfCost,
    ) -> Result<KeyInfo, ApiError> {
        self.generate_key_with(actor, algorithm, label, passphrase, cost, "keys.generate")
    }

    fn generate_key_with(
        &mut self,
        actor: &Actor,
        algorithm: Algorithm,
        label: &str,
        passphrase: &[u8],
        cost: KdfCost,
        action: &str,
    ) -> Result<KeyInfo, ApiError> {
        let key = loop {
            if let Some(k) = SecretKey::from_seed(algorithm, &random::<32>()?) {
                break k;
            }
        };
        let sealed = crate::keys::seal::seal(passphrase, &key.seed(), cost, &random::<40>()?)?;
        let public = key.public();
        let info = KeyInfo {
            id: public.id(),
            algorithm,
            label: label.to_owned(),
            public_pem: public.pem(),
            created_at: actor.at,
            created_by: actor.name.clone(),
            retired_at: None,
        };
        self.store.add_key(actor, &info, &sealed, action)?;
        Ok(info)
    }

    /// Every key, oldest first (public parts only).
    pub fn keys(&self) -> Result<Vec<KeyInfo>, ApiError> {
        Ok(self.store.keys()?)
    }

    fn key_info(&self, id: &str) -> Result<(KeyInfo, Vec<u8>), ApiError> {
        self.store.key(id)?.ok_or_else(|| ApiError::NotFound {
            kind: "key",
            id: id.to_owned(),
        })
    }

    /// The public key in PEM; the export is audited.
    pub fn export_public_key(&mut self, actor: &Actor, id: &str) -> Result<String, ApiError> {
        let (info, _) = self.key_info(id)?;
        self.store.record(
            actor,
            "keys.export-public",
            id,
            None,
            Some(&info.algorithm.to_string()),
        )?;
        Ok(info.public_pem)
    }

    /// Retires a key: it can no longer sign.
    pub fn retire_key(&mut self, actor: &Actor, id: &str) -> Result<(), ApiError> {
        let (info, _) = self.key_info(id)?;
        if info.retired_at.is_some() {
            return Err(ApiError::Precondition(format!(
                "key `{id}` is already retired"
            )));
        }
        self.store.retire_key(actor, id)?;
        Ok(())
    }

    /// Replaces a key by a new one of the same algorithm, retiring the old one.
    pub fn rotate_key(
        &mut self,
        actor: &Actor,
        id: &str,
        passphrase: &[u8],
        cost: KdfCost,
    ) -> Result<KeyInfo, ApiError> {
        let (old, _) = self.key_info(id)?;
        if old.retired_at.is_some() {
            return Err(ApiError::Precondition(format!(
                "key `{id}` is already retired"
            )));
        }
        let label = format!("{} (rotated from {id})", old.label);
        let new = self.generate_key_with(
            actor,
            old.algorithm,
            &label,
            passphrase,
            cost,
            "keys.rotate",
        )?;
        self.store.retire_key(actor, id)?;
        Ok(new)
    }

    /// Opens a key for signing. Retired keys are refused.
    pub fn unlock_key(&self, id: &str, passphrase: &[u8]) -> Result<SecretKey, ApiError> {
        let (info, sealed) = self.key_info(id)?;
        if info.retired_at.is_some() {
            return Err(ApiError::Precondition(format!(
                "key `{id}` is retired and can no longer sign"
            )));
        }
        Ok(SecretKey::unseal(info.algorithm, passphrase, &sealed)?)
    }

    /// The snapshot at revision `rev` (the current one when `None`).
    pub fn snapshot_at(&self, rev: Option<i64>) -> Result<(Snapshot, i64), ApiError> {
        let head = self.store.head()?;
        let mut s = self.store.load()?;
        match rev {
            None => Ok((s, head)),
            Some(r) => {
                for c in self.store.changes_to_restore(r)? {
                    s.apply(&c);
                }
                Ok((s, r))
            }
        }
    }

    /// Builds a bundle of a revision, signs it with `keys` (Ed25519), records it in the
    /// history and the audit log. The serial is one more than any bundle built before.
    pub fn build_bundle(
        &mut self,
        actor: &Actor,
        opts: &BuildOptions,
        keys: &[SecretKey],
    ) -> Result<Built, ApiError> {
        let mut key_ids = Vec::new();
        for k in keys {
            if k.algorithm() != Algorithm::Ed25519 {
                return Err(crate::keys::KeyError::WrongAlgorithm {
                    key: k.public().id(),
                    algorithm: k.algorithm(),
                    purpose: "signing a permgrid bundle",
                    needed: Algorithm::Ed25519,
                }
                .into());
            }
            key_ids.push(k.public().id());
        }
        let (snap, revision) = self.snapshot_at(opts.revision)?;
        let meta = self.store.meta()?;
        let serial = self.store.next_serial()?;
        // The bundle anchors the audit chain's head; a broken chain is not signed over.
        let audit = self.store.audit_verify_links()?;
        if let Some(b) = audit.broken {
            return Err(ApiError::Precondition(format!(
                "the audit log is broken at entry {}: {}; run `permgrid audit verify` and \
                 investigate before signing a policy from this workspace",
                b.seq, b.reason
            )));
        }
        let head = audit.head;
        let mut targets = vec![Target::Native];
        for t in &opts.targets {
            if !targets.contains(t) {
                targets.push(*t);
            }
        }
        let mut payload = bundle::build(
            &snap,
            &meta.id,
            &meta.name,
            revision,
            serial,
            actor.at,
            actor.at + opts.valid_for,
            targets.clone(),
            opts.with_org,
            &head,
        );
        for t in targets.iter().filter(|t| **t != Target::Native) {
            payload
                .exports
                .push(crate::export::export(*t, &snap, &payload.policy, actor.at)?);
        }
        let mut env = Envelope::new(&bundle::payload::canonical(&payload));
        for k in keys {
            if let SecretKey::Ed25519(sk) = k {
                env.sign(sk).map_err(ApiError::Precondition)?;
            }
        }
        let bytes = serde_json::to_vec_pretty(&env).map_err(|e| ApiError::Io {
            path: opts.file.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let record = BundleRecord {
            serial,
            at: actor.at,
            actor: actor.name.clone(),
            revision,
            targets: targets.iter().map(|t| t.as_str().to_owned()).collect(),
            digest: payload.meta.content_digest.clone(),
            key_ids,
            expires_at: payload.meta.expires_at,
            file: opts.file.clone(),
        };
        self.store.record_bundle(actor, &record)?;
        Ok(Built {
            bytes,
            payload,
            record,
        })
    }

    /// Every bundle built from this workspace.
    pub fn bundle_history(&self) -> Result<Vec<BundleRecord>, ApiError> {
        Ok(self.store.bundles()?)
    }

    /// Records that a bundle was co-signed.
    pub fn record_cosign(
        &mut self,
        actor: &Actor,
        file: &str,
        key_id: &str,
    ) -> Result<(), ApiError> {
        self.store
            .record(actor, "bundle.sign", file, None, Some(key_id))?;
        Ok(())
    }
}

/// Adds a signature to a bundle file's bytes (two-person rule: a second administrator signs).
pub fn cosign(bytes: &[u8], key: &SecretKey) -> Result<Vec<u8>, ApiError> {
    let SecretKey::Ed25519(sk) = key else {
        return Err(crate::keys::KeyError::WrongAlgorithm {
            key: key.public().id(),
            algorithm: key.algorithm(),
            purpose: "signing a permgrid bundle",
            needed: Algorithm::Ed25519,
        }
        .into());
    };
    let mut env = bundle::read_envelope(bytes)?;
    bundle::read_payload(&env)?;
    env.sign(sk).map_err(ApiError::Precondition)?;
    serde_json::to_vec_pretty(&env).map_err(|e| ApiError::Io {
        path: "bundle".into(),
        source: std::io::Error::other(e.to_string()),
    })
}

/// The OPA bundle (gzipped tar with `.signatures.json`) of a built bundle's OPA export,
/// signed with an ES256 key.
pub fn opa_tarball(payload: &bundle::Payload, key: &SecretKey) -> Result<Vec<u8>, ApiError> {
    let SecretKey::Es256(sk) = key else {
        return Err(crate::keys::KeyError::WrongAlgorithm {
            key: key.public().id(),
            algorithm: key.algorithm(),
            purpose: "signing an OPA bundle",
            needed: Algorithm::Es256,
        }
        .into());
    };
    let files = payload
        .exports
        .iter()
        .find(|e| e.target == Target::Opa)
        .ok_or_else(|| ApiError::Precondition("the bundle has no OPA export".into()))?;
    Ok(crate::export::opa::tarball(
        &files.files,
        Some((sk, &key.public().id())),
    )?)
}
