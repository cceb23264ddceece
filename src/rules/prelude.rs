//! What a rule file imports: `use crate::rules::prelude::*;`. The rule's trait and report
//! context, the file view and the project model a check reads, the prefilter it declares,
//! and the locations and edits it reports.

pub use crate::diagnostic::{Edit, Location};
pub use crate::model::prefilter::Prefilter;
pub use crate::model::project::Project;
pub use crate::model::source::{FileKind, SourceFile, YamlDoc};
pub use crate::rules::{Check, Ctx};
