//! Explanations: why a decision came out as it did, and the smallest change that would give
//! more — as data (for the UI) and as sentences in Simplified Chinese and English.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::{GrantKind, Policy, Rec, RoleIx, Subject};
use crate::model::{
    CustomerId, EmployeeId, FieldId, GrantId, GuardrailEffect, GuardrailId, Level, RoleId, Scope,
    Snapshot,
};

/// How a field decision came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Outcome {
    /// The employee is suspended or has left: nothing is visible.
    NotActive,
    /// No role or scope grant reaches the record: the row is not in the view.
    NotInScope,
    /// The record is reachable but no grant gives more than hidden.
    NotGranted,
    /// Granted, and no guardrail lowered it.
    Granted,
    /// A guardrail lowered what the grants give (forbidden, not merely not granted).
    Forbidden,
}

/// A role that reaches the record, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Covering {
    pub role: RoleId,
    pub scope: Scope,
    /// The role's level on the field.
    pub level: Level,
    /// Set when the role is held, or the record reached, through a temporary grant.
    pub via_grant: Option<GrantId>,
}

/// What gave the level before guardrails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum Source {
    Role { role: RoleId, level: Level },
    Grant { grant: GrantId, level: Level },
}

/// A guardrail that capped the level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CapApplied {
    pub guardrail: GuardrailId,
    pub cap: Level,
}

/// A change that would give more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum Suggestion {
    /// Holding this role would give `level`.
    AddRole { role: RoleId, level: Level },
    /// An approved access request would give `level`.
    Request { level: Level },
    /// A temporary scope grant on this record would bring it into view.
    ScopeGrant,
    /// The employee must be active again.
    Reactivate,
}

/// Sentences in both languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Text {
    pub zh: Vec<String>,
    pub en: Vec<String>,
}

/// The reasons of one field decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Explanation {
    pub employee: Option<EmployeeId>,
    pub field: FieldId,
    pub record: Option<CustomerId>,
    pub at: DateTime<Utc>,
    pub level: Level,
    pub outcome: Outcome,
    pub covering: Vec<Covering>,
    pub winner: Option<Source>,
    /// The level before guardrails.
    pub uncapped: Level,
    pub caps: Vec<CapApplied>,
    pub grants_used: Vec<GrantId>,
    /// The level an approved request would give (after guardrails), when above `level`.
    pub approval: Option<Level>,
    /// An approval-gated level that a guardrail makes useless.
    pub approval_blocked: Option<Level>,
    pub suggestions: Vec<Suggestion>,
    pub text: Text,
}

fn grant_id(p: &Policy, gi: u32) -> Option<GrantId> {
    p.grants.get(gi as usize).map(|g| g.source.id.clone())
}

impl Policy {
    /// The full reasons of [`Policy::level`] for one field of one record. Agrees with it by
    /// construction and by test.
    pub fn explain(
        &self,
        snap: &Snapshot,
        s: &Subject,
        rec: &Rec<'_>,
        field: super::FieldIx,
        now: DateTime<Utc>,
    ) -> Explanation {
        let mut e = Explanation {
            employee: s
                .emp
                .and_then(|i| self.employees.get(i as usize))
                .map(|x| x.id.clone()),
            field: self
                .fields
                .get(field as usize)
                .map(|f| f.id.clone())
                .unwrap_or_else(unknown_field),
            record: Some(rec.id.clone()),
            at: now,
            level: Level::Hidden,
            outcome: Outcome::NotInScope,
            covering: Vec::new(),
            winner: None,
            uncapped: Level::Hidden,
            caps: Vec::new(),
            grants_used: Vec::new(),
            approval: None,
            approval_blocked: None,
            suggestions: Vec::new(),
            text: Text::default(),
        };
        if !s.active {
            e.outcome = Outcome::NotActive;
            e.suggestions.push(Suggestion::Reactivate);
            e.text = render(self, snap, &e, s);
            return e;
        }
        let (mask, reached) = self.coverage(s, rec);
        let temp_of = |r: RoleIx| {
            s.temporary_roles
                .iter()
                .find(|(x, _)| *x == r)
                .map(|(_, g)| *g)
        };
        let scope_grant_of = |r: RoleIx| {
            s.grants.iter().copied().find(|gi| {
                self.grants.get(*gi as usize).is_some_and(|g| {
                    matches!(g.what, GrantKind::Scope(o, sc, t) if o == rec.object && self.grant_applies(*gi, rec) && self.scope_covers(s, sc, t, rec))
                        && self.scope_grant_roles(s, *gi).any(|x| x == r)
                })
            })
        };
        let mut approval: Option<Level> = None;
        for (i, r) in s.roles.iter().enumerate().take(64) {
            if mask & (1 << i) == 0 {
                continue;
            }
            let cell = self.cell(*r, field);
            let own = self.role_covers(s, *r, rec);
            let via = if own {
                temp_of(*r)
            } else {
                scope_grant_of(*r).or(temp_of(*r))
            };
            let scope = self
                .scope(*r, rec.object)
                .map(|x| x.scope)
                .unwrap_or(Scope::None);
            e.covering.push(Covering {
                role: self
                    .roles
                    .get(usize::from(*r))
                    .cloned()
                    .unwrap_or_else(unknown_role),
                scope,
                level: cell.level(),
                via_grant: via.and_then(|g| grant_id(self, g)),
            });
            if let Some(g) = via.and_then(|g| grant_id(self, g)) {
                if !e.grants_used.contains(&g) {
                    e.grants_used.push(g);
                }
            }
            if e.winner.is_none() || cell.level() > e.uncapped {
                e.uncapped = e.uncapped.max(cell.level());
                e.winner = Some(Source::Role {
                    role: self
                        .roles
                        .get(usize::from(*r))
                        .cloned()
                        .unwrap_or_else(unknown_role),
                    level: cell.level(),
                });
            }
            approval = approval.max(cell.approval());
        }
        if !reached {
            e.outcome = Outcome::NotInScope;
            e.suggestions = self.suggest(s, rec, field, Level::Hidden);
            e.suggestions.push(Suggestion::ScopeGrant);
            e.text = render(self, snap, &e, s);
            return e;
        }
        for &gi in &s.grants {
            if let Some(g) = self.grants.get(gi as usize) {
                if let GrantKind::Field(gf, l) = g.what {
                    if gf == field && self.grant_applies(gi, rec) {
                        e.grants_used.push(g.source.id.clone());
                        if l > e.uncapped {
                            e.uncapped = l;
                            e.winner = Some(Source::Grant {
                                grant: g.source.id.clone(),
                                level: l,
                            });
                        }
                    }
                }
            }
        }
        let mut cap = Level::Edit;
        if let Some(f) = self.fields.get(field as usize) {
            for &gi in &f.caps {
                if let Some(g) = self.guardrails.get(usize::from(gi)) {
                    if let GuardrailEffect::CapLevel { level: c } = g.effect {
                        if self.guardrail_holds(g, s, rec) {
                            cap = cap.min(c);
                            if c < e.uncapped || approval.is_some_and(|a| c < a) {
                                e.caps.push(CapApplied {
                                    guardrail: g.id.clone(),
                                    cap: c,
                                });
                            }
                        }
                    }
                }
            }
        }
        e.level = e.uncapped.min(cap);
        e.outcome = if e.level < e.uncapped {
            Outcome::Forbidden
        } else if e.level == Level::Hidden {
            Outcome::NotGranted
        } else {
            Outcome::Granted
        };
        if let Some(a) = approval {
            if a.min(cap) > e.level {
                e.approval = Some(a.min(cap));
            } else if a > e.level {
                e.approval_blocked = Some(a);
            }
        }
        e.suggestions = self.suggest(s, rec, field, e.level);
        if let Some(a) = e.approval {
            e.suggestions.insert(0, Suggestion::Request { level: a });
        }
        e.text = render(self, snap, &e, s);
        e
    }

    /// For each level above `current` that some single extra role would give, the
    /// lowest-ranked such role.
    fn suggest(
        &self,
        s: &Subject,
        rec: &Rec<'_>,
        field: super::FieldIx,
        current: Level,
    ) -> Vec<Suggestion> {
        let mut best: Vec<(Level, u32, RoleIx)> = Vec::new();
        for (ri, _) in self.roles.iter().enumerate() {
            let r = u16::try_from(ri).unwrap_or(u16::MAX);
            if s.roles.binary_search(&r).is_ok() {
                continue;
            }
            let mut with = s.clone();
            for x in self.role_closure.get(ri).map(Vec::as_slice).unwrap_or(&[]) {
                if let Err(pos) = with.roles.binary_search(x) {
                    with.roles.insert(pos, *x);
                }
            }
            with.max_rank = with
                .roles
                .iter()
                .filter_map(|x| self.role_rank.get(usize::from(*x)))
                .copied()
                .max()
                .unwrap_or(0);
            let l = self.level(&with, rec, field);
            if l > current {
                let rank = self.role_rank.get(ri).copied().unwrap_or(u32::MAX);
                match best.iter_mut().find(|(bl, _, _)| *bl == l) {
                    Some(b) if rank < b.1 => *b = (l, rank, r),
                    Some(_) => {}
                    None => best.push((l, rank, r)),
                }
            }
        }
        best.sort_by_key(|(l, _, _)| *l);
        best.into_iter()
            .filter_map(|(level, _, r)| {
                self.roles
                    .get(usize::from(r))
                    .map(|role| Suggestion::AddRole {
                        role: role.clone(),
                        level,
                    })
            })
            .collect()
    }
}

fn unknown_role() -> RoleId {
    RoleId::trusted("unknown")
}

fn unknown_field() -> FieldId {
    FieldId::trusted("unknown.field")
}

/// Level names as users say them.
pub fn level_zh(l: Level) -> &'static str {
    match l {
        Level::Hidden => "隐藏",
        Level::Masked => "脱敏",
        Level::Read => "只读",
        Level::Edit => "可编辑",
    }
}

/// The adjective used in suggestions ("readable with role X").
fn level_adj_en(l: Level) -> &'static str {
    match l {
        Level::Hidden => "hidden",
        Level::Masked => "visible masked",
        Level::Read => "readable",
        Level::Edit => "editable",
    }
}

fn level_adj_zh(l: Level) -> &'static str {
    match l {
        Level::Hidden => "隐藏",
        Level::Masked => "脱敏可见",
        Level::Read => "可查看明文",
        Level::Edit => "可编辑",
    }
}

/// Scope names as users say them.
pub fn scope_zh(s: Scope) -> &'static str {
    match s {
        Scope::None => "无",
        Scope::Own => "本人",
        Scope::Team => "本人及下属",
        Scope::Department => "本部门",
        Scope::DepartmentTree => "本部门及下级部门",
        Scope::All => "全公司",
    }
}

fn scope_en(s: Scope) -> &'static str {
    match s {
        Scope::None => "no records",
        Scope::Own => "own",
        Scope::Team => "own and reports'",
        Scope::Department => "department",
        Scope::DepartmentTree => "department and sub-departments",
        Scope::All => "whole company",
    }
}

fn role_names(snap: &Snapshot, r: &RoleId) -> (String, String) {
    snap.roles
        .get(r)
        .map(|x| (x.name_zh.clone(), x.name_en.clone()))
        .unwrap_or_else(|| (r.to_string(), r.to_string()))
}

fn guardrail_names(snap: &Snapshot, g: &GuardrailId) -> (String, String) {
    snap.guardrails
        .get(g)
        .map(|x| (x.name_zh.clone(), x.name_en.clone()))
        .unwrap_or_else(|| (g.to_string(), g.to_string()))
}

fn grant_text(snap: &Snapshot, g: &GrantId) -> (String, String) {
    match snap.grants.get(g) {
        Some(x) => {
            let until = x.valid_until.format("%Y-%m-%d %H:%M UTC");
            let req = x
                .request
                .as_ref()
                .map(|r| format!("，审批单 {r}"))
                .unwrap_or_default();
            let req_en = x
                .request
                .as_ref()
                .map(|r| format!(", request {r}"))
                .unwrap_or_default();
            (
                format!("临时授权 {g}（有效至 {until}，原因：{}{req}）", x.reason),
                format!(
                    "temporary grant {g} (until {until}, reason: {}{req_en})",
                    x.reason
                ),
            )
        }
        None => (format!("临时授权 {g}"), format!("temporary grant {g}")),
    }
}

fn render(p: &Policy, snap: &Snapshot, e: &Explanation, s: &Subject) -> Text {
    let mut zh = Vec::new();
    let mut en = Vec::new();
    let who = e
        .employee
        .as_ref()
        .and_then(|id| snap.employees.get(id))
        .map(|x| x.name.clone())
        .unwrap_or_else(|| "该角色组合".into());
    let who_en = e
        .employee
        .as_ref()
        .and_then(|id| snap.employees.get(id))
        .map(|x| format!("{} ({})", x.name, x.id))
        .unwrap_or_else(|| "this set of roles".into());
    let (label_zh, label_en) = snap
        .fields
        .get(&e.field)
        .map(|f| (f.label_zh.clone(), f.label_en.clone()))
        .unwrap_or_else(|| (e.field.to_string(), e.field.to_string()));
    let record = e.record.as_ref().map(|r| r.to_string()).unwrap_or_default();
    let result_zh = match e.outcome {
        Outcome::NotActive => "隐藏（员工非在职状态）",
        Outcome::NotInScope => "不可见（客户不在数据范围内）",
        Outcome::NotGranted => "隐藏（未授权）",
        Outcome::Granted => level_zh(e.level),
        Outcome::Forbidden => "",
    };
    let result_en = match e.outcome {
        Outcome::NotActive => "hidden (the employee is not active)".to_owned(),
        Outcome::NotInScope => "not visible (the customer is outside the row scope)".to_owned(),
        Outcome::NotGranted => "hidden (not granted)".to_owned(),
        Outcome::Granted => e.level.to_string(),
        Outcome::Forbidden => format!("{} (forbidden above that by a guardrail)", e.level),
    };
    let result_zh = if e.outcome == Outcome::Forbidden {
        format!("{}（更高级别被管控规则禁止）", level_zh(e.level))
    } else {
        result_zh.to_owned()
    };
    zh.push(format!(
        "{who} 查看客户 {record} 的「{label_zh}」：{result_zh}"
    ));
    en.push(format!(
        "{who_en} on {label_en} of customer {record}: {result_en}"
    ));
    match e.outcome {
        Outcome::NotActive => {
            let status = e
                .employee
                .as_ref()
                .and_then(|id| snap.employees.get(id))
                .map(|x| x.status)
                .unwrap_or(crate::model::Status::Left);
            zh.push(format!(
                "员工状态为「{}」，非在职员工看不到任何数据",
                match status {
                    crate::model::Status::Active => "在职",
                    crate::model::Status::Suspended => "停用",
                    crate::model::Status::Left => "离职",
                }
            ));
            en.push(format!(
                "the employee is {status}: only active employees see anything"
            ));
        }
        Outcome::NotInScope => {
            let held: Vec<(String, String)> = s
                .roles
                .iter()
                .filter_map(|r| p.roles.get(usize::from(*r)))
                .map(|r| {
                    let (nz, ne) = role_names(snap, r);
                    let sc = p.role_ix.get(r).and_then(|ri| {
                        p.scope(
                            *ri,
                            p.object_ix
                                .get(crate::model::CUSTOMER_OBJECT)
                                .copied()
                                .unwrap_or(u16::MAX),
                        )
                    });
                    match sc {
                        Some(sc) => (
                            format!("{nz}（{}）", scope_zh(sc.scope)),
                            format!("{ne} ({})", scope_en(sc.scope)),
                        ),
                        None => (format!("{nz}（无）"), format!("{ne} (no records)")),
                    }
                })
                .collect();
            if held.is_empty() {
                zh.push("没有任何角色".into());
                en.push("holds no role".into());
            } else {
                zh.push(format!(
                    "所持角色的数据范围都不包含该客户：{}",
                    held.iter()
                        .map(|h| h.0.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                ));
                en.push(format!(
                    "no role's row scope reaches this customer: {}",
                    held.iter()
                        .map(|h| h.1.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        _ => {
            let cov_zh: Vec<String> = e
                .covering
                .iter()
                .map(|c| {
                    format!(
                        "{}（{}，{}）",
                        role_names(snap, &c.role).0,
                        scope_zh(c.scope),
                        level_zh(c.level)
                    )
                })
                .collect();
            let cov_en: Vec<String> = e
                .covering
                .iter()
                .map(|c| {
                    format!(
                        "{} ({}, {})",
                        role_names(snap, &c.role).1,
                        scope_en(c.scope),
                        c.level
                    )
                })
                .collect();
            if !cov_zh.is_empty() {
                zh.push(format!("覆盖该客户的角色：{}", cov_zh.join("、")));
                en.push(format!(
                    "roles covering this customer: {}",
                    cov_en.join(", ")
                ));
            }
            match &e.winner {
                Some(Source::Role { role, level }) => {
                    let (nz, ne) = role_names(snap, role);
                    zh.push(format!("生效的授权：{nz} → {}", level_zh(*level)));
                    en.push(format!("winning grant: {ne} → {level}"));
                }
                Some(Source::Grant { grant, level }) => {
                    let (tz, te) = grant_text(snap, grant);
                    zh.push(format!("生效的授权：{tz} → {}", level_zh(*level)));
                    en.push(format!("winning grant: {te} → {level}"));
                }
                None => {}
            }
            for g in &e.grants_used {
                if !matches!(&e.winner, Some(Source::Grant { grant, .. }) if grant == g) {
                    let (tz, te) = grant_text(snap, g);
                    zh.push(format!("使用了{tz}"));
                    en.push(format!("uses {te}"));
                }
            }
            for c in &e.caps {
                let (nz, ne) = guardrail_names(snap, &c.guardrail);
                zh.push(format!("管控规则「{nz}」将级别限制为{}", level_zh(c.cap)));
                en.push(format!("guardrail “{ne}” caps the level at {}", c.cap));
            }
            if let Some(a) = e.approval_blocked {
                zh.push(format!(
                    "该字段可申请审批提升至{}，但管控规则不允许，审批也无效",
                    level_zh(a)
                ));
                en.push(format!("{a} is available with approval, but a guardrail forbids it, so a request would not help"));
            }
        }
    }
    let mut sug_zh = Vec::new();
    let mut sug_en = Vec::new();
    for sg in &e.suggestions {
        match sg {
            Suggestion::AddRole { role, level } => {
                let (nz, ne) = role_names(snap, role);
                sug_zh.push(format!("授予角色「{nz}」后{}", level_adj_zh(*level)));
                sug_en.push(format!("{} with role {ne}", level_adj_en(*level)));
            }
            Suggestion::Request { level } => {
                sug_zh.push(format!("经权限申请审批通过后{}", level_adj_zh(*level)));
                sug_en.push(format!("{} with an approved request", level_adj_en(*level)));
            }
            Suggestion::ScopeGrant => {
                sug_zh.push("或对该客户发放临时数据范围授权".into());
                sug_en.push("or with a temporary scope grant on this customer".into());
            }
            Suggestion::Reactivate => {
                sug_zh.push("恢复员工为在职状态".into());
                sug_en.push("reactivate the employee".into());
            }
        }
    }
    if !sug_zh.is_empty() {
        zh.push(format!("最小改动：{}", sug_zh.join("；")));
        en.push(format!("smallest change: {}", sug_en.join("; ")));
    }
    Text { zh, en }
}
