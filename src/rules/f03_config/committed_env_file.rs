//! TF0304 committed-env-file: a `.env` file tracked in git with values.

use crate::model::secrets;
use crate::rules::prelude::*;

declare_rule! {
    CommittedEnvFile {
        code: "TF0304",
        name: "committed-env-file",
        factor: 3,
        severity: Error,
        stability: Preview,
        since: "0.1.0",
        kinds: [Env],
        summary: "a production `.env` file (not an example, template or dev setup) tracked in git that commits a credential",
    }
}

impl Check for CommittedEnvFile {
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        if !project.in_git {
            return;
        }
        // Templates (`.env.example`, `.env.dist`) and dev setups are not production files
        // in the deployment model, so findings there are dropped.
        for env in &project.env_files {
            if !project.is_tracked(&env.path) {
                continue;
            }
            let Some((_, _, first)) = env.values.first() else {
                continue;
            };
            let secret = env.values.iter().find(|(k, v, _)| {
                secrets::credential_url(v).is_some()
                    || (secrets::is_secret_name(k) && secrets::looks_secret(v))
            });
            // Local defaults without a credential (`DATABASE_URL=sqlite://dev.db` for sqlx's
            // macros, `RUST_LOG=debug`) are how a checkout runs; the file is a problem
            // when it commits a credential.
            if secret.is_none() {
                continue;
            }
            let d = cx.report(
                first.clone(),
                format!("`{}` is committed with {} value(s)", env.path, env.values.len()),
                "remove it from git (`git rm --cached`), add it to .gitignore, and commit a `.env.example` with placeholders instead",
            );
            for (key, value, _) in &env.values {
                if let Some(url) = secrets::credential_url(value) {
                    d.with_secret(&value[url.password]);
                } else if secrets::is_secret_name(key) && secrets::looks_secret(value) {
                    d.with_secret(value.as_str());
                }
            }
            if let Some((key, _, loc)) = secret {
                d.message
                    .push_str(&format!(", including the secret `{key}`"));
                d.with_related(loc.clone(), "a secret committed with it");
            }
        }
    }
}
