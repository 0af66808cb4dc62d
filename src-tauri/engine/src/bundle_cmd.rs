//! `permgrid keys ...` and `permgrid bundle ...`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use clap::{Args, Subcommand};

use permgrid::api::{self, BuildOptions, Workspace};
use permgrid::bundle::{self, RecordRef, Target, TrustedKey, VerifyOptions};
use permgrid::keys::{Algorithm, KdfCost, PublicKey};
use permgrid::model::{Action, Actor, CustomerId, DeptId, EmployeeId, FieldId, TierId};

use super::{fail, print, write_atomically, Failure, Format};

#[derive(Args)]
pub struct Passphrase {
    /// Read the passphrase from this file (first line) instead of $PERMGRID_PASSPHRASE or a prompt
    #[arg(long)]
    passphrase_file: Option<PathBuf>,
}

impl Passphrase {
    /// The passphrase: from the file, the environment, or a prompt on a terminal.
    fn read(&self, what: &str) -> Result<Vec<u8>, Failure> {
        if let Some(f) = &self.passphrase_file {
            let text = std::fs::read_to_string(f)
                .map_err(|e| fail(format!("cannot read `{}`: {e}", f.display())))?;
            return Ok(text.lines().next().unwrap_or("").as_bytes().to_vec());
        }
        if let Ok(p) = std::env::var("PERMGRID_PASSPHRASE") {
            return Ok(p.into_bytes());
        }
        if std::io::stdin().is_terminal() {
            let p = rpassword::prompt_password(format!("passphrase for {what}: "))
                .map_err(|e| fail(e.to_string()))?;
            return Ok(p.into_bytes());
        }
        Err(fail(
            "no passphrase: set PERMGRID_PASSPHRASE, pass --passphrase-file, or run in a terminal",
        ))
    }
}

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Generate a signing key; its private part is stored sealed under a passphrase
    Generate {
        /// ed25519 signs permgrid bundles; es256 signs OPA bundles
        #[arg(long, default_value = "ed25519")]
        algorithm: Algorithm,
        #[arg(long, default_value = "")]
        label: String,
        #[command(flatten)]
        pass: Passphrase,
    },
    /// List keys (public parts only)
    List,
    /// Write a key's public part (PEM) for verifiers
    ExportPublic {
        id: String,
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
    },
    /// Retire a key: it can no longer sign
    Retire { id: String },
    /// Replace a key by a new one of the same algorithm and retire it
    Rotate {
        id: String,
        #[command(flatten)]
        pass: Passphrase,
    },
}

/// A duration like `30d`, `12h`, `90m`.
fn duration(s: &str) -> Result<Duration, String> {
    let (num, unit) = s.split_at(s.len().saturating_sub(1));
    let n: i64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration like 30d, 12h or 90m"))?;
    match unit {
        "d" => Ok(Duration::days(n)),
        "h" => Ok(Duration::hours(n)),
        "m" => Ok(Duration::minutes(n)),
        _ => Err(format!("`{s}` is not a duration like 30d, 12h or 90m")),
    }
}

#[derive(Args)]
pub struct Trust {
    /// Public key (PEM) to trust; repeat for several
    #[arg(long = "key", required = true)]
    keys: Vec<PathBuf>,
    /// Valid signatures by distinct trusted keys required (N of M)
    #[arg(long, default_value_t = 1)]
    threshold: usize,
    /// Serial of the last bundle accepted: lower serials are refused as rollbacks
    #[arg(long)]
    min_serial: Option<u64>,
    /// Verify as of this time (RFC 3339) [default: now]
    #[arg(long)]
    at: Option<DateTime<Utc>>,
}

impl Trust {
    fn options(&self, now: DateTime<Utc>) -> Result<VerifyOptions, Failure> {
        let mut keys = Vec::new();
        for k in &self.keys {
            let pem = std::fs::read_to_string(k)
                .map_err(|e| fail(format!("cannot read `{}`: {e}", k.display())))?;
            match PublicKey::from_pem(&pem).map_err(|e| fail(format!("`{}`: {e}", k.display())))? {
                PublicKey::Ed25519(vk) => keys.push(TrustedKey::new(vk)),
                PublicKey::Es256(_) => {
                    return Err(fail(format!(
                        "`{}` is an es256 key: permgrid bundles are signed with ed25519",
                        k.display()
                    )))
                }
            }
        }
        Ok(VerifyOptions {
            keys,
            threshold: self.threshold,
            min_serial: self.min_serial,
            at: self.at.unwrap_or(now),
        })
    }
}

#[derive(Subcommand)]
pub enum BundleCommand {
    /// Build and sign a bundle of a revision
    Build {
        #[arg(long)]
        revision: Option<i64>,
        /// Export targets besides the native policy: cedar, casbin, opa (repeat)
        #[arg(long = "target")]
        targets: Vec<Target>,
        /// Ed25519 key to sign with (repeat for several signers sharing the passphrase source)
        #[arg(long = "key")]
        keys: Vec<String>,
        /// ES256 key that signs the OPA bundle (with --target opa)
        #[arg(long)]
        opa_key: Option<String>,
        /// How long the bundle is valid
        #[arg(long, default_value = "30d", value_parser = duration)]
        valid_for: Duration,
        /// Leave out the employee snapshot (services then pass roles themselves)
        #[arg(long)]
        no_org: bool,
        #[arg(long, short = 'o')]
        output: PathBuf,
        #[command(flatten)]
        pass: Passphrase,
    },
    /// Add a signature to a bundle (e.g. a second administrator: the two-person rule)
    Sign {
        file: PathBuf,
        #[arg(long)]
        key: String,
        /// Write here instead of replacing the file
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
        #[command(flatten)]
        pass: Passphrase,
    },
    /// Verify a bundle: signatures, keys, digest, validity window, rollback
    Verify {
        file: PathBuf,
        #[command(flatten)]
        trust: Trust,
    },
    /// Show what a bundle says, without verifying it
    Inspect { file: PathBuf },
    /// Verify a bundle, then decide straight from it
    Decide {
        file: PathBuf,
        #[command(flatten)]
        trust: Trust,
        employee: EmployeeId,
        /// A field to decide (or use --action)
        field: Option<FieldId>,
        #[arg(long, conflicts_with = "field")]
        action: Option<Action>,
        /// The record: id, owner, department and tier
        #[arg(long, default_value = "C0")]
        customer: CustomerId,
        #[arg(long)]
        owner: Option<EmployeeId>,
        #[arg(long)]
        department: Option<DeptId>,
        #[arg(long)]
        tier: Option<TierId>,
    },
    /// Bundles built from this workspace
    History,
    /// Write the files of an export target from a verified bundle
    Export {
        file: PathBuf,
        #[command(flatten)]
        trust: Trust,
        #[arg(long)]
        target: Target,
        /// Directory to write into
        #[arg(long, short = 'o')]
        output: PathBuf,
    },
}

pub fn keys(cmd: KeysCommand, path: &Path, actor: &Actor, fmt: Format) -> Result<(), Failure> {
    let mut ws = Workspace::open(path)?;
    match cmd {
        KeysCommand::Generate {
            algorithm,
            label,
            pass,
        } => {
            let p = pass.read("the new key")?;
            let k = ws.generate_key(actor, algorithm, &label, &p, KdfCost::default())?;
            print(fmt, &k, || {
                format!("generated {} key {} {}", k.algorithm, k.id, k.label)
            })
        }
        KeysCommand::List => {
            let keys = ws.keys()?;
            print(fmt, &keys, || {
                keys.iter()
                    .map(|k| {
                        format!(
                            "{}  {:<7}  {}  {:<8}  {}",
                            k.id,
                            k.algorithm,
                            k.created_at.format("%Y-%m-%d %H:%M"),
                            if k.retired_at.is_some() {
                                "retired"
                            } else {
                                "active"
                            },
                            k.label
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        KeysCommand::ExportPublic { id, output } => {
            let pem = ws.export_public_key(actor, &id)?;
            match output {
                Some(o) => write_atomically(&o, pem.as_bytes()),
                None => print(Format::Text, &pem, || pem.trim_end().to_owned()),
            }
        }
        KeysCommand::Retire { id } => {
            ws.retire_key(actor, &id)?;
            print(fmt, &id, || format!("retired key {id}"))
        }
        KeysCommand::Rotate { id, pass } => {
            let p = pass.read("the new key")?;
            let k = ws.rotate_key(actor, &id, &p, KdfCost::default())?;
            print(fmt, &k, || {
                format!("rotated {id} -> {} ({})", k.id, k.algorithm)
            })
        }
    }
}

fn read(file: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(file).map_err(|e| fail(format!("cannot read `{}`: {e}", file.display())))
}

fn verified(
    file: &Path,
    trust: &Trust,
    now: DateTime<Utc>,
) -> Result<bundle::VerifiedBundle, Failure> {
    let bytes = read(file)?;
    bundle::verify(&bytes, &trust.options(now)?)
        .map_err(|e| fail(format!("{}: {e}", file.display())))
}

pub fn bundle(cmd: BundleCommand, path: &Path, actor: &Actor, fmt: Format) -> Result<(), Failure> {
    match cmd {
        BundleCommand::Build {
            revision,
            targets,
            keys,
            opa_key,
            valid_for,
            no_org,
            output,
            pass,
        } => {
            let mut ws = Workspace::open(path)?;
            if keys.is_empty() {
                return Err(fail(
                    "name a signing key with --key (see `permgrid keys list`)",
                ));
            }
            if targets.contains(&Target::Opa) && opa_key.is_none() {
                return Err(fail("--target opa needs --opa-key: an es256 key (OPA does not verify ed25519 bundle signatures)"));
            }
            let p = pass.read("the signing key")?;
            let secrets = keys
                .iter()
                .map(|k| ws.unlock_key(k, &p))
                .collect::<Result<Vec<_>, _>>()?;
            let opa_secret = match &opa_key {
                Some(k) => Some(ws.unlock_key(k, &p)?),
                None => None,
            };
            let opts = BuildOptions {
                revision,
                targets,
                valid_for,
                with_org: !no_org,
                file: output.display().to_string(),
            };
            let built = ws.build_bundle(actor, &opts, &secrets)?;
            write_atomically(&output, &built.bytes)?;
            let mut written = vec![output.display().to_string()];
            if let Some(secret) = opa_secret {
                let tar = api::opa_tarball(&built.payload, &secret)?;
                let tar_path = output.with_extension("opa.tar.gz");
                write_atomically(&tar_path, &tar)?;
                written.push(tar_path.display().to_string());
            }
            let r = &built.record;
            print(fmt, r, || {
                let checks: Vec<String> = built
                    .payload
                    .exports
                    .iter()
                    .map(|e| match &e.check {
                        Some(c) => format!(
                            "{}: {} agreed on {} of {} requests",
                            e.target.as_str(),
                            c.engine,
                            c.requests - c.disagreements,
                            c.requests
                        ),
                        None => format!("{}: not checked", e.target.as_str()),
                    })
                    .collect();
                let mut lines = vec![format!(
                    "bundle serial {} of revision {} signed by {}, valid until {}, digest {}",
                    r.serial,
                    r.revision,
                    r.key_ids.join(", "),
                    r.expires_at.format("%Y-%m-%d %H:%M UTC"),
                    r.digest
                )];
                lines.extend(checks);
                lines.push(format!("wrote {}", written.join(", ")));
                lines.join("\n")
            })
        }
        BundleCommand::Sign {
            file,
            key,
            output,
            pass,
        } => {
            let mut ws = Workspace::open(path)?;
            let p = pass.read("the signing key")?;
            let secret = ws.unlock_key(&key, &p)?;
            let signed = api::cosign(&read(&file)?, &secret)?;
            let out = output.unwrap_or_else(|| file.clone());
            write_atomically(&out, &signed)?;
            ws.record_cosign(actor, &out.display().to_string(), &key)?;
            print(fmt, &key, || {
                format!("signed {} with key {key}", out.display())
            })
        }
        BundleCommand::Verify { file, trust } => {
            let b = verified(&file, &trust, actor.at)?;
            let m = &b.payload.meta;
            print(fmt, &b.payload.meta, || {
                format!(
                    "{}: valid\nworkspace {} ({}), revision {}, serial {}\nissued {}, expires {}\nsigned by {}\ntargets {}",
                    file.display(),
                    m.workspace_name,
                    m.workspace,
                    m.revision,
                    m.serial,
                    m.issued_at.format("%Y-%m-%d %H:%M UTC"),
                    m.expires_at.format("%Y-%m-%d %H:%M UTC"),
                    b.signed_by.join(", "),
                    m.targets.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
                )
            })
        }
        BundleCommand::Inspect { file } => {
            let env = bundle::read_envelope(&read(&file)?)
                .map_err(|e| fail(format!("{}: {e}", file.display())))?;
            let payload =
                bundle::read_payload(&env).map_err(|e| fail(format!("{}: {e}", file.display())))?;
            let m = &payload.meta;
            let sigs: Vec<String> = env.signatures.iter().map(|s| s.keyid.clone()).collect();
            let gated: usize = payload
                .policy
                .cells
                .values()
                .map(|c| {
                    c.bytes()
                        .filter_map(bundle::payload::char_cell)
                        .filter(|c| c.approval.is_some())
                        .count()
                })
                .sum();
            let summary = serde_json::json!({
                "format": payload.format,
                "meta": m,
                "signatures": sigs,
                "roles": payload.policy.roles.len(),
                "approvalGatedCells": gated,
                "fields": payload.policy.fields.len(),
                "guardrails": payload.policy.guardrails.len(),
                "grants": payload.policy.grants.len(),
                "employees": payload.policy.org.as_ref().map(|o| o.employees.len()),
                "exports": payload.exports.iter().map(|e| serde_json::json!({"target": e.target, "files": e.files.keys().collect::<Vec<_>>(), "check": e.check})).collect::<Vec<_>>(),
            });
            print(fmt, &summary, || {
                format!(
                    "{} (not verified, {})\nworkspace {} ({}), revision {}, serial {}\nissued {}, valid {} .. {}\nsignatures by {}\n{} roles, {} fields ({} approval-gated cells), {} guardrails, {} temporary grants, {} employees\ncontent digest {}",
                    file.display(),
                    payload.format,
                    m.workspace_name,
                    m.workspace,
                    m.revision,
                    m.serial,
                    m.issued_at.format("%Y-%m-%d %H:%M UTC"),
                    m.not_before.format("%Y-%m-%d %H:%M UTC"),
                    m.expires_at.format("%Y-%m-%d %H:%M UTC"),
                    if sigs.is_empty() { "nobody".to_owned() } else { sigs.join(", ") },
                    payload.policy.roles.len(),
                    payload.policy.fields.len(),
                    gated,
                    payload.policy.guardrails.len(),
                    payload.policy.grants.len(),
                    payload.policy.org.as_ref().map(|o| o.employees.len()).unwrap_or(0),
                    m.content_digest
                )
            })
        }
        BundleCommand::Decide {
            file,
            trust,
            employee,
            field,
            action,
            customer,
            owner,
            department,
            tier,
        } => {
            let at = trust.at.unwrap_or(actor.at);
            let b = verified(&file, &trust, actor.at)?;
            let subject = b.subject(&employee, at).map_err(|e| fail(e.to_string()))?;
            let emp_dept = b
                .snapshot()
                .employees
                .get(&employee)
                .map(|e| e.department.clone());
            let record = RecordRef {
                id: customer,
                owner: owner.unwrap_or_else(|| employee.clone()),
                department: department
                    .or(emp_dept)
                    .ok_or_else(|| fail("pass --department for the record"))?,
                tier: tier.ok_or_else(|| fail("pass --tier for the record"))?,
            };
            match (field, action) {
                (Some(f), _) => {
                    let e = b
                        .explain(&subject, &record, &f, at)
                        .map_err(|e| fail(e.to_string()))?;
                    print(fmt, &e, || e.text.en.join("\n"))
                }
                (None, Some(a)) => {
                    let o = b.action(&subject, &record, a);
                    let v = serde_json::json!({"action": a, "effect": o.effect, "alert": o.alert, "approvals": o.approvals});
                    print(fmt, &v, || {
                        format!(
                            "{a}: {}{}",
                            o.effect,
                            if o.alert { " (raises an alert)" } else { "" }
                        )
                    })
                }
                (None, None) => Err(fail("name a field, or --action ACTION")),
            }
        }
        BundleCommand::History => {
            let ws = Workspace::open(path)?;
            let h = ws.bundle_history()?;
            print(fmt, &h, || {
                h.iter()
                    .map(|b| {
                        format!(
                            "serial {:>4}  revision {:>4}  {}  {:<12}  {:<20}  keys {}  {}",
                            b.serial,
                            b.revision,
                            b.at.format("%Y-%m-%d %H:%M"),
                            b.actor,
                            b.targets.join(","),
                            b.key_ids.join(","),
                            b.file
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        BundleCommand::Export {
            file,
            trust,
            target,
            output,
        } => {
            let b = verified(&file, &trust, actor.at)?;
            let export = b
                .payload
                .exports
                .iter()
                .find(|e| e.target == target)
                .ok_or_else(|| {
                    fail(format!(
                        "the bundle has no {} export (built with --target {})",
                        target.as_str(),
                        target.as_str()
                    ))
                })?;
            for (name, content) in &export.files {
                let p = output.join(name);
                if let Some(dir) = p.parent() {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| fail(format!("cannot create `{}`: {e}", dir.display())))?;
                }
                write_atomically(&p, content.as_bytes())?;
            }
            let names: Vec<&String> = export.files.keys().collect();
            print(fmt, &names, || {
                format!("wrote {} files to {}", names.len(), output.display())
            })
        }
    }
}
