//! The opa export (being written; see docs/exports.md).

use std::collections::BTreeMap;

use super::ExportError;
use crate::bundle::PolicyDoc;
use crate::model::Snapshot;

/// The files of the opa export.
pub fn files(
    _snap: &Snapshot,
    _policy: &PolicyDoc,
) -> Result<BTreeMap<String, String>, ExportError> {
    Err(ExportError::Unsupported {
        target: "opa",
        reason: "not available in this build yet".into(),
    })
}

/// The opa engine loaded with an export.
#[cfg(feature = "engines")]
pub struct OpaEngine;

#[cfg(feature = "engines")]
impl OpaEngine {
    /// Loads the export's files.
    pub fn load(_files: &BTreeMap<String, String>) -> Result<Self, ExportError> {
        Err(ExportError::Unsupported {
            target: "opa",
            reason: "not available in this build yet".into(),
        })
    }
}

#[cfg(feature = "engines")]
impl super::Engine for OpaEngine {
    fn name(&self) -> String {
        "opa".into()
    }
    fn answer(&self, _probe: &super::Probe) -> Result<super::Answer, String> {
        Err("not available".into())
    }
}
