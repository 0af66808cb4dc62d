//! Closed vocabularies of the domain: levels, sensitivities, scopes, actions, mask rules...
//! Each has an English keyword (used in files and on the wire) and, where users type them,
//! Chinese synonyms accepted on import.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;

use super::ModelError;

macro_rules! keyword_enum {
    (
        $(#[$doc:meta])*
        $name:ident, $kind:literal {
            $( $(#[$vdoc:meta])* $variant:ident = $kw:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS, schemars::JsonSchema)]
        #[ts(export)]
        pub enum $name {
            $( $(#[$vdoc])* #[serde(rename = $kw)] $variant ),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The English keyword used in files and on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $kw),+ }
            }

            /// The accepted keywords, for error messages.
            pub fn expected() -> &'static str {
                concat!($($kw, ", "),+).trim_end_matches(", ")
            }
        }

        impl FromStr for $name {
            type Err = ModelError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let t = s.trim();
                $(
                    if t.eq_ignore_ascii_case($kw) $(|| t == $alias)* {
                        return Ok($name::$variant);
                    }
                )+
                Err(ModelError::UnknownValue {
                    kind: $kind,
                    value: s.to_owned(),
                    expected: $name::expected(),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keyword_enum! {
    /// What an employee may do with a field: a lattice `hidden < masked < read < edit`.
    Level, "level" {
        /// Absent from the view.
        Hidden = "hidden" | "隐藏",
        /// Shown only through the field's mask rule.
        Masked = "masked" | "脱敏",
        /// Shown in full.
        Read = "read" | "只读",
        /// Shown and editable.
        Edit = "edit" | "可编辑",
    }
}

impl Level {
    /// Numeric rank 0-3 (used by keyboard shortcuts and compact tables).
    pub fn rank(self) -> u8 {
        match self {
            Level::Hidden => 0,
            Level::Masked => 1,
            Level::Read => 2,
            Level::Edit => 3,
        }
    }

    /// The level of rank `r`, if any.
    pub fn from_rank(r: u8) -> Option<Level> {
        Level::ALL.get(usize::from(r)).copied()
    }
}

keyword_enum! {
    /// How sensitive a field is: `public < internal < confidential < restricted`.
    /// `restricted` is PIPL sensitive personal information (敏感个人信息).
    Sensitivity, "sensitivity" {
        Public = "public" | "公开",
        Internal = "internal" | "内部",
        Confidential = "confidential" | "机密",
        Restricted = "restricted" | "敏感",
    }
}

keyword_enum! {
    /// Employment status. Only `active` employees see anything.
    Status, "status" {
        Active = "active" | "在职",
        Suspended = "suspended" | "停用",
        Left = "left" | "离职",
    }
}

keyword_enum! {
    /// Which records of an object a role reaches.
    Scope, "scope" {
        /// No records.
        None = "none" | "无",
        /// Records the employee owns.
        Own = "own" | "本人",
        /// Own records and those of every report, transitively.
        Team = "team" | "本人及下属",
        /// Records of the employee's department.
        Department = "department" | "本部门",
        /// Records of the employee's department and its sub-departments.
        DepartmentTree = "department_tree" | "本部门及下级部门",
        /// Every record.
        All = "all" | "全公司",
    }
}

keyword_enum! {
    /// Operations on records of an object.
    Action, "action" {
        View = "view" | "查看",
        Create = "create" | "新建",
        Edit = "edit" | "编辑",
        Delete = "delete" | "删除",
        Export = "export" | "导出",
        BulkExport = "bulk_export" | "批量导出",
        Share = "share" | "跨部门共享",
        Transfer = "transfer" | "转移负责人",
    }
}

impl Action {
    /// Position in [`Action::ALL`], used for compact per-object action tables.
    pub fn index(self) -> usize {
        match self {
            Action::View => 0,
            Action::Create => 1,
            Action::Edit => 2,
            Action::Delete => 3,
            Action::Export => 4,
            Action::BulkExport => 5,
            Action::Share => 6,
            Action::Transfer => 7,
        }
    }
}

/// Number of actions.
pub const ACTION_COUNT: usize = 8;

keyword_enum! {
    /// The outcome of an action grant: `deny < approval < allow` (max = union).
    Effect, "action effect" {
        Deny = "deny" | "拒绝",
        /// Allowed once approved.
        Approval = "approval" | "需审批",
        Allow = "allow" | "允许",
    }
}

keyword_enum! {
    /// The data type of a field; it drives validation of sample values and default masks.
    FieldType, "field type" {
        Text = "text",
        Name = "name",
        Phone = "phone",
        Email = "email",
        IdCard = "id_card",
        BankCard = "bank_card",
        Address = "address",
        Amount = "amount",
        Number = "number",
        Date = "date",
        Enum = "enum",
    }
}

keyword_enum! {
    /// How a masked value is displayed (see DESIGN.md, mask rules).
    MaskRule, "mask rule" {
        /// Surname kept, fixed-width mask: 张**.
        Name = "name",
        /// Fully masked: ***.
        NameFull = "name_full",
        /// First 3 and last 4: 138****1234.
        Mobile = "mobile",
        /// Last 4 only.
        MobileLast4 = "mobile_last4",
        /// First 6 and last 4 of an 18-digit id.
        IdCard = "id_card",
        /// First 1 and last 1.
        IdCardStrict = "id_card_strict",
        /// First 6 and last 4.
        BankCard = "bank_card",
        /// Last 4 only.
        BankCardLast4 = "bank_card_last4",
        /// First character and the domain: z***@example.com.
        Email = "email",
        /// Domain only.
        EmailDomain = "email_domain",
        /// Province, city and district kept.
        Address = "address",
        /// Province only.
        AddressProvince = "address_province",
        /// A range bucket: 10万-50万.
        AmountRange = "amount_range",
        /// Fully masked amount.
        AmountFull = "amount_full",
        /// Last 4 characters.
        Last4 = "last4",
        /// Fully masked, length not revealed.
        Full = "full",
        /// Keyed hash, for joins; never reversible.
        Hash = "hash",
    }
}

keyword_enum! {
    /// Where a field is grouped in the matrix.
    Category, "category" {
        Basic = "basic" | "基本信息",
        Business = "business" | "业务数据",
        Sensitive = "sensitive" | "敏感信息",
        History = "history" | "历史记录",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered() {
        assert!(
            Level::Hidden < Level::Masked
                && Level::Masked < Level::Read
                && Level::Read < Level::Edit
        );
        for l in Level::ALL {
            assert_eq!(Level::from_rank(l.rank()), Some(*l));
        }
        assert_eq!(Level::from_rank(4), None);
    }

    #[test]
    fn keywords_parse_in_both_languages() {
        assert_eq!("masked".parse::<Level>().unwrap(), Level::Masked);
        assert_eq!(
            "READ".parse::<Level>().unwrap(),
            Level::Read,
            "keywords are case-insensitive"
        );
        assert_eq!("脱敏".parse::<Level>().unwrap(), Level::Masked);
        assert_eq!("本人及下属".parse::<Scope>().unwrap(), Scope::Team);
        let err = "reed".parse::<Level>().unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown level `reed` (expected hidden, masked, read, edit)"
        );
    }

    #[test]
    fn keywords_round_trip() {
        for m in MaskRule::ALL {
            assert_eq!(m.as_str().parse::<MaskRule>().unwrap(), *m);
        }
        for a in Action::ALL {
            assert_eq!(Action::ALL[a.index()], *a);
        }
        assert_eq!(Action::ALL.len(), ACTION_COUNT);
    }
}
