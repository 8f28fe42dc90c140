//! The workload: a long custody journey and the bytes the log stores for each record.

use remtag::Body;
use remtag::Record;
use remtag::codec::{self, DeltaState, RecordBuf};

use crate::codecs::Error;

/// The records of `remtag_tests::journey::journey(n)` with their stored bytes: each record
/// encoded by `codec::encode_to_buf` against the records before it, exactly what
/// `Log::append` stores (record 0, the commission, is what `Log::format` stores as the
/// identity).
#[derive(Clone, Debug)]
pub struct Workload {
    records: Vec<Record>,
    stored: Vec<RecordBuf>,
}

impl Workload {
    /// The first `n` records of the long journey built from the 2018 story
    /// (`remtag_tests::journey::journey(n)`), with their stored bytes.
    pub fn journey(n: usize) -> Result<Self, Error> {
        let records = remtag_tests::journey::journey(n);
        let mut state = DeltaState::default();
        let stored = records
            .iter()
            .map(|r| codec::encode_to_buf(r, &mut state))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Workload { records, stored })
    }

    /// How many records, the commission included.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Record `i` (its sequence number is `i`).
    pub fn record(&self, i: usize) -> &Record {
        &self.records[i]
    }

    /// The stored bytes of record `i`.
    pub fn stored(&self, i: usize) -> &[u8] {
        &self.stored[i]
    }

    /// Whether record `i` is a checkpoint covering every record before it, which
    /// `Log::reclaim` accepts.
    pub fn is_full_checkpoint(&self, i: usize) -> bool {
        matches!(&self.records[i].body, Body::Checkpoint(c) if c.count as usize == i)
    }

    /// How many records are checkpoints covering every record before them.
    pub fn checkpoints(&self) -> usize {
        (0..self.len())
            .filter(|&i| self.is_full_checkpoint(i))
            .count()
    }

    /// The mean stored length of records `1..`, the commission left out.
    pub fn mean_stored_len(&self) -> f64 {
        let n = self.len().saturating_sub(1).max(1);
        self.stored.iter().skip(1).map(|s| s.len()).sum::<usize>() as f64 / n as f64
    }
}
