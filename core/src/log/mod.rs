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

mod blocks;
mod cursor;
mod error;
mod headers;
mod identity;
mod layout;
pub mod medium;
mod mount;
mod read;

pub use blocks::{SegmentHeader, SegmentStart};
pub use error::{Damage, DamageReason, LayoutProblem, LogError};
pub use layout::{Layout, LayoutConfig, LayoutVersion};
pub use medium::{Medium, MediumInfo, Stats};
pub use read::{Entries, Entry, ReadPoint, StoredEntry};

use blocks::{MAX_SEGMENT_HEADER_LEN, encode_segment_header, record_key};
use headers::{HeaderRead, first_header};
use medium::Counted;

use crate::chain::Chain;
use crate::codec::{self, DeltaState, MAX_RECORD_LEN, RecordBuf, StoredBody};
use crate::model::{Body, Commission, Header, Record, RecordType, Seq};

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
    /// Formats `medium` for a new tag whose identity is `commission` (sequence number 0), and
    /// returns the mounted log. Everything on the medium is lost.
    pub fn format(
        medium: M,
        config: LayoutConfig,
        commission: &Record,
    ) -> Result<Self, LogError<M::Error>> {
        Self::try_format(medium, config, commission).map_err(|(_, e)| e)
    }

    /// [`format`](Self::format), handing the medium back when it fails. A commission that is
    /// refused (wrong type, wrong sequence number, too large) leaves the medium untouched.
    pub fn try_format(
        medium: M,
        config: LayoutConfig,
        commission: &Record,
    ) -> Result<Self, Refused<M>> {
        let mut log = Self::on(medium, config)?;
        match log.format_record(commission) {
            Ok(()) => Ok(log),
            Err(e) => Err((log.into_medium(), e)),
        }
    }

    /// Formats a log from [`on`](Self::on) where it stands, as [`try_format`](Self::try_format)
    /// does. A refused commission leaves the medium untouched.
    fn format_record(&mut self, commission: &Record) -> Result<(), LogError<M::Error>> {
        let mut buf = [0u8; codec::MAX_BODY_LEN];
        let body = StoredBody::new(&commission.body, &mut buf).map_err(LogError::Encode)?;
        self.format_here(&commission.header, &body)
    }

    /// [`format_record`](Self::format_record) for the commission record of `header` and
    /// `body`, stored as the first record of a log.
    #[inline(never)]
    pub(crate) fn format_here(
        &mut self,
        header: &Header,
        body: &StoredBody<'_>,
    ) -> Result<(), LogError<M::Error>> {
        if body.record_type() != RecordType::Commission {
            return Err(LogError::NotACommission);
        }
        if header.seq != Seq(0) {
            return Err(LogError::WrongSeq {
                expected: Seq(0),
                got: header.seq,
            });
        }
        // Encoded straight into the log's own copy of the identity, and its state.
        self.layout.version = LayoutVersion::NEWEST;
        self.state = DeltaState::default();
        self.identity.clear();
        self.identity.resize(MAX_RECORD_LEN, 0).ok();
        let len = codec::encode_parts(header, body, &mut self.state, &mut self.identity)
            .map_err(LogError::Encode)?;
        self.identity.truncate(len);
        if blocks::IDENTITY_PREFIX_LEN + len + codec::CRC_LEN
            > self.layout.identity_slot_len as usize
        {
            return Err(LogError::BadLayout(LayoutProblem::IdentityTooLarge));
        }
        // The old identity goes first, so that a cut format reads as unformatted and never as
        // an old log with some of its segments gone; then every byte of every segment, so that
        // nothing of an old log is left to be read into the new one; then the identity.
        for copy in 0..2 {
            let at = self.layout.identity_slot(copy);
            clear(
                &mut self.medium,
                &self.layout,
                at,
                self.layout.identity_slot_len,
            )?;
        }
        for physical in 0..self.layout.segments {
            let at = self.layout.segment_start(physical);
            clear(&mut self.medium, &self.layout, at, self.layout.segment_len)?;
        }
        identity::write_both(&mut self.medium, &self.layout, 1, 0, &self.identity)?;
        self.floor = 0;
        self.newest = None;
        self.start_chain(1);
        self.open_segment()
    }

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

    /// Appends `record`, which must carry the next sequence number; returns once it is
    /// durable. A full log refuses with [`LogError::LogFull`].
    pub fn append(&mut self, record: &Record) -> Result<Seq, LogError<M::Error>> {
        let mut buf = [0u8; codec::MAX_BODY_LEN];
        let body = StoredBody::new(&record.body, &mut buf).map_err(LogError::Encode)?;
        self.append_parts(&record.header, &body)
    }

    /// [`append`](Self::append) for the record of `header` and `body`.
    pub fn append_parts(
        &mut self,
        header: &Header,
        body: &StoredBody<'_>,
    ) -> Result<Seq, LogError<M::Error>> {
        self.writable()?;
        let expected = self
            .next_seq()
            .ok_or(LogError::Encode(codec::EncodeError::SequenceExhausted))?;
        if header.seq != expected {
            return Err(LogError::WrongSeq {
                expected,
                got: header.seq,
            });
        }
        if body.record_type() == RecordType::Commission {
            return Err(LogError::NotACommission);
        }
        let mut state = self.state;
        // The record's bytes, padded to the write size with erased bytes (the encoder writes
        // nothing past the record's end).
        let mut buf = [0xffu8; MAX_RECORD_LEN + 16];
        let stored_len =
            codec::encode_parts(header, body, &mut state, &mut buf).map_err(LogError::Encode)?;
        let len = self.layout.align(stored_len as u32);
        if len > self.record_room() {
            return Err(LogError::RecordTooLarge);
        }
        let fits = |nw: &Newest, layout: &Layout| {
            nw.closed == Closed::Open && nw.write_pos + len <= layout.segment_end(nw.physical)
        };
        if !self.newest.is_some_and(|nw| fits(&nw, &self.layout)) {
            self.open_next_or_again()?;
        }
        let Some(mut nw) = self.newest.filter(|nw| fits(nw, &self.layout)) else {
            return Err(LogError::LogFull);
        };
        if self.layout.erase_before_write && !self.is_erased(nw.write_pos, nw.write_pos + len)? {
            // A word that should be erased is not: nothing may be programmed over it. The
            // segment ends here and the record goes into the next.
            self.close_newest();
            self.open_next_or_again()?;
            nw = self
                .newest
                .filter(|nw| fits(nw, &self.layout))
                .ok_or(LogError::LogFull)?;
        }
        let key = record_key(self.layout.version, nw.epoch);
        let stored = buf.get_mut(..stored_len).unwrap_or_default();
        blocks::apply_key(stored, key);
        let write = buf
            .get(..len as usize)
            .ok_or(LogError::BadLayout(LayoutProblem::RecordBuffer))?;
        self.medium
            .program(nw.write_pos, write)
            .map_err(LogError::Medium)?;
        let stored = buf.get_mut(..stored_len).unwrap_or_default();
        blocks::apply_key(stored, key);
        self.state = state;
        self.chain.push(stored);
        if let Some(n) = self.newest.as_mut() {
            n.write_pos += len;
        }
        Ok(header.seq)
    }

    /// The most bytes a record may take in a segment: what is left after the largest header
    /// copies a segment of this layout can start with.
    fn record_room(&self) -> u32 {
        let header = match self.layout.segments {
            // A single segment only ever holds the first segment's header.
            1 => headers::encoded_len(&first_header()).unwrap_or(MAX_SEGMENT_HEADER_LEN as u32),
            _ => MAX_SEGMENT_HEADER_LEN as u32,
        };
        let area = self.layout.version.header_copies() * self.layout.align(header);
        self.layout.segment_len.saturating_sub(area)
    }

    fn close_newest(&mut self) {
        if let Some(nw) = self.newest.as_mut() {
            nw.closed = Closed::Unwritable;
        }
    }

    /// Opens the next segment, or the newest one again when it was closed before its first
    /// record: a segment that holds nothing acknowledged is not worth a place in the rotation,
    /// and cut appends into fresh segments would otherwise fill the log for good.
    fn open_next_or_again(&mut self) -> Result<(), LogError<M::Error>> {
        match self.newest {
            Some(nw) if nw.closed == Closed::Unwritable && nw.write_pos == nw.first_record => {
                let mut header = first_header();
                if !self.in_use(nw.physical, nw.epoch, &mut header)? {
                    return Err(LogError::LogFull);
                }
                self.write_segment(nw.physical, &header)
            }
            _ => self.open_segment(),
        }
    }

    /// Opens the next segment in rotation; `LogFull` when it is still in use.
    fn open_segment(&mut self) -> Result<(), LogError<M::Error>> {
        let mut header = first_header();
        let physical = match self.newest {
            // Only a log that never had a segment opens its first; one whose segments are all
            // unreadable does not write over them.
            None if self.floor == 0 => 0,
            None => return Err(LogError::LogFull),
            Some(nw) => {
                let epoch = nw.epoch.checked_add(1).ok_or(LogError::LogFull)?;
                if u64::from(epoch) - u64::from(self.floor) >= u64::from(self.layout.segments) {
                    return Err(LogError::LogFull);
                }
                header.epoch = epoch;
                header.prev_end = Some(nw.write_pos - self.layout.segment_start(nw.physical));
                header.start = Some(SegmentStart {
                    state: self.state,
                    chain_count: self.chain.count(),
                    chain_head: self.chain.head(),
                });
                self.layout.next(nw.physical)
            }
        };
        self.write_segment(physical, &header)
    }

    /// Writes segment `physical` anew with `header`, erased first on NOR flash, and makes it
    /// the newest, empty.
    fn write_segment(
        &mut self,
        physical: u32,
        header: &SegmentHeader,
    ) -> Result<(), LogError<M::Error>> {
        let version = self.layout.version;
        let mut buf = [0xffu8; 2 * (MAX_SEGMENT_HEADER_LEN + 16)];
        let len = encode_segment_header(&mut buf, header, version)
            .ok_or(LogError::BadLayout(LayoutProblem::SegmentHeaderTooLarge))?;
        let copy = self.layout.align(len as u32) as usize;
        // The second copy, byte for byte the first, right after its padding.
        buf.copy_within(..copy, copy);
        let header_bytes = buf
            .get(..version.header_copies() as usize * copy)
            .ok_or(LogError::BadLayout(LayoutProblem::SegmentHeaderTooLarge))?;
        let seg = self.layout.segment_start(physical);
        if self.layout.erase_before_write {
            // Always erased, even when it reads erased already: an erase cut short can leave
            // words that read 0xFF and do not hold what is programmed over them.
            self.medium
                .erase(seg, self.layout.segment_end(physical))
                .map_err(LogError::Medium)?;
        }
        self.medium
            .program(seg, header_bytes)
            .map_err(LogError::Medium)?;
        let first_record = seg + header_bytes.len() as u32;
        self.newest = Some(Newest {
            epoch: header.epoch,
            physical,
            write_pos: first_record,
            first_record,
            closed: Closed::Open,
        });
        Ok(())
    }

    /// Whether `[from, to)` reads all `0xFF`.
    fn is_erased(&mut self, from: u32, to: u32) -> Result<bool, LogError<M::Error>> {
        let mut chunk = [0u8; 64];
        let mut at = from;
        while at < to {
            let n = (to - at).min(chunk.len() as u32);
            let bytes = chunk.get_mut(..n as usize).unwrap_or_default();
            self.medium.read(at, bytes).map_err(LogError::Medium)?;
            if bytes.iter().any(|b| *b != 0xff) {
                return Ok(false);
            }
            at += n;
        }
        Ok(true)
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

    /// Frees the segments whose records all come before `checkpoint`, which must be a
    /// checkpoint record covering every record before it, archived by the host. The chain
    /// continues: the next segment's header holds the chain head at its start.
    ///
    /// Freeing writes only the identity slots, with the new oldest epoch: the freed segments
    /// keep their bytes until they are opened again, so a cut reclamation frees all of them or
    /// none. Returns how many were freed.
    pub fn reclaim(&mut self, checkpoint: Seq) -> Result<u32, LogError<M::Error>> {
        self.writable()?;
        let Some(nw) = self.newest else {
            return Ok(0);
        };
        self.check_checkpoint(checkpoint)?;
        // The new oldest segment is the last one whose first record is at most the checkpoint:
        // every record before it comes before the checkpoint, and the checkpoint is in it or
        // after it. Unreadable headers on the way are stepped over: the next readable one tells
        // where their records end.
        let mut floor = self.floor;
        let mut header = first_header();
        let mut epoch = self.floor;
        while epoch < nw.epoch {
            epoch += 1;
            let physical = self.layout.physical(epoch);
            if !self.in_use(physical, epoch, &mut header)? {
                continue;
            }
            let first = header
                .start
                .as_ref()
                .and_then(|s| s.state.implicit_seq())
                .ok_or(LogError::ReclaimRefused(ReclaimProblem::NoStart))?;
            if first > checkpoint {
                break;
            }
            floor = epoch;
        }
        let freed = floor - self.floor;
        if freed > 0 {
            let generation =
                self.identity_generation
                    .checked_add(1)
                    .ok_or(LogError::ReclaimRefused(
                        ReclaimProblem::GenerationsExhausted,
                    ))?;
            identity::write_both(
                &mut self.medium,
                &self.layout,
                generation,
                floor,
                &self.identity,
            )?;
            self.identity_generation = generation;
            self.floor = floor;
        }
        Ok(freed)
    }

    /// Where the records of the oldest segment in use start: the codec state and the chain
    /// before them. `None` when the oldest segment is the first one, whose records follow the
    /// identity, or when its header cannot be read. A reader given the records of a log whose
    /// oldest segments were reclaimed resumes from here.
    pub fn oldest_start(&mut self) -> Result<Option<SegmentStart>, LogError<M::Error>> {
        let mut header = first_header();
        let physical = self.layout.physical(self.floor);
        Ok(match self.in_use(physical, self.floor, &mut header)? {
            true => header.start,
            false => None,
        })
    }

    /// Whether segment `physical` holds a readable header of `epoch`, put in `header`.
    fn in_use(
        &mut self,
        physical: u32,
        epoch: u32,
        header: &mut SegmentHeader,
    ) -> Result<bool, LogError<M::Error>> {
        let read = headers::read(&mut self.medium, &self.layout, physical, header)
            .map_err(LogError::Medium)?;
        Ok(matches!(read, HeaderRead::Header(_)) && header.epoch == epoch)
    }

    /// Checks that `seq` is a checkpoint over every record before it, whose head is the chain
    /// head the log computes there. Its signatures are the archive's business: the tag holds
    /// no keys. Unrepaired damage in the checkpoint's own segment before it, a damaged header
    /// of that segment, or a repair of the checkpoint itself refuses: the head cannot be
    /// trusted. (A repaired record before it does not: its bytes are whole again.) Damage in
    /// older segments does not either: the host read it with the records and archived both.
    fn check_checkpoint(&mut self, seq: Seq) -> Result<(), LogError<M::Error>> {
        let layout = self.layout;
        let mut damaged_segment = None;
        let mut entries = self.read_from(seq);
        while let Some(entry) = entries.next() {
            match entry? {
                Entry::Record { record, offset, .. } if record.header.seq == seq => {
                    if damaged_segment.is_some() && damaged_segment == layout.segment_of(offset) {
                        return Err(LogError::ReclaimRefused(ReclaimProblem::Damage));
                    }
                    return match record.body {
                        Body::Checkpoint(c)
                            if c.count == seq.0 && entries.head_before() == Some(c.head) =>
                        {
                            Ok(())
                        }
                        _ => Err(LogError::ReclaimRefused(ReclaimProblem::NotACheckpoint)),
                    };
                }
                Entry::Damage(d) => damaged_segment = layout.segment_of(d.offset),
                Entry::Record { .. } => {}
            }
        }
        Err(LogError::ReclaimRefused(ReclaimProblem::NoSuchRecord))
    }
}

pub use error::ReclaimProblem;

/// Clears `[at, at + len)`: erased on NOR flash, every byte set to `0xFF` on rewritable memory.
fn clear<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    at: u32,
    len: u32,
) -> Result<(), LogError<M::Error>> {
    if layout.erase_before_write {
        return medium.erase(at, at + len).map_err(LogError::Medium);
    }
    // One program per 64 bytes: a multiple of every write size and of an EEPROM's page.
    let erased = [0xffu8; 64];
    let mut done = 0;
    while done < len {
        let n = (len - done).min(erased.len() as u32);
        let bytes = erased.get(..n as usize).unwrap_or_default();
        medium.program(at + done, bytes).map_err(LogError::Medium)?;
        done += n;
    }
    Ok(())
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
