//! Partial results of a sharded run: the exact tallies of a slice of the
//! replications plus the scenario they belong to, so that `aovlab merge` can
//! combine shards into results bit-identical to a single-machine run.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::engine::RepCounts;
use crate::model::ScenarioSpec;

/// Identifies the file kind.
pub const KIND: &str = "aovlab-partial-results";
/// Version of the partial-results format.
pub const PARTIAL_VERSION: u32 = 1;

/// One shard's output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    /// Always [`KIND`].
    pub kind: String,
    /// Always [`PARTIAL_VERSION`].
    pub version: u32,
    /// Shard index (0-based) and count.
    pub shard: Shard,
    /// The scenario (after command-line overrides) the shard ran.
    pub scenario: ScenarioSpec,
    /// Wall time of this shard.
    pub elapsed_seconds: f64,
    /// Threads this shard used.
    pub threads: usize,
    /// Exact tallies of this shard's replications.
    pub replications: Vec<RepCounts>,
}

/// Shard `index` of `count` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 0-based index.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// Parses `I/N` with 0 <= I < N.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a shard: use I/N with 0 <= I < N, e.g. 0/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }

    /// The replications of this shard: a contiguous, balanced slice of `0..total`.
    pub fn replications(&self, total: u32) -> std::ops::Range<u32> {
        let (t, n, i) = (u64::from(total), u64::from(self.count), u64::from(self.index));
        (t * i / n) as u32..(t * (i + 1) / n) as u32
    }
}

/// Reads one partial-results file.
pub fn read(path: &Path) -> Result<Partial, String> {
    let name = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    let p: Partial = serde_json::from_str(&text)
        .map_err(|e| format!("{name}:{}:{}: not a partial-results file: {e}", e.line(), e.column()))?;
    if p.kind != KIND || p.version != PARTIAL_VERSION {
        return Err(format!("{name}: kind `{}` version {} is not {KIND} version {PARTIAL_VERSION}", p.kind, p.version));
    }
    Ok(p)
}

/// Checks that shards belong to one run and together hold every replication exactly
/// once; returns the scenario and all tallies.
pub fn combine(parts: Vec<(String, Partial)>) -> Result<Combined, String> {
    let Some((first_name, first)) = parts.first() else { return Err("no partial-results files given".into()) };
    let spec = first.scenario.clone();
    let total = spec.store.replications;
    let mut seen: Vec<Option<String>> = vec![None; total as usize];
    let mut reps = Vec::with_capacity(total as usize);
    let mut elapsed: f64 = 0.0;
    let mut threads = 0;
    for (name, p) in &parts {
        if p.scenario != spec {
            return Err(format!(
                "{name} ran a different scenario (or seed or size) than {first_name}; merge shards of one run"
            ));
        }
        elapsed = elapsed.max(p.elapsed_seconds);
        threads += p.threads;
        for r in &p.replications {
            let slot = seen
                .get_mut(r.replication as usize)
                .ok_or_else(|| format!("{name}: replication {} is outside 0..{total}", r.replication))?;
            if let Some(other) = slot {
                return Err(format!("replication {} is in both {other} and {name}", r.replication));
            }
            *slot = Some(name.clone());
            reps.push(r.clone());
        }
    }
    let missing: Vec<usize> = seen.iter().enumerate().filter(|(_, s)| s.is_none()).map(|(i, _)| i).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(10).map(ToString::to_string).collect();
        return Err(format!(
            "{} of {total} replications are missing (e.g. {}); is a shard's file absent?",
            missing.len(),
            shown.join(", ")
        ));
    }
    reps.sort_by_key(|r| r.replication);
    Ok(Combined { spec, replications: reps, elapsed_seconds: elapsed, threads })
}

/// Every shard's tallies, checked and in replication order.
#[derive(Debug)]
pub struct Combined {
    /// The scenario the shards ran.
    pub spec: ScenarioSpec,
    /// All replications, sorted.
    pub replications: Vec<RepCounts>,
    /// The slowest shard's wall time (the run's wall time when shards ran in parallel).
    pub elapsed_seconds: f64,
    /// Threads over all shards.
    pub threads: usize,
}

#[cfg(test)]
mod tests {
    use super::Shard;

    #[test]
    fn shards_partition_the_replications() {
        for total in [1u32, 7, 100, 101] {
            for count in 1..=9 {
                let mut next = 0;
                for index in 0..count {
                    let r = Shard { index, count }.replications(total);
                    assert_eq!(r.start, next);
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
        assert!(Shard::parse("4/4").is_err());
        assert!(Shard::parse("x").is_err());
        assert_eq!(Shard::parse("1/4").unwrap(), Shard { index: 1, count: 4 });
    }
}
