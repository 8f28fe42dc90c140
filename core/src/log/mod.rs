//! The custody log: append-only, power-safe, on NOR flash, EEPROM or NFC tag memory.
//!
//! The identity (the commission record, sequence number 0) is kept twice, in two slots with a
//! generation number. Every later record goes into segments used in rotation. A segment starts
//! with a header that holds the codec state and the chain head before its first record, so each
//! segment can be read alone and old segments can be reclaimed once a checkpoint covering them
//! has been archived. Records follow the header end to end, each padded to the write size.
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
mod layout;
pub mod medium;

pub use blocks::{SegmentHeader, SegmentStart};
pub use error::{Damage, DamageReason, LayoutProblem, LogError};
pub use layout::{Layout, LayoutConfig};
pub use medium::{Medium, MediumInfo, Stats};

use blocks::{
    IDENTITY_PREFIX_LEN, MAX_IDENTITY_LEN, MAX_SEGMENT_HEADER_LEN, SEGMENT_PREFIX_LEN,
    decode_identity, decode_segment_header, encode_identity, encode_segment_header,
    segment_header_len,
};
use cursor::{Cursor, Step};
use medium::Counted;

use crate::chain::Chain;
use crate::codec::{self, DeltaState, LENGTH_PREFIX_LEN, MAX_RECORD_LEN, RecordBuf, StoredBody};
use crate::model::{Body, Commission, Digest, Header, Record, RecordType, Seq};

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

    /// Whether anything other than a torn append (which loses nothing acknowledged) was found.
    pub fn has_damage(&self) -> bool {
        self.damage
            .iter()
            .any(|d| d.reason != DamageReason::TornAppend)
            || self.damage_count as usize > self.damage.len()
    }
}

impl Slot {
    /// Whether the segment has a header, which [`Log::read_slot`] put in the caller's buffer.
    fn has_header(self) -> bool {
        matches!(self, Slot::Valid | Slot::Repaired(_))
    }
}

/// A buffer for [`Log::read_slot`] to put a header in; also the first segment's header.
#[inline(never)]
fn first_header() -> SegmentHeader {
    SegmentHeader {
        epoch: 0,
        start: None,
        prev_end: None,
    }
}

/// The segment being appended to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Newest {
    epoch: u32,
    physical: u32,
    /// Where the next record goes.
    write_pos: u32,
    /// On erase-before-write memory, a torn append ends this segment: nothing more goes in.
    closed: bool,
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
    newest: Option<Newest>,
    oldest_epoch: u32,
    state: DeltaState,
    chain: Chain,
}

/// What one physical segment holds.
#[derive(Clone, Copy)]
enum Slot {
    Valid,
    /// A header with one flipped bit, repaired from its CRC; the bit is counted from its start.
    Repaired(u32),
    /// Erased, never used, or deliberately invalidated.
    Free,
    /// Something that is not a header: a torn segment start, or damage.
    Invalid,
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
        self.state = DeltaState::default();
        self.identity.clear();
        self.identity.resize(MAX_RECORD_LEN, 0).ok();
        let len = codec::encode_parts(header, body, &mut self.state, &mut self.identity)
            .map_err(LogError::Encode)?;
        self.identity.truncate(len);
        if IDENTITY_PREFIX_LEN + len + codec::CRC_LEN > self.layout.identity_slot_len as usize {
            return Err(LogError::BadLayout(LayoutProblem::IdentityTooLarge));
        }
        erase_and_write_identity(&mut self.medium, &self.layout, &self.identity)?;
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
            newest: None,
            oldest_epoch: 0,
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

    /// Mounts a log from [`on`](Self::on) where it stands, as [`try_mount`](Self::try_mount)
    /// does, adding what it finds to `report`. A log that fails to mount holds nothing but its
    /// medium, to be handed back.
    #[inline(never)]
    pub(crate) fn mount_here(
        &mut self,
        report: &mut MountReport,
    ) -> Result<(), LogError<M::Error>> {
        let generation = read_identity(&mut self.medium, &self.layout, report, &mut self.identity)?;
        if !identity_state(&self.identity, &mut self.state) {
            return Err(LogError::BadIdentity);
        }
        self.start_chain(generation);
        report.records = 1;
        self.scan_segments(report)
    }

    /// Reads every segment header once, in physical order, and the records of each valid
    /// segment; keeps the state after the newest.
    fn scan_segments(&mut self, report: &mut MountReport) -> Result<(), LogError<M::Error>> {
        let n = self.layout.segments;
        let mut header = first_header();
        // The epoch and `prev_end` of segment 0's header, which follows the last segment too.
        let mut first = None;
        // The segment whose records `cursor` reads next, once the header after it is known.
        let mut previous: Option<(u32, u32)> = None;
        let mut cursor = Cursor::default();
        let mut invalid: heapless::Vec<u32, MAX_DAMAGE_REPORTS> = heapless::Vec::new();
        let mut invalid_count = 0u32;
        let mut oldest: Option<(u32, u32)> = None;
        for physical in 0..=n {
            let (slot, link) = if physical < n {
                let slot = self.read_slot(physical, &mut header)?;
                (
                    slot,
                    slot.has_header().then_some((header.epoch, header.prev_end)),
                )
            } else {
                (Slot::Free, first)
            };
            if physical == 0 {
                first = link;
            }
            // The segment before this one can now be read: this header may bound it.
            if let Some((p, epoch)) = previous.take() {
                cursor.bound(self.layout.segment_start(p), epoch, link);
                self.scan_one(&mut cursor, report)?;
                report.segments += 1;
                if oldest.is_none_or(|(e, _)| epoch < e) {
                    oldest = Some((epoch, p));
                }
                if self.newest.is_none_or(|nw| epoch > nw.epoch) {
                    self.newest = Some(Newest {
                        epoch,
                        physical: p,
                        write_pos: cursor.pos,
                        closed: cursor.damaged || (cursor.torn && self.layout.erase_before_write),
                    });
                    self.state = cursor.state;
                    self.chain = cursor.chain;
                }
            }
            match slot {
                Slot::Valid | Slot::Repaired(_) => {
                    if let Slot::Repaired(bit) = slot {
                        report.add(Damage {
                            offset: self.layout.segment_start(physical),
                            seq: None,
                            reason: DamageReason::BitFlipRepaired { bit },
                        });
                    }
                    self.start_cursor(&mut cursor, physical, &header)?;
                    previous = Some((physical, header.epoch));
                }
                Slot::Invalid => {
                    invalid_count += 1;
                    invalid.push(physical).ok();
                }
                Slot::Free => {}
            }
        }
        // Segments are used in rotation, so those in use form one run from the oldest to the
        // newest. An unreadable header outside the run is a segment opening or freeing that
        // was cut; inside the run it is damage.
        if let (Some((_, oldest_physical)), Some(nw)) = (oldest, self.newest) {
            // A segment is in the run when its place in the rotation, counted from the oldest,
            // is at most the newest's.
            let newest_place = self.layout.ring(nw.physical + n - oldest_physical);
            for p in &invalid {
                if self.layout.ring(p + n - oldest_physical) <= newest_place {
                    report.add(Damage {
                        offset: self.layout.segment_start(*p),
                        seq: None,
                        reason: DamageReason::SegmentHeader,
                    });
                }
            }
        }
        // Invalid headers beyond those listed are counted as damage: the safe side.
        report.damage_count += invalid_count.saturating_sub(invalid.len() as u32);
        match self.newest {
            Some(nw) => self.oldest_epoch = oldest.map_or(nw.epoch, |(epoch, _)| epoch),
            // Formatting was cut after the identity: open the first segment now.
            None => self.open_segment()?,
        }
        Ok(())
    }

    /// Reads the records of a segment with `cursor`, to where it stops, adding them and the
    /// damage found to `report`.
    fn scan_one(
        &mut self,
        cursor: &mut Cursor,
        report: &mut MountReport,
    ) -> Result<(), LogError<M::Error>> {
        let mut stored = RecordBuf::new();
        loop {
            match cursor
                .next(&mut self.medium, &self.layout, &mut stored)
                .map_err(LogError::Medium)?
            {
                Step::Record(f) => {
                    report.records += 1;
                    if let Some(bit) = f.repaired {
                        report.add(Damage {
                            offset: f.offset,
                            seq: Some(f.seq),
                            reason: DamageReason::BitFlipRepaired { bit },
                        });
                    }
                }
                Step::Damage(d) => {
                    report.add(d);
                    if cursor.damaged {
                        cursor
                            .step_over_damage(&mut self.medium, &self.layout)
                            .map_err(LogError::Medium)?;
                    }
                }
                Step::End => return Ok(()),
            }
        }
    }

    /// Sets `cursor` at the first record of segment `physical`, whose header is `header`; its
    /// records may run to the segment's end until [`Cursor::bound`] says otherwise.
    fn start_cursor(
        &self,
        cursor: &mut Cursor,
        physical: u32,
        header: &SegmentHeader,
    ) -> Result<(), LogError<M::Error>> {
        let start = self.layout.segment_start(physical);
        let header_len = self.header_len(header)?;
        match &header.start {
            Some(s) => {
                cursor.state = s.state;
                cursor.chain = Chain::resume(s.chain_head, s.chain_count);
            }
            None => {
                cursor.state = DeltaState::default();
                codec::check(&self.identity, &mut cursor.state)
                    .map_err(|_| LogError::BadIdentity)?;
                cursor.chain = Chain::default();
                cursor.chain.push(&self.identity);
            }
        }
        cursor.pos = start + self.layout.align(header_len);
        cursor.end = self.layout.segment_end(physical);
        cursor.is_tail = true;
        cursor.write_size = self.layout.write_size;
        cursor.done = false;
        cursor.torn = false;
        cursor.damaged = false;
        Ok(())
    }

    fn header_len(&self, header: &SegmentHeader) -> Result<u32, LogError<M::Error>> {
        let mut buf = [0u8; MAX_SEGMENT_HEADER_LEN];
        encode_segment_header(&mut buf, header)
            .map(|n| n as u32)
            .ok_or(LogError::BadLayout(LayoutProblem::SegmentHeaderTooLarge))
    }

    /// Reads and classifies the header of segment `physical`, putting the header, when there
    /// is one, in `out`.
    fn read_slot(
        &mut self,
        physical: u32,
        out: &mut SegmentHeader,
    ) -> Result<Slot, LogError<M::Error>> {
        let start = self.layout.segment_start(physical);
        let mut buf = [0u8; MAX_SEGMENT_HEADER_LEN];
        match read_header_as_stored(&mut self.medium, start, &mut buf, out)
            .map_err(LogError::Medium)?
        {
            AsStored::Free => return Ok(Slot::Free),
            AsStored::Header => return Ok(Slot::Valid),
            AsStored::NotAHeader => {}
        }
        // Not a header as it stands: try every single-bit flip, the CRC tells the right one.
        let window = (MAX_SEGMENT_HEADER_LEN as u32).min(self.layout.segment_len) as usize;
        let bytes = buf.get_mut(..window).unwrap_or_default();
        self.medium.read(start, bytes).map_err(LogError::Medium)?;
        for bit in 0..window * 8 {
            let mask = 1u8 << (bit % 8);
            if let Some(b) = bytes.get_mut(bit / 8) {
                *b ^= mask;
            }
            let repaired = segment_header_len(bytes)
                .and_then(|len| bytes.get(..len))
                .is_some_and(|header| decode_segment_header(header, out));
            if repaired {
                // A repaired header over an empty segment is a segment opening cut short (or
                // harmless damage): nothing to keep, so the segment is opened anew.
                let records_at = start + self.layout.align(self.header_len(out)?);
                let mut unit = [0u8; 16];
                let unit = unit
                    .get_mut(..self.layout.write_size as usize)
                    .unwrap_or_default();
                self.medium
                    .read(records_at, unit)
                    .map_err(LogError::Medium)?;
                if unit.iter().all(|b| *b == 0xff) {
                    return Ok(Slot::Invalid);
                }
                return Ok(Slot::Repaired(bit as u32));
            }
            if let Some(b) = bytes.get_mut(bit / 8) {
                *b ^= mask;
            }
        }
        Ok(Slot::Invalid)
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
        // nothing past the record's end), and an end marker's worth of them after that.
        let mut buf = [0xffu8; MAX_RECORD_LEN + 16];
        let stored_len =
            codec::encode_parts(header, body, &mut state, &mut buf).map_err(LogError::Encode)?;
        let len = self.layout.align(stored_len as u32);
        let rewritable = !self.layout.erase_before_write;
        // Rewritable memory gets an end marker after the record: old bytes may lie beyond.
        let marker = if rewritable { self.layout.align(1) } else { 0 };
        let needed = len + marker;
        let room = self.layout.segment_len - self.layout.align(MAX_SEGMENT_HEADER_LEN as u32);
        if needed > room {
            return Err(LogError::RecordTooLarge);
        }
        let fits = |nw: &Newest, layout: &Layout| {
            !nw.closed && nw.write_pos + needed <= layout.segment_end(nw.physical)
        };
        if !self.newest.is_some_and(|nw| fits(&nw, &self.layout)) {
            self.open_segment()?;
        }
        let Some(nw) = self.newest.filter(|nw| fits(nw, &self.layout)) else {
            return Err(LogError::LogFull);
        };
        if rewritable {
            // The end marker goes first: a torn record is then always followed by the end,
            // which tells it from damage, and old bytes can never follow a new record.
            let end = buf
                .get(len as usize..needed as usize)
                .ok_or(LogError::BadLayout(LayoutProblem::RecordBuffer))?;
            self.medium
                .program(nw.write_pos + len, end)
                .map_err(LogError::Medium)?;
        }
        let write = buf
            .get(..len as usize)
            .ok_or(LogError::BadLayout(LayoutProblem::RecordBuffer))?;
        self.medium
            .program(nw.write_pos, write)
            .map_err(LogError::Medium)?;
        self.state = state;
        self.chain.push(buf.get(..stored_len).unwrap_or_default());
        if let Some(n) = self.newest.as_mut() {
            n.write_pos += len;
        }
        Ok(header.seq)
    }

    /// Opens the next segment in rotation; `LogFull` if it is still in use.
    fn open_segment(&mut self) -> Result<(), LogError<M::Error>> {
        let mut header = first_header();
        let physical = match self.newest {
            None => 0,
            Some(nw) => {
                let physical = self.layout.next(nw.physical);
                if self.read_slot(physical, &mut header)?.has_header() {
                    return Err(LogError::LogFull);
                }
                header.epoch = nw.epoch + 1;
                header.prev_end = Some(nw.write_pos - self.layout.segment_start(nw.physical));
                header.start = Some(SegmentStart {
                    state: self.state,
                    chain_count: self.chain.count(),
                    chain_head: self.chain.head(),
                });
                physical
            }
        };
        let epoch = header.epoch;
        let mut buf = [0xffu8; MAX_SEGMENT_HEADER_LEN + 16];
        let header_bytes = encode_segment_header(&mut buf, &header)
            .and_then(|len| buf.get(..self.layout.align(len as u32) as usize))
            .ok_or(LogError::BadLayout(LayoutProblem::SegmentHeaderTooLarge))?;
        let seg = self.layout.segment_start(physical);
        let records_at = seg + header_bytes.len() as u32;
        if self.layout.erase_before_write {
            // Reclaiming and formatting erase segments already: erase only when needed, which
            // halves the wear of a log in steady state.
            if !self.is_erased(seg, self.layout.segment_end(physical))? {
                self.medium
                    .erase(seg, self.layout.segment_end(physical))
                    .map_err(LogError::Medium)?;
            }
        } else {
            // The end marker first: once the header is valid, the segment reads as empty.
            let end_marker = [0xffu8; 16];
            let marker = end_marker
                .get(..self.layout.write_size as usize)
                .unwrap_or_default();
            self.medium
                .program(records_at, marker)
                .map_err(LogError::Medium)?;
        }
        self.medium
            .program(seg, header_bytes)
            .map_err(LogError::Medium)?;
        if self.newest.is_none() {
            self.oldest_epoch = epoch;
        }
        self.newest = Some(Newest {
            epoch,
            physical,
            write_pos: records_at,
            closed: false,
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

    /// How many times the identity has been written (1 after formatting).
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

    /// Bytes the records area can hold in all, headers excluded.
    pub fn capacity(&self) -> u32 {
        self.layout.segments * self.layout.segment_len
    }

    /// Bytes still free for records: the rest of the newest segment and every free segment.
    pub fn free_space(&self) -> u32 {
        let Some(nw) = self.newest else {
            return self.capacity();
        };
        let used_segments = nw.epoch.saturating_sub(self.oldest_epoch) + 1;
        let here = if nw.closed {
            0
        } else {
            self.layout
                .segment_end(nw.physical)
                .saturating_sub(nw.write_pos)
        };
        let free_segments = self.layout.segments.saturating_sub(used_segments);
        here + free_segments
            * self
                .layout
                .segment_len
                .saturating_sub(MAX_SEGMENT_HEADER_LEN as u32)
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

    /// Reads every record from sequence number `from` on, in order, with damage where found.
    pub fn read_from(&mut self, from: Seq) -> Entries<'_, M> {
        self.resume(ReadPoint {
            from,
            phase: Phase::Identity,
            cursor: Cursor::default(),
            reported: None,
            head_before: None,
        })
    }

    /// Goes on reading where an earlier [`Entries`] stopped ([`Entries::point`]), so that a
    /// device can serve a long read one entry at a time without starting over. Records
    /// appended in between are read too, unless the read had already reached its end.
    pub fn resume(&mut self, point: ReadPoint) -> Entries<'_, M> {
        Entries {
            log: self,
            at: point,
        }
    }

    /// Frees the segments whose records all come before `checkpoint`, which must be a
    /// checkpoint record covering every record before it, archived by the host. The chain
    /// continues: the next segment's header holds the chain head at its start.
    pub fn reclaim(&mut self, checkpoint: Seq) -> Result<u32, LogError<M::Error>> {
        let Some(nw) = self.newest else {
            return Ok(0);
        };
        self.check_checkpoint(checkpoint)?;
        let mut freed = 0;
        let mut epoch = self.oldest_epoch;
        let mut physical = self.physical_of(epoch).ok_or(LogError::ReclaimRefused(
            "the oldest segment cannot be found",
        ))?;
        let mut header = first_header();
        while epoch < nw.epoch {
            let next_physical = self.layout.next(physical);
            if !self.read_slot(physical, &mut header)?.has_header()
                || !self.read_slot(next_physical, &mut header)?.has_header()
            {
                return Err(LogError::ReclaimRefused("a segment header is unreadable"));
            }
            let next_first = header
                .start
                .as_ref()
                .and_then(|s| s.state.implicit_seq())
                .ok_or(LogError::ReclaimRefused("a segment header has no start"))?;
            if next_first > checkpoint {
                break;
            }
            free_segment(&mut self.medium, &self.layout, physical)?;
            freed += 1;
            epoch += 1;
            physical = next_physical;
            self.oldest_epoch = epoch;
        }
        Ok(freed)
    }

    /// The physical segment holding `epoch`: segments are opened in rotation.
    fn physical_of(&self, epoch: u32) -> Option<u32> {
        let nw = self.newest?;
        let n = self.layout.segments;
        let back = nw.epoch.checked_sub(epoch)?;
        (back < n).then_some(self.layout.ring(nw.physical + n - back))
    }

    /// Checks that `seq` is a checkpoint over every record before it, whose head is the chain
    /// head the log computes there. Its signatures are the archive's business: the tag holds
    /// no keys.
    fn check_checkpoint(&mut self, seq: Seq) -> Result<(), LogError<M::Error>> {
        let mut entries = self.read_from(seq);
        while let Some(entry) = entries.next() {
            match entry? {
                Entry::Record { record, .. } if record.header.seq == seq => {
                    return match record.body {
                        Body::Checkpoint(c)
                            if c.count == seq.0 && entries.at.head_before == Some(c.head) =>
                        {
                            Ok(())
                        }
                        _ => Err(LogError::ReclaimRefused(
                            "the record is not a checkpoint over the chain of every record before it",
                        )),
                    };
                }
                Entry::Damage(_) => {
                    return Err(LogError::ReclaimRefused("damage near the checkpoint"));
                }
                _ => {}
            }
        }
        Err(LogError::ReclaimRefused("no such record"))
    }
}

/// Writes identity slot `copy`.
fn write_identity<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    copy: u32,
    generation: u32,
    record: &[u8],
) -> Result<(), LogError<M::Error>> {
    let mut buf = [0xffu8; MAX_IDENTITY_LEN + 16];
    let len = encode_identity(&mut buf, generation, record)
        .ok_or(LogError::BadLayout(LayoutProblem::IdentityTooLarge))? as u32;
    let at = layout.identity_slot(copy);
    if layout.erase_before_write {
        medium
            .erase(at, at + layout.identity_slot_len)
            .map_err(LogError::Medium)?;
    }
    let bytes = buf
        .get(..layout.align(len) as usize)
        .ok_or(LogError::BadLayout(LayoutProblem::IdentityTooLarge))?;
    medium.program(at, bytes).map_err(LogError::Medium)
}

/// Makes identity slot `copy` unreadable: erased on NOR flash, its marker zeroed elsewhere.
fn clear_identity<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    copy: u32,
) -> Result<(), LogError<M::Error>> {
    let at = layout.identity_slot(copy);
    invalidate(
        medium,
        layout,
        at,
        at + layout.identity_slot_len,
        IDENTITY_PREFIX_LEN,
    )
}

/// Whether `identity` is a commission record with sequence number 0; `state` is then the codec
/// state after it.
fn identity_state(identity: &[u8], state: &mut DeltaState) -> bool {
    let Ok(envelope) = codec::read_envelope(identity) else {
        return false;
    };
    *state = DeltaState::default();
    codec::check(identity, state).is_ok()
        && envelope.record_type == RecordType::Commission
        && state.last_seq == Some(Seq(0))
}

/// Reads both identity slots; puts the newest intact one's record in `record` and returns its
/// generation, repairing the other slot.
fn read_identity<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    report: &mut MountReport,
    record: &mut RecordBuf,
) -> Result<u32, LogError<M::Error>> {
    let mut best: Option<u32> = None;
    let mut intact = [false; 2];
    for copy in 0..2u32 {
        let at = layout.identity_slot(copy);
        let mut buf = [0u8; MAX_IDENTITY_LEN];
        let prefix_len = IDENTITY_PREFIX_LEN + LENGTH_PREFIX_LEN;
        medium
            .read(at, buf.get_mut(..prefix_len).unwrap_or_default())
            .map_err(LogError::Medium)?;
        let Ok(record_len) =
            codec::stored_len(buf.get(IDENTITY_PREFIX_LEN..prefix_len).unwrap_or_default())
        else {
            continue;
        };
        let total = IDENTITY_PREFIX_LEN + record_len + codec::CRC_LEN;
        if total > layout.identity_slot_len as usize || total > MAX_IDENTITY_LEN {
            continue;
        }
        medium
            .read(
                at + prefix_len as u32,
                buf.get_mut(prefix_len..total).unwrap_or_default(),
            )
            .map_err(LogError::Medium)?;
        if let Some((generation, found)) = decode_identity(buf.get(..total).unwrap_or_default()) {
            if let Some(slot) = intact.get_mut(copy as usize) {
                *slot = true;
            }
            let newer = best.is_none_or(|g| generation > g);
            if newer && found.len() <= record.capacity() {
                record.clear();
                record.extend_from_slice(found).ok();
                best = Some(generation);
            }
        }
    }
    let generation = best.ok_or(LogError::Unformatted)?;
    for (copy, ok) in intact.iter().enumerate() {
        if !ok {
            report.add(Damage {
                offset: layout.identity_slot(copy as u32),
                seq: Some(Seq(0)),
                reason: DamageReason::IdentityCopy,
            });
            write_identity(medium, layout, copy as u32, generation, record)?;
        }
    }
    Ok(generation)
}

/// Makes segment `physical` free: erased on NOR flash; on rewritable memory its header's first
/// bytes zeroed, so that it reads as free.
fn free_segment<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    physical: u32,
) -> Result<(), LogError<M::Error>> {
    let (start, end) = (layout.segment_start(physical), layout.segment_end(physical));
    invalidate(medium, layout, start, end, SEGMENT_PREFIX_LEN)
}

/// Makes the block `[start, end)` unreadable as what it held: erased on NOR flash; on rewritable
/// memory its first `prefix` bytes (its marker) zeroed, which a cut leaves unreadable too.
fn invalidate<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    start: u32,
    end: u32,
    prefix: usize,
) -> Result<(), LogError<M::Error>> {
    if layout.erase_before_write {
        return medium.erase(start, end).map_err(LogError::Medium);
    }
    let zeros = [0u8; 16];
    let marker = zeros
        .get(..layout.align(prefix as u32) as usize)
        .unwrap_or_default();
    medium.program(start, marker).map_err(LogError::Medium)
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
    /// Whether no segment of the medium has a readable header, as [`holds_no_records`] tells
    /// of a log that did not mount.
    pub(crate) fn holds_no_records(&mut self) -> Result<bool, LogError<M::Error>> {
        let mut buf = [0u8; MAX_SEGMENT_HEADER_LEN];
        let mut header = first_header();
        for physical in 0..self.layout.segments {
            let start = self.layout.segment_start(physical);
            let found = read_header_as_stored(&mut self.medium, start, &mut buf, &mut header)
                .map_err(LogError::Medium)?;
            if let AsStored::Header = found {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// A segment header slot as it stands on the medium, before any repair.
enum AsStored {
    /// Erased or freed.
    Free,
    /// A header whose CRC holds, now in the caller's buffer.
    Header,
    /// Anything else: damage, or a header torn while it was written.
    NotAHeader,
}

/// Reads the header slot at `start` of `medium`, leaving the bytes read in `buf`: the prefix,
/// and the rest only when the prefix is not free and names a length that fits. The header
/// is read into `out`, which holds nothing to use unless it is intact.
fn read_header_as_stored<M: Medium>(
    medium: &mut Counted<M>,
    start: u32,
    buf: &mut [u8; MAX_SEGMENT_HEADER_LEN],
    out: &mut SegmentHeader,
) -> Result<AsStored, M::Error> {
    let prefix = buf.get_mut(..SEGMENT_PREFIX_LEN).unwrap_or_default();
    medium.read(start, prefix)?;
    if prefix.iter().all(|b| *b == 0xff) || prefix.iter().all(|b| *b == 0) {
        return Ok(AsStored::Free);
    }
    let Some(len) = segment_header_len(prefix).filter(|l| *l <= MAX_SEGMENT_HEADER_LEN) else {
        return Ok(AsStored::NotAHeader);
    };
    let rest = buf.get_mut(SEGMENT_PREFIX_LEN..len).unwrap_or_default();
    medium.read(start + SEGMENT_PREFIX_LEN as u32, rest)?;
    Ok(
        match decode_segment_header(buf.get(..len).unwrap_or_default(), out) {
            true => AsStored::Header,
            false => AsStored::NotAHeader,
        },
    )
}

/// Writes a fresh log's identity: the old identity goes first, so that a cut format reads as
/// unformatted and never as an old log with some of its segments gone; then the segments; then
/// the identity.
fn erase_and_write_identity<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    identity: &[u8],
) -> Result<(), LogError<M::Error>> {
    for copy in 0..2 {
        clear_identity(medium, layout, copy)?;
    }
    for physical in 0..layout.segments {
        free_segment(medium, layout, physical)?;
    }
    for copy in 0..2 {
        write_identity(medium, layout, copy, 1, identity)?;
    }
    Ok(())
}

/// One item read from a log.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[allow(clippy::large_enum_variant, reason = "no heap: records move by value")]
pub enum Entry {
    /// A record and where it is stored.
    Record {
        /// Its offset on the medium.
        offset: u32,
        /// The record.
        record: Record,
        /// Its stored bytes.
        stored: RecordBuf,
        /// The codec state the stored bytes decode against: a reader given only this record
        /// can decode it.
        state_before: DeltaState,
    },
    /// Damage; the records it makes unreadable are not yielded.
    Damage(Damage),
}

/// One item read from a log by [`Entries::next_stored`]: an [`Entry`] whose record is left
/// as stored bytes, in the caller's buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum StoredEntry {
    /// A record, whose stored bytes are in the buffer, and where it is stored.
    Record {
        /// Its offset on the medium.
        offset: u32,
        /// The codec state the stored bytes decode against.
        state_before: DeltaState,
    },
    /// Damage; the records it makes unreadable are not yielded.
    Damage(Damage),
}

#[derive(Clone, Debug)]
enum Phase {
    Identity,
    /// The segment that should hold `epoch` has no readable header: reported, then skipped.
    BadHeader {
        epoch: u32,
        physical: u32,
    },
    /// The segment that holds `epoch`, read by the read point's cursor.
    Segment {
        epoch: u32,
        physical: u32,
    },
    Done,
}

/// Where a read stopped: give it to [`Log::resume`] to go on.
#[derive(Clone, Debug)]
pub struct ReadPoint {
    from: Seq,
    phase: Phase,
    /// Where the segment of [`Phase::Segment`] is being read.
    cursor: Cursor,
    /// A repaired record whose damage report was yielded, at this offset: the cursor stands
    /// before it, and the record itself comes next.
    reported: Option<u32>,
    /// The chain head before the last record yielded.
    head_before: Option<Digest>,
}

/// The records of a log in order, from [`Log::read_from`].
pub struct Entries<'a, M: Medium> {
    log: &'a mut Log<M>,
    at: ReadPoint,
}

impl<M: Medium> Entries<'_, M> {
    /// Where this read stands: the next entry it would yield is the first one a
    /// [`Log::resume`] from here yields.
    pub fn point(&self) -> ReadPoint {
        self.at.clone()
    }

    /// The next entry, as [`Iterator::next`] gives it, but with the record's stored bytes put
    /// in `stored` and not decoded: what a device serving a reader needs, in little memory.
    pub fn next_stored(
        &mut self,
        stored: &mut RecordBuf,
    ) -> Option<Result<StoredEntry, LogError<M::Error>>> {
        self.log.read_next(&mut self.at, stored)
    }
}

impl<M: Medium> Log<M> {
    /// The entry at `point`, as [`Entries::next_stored`] gives it, and `point` moved past it:
    /// a read served one entry at a time, without an [`Entries`].
    pub fn read_next(
        &mut self,
        point: &mut ReadPoint,
        stored: &mut RecordBuf,
    ) -> Option<Result<StoredEntry, LogError<M::Error>>> {
        match self.step(point, stored) {
            Ok(Some(e)) => Some(Ok(e)),
            Ok(None) => None,
            Err(e) => {
                point.phase = Phase::Done;
                Some(Err(e))
            }
        }
    }

    /// The next entry of the read at `at`, with the record's bytes in `stored`.
    #[inline(never)]
    fn step(
        &mut self,
        at: &mut ReadPoint,
        stored: &mut RecordBuf,
    ) -> Result<Option<StoredEntry>, LogError<M::Error>> {
        loop {
            // The segment the read moves past, and the damage that ends it, if any.
            let (epoch, physical, damage) = match &mut at.phase {
                Phase::Done => return Ok(None),
                Phase::BadHeader { epoch, physical } => (
                    *epoch,
                    *physical,
                    Some(Damage {
                        offset: self.layout.segment_start(*physical),
                        seq: None,
                        reason: DamageReason::SegmentHeader,
                    }),
                ),
                Phase::Identity => {
                    if self.start_read(at, stored)? {
                        return Ok(Some(StoredEntry::Record {
                            offset: 0,
                            state_before: DeltaState::default(),
                        }));
                    }
                    continue;
                }
                Phase::Segment { epoch, physical } => {
                    let cursor = &mut at.cursor;
                    // What the record read next is decoded and chained against.
                    let before = *cursor;
                    let step = cursor
                        .next(&mut self.medium, &self.layout, stored)
                        .map_err(LogError::Medium)?;
                    match step {
                        Step::Record(found) => {
                            if found.seq < at.from {
                                continue;
                            }
                            if let Some(bit) = found.repaired
                                && at.reported != Some(found.offset)
                            {
                                // The repair is reported first; the record is read again after
                                // it.
                                *cursor = before;
                                at.reported = Some(found.offset);
                                return Ok(Some(StoredEntry::Damage(Damage {
                                    offset: found.offset,
                                    seq: Some(found.seq),
                                    reason: DamageReason::BitFlipRepaired { bit },
                                })));
                            }
                            at.reported = None;
                            at.head_before = Some(before.chain.head());
                            return Ok(Some(StoredEntry::Record {
                                offset: found.offset,
                                state_before: before.state,
                            }));
                        }
                        Step::Damage(d) => (*epoch, *physical, Some(d)),
                        Step::End => (*epoch, *physical, None),
                    }
                }
            };
            self.advance_read(at, epoch, physical)?;
            if let Some(d) = damage {
                return Ok(Some(StoredEntry::Damage(d)));
            }
        }
    }

    /// Starts the read at `at`: moves it to the oldest segment, and puts the identity record in
    /// `stored` when the read takes it. Whether it does.
    fn start_read(
        &mut self,
        at: &mut ReadPoint,
        stored: &mut RecordBuf,
    ) -> Result<bool, LogError<M::Error>> {
        let Some(nw) = self.newest else {
            at.phase = Phase::Done;
            return Ok(false);
        };
        let first = self.oldest_epoch;
        let physical = self.physical_of(first).unwrap_or(nw.physical);
        self.open_read(at, first, physical)?;
        if at.from == Seq(0) {
            let mut state = DeltaState::default();
            if codec::check(&self.identity, &mut state).is_ok() {
                stored.clone_from(&self.identity);
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Moves the read at `at` past the segment `epoch`, at `physical`: to the next segment, or
    /// done.
    fn advance_read(
        &mut self,
        at: &mut ReadPoint,
        epoch: u32,
        physical: u32,
    ) -> Result<(), LogError<M::Error>> {
        let nw = self.newest.map(|n| n.epoch).unwrap_or(0);
        if epoch >= nw {
            at.phase = Phase::Done;
            return Ok(());
        }
        self.open_read(at, epoch + 1, self.layout.next(physical))
    }

    /// Moves the read at `at` to the start of segment `epoch`, at `physical`.
    #[inline(never)]
    fn open_read(
        &mut self,
        at: &mut ReadPoint,
        epoch: u32,
        physical: u32,
    ) -> Result<(), LogError<M::Error>> {
        let mut header = first_header();
        if !self.read_slot(physical, &mut header)?.has_header() || header.epoch != epoch {
            at.phase = Phase::BadHeader { epoch, physical };
            return Ok(());
        }
        self.start_cursor(&mut at.cursor, physical, &header)?;
        let nw = self.newest.map(|n| n.epoch).unwrap_or(0);
        if epoch < nw {
            let next = self.read_slot(self.layout.next(physical), &mut header)?;
            let link = next.has_header().then_some((header.epoch, header.prev_end));
            at.cursor
                .bound(self.layout.segment_start(physical), epoch, link);
        }
        at.phase = Phase::Segment { epoch, physical };
        Ok(())
    }
}

impl<M: Medium> Iterator for Entries<'_, M> {
    type Item = Result<Entry, LogError<M::Error>>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut stored = RecordBuf::new();
        Some(self.next_stored(&mut stored)?.map(|entry| match entry {
            StoredEntry::Record {
                offset,
                state_before,
            } => {
                let mut state = state_before;
                match codec::decode(&stored, &mut state) {
                    Ok((record, _)) => Entry::Record {
                        offset,
                        record,
                        stored,
                        state_before,
                    },
                    // The cursor decoded these very bytes against this state.
                    Err(e) => Entry::Damage(Damage {
                        offset,
                        seq: None,
                        reason: DamageReason::Unreadable(e.kind),
                    }),
                }
            }
            StoredEntry::Damage(d) => Entry::Damage(d),
        }))
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
