//! The permission matrix: field levels per role (cells), and per role and object the row
//! scope, the tier reach and the action grants.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;

use super::{
    Action, Effect, FieldId, Level, ModelError, ObjectId, RoleId, Scope, TierId, ACTION_COUNT,
};

/// One cell of the matrix: a level, and optionally a higher level reachable with an
/// approved access request ("masked, read with approval" is `masked+read`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Cell {
    pub level: Level,
    /// INVARIANT: when present, strictly above `level`.
    pub approval: Option<Level>,
}

impl Cell {
    /// A cell with no approval-gated level.
    pub const fn plain(level: Level) -> Self {
        Cell {
            level,
            approval: None,
        }
    }

    /// The default for anything undecided: hidden (default deny).
    pub const HIDDEN: Cell = Cell::plain(Level::Hidden);

    /// A cell with an approval-gated level, refused unless `approval > level`.
    pub fn gated(level: Level, approval: Level) -> Result<Self, ModelError> {
        if approval <= level {
            return Err(ModelError::ApprovalNotHigher { level, approval });
        }
        Ok(Cell {
            level,
            approval: Some(approval),
        })
    }
}

impl Default for Cell {
    fn default() -> Self {
        Cell::HIDDEN
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.approval {
            Some(a) => write!(f, "{}+{}", self.level, a),
            None => write!(f, "{}", self.level),
        }
    }
}

impl FromStr for Cell {
    type Err = ModelError;
    /// `level` or `level+approval_level`; empty means hidden.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.is_empty() {
            return Ok(Cell::HIDDEN);
        }
        match t.split_once('+') {
            Some((base, gated)) => Cell::gated(base.parse()?, gated.parse()?),
            None => Ok(Cell::plain(t.parse()?)),
        }
    }
}

/// Address of a cell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct CellKey {
    pub role: RoleId,
    pub field: FieldId,
}

/// What a role may do with one object: which records it reaches and which actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct ObjectPolicy {
    pub role: RoleId,
    pub object: ObjectId,
    pub scope: Scope,
    /// Highest tier reached; `None` reaches every tier.
    pub max_tier: Option<TierId>,
    /// Indexed by [`Action::index`].
    pub actions: [Effect; ACTION_COUNT],
}

impl ObjectPolicy {
    /// No records and every action denied: what a role without a policy has.
    pub fn none(role: RoleId, object: ObjectId) -> Self {
        ObjectPolicy {
            role,
            object,
            scope: Scope::None,
            max_tier: None,
            actions: [Effect::Deny; ACTION_COUNT],
        }
    }

    /// The grant for one action.
    pub fn action(&self, action: Action) -> Effect {
        self.actions
            .get(action.index())
            .copied()
            .unwrap_or(Effect::Deny)
    }

    /// Sets the grant for one action.
    pub fn set_action(&mut self, action: Action, effect: Effect) {
        if let Some(slot) = self.actions.get_mut(action.index()) {
            *slot = effect;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_parse_and_print() {
        assert_eq!(
            "masked+read".parse::<Cell>().unwrap().to_string(),
            "masked+read"
        );
        assert_eq!("edit".parse::<Cell>().unwrap(), Cell::plain(Level::Edit));
        assert_eq!(
            "".parse::<Cell>().unwrap(),
            Cell::HIDDEN,
            "an empty cell is hidden"
        );
        assert!(
            "read+masked".parse::<Cell>().is_err(),
            "the approval level must be higher"
        );
        assert!("read+read".parse::<Cell>().is_err());
        assert!("read+".parse::<Cell>().is_err());
    }
}
