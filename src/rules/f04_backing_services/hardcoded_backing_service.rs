//! TF0401 hardcoded-backing-service: a literal datastore, cache, queue or mail locator in code.

use crate::model::backing::{backing_host_port, backing_scheme};
use crate::model::secrets::credential_url;
use crate::rules::prelude::*;

declare_rule! {
    HardcodedBackingService {
        code: "TF0401",
        name: "hardcoded-backing-service",
        factor: 4,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust],
        summary: "a literal locator of a datastore, cache, queue or mail service in deployed code",
    }
}

impl Check for HardcodedBackingService {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        for lit in file.string_literals() {
            if lit.fallback {
                continue;
            }
            let Some(service) =
                backing_scheme(&lit.value).or_else(|| backing_host_port(&lit.value))
            else {
                continue;
            };
            let d = cx.report(
                file.loc(lit.span.clone()),
                format!("{service} locator `{}` is hardcoded", lit.value),
                "read it from an environment variable (e.g. `DATABASE_URL`) so the service can be swapped without a code change; a literal is fine only as an `unwrap_or` local default",
            );
            if let Some(c) = credential_url(&lit.value) {
                d.with_secret(&lit.value[c.password]);
            }
        }
    }
}
