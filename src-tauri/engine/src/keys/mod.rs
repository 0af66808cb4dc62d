//! Signing keys: Ed25519 for permgrid's DSSE bundle envelopes, ECDSA P-256 (ES256) for OPA
//! bundle signatures (OPA does not verify Ed25519 bundle signatures). A key id is the
//! fingerprint of the public key: hex of the first 16 bytes of SHA-256 over its SPKI DER.
//! Private keys exist in plain form only in memory; at rest they are sealed ([`seal`]).
//! Randomness is passed in. Called by `api` and the CLI.

pub mod seal;

use ed25519_dalek::pkcs8::EncodePublicKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use zeroize::Zeroizing;

pub use seal::KdfCost;

/// Why a key operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("wrong passphrase for the private key (or the sealed key was altered)")]
    WrongPassphrase,
    #[error("the passphrase must not be empty")]
    EmptyPassphrase,
    #[error("{0}")]
    Sealed(String),
    #[error("not a public key this verifier understands: {0}")]
    BadPublicKey(String),
    #[error("key `{key}` is {algorithm}; {purpose} needs {needed}")]
    WrongAlgorithm {
        key: String,
        algorithm: Algorithm,
        purpose: &'static str,
        needed: Algorithm,
    },
}

/// Signature algorithm of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Algorithm {
    /// Ed25519: permgrid bundle envelopes (DSSE).
    Ed25519,
    /// ECDSA P-256 with SHA-256: OPA bundle signatures.
    Es256,
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Algorithm::Ed25519 => "ed25519",
            Algorithm::Es256 => "es256",
        })
    }
}

impl std::str::FromStr for Algorithm {
    type Err = crate::model::ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ed25519" => Ok(Algorithm::Ed25519),
            "es256" => Ok(Algorithm::Es256),
            _ => Err(crate::model::ModelError::UnknownValue {
                kind: "key algorithm",
                value: s.to_owned(),
                expected: "ed25519, es256",
            }),
        }
    }
}

/// A private key in memory.
pub enum SecretKey {
    Ed25519(ed25519_dalek::SigningKey),
    Es256(p256::ecdsa::SigningKey),
}

/// A public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    Es256(p256::ecdsa::VerifyingKey),
}

impl SecretKey {
    /// A key from 32 random bytes. For ES256, bytes outside the curve order are refused
    /// (probability ~2^-128): the caller draws again.
    pub fn from_seed(algorithm: Algorithm, seed: &[u8; 32]) -> Option<SecretKey> {
        match algorithm {
            Algorithm::Ed25519 => Some(SecretKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(
                seed,
            ))),
            Algorithm::Es256 => p256::ecdsa::SigningKey::from_slice(seed)
                .ok()
                .map(SecretKey::Es256),
        }
    }

    /// The 32 secret bytes (to seal).
    pub fn seed(&self) -> Zeroizing<Vec<u8>> {
        match self {
            SecretKey::Ed25519(k) => Zeroizing::new(k.to_bytes().to_vec()),
            SecretKey::Es256(k) => Zeroizing::new(k.to_bytes().to_vec()),
        }
    }

    /// Its algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            SecretKey::Ed25519(_) => Algorithm::Ed25519,
            SecretKey::Es256(_) => Algorithm::Es256,
        }
    }

    /// Its public key.
    pub fn public(&self) -> PublicKey {
        match self {
            SecretKey::Ed25519(k) => PublicKey::Ed25519(k.verifying_key()),
            SecretKey::Es256(k) => PublicKey::Es256(*k.verifying_key()),
        }
    }

    /// Opens a sealed key.
    pub fn unseal(algorithm: Algorithm, pass: &[u8], blob: &[u8]) -> Result<SecretKey, KeyError> {
        let seed = seal::open(pass, blob)?;
        let arr: [u8; 32] = seed
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::Sealed("sealed key has the wrong length".into()))?;
        SecretKey::from_seed(algorithm, &arr)
            .ok_or_else(|| KeyError::Sealed("sealed key is not a valid key".into()))
    }
}

impl PublicKey {
    /// SubjectPublicKeyInfo DER.
    pub fn spki_der(&self) -> Vec<u8> {
        match self {
            PublicKey::Ed25519(k) => k
                .to_public_key_der()
                .map(|d| d.as_bytes().to_vec())
                .unwrap_or_default(),
            PublicKey::Es256(k) => {
                use p256::pkcs8::EncodePublicKey as _;
                k.to_public_key_der()
                    .map(|d| d.as_bytes().to_vec())
                    .unwrap_or_default()
            }
        }
    }

    /// PEM (`-----BEGIN PUBLIC KEY-----`), as OPA's `--verification-key` and our verifier read it.
    pub fn pem(&self) -> String {
        match self {
            PublicKey::Ed25519(k) => k
                .to_public_key_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
                .unwrap_or_default(),
            PublicKey::Es256(k) => {
                use p256::pkcs8::EncodePublicKey as _;
                k.to_public_key_pem(p256::pkcs8::LineEnding::LF)
                    .unwrap_or_default()
            }
        }
    }

    /// Reads a PEM public key of either algorithm.
    pub fn from_pem(pem: &str) -> Result<PublicKey, KeyError> {
        if let Ok(k) = ed25519_dalek::VerifyingKey::from_public_key_pem(pem) {
            return Ok(PublicKey::Ed25519(k));
        }
        use p256::pkcs8::DecodePublicKey as _;
        p256::ecdsa::VerifyingKey::from_public_key_pem(pem)
            .map(PublicKey::Es256)
            .map_err(|e| {
                KeyError::BadPublicKey(format!(
                    "expected an Ed25519 or P-256 public key in PEM ({e})"
                ))
            })
    }

    /// The key id (fingerprint).
    pub fn id(&self) -> String {
        fingerprint(&self.spki_der())
    }

    /// Its algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            PublicKey::Ed25519(_) => Algorithm::Ed25519,
            PublicKey::Es256(_) => Algorithm::Es256,
        }
    }
}

/// Hex of the first 16 bytes of SHA-256 over `der`.
pub fn fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der).get(..16).unwrap_or_default())
}

/// A key as the workspace lists it (never the private part).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KeyInfo {
    pub id: String,
    pub algorithm: Algorithm,
    pub label: String,
    pub public_pem: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub created_by: String,
    pub retired_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trips_and_ids_are_fingerprints() {
        for alg in [Algorithm::Ed25519, Algorithm::Es256] {
            let k = SecretKey::from_seed(alg, &[5u8; 32]).unwrap();
            let pem = k.public().pem();
            assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
            let back = PublicKey::from_pem(&pem).unwrap();
            assert_eq!(back, k.public());
            assert_eq!(back.id().len(), 32);
            assert_eq!(back.algorithm(), alg);
        }
        assert!(PublicKey::from_pem(
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
        )
        .is_err());
    }

    #[test]
    fn sealed_keys_unseal_to_the_same_key() {
        let k = SecretKey::from_seed(Algorithm::Es256, &[3u8; 32]).unwrap();
        let blob = seal::seal(b"pw", &k.seed(), KdfCost::testing(), &[1; 40]).unwrap();
        let back = SecretKey::unseal(Algorithm::Es256, b"pw", &blob).unwrap();
        assert_eq!(back.public(), k.public());
        assert!(matches!(
            SecretKey::unseal(Algorithm::Es256, b"no", &blob),
            Err(KeyError::WrongPassphrase)
        ));
    }
}
