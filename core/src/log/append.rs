//! Appending: a record written whole at the write position of the newest segment, or in the
//! next segment opened for it.

use super::blocks::{MAX_SEGMENT_HEADER_LEN, encode_segment_header};
use super::headers::{self, first_header};
use super::keyed::{self, RecordKey};
use super::{
    Closed, Layout, LayoutProblem, Log, LogError, Medium, Newest, SegmentHeader, SegmentStart,
};
use crate::codec::{self, MAX_RECORD_LEN, StoredBody};
use crate::model::{Header, Record, RecordType, Seq};

impl<M: Medium> Log<M> {
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
        let key = RecordKey::new(self.layout.version, nw.epoch);
        let stored = buf.get_mut(..stored_len).unwrap_or_default();
        keyed::apply_key(stored, key);
        let write = buf
            .get(..len as usize)
            .ok_or(LogError::BadLayout(LayoutProblem::RecordBuffer))?;
        self.medium
            .program(nw.write_pos, write)
            .map_err(LogError::Medium)?;
        let stored = buf.get_mut(..stored_len).unwrap_or_default();
        keyed::apply_key(stored, key);
        self.state = state;
        self.chain.push(stored);
        if let Some(n) = self.newest.as_mut() {
            n.write_pos += len;
        }
        Ok(header.seq)
    }

    /// The most bytes a record may take in a segment: what is left after the largest header
    /// copies a segment of this layout can start with.
    pub(super) fn record_room(&self) -> u32 {
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
    pub(super) fn open_segment(&mut self) -> Result<(), LogError<M::Error>> {
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
}
