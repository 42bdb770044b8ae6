//! Declared rank correlations between uncertain inputs, as a Gaussian copula.

use super::{At, Checker, at};
use crate::model::fields::{FieldId, List};
use crate::model::spec::*;
use crate::model::*;

/// Most `[[correlations]]` entries.
pub const MAX_CORRELATIONS: usize = 1_000;

/// The correlations: each names two different uncertain inputs drawn once per
/// replication, each pair once, with a rank correlation in range; together they must
/// form a positive definite matrix.
pub(super) fn check_correlations(c: &mut Checker, spec: &ScenarioSpec, sc: &Scenario) -> Option<super::Copula> {
    if spec.correlations.is_empty() {
        return None;
    }
    c.cap(List::Correlations, spec.correlations.len(), MAX_CORRELATIONS);
    if !c.ok() {
        return None;
    }
    let inputs = sc.uncertain_inputs();
    let mut members: Vec<&Input> = Vec::new();
    let mut pairs: Vec<(usize, usize, f64)> = Vec::new();
    for (i, cor) in spec.correlations.iter().enumerate() {
        let at = |id: FieldId| at(id, i);
        let mut find = |key: FieldId, written: &str| -> Option<usize> {
            let path = match super::fields::resolve(spec, written) {
                Ok(p) => p.canonical(),
                Err(m) => {
                    c.err(at(key), m);
                    return None;
                }
            };
            let Some((_, input)) = inputs.iter().find(|(p, _)| *p == path) else {
                if super::fields::resolve(spec, written)
                    .is_ok_and(|p| p.spec_field().kind == super::fields::Kind::Uncertain)
                {
                    // An input that may be uncertain but is fixed here (by the file,
                    // `--set`, a sweep or a sensitivity run) is not drawn: the
                    // correlation has no effect.
                    return None;
                }
                c.err(
                    at(key),
                    format!(
                        "`{}` is not an uncertain input drawn once per replication; name one that has a \
                         distribution (`aovlab sensitivity --csv -` lists them)",
                        crate::format::excerpt(written, 80)
                    ),
                );
                return None;
            };
            Some(match members.iter().position(|m| m.stream == input.stream) {
                Some(k) => k,
                None => {
                    members.push(input);
                    members.len() - 1
                }
            })
        };
        let (a, b) = (find(FieldId::CorrelationFirst, &cor.first), find(FieldId::CorrelationSecond, &cor.second));
        c.number(FieldId::CorrelationRank, Some(i), cor.rank);
        let (Some(a), Some(b)) = (a, b) else { continue };
        if a == b {
            c.err(
                at(FieldId::CorrelationSecond),
                "names the same input as `first`; a correlation needs two different inputs",
            );
        } else if pairs.iter().any(|&(x, y, _)| (x, y) == (a, b) || (x, y) == (b, a)) {
            c.err(at(FieldId::CorrelationSecond), "this pair already has a correlation; give each pair once");
        } else {
            pairs.push((a, b, cor.rank));
        }
    }
    if !c.ok() || pairs.is_empty() {
        return None;
    }
    // Only the inputs of pairs that take effect (a fixed partner drops its pair).
    let used: Vec<usize> = (0..members.len()).filter(|&k| pairs.iter().any(|&(a, b, _)| a == k || b == k)).collect();
    let members: Vec<&Input> = used.iter().map(|&k| members[k]).collect();
    let at = |k: usize| used.iter().position(|&u| u == k).unwrap_or(0);
    let pairs: Vec<(usize, usize, f64)> = pairs.iter().map(|&(a, b, r)| (at(a), at(b), r)).collect();
    let n = members.len();
    let mut m = vec![0.0; n * n];
    for k in 0..n {
        m[k * n + k] = 1.0;
    }
    for &(a, b, rho) in &pairs {
        let r = 2.0 * (std::f64::consts::PI * rho / 6.0).sin();
        m[a * n + b] = r;
        m[b * n + a] = r;
    }
    let Some(cholesky) = crate::stats::cholesky(&m, n) else {
        c.err(
            At::List(List::Correlations),
            "the declared correlations cannot hold together (their matrix is not positive definite: e.g. A and \
             B, and B and C, strongly positive while A and C are strongly negative); weaken some of them",
        );
        return None;
    };
    let dist = |i: &Input| match &i.param {
        Param::Dist(d) => d.clone(),
        Param::Fixed(v) => Dist::Uniform { min: *v, max: *v },
    };
    Some(super::Copula {
        streams: members.iter().map(|i| i.stream).collect(),
        dists: members.iter().map(|i| dist(i)).collect(),
        ranges: members.iter().map(|i| (i.lo, i.hi)).collect(),
        matrix: m,
        cholesky,
    })
}
