//! The workload: a long custody journey and the bytes the log stores for each record.

use remtag::Record;
use remtag::chain::Chain;
use remtag::codec::{self, DeltaState, RecordBuf};
use remtag::model::{Body, Seq, Timestamp, UtcSeconds};
use remtag_sim::story;

use crate::codecs::Error;

/// How many first records of every workload are compared with
/// `remtag_tests::journey::journey`.
pub const JOURNEY_CHECK: usize = 300;

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
    /// The first `n` records of the long journey built from the 2018 story.
    ///
    /// The records are those of `remtag_tests::journey::journey(n)`, built here in one pass:
    /// `journey` computes each checkpoint's chain head from the start of the log, which takes
    /// time quadratic in `n`, too long for the 100,000 records a 1 MiB flash holds. The first
    /// [`JOURNEY_CHECK`] records are compared with `journey`'s, so the two cannot drift apart.
    pub fn journey(n: usize) -> Result<Self, Error> {
        let history = story::history(1)?;
        let (first, rest) = history
            .records()
            .split_first()
            .ok_or("the story has no records")?;
        let start = first.header.time.map_or(0, |t| t.at.0);
        let mut state = DeltaState::default();
        let mut chain = Chain::default();
        let mut records = Vec::with_capacity(n);
        let mut stored = Vec::with_capacity(n);
        let templates = core::iter::once(first).chain(rest.iter().cycle());
        for (i, template) in templates.take(n).enumerate() {
            let mut record = template.clone();
            if i > 0 {
                let seq = u32::try_from(i)?;
                record.header.seq = Seq(seq);
                record.header.time = template.header.time.map(|t| Timestamp {
                    at: UtcSeconds(start + seq * 3_600),
                    ..t
                });
                if let Body::Checkpoint(c) = &mut record.body {
                    c.count = seq;
                    c.head = chain.head();
                }
            }
            let bytes = codec::encode_to_buf(&record, &mut state)?;
            chain.push(&bytes);
            records.push(record);
            stored.push(bytes);
        }
        let check = n.min(JOURNEY_CHECK);
        if records[..check] != remtag_tests::journey::journey(check)[..] {
            return Err("the workload no longer matches remtag_tests::journey::journey".into());
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workload_is_the_journey() {
        let work = Workload::journey(200).expect("builds");
        let journey = remtag_tests::journey::journey(200);
        let mut state = DeltaState::default();
        for (i, record) in journey.iter().enumerate() {
            assert_eq!(work.record(i), record);
            let stored = codec::encode_to_buf(record, &mut state).expect("encodes");
            assert_eq!(work.stored(i), stored.as_slice());
        }
        assert!(work.checkpoints() > 10);
    }
}
