//! Decisions, simulations, explanations, comparisons and access queries over a workspace.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use ts_rs::TS;

use super::{ApiError, Workspace};
use crate::csv::{self, CsvKind, Parsed};
use crate::decide::explain::Explanation;
use crate::decide::{Policy, Subject};
use crate::model::{
    Cell, CellEntry, CellKey, Change, Customer, CustomerId, Department, DeptId, Effect, Employee,
    EmployeeId, Entity, Field, FieldId, GuardrailId, Level, ObjectId, Role, RoleId, Snapshot, Tier,
    TierId, CUSTOMER_OBJECT,
};
use crate::simulate::{
    self, Comparison, CustomerTable, FieldAccess, PeopleDiff, Side, Simulation, ViewPage, WhoCan,
};

/// Whose view: a named employee, or a set of roles (optionally placed in a department).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum Who {
    Employee {
        id: EmployeeId,
    },
    Roles {
        roles: Vec<RoleId>,
        department: Option<DeptId>,
    },
}

/// A simulated view: who, how many customers they see, and a page of rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SimulationReport {
    pub who: Who,
    /// The employee's name, or the roles' names.
    pub name: String,
    /// Roles in force (assigned, inherited and temporary).
    pub roles: Vec<RoleId>,
    pub active: bool,
    pub page: ViewPage,
    /// Exporting every customer of the view at once.
    pub bulk_export: BulkExportView,
}

/// A guardrail, named for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GuardrailName {
    pub id: GuardrailId,
    pub name_zh: String,
    pub name_en: String,
}

/// The outcome of a bulk export of every customer a view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BulkExportView {
    pub effect: Effect,
    /// A sensitive-operation alert would be raised.
    pub alert: bool,
    /// Approvals needed when `effect` is `approval`.
    pub approvals: u32,
    /// Customers the export would contain.
    pub records: u32,
    /// Fields left out of the export by guardrails.
    pub excluded_fields: Vec<FieldId>,
    /// Guardrails that lower the outcome, raise the alert or drop fields.
    pub guardrails: Vec<GuardrailName>,
}

/// Who there is to simulate (the department tree, the employees, the roles), and the customer
/// fields and tiers to ask about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Directory {
    pub departments: Vec<Department>,
    pub employees: Vec<Employee>,
    pub roles: Vec<Role>,
    /// The customer object's fields, in catalog order.
    pub fields: Vec<Field>,
    pub tiers: Vec<Tier>,
}

/// Compiled state reused between calls until the workspace changes.
pub(super) struct Loaded {
    pub rev: i64,
    pub snap: Snapshot,
    pub policy: Policy,
    pub customers: Vec<Customer>,
    pub table: CustomerTable,
    pub mask_key: Vec<u8>,
}

fn not_found(kind: &'static str, id: impl ToString) -> ApiError {
    ApiError::NotFound {
        kind,
        id: id.to_string(),
    }
}

/// `snap` with `cells` set (`None` removes a decision), every role and field checked.
fn with_cells(
    snap: &Snapshot,
    cells: &[(RoleId, FieldId, Option<Cell>)],
) -> Result<Snapshot, ApiError> {
    let mut after = snap.clone();
    for (role, field, cell) in cells {
        if !after.roles.contains_key(role) {
            return Err(not_found("role", role));
        }
        if !after.fields.contains_key(field) {
            return Err(not_found("field", field));
        }
        match cell {
            Some(c) => after.apply(&Change::put(Entity::Cell(CellEntry {
                key: CellKey {
                    role: role.clone(),
                    field: field.clone(),
                },
                cell: *c,
            }))),
            None => {
                after.cells.remove(role.as_str(), field.as_str());
            }
        }
    }
    Ok(after)
}

impl Loaded {
    /// A version to compare against: compiled, with the sample customers laid out for reach
    /// only (no field values, which a people-level diff never shows).
    fn for_comparison(snap: Snapshot, customers: &[Customer]) -> Loaded {
        let policy = Policy::compile(&snap);
        let table = CustomerTable::records(&policy, customers);
        Loaded {
            rev: -1,
            snap,
            policy,
            customers: Vec::new(),
            table,
            mask_key: Vec::new(),
        }
    }

    fn version(&self) -> simulate::Version<'_> {
        simulate::Version {
            policy: &self.policy,
            snap: &self.snap,
            table: &self.table,
        }
    }

    fn build(snap: Snapshot, customers: Vec<Customer>, rev: i64, mask_key: Vec<u8>) -> Loaded {
        let policy = Policy::compile(&snap);
        let table = CustomerTable::new(&policy, &customers);
        Loaded {
            rev,
            snap,
            policy,
            customers,
            table,
            mask_key,
        }
    }

    fn subject(&self, who: &Who, at: DateTime<Utc>) -> Result<Subject, ApiError> {
        match who {
            Who::Employee { id } => {
                let ix = self
                    .policy
                    .emp_ix
                    .get(id)
                    .ok_or_else(|| not_found("employee", id))?;
                Ok(self.policy.subject(*ix, at))
            }
            Who::Roles { roles, department } => {
                let ixs = roles
                    .iter()
                    .map(|r| {
                        self.policy
                            .role_ix
                            .get(r)
                            .copied()
                            .ok_or_else(|| not_found("role", r))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let dept = match department {
                    Some(d) => Some(
                        *self
                            .policy
                            .dept_ix
                            .get(d)
                            .ok_or_else(|| not_found("department", d))?,
                    ),
                    None => None,
                };
                Ok(self.policy.subject_for_roles(&ixs, dept, at))
            }
        }
    }

    fn name(&self, who: &Who) -> String {
        match who {
            Who::Employee { id } => self
                .snap
                .employees
                .get(id)
                .map(|e| e.name.clone())
                .unwrap_or_default(),
            Who::Roles { roles, .. } => roles
                .iter()
                .map(|r| {
                    self.snap
                        .roles
                        .get(r)
                        .map(|x| x.name_zh.clone())
                        .unwrap_or_else(|| r.to_string())
                })
                .collect::<Vec<_>>()
                .join(" + "),
        }
    }

    /// Exporting every customer `sim` shows, at once.
    fn bulk_export(
        &self,
        subject: &Subject,
        table: &CustomerTable,
        sim: &Simulation,
    ) -> BulkExportView {
        let recs: Vec<_> = sim
            .rows
            .iter()
            .filter_map(|r| table.rec(r.row as usize))
            .collect();
        let object = ObjectId::new(CUSTOMER_OBJECT)
            .ok()
            .and_then(|o| self.policy.object_ix.get(&o).copied())
            .unwrap_or(u16::MAX);
        let o = self.policy.bulk_export(subject, object, &recs);
        let mut guardrails: Vec<GuardrailName> = Vec::new();
        let named = o.guardrails.iter().map(|g| usize::from(*g)).chain(
            o.excluded_fields
                .iter()
                .filter_map(|f| self.policy.fields.get(*f as usize))
                .flat_map(|f| f.export_excludes.iter().map(|g| usize::from(*g))),
        );
        for gi in named {
            let Some(g) = self
                .policy
                .guardrails
                .get(gi)
                .and_then(|g| self.snap.guardrails.get(&g.id))
            else {
                continue;
            };
            if !guardrails.iter().any(|x| x.id == g.id) {
                guardrails.push(GuardrailName {
                    id: g.id.clone(),
                    name_zh: g.name_zh.clone(),
                    name_en: g.name_en.clone(),
                });
            }
        }
        BulkExportView {
            effect: o.effect,
            alert: o.alert,
            approvals: o.approvals,
            records: o.records,
            excluded_fields: o
                .excluded_fields
                .iter()
                .filter_map(|f| self.policy.fields.get(*f as usize))
                .map(|f| f.id.clone())
                .collect(),
            guardrails,
        }
    }

    fn field(&self, f: &FieldId) -> Result<u32, ApiError> {
        self.policy
            .field_ix
            .get(f)
            .copied()
            .ok_or_else(|| not_found("field", f))
    }
}

impl Workspace {
    pub(super) fn loaded(&mut self) -> Result<Arc<Loaded>, ApiError> {
        let head = self.store.head()?;
        if let Some(l) = &self.cache {
            if l.rev == head {
                return Ok(Arc::clone(l));
            }
        }
        let l = Arc::new(Loaded::build(
            self.store.load()?,
            self.store.customers(None)?,
            head,
            self.store.mask_key()?,
        ));
        self.cache = Some(Arc::clone(&l));
        Ok(l)
    }

    /// Parses a customers CSV (for simulating over other sample data) without importing it.
    pub fn parse_customers(&mut self, file: &str, bytes: &[u8]) -> Result<Vec<Customer>, ApiError> {
        let l = self.loaded()?;
        match csv::parse(CsvKind::Customers, file, bytes, &l.snap)? {
            Parsed::Customers(c) => Ok(c),
            Parsed::Changes(_) => Ok(Vec::new()),
        }
    }

    fn run_simulation(
        &mut self,
        who: &Who,
        at: DateTime<Utc>,
        customers: Option<&[Customer]>,
    ) -> Result<(Arc<Loaded>, Subject, CustomerTable, Simulation), ApiError> {
        let l = self.loaded()?;
        let subject = l.subject(who, at)?;
        let table = match customers {
            Some(c) => CustomerTable::new(&l.policy, c),
            None => l.table.clone(),
        };
        let sim = simulate::simulate(&l.policy, &subject, &table, at, &l.mask_key);
        Ok((l, subject, table, sim))
    }

    /// The customer table as `who` sees it at `at`: rows `offset..offset+limit`.
    /// `customers` replaces the workspace's sample customers when given.
    pub fn simulate(
        &mut self,
        who: &Who,
        at: DateTime<Utc>,
        customers: Option<&[Customer]>,
        offset: usize,
        limit: usize,
    ) -> Result<SimulationReport, ApiError> {
        let (l, subject, table, sim) = self.run_simulation(who, at, customers)?;
        let page = sim.page(&l.policy, &l.snap, &table, offset, limit);
        let bulk_export = l.bulk_export(&subject, &table, &sim);
        Ok(SimulationReport {
            who: who.clone(),
            name: l.name(who),
            roles: subject
                .roles
                .iter()
                .filter_map(|r| l.policy.roles.get(usize::from(*r)).cloned())
                .collect(),
            active: subject.active,
            page,
            bulk_export,
        })
    }

    /// The departments, employees and roles, for choosing whose view to simulate.
    pub fn directory(&mut self) -> Result<Directory, ApiError> {
        let l = self.loaded()?;
        Ok(Directory {
            departments: l.snap.departments.values().cloned().collect(),
            employees: l.snap.employees.values().cloned().collect(),
            roles: l.snap.roles.values().cloned().collect(),
            fields: l
                .snap
                .fields
                .values()
                .filter(|f| f.object.as_str() == CUSTOMER_OBJECT)
                .cloned()
                .collect(),
            tiers: l.snap.tiers.values().cloned().collect(),
        })
    }

    /// Why `employee` sees `field` of `customer` as they do at `at`. Without a customer, the
    /// first customer they reach is used (or the first customer at all when they reach none).
    pub fn explain(
        &mut self,
        employee: &EmployeeId,
        field: &FieldId,
        customer: Option<&CustomerId>,
        at: DateTime<Utc>,
    ) -> Result<Explanation, ApiError> {
        let who = Who::Employee {
            id: employee.clone(),
        };
        self.explain_as(&who, field, customer, at)
    }

    /// [`Workspace::explain`] for an employee or a set of roles.
    pub fn explain_as(
        &mut self,
        who: &Who,
        field: &FieldId,
        customer: Option<&CustomerId>,
        at: DateTime<Utc>,
    ) -> Result<Explanation, ApiError> {
        let l = self.loaded()?;
        let subject = l.subject(who, at)?;
        let fi = l.field(field)?;
        let row = match customer {
            Some(c) => l
                .table
                .ids
                .iter()
                .position(|x| x == c)
                .ok_or_else(|| not_found("customer", c))?,
            None => (0..l.table.len())
                .find(|i| {
                    l.table
                        .rec(*i)
                        .is_some_and(|r| l.policy.reaches(&subject, &r))
                })
                .unwrap_or(0),
        };
        let rec = l.table.rec(row).ok_or_else(|| {
            ApiError::Precondition("the workspace has no customers to explain on".into())
        })?;
        if l.policy.fields.get(fi as usize).map(|f| f.object) != Some(rec.object) {
            return Err(ApiError::Precondition(format!(
                "`{field}` is not a field of the customer object; explanations are given on customers"
            )));
        }
        Ok(l.policy.explain(&l.snap, &subject, &rec, fi, at))
    }

    /// Who can see `field` at `min_level` or more, on `tier` or any tier.
    pub fn who_can(
        &mut self,
        field: &FieldId,
        min_level: Level,
        tier: Option<&TierId>,
        at: DateTime<Utc>,
    ) -> Result<WhoCan, ApiError> {
        let l = self.loaded()?;
        let fi = l.field(field)?;
        if let Some(t) = tier {
            if !l.snap.tiers.contains_key(t) {
                return Err(not_found("tier", t));
            }
        }
        Ok(simulate::who_can(
            &l.policy, &l.snap, fi, min_level, tier, at,
        ))
    }

    /// What `who` can see, field by field and tier by tier.
    pub fn what_can(&mut self, who: &Who, at: DateTime<Utc>) -> Result<Vec<FieldAccess>, ApiError> {
        let l = self.loaded()?;
        let subject = l.subject(who, at)?;
        Ok(simulate::what_can(&l.policy, &l.snap, &subject))
    }

    /// Compares the views of `a` and `b` at `at`.
    pub fn compare(&mut self, a: &Who, b: &Who, at: DateTime<Utc>) -> Result<Comparison, ApiError> {
        let (l, sa, ta, sim_a) = self.run_simulation(a, at, None)?;
        let sb = l.subject(b, at)?;
        let simb = simulate::simulate(&l.policy, &sb, &ta, at, &l.mask_key);
        let side_a = Side {
            policy: &l.policy,
            snap: &l.snap,
            subject: &sa,
            table: &ta,
            sim: &sim_a,
        };
        let side_b = Side {
            policy: &l.policy,
            snap: &l.snap,
            subject: &sb,
            table: &ta,
            sim: &simb,
        };
        Ok(simulate::compare(&side_a, &side_b))
    }

    /// Compares `who`'s view in `before` (A) and in the current workspace (B).
    fn compare_snapshots(
        &mut self,
        who: &Who,
        before: Snapshot,
        at: DateTime<Utc>,
    ) -> Result<Comparison, ApiError> {
        let now = self.loaded()?;
        let old = Loaded::build(before, now.customers.clone(), -1, now.mask_key.clone());
        let sa = old.subject(who, at)?;
        let sb = now.subject(who, at)?;
        let sim_a = simulate::simulate(&old.policy, &sa, &old.table, at, &old.mask_key);
        let sim_b = simulate::simulate(&now.policy, &sb, &now.table, at, &now.mask_key);
        let a = Side {
            policy: &old.policy,
            snap: &old.snap,
            subject: &sa,
            table: &old.table,
            sim: &sim_a,
        };
        let b = Side {
            policy: &now.policy,
            snap: &now.snap,
            subject: &sb,
            table: &now.table,
            sim: &sim_b,
        };
        Ok(simulate::compare(&a, &b))
    }

    /// `who`'s view at revision `rev` (A) against now (B).
    pub fn compare_revision(
        &mut self,
        who: &Who,
        rev: i64,
        at: DateTime<Utc>,
    ) -> Result<Comparison, ApiError> {
        let (before, _) = self.snapshot_at(Some(rev))?;
        self.compare_snapshots(who, before, at)
    }

    /// `who`'s view now (A) against after a pending cell change (B), without saving it.
    pub fn compare_pending(
        &mut self,
        who: &Who,
        cells: &[(RoleId, FieldId, Option<Cell>)],
        at: DateTime<Utc>,
    ) -> Result<Comparison, ApiError> {
        let now = self.loaded()?;
        let after = with_cells(&now.snap, cells)?;
        let pending = Loaded::build(after, now.customers.clone(), -1, now.mask_key.clone());
        let sa = now.subject(who, at)?;
        let sb = pending.subject(who, at)?;
        let sim_a = simulate::simulate(&now.policy, &sa, &now.table, at, &now.mask_key);
        let sim_b = simulate::simulate(&pending.policy, &sb, &pending.table, at, &pending.mask_key);
        let a = Side {
            policy: &now.policy,
            snap: &now.snap,
            subject: &sa,
            table: &now.table,
            sim: &sim_a,
        };
        let b = Side {
            policy: &pending.policy,
            snap: &pending.snap,
            subject: &sb,
            table: &pending.table,
            sim: &sim_b,
        };
        Ok(simulate::compare(&a, &b))
    }

    /// What every employee gains and loses from revision `from` to revision `to` (the current
    /// state when `None`), deciding at `at`.
    pub fn people_diff(
        &mut self,
        from: i64,
        to: Option<i64>,
        at: DateTime<Utc>,
    ) -> Result<PeopleDiff, ApiError> {
        let (before, _) = self.snapshot_at(Some(from))?;
        let now = self.loaded()?;
        let a = Loaded::for_comparison(before, &now.customers);
        Ok(match to {
            None => simulate::people_diff(&a.version(), &now.version(), at),
            Some(rev) => {
                let b = Loaded::for_comparison(self.snapshot_at(Some(rev))?.0, &now.customers);
                simulate::people_diff(&a.version(), &b.version(), at)
            }
        })
    }

    /// What every employee would gain and lose if `cells` were set now (not saved).
    pub fn people_diff_pending(
        &mut self,
        cells: &[(RoleId, FieldId, Option<Cell>)],
        at: DateTime<Utc>,
    ) -> Result<PeopleDiff, ApiError> {
        let now = self.loaded()?;
        let pending = Loaded::for_comparison(with_cells(&now.snap, cells)?, &now.customers);
        Ok(simulate::people_diff(
            &now.version(),
            &pending.version(),
            at,
        ))
    }

    /// Every visible row of `who`'s view as CSV (the columns they see; masked values masked).
    pub fn simulate_csv(
        &mut self,
        who: &Who,
        at: DateTime<Utc>,
        customers: Option<&[Customer]>,
        out: &mut dyn std::io::Write,
    ) -> Result<(), ApiError> {
        let (l, _s, table, sim) = self.run_simulation(who, at, customers)?;
        let page = sim.page(&l.policy, &l.snap, &table, 0, usize::MAX);
        let io = |e: ::csv::Error| ApiError::Io {
            path: "simulation".into(),
            source: std::io::Error::other(e.to_string()),
        };
        let mut w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::Any(b'\n'))
            .from_writer(out);
        let mut header = vec!["id".to_owned(), "owner".to_owned(), "tier".to_owned()];
        header.extend(page.columns.iter().map(|c| c.field.key().to_owned()));
        w.write_record(&header).map_err(io)?;
        for r in &page.rows {
            let mut rec = vec![r.id.to_string(), r.owner.to_string(), r.tier.to_string()];
            rec.extend(r.cells.iter().map(|c| c.value.clone().unwrap_or_default()));
            w.write_record(&rec).map_err(io)?;
        }
        w.flush().map_err(|e| ApiError::Io {
            path: "simulation".into(),
            source: e,
        })?;
        Ok(())
    }
}
