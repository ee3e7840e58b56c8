//! Helper functions callable by `call <id>`: a table from helper number to a Rust closure.
//!
//! A helper receives r1–r5 and the memory, and either returns a value for r0 or ends the program
//! (the uBPF "unwind" convention). The table is pluggable: tests and tools install the helpers
//! their programs call, and a call to a number not in the table is an error of the run.

use super::memory::Memory;
use std::collections::BTreeMap;
use std::fmt;

/// What a helper call does to the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HelperOutcome {
    /// Continue after the call with this value in r0.
    Return(u64),
    /// End the whole program now, with this value in r0.
    Exit(u64),
}

/// A helper: r1–r5 and the memory in, the outcome or a message saying why it failed out.
pub type HelperFn = Box<dyn FnMut(&[u64; 5], &mut Memory) -> Result<HelperOutcome, String>>;

/// Helpers by number.
#[derive(Default)]
pub struct HelperTable {
    helpers: BTreeMap<i32, HelperFn>,
}

impl fmt::Debug for HelperTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.helpers.keys()).finish()
    }
}

/// The helper number of uBPF's test "unwind" helper, which the conformance suite calls.
pub const UBPF_UNWIND: i32 = 5;

impl HelperTable {
    /// An empty table: every helper call fails.
    pub fn new() -> HelperTable {
        HelperTable::default()
    }

    /// Install (or replace) helper `id`.
    pub fn insert(
        &mut self,
        id: i32,
        helper: impl FnMut(&[u64; 5], &mut Memory) -> Result<HelperOutcome, String> + 'static,
    ) -> &mut Self {
        self.helpers.insert(id, Box::new(helper));
        self
    }

    /// The helpers of the BPF conformance suite's uBPF runner that its tests call: only number 5,
    /// "unwind", which returns r1 and, when r1 is 0, ends the program with r0 = 0.
    pub fn conformance() -> HelperTable {
        let mut table = HelperTable::new();
        table.insert(UBPF_UNWIND, |args, _| {
            Ok(match args[0] {
                0 => HelperOutcome::Exit(0),
                v => HelperOutcome::Return(v),
            })
        });
        table
    }

    /// Call helper `id`; `None` when the table has no such helper.
    pub fn call(
        &mut self,
        id: i32,
        args: &[u64; 5],
        memory: &mut Memory,
    ) -> Option<Result<HelperOutcome, String>> {
        self.helpers.get_mut(&id).map(|helper| helper(args, memory))
    }
}
