//! Bundles: build, sign, verify; every refusal has its own error; the bundle evaluator gives
//! the workspace evaluator's decisions.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::Duration;
use proptest::prelude::*;

use crate::random::{build, text};
use crate::support::{actor, demo, t0};
use permgrid::api::{cosign, BuildOptions, ErrorCode, Workspace};
use permgrid::bundle::{self, BundleError, Envelope, PolicyDoc, TrustedKey, VerifyOptions};
use permgrid::decide::Policy;
use permgrid::keys::{Algorithm, KdfCost, KeyInfo, PublicKey, SecretKey};
use permgrid::model::*;
use permgrid::store::AuditFilter;

fn opts() -> BuildOptions {
    BuildOptions {
        revision: None,
        targets: vec![],
        valid_for: Duration::days(30),
        with_org: true,
        file: "test.bundle".into(),
    }
}

fn key(ws: &mut Workspace, label: &str) -> (KeyInfo, SecretKey, TrustedKey) {
    let info = ws
        .generate_key(
            &actor(),
            Algorithm::Ed25519,
            label,
            b"pw",
            KdfCost::testing(),
        )
        .unwrap();
    let secret = ws.unlock_key(&info.id, b"pw").unwrap();
    let PublicKey::Ed25519(vk) = PublicKey::from_pem(&info.public_pem).unwrap() else {
        panic!("ed25519")
    };
    (info, secret, TrustedKey::new(vk))
}

fn verify_opts(keys: Vec<TrustedKey>) -> VerifyOptions {
    VerifyOptions::new(keys, t0() + Duration::hours(1))
}

/// Re-signs a modified payload with `secret`, so checks after the signature are reached.
fn resign(bytes: &[u8], edit: impl FnOnce(&mut serde_json::Value), secret: &SecretKey) -> Vec<u8> {
    let env = bundle::read_envelope(bytes).unwrap();
    let mut payload: serde_json::Value =
        serde_json::from_slice(&env.payload_bytes().unwrap()).unwrap();
    edit(&mut payload);
    let mut env = Envelope::new(&serde_json::to_vec(&payload).unwrap());
    let SecretKey::Ed25519(sk) = secret else {
        panic!()
    };
    env.sign(sk).unwrap();
    serde_json::to_vec(&env).unwrap()
}

#[test]
fn a_bundle_verifies_and_decides_like_the_workspace() {
    let (_t, mut ws) = demo(50);
    let (_, secret, trusted) = key(&mut ws, "alice");
    let built = ws.build_bundle(&actor(), &opts(), &[secret]).unwrap();
    let b = bundle::verify(&built.bytes, &verify_opts(vec![trusted])).unwrap();
    assert_eq!(b.payload.meta.serial, 1);
    let emp: EmployeeId = "E018".parse().unwrap();
    let s = b.subject(&emp, t0()).unwrap();
    let rec = bundle::RecordRef {
        id: "C1".parse().unwrap(),
        owner: emp.clone(),
        department: "sales_east_sh".parse().unwrap(),
        tier: "customer".parse().unwrap(),
    };
    assert_eq!(
        b.level(&s, &rec, &"customer.id_card".parse().unwrap()),
        Level::Masked
    );
    assert_eq!(
        b.level(&s, &rec, &"customer.mobile".parse().unwrap()),
        Level::Read
    );
    assert_eq!(
        b.level(&s, &rec, &"customer.nope".parse().unwrap()),
        Level::Hidden,
        "unknown fields fail closed"
    );
    assert_eq!(b.action(&s, &rec, Action::Export).effect, Effect::Approval);
}

#[test]
fn the_same_revision_gives_byte_identical_policy() {
    let (_t, mut ws) = demo(10);
    let (_, secret, _) = key(&mut ws, "alice");
    let a = ws
        .build_bundle(&actor(), &opts(), std::slice::from_ref(&secret))
        .unwrap();
    let b = ws
        .build_bundle(
            &Actor::new("later", t0() + Duration::days(3)),
            &opts(),
            &[secret],
        )
        .unwrap();
    assert_eq!(
        bundle::payload::canonical(&a.payload.policy),
        bundle::payload::canonical(&b.payload.policy)
    );
    assert_eq!(a.payload.meta.content_digest, b.payload.meta.content_digest);
    assert_eq!(
        (a.record.serial, b.record.serial),
        (1, 2),
        "serials strictly increase"
    );
    let h = ws.bundle_history().unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].actor, "later");
}

#[test]
fn every_refusal_has_its_own_error() {
    let (_t, mut ws) = demo(10);
    let (_, alice, trust_alice) = key(&mut ws, "alice");
    let (_, bob, trust_bob) = key(&mut ws, "bob");
    let (_, mallory, _) = key(&mut ws, "mallory");
    let built = ws
        .build_bundle(&actor(), &opts(), std::slice::from_ref(&alice))
        .unwrap();
    let bytes = built.bytes.clone();
    let ok = verify_opts(vec![trust_alice.clone()]);
    assert!(bundle::verify(&bytes, &ok).is_ok());

    // A payload changed by one byte.
    let mut env = bundle::read_envelope(&bytes).unwrap();
    let mut body = env.payload_bytes().unwrap();
    let i = body.len() / 2;
    body[i] ^= 1;
    env.payload = STANDARD.encode(&body);
    let tampered = serde_json::to_vec(&env).unwrap();
    assert!(matches!(
        bundle::verify(&tampered, &ok),
        Err(BundleError::BadSignature { .. })
    ));

    // A forged signature under a trusted key id.
    let mut env = bundle::read_envelope(&bytes).unwrap();
    let forged_by = bundle::read_envelope(&cosign(&bytes, &mallory).unwrap())
        .unwrap()
        .signatures[1]
        .sig
        .clone();
    env.signatures[0].sig = forged_by;
    assert!(matches!(
        bundle::verify(&serde_json::to_vec(&env).unwrap(), &ok),
        Err(BundleError::BadSignature { .. })
    ));

    // Signed only by a key the verifier does not know.
    assert!(matches!(
        bundle::verify(&bytes, &verify_opts(vec![trust_bob.clone()])),
        Err(BundleError::UnknownKey(_))
    ));

    // Truncated.
    let err = bundle::verify(&bytes[..bytes.len() / 2], &ok).unwrap_err();
    assert!(
        matches!(err, BundleError::Malformed(ref m) if m.contains("truncated")),
        "{err}"
    );

    // Not JSON at all.
    assert!(matches!(
        bundle::verify(b"PK\x03\x04 zip file", &ok),
        Err(BundleError::Malformed(_))
    ));

    // Unsigned.
    let mut env = bundle::read_envelope(&bytes).unwrap();
    env.signatures.clear();
    assert_eq!(
        bundle::verify(&serde_json::to_vec(&env).unwrap(), &ok).unwrap_err(),
        BundleError::Unsigned
    );

    // Expired, and not yet valid.
    let late = VerifyOptions::new(vec![trust_alice.clone()], t0() + Duration::days(30));
    assert!(matches!(
        bundle::verify(&bytes, &late),
        Err(BundleError::Expired { .. })
    ));
    let early = VerifyOptions::new(vec![trust_alice.clone()], t0() - Duration::seconds(1));
    assert!(matches!(
        bundle::verify(&bytes, &early),
        Err(BundleError::NotYetValid { .. })
    ));
    let last_second = VerifyOptions::new(
        vec![trust_alice.clone()],
        t0() + Duration::days(30) - Duration::seconds(1),
    );
    assert!(
        bundle::verify(&bytes, &last_second).is_ok(),
        "valid until the last second before expiry"
    );

    // Rollback.
    let mut floor = ok.clone();
    floor.min_serial = Some(2);
    assert_eq!(
        bundle::verify(&bytes, &floor).unwrap_err(),
        BundleError::Rollback {
            serial: 1,
            min_serial: 2
        }
    );
    floor.min_serial = Some(1);
    assert!(
        bundle::verify(&bytes, &floor).is_ok(),
        "the same serial again is not a rollback"
    );

    // Two-person rule.
    let mut two = VerifyOptions::new(
        vec![trust_alice.clone(), trust_bob.clone()],
        t0() + Duration::hours(1),
    );
    two.threshold = 2;
    assert_eq!(
        bundle::verify(&bytes, &two).unwrap_err(),
        BundleError::MissingSignatures {
            valid: 1,
            required: 2
        }
    );
    let cosigned = cosign(&bytes, &bob).unwrap();
    let b = bundle::verify(&cosigned, &two).unwrap();
    assert_eq!(b.signed_by.len(), 2);
    let twice_alice = cosign(&bytes, &alice).unwrap();
    assert!(
        matches!(
            bundle::verify(&twice_alice, &two),
            Err(BundleError::MissingSignatures { valid: 1, .. })
        ),
        "two signatures by one key are one signer"
    );

    // Unknown fields: in the envelope, and in a correctly signed payload.
    let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    v["comment"] = "hello".into();
    assert!(matches!(
        bundle::verify(&serde_json::to_vec(&v).unwrap(), &ok),
        Err(BundleError::UnknownField(_))
    ));
    let extra = resign(&bytes, |p| p["meta"]["priority"] = 1.into(), &alice);
    assert!(
        matches!(bundle::verify(&extra, &ok), Err(BundleError::UnknownField(ref m)) if m.contains("priority"))
    );

    // A correctly signed payload whose stated digest does not match its policy.
    let lied = resign(
        &bytes,
        |p| p["policy"]["cells"]["sales_rep"] = serde_json::Value::String("3".repeat(60)),
        &alice,
    );
    assert!(matches!(
        bundle::verify(&lied, &ok),
        Err(BundleError::DigestMismatch { .. })
    ));

    // Another format version.
    let future = resign(
        &bytes,
        |p| p["format"] = "permgrid.bundle.v9".into(),
        &alice,
    );
    assert!(matches!(
        bundle::verify(&future, &ok),
        Err(BundleError::UnsupportedFormat(_))
    ));
}

/// Re-signs an edited payload with its content digest recomputed over the edited policy, as
/// someone holding the key would: only the content checks stand between it and a service.
fn resign_with_digest(
    bytes: &[u8],
    edit: impl FnOnce(&mut serde_json::Value),
    secret: &SecretKey,
) -> Vec<u8> {
    resign(
        bytes,
        |p| {
            edit(p);
            let policy = serde_json::to_vec(&p["policy"]).unwrap();
            p["meta"]["contentDigest"] = bundle::payload::digest_of(&policy).into();
        },
        secret,
    )
}

#[test]
fn malformed_cells_in_a_correctly_signed_bundle_are_refused() {
    let (_t, mut ws) = demo(10);
    let (_, secret, trusted) = key(&mut ws, "alice");
    let built = ws
        .build_bundle(&actor(), &opts(), std::slice::from_ref(&secret))
        .unwrap();
    let ok = verify_opts(vec![trusted]);
    // The digest is over the policy's bytes as they stand (here re-serialized with other key
    // order), so an untouched re-signed policy verifies: the refusals below are about content.
    let same = resign_with_digest(&built.bytes, |_| {}, &secret);
    assert!(bundle::verify(&same, &ok).is_ok());

    let policy = &built.payload.policy;
    let nf = policy.fields.len();
    assert!(
        policy
            .cells
            .values()
            .any(|c| c.bytes().any(|b| b.is_ascii_lowercase())),
        "the demo has approval-gated cells (letters)"
    );
    let refused = |edit: &dyn Fn(&mut serde_json::Value)| -> BundleError {
        let bytes = resign_with_digest(&built.bytes, edit, &secret);
        bundle::verify(&bytes, &ok).unwrap_err()
    };
    let malformed = |e: BundleError| match e {
        BundleError::Malformed(m) => m,
        other => panic!("expected a malformed-bundle refusal, got {other:?}"),
    };
    let cells = |p: &mut serde_json::Value, v: String| p["policy"]["cells"]["sales_rep"] = v.into();

    let m = malformed(refused(&|p| cells(p, "0".repeat(nf - 1))));
    assert!(
        m.contains(&format!(
            "cells of role `sales_rep` have {} characters for {nf} fields",
            nf - 1
        )),
        "{m}"
    );
    let first = &policy.fields[0].id;
    for bad in ["4", "g", "-", "A"] {
        let m = malformed(refused(&|p| {
            cells(p, format!("{bad}{}", "0".repeat(nf - 1)))
        }));
        assert!(
            m.contains(&format!(
                "cell character `{bad}` of role `sales_rep`, field `{first}` is not one of 0-3, a-f"
            )),
            "{m}"
        );
    }
    let m = malformed(refused(&|p| {
        p["policy"]["cells"]["ghost"] = "0".repeat(nf).into()
    }));
    assert!(m.contains("cells name unknown role `ghost`"), "{m}");
    // The v1 layout (`levels` and a map of gated field ids) under the v2 format name.
    let e = refused(&|p| {
        let c = p["policy"]
            .as_object_mut()
            .unwrap()
            .remove("cells")
            .unwrap();
        p["policy"]["levels"] = c;
        p["policy"]["approvals"] = serde_json::json!({"sales_rep": {"customer.phone": "read"}});
    });
    assert!(
        matches!(&e, BundleError::UnknownField(m) if m.contains("unknown field `levels`")),
        "{e:?}"
    );

    // A bundle of the earlier format is refused by name, with what to do.
    let v1 = resign_with_digest(
        &built.bytes,
        |p| p["format"] = "permgrid.bundle.v1".into(),
        &secret,
    );
    let err = bundle::verify(&v1, &ok).unwrap_err();
    assert_eq!(
        err,
        BundleError::UnsupportedFormat("permgrid.bundle.v1".into())
    );
    assert!(err.to_string().contains("rebuild the bundle"), "{err}");
}

#[test]
fn a_workspace_with_a_broken_audit_chain_is_not_signed_over() {
    let (t, mut ws) = demo(10);
    let (_, secret, _) = key(&mut ws, "alice");
    let head = ws.audit_verify().unwrap().head;
    let built = ws
        .build_bundle(&actor(), &opts(), std::slice::from_ref(&secret))
        .unwrap();
    assert_eq!(
        built.payload.meta.audit_head, head,
        "the bundle anchors the chain's head as it was before its own entry"
    );
    drop(ws);
    // Someone rewrites an entry by hand (the triggers that forbid it dropped first).
    let conn = rusqlite::Connection::open(&t.path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;
         UPDATE audit SET actor = 'mallory' WHERE seq = 2;",
    )
    .unwrap();
    drop(conn);
    let mut ws = Workspace::open(&t.path).unwrap();
    let err = ws
        .build_bundle(&actor(), &opts(), std::slice::from_ref(&secret))
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::PreconditionFailed);
    assert!(
        err.to_string()
            .contains("the audit log is broken at entry 2: its content does not match its hash"),
        "{err}"
    );
    assert_eq!(ws.bundle_history().unwrap().len(), 1, "nothing recorded");
}

#[test]
fn keys_are_sealed_audited_and_retired() {
    let (t, mut ws) = demo(10);
    let (info, _, _) = key(&mut ws, "alice");
    let err = ws.unlock_key(&info.id, b"wrong").err().unwrap();
    assert_eq!(err.code(), ErrorCode::WrongPassphrase);
    drop(ws);
    // The private key never sits in the file in plain text: the file holds only its sealed form.
    let conn = rusqlite::Connection::open(&t.path).unwrap();
    let sealed: String = conn
        .query_row("SELECT sealed FROM keys", [], |r| r.get(0))
        .unwrap();
    assert!(STANDARD.decode(&sealed).unwrap().starts_with(b"PGK1"));
    drop(conn);
    let mut ws = Workspace::open(&t.path).unwrap();
    let secret = ws.unlock_key(&info.id, b"pw").unwrap();
    let raw = secret.seed();
    let file = std::fs::read(&t.path).unwrap();
    assert!(
        !file.windows(32).any(|w| w == raw.as_slice()),
        "the raw private key is nowhere in the workspace file"
    );
    let new = ws
        .rotate_key(&actor(), &info.id, b"pw2", KdfCost::testing())
        .unwrap();
    assert_ne!(new.id, info.id);
    let err = ws.unlock_key(&info.id, b"pw").err().unwrap();
    assert_eq!(
        err.code(),
        ErrorCode::PreconditionFailed,
        "a retired key cannot sign"
    );
    let log = ws
        .audit_log(&AuditFilter {
            action: Some("keys".into()),
            ..Default::default()
        })
        .unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["keys.generate", "keys.rotate", "keys.retire"]);
}

#[test]
fn an_es256_key_cannot_sign_a_permgrid_bundle() {
    let (_t, mut ws) = demo(10);
    let info = ws
        .generate_key(&actor(), Algorithm::Es256, "opa", b"pw", KdfCost::testing())
        .unwrap();
    let secret = ws.unlock_key(&info.id, b"pw").unwrap();
    let err = ws.build_bundle(&actor(), &opts(), &[secret]).err().unwrap();
    assert!(err.to_string().contains("needs ed25519"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// The bundle evaluator and the workspace evaluator agree on every decision.
    #[test]
    fn bundle_and_workspace_decisions_agree(seed in any::<u64>(), texts in prop::collection::vec(text(), 40)) {
        let (entities, customers) = build(seed, &texts);
        let mut snap = Snapshot::default();
        for e in entities {
            snap.put(e);
        }
        let doc = PolicyDoc::from_snapshot(&snap, true);
        // Through canonical bytes, as a verifier reads them.
        let doc: PolicyDoc = serde_json::from_slice(&bundle::payload::canonical(&doc)).unwrap();
        // The verifier's fast path (cells straight from the level digits), and the full snapshot.
        let from_bundle = doc.compile().unwrap().1;
        prop_assert_eq!(&Policy::compile(&doc.to_snapshot().unwrap()).cells, &from_bundle.cells);
        let from_ws = Policy::compile(&snap);
        for now in [t0() - Duration::hours(30), t0(), t0() + Duration::hours(20)] {
            for (e, _) in snap.employees.iter() {
                let sw = from_ws.subject(from_ws.emp_ix[e], now);
                let sb = from_bundle.subject(from_bundle.emp_ix[e], now);
                for c in &customers {
                    let (rw, rb) = (from_ws.record(c), from_bundle.record(c));
                    for f in snap.fields.keys() {
                        prop_assert_eq!(from_ws.level(&sw, &rw, from_ws.field_ix[f]), from_bundle.level(&sb, &rb, from_bundle.field_ix[f]));
                    }
                    for a in Action::ALL {
                        prop_assert_eq!(from_ws.action(&sw, &rw, *a), from_bundle.action(&sb, &rb, *a));
                    }
                }
            }
        }
    }
}

#[test]
fn the_published_json_schemas_match_the_code() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets");
    let (envelope, payload) = bundle::json_schemas();
    for (name, schema) in [
        ("bundle.schema.json", envelope),
        ("bundle-payload.schema.json", payload),
    ] {
        let path = dir.join(name);
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        if std::env::var_os("PERMGRID_UPDATE_SCHEMAS").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        let published = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            published == text,
            "assets/{name} is out of date with the bundle types: run `PERMGRID_UPDATE_SCHEMAS=1 cargo test -p permgrid-engine --test engine schemas` and commit it"
        );
    }
}
