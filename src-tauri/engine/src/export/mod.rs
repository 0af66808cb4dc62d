//! Exports of a revision to other policy engines: Cedar (schema, policies, entities), Casbin
//! (model.conf, policy.csv) and OPA (a bundle with data.json and Rego). Each encodes the
//! decision semantics of `decide` so that the engine's answer equals permgrid's; masking and
//! approval gating become decision values the production system acts on (see docs/exports.md).
//! Called by `api` when building bundles; the differential tests run the real engines.

pub mod casbin;
pub mod cedar;
pub mod opa;

use crate::bundle::{PolicyDoc, Target, TargetFiles};
use crate::model::Snapshot;

/// Why an export could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("{target} export: {reason}")]
    Unsupported {
        target: &'static str,
        reason: String,
    },
}

/// The files of `target` for a snapshot (and its bundle form).
pub fn export(
    target: Target,
    snap: &Snapshot,
    policy: &PolicyDoc,
) -> Result<TargetFiles, ExportError> {
    let files = match target {
        Target::Native => {
            return Err(ExportError::Unsupported {
                target: "native",
                reason: "the native policy is the bundle itself".into(),
            })
        }
        Target::Cedar => cedar::files(snap, policy)?,
        Target::Casbin => casbin::files(snap, policy)?,
        Target::Opa => opa::files(snap, policy)?,
    };
    Ok(TargetFiles {
        target,
        files,
        check: None,
    })
}
