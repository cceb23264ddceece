//! TF1203 entrypoint-admin-task: a start command runs an admin task before the app.

use crate::parse::shell::Command;
use crate::rules::prelude::*;

declare_rule! {
    EntrypointAdminTask {
        code: "TF1203",
        name: "entrypoint-admin-task",
        factor: 12,
        severity: Note,
        stability: Preview,
        since: "0.1.0",
        kinds: [Dockerfile, Yaml, Shell],
        summary: "a container start command runs admin tasks (migrations, seeding) before the app on every start",
    }
}

impl Check for EntrypointAdminTask {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        for l in file.launches().iter().filter(|l| !l.dev && !l.init) {
            let cmds = l.commands();
            for (i, cmd) in cmds.iter().enumerate() {
                // Only a task followed by the app: a container that only migrates is a one-off.
                let followed = cmds[i + 1..].iter().any(|c| c.program().is_some());
                let Some(task) = admin_task(cmd).filter(|_| followed) else {
                    continue;
                };
                cx.report(
                    file.loc(l.command_span(cmd)),
                    format!("{} runs `{task}` before the app on every start: every replica and restart repeats it, concurrently", l.what()),
                    "run it once per release as a one-off process: a Kubernetes Job or Helm hook, a release-phase command, or `docker compose run --rm app migrate`",
                );
            }
        }
    }
}

/// The admin task `cmd` runs: schema migrations and data seeding.
fn admin_task(cmd: &Command) -> Option<String> {
    let (at, program) = cmd.program()?;
    let args: Vec<&str> = cmd.words[at + 1..]
        .iter()
        .map(|(w, _)| w.as_str())
        .filter(|a| !a.starts_with('-'))
        .collect();
    let is = |words: &[&str]| args.len() >= words.len() && args[..words.len()] == *words;
    let task = match program {
        "sqlx" if is(&["migrate", "run"]) => "sqlx migrate run",
        "diesel" if is(&["migration", "run"]) => "diesel migration run",
        "sea-orm-cli" if is(&["migrate"]) => "sea-orm-cli migrate",
        "refinery" if is(&["migrate"]) => "refinery migrate",
        "alembic" if is(&["upgrade"]) => "alembic upgrade",
        "flyway" if is(&["migrate"]) => "flyway migrate",
        "rails" | "rake"
            if args
                .iter()
                .any(|a| a.starts_with("db:migrate") || *a == "db:seed") =>
        {
            "rails db:migrate"
        }
        "prisma" | "npx" if args.contains(&"migrate") => "prisma migrate",
        p if p.starts_with("python") && args.contains(&"migrate") => "manage.py migrate",
        _ if matches!(
            args.first(),
            Some(&"migrate") | Some(&"seed") | Some(&"db-migrate")
        ) =>
        {
            return Some(format!("{program} {}", args[0]));
        }
        _ => return None,
    };
    Some(task.to_string())
}
