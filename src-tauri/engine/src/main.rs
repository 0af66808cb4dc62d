//! `permgrid`: the command line over the engine's `api`, for scripts and CI pipelines.
//! Every failure exits non-zero with a one-line reason on standard error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;

use permgrid::api::Who;
use permgrid::api::{ApiError, Workspace};
use permgrid::csv::CsvKind;
use permgrid::model::{
    Actor, Cell, CustomerId, DeptId, EmployeeId, FieldId, Level, ObjectId, RoleId, Scope, TierId,
};
use permgrid::store::AuditFilter;

#[derive(Parser)]
#[command(
    name = "permgrid",
    version,
    about = "Design, review and ship customer-information permission matrices"
)]
struct Cli {
    /// The workspace file [default: workspace.permgrid in the user's data directory]
    #[arg(long, short = 'w', global = true, env = "PERMGRID_WORKSPACE")]
    workspace: Option<PathBuf>,
    /// Output format for commands that report something
    #[arg(long, short = 'f', global = true, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Who is acting, recorded in the audit log [default: $USER]
    #[arg(long, global = true, env = "PERMGRID_ACTOR")]
    actor: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Human-readable text (tables for views)
    #[value(alias = "table")]
    Text,
    Json,
    /// CSV (for `simulate`; other commands print text)
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Lang {
    Zh,
    En,
    Both,
}

#[derive(Subcommand)]
enum Command {
    /// Create a workspace (with --demo: the demo company, matrix and 10,000 customers)
    Init {
        #[arg(long)]
        demo: bool,
        /// Workspace name
        #[arg(long, default_value = "permgrid workspace")]
        name: String,
        /// Number of demo customers
        #[arg(long, default_value_t = permgrid::demo::DEMO_CUSTOMERS, requires = "demo")]
        customers: usize,
    },
    /// Show what the workspace holds
    Info,
    /// Import a CSV file atomically (kinds: departments employees roles objects tiers fields
    /// matrix matrix-long scopes guardrails customers)
    Import { kind: CsvKind, file: PathBuf },
    /// Export a kind as CSV to standard output or a file
    Export {
        kind: CsvKind,
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
    },
    /// Set one cell: LEVEL is hidden|masked|read|edit, optionally +LEVEL needing approval
    /// (e.g. masked+read), or `undecided` to clear it
    Grant {
        role: RoleId,
        field: FieldId,
        level: String,
    },
    /// Set a role's row scope on an object (none own team department department_tree all)
    Scope {
        role: RoleId,
        object: ObjectId,
        scope: Scope,
        /// Highest tier reached, or `all`
        #[arg(long, default_value = "all")]
        tiers: String,
    },
    /// List revisions
    Revisions,
    /// What differs between two revisions: the entities changed, or with --people what every
    /// employee gains and loses (field levels by tier, actions, sample customers reached)
    Diff {
        from: i64,
        to: i64,
        /// Per employee instead of per entity
        #[arg(long)]
        people: bool,
        /// Decide at this time (RFC 3339; with --people) [default: now]
        #[arg(long, requires = "people")]
        at: Option<DateTime<Utc>>,
    },
    /// Bring the workspace back to a revision (recorded as a new revision)
    Restore { revision: i64 },
    /// The customer table as an employee (or a set of roles) sees it
    Simulate {
        /// Employee id (omit with --roles)
        employee: Option<EmployeeId>,
        /// Simulate a set of roles instead of an employee (comma-separated)
        #[arg(long, value_delimiter = ',', conflicts_with = "employee")]
        roles: Vec<RoleId>,
        /// Department for --roles (for department scopes)
        #[arg(long, requires = "roles")]
        department: Option<DeptId>,
        /// Simulate over these sample customers instead of the workspace's
        #[arg(long)]
        customers: Option<PathBuf>,
        /// Decide at this time (RFC 3339) [default: now]
        #[arg(long)]
        at: Option<DateTime<Utc>>,
        /// Rows to print (text format)
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Column labels in this language
        #[arg(long, value_enum, default_value_t = Lang::En)]
        lang: Lang,
    },
    /// Why an employee sees a field of a customer as they do, and the smallest change that gives more
    Explain {
        employee: EmployeeId,
        field: FieldId,
        /// The customer [default: the first customer they reach]
        #[arg(long)]
        customer: Option<CustomerId>,
        #[arg(long)]
        at: Option<DateTime<Utc>>,
        #[arg(long, value_enum, default_value_t = Lang::Both)]
        lang: Lang,
    },
    /// Who can see a field (at least at a level, on a tier), with reasons
    WhoCan {
        field: FieldId,
        #[arg(long, default_value = "masked")]
        level: Level,
        #[arg(long)]
        tier: Option<TierId>,
        #[arg(long)]
        at: Option<DateTime<Utc>>,
    },
    /// What an employee can see, field by field and tier by tier
    Sees {
        employee: EmployeeId,
        #[arg(long)]
        at: Option<DateTime<Utc>>,
    },
    /// Compare two employees' views, or one employee's view at a revision (--before) against now
    Compare {
        a: EmployeeId,
        b: Option<EmployeeId>,
        /// Compare A at this revision against A now
        #[arg(long, conflicts_with = "b")]
        before: Option<i64>,
        #[arg(long)]
        at: Option<DateTime<Utc>>,
        #[arg(long, value_enum, default_value_t = Lang::En)]
        lang: Lang,
    },
    /// Signing keys (private parts sealed under a passphrase)
    Keys {
        #[command(subcommand)]
        command: bundle_cmd::KeysCommand,
    },
    /// Signed policy bundles: build, sign, verify, inspect, decide, history, export
    Bundle {
        #[command(subcommand)]
        command: bundle_cmd::BundleCommand,
    },
    /// The audit log
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// List entries, oldest first
    Log {
        #[arg(long)]
        actor: Option<String>,
        /// Action or action prefix, e.g. `import` or `matrix.set`
        #[arg(long)]
        action: Option<String>,
        /// Text the target contains
        #[arg(long)]
        target: Option<String>,
        /// RFC 3339 time, e.g. 2026-12-01T00:00:00Z
        #[arg(long)]
        since: Option<DateTime<Utc>>,
        #[arg(long)]
        until: Option<DateTime<Utc>>,
        /// Only the last N entries
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Check the hash chain; exits 1 at the first broken link
    Verify,
}

mod bundle_cmd;
mod view;

/// A failure: the message printed, and the exit code.
pub(crate) struct Failure {
    message: String,
    code: Option<permgrid::api::ErrorCode>,
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure {
            message: e.to_string(),
            code: Some(e.code()),
        }
    }
}

pub(crate) fn fail(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
        code: None,
    }
}

fn default_workspace() -> Result<PathBuf, Failure> {
    directories::ProjectDirs::from("", "", "permgrid")
        .map(|d| d.data_dir().join("workspace.permgrid"))
        .ok_or_else(|| fail("no home directory: pass --workspace"))
}

pub(crate) fn print<T: Serialize>(
    format: Format,
    value: &T,
    text: impl FnOnce() -> String,
) -> Result<(), Failure> {
    let out = match format {
        Format::Json => serde_json::to_string_pretty(value).map_err(|e| fail(e.to_string()))?,
        Format::Text | Format::Csv => text(),
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{out}").map_err(|e| fail(e.to_string()))
}

fn edit_text(what: &str, r: &permgrid::api::EditReport) -> String {
    match r.revision {
        Some(rev) => format!("{what}: {} changed, revision {rev}", r.changed),
        None => format!("{what}: nothing changed"),
    }
}

/// Writes `bytes` next to `path` and renames it into place, so a failure never leaves half a file.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let tmp = path.with_extension("permgrid-tmp");
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            fail(format!("cannot write `{}`: {e}", path.display()))
        })
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let path = match cli.workspace {
        Some(p) => p,
        None => default_workspace()?,
    };
    let actor_name = cli
        .actor
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .unwrap_or_else(|| "unknown".into());
    let actor = Actor::new(actor_name, Utc::now());
    let fmt = cli.format;
    match cli.command {
        Command::Init {
            demo,
            name,
            customers,
        } => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| fail(format!("cannot create `{}`: {e}", dir.display())))?;
            }
            let ws = if demo {
                Workspace::create_demo(&path, &actor, customers)?
            } else {
                Workspace::create(&path, &name, &actor)?
            };
            let s = ws.summary()?;
            print(fmt, &s, || {
                format!(
                    "created {}: {} employees, {} roles, {} fields, {} customers",
                    s.path, s.employees, s.roles, s.fields, s.customers
                )
            })?;
        }
        Command::Info => {
            let ws = Workspace::open(&path)?;
            let s = ws.summary()?;
            print(fmt, &s, || {
                format!(
                    "workspace   {}\nname        {}\nid          {}\nrevision    {}\ndepartments {}\nemployees   {}\nroles       {}\nobjects     {}\nfields      {} ({} to review)\ntiers       {}\ncells       {} decided of {}\nscopes      {}\nguardrails  {}\ncustomers   {}",
                    s.path, s.meta.name, s.meta.id, s.revision, s.departments, s.employees, s.roles, s.objects,
                    s.fields, s.fields_to_review, s.tiers, s.cells, s.cells_total, s.policies, s.guardrails, s.customers
                )
            })?;
        }
        Command::Import { kind, file } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| fail(format!("cannot read `{}`: {e}", file.display())))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut ws = Workspace::open(&path)?;
            let r = ws.import_csv(&actor, kind, &name, &bytes)?;
            print(fmt, &r, || edit_text(&format!("imported {name}"), &r))?;
        }
        Command::Export { kind, output } => {
            let mut ws = Workspace::open(&path)?;
            let mut buf = Vec::new();
            ws.export_csv(&actor, kind, &mut buf)?;
            match output {
                Some(p) => write_atomically(&p, &buf)?,
                None => std::io::stdout()
                    .lock()
                    .write_all(&buf)
                    .map_err(|e| fail(e.to_string()))?,
            }
        }
        Command::Grant { role, field, level } => {
            let cell = match level.as_str() {
                "undecided" | "-" => None,
                l => Some(l.parse::<Cell>().map_err(|e| fail(e.to_string()))?),
            };
            let mut ws = Workspace::open(&path)?;
            let r = ws.set_cells(&actor, &[(role.clone(), field.clone(), cell)])?;
            print(fmt, &r, || {
                edit_text(&format!("{role} x {field} = {level}"), &r)
            })?;
        }
        Command::Scope {
            role,
            object,
            scope,
            tiers,
        } => {
            let max_tier = match tiers.as_str() {
                "all" | "" => None,
                t => Some(t.parse::<TierId>().map_err(|e| fail(e.to_string()))?),
            };
            let mut ws = Workspace::open(&path)?;
            let r = ws.set_scope(&actor, &role, &object, scope, max_tier)?;
            print(fmt, &r, || {
                edit_text(&format!("{role} on {object}: {scope} up to {tiers}"), &r)
            })?;
        }
        Command::Revisions => {
            let ws = Workspace::open(&path)?;
            let revs = ws.revisions()?;
            print(fmt, &revs, || {
                revs.iter()
                    .map(|r| {
                        format!(
                            "{:>5}  {}  {:<12}  {:>6} changes  {}",
                            r.id,
                            r.at.format("%Y-%m-%d %H:%M:%S"),
                            r.actor,
                            r.changes,
                            r.message
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        Command::Diff {
            from,
            to,
            people: true,
            at,
        } => {
            let mut ws = Workspace::open(&path)?;
            let d = ws.people_diff(from, Some(to), at.unwrap_or(actor.at))?;
            print(fmt, &d, || people_diff_text(from, to, &d))?;
        }
        Command::Diff { from, to, .. } => {
            let ws = Workspace::open(&path)?;
            let d = ws.diff(from, to)?;
            print(fmt, &d, || {
                if d.is_empty() {
                    return format!("revisions {from} and {to} are the same");
                }
                d.iter()
                    .map(|e| {
                        format!(
                            "{} {}: {} -> {}",
                            e.kind,
                            e.key,
                            e.from.as_deref().unwrap_or("(none)"),
                            e.to.as_deref().unwrap_or("(none)")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
        }
        Command::Restore { revision } => {
            let mut ws = Workspace::open(&path)?;
            let r = ws.restore(&actor, revision)?;
            print(fmt, &r, || {
                edit_text(&format!("restored revision {revision}"), &r)
            })?;
        }
        Command::Simulate {
            employee,
            roles,
            department,
            customers,
            at,
            limit,
            offset,
            lang,
        } => {
            let who = match employee {
                Some(id) => Who::Employee { id },
                None if !roles.is_empty() => Who::Roles { roles, department },
                None => return Err(fail("name an employee, or --roles ROLE,ROLE")),
            };
            let at = at.unwrap_or(actor.at);
            let mut ws = Workspace::open(&path)?;
            let custom = match customers {
                Some(f) => {
                    let bytes = std::fs::read(&f)
                        .map_err(|e| fail(format!("cannot read `{}`: {e}", f.display())))?;
                    let name = f
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    Some(ws.parse_customers(&name, &bytes)?)
                }
                None => None,
            };
            match fmt {
                Format::Csv => {
                    let mut out = Vec::new();
                    ws.simulate_csv(&who, at, custom.as_deref(), &mut out)?;
                    std::io::stdout()
                        .lock()
                        .write_all(&out)
                        .map_err(|e| fail(e.to_string()))?;
                }
                Format::Json => {
                    let r = ws.simulate(&who, at, custom.as_deref(), offset, usize::MAX)?;
                    print(fmt, &r, String::new)?;
                }
                Format::Text => {
                    let r = ws.simulate(&who, at, custom.as_deref(), offset, limit)?;
                    print(fmt, &r, || view::simulation_text(&r, lang == Lang::Zh))?;
                }
            }
        }
        Command::Explain {
            employee,
            field,
            customer,
            at,
            lang,
        } => {
            let mut ws = Workspace::open(&path)?;
            let e = ws.explain(&employee, &field, customer.as_ref(), at.unwrap_or(actor.at))?;
            print(fmt, &e, || {
                let mut lines = Vec::new();
                if lang != Lang::En {
                    lines.extend(e.text.zh.iter().cloned());
                }
                if lang == Lang::Both {
                    lines.push(String::new());
                }
                if lang != Lang::Zh {
                    lines.extend(e.text.en.iter().cloned());
                }
                lines.join("\n")
            })?;
        }
        Command::WhoCan {
            field,
            level,
            tier,
            at,
        } => {
            let mut ws = Workspace::open(&path)?;
            let w = ws.who_can(&field, level, tier.as_ref(), at.unwrap_or(actor.at))?;
            print(fmt, &w, || view::who_can_text(&w))?;
        }
        Command::Sees { employee, at } => {
            let mut ws = Workspace::open(&path)?;
            let f = ws.what_can(&Who::Employee { id: employee }, at.unwrap_or(actor.at))?;
            print(fmt, &f, || view::sees_text(&f))?;
        }
        Command::Compare {
            a,
            b,
            before,
            at,
            lang,
        } => {
            let mut ws = Workspace::open(&path)?;
            let at = at.unwrap_or(actor.at);
            let wa = Who::Employee { id: a.clone() };
            let (c, la, lb) = match (b, before) {
                (Some(b), _) => {
                    let c = ws.compare(&wa, &Who::Employee { id: b.clone() }, at)?;
                    (c, a.to_string(), b.to_string())
                }
                (None, Some(rev)) => (
                    ws.compare_revision(&wa, rev, at)?,
                    format!("{a} at revision {rev}"),
                    format!("{a} now"),
                ),
                (None, None) => return Err(fail("name a second employee, or --before REVISION")),
            };
            print(fmt, &c, || {
                view::compare_text(&c, &la, &lb, lang == Lang::Zh)
            })?;
        }
        Command::Keys { command } => bundle_cmd::keys(command, &path, &actor, fmt)?,
        Command::Bundle { command } => bundle_cmd::bundle(command, &path, &actor, fmt)?,
        Command::Audit { command } => match command {
            AuditCommand::Log {
                actor,
                action,
                target,
                since,
                until,
                limit,
            } => {
                let ws = Workspace::open(&path)?;
                let entries = ws.audit_log(&AuditFilter {
                    actor,
                    action,
                    target,
                    since,
                    until,
                    limit,
                })?;
                print(fmt, &entries, || {
                    entries
                        .iter()
                        .map(|e| {
                            let change = match (&e.old, &e.new) {
                                (Some(o), Some(n)) => format!("{o} -> {n}"),
                                (None, Some(n)) => n.clone(),
                                (Some(o), None) => format!("{o} -> (none)"),
                                (None, None) => String::new(),
                            };
                            format!(
                                "{:>5}  {}  {:<12}  {:<18}  {}  {}",
                                e.seq,
                                e.at.format("%Y-%m-%d %H:%M:%S"),
                                e.actor,
                                e.action,
                                e.target,
                                change
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                })?;
            }
            AuditCommand::Verify => {
                let ws = Workspace::open(&path)?;
                let report = ws.audit_verify()?;
                print(fmt, &report, || match &report.broken {
                    None => format!(
                        "audit chain intact: {} entries, head {}",
                        report.entries, report.head
                    ),
                    Some(b) => format!("audit chain broken at entry {}: {}", b.seq, b.reason),
                })?;
                if let Some(b) = &report.broken {
                    return Err(Failure {
                        message: format!("audit chain broken at entry {}: {}", b.seq, b.reason),
                        code: Some(permgrid::api::ErrorCode::Corrupt),
                    });
                }
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.format == Format::Json;
    match run(cli) {
        Ok(code) => code,
        Err(f) => {
            let line = f.message.replace('\n', " ");
            if json {
                let code = f.code.unwrap_or(permgrid::api::ErrorCode::InvalidInput);
                eprintln!("{}", serde_json::json!({ "code": code, "message": line }));
            } else {
                eprintln!("permgrid: {line}");
            }
            ExitCode::FAILURE
        }
    }
}

/// The text form of a people-level diff: each distinct change once, with the people it
/// applies to, then the people whose reach alone changes.
fn people_diff_text(from: i64, to: i64, d: &permgrid::simulate::PeopleDiff) -> String {
    use permgrid::simulate::Presence;
    if d.people.is_empty() {
        return format!(
            "from revision {from} to {to}, nobody's access changes ({} employees)",
            d.employees
        );
    }
    let mut out = vec![format!(
        "from revision {from} to {to}: {} of {} employees change",
        d.people.len(),
        d.employees
    )];
    let person = |p: &permgrid::simulate::PersonChange| {
        let mut s = format!("{} {} ({})", p.employee, p.name, p.department);
        match p.presence {
            Presence::Added => s.push_str(" [new]"),
            Presence::Removed => s.push_str(" [gone]"),
            Presence::Both => {}
        }
        if p.customers_gained > 0 || p.customers_lost > 0 {
            s.push_str(&format!(
                ", customers +{} -{}",
                p.customers_gained, p.customers_lost
            ));
        }
        s
    };
    for (i, c) in d.changes.iter().enumerate() {
        out.push(String::new());
        out.push(format!(
            "change {}: {} people, {} levels raised, {} lowered, {} actions",
            i + 1,
            c.people,
            c.raised,
            c.lowered,
            c.actions.len()
        ));
        for l in c.levels.iter().take(20) {
            out.push(format!(
                "  {} on {}: {} -> {}",
                l.field, l.tier, l.before, l.after
            ));
        }
        if c.levels.len() > 20 {
            out.push(format!("  ... {} more level changes", c.levels.len() - 20));
        }
        for a in c.actions.iter().take(20) {
            out.push(format!(
                "  {} {} on {}: {} -> {}",
                a.object, a.action, a.tier, a.before, a.after
            ));
        }
        if c.actions.len() > 20 {
            out.push(format!(
                "  ... {} more action changes",
                c.actions.len() - 20
            ));
        }
        let who: Vec<String> = d
            .people
            .iter()
            .filter(|p| p.change == u32::try_from(i).ok())
            .take(10)
            .map(person)
            .collect();
        out.push(format!("  people: {}", who.join("; ")));
        if c.people > 10 {
            out.push(format!("  ... and {} more", c.people - 10));
        }
    }
    let reach_only: Vec<String> = d
        .people
        .iter()
        .filter(|p| p.change.is_none())
        .map(person)
        .collect();
    if !reach_only.is_empty() {
        out.push(String::new());
        out.push("reach only:".into());
        out.extend(reach_only.into_iter().map(|p| format!("  {p}")));
    }
    out.join("\n")
}
