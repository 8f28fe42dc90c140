//! The custody log: append-only, power-safe, on NOR flash, EEPROM or NFC tag memory.
//!
//! The identity (the commission record, sequence number 0) is kept twice, in two slots with a
//! generation number, together with the oldest epoch in use. Every later record goes into
//! segments used in rotation. A segment starts with two copies of a header that holds the codec
//! state and the chain head before its first record, so each segment can be read alone and old
//! segments can be reclaimed once a checkpoint covering them has been archived: reclaiming only
//! moves the oldest epoch in the identity slots forward. Records follow the header end to end,
//! each padded to the write size, each CRC keyed to the segment's epoch so that bytes left from
//! a segment's earlier use never pass for records of the next.
//!
//! An append returns only when its record is durable. A power cut during an append leaves at
//! most that one record torn; mount recognises the torn bytes as an append never acknowledged
//! and never lets later records combine with them: on NOR flash the next record goes into a
//! fresh segment, on rewritable memory it overwrites the torn bytes whole. A flipped bit in a
//! stored record is repaired from the record's CRC and reported; damage that cannot be repaired
//! is reported with its position. Nothing is skipped silently and nothing is overwritten.
//! `docs/FORMAT.md` describes the layout byte by byte.

mod append;
mod blocks;
mod cursor;
mod error;
mod format;
mod headers;
mod identity;
mod keyed;
mod layout;
pub mod medium;
mod mount;
mod read;
mod reclaim;

pub use blocks::{SegmentHeader, SegmentStart};
pub use error::{
    Damage, DamageCode, DamageReason, LayoutProblem, LogError, LogErrorKind, ReclaimProblem,
};
pub use layout::{Layout, LayoutConfig, LayoutVersion};
pub use medium::{Medium, MediumInfo, Stats};
pub use read::{Entries, Entry, ReadPoint, StoredEntry};

use medium::Counted;

use crate::chain::Chain;
use crate::codec::{self, DeltaState, RecordBuf};
use crate::model::{Body, Commission, Record, Seq};

/// How many damage reports a mount keeps; more are counted.
pub const MAX_DAMAGE_REPORTS: usize = 8;

/// What mount found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct MountReport {
    /// Records readable, the identity included.
    pub records: u32,
    /// Segments in use.
    pub segments: u32,
    /// The first damage reports, in the order found.
    pub damage: heapless::Vec<Damage, MAX_DAMAGE_REPORTS>,
    /// All damage found, including reports beyond the first few.
    pub damage_count: u32,
}

impl MountReport {
    fn add(&mut self, damage: Damage) {
        self.damage_count += 1;
        self.damage.push(damage).ok();
    }

    /// Whether anything was found that a power cut cannot have left
    /// ([`Damage::may_be_a_power_cut`]: a torn append, an identity copy rewritten).
    pub fn has_damage(&self) -> bool {
        self.damage.iter().any(|d| !d.may_be_a_power_cut())
            || self.damage_count as usize > self.damage.len()
    }
}

/// The segment being appended to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Newest {
    epoch: u32,
    physical: u32,
    /// Where the next record goes.
    write_pos: u32,
    /// Where its first record goes, after the header copies.
    first_record: u32,
    /// Whether more may go in.
    closed: Closed,
}

/// Whether the newest segment takes more records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Closed {
    /// It does, at the write position.
    Open,
    /// Not at the write position: a torn append on erase-before-write memory, or words there
    /// that should be erased and are not. Nothing acknowledged lies there; a segment closed so
    /// before its first record holds none, and is opened again in place.
    Unwritable,
    /// It holds unreadable records, kept as evidence: nothing more goes in.
    Damaged,
}

/// A failed [`Log::try_mount`] or [`Log::try_format`]: the medium, handed back, and why.
pub type Refused<M> = (M, LogError<<M as Medium>::Error>);

/// An append-only custody log on a [`Medium`].
#[derive(Debug)]
pub struct Log<M: Medium> {
    medium: Counted<M>,
    layout: Layout,
    identity: RecordBuf,
    identity_generation: u32,
    /// Damage to the identity copies that the mount found (and rewrote the copies for), for
    /// every read from the identity on to report.
    identity_damage: heapless::Vec<Damage, 2>,
    newest: Option<Newest>,
    /// The oldest epoch in use: segments of older epochs are free.
    floor: u32,
    state: DeltaState,
    chain: Chain,
}

impl<M: Medium> Log<M> {
    /// A log on `medium` that holds nothing yet: formatting or mounting fills it in where it
    /// stands.
    fn unmounted(medium: Counted<M>, layout: Layout) -> Self {
        Log {
            medium,
            layout,
            identity: RecordBuf::new(),
            identity_generation: 0,
            identity_damage: heapless::Vec::new(),
            newest: None,
            floor: 0,
            state: DeltaState::default(),
            chain: Chain::default(),
        }
    }

    /// With the identity record in place, and the log's state after it: the log holds only its
    /// identity so far, and the chain starts with the identity record.
    fn start_chain(&mut self, identity_generation: u32) {
        self.identity_generation = identity_generation;
        self.chain = Chain::default();
        self.chain.push(&self.identity);
    }

    /// Mounts the log on `medium` after any reset: finds the identity and the segments, reads
    /// every record, and reports damage and a torn last append.
    pub fn mount(
        medium: M,
        config: LayoutConfig,
    ) -> Result<(Self, MountReport), LogError<M::Error>> {
        Self::try_mount(medium, config).map_err(|(_, e)| e)
    }

    /// [`mount`](Self::mount), handing the medium back when it fails, so that a device can
    /// keep it (to format a blank tag, or to try again).
    pub fn try_mount(medium: M, config: LayoutConfig) -> Result<(Self, MountReport), Refused<M>> {
        let mut log = Self::on(medium, config)?;
        let mut report = MountReport::default();
        match log.mount_here(&mut report) {
            Ok(()) => Ok((log, report)),
            Err(e) => Err((log.into_medium(), e)),
        }
    }

    /// A log on `medium`, not mounted yet: [`mount_here`](Self::mount_here) mounts it where it
    /// stands, so that a device keeps one log and never moves it. Refused, with the medium,
    /// when `config` does not fit the medium.
    pub(crate) fn on(medium: M, config: LayoutConfig) -> Result<Self, Refused<M>> {
        match Layout::new(medium.info(), config) {
            Ok(layout) => Ok(Self::unmounted(
                Counted {
                    inner: medium,
                    stats: Stats::default(),
                },
                layout,
            )),
            Err(e) => Err((medium, e)),
        }
    }

    /// Refuses writes to a medium of an older layout version: this log reads it, and leaves it
    /// as it is.
    fn writable(&self) -> Result<(), LogError<M::Error>> {
        match self.layout.version {
            LayoutVersion::NEWEST => Ok(()),
            older => Err(LogError::OlderLayout {
                version: older.byte(),
            }),
        }
    }

    /// The sequence number the next record must carry.
    pub fn next_seq(&self) -> Option<Seq> {
        self.state.implicit_seq()
    }

    /// The identity: the commission record, decoded from its stored bytes (which formatting
    /// and mounting checked: `None` never comes from a mounted log).
    pub fn identity(&self) -> Option<Commission> {
        let mut state = DeltaState::default();
        match codec::decode(&self.identity, &mut state) {
            Ok((
                Record {
                    body: Body::Commission(commission),
                    ..
                },
                _,
            )) => Some(commission),
            _ => None,
        }
    }

    /// How many times the identity has been written (1 after formatting, one more at each
    /// reclamation).
    pub fn identity_generation(&self) -> u32 {
        self.identity_generation
    }

    /// The identity record as stored (sequence number 0, the first link of the chain).
    pub fn identity_bytes(&self) -> &[u8] {
        &self.identity
    }

    /// The codec state after the last record.
    pub fn state(&self) -> &DeltaState {
        &self.state
    }

    /// The chain over every record, including reclaimed ones.
    pub fn chain(&self) -> Chain {
        self.chain
    }

    /// The layout in use.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The oldest epoch in use: the segments of older epochs were reclaimed.
    pub fn oldest_epoch(&self) -> u32 {
        self.floor
    }

    /// The epoch of the segment appended to, if a segment is open.
    pub fn newest_epoch(&self) -> Option<u32> {
        self.newest.map(|nw| nw.epoch)
    }

    /// Bytes the records area can hold in all, headers excluded.
    pub fn capacity(&self) -> u32 {
        self.layout.segments * self.layout.segment_len
    }

    /// Bytes still free for records: the rest of the newest segment and every free segment.
    pub fn free_space(&self) -> u32 {
        let Some(nw) = self.newest else {
            return self.capacity();
        };
        let used_segments = nw.epoch.saturating_sub(self.floor).saturating_add(1);
        let here = if nw.closed != Closed::Open {
            0
        } else {
            self.layout
                .segment_end(nw.physical)
                .saturating_sub(nw.write_pos)
        };
        let free_segments = self.layout.segments.saturating_sub(used_segments);
        here.saturating_add(free_segments.saturating_mul(self.record_room()))
    }

    /// Bytes read, programmed and erased since this log was formatted or mounted.
    pub fn stats(&self) -> Stats {
        self.medium.stats
    }

    /// The medium, for inspection.
    pub fn medium(&self) -> &M {
        &self.medium.inner
    }

    /// The medium, mutably: a test harness uses it to cut power or inject damage.
    pub fn medium_mut(&mut self) -> &mut M {
        &mut self.medium.inner
    }

    /// Ends the log and hands the medium back.
    pub fn into_medium(self) -> M {
        self.medium.inner
    }
}

/// Whether no segment of `medium` has a readable header: no segment holds records.
///
/// A memory whose identity is unreadable ([`LogError::Unformatted`]) and that holds no records
/// holds no evidence either: it is new, or its formatting was cut short, and formatting it
/// loses nothing. A memory with a segment in use is never such a memory.
pub fn holds_no_records<M: Medium>(
    medium: &mut M,
    config: LayoutConfig,
) -> Result<bool, LogError<M::Error>> {
    match Log::on(medium, config) {
        Ok(mut log) => log.holds_no_records(),
        Err((_, e)) => Err(e),
    }
}

impl<M: Medium> Log<M> {
    /// Whether no segment of the medium has a readable header of any layout version, as
    /// [`holds_no_records`] tells of a log that did not mount.
    pub(crate) fn holds_no_records(&mut self) -> Result<bool, LogError<M::Error>> {
        for physical in 0..self.layout.segments {
            if headers::any_version_at(&mut self.medium, &self.layout, physical)
                .map_err(LogError::Medium)?
            {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use std::vec::Vec;

    use super::*;
    use crate::model::{
        BizStep, Commission, Condition, ContainerKind, Custody, Disposition, Epc, Header, List,
        Location, PartyRef, PlaceRef, Seal, SealNumber, SealState, TimeQuality, Timestamp,
        TzOffset, UsDod96, UtcSeconds,
    };

    /// NOR flash in RAM: 256-byte erase blocks, 4-byte writes that only clear bits.
    struct Flash([u8; 4096]);

    impl Medium for Flash {
        type Error = ();

        fn info(&self) -> MediumInfo {
            MediumInfo {
                capacity: 4096,
                write_size: 4,
                erase_size: Some(256),
            }
        }

        fn read(&mut self, offset: u32, buf: &mut [u8]) -> Result<(), ()> {
            let at = offset as usize;
            buf.copy_from_slice(self.0.get(at..at + buf.len()).ok_or(())?);
            Ok(())
        }

        fn program(&mut self, offset: u32, data: &[u8]) -> Result<(), ()> {
            let at = offset as usize;
            let dst = self.0.get_mut(at..at + data.len()).ok_or(())?;
            dst.iter_mut().zip(data).for_each(|(d, s)| *d &= *s);
            Ok(())
        }

        fn erase(&mut self, from: u32, to: u32) -> Result<(), ()> {
            self.0
                .get_mut(from as usize..to as usize)
                .ok_or(())?
                .fill(0xff);
            Ok(())
        }
    }

    fn header(seq: u32) -> Header {
        Header {
            seq: Seq(seq),
            time: Some(Timestamp {
                at: UtcSeconds(585_958_200 + 3_600 * seq),
                quality: TimeQuality::Gnss,
            }),
            tz: TzOffset::from_quarter_hours(36).unwrap_or_default(),
            actor: PartyRef(1),
            location: Location::Place(PlaceRef(seq)),
        }
    }

    fn log_of(records: u32) -> Log<Flash> {
        let commission = Record {
            header: header(0),
            body: Body::Commission(Commission {
                epc: Epc::UsDod96(UsDod96::new(0, "7DPA1", 1).expect("an EPC")),
                chip_uid: List::from_slice(&[4, 0xa2, 0x18, 7, 0x27, 0, 1]).expect("fits"),
                container: ContainerKind::Box,
                labels: List::new(),
                issuer: PartyRef(1),
                claims: List::new(),
            }),
        };
        let config = LayoutConfig::default();
        let mut log = Log::format(Flash([0xff; 4096]), config, &commission).expect("formats");
        for seq in 1..=records {
            let record = Record {
                header: header(seq),
                body: Body::Custody(Custody {
                    step: BizStep::Holding,
                    disposition: Disposition::InProgress,
                    from: PartyRef(1),
                    to: PartyRef(1),
                    seal: Some(Seal {
                        number: SealNumber(180_701),
                        state: SealState::Intact,
                    }),
                    condition: Condition::Good,
                }),
            };
            log.append(&record).expect("appends");
        }
        log
    }

    /// Every entry from `from`, one [`Entries::next_stored`] at a time, each after a
    /// [`Log::resume`] from the point the one before left, as a tag serves a reader.
    fn read_one_by_one(log: &mut Log<Flash>, from: Seq) -> Vec<(StoredEntry, RecordBuf)> {
        let mut point = log.read_from(from).point();
        let mut out = Vec::new();
        loop {
            let mut entries = log.resume(point);
            let mut stored = RecordBuf::new();
            match entries.next_stored(&mut stored) {
                None => return out,
                Some(entry) => out.push((entry.expect("reads"), stored)),
            }
            point = entries.point();
        }
    }

    #[test]
    fn a_repaired_record_is_reported_then_read_whole_also_across_resumes() {
        let mut log = log_of(6);
        let clean: Vec<Entry> = log.read_from(Seq(0)).map(|e| e.expect("reads")).collect();
        assert_eq!(clean.len(), 7);
        let Entry::Record {
            offset, ref stored, ..
        } = clean[3]
        else {
            panic!("record 3: {:?}", clean[3]);
        };
        log.medium_mut().0[offset as usize + 5] ^= 0x08;

        let damaged: Vec<Entry> = log.read_from(Seq(0)).map(|e| e.expect("reads")).collect();
        assert_eq!(damaged.len(), 8);
        assert_eq!(damaged[..3], clean[..3]);
        assert_eq!(
            damaged[3],
            Entry::Damage(Damage {
                offset,
                seq: Some(Seq(3)),
                reason: DamageReason::BitFlipRepaired { bit: 43 },
            })
        );
        assert_eq!(damaged[4..], clean[3..]);

        let served = read_one_by_one(&mut log, Seq(0));
        assert_eq!(served.len(), damaged.len());
        for ((item, bytes), entry) in served.iter().zip(&damaged) {
            match (item, entry) {
                (
                    StoredEntry::Record {
                        offset,
                        state_before,
                    },
                    Entry::Record {
                        offset: o,
                        stored: s,
                        state_before: b,
                        ..
                    },
                ) => assert_eq!((offset, bytes, state_before), (o, s, b)),
                (StoredEntry::Damage(d), Entry::Damage(e)) => assert_eq!(d, e),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(&served[4].1, stored);

        // A read from the repaired record on reports it too, and nothing before it.
        let from_3: Vec<Entry> = log.read_from(Seq(3)).map(|e| e.expect("reads")).collect();
        assert_eq!(from_3[..], damaged[3..]);
    }
}
