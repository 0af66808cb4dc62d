//! Identifier newtypes. An id is parsed once at the boundary and is valid from then on.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;

use super::ModelError;

/// Longest id accepted, in characters.
pub const MAX_ID_LEN: usize = 64;

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Checks the id rule shared by every entity: 1 to 64 characters from `A-Z a-z 0-9 _ -`.
pub(crate) fn check_simple_id(kind: &'static str, value: &str) -> Result<(), ModelError> {
    let ok =
        !value.is_empty() && value.chars().count() <= MAX_ID_LEN && value.chars().all(is_id_char);
    if ok {
        Ok(())
    } else {
        Err(ModelError::InvalidId {
            kind,
            value: value.to_owned(),
        })
    }
}

macro_rules! simple_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS, schemars::JsonSchema)]
        #[serde(transparent)]
        #[ts(export)]
        pub struct $name(String);

        impl $name {
            /// Parses an id, refusing anything outside the id rule.
            pub fn new(value: impl Into<String>) -> Result<Self, ModelError> {
                let value = value.into();
                check_simple_id($kind, &value)?;
                Ok(Self(value))
            }
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// An id from a constant known to follow the rule (for placeholders inside the engine).
            #[allow(dead_code)]
            pub(crate) fn trusted(value: &'static str) -> Self {
                Self(value.to_owned())
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = ModelError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::new(s).map_err(serde::de::Error::custom)
            }
        }
    };
}

simple_id!(
    /// A department, e.g. `sales_east`.
    DeptId, "department"
);
simple_id!(
    /// An employee, e.g. `E012`.
    EmployeeId, "employee"
);
simple_id!(
    /// A role, e.g. `sales_rep`.
    RoleId, "role"
);
simple_id!(
    /// A kind of customer record, e.g. `customer`.
    ObjectId, "object"
);
simple_id!(
    /// A customer tier, e.g. `key_account`.
    TierId, "tier"
);
simple_id!(
    /// A customer (sample record) id.
    CustomerId, "customer"
);
simple_id!(
    /// A guardrail id.
    GuardrailId, "guardrail"
);
simple_id!(
    /// A temporary grant id.
    GrantId, "temporary grant"
);
simple_id!(
    /// An access request id.
    RequestId, "access request"
);

/// A field: `object.key`, e.g. `customer.mobile`.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS, schemars::JsonSchema,
)]
#[serde(transparent)]
#[ts(export)]
pub struct FieldId(String);

impl FieldId {
    /// Parses `object.key`.
    pub fn new(value: impl Into<String>) -> Result<Self, ModelError> {
        let value = value.into();
        let bad = || ModelError::InvalidId {
            kind: "field",
            value: value.clone(),
        };
        let (object, key) = value.split_once('.').ok_or_else(bad)?;
        check_simple_id("field", object).map_err(|_| bad())?;
        check_simple_id("field", key).map_err(|_| bad())?;
        Ok(Self(value))
    }

    /// Builds the id of field `key` of `object`.
    pub fn of(object: &ObjectId, key: &str) -> Result<Self, ModelError> {
        Self::new(format!("{object}.{key}"))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An id from a constant known to follow the rule (for placeholders inside the engine).
    pub(crate) fn trusted(value: &'static str) -> Self {
        Self(value.to_owned())
    }

    /// The object part.
    pub fn object_str(&self) -> &str {
        self.0.split_once('.').map(|(o, _)| o).unwrap_or(&self.0)
    }

    /// The key part.
    pub fn key(&self) -> &str {
        self.0.split_once('.').map(|(_, k)| k).unwrap_or("")
    }
}

impl std::borrow::Borrow<str> for FieldId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl FromStr for FieldId {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for FieldId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for FieldId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::new(s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_rule() {
        assert!(RoleId::new("sales_rep").is_ok());
        assert!(RoleId::new("").is_err(), "empty ids are refused");
        assert!(RoleId::new("a b").is_err(), "spaces are refused");
        assert!(
            RoleId::new("x".repeat(65)).is_err(),
            "ids are at most 64 characters"
        );
        assert!(
            RoleId::new("销售").is_err(),
            "ids are ASCII so they are stable across tools"
        );
    }

    #[test]
    fn field_ids_have_object_and_key() {
        let f = FieldId::new("customer.mobile").unwrap();
        assert_eq!(f.object_str(), "customer");
        assert_eq!(f.key(), "mobile");
        assert!(FieldId::new("customer").is_err(), "a field id needs a key");
        assert!(FieldId::new("customer.").is_err());
        assert!(FieldId::new("a.b.c").is_err(), "keys have no dots");
    }

    #[test]
    fn deserializing_validates() {
        let r: Result<RoleId, _> = serde_json::from_str("\"bad id\"");
        assert!(r.is_err());
    }
}
