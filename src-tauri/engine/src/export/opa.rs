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
