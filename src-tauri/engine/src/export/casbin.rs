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
