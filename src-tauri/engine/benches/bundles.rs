//! Bundle benchmarks (DESIGN.md section 5):
//! - build + sign a bundle of 500 roles x 5,000 fields (target < 300 ms); verify it (< 50 ms);
//! - one decision on a loaded bundle (< 50 ns median), beside the cedar-policy authorizer on the
//!   exported Cedar policies for the same requests (target: permgrid >= 100x faster).
//!
//! Run with `cargo bench -p permgrid-engine --bench bundles`; results are in docs/benchmarks.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use chrono::Duration;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

use permgrid::bundle::{self, Envelope, PolicyDoc, Target, TrustedKey, VerifyOptions};
use permgrid::export::{engine, probes, Ask};
use permgrid::model::*;

mod common;
use common::{big, now};

fn key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[42u8; 32])
}

fn build_and_sign(s: &Snapshot) -> Vec<u8> {
    let payload = bundle::build(
        s,
        "bench",
        "bench",
        1,
        1,
        now(),
        now() + Duration::days(30),
        vec![Target::Native],
        true,
        "head",
    );
    let mut env = Envelope::new(&bundle::payload::canonical(&payload));
    env.sign(&key()).unwrap();
    serde_json::to_vec(&env).unwrap()
}

fn bench_big(c: &mut Criterion) {
    let s = big();
    assert_eq!(s.roles.len(), 500);
    assert_eq!(s.fields.len(), 5000);
    let mut g = c.benchmark_group("bundle of 500 roles x 5,000 fields");
    g.sample_size(10);
    g.bench_function("build + sign (from a loaded snapshot)", |b| {
        b.iter(|| build_and_sign(black_box(&s)))
    });
    // Where build + sign spends its time.
    g.bench_function(
        "of which: compile the snapshot into level digits (PolicyDoc)",
        |b| b.iter(|| PolicyDoc::from_snapshot(black_box(&s), true)),
    );
    let doc = PolicyDoc::from_snapshot(&s, true);
    g.bench_function("of which: canonical JSON + SHA-256 content digest", |b| {
        b.iter(|| bundle::payload::content_digest(black_box(&doc)))
    });
    let canonical = bundle::payload::canonical(&doc);
    g.bench_function("of which: envelope (base64) + Ed25519 signature", |b| {
        b.iter(|| {
            let mut env = Envelope::new(black_box(&canonical));
            env.sign(&key()).unwrap();
            env
        })
    });
    let bytes = build_and_sign(&s);
    eprintln!("bundle size: {} bytes", bytes.len());
    let opts = VerifyOptions::new(vec![TrustedKey::new(key().verifying_key())], now());
    g.bench_function("verify (signature, digest, parse, compile)", |b| {
        b.iter(|| bundle::verify(black_box(&bytes), &opts).unwrap())
    });
    g.finish();
}

fn bench_decision(c: &mut Criterion) {
    let (changes, _) = permgrid::demo::build(0).unwrap();
    let mut s = Snapshot::default();
    for ch in &changes {
        s.apply(ch);
    }
    let bytes = build_and_sign(&s);
    let opts = VerifyOptions::new(vec![TrustedKey::new(key().verifying_key())], now());
    let b = bundle::verify(&bytes, &opts).unwrap();
    let p = b.policy();
    // The same requests for permgrid and for Cedar.
    let field_probes: Vec<_> = probes(&s, 2000, 7, now())
        .into_iter()
        .filter(|pr| matches!(pr.ask, Ask::Field(_)))
        .take(256)
        .collect();
    let resolved: Vec<_> = field_probes
        .iter()
        .map(|pr| {
            let Ask::Field(f) = &pr.ask else {
                unreachable!()
            };
            (
                p.subject(p.emp_ix[&pr.employee], pr.at),
                pr.record.clone(),
                p.field_ix[f],
            )
        })
        .collect();
    let recs: Vec<_> = resolved.iter().map(|(_, c, _)| p.record(c)).collect();
    let mut g = c.benchmark_group("one decision on a loaded bundle (demo)");
    let mut i = 0usize;
    g.bench_function("permgrid", |bch| {
        bch.iter(|| {
            i = (i + 1) % resolved.len();
            let (subject, _, fi) = &resolved[i];
            p.level(black_box(subject), black_box(&recs[i]), black_box(*fi))
        })
    });
    let doc = PolicyDoc::from_snapshot(&s, true);
    match permgrid::export::export(Target::Cedar, &s, &doc, now()) {
        Ok(files) => {
            let cedar = engine(Target::Cedar, &files.files).unwrap();
            let mut j = 0usize;
            g.bench_function(
                "cedar-policy authorizer, same requests (level = 2 authorizer calls)",
                |bch| {
                    bch.iter(|| {
                        j = (j + 1) % field_probes.len();
                        cedar.answer(black_box(&field_probes[j])).unwrap()
                    })
                },
            );
        }
        Err(e) => eprintln!("cedar export unavailable: {e}"),
    }
    g.finish();
}

criterion_group!(benches, bench_big, bench_decision);
criterion_main!(benches);
