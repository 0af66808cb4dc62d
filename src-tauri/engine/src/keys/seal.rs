//! Private keys at rest: sealed under a passphrase with Argon2id (KDF) and
//! XChaCha20-Poly1305 (AEAD). Layout, all authenticated (the header is the AAD):
//! `"PGK1" | m_cost u32 LE | t_cost u32 LE | p_cost u32 LE | salt[16] | nonce[24] | ciphertext+tag`.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use super::KeyError;

const MAGIC: &[u8; 4] = b"PGK1";
const HEADER: usize = 4 + 12 + 16 + 24;

/// Argon2id cost. [`KdfCost::default`] is the production setting (64 MiB, 3 passes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfCost {
    /// Memory in KiB.
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl Default for KdfCost {
    fn default() -> Self {
        KdfCost {
            m_kib: 65_536,
            t: 3,
            p: 1,
        }
    }
}

impl KdfCost {
    /// The cheapest allowed cost: for tests only, never for real keys.
    pub fn testing() -> Self {
        KdfCost {
            m_kib: 8,
            t: 1,
            p: 1,
        }
    }
}

/// Highest memory cost accepted when opening (a guard against files that would exhaust memory).
const MAX_M_KIB: u32 = 1 << 20;

fn derive(pass: &[u8], salt: &[u8], c: KdfCost) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let params = Params::new(c.m_kib, c.t, c.p, Some(32))
        .map_err(|e| KeyError::Sealed(format!("key derivation parameters: {e}")))?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(pass, salt, key.as_mut())
        .map_err(|e| KeyError::Sealed(format!("key derivation: {e}")))?;
    Ok(key)
}

/// Seals `secret` under `pass`. `salt_nonce` is 40 random bytes (randomness is passed in).
pub fn seal(
    pass: &[u8],
    secret: &[u8],
    cost: KdfCost,
    salt_nonce: &[u8; 40],
) -> Result<Vec<u8>, KeyError> {
    if pass.is_empty() {
        return Err(KeyError::EmptyPassphrase);
    }
    let (salt, nonce) = salt_nonce.split_at(16);
    let mut out = Vec::with_capacity(HEADER + secret.len() + 16);
    out.extend_from_slice(MAGIC);
    for v in [cost.m_kib, cost.t, cost.p] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(salt);
    out.extend_from_slice(nonce);
    let key = derive(pass, salt, cost)?;
    let ct = XChaCha20Poly1305::new(key.as_ref().into())
        .encrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: secret,
                aad: &out,
            },
        )
        .map_err(|_| KeyError::Sealed("encryption failed".into()))?;
    out.extend_from_slice(&ct);
    Ok(out)
}

/// Opens a sealed secret. A wrong passphrase and a tampered blob are indistinguishable by
/// design; both give [`KeyError::WrongPassphrase`].
pub fn open(pass: &[u8], blob: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let bad = |what: &str| KeyError::Sealed(format!("sealed key is {what}"));
    let (hdr, ct) = blob
        .split_at_checked(HEADER)
        .ok_or_else(|| bad("truncated"))?;
    let (magic, rest) = hdr
        .split_first_chunk::<4>()
        .ok_or_else(|| bad("truncated"))?;
    if magic != MAGIC {
        return Err(bad("not in the PGK1 format"));
    }
    let (m, rest) = rest
        .split_first_chunk::<4>()
        .ok_or_else(|| bad("truncated"))?;
    let (t, rest) = rest
        .split_first_chunk::<4>()
        .ok_or_else(|| bad("truncated"))?;
    let (p, rest) = rest
        .split_first_chunk::<4>()
        .ok_or_else(|| bad("truncated"))?;
    let (salt, nonce) = rest
        .split_first_chunk::<16>()
        .ok_or_else(|| bad("truncated"))?;
    let cost = KdfCost {
        m_kib: u32::from_le_bytes(*m),
        t: u32::from_le_bytes(*t),
        p: u32::from_le_bytes(*p),
    };
    if cost.m_kib > MAX_M_KIB || cost.t > 16 || cost.p > 8 {
        return Err(bad(
            "sealed with key-derivation costs above the accepted limit",
        ));
    }
    let key = derive(pass, salt, cost)?;
    XChaCha20Poly1305::new(key.as_ref().into())
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: hdr })
        .map(Zeroizing::new)
        .map_err(|_| KeyError::WrongPassphrase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens() {
        let blob = seal(
            b"correct horse",
            b"0123456789abcdef0123456789abcdef",
            KdfCost::testing(),
            &[9u8; 40],
        )
        .unwrap();
        assert_eq!(
            &open(b"correct horse", &blob).unwrap()[..],
            b"0123456789abcdef0123456789abcdef"
        );
        assert!(
            !blob.windows(16).any(|w| w == b"0123456789abcdef"),
            "the secret is not in the blob in plain text"
        );
        assert_eq!(
            open(b"wrong", &blob).unwrap_err(),
            KeyError::WrongPassphrase
        );
        let mut tampered = blob.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(
            open(b"correct horse", &tampered).unwrap_err(),
            KeyError::WrongPassphrase
        );
        assert!(matches!(
            open(b"correct horse", &blob[..20]),
            Err(KeyError::Sealed(_))
        ));
        assert_eq!(
            seal(b"", b"x", KdfCost::testing(), &[0; 40]).unwrap_err(),
            KeyError::EmptyPassphrase
        );
    }
}
