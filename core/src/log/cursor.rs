//! Reading the records of one segment in order, repairing single-bit flips and telling a torn
//! append from damage.

use super::error::{Damage, DamageReason};
use super::layout::Layout;
use super::medium::{Counted, Medium};
use crate::chain::Chain;
use crate::codec::{
    self, DecodeErrorKind, DeltaState, LENGTH_PREFIX_LEN, MAX_RECORD_LEN, RecordBuf,
};
use crate::model::{Digest, Record, Seq};

/// A record read from the medium.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    pub(crate) offset: u32,
    pub(crate) record: Record,
    pub(crate) stored: RecordBuf,
    /// The bit that was flipped and repaired, if any.
    pub(crate) repaired: Option<u32>,
    /// The chain head before this record.
    pub(crate) head_before: Digest,
    /// The codec state before this record: what decodes it.
    pub(crate) state_before: DeltaState,
}

/// One step through a segment.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant, reason = "no heap: records move by value")]
pub(crate) enum Step {
    Record(Found),
    Damage(Damage),
    End,
}

/// Where a segment's records are being read, with the state they are decoded against.
#[derive(Clone, Debug)]
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
}

/// A record that decoded, with the state after it.
struct Good {
    record: Record,
    stored: RecordBuf,
    state: DeltaState,
}

#[allow(clippy::large_enum_variant, reason = "no heap: records move by value")]
enum Plain {
    Record(Good),
    End,
    Invalid(DecodeErrorKind),
}

impl Cursor {
    pub(crate) fn next<M: Medium>(
        &mut self,
        medium: &mut Counted<M>,
        layout: &Layout,
    ) -> Result<Step, M::Error> {
        if self.done {
            return Ok(Step::End);
        }
        let offset = self.pos;
        match self.read_plain(medium, offset, &self.state)? {
            Plain::Record(good) => Ok(self.accept(layout, offset, good, None)),
            Plain::End => {
                self.done = true;
                if !self.is_tail && self.pos < self.end {
                    return Ok(Step::Damage(self.damage(DamageReason::MissingRecords)));
                }
                Ok(Step::End)
            }
            Plain::Invalid(kind) => {
                if let Some((bit, good)) = self.repair(medium, offset)? {
                    // At the tail, a repair could turn a torn append into a record: accept it
                    // only when an intact record follows.
                    let next = layout.align(offset + good.stored.len() as u32);
                    let confirmed = !self.is_tail
                        || matches!(
                            self.read_plain(medium, next, &good.state)?,
                            Plain::Record(_)
                        );
                    if confirmed {
                        return Ok(self.accept(layout, offset, good, Some(bit)));
                    }
                }
                self.done = true;
                // A torn append is the last thing written: after the length it claims comes
                // the end (erased flash, or the end marker an append writes first). Written
                // bytes after it mean acknowledged records follow: damage, kept as evidence.
                let torn = self.is_tail && !self.followed_by_data(medium, layout, offset)?;
                self.torn = torn;
                self.damaged = !torn;
                Ok(Step::Damage(self.damage(if torn {
                    DamageReason::TornAppend
                } else {
                    DamageReason::Unreadable(kind)
                })))
            }
        }
    }

    /// Whether an intact record (by its CRC) follows the record at `offset`, at the length the
    /// latter claims: then acknowledged records follow, and it cannot be a torn append.
    fn followed_by_data<M: Medium>(
        &self,
        medium: &mut Counted<M>,
        layout: &Layout,
        offset: u32,
    ) -> Result<bool, M::Error> {
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
        Ok(codec::read_envelope(bytes).is_ok())
    }

    /// After unreadable damage: steps over the damaged record by the length it claims and over
    /// every intact record after it, counting them and chaining their stored bytes. Their
    /// contents cannot be decoded without the damaged record, but their sequence numbers are
    /// known and must never be given out again. The state after them knows only the sequence
    /// number, so the next record is coded in full.
    pub(crate) fn step_over_damage<M: Medium>(
        &mut self,
        medium: &mut Counted<M>,
        layout: &Layout,
    ) -> Result<(), M::Error> {
        let mut seq = self.state.last_seq;
        let mut at = self.pos;
        let mut first = true;
        let mut buf = [0u8; MAX_RECORD_LEN];
        loop {
            let window = (self.end.saturating_sub(at) as usize).min(MAX_RECORD_LEN);
            let bytes = buf.get_mut(..window).unwrap_or_default();
            if bytes.is_empty() {
                break;
            }
            medium.read(at, bytes)?;
            let len = if first {
                codec::stored_len(bytes).ok().filter(|l| *l <= window)
            } else {
                codec::read_envelope(bytes).ok().map(|e| e.total_len)
            };
            let Some(len) = len else { break };
            self.chain.push(bytes.get(..len).unwrap_or_default());
            seq = Some(seq.and_then(|s| s.next()).unwrap_or(Seq(0)));
            at = layout.align(at + len as u32);
            first = false;
        }
        self.pos = at;
        self.state = DeltaState {
            last_seq: seq,
            ..DeltaState::default()
        };
        Ok(())
    }

    fn damage(&self, reason: DamageReason) -> Damage {
        Damage {
            offset: self.pos,
            seq: self.state.implicit_seq(),
            reason,
        }
    }

    fn accept(&mut self, layout: &Layout, offset: u32, good: Good, repaired: Option<u32>) -> Step {
        let head_before = self.chain.head();
        let state_before = core::mem::replace(&mut self.state, good.state);
        self.chain.push(&good.stored);
        self.pos = layout.align(offset + good.stored.len() as u32);
        Step::Record(Found {
            offset,
            record: good.record,
            stored: good.stored,
            repaired,
            head_before,
            state_before,
        })
    }

    /// Reads the record at `offset` without trying to repair it.
    fn read_plain<M: Medium>(
        &self,
        medium: &mut Counted<M>,
        offset: u32,
        state: &DeltaState,
    ) -> Result<Plain, M::Error> {
        let avail = self.end.saturating_sub(offset) as usize;
        if avail == 0 {
            return Ok(Plain::End);
        }
        let mut buf = [0u8; MAX_RECORD_LEN];
        let unit = (self.write_size as usize).min(avail);
        let prefix_len = avail.min(LENGTH_PREFIX_LEN.max(unit));
        let prefix = buf.get_mut(..prefix_len).unwrap_or_default();
        medium.read(offset, prefix)?;
        // The end is a whole erased write unit: a torn word may start with 0xFF and go on.
        if prefix
            .get(..unit)
            .is_some_and(|u| u.iter().all(|b| *b == 0xff))
        {
            return Ok(Plain::End);
        }
        let len = match codec::stored_len(prefix) {
            Ok(len) if len <= avail => len,
            Ok(len) => {
                return Ok(Plain::Invalid(DecodeErrorKind::Truncated {
                    needed: len - avail,
                }));
            }
            Err(e) => return Ok(Plain::Invalid(e.kind)),
        };
        if len > prefix_len {
            let rest = buf.get_mut(prefix_len..len).unwrap_or_default();
            medium.read(offset + prefix_len as u32, rest)?;
        }
        Ok(
            match decode_good(buf.get(..len).unwrap_or_default(), state) {
                Ok(good) => Plain::Record(good),
                Err(kind) => Plain::Invalid(kind),
            },
        )
    }

    /// Tries every single-bit flip of the bytes at `offset`; the CRC tells which one is right.
    fn repair<M: Medium>(
        &self,
        medium: &mut Counted<M>,
        offset: u32,
    ) -> Result<Option<(u32, Good)>, M::Error> {
        let avail = (self.end.saturating_sub(offset) as usize).min(MAX_RECORD_LEN);
        let mut buf = [0u8; MAX_RECORD_LEN];
        let window = buf.get_mut(..avail).unwrap_or_default();
        medium.read(offset, window)?;
        for bit in 0..avail * 8 {
            flip(window, bit);
            let good = codec::stored_len(window)
                .ok()
                .and_then(|len| window.get(..len))
                .and_then(|bytes| decode_good(bytes, &self.state).ok());
            if let Some(good) = good {
                return Ok(Some((bit as u32, good)));
            }
            flip(window, bit);
        }
        Ok(None)
    }
}

fn flip(bytes: &mut [u8], bit: usize) {
    if let Some(b) = bytes.get_mut(bit / 8) {
        *b ^= 1 << (bit % 8);
    }
}

fn decode_good(bytes: &[u8], state: &DeltaState) -> Result<Good, DecodeErrorKind> {
    let mut next = *state;
    let (record, _) = codec::decode(bytes, &mut next).map_err(|e| e.kind)?;
    let stored = RecordBuf::from_slice(bytes)
        .map_err(|_| DecodeErrorKind::LengthOutOfRange(bytes.len() as u32))?;
    Ok(Good {
        record,
        stored,
        state: next,
    })
}
