//! Long custody journeys for the log's torture tests, built from the 2018 story.

use remtag::Record;
use remtag::chain::Chain;
use remtag::codec::{self, DeltaState};
use remtag::model::{Body, Seq, Timestamp, UtcSeconds};
use remtag_sim::story;

/// `n` records: the commission of box 1, then the story's other records over and over, with
/// sequence numbers 0 to n-1 and an hour between records. Checkpoints cover every record before
/// them and carry the chain head over them, as in a real log (their signatures are the story's
/// and do not verify).
pub fn journey(n: usize) -> Vec<Record> {
    build(n, |_| true)
}

/// `n` records: the commission, then only the custody records of the story, over and over.
pub fn custody_journey(n: usize) -> Vec<Record> {
    build(n, |r| matches!(r.body, Body::Custody(_)))
}

fn build(n: usize, keep: impl Fn(&Record) -> bool) -> Vec<Record> {
    let history = story::history(1).expect("the story encodes");
    let all = history.records();
    let (first, rest) = all.split_first().expect("the story has records");
    let rest: Vec<&Record> = rest.iter().filter(|r| keep(r)).collect();
    let mut out = vec![first.clone()];
    let start = first.header.time.map_or(0, |t| t.at.0);
    // The chain over the records so far, kept up to date for the checkpoints' heads.
    let mut state = DeltaState::default();
    let mut chain = Chain::default();
    chain.push(&codec::encode_to_buf(first, &mut state).expect("encodes"));
    for (i, template) in rest.iter().cycle().take(n.saturating_sub(1)).enumerate() {
        let seq = i as u32 + 1;
        let mut record = (*template).clone();
        record.header.seq = Seq(seq);
        record.header.time = template.header.time.map(|t| Timestamp {
            at: UtcSeconds(start + seq * 3_600),
            ..t
        });
        if let Body::Checkpoint(c) = &mut record.body {
            c.count = seq;
            c.head = chain.head();
        }
        chain.push(&codec::encode_to_buf(&record, &mut state).expect("encodes"));
        out.push(record);
    }
    out
}

/// The chain over `records`, encoded one after the other as a log stores them.
pub fn chain_over(records: &[Record]) -> Chain {
    let mut state = DeltaState::default();
    let mut chain = Chain::default();
    for r in records {
        chain.push(&codec::encode_to_buf(r, &mut state).expect("encodes"));
    }
    chain
}
