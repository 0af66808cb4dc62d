//! The casbin export (being written; see docs/exports.md).

use std::collections::BTreeMap;

use super::ExportError;
use crate::bundle::PolicyDoc;
use crate::model::Snapshot;

/// The files of the casbin export.
pub fn files(
    _snap: &Snapshot,
    _policy: &PolicyDoc,
) -> Result<BTreeMap<String, String>, ExportError> {
    Err(ExportError::Unsupported {
        target: "casbin",
        reason: "not available in this build yet".into(),
    })
}

/// The casbin engine loaded with an export.
#[cfg(feature = "engines")]
pub struct CasbinEngine;

#[cfg(feature = "engines")]
impl CasbinEngine {
    /// Loads the export's files.
    pub fn load(_files: &BTreeMap<String, String>) -> Result<Self, ExportError> {
        Err(ExportError::Unsupported {
            target: "casbin",
            reason: "not available in this build yet".into(),
        })
    }
}

#[cfg(feature = "engines")]
impl super::Engine for CasbinEngine {
    fn name(&self) -> String {
        "casbin".into()
    }
    fn answer(&self, _probe: &super::Probe) -> Result<super::Answer, String> {
        Err("not available".into())
    }
}
