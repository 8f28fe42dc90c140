//! Reading a log's records in order, with the damage found on the way, one entry at a time.

use super::cursor::{Cursor, Step};
use super::headers::first_header;
use super::mount::Use;
use super::{Damage, DamageReason, Log, LogError, Medium};
use crate::codec::{self, DeltaState, RecordBuf};
use crate::model::{Digest, Record, Seq};

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
    /// The identity comes first, after the damage the mount found to its copies.
    Identity {
        /// Identity damage reports yielded so far.
        reported: u8,
    },
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
    /// Damage to the header of the segment being read, to yield before its records.
    pending: Option<Damage>,
}

impl<M: Medium> Log<M> {
    /// Reads every record from sequence number `from` on, in order, with damage where found.
    pub fn read_from(&mut self, from: Seq) -> Entries<'_, M> {
        self.resume(ReadPoint {
            from,
            phase: Phase::Identity { reported: 0 },
            cursor: Cursor::default(),
            reported: None,
            head_before: None,
            pending: None,
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
}

/// The records of a log in order, from [`Log::read_from`].
pub struct Entries<'a, M: Medium> {
    log: &'a mut Log<M>,
    at: ReadPoint,
}

impl<M: Medium> Entries<'_, M> {
    /// The chain head before the record yielded last: what a checkpoint there must carry.
    pub(crate) fn head_before(&self) -> Option<Digest> {
        self.at.head_before
    }

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
            if let Some(damage) = at.pending.take() {
                return Ok(Some(StoredEntry::Damage(damage)));
            }
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
                Phase::Identity { reported } => {
                    if at.from == Seq(0)
                        && let Some(damage) = self.identity_damage.get(usize::from(*reported))
                    {
                        *reported += 1;
                        return Ok(Some(StoredEntry::Damage(*damage)));
                    }
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
        let first = self.floor.min(nw.epoch);
        self.open_read(at, first, self.layout.physical(first))?;
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
        let Use::InUse(damage) = self.segment_use(physical, &mut header)? else {
            at.phase = Phase::BadHeader { epoch, physical };
            return Ok(());
        };
        at.pending = damage.map(|reason| Damage {
            offset: self.layout.segment_start(physical),
            seq: None,
            reason,
        });
        self.start_cursor(&mut at.cursor, physical, &header)?;
        let nw = self.newest.map(|n| n.epoch).unwrap_or(0);
        if epoch < nw {
            let next = self.layout.next(physical);
            let link = match self.segment_use(next, &mut header)? {
                Use::InUse(_) => Some((header.epoch, header.prev_end)),
                Use::NotInUse => None,
            };
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
