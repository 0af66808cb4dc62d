//! The OPA export against the real engine: regorus, loaded with the bundle's Rego and
//! data.json, must give permgrid's own decision on every probe — over random workspaces and
//! the demo — and the signed tarball must verify as OPA verifies it, refusing any change.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::time::Instant;

use permgrid::bundle::{PolicyDoc, Target};
use permgrid::decide::Policy;
use permgrid::export::opa::{self, OpaBundleError, OpaEngine};
use permgrid::export::{probes, Ask, Engine};
use permgrid::model::{Effect, Level, Snapshot};

use crate::random::{build, id, text};
use crate::support::{self, demo, disagreements, t0};

fn random_snapshot(seed: u64, texts: &[String]) -> Snapshot {
    let (entities, _) = build(seed, texts);
    support::snapshot(entities)
}

fn export_files(snap: &Snapshot) -> BTreeMap<String, String> {
    let doc = PolicyDoc::from_snapshot(snap, true);
    opa::files(snap, &doc).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Every rule of docs/decisions.md (status, role closure, temporary grants and their
    /// windows, scopes, tiers, caps, the 64-role limit...) is exercised by random workspaces;
    /// the Rego must agree with the compiled policy on all of them.
    #[test]
    fn regorus_agrees_with_permgrid_on_random_workspaces(
        seed in any::<u64>(),
        texts in prop::collection::vec(text(), 40),
    ) {
        let snap = random_snapshot(seed, &texts);
        let found = disagreements(Target::Opa, &snap, 500, seed);
        prop_assert!(
            found.is_empty(),
            "regorus disagrees with permgrid on {} of 500 probes:\n{}",
            found.len(),
            found.iter().take(10).cloned().collect::<Vec<_>>().join("\n")
        );
    }
}

#[test]
fn regorus_agrees_with_permgrid_on_the_demo() {
    let snap = demo();
    let start = Instant::now();
    let found = disagreements(Target::Opa, &snap, 10_000, 0xdec1de);
    eprintln!(
        "opa demo: 10000 probes in {:?} (export, load, evaluate)",
        start.elapsed()
    );
    assert!(
        found.is_empty(),
        "regorus disagrees with permgrid on {} of 10000 demo probes:\n{}",
        found.len(),
        found
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The decision values a service acts on besides the level and effect: the mask rule of a
/// masked field, the level an approved request would give (after guardrails), alerts and
/// approval counts of actions — each equal to permgrid's explanation / action outcome.
#[test]
fn decision_values_match_explanations_on_the_demo() {
    let snap = demo();
    let files = export_files(&snap);
    let eng = OpaEngine::load(&files).unwrap();
    let policy = Policy::compile(&snap);
    let (mut approvals, mut alerts, mut masked) = (0, 0, 0);
    for p in probes(&snap, 1_500, 7, t0()) {
        let emp = policy.emp_ix[&p.employee];
        let s = policy.subject(emp, p.at);
        let rec = policy.record(&p.record);
        match &p.ask {
            Ask::Field(f) => {
                let fi = policy.field_ix[f];
                let e = policy.explain(&snap, &s, &rec, fi, p.at);
                let got = eng
                    .eval("data.permgrid.field_decision", OpaEngine::input(&p))
                    .unwrap();
                assert_eq!(got["level"], e.level.as_str(), "level of {p:?}");
                let want_approval = e.approval.map(|l| l.as_str());
                assert_eq!(
                    got["approvalLevel"].as_str(),
                    want_approval,
                    "approval level of {p:?}: the Rego must offer exactly what the explanation offers"
                );
                assert_eq!(got["approvalAvailable"], want_approval.is_some());
                let want_mask = (e.level == Level::Masked).then(|| snap.fields[f].mask.as_str());
                assert_eq!(got["maskRule"].as_str(), want_mask, "mask rule of {p:?}");
                assert_eq!(got["masked"], e.level == Level::Masked);
                approvals += usize::from(want_approval.is_some());
                masked += usize::from(e.level == Level::Masked);
            }
            Ask::Action(a) => {
                let o = policy.action(&s, &rec, *a);
                let got = eng
                    .eval("data.permgrid.action_decision", OpaEngine::input(&p))
                    .unwrap();
                assert_eq!(got["effect"], o.effect.as_str(), "effect of {p:?}");
                // An alert is raised when the action is performed: never on a denied action.
                let want_alert = o.alert && o.effect != Effect::Deny;
                assert_eq!(got["alert"], want_alert, "alert of {p:?}");
                assert_eq!(got["approvals"], o.approvals, "approvals of {p:?}");
                alerts += usize::from(want_alert);
            }
        }
    }
    assert!(
        approvals > 0 && alerts > 0 && masked > 0,
        "the sample must exercise approval offers ({approvals}), alerts ({alerts}) and masks ({masked})"
    );
}

#[test]
fn records_with_unknown_tier_owner_or_department_fail_closed_alike() {
    // A service may send a record whose tier, owner or department the bundle does not know:
    // tier-limited scopes do not reach it, guardrails with a minimum tier apply to it, team and
    // department scopes do not cover it — in the Rego as in permgrid.
    let texts: Vec<String> = (0..40).map(|i| format!("名{i}")).collect();
    let snaps = std::iter::once((demo(), 3_000))
        .chain((0..80u64).map(|seed| (random_snapshot(seed, &texts), 60)));
    let (mut checked, mut changed) = (0, 0);
    for (n, (snap, count)) in snaps.enumerate() {
        let eng = OpaEngine::load(&export_files(&snap)).unwrap();
        let policy = Policy::compile(&snap);
        for (i, p) in probes(&snap, count, n as u64, t0()).into_iter().enumerate() {
            let mut q = p.clone();
            match i % 3 {
                0 => q.record.tier = "unknown_tier".parse().unwrap(),
                1 => q.record.owner = "nobody".parse().unwrap(),
                _ => q.record.department = "nowhere".parse().unwrap(),
            }
            let want = permgrid::export::expected(&policy, &q);
            assert_eq!(eng.answer(&q).unwrap(), want, "{q:?}");
            checked += 1;
            // Unknown-tier probes decided differently from their known tier (tier-limited
            // scopes stop reaching, minimum-tier guardrails start applying).
            if i % 3 == 0 && want != permgrid::export::expected(&policy, &p) {
                changed += 1;
            }
        }
    }
    assert!(checked > 3_000, "only {checked} probes");
    assert!(
        changed > 0,
        "some unknown-tier record must be decided differently from its known tier"
    );
}

#[test]
fn more_than_64_roles_decide_on_the_first_64() {
    use permgrid::model::*;
    let name = |s: &str| s.to_owned();
    let role = |i: usize| -> RoleId { id(format!("r{i:02}")) };
    let customer: ObjectId = id("customer".into());
    let field: FieldId = id("customer.f0".into());
    let mut es = vec![
        Entity::Department(Department {
            id: id("d0".into()),
            name_zh: name("销售部"),
            name_en: name("Sales"),
            parent: None,
        }),
        Entity::Object(ObjectDef {
            id: customer.clone(),
            name_zh: name("客户"),
            name_en: name("Customer"),
        }),
        Entity::Tier(Tier {
            id: id("t0".into()),
            rank: 0,
            name_zh: name("客户"),
            name_en: name("Customer"),
        }),
        Entity::Field(Field {
            id: field.clone(),
            object: customer.clone(),
            label_zh: name("手机"),
            label_en: name("Mobile"),
            field_type: FieldType::Phone,
            sensitivity: Sensitivity::Restricted,
            mask: MaskRule::Mobile,
            category: Category::Sensitive,
        }),
    ];
    for i in 0..70 {
        es.push(Entity::Role(Role {
            id: role(i),
            name_zh: format!("角色{i}"),
            name_en: format!("Role {i}"),
            rank: if i == 69 { 95 } else { 1 },
            inherits: Vec::new(),
            description: String::new(),
        }));
    }
    // Only roles beyond the first 64 would cover and grant anything.
    for i in 64..70 {
        es.push(Entity::Policy(ObjectPolicy {
            role: role(i),
            object: customer.clone(),
            scope: Scope::All,
            max_tier: None,
            actions: [Effect::Allow; ACTION_COUNT],
        }));
        es.push(Entity::Cell(CellEntry {
            key: CellKey {
                role: role(i),
                field: field.clone(),
            },
            cell: Cell::plain(Level::Edit),
        }));
    }
    es.push(Entity::Employee(Employee {
        id: id("e0".into()),
        name: name("李雷"),
        title: String::new(),
        department: id("d0".into()),
        manager: None,
        roles: (0..70).map(role).collect(),
        status: Status::Active,
    }));
    let window = |id_: &str, subject, what| TemporaryGrant {
        id: id(id_.into()),
        subject,
        what,
        customers: Vec::new(),
        valid_from: t0() - chrono::Duration::hours(1),
        valid_until: t0() + chrono::Duration::hours(1),
        reason: name("审计"),
        approver: None,
        created_by: name("test"),
        revoked_at: None,
        request: None,
    };
    es.push(Entity::Grant(window(
        "tg0",
        GrantSubject::Role(role(65)),
        GrantWhat::Scope {
            object: customer.clone(),
            scope: Scope::All,
            max_tier: None,
        },
    )));
    es.push(Entity::Grant(window(
        "tg1",
        GrantSubject::Employee(id("e0".into())),
        GrantWhat::Field {
            field: field.clone(),
            level: Level::Masked,
        },
    )));
    es.push(Entity::Guardrail(Guardrail {
        id: id("g0".into()),
        name_zh: name("低级别隐藏"),
        name_en: name("Hidden below rank 90"),
        when: GuardrailWhen {
            below_rank: Some(90),
            ..GuardrailWhen::default()
        },
        effect: GuardrailEffect::CapLevel {
            level: Level::Hidden,
        },
    }));
    let snap = support::snapshot(es);
    let eng = OpaEngine::load(&export_files(&snap)).unwrap();
    let policy = Policy::compile(&snap);
    let probe = |ask| permgrid::export::Probe {
        employee: id("e0".into()),
        record: Customer {
            id: id("c1".into()),
            owner: id("e0".into()),
            department: id("d0".into()),
            tier: id("t0".into()),
            values: BTreeMap::new(),
        },
        at: t0(),
        ask,
    };
    // The role scope grant makes the record reachable, but r65 is the 66th role: it gives
    // nothing; the field grant gives masked; rank 95 (from r69) keeps the cap away.
    let f = probe(Ask::Field(field.clone()));
    assert_eq!(
        permgrid::export::expected(&policy, &f),
        permgrid::export::Answer::Level(Level::Masked)
    );
    assert_eq!(
        eng.answer(&f).unwrap(),
        permgrid::export::expected(&policy, &f)
    );
    for a in Action::ALL {
        let q = probe(Ask::Action(*a));
        assert_eq!(
            eng.answer(&q).unwrap(),
            permgrid::export::Answer::Effect(Effect::Deny)
        );
        assert_eq!(
            eng.answer(&q).unwrap(),
            permgrid::export::expected(&policy, &q)
        );
    }
}

#[test]
fn an_export_without_the_org_is_refused() {
    let snap = demo();
    let doc = PolicyDoc::from_snapshot(&snap, false);
    assert!(
        opa::files(&snap, &doc).is_err(),
        "OPA decides by employee id: without the org it could only deny, so the export says so"
    );
}

// ------------------------------------------------------------------------------ tarball

fn es256(seed: u8) -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&[seed; 32]).unwrap()
}

/// The entries of a gzipped tar (name, bytes), in order.
fn unpack(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut raw)
        .unwrap();
    let mut a = tar::Archive::new(raw.as_slice());
    a.entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = String::from_utf8(e.path_bytes().into_owned()).unwrap();
            let mut b = Vec::new();
            e.read_to_end(&mut b).unwrap();
            (name, b)
        })
        .collect()
}

/// A gzipped tar of raw entries (names written as given, even with a leading `/`).
fn repack(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut t = tar::Builder::new(gz);
    for (name, bytes) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        let raw = name.as_bytes();
        h.as_old_mut().name[..raw.len()].copy_from_slice(raw);
        h.set_cksum();
        t.append(&h, bytes.as_slice()).unwrap();
    }
    let mut gz = t.into_inner().unwrap();
    gz.flush().unwrap();
    gz.finish().unwrap()
}

fn signed_demo() -> (BTreeMap<String, String>, Vec<u8>, p256::ecdsa::VerifyingKey) {
    let files = export_files(&demo());
    let key = es256(7);
    let bytes = opa::tarball(&files, Some((&key, "permgrid-test"))).unwrap();
    (files, bytes, *key.verifying_key())
}

#[test]
fn a_signed_tarball_verifies_and_round_trips() {
    let (files, bytes, vk) = signed_demo();
    let names: Vec<String> = unpack(&bytes).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [".manifest", ".signatures.json", "permgrid/data.json", "permgrid/policy.rego"],
        "the bundle layout OPA expects: manifest and signatures at the root, data and policy under the root `permgrid`"
    );
    assert_eq!(opa::verify_tarball(&bytes, &vk).unwrap(), files);
    let again = opa::tarball(&files, Some((&es256(7), "permgrid-test"))).unwrap();
    assert_eq!(
        again, bytes,
        "same files and key give the same bundle bytes"
    );

    // The JWT is what OPA expects: ES256 header with kid, claims listing every file.
    let sigs = &unpack(&bytes)[1].1;
    let doc: serde_json::Value = serde_json::from_slice(sigs).unwrap();
    let token = doc["signatures"][0].as_str().unwrap();
    let part = |i: usize| -> serde_json::Value {
        let b = URL_SAFE_NO_PAD
            .decode(token.split('.').nth(i).unwrap())
            .unwrap();
        serde_json::from_slice(&b).unwrap()
    };
    assert_eq!(part(0)["alg"], "ES256");
    assert_eq!(part(0)["kid"], "permgrid-test");
    let claims = part(1);
    let listed: Vec<&str> = claims["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["algorithm"], "SHA-256");
            f["name"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        listed,
        [".manifest", "permgrid/data.json", "permgrid/policy.rego"]
    );
}

#[test]
fn a_bundle_written_with_leading_slashes_like_opa_build_verifies() {
    let (files, bytes, vk) = signed_demo();
    let entries: Vec<(String, Vec<u8>)> = unpack(&bytes)
        .into_iter()
        .map(|(n, b)| (format!("/{n}"), b))
        .collect();
    assert_eq!(
        opa::verify_tarball(&repack(&entries), &vk).unwrap(),
        files,
        "OPA strips one leading `/` before looking a file up in the signature"
    );
}

#[test]
fn a_changed_byte_in_any_file_is_refused() {
    let (_, bytes, vk) = signed_demo();
    let entries = unpack(&bytes);
    for (i, (name, content)) in entries.iter().enumerate() {
        // A change of content (not of JSON whitespace, which OPA's canonical hash ignores).
        let text = String::from_utf8(content.clone()).unwrap();
        let changed = if name == opa::SIGNATURES_FILE {
            // The signed claims with one digest changed, the signature kept.
            let token = serde_json::from_str::<serde_json::Value>(&text).unwrap()["signatures"][0]
                .as_str()
                .unwrap()
                .to_owned();
            let parts: Vec<&str> = token.split('.').collect();
            let claims = String::from_utf8(URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
            let digit = claims.find("\"hash\":\"").unwrap() + 8;
            let mut forged = claims.into_bytes();
            forged[digit] = if forged[digit] == b'0' { b'1' } else { b'0' };
            let forged = format!(
                "{}.{}.{}",
                parts[0],
                URL_SAFE_NO_PAD.encode(forged),
                parts[2]
            );
            text.replace(&token, &forged)
        } else {
            text.replacen("permgrid", "permgrie", 1)
        };
        assert_ne!(changed, text, "{name} was changed");
        let mut tampered = entries.clone();
        tampered[i].1 = changed.into_bytes();
        let err = opa::open_tarball(&repack(&tampered), &vk).unwrap_err();
        if name == ".signatures.json" {
            assert!(
                matches!(
                    err,
                    OpaBundleError::BadSignatures(_) | OpaBundleError::BadSignature
                ),
                "an edited signatures file: {err}"
            );
        } else {
            assert!(
                matches!(&err, OpaBundleError::DigestMismatch { name: n, .. } if n == name),
                "a changed byte in {name} must be a digest mismatch, got: {err}"
            );
        }
    }
    // Any single byte of the policy, anywhere.
    let i = entries
        .iter()
        .position(|(n, _)| n == opa::POLICY_FILE)
        .unwrap();
    for pos in (0..entries[i].1.len()).step_by(997) {
        let mut tampered = entries.clone();
        tampered[i].1[pos] ^= 0x01;
        assert!(
            opa::open_tarball(&repack(&tampered), &vk).is_err(),
            "byte {pos} of the policy changed"
        );
    }
}

#[test]
fn a_missing_an_extra_or_a_duplicated_file_is_refused() {
    let (_, bytes, vk) = signed_demo();
    let entries = unpack(&bytes);
    for missing in [opa::MANIFEST_FILE, opa::DATA_FILE, opa::POLICY_FILE] {
        let fewer: Vec<_> = entries
            .iter()
            .filter(|(n, _)| n != missing)
            .cloned()
            .collect();
        let err = opa::open_tarball(&repack(&fewer), &vk).unwrap_err();
        assert!(
            matches!(&err, OpaBundleError::Missing(m) if m.contains(missing)),
            "without {missing}: {err}"
        );
    }
    let mut more = entries.clone();
    more.push((
        "permgrid/extra.rego".into(),
        b"package permgrid\nlevel := \"edit\"\n".to_vec(),
    ));
    let err = opa::open_tarball(&repack(&more), &vk).unwrap_err();
    assert_eq!(err, OpaBundleError::NotSigned("permgrid/extra.rego".into()));
    let mut twice = entries.clone();
    twice.push(entries[2].clone());
    assert!(matches!(
        opa::open_tarball(&repack(&twice), &vk).unwrap_err(),
        OpaBundleError::Duplicate(_)
    ));
    let unsigned: Vec<_> = entries
        .iter()
        .filter(|(n, _)| n != opa::SIGNATURES_FILE)
        .cloned()
        .collect();
    assert_eq!(
        opa::open_tarball(&repack(&unsigned), &vk).unwrap_err(),
        OpaBundleError::Unsigned,
        "a verifying OPA refuses a bundle without .signatures.json"
    );
}

#[test]
fn a_wrong_key_is_refused() {
    let (files, bytes, _) = signed_demo();
    let other = *es256(9).verifying_key();
    assert_eq!(
        opa::open_tarball(&bytes, &other).unwrap_err(),
        OpaBundleError::BadSignature
    );
    // Re-signed by someone else: still refused by the right key.
    let forged = opa::tarball(&files, Some((&es256(9), "permgrid-test"))).unwrap();
    assert_eq!(
        opa::open_tarball(&forged, es256(7).verifying_key()).unwrap_err(),
        OpaBundleError::BadSignature
    );
    let unsigned = opa::tarball(&files, None).unwrap();
    assert_eq!(
        opa::open_tarball(&unsigned, es256(7).verifying_key()).unwrap_err(),
        OpaBundleError::Unsigned
    );
    assert!(opa::open_tarball(b"not a tarball", es256(7).verifying_key()).is_err());
}

#[test]
fn names_that_opa_would_misread_are_refused_when_packing() {
    let key = es256(7);
    for bad in [
        "/abs.rego",
        "a/../b.rego",
        "./x.rego",
        "a//b.rego",
        "x/.signatures.json",
        "",
    ] {
        let files = BTreeMap::from([(bad.to_owned(), "package x\n".to_owned())]);
        assert!(
            opa::tarball(&files, Some((&key, "k"))).is_err(),
            "`{bad}` must be refused"
        );
    }
}

#[test]
fn structured_files_are_hashed_like_opa() {
    // OPA hashes data.json and .manifest over a canonical walk (sorted keys, no whitespace, Go's
    // string escaping), so layout does not matter and the digest of a compact, sorted document
    // is the SHA-256 of its bytes.
    use sha2::{Digest, Sha256};
    let a = br#"{ "b": [1, "x\u2028y", true, null], "a": {"z": "<&>", "y": -3} }"#;
    let b = br#"{"a":{"y":-3,"z":"<&>"},"b":[1,"x\u2028y",true,null]}"#;
    let da = opa::file_digest("permgrid/data.json", a).unwrap();
    assert_eq!(da, opa::file_digest("x/data.json", b).unwrap());
    assert_eq!(da, <[u8; 32]>::from(Sha256::digest(b)));
    // Raw bytes for anything else, structured names only by base name.
    assert_eq!(
        opa::file_digest("permgrid/policy.rego", a).unwrap(),
        <[u8; 32]>::from(Sha256::digest(a))
    );
    assert_ne!(opa::file_digest("permgrid/data.jsonx", a).unwrap(), da);
    // Non-integer numbers would be hashed by their literal text: never written, so refused.
    assert!(opa::file_digest("data.json", b"{\"a\": 1.5}").is_err());
}

#[test]
fn grants_with_fractional_times_decide_alike_in_seconds_and_nanoseconds() {
    // Grants made by approving a request start at an arbitrary instant (sub-second); services
    // send `now` in whole seconds, the harness sends `now_ns` for instants between seconds.
    use chrono::Duration;
    let texts: Vec<String> = (0..40).map(|i| format!("t{i}")).collect();
    let mut checked = 0;
    for seed in 0..400u64 {
        let mut snap = random_snapshot(seed, &texts);
        if snap.grants.is_empty() || snap.employees.is_empty() {
            continue;
        }
        for g in snap.grants.values_mut() {
            g.valid_from += Duration::milliseconds(500);
            g.valid_until += Duration::milliseconds(250);
            if let Some(r) = &mut g.revoked_at {
                *r += Duration::milliseconds(750);
            }
        }
        let eng = OpaEngine::load(&export_files(&snap)).unwrap();
        let policy = Policy::compile(&snap);
        for p in probes(&snap, 60, seed, t0()) {
            for ms in [0i64, -250, -500, -750, 1] {
                let mut q = p.clone();
                q.at += Duration::milliseconds(ms);
                assert_eq!(
                    eng.answer(&q).unwrap(),
                    permgrid::export::expected(&policy, &q),
                    "{q:?}"
                );
                checked += 1;
            }
        }
        if checked > 3_000 {
            break;
        }
    }
    assert!(checked > 1_000, "only {checked} probes");
}
