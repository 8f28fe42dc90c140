//! Reading the records of one segment in order, repairing single-bit flips and telling a torn
//! append from damage.

use super::error::{Damage, DamageReason};
use super::keyed::{RecordKey, apply_key, first_repair, intact_record, record_at_start};
use super::layout::Layout;
use super::medium::{Counted, Medium};
use crate::chain::Chain;
use crate::codec::{
    self, DecodeErrorKind, DeltaState, LENGTH_PREFIX_LEN, MAX_RECORD_LEN, RecordBuf,
};
use crate::model::Seq;

/// A record read from the medium; its stored bytes are in the buffer given to [`Cursor::next`],
/// and the state and chain before it are those of the cursor before that step.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Found {
    pub(crate) offset: u32,
    /// Its sequence number.
    pub(crate) seq: Seq,
    /// The bit that was flipped and repaired, if any.
    pub(crate) repaired: Option<u32>,
}

/// One step through a segment.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Step {
    Record(Found),
    Damage(Damage),
    End,
}

/// Where a segment's records are being read, with the state they are decoded against.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Cursor {
    pub(crate) pos: u32,
    /// Records end here at the latest (the segment end, or where the next segment's header
    /// says this one's valid records end).
    pub(crate) end: u32,
    /// Whether nothing is known to follow this segment: invalid bytes at its end are then a
    /// torn append rather than damage.
    pub(crate) is_tail: bool,
    /// The medium's write unit: the end of the records is a whole erased unit.
    pub(crate) write_size: u32,
    pub(crate) state: DeltaState,
    pub(crate) chain: Chain,
    pub(crate) done: bool,
    /// The segment ended in a torn append.
    pub(crate) torn: bool,
    /// The segment has unreadable records: nothing more may be written into it.
    pub(crate) damaged: bool,
    /// How the CRC of every record in this segment is keyed to its epoch (layout versions 2
    /// and 3): a record left from an earlier use of the segment does not pass its CRC.
    pub(crate) key: RecordKey,
    /// Whether bytes after the end of the data may be left from an earlier use of the segment
    /// (rewritable memory of layout versions 2 and 3, which write no end marker): bytes at the tail
    /// that do not decode and are not followed by a record are then the end of the data. A
    /// torn append there cannot be told from them, and is not reported.
    pub(crate) stale_after_end: bool,
    /// Where the next record found after unreadable bytes starts, when a keyed segment was
    /// searched for one.
    pub(crate) resume_at: Option<u32>,
}

/// What the bytes at one offset are.
enum Plain {
    /// A record that decoded, now in the caller's buffer; the state given to read it is now
    /// the state after it.
    Record,
    End,
    Invalid(DecodeErrorKind),
}

impl Cursor {
    /// Reads the next record into `stored`, or finds the end or damage. `stored` holds the
    /// record's bytes only when a record is found.
    pub(crate) fn next<M: Medium>(
        &mut self,
        medium: &mut Counted<M>,
        layout: &Layout,
        stored: &mut RecordBuf,
    ) -> Result<Step, M::Error> {
        if self.done {
            return Ok(Step::End);
        }
        let offset = self.pos;
        let mut after = self.state;
        match self.read_plain(medium, offset, &mut after, stored)? {
            Plain::Record => Ok(self.accept(layout, offset, &after, stored, None)),
            Plain::End => {
                self.done = true;
                if !self.is_tail && self.pos < self.end {
                    return Ok(Step::Damage(self.damage(DamageReason::MissingRecords)));
                }
                // In a keyed segment only records of this use pass their CRC: one found after
                // the end means the bytes here were records, lost.
                if self.key.is_keyed() {
                    self.resume_at = self.next_record_after(medium, layout, offset)?;
                    if self.resume_at.is_some() {
                        self.damaged = true;
                        return Ok(Step::Damage(self.damage(DamageReason::MissingRecords)));
                    }
                }
                Ok(Step::End)
            }
            Plain::Invalid(kind) => self.invalid(medium, layout, offset, kind, &mut after, stored),
        }
    }

    /// The record at `offset` does not decode as it stands: a repaired record, a torn append
    /// or damage. `after` is room for the state after a repaired record.
    fn invalid<M: Medium>(
        &mut self,
        medium: &mut Counted<M>,
        layout: &Layout,
        offset: u32,
        kind: DecodeErrorKind,
        after: &mut DeltaState,
        stored: &mut RecordBuf,
    ) -> Result<Step, M::Error> {
        let base = self.state;
        let repaired = self.repair(medium, offset, &base, after, stored)?;
        if let Some(bit) = repaired {
            // At the tail, a repair could turn a torn append into a record: accept it only
            // when a record follows, intact or itself repairable (two neighbouring records
            // may each have a flipped bit).
            let next = layout.align(offset + stored.len() as u32);
            let confirmed = !self.is_tail || self.record_at(medium, next, after)?;
            if confirmed {
                return Ok(self.accept(layout, offset, after, stored, Some(bit)));
            }
        }
        stored.clear();
        self.done = true;
        // A torn append is the last thing written: after the length it claims comes the end
        // (erased flash, the end marker of layout version 1, or bytes of an earlier use that
        // do not pass their CRC). A record after it means acknowledged records follow: damage,
        // kept as evidence.
        let follows = self.followed_by_data(medium, layout, offset)?;
        let torn = self.is_tail && !follows;
        // Bytes left from an earlier use never repair into a record of this segment: bytes
        // that do are a torn append one bit short, or a last record with a flipped bit, and
        // are reported as such. Other bytes there are the end of the data.
        if torn && self.stale_after_end && repaired.is_none() {
            return Ok(Step::End);
        }
        self.torn = torn;
        self.damaged = !torn;
        Ok(Step::Damage(self.damage(if torn {
            DamageReason::TornAppend
        } else {
            DamageReason::Unreadable(kind)
        })))
    }

    /// Whether a record that decodes against `state`, as it stands or with one bit repaired,
    /// starts at `offset`.
    fn record_at<M: Medium>(
        &self,
        medium: &mut Counted<M>,
        offset: u32,
        state: &DeltaState,
    ) -> Result<bool, M::Error> {
        let mut scratch = RecordBuf::new();
        let mut after = *state;
        Ok(
            match self.read_plain(medium, offset, &mut after, &mut scratch)? {
                Plain::Record => true,
                Plain::End => false,
                Plain::Invalid(_) => self
                    .repair(medium, offset, state, &mut after, &mut scratch)?
                    .is_some(),
            },
        )
    }

    /// Ends the records of the segment of `epoch`, starting at `start`, where the header of the
    /// segment after it says, when `next` (that header's epoch and `prev_end`) is the header of
    /// the segment after it: then records follow, and invalid bytes at the end are damage.
    pub(crate) fn bound(&mut self, start: u32, epoch: u32, next: Option<(u32, Option<u32>)>) {
        if let Some((next_epoch, Some(prev_end))) = next
            && next_epoch == epoch.wrapping_add(1)
        {
            self.end = start.saturating_add(prev_end).min(self.end);
            self.is_tail = false;
        }
    }

    /// Whether an intact record (by its CRC) follows the bytes at `offset`: then acknowledged
    /// records follow, and they cannot be a torn append. In a keyed segment (layout versions 2, 3)
    /// no bytes of an earlier use pass their CRC, so every aligned position up to the bound is
    /// tried, and damaged length bytes cannot hide the records after them; where one is found,
    /// the cursor steps over the damage to it. Otherwise only the position the bytes' own
    /// length gives is tried.
    fn followed_by_data<M: Medium>(
        &mut self,
        medium: &mut Counted<M>,
        layout: &Layout,
        offset: u32,
    ) -> Result<bool, M::Error> {
        if self.key.is_keyed() {
            self.resume_at = self.next_record_after(medium, layout, offset)?;
            return Ok(self.resume_at.is_some());
        }
        let avail = self.end.saturating_sub(offset) as usize;
        let mut prefix = [0u8; LENGTH_PREFIX_LEN];
        let prefix = prefix
            .get_mut(..avail.min(LENGTH_PREFIX_LEN))
            .unwrap_or_default();
        medium.read(offset, prefix)?;
        let Ok(len) = codec::stored_len(prefix) else {
            return Ok(false);
        };
        let next = layout.align(offset.saturating_add(len as u32));
        let window = (self.end.saturating_sub(next) as usize).min(MAX_RECORD_LEN);
        let mut buf = [0u8; MAX_RECORD_LEN];
        let bytes = buf.get_mut(..window).unwrap_or_default();
        if bytes.is_empty() {
            return Ok(false);
        }
        medium.read(next, bytes)?;
        apply_key(bytes, self.key);
        Ok(codec::read_envelope(bytes).is_ok())
    }

    /// The first position after `offset`, aligned to the write size and before the bound,
    /// where a record with a valid envelope and CRC (keyed) starts, as it stands or, where the
    /// key allows, with one bit repaired. Reads the rest of the segment once, in windows that
    /// overlap by the largest record.
    pub(crate) fn next_record_after<M: Medium>(
        &self,
        medium: &mut Counted<M>,
        layout: &Layout,
        offset: u32,
    ) -> Result<Option<u32>, M::Error> {
        let step = self.write_size.max(1);
        let mut buf = [0u8; 2 * MAX_RECORD_LEN];
        let mut base = layout.align(offset.saturating_add(1));
        while base < self.end {
            let n = (self.end - base).min(buf.len() as u32) as usize;
            let window = buf.get_mut(..n).unwrap_or_default();
            medium.read(base, window)?;
            let last = base + n as u32 >= self.end;
            // Positions whose record may run past this window are tried in the next one.
            let limit = if last { n } else { n - MAX_RECORD_LEN };
            let mut at = 0;
            // `at` stays a multiple of the write size, so every window starts aligned: the
            // largest record's length is not one.
            while at < limit {
                let bytes = window.get_mut(at..).unwrap_or_default();
                if record_at_start(bytes, self.key).is_some() {
                    return Ok(Some(base + at as u32));
                }
                at += step as usize;
            }
            base += at as u32;
        }
        Ok(None)
    }

    /// Whether a record with a valid envelope and CRC (keyed), as it stands, starts at
    /// `offset`.
    pub(crate) fn intact_at<M: Medium>(
        &self,
        medium: &mut Counted<M>,
        offset: u32,
    ) -> Result<bool, M::Error> {
        let mut buf = [0u8; MAX_RECORD_LEN];
        let window = (self.end.saturating_sub(offset) as usize).min(MAX_RECORD_LEN);
        let bytes = buf.get_mut(..window).unwrap_or_default();
        medium.read(offset, bytes)?;
        Ok(intact_record(bytes, self.key).is_some())
    }

    /// After unreadable damage: steps over the damaged record, to the record found after it in
    /// a keyed segment or by the length it claims in layout version 1, and over every intact
    /// record after it, counting them and chaining their stored bytes. Their contents cannot
    /// be decoded without the damaged record, but their sequence numbers are known and must
    /// never be given out again. The state after them knows only the sequence number, so the
    /// next record is coded in full.
    #[inline(never)]
    pub(crate) fn step_over_damage<M: Medium>(
        &mut self,
        medium: &mut Counted<M>,
        layout: &Layout,
    ) -> Result<(), M::Error> {
        let mut seq = self.state.last_seq;
        let mut at = self.pos;
        match self.resume_at.take() {
            Some(next) => {
                seq = self.after_lost(medium, layout, seq, at, next)?;
                at = next;
            }
            None if !self.key.is_keyed() => {
                // Layout version 1: the damaged record's own length is all there is to go by;
                // its bytes are chained as they stand.
                let mut buf = [0u8; MAX_RECORD_LEN];
                let window = (self.end.saturating_sub(at) as usize).min(MAX_RECORD_LEN);
                let bytes = buf.get_mut(..window).unwrap_or_default();
                medium.read(at, bytes)?;
                if let Some(len) = codec::stored_len(bytes).ok().filter(|l| *l <= window) {
                    self.chain.push(bytes.get(..len).unwrap_or_default());
                    seq = Some(seq.and_then(|s| s.next()).unwrap_or(Seq(0)));
                    at = layout.align(at + len as u32);
                }
            }
            None => {}
        }
        self.pos = at;
        self.count_records(medium, layout, seq)
    }

    /// Counts the records from [`pos`](Self::pos) on, which follow sequence number `seq`: each
    /// with a valid envelope and CRC (keyed), as it stands or, where the key allows, with one
    /// bit repaired, is chained, and in a keyed segment unreadable
    /// bytes before a later record count as the most records that fit. Leaves the cursor after
    /// the last record, with a state that knows only its sequence number.
    pub(crate) fn count_records<M: Medium>(
        &mut self,
        medium: &mut Counted<M>,
        layout: &Layout,
        mut seq: Option<Seq>,
    ) -> Result<(), M::Error> {
        let mut at = self.pos;
        let mut buf = [0u8; MAX_RECORD_LEN];
        // Each turn moves `at` forward, within the segment.
        while at < self.end {
            let window = (self.end - at) as usize;
            let bytes = buf
                .get_mut(..window.min(MAX_RECORD_LEN))
                .unwrap_or_default();
            medium.read(at, bytes)?;
            if let Some(len) = record_at_start(bytes, self.key) {
                self.chain.push(bytes.get(..len).unwrap_or_default());
                seq = Some(seq.and_then(|s| s.next()).unwrap_or(Seq(0)));
                at = layout.align(at + len as u32);
                continue;
            }
            if !self.key.is_keyed() {
                break;
            }
            match self.next_record_after(medium, layout, at)? {
                Some(next) => {
                    seq = self.after_lost(medium, layout, seq, at, next)?;
                    at = next;
                }
                None => break,
            }
        }
        self.pos = at;
        self.state = DeltaState {
            last_seq: seq,
            ..DeltaState::default()
        };
        Ok(())
    }

    /// The last sequence number after `seq` and the records that the unreadable bytes
    /// `[from, to)` held, `to` being where a record was found after them. When the length the
    /// bytes claim ends exactly there, they were one record; otherwise how many is unknown, as
    /// their length bytes cannot be trusted, and they count as the most that fit: no sequence
    /// number is ever given out twice.
    fn after_lost<M: Medium>(
        &self,
        medium: &mut Counted<M>,
        layout: &Layout,
        seq: Option<Seq>,
        from: u32,
        to: u32,
    ) -> Result<Option<Seq>, M::Error> {
        let mut prefix = [0u8; LENGTH_PREFIX_LEN];
        let window = (to.saturating_sub(from) as usize).min(LENGTH_PREFIX_LEN);
        let prefix = prefix.get_mut(..window).unwrap_or_default();
        medium.read(from, prefix)?;
        let one = codec::stored_len(prefix)
            .is_ok_and(|len| layout.align(from.saturating_add(len as u32)) == to);
        let most = if one {
            1
        } else {
            (to.saturating_sub(from) / layout.align(codec::MIN_RECORD_LEN as u32)).max(1)
        };
        Ok(Some(
            Seq(seq.map_or(most - 1, |s| s.0.saturating_add(most))),
        ))
    }

    fn damage(&self, reason: DamageReason) -> Damage {
        Damage {
            offset: self.pos,
            seq: self.state.implicit_seq(),
            reason,
        }
    }

    fn accept(
        &mut self,
        layout: &Layout,
        offset: u32,
        after: &DeltaState,
        stored: &RecordBuf,
        repaired: Option<u32>,
    ) -> Step {
        self.state = *after;
        self.chain.push(stored);
        self.pos = layout.align(offset + stored.len() as u32);
        Step::Record(Found {
            offset,
            // A record that decoded has advanced the state to its own sequence number.
            seq: after.last_seq.unwrap_or(Seq(0)),
            repaired,
        })
    }

    /// Reads the record at `offset`, which follows `state`, into `stored` without trying to
    /// repair it; a record that decodes advances `state` past it.
    fn read_plain<M: Medium>(
        &self,
        medium: &mut Counted<M>,
        offset: u32,
        state: &mut DeltaState,
        stored: &mut RecordBuf,
    ) -> Result<Plain, M::Error> {
        stored.clear();
        let avail = self.end.saturating_sub(offset) as usize;
        if avail == 0 {
            return Ok(Plain::End);
        }
        let unit = (self.write_size as usize).min(avail);
        let prefix_len = avail.min(LENGTH_PREFIX_LEN.max(unit)).min(MAX_RECORD_LEN);
        stored.resize(prefix_len, 0).ok();
        medium.read(offset, stored)?;
        // The end is a whole erased write unit: a torn word may start with 0xFF and go on.
        if stored
            .get(..unit)
            .is_some_and(|u| u.iter().all(|b| *b == 0xff))
        {
            return Ok(Plain::End);
        }
        let len = match codec::stored_len(stored) {
            Ok(len) if len <= avail => len,
            Ok(len) => {
                return Ok(Plain::Invalid(DecodeErrorKind::Truncated {
                    needed: len - avail,
                }));
            }
            Err(e) => return Ok(Plain::Invalid(e.kind)),
        };
        if len > prefix_len {
            stored.resize(len, 0).ok();
            let rest = stored.get_mut(prefix_len..).unwrap_or_default();
            medium.read(offset + prefix_len as u32, rest)?;
        }
        stored.truncate(len);
        apply_key(stored, self.key);
        Ok(match decode_good(stored, state) {
            Ok(()) => Plain::Record,
            Err(kind) => Plain::Invalid(kind),
        })
    }

    /// Single-bit repair of the bytes at `offset`, which follow `base`: the first flip with
    /// which they decode. The repaired record is left in `stored`, the state after it in
    /// `after`, and the bit is returned.
    fn repair<M: Medium>(
        &self,
        medium: &mut Counted<M>,
        offset: u32,
        base: &DeltaState,
        after: &mut DeltaState,
        stored: &mut RecordBuf,
    ) -> Result<Option<u32>, M::Error> {
        let avail = (self.end.saturating_sub(offset) as usize).min(MAX_RECORD_LEN);
        stored.clear();
        stored.resize(avail, 0).ok();
        medium.read(offset, stored)?;
        // A flip that does not decode leaves the state as it was.
        *after = *base;
        let key = self.key;
        let mut len = 0;
        let bit = first_repair(stored, key, |flipped| {
            let Some(n) = apply_key(flipped, key) else {
                return false;
            };
            len = n;
            let good = flipped
                .get(..n)
                .is_some_and(|bytes| decode_good(bytes, after).is_ok());
            if !good {
                apply_key(flipped, key);
            }
            good
        });
        if bit.is_some() {
            stored.truncate(len);
        }
        Ok(bit.map(|b| b as u32))
    }
}

/// Advances `state` past the record `bytes`, which follows it, when the record decodes and
/// fits a [`RecordBuf`]; otherwise leaves `state` as it was.
fn decode_good(bytes: &[u8], state: &mut DeltaState) -> Result<(), DecodeErrorKind> {
    if bytes.len() > MAX_RECORD_LEN {
        return Err(DecodeErrorKind::LengthOutOfRange(bytes.len() as u32));
    }
    codec::check(bytes, state).map_err(|e| e.kind)?;
    Ok(())
}
