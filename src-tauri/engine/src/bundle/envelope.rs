//! The signed envelope: DSSE (Dead Simple Signing Envelope) with Ed25519 signatures.
//!
//! `{"payloadType": "application/vnd.permgrid.bundle+json", "payload": base64(payload),
//!   "signatures": [{"keyid": "...", "sig": base64(Ed25519(PAE(payloadType, payload)))}]}`
//! where `PAE(type, body) = "DSSEv1" SP len(type) SP type SP len(body) SP body` (lengths in
//! ASCII decimal). Several signatures may be present (N-of-M, the two-person rule).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The DSSE payload type of permgrid bundles.
pub const PAYLOAD_TYPE: &str = "application/vnd.permgrid.bundle+json";

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeSignature {
    pub keyid: String,
    pub sig: String,
}

/// A DSSE envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Envelope {
    pub payload_type: String,
    pub payload: String,
    pub signatures: Vec<EnvelopeSignature>,
}

/// DSSE pre-authentication encoding.
pub fn pae(payload_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// The key id of a public key (its fingerprint, see [`crate::keys`]).
pub fn key_id(key: &VerifyingKey) -> String {
    crate::keys::PublicKey::Ed25519(*key).id()
}

impl Envelope {
    /// An unsigned envelope around `payload`.
    pub fn new(payload: &[u8]) -> Envelope {
        Envelope {
            payload_type: PAYLOAD_TYPE.to_owned(),
            payload: STANDARD.encode(payload),
            signatures: Vec::new(),
        }
    }

    /// The payload bytes (`None` if the base64 is broken).
    pub fn payload_bytes(&self) -> Option<Vec<u8>> {
        STANDARD.decode(&self.payload).ok()
    }

    /// Adds a signature by `key` (replacing an earlier one by the same key).
    pub fn sign(&mut self, key: &SigningKey) -> Result<(), String> {
        let body = self
            .payload_bytes()
            .ok_or("the payload is not valid base64")?;
        let sig = key.sign(&pae(&self.payload_type, &body));
        let keyid = key_id(&key.verifying_key());
        self.signatures.retain(|s| s.keyid != keyid);
        self.signatures.push(EnvelopeSignature {
            keyid,
            sig: STANDARD.encode(sig.to_bytes()),
        });
        Ok(())
    }

    /// Whether `sig` is a valid signature of this envelope by `key`.
    pub fn check(&self, sig: &EnvelopeSignature, key: &VerifyingKey) -> bool {
        self.payload_bytes()
            .is_some_and(|body| self.check_body(sig, key, &body))
    }

    /// Whether `sig` is a valid signature by `key` of `body`, this envelope's decoded payload
    /// (decode once, check several signatures).
    pub fn check_body(&self, sig: &EnvelopeSignature, key: &VerifyingKey, body: &[u8]) -> bool {
        let Ok(raw) = STANDARD.decode(&sig.sig) else {
            return false;
        };
        let Ok(signature) = Signature::from_slice(&raw) else {
            return false;
        };
        key.verify_strict(&pae(&self.payload_type, body), &signature)
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_specification() {
        // The example from the DSSE protocol description.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn signatures_verify_and_detect_changes() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let mut env = Envelope::new(b"{\"a\":1}");
        env.sign(&key).unwrap();
        let sig = env.signatures[0].clone();
        assert!(env.check(&sig, &key.verifying_key()));
        env.payload = STANDARD.encode(b"{\"a\":2}");
        assert!(
            !env.check(&sig, &key.verifying_key()),
            "a changed payload fails"
        );
        let other = SigningKey::from_bytes(&[8u8; 32]);
        env.payload = STANDARD.encode(b"{\"a\":1}");
        assert!(
            !env.check(&sig, &other.verifying_key()),
            "another key fails"
        );
    }
}
