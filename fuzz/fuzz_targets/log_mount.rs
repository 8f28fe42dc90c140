//! A log mounted from a memory image the fuzzer made, on every medium the simulator offers.
//!
//! The input picks a memory (24LC256 EEPROM; NOR flash with 4 KiB or 256-byte sectors and
//! 4-byte or 1-byte words; NTAG215 or NTAG216 user memory), what it holds to start with (nothing,
//! a short log, or a log whose segments wrapped around after a reclaim), and how the rest of
//! the input goes over it: a window of bytes at an offset, bits flipped at offsets, or the
//! input repeated over the whole chip.
//!
//! Properties, when the log mounts:
//! - every record read from sequence number 0 passes its CRC and decodes, against the state
//!   the log gives with it, to the record the log gives, in exactly its stored bytes;
//! - records come in increasing sequence number order, and how many items a read yields is
//!   bounded by the size of the memory;
//! - a mounted log has an identity;
//! - a record appended and acknowledged is there after a remount, identical, and every record
//!   read before the append is still read after it, identical and in the same order.
//!
//! A log that does not mount says why with a typed error; nothing panics.

#![no_main]

use libfuzzer_sys::fuzz_target;
use remtag::Record;
use remtag::codec::{self, MAX_RECORD_LEN};
use remtag::log::{Entry, Log};
use remtag::model::Seq;
use remtag_fuzz::media::{self, Chip, Fill};
use remtag_fuzz::{Input, appendable, numbered};

/// The smallest stored record: envelope byte, length, a content byte, CRC.
const MIN_RECORD_LEN: usize = 1 + 1 + 1 + codec::CRC_LEN;

/// The chips, each blank and with its two logs, made once.
struct Bases<C> {
    blank: C,
    short: C,
    wrapped: C,
}

impl<C: Chip> Bases<C> {
    fn new(blank: C) -> Self {
        Bases {
            short: media::written(blank.clone(), Fill::Short),
            wrapped: media::written(blank.clone(), Fill::Wrapped),
            blank,
        }
    }

    fn get(&self, fill: u8) -> C {
        match fill % 3 {
            0 => self.blank.clone(),
            1 => self.short.clone(),
            _ => self.wrapped.clone(),
        }
    }
}

thread_local! {
    static EEPROM: Bases<media::Eeprom> = Bases::new(media::eeprom());
    static NOR_LARGE: Bases<media::NorLarge> = Bases::new(media::nor_large());
    static NOR_SMALL: Bases<media::NorSmall> = Bases::new(media::nor_small());
    static NOR_BYTES: Bases<media::NorBytes> = Bases::new(media::nor_bytes());
    static NTAG215: Bases<remtag_sim::memory::SimTagMemory> = Bases::new(media::ntag215());
    static NTAG216: Bases<remtag_sim::memory::SimTagMemory> = Bases::new(media::ntag216());
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let medium = input.byte();
    let fill = input.byte();
    match medium % 6 {
        0 => EEPROM.with(|b| exercise(b.get(fill), &mut input)),
        1 => NOR_LARGE.with(|b| exercise(b.get(fill), &mut input)),
        2 => NOR_SMALL.with(|b| exercise(b.get(fill), &mut input)),
        3 => NOR_BYTES.with(|b| exercise(b.get(fill), &mut input)),
        4 => NTAG215.with(|b| exercise(b.get(fill), &mut input)),
        _ => NTAG216.with(|b| exercise(b.get(fill), &mut input)),
    }
});

/// Puts the rest of `input` over `chip`, then mounts, reads, appends and mounts again.
fn exercise<C: Chip>(mut chip: C, input: &mut Input<'_>) {
    overlay(&mut chip, input);
    let template = input.byte();
    let capacity = chip.capacity();
    let config = chip.config();

    let (seq, record, before) = {
        let (mut log, report) = match Log::mount(chip.medium(), config) {
            Ok(mounted) => mounted,
            Err(e) => {
                let _ = e.to_string();
                return;
            }
        };
        assert!(
            report.damage.len() as u32 <= report.damage_count,
            "{report:?}"
        );
        assert!(log.identity().is_some(), "a mounted log has an identity");
        let before = read_all(&mut log, capacity);
        let Some(seq) = log.next_seq() else {
            return;
        };
        let templates = appendable();
        let record = numbered(&templates[usize::from(template) % templates.len()], seq);
        match log.append(&record) {
            Ok(acknowledged) => {
                assert_eq!(acknowledged, seq);
                assert_eq!(log.next_seq(), seq.next());
            }
            Err(e) => {
                let _ = e.to_string();
                return;
            }
        }
        (seq, record, before)
    };

    let (mut log, _) = Log::mount(chip.medium(), config)
        .unwrap_or_else(|e| panic!("the log mounts again after appending {seq}: {e:?}"));
    let after = read_all(&mut log, capacity);
    assert!(
        after
            .iter()
            .any(|(_, r)| r.header.seq == seq && *r == record),
        "the acknowledged record {seq} is read back identical: {record:?}\nread: {after:?}"
    );
    // What was read before is read after, in order (the appended record comes in between).
    let mut rest = after.iter();
    for item in &before {
        assert!(
            rest.any(|read| read == item),
            "record {} read before the append of {seq} is still read, identical:\nbefore: \
             {before:?}\nafter: {after:?}",
            item.1.header.seq
        );
    }
    assert_eq!(
        log.next_seq(),
        seq.next(),
        "the next sequence number after a remount"
    );
}

/// Puts the fuzzer's bytes over `chip`: a window at an offset, flipped bits, or the bytes
/// repeated over the whole chip.
fn overlay<C: Chip>(chip: &mut C, input: &mut Input<'_>) {
    let mode = input.byte();
    let capacity = chip.capacity();
    let bytes = chip.bytes_mut();
    match mode % 3 {
        0 => {
            let at = usize::from(input.u16()) % capacity;
            let len = usize::from(input.byte()) + 1;
            let window = input.take(len);
            let end = (at + window.len()).min(capacity);
            bytes[at..end].copy_from_slice(&window[..end - at]);
        }
        1 => {
            let count = input.byte() % 16;
            for _ in 0..count {
                let at = usize::from(input.u16()) % capacity;
                bytes[at] ^= input.byte();
            }
        }
        _ => {
            let len = usize::from(input.u16());
            let pattern = input.take(len);
            if !pattern.is_empty() {
                for (b, p) in bytes.iter_mut().zip(pattern.iter().cycle()) {
                    *b = *p;
                }
            }
        }
    }
}

/// Every record read from sequence number 0, with its offset, checked as it is read.
fn read_all<M: remtag::log::Medium>(log: &mut Log<M>, capacity: usize) -> Vec<(u32, Record)> {
    let segments = log.layout().segments as usize;
    // Every record takes at least its smallest stored length; each may be reported repaired
    // first, and each segment may end in damage.
    let bound = 2 * (capacity / MIN_RECORD_LEN) + segments + 2;
    let mut records: Vec<(u32, Record)> = Vec::new();
    let mut items = 0;
    for entry in log.read_from(Seq(0)) {
        items += 1;
        assert!(
            items <= bound,
            "a read of {capacity} bytes yields more than {bound} items"
        );
        match entry {
            Ok(Entry::Record {
                offset,
                record,
                stored,
                state_before,
            }) => {
                assert!(stored.len() <= MAX_RECORD_LEN);
                assert!(
                    offset as usize + stored.len() <= capacity,
                    "record at {offset}"
                );
                let envelope = codec::read_envelope(&stored)
                    .unwrap_or_else(|e| panic!("record at {offset} passes its CRC: {e:?}"));
                assert_eq!(envelope.total_len, stored.len());
                let mut state = state_before;
                let (decoded, len) = codec::decode(&stored, &mut state)
                    .unwrap_or_else(|e| panic!("record at {offset} decodes: {e:?}"));
                assert_eq!((&decoded, len), (&record, stored.len()));
                if let Some((_, last)) = records.last() {
                    assert!(
                        record.header.seq > last.header.seq,
                        "record {} at {offset} after record {}",
                        record.header.seq,
                        last.header.seq
                    );
                }
                records.push((offset, record));
            }
            Ok(Entry::Damage(d)) => {
                assert!((d.offset as usize) < capacity, "{d:?}");
                let _ = d.to_string();
            }
            Err(e) => {
                let _ = e.to_string();
                break;
            }
        }
    }
    records
}
