//! TF1102 in-app-log-routing: the app ships its own logs to a collector.

use std::collections::BTreeMap;
use std::ops::Range;

use syn::visit::Visit;

use crate::parse::rust::span_range;
use crate::rules::prelude::*;

declare_rule! {
    InAppLogRouting {
        code: "TF1102",
        name: "in-app-log-routing",
        factor: 11,
        severity: Note,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust, Cargo],
        summary: "the app routes its own logs to a collector (syslog, GELF, Loki, journald, Fluentd, Elasticsearch) instead of writing the stream to stdout",
        // A use or path of a routing crate names it.
        tree: Prefilter::Idents(&[
            "syslog", "syslog_tracing", "slog_syslog", "log4rs_syslog", "tracing_syslog",
            "tracing_gelf", "gelf", "gelf_logger", "tracing_loki", "loki_logger",
            "tracing_journald", "systemd_journal_logger", "fluentd", "tracing_fluentd",
            "elasticsearch_logger", "tracing_elasticsearch",
        ]),
    }
}

/// Crates that send logs to a collector, with the collector's name.
const ROUTERS: &[(&str, &str)] = &[
    ("syslog", "syslog"),
    ("syslog_tracing", "syslog"),
    ("slog_syslog", "syslog"),
    ("log4rs_syslog", "syslog"),
    ("tracing_syslog", "syslog"),
    ("tracing_gelf", "GELF (Graylog)"),
    ("gelf", "GELF (Graylog)"),
    ("gelf_logger", "GELF (Graylog)"),
    ("tracing_loki", "Loki"),
    ("loki_logger", "Loki"),
    ("tracing_journald", "journald"),
    ("systemd_journal_logger", "journald"),
    ("fluentd", "Fluentd"),
    ("tracing_fluentd", "Fluentd"),
    ("elasticsearch_logger", "Elasticsearch"),
    ("tracing_elasticsearch", "Elasticsearch"),
];

impl Check for InAppLogRouting {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let Some(ast) = file.rust() else { return };
        let mut v = Uses::default();
        v.visit_file(ast);
        for (krate, span) in v.first {
            let collector = ROUTERS
                .iter()
                .find(|(c, _)| *c == krate)
                .map_or("", |(_, n)| n);
            cx.report(
                file.loc(span),
                format!("the app ships its own logs to {collector} (`{krate}`): routing and storage become app code and config, and the stream is lost when the collector is down"),
                "write the event stream to stdout and let the environment route it (Docker/Kubernetes log drivers, Fluent Bit, Vector, the Loki or Graylog agents)",
            )
            .in_service()
            .when_package_depends_on(krate);
        }
    }
}

/// The first use of each routing crate in a file: a `use` or a qualified path.
#[derive(Default)]
struct Uses {
    first: BTreeMap<&'static str, Range<usize>>,
}

impl Uses {
    fn note(&mut self, ident: &proc_macro2::Ident) {
        if let Some((krate, _)) = ROUTERS.iter().find(|(c, _)| ident == c) {
            self.first
                .entry(krate)
                .or_insert_with(|| span_range(ident.span()));
        }
    }
}

impl<'ast> Visit<'ast> for Uses {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let root = match &u.tree {
            syn::UseTree::Path(p) => Some(&p.ident),
            syn::UseTree::Name(n) => Some(&n.ident),
            syn::UseTree::Rename(r) => Some(&r.ident),
            _ => None,
        };
        if let Some(root) = root {
            self.note(root);
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        if p.segments.len() >= 2
            && let Some(first) = p.segments.first()
        {
            self.note(&first.ident);
        }
        syn::visit::visit_path(self, p);
    }
}
