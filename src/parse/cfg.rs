//! `cfg` predicates as far as Cargo features decide them, so that code behind
//! `#[cfg(feature = "…")]` can be judged against the features a deployment builds with.

use std::collections::BTreeSet;

/// A `cfg(..)` predicate: Cargo features kept by name, every other condition valued
/// for a Linux production build (`Other(None)` when unknown).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum FeatureCfg {
    /// `feature = "name"`.
    Feature(Box<str>),
    Not(Box<FeatureCfg>),
    All(Vec<FeatureCfg>),
    Any(Vec<FeatureCfg>),
    /// Any other condition, with its value when known.
    Other(Option<bool>),
}

impl FeatureCfg {
    /// Its value when `feature` tells whether a feature is on (`None`: unknown).
    pub fn holds(&self, feature: &dyn Fn(&str) -> Option<bool>) -> Option<bool> {
        match self {
            FeatureCfg::Feature(name) => feature(name),
            FeatureCfg::Not(inner) => inner.holds(feature).map(|v| !v),
            FeatureCfg::All(args) => combine(args, false, feature),
            FeatureCfg::Any(args) => combine(args, true, feature),
            FeatureCfg::Other(value) => *value,
        }
    }

    /// True when some feature takes part in it.
    pub fn names_a_feature(&self) -> bool {
        match self {
            FeatureCfg::Feature(_) => true,
            FeatureCfg::Not(inner) => inner.names_a_feature(),
            FeatureCfg::All(args) | FeatureCfg::Any(args) => args.iter().any(Self::names_a_feature),
            FeatureCfg::Other(_) => false,
        }
    }

    /// True when no build with one of `builds` (each the set of features it turns on)
    /// compiles code under this predicate.
    pub fn excluded_from_every(&self, builds: &[BTreeSet<String>]) -> bool {
        !builds.is_empty()
            && builds
                .iter()
                .all(|on| self.holds(&|f| Some(on.contains(f))) == Some(false))
    }
}

/// `any` (`decisive` is true) or `all` (false) of `args`: the decisive value when one
/// argument has it, the other one when every argument has that, else unknown.
fn combine(
    args: &[FeatureCfg],
    decisive: bool,
    feature: &dyn Fn(&str) -> Option<bool>,
) -> Option<bool> {
    let values: Vec<Option<bool>> = args.iter().map(|a| a.holds(feature)).collect();
    if values.contains(&Some(decisive)) {
        Some(decisive)
    } else {
        values
            .iter()
            .all(|v| *v == Some(!decisive))
            .then_some(!decisive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feature(name: &str) -> FeatureCfg {
        FeatureCfg::Feature(name.into())
    }

    #[test]
    fn judges_each_build() {
        let sql = feature("sql");
        let neither = FeatureCfg::All(vec![
            FeatureCfg::Not(Box::new(feature("sql"))),
            FeatureCfg::Not(Box::new(feature("datastore"))),
        ]);
        let datastore = [BTreeSet::from(["datastore".to_string()])];
        assert!(sql.excluded_from_every(&datastore));
        assert!(neither.excluded_from_every(&datastore));
        assert!(!feature("datastore").excluded_from_every(&datastore));
        // One build of several that turns the feature on keeps the code.
        let both = [datastore[0].clone(), BTreeSet::from(["sql".to_string()])];
        assert!(!sql.excluded_from_every(&both));
        // No known build: nothing is excluded.
        assert!(!sql.excluded_from_every(&[]));
        // An unknown condition beside a feature that is on leaves the code in.
        let unknown = FeatureCfg::All(vec![feature("datastore"), FeatureCfg::Other(None)]);
        assert!(!unknown.excluded_from_every(&datastore));
    }
}
