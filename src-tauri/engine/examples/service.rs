//! The production service of docs/bundles.md ("In a production service"), compiled by the test
//! suite so the documentation cannot drift from the library:
//!
//! `cargo run -p permgrid-engine --example service -- policy.bundle alice.pem [LAST_SERIAL]`
//!
//! Verifies the bundle with the trusted key (refusing a rollback below `LAST_SERIAL`), then asks
//! what the demo's sales rep 李雷 (E018) may do with one of his customers.

use permgrid::bundle::{verify, RecordRef, TrustedKey, VerifyOptions};
use permgrid::keys::PublicKey;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(bundle_file), Some(pem_file)) = (args.first(), args.get(1)) else {
        return Err("usage: service BUNDLE PUBLIC_KEY.pem [LAST_SERIAL]".into());
    };
    let last_accepted_serial: u64 = args.get(2).map(|s| s.parse()).transpose()?.unwrap_or(0);

    let PublicKey::Ed25519(key) = PublicKey::from_pem(&std::fs::read_to_string(pem_file)?)? else {
        return Err("the key is not an Ed25519 key: bundles are signed with Ed25519".into());
    };
    let mut opts = VerifyOptions::new(vec![TrustedKey::new(key)], chrono::Utc::now());
    opts.min_serial = Some(last_accepted_serial); // refuse rollbacks
    let bundle = verify(&std::fs::read(bundle_file)?, &opts)?; // or keep serving the old one

    let now = chrono::Utc::now();
    let li_lei = bundle.subject(&"E018".parse()?, now)?; // resolve once per request (or cache)
    let record = RecordRef {
        id: "C00015".parse()?,
        owner: "E018".parse()?,
        department: "sales_east_sh".parse()?,
        tier: "customer".parse()?,
    };
    let level = bundle.level(&li_lei, &record, &"customer.id_card".parse()?); // Level::Masked
    let export = bundle.action(&li_lei, &record, permgrid::model::Action::Export); // effect, alert, approvals
    let why = bundle.explain(&li_lei, &record, &"customer.id_card".parse()?, now)?; // reasons, zh and en
    println!(
        "serial {}: ID card {level}; export {:?}",
        bundle.payload.meta.serial, export.effect
    );
    for line in why.text.en {
        println!("  {line}");
    }
    Ok(())
}
