//! What the fuzz targets share: the 2018 story's records, the simulated memories a log lives
//! on, and logs written on them to start from.

pub mod media;

use remtag::Record;
use remtag::model::{Body, Seq};
use remtag::verify::TrustedKey;
use remtag_sim::story;

thread_local! {
    static HISTORY: (Vec<Record>, Vec<Vec<u8>>) = {
        let log = story::history(1).expect("the story encodes");
        let stored = log
            .records()
            .iter()
            .map(|r| log.stored(r.header.seq).expect("stored").to_vec())
            .collect();
        (log.records().to_vec(), stored)
    };
}

/// The history of box 1 of 2018: every record type, two signed checkpoints. Made once: its
/// signatures take time.
pub fn history() -> Vec<Record> {
    HISTORY.with(|(records, _)| records.clone())
}

/// The stored bytes of each record of [`history`], as a log holds them.
pub fn history_stored() -> Vec<Vec<u8>> {
    HISTORY.with(|(_, stored)| stored.clone())
}

/// The records of [`history`] a log takes after its identity: everything but the commission
/// and the checkpoints (whose heads belong to the story's own log).
pub fn appendable() -> Vec<Record> {
    HISTORY.with(|(records, _)| {
        records
            .iter()
            .filter(|r| !matches!(r.body, Body::Commission(_) | Body::Checkpoint(_)))
            .cloned()
            .collect()
    })
}

/// The public keys of the story's custodians, as a verifier trusts them.
pub fn story_keys() -> Vec<TrustedKey> {
    thread_local! {
        static KEYS: Vec<TrustedKey> = story::keys_file().trusted().expect("the story's keys");
    }
    KEYS.with(Clone::clone)
}

/// `template` as record `seq`.
pub fn numbered(template: &Record, seq: Seq) -> Record {
    let mut record = template.clone();
    record.header.seq = seq;
    record
}

/// A cursor over the fuzzer's bytes: each read takes what is left, or zero past the end.
pub struct Input<'a> {
    bytes: &'a [u8],
}

impl<'a> Input<'a> {
    /// A cursor at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Input { bytes }
    }

    /// The next byte, or 0 past the end.
    pub fn byte(&mut self) -> u8 {
        match self.bytes.split_first() {
            Some((&b, rest)) => {
                self.bytes = rest;
                b
            }
            None => 0,
        }
    }

    /// The next two bytes, big-endian.
    pub fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }

    /// The next four bytes, big-endian.
    pub fn u32(&mut self) -> u32 {
        u32::from_be_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    /// The next `n` bytes, or fewer at the end.
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (taken, rest) = self.bytes.split_at(n.min(self.bytes.len()));
        self.bytes = rest;
        taken
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        self.take(usize::MAX)
    }

    /// Whether nothing is left.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}
