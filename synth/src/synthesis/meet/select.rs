//! The greedy selection of the meet search, on precomputed results.
//!
//! Every sound piece's result on every pair of the selection grid and the best transformer's
//! are computed once; a candidate meet is then scored by counting the pairs where the guarded
//! meet of its pieces' results ([`super::meet_abs`]) equals the best result. Forward steps add
//! the piece with the most exact pairs gained per unit of cost; the pruning pass drops every
//! piece whose removal loses no exact pair.

use super::{meet_abs, MeetConfig, Step};
use crate::precision::operators::Carrier;
use rayon::prelude::*;
use std::collections::HashMap;

/// The guarded meet on grid elements.
pub(super) fn meet_d<D: Carrier>(a: &D, b: &D) -> D {
    D::from_abs(meet_abs(&a.to_abs(), &b.to_abs()))
}

/// The greedy selection's outcome.
pub(super) struct Selection {
    pub(super) selected: Vec<usize>,
    pub(super) exact: u64,
    pub(super) cost: u64,
}

/// Greedy forward selection over the pieces `costs` (pool index, cost) not in `excluded`,
/// starting with `forced`, then pruning; the steps are appended to `path`. `None` when
/// interrupted.
#[allow(clippy::too_many_arguments)]
pub(super) fn select<D: Carrier>(
    costs: &[(usize, u64)],
    excluded: &[usize],
    forced: Option<usize>,
    results: &HashMap<usize, Vec<D>>,
    best: &[D],
    cfg: &MeetConfig,
    names: &[String],
    path: &mut Vec<Step>,
    stopped: &dyn Fn() -> bool,
    progress: &mut dyn FnMut(&str),
) -> Option<Selection> {
    let pairs = best.len() as u64;
    let pct = |e: u64| 100.0 * e as f64 / pairs.max(1) as f64;
    let count_exact = |cur: &[D]| {
        (0..cur.len())
            .into_par_iter()
            .filter(|&k| cur[k] == best[k])
            .count() as u64
    };
    let cost_of = |i: usize| costs.iter().find(|c| c.0 == i).map_or(1, |c| c.1);
    let mut selected: Vec<usize> = Vec::new();
    let mut current: Option<Vec<D>> = None;
    let mut exact = 0u64;
    let mut total_cost = 0u64;
    let step = |action: &str, i: usize, exact: u64, cost: u64, path: &mut Vec<Step>| {
        path.push(Step {
            action: action.into(),
            piece: names[i].clone(),
            exact,
            pairs,
            exact_percent: pct(exact),
            cost,
        })
    };
    if let Some(i) = forced.filter(|i| results.contains_key(i)) {
        let res = results[&i].clone();
        exact = count_exact(&res);
        current = Some(res);
        selected.push(i);
        total_cost += cost_of(i);
        step("start", i, exact, total_cost, path);
    }
    loop {
        if stopped() {
            return None;
        }
        if selected.len() >= cfg.max_pieces
            || cfg
                .target_share
                .is_some_and(|s| exact as f64 >= s * pairs as f64)
        {
            break;
        }
        progress(&format!(
            "selecting piece {} ({:.3}% exact so far)",
            selected.len() + 1,
            pct(exact)
        ));
        // (gain per cost, exact after, pool index, cost)
        let mut choice: Option<(f64, u64, usize, u64)> = None;
        for &(i, c) in costs {
            if selected.contains(&i) || excluded.contains(&i) {
                continue;
            }
            if cfg.cost_budget.is_some_and(|b| total_cost + c > b) {
                continue;
            }
            let res = &results[&i];
            let e = match &current {
                None => count_exact(res),
                Some(cur) => (0..cur.len())
                    .into_par_iter()
                    .filter(|&k| meet_d(&cur[k], &res[k]) == best[k])
                    .count() as u64,
            };
            let gain = e.saturating_sub(exact);
            if gain < cfg.min_gain.max(1) {
                continue;
            }
            let score = gain as f64 / c.max(1) as f64;
            if choice.is_none_or(|(s, ..)| score > s) {
                choice = Some((score, e, i, c));
            }
        }
        let Some((_, e, i, c)) = choice else {
            break;
        };
        let res = &results[&i];
        current = Some(match current {
            None => res.clone(),
            Some(cur) => cur.iter().zip(res).map(|(x, y)| meet_d(x, y)).collect(),
        });
        exact = e;
        total_cost += c;
        selected.push(i);
        let action = if selected.len() == 1 { "start" } else { "add" };
        step(action, i, exact, total_cost, path);
    }
    if cfg.prune && selected.len() > 1 {
        let keep = usize::from(forced.is_some_and(|f| selected.first() == Some(&f)));
        let mut k = selected.len();
        while k > keep && selected.len() > 1 {
            k -= 1;
            if stopped() {
                return None;
            }
            let rest: Vec<usize> = selected
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != k)
                .map(|(_, &i)| i)
                .collect();
            let e = count_exact(&meet_of(&rest, results));
            if e >= exact {
                let i = selected.remove(k);
                total_cost -= cost_of(i).min(total_cost);
                exact = e;
                step("drop", i, exact, total_cost, path);
            }
        }
    }
    Some(Selection {
        selected,
        exact,
        cost: total_cost,
    })
}

/// The meet of the pieces `indices` (in order) on every pair.
pub(super) fn meet_of<D: Carrier>(indices: &[usize], results: &HashMap<usize, Vec<D>>) -> Vec<D> {
    let mut it = indices.iter();
    let Some(first) = it.next() else {
        return Vec::new();
    };
    let mut acc = results[first].clone();
    for i in it {
        let r = &results[i];
        acc.par_iter_mut()
            .zip(r.par_iter())
            .for_each(|(x, y)| *x = meet_d(x, y));
    }
    acc
}
