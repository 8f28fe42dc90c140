//! Mount: the identity, then one pass over the segment headers and the records of each
//! segment in use, after every reset.

use super::cursor::{Cursor, Step};
use super::headers::{self, HeaderRead, first_header};
use super::identity;
use super::keyed::RecordKey;
use super::layout::LayoutVersion;
use super::{
    Closed, Damage, DamageReason, Log, LogError, Medium, MountReport, Newest, SegmentHeader,
};
use crate::chain::Chain;
use crate::codec::{self, DeltaState, RecordBuf};
use crate::model::{RecordType, Seq};

/// What a segment holds, as mount sees it.
#[derive(Clone, Copy)]
pub(crate) enum Use {
    /// A header of the epoch the segment holds when in use, now in the caller's buffer, and
    /// what was wrong with its copies.
    InUse(Option<DamageReason>),
    /// Free, reclaimed, an opening cut short, or bytes that are no header of this log.
    NotInUse,
}

impl<M: Medium> Log<M> {
    /// Mounts a log from [`on`](Self::on) where it stands, as [`try_mount`](Self::try_mount)
    /// does, adding what it finds to `report`. A log that fails to mount holds nothing but its
    /// medium, to be handed back.
    #[inline(never)]
    pub(crate) fn mount_here(
        &mut self,
        report: &mut MountReport,
    ) -> Result<(), LogError<M::Error>> {
        let found = identity::read(&mut self.medium, &self.layout, &mut self.identity)?;
        self.layout.version = found.slot.version;
        if !identity_state(&self.identity, &mut self.state) {
            return Err(LogError::BadIdentity);
        }
        self.start_chain(found.slot.generation);
        report.records = 1;
        self.floor = match found.slot.version {
            // Version 1 does not keep the oldest epoch: it is the oldest header's.
            LayoutVersion::V1 => self.oldest_header_epoch()?,
            LayoutVersion::V2 | LayoutVersion::V3 => found.slot.floor,
        };
        self.scan_segments(report)?;
        for copy in 0..2 {
            if let Some(damage) = found.damage.get(copy).copied().flatten() {
                // A format cut between the two copies leaves one unwritten, and no segment in
                // use: that is the format finishing, not damage.
                if report.segments > 0 {
                    report.add(damage);
                    self.identity_damage.push(damage).ok();
                }
            }
        }
        let writable = self.writable().is_ok();
        for copy in found.rewrite_order() {
            if writable && found.needs_rewrite(copy) {
                identity::write(
                    &mut self.medium,
                    &self.layout,
                    copy as u32,
                    found.slot.generation,
                    self.floor,
                    &self.identity,
                )?;
            }
        }
        Ok(())
    }

    /// The lowest epoch of an intact segment header (layout version 1).
    fn oldest_header_epoch(&mut self) -> Result<u32, LogError<M::Error>> {
        let mut header = first_header();
        let mut oldest: Option<u32> = None;
        for physical in 0..self.layout.segments {
            let read = headers::read(&mut self.medium, &self.layout, physical, &mut header)
                .map_err(LogError::Medium)?;
            if matches!(read, HeaderRead::Header(_)) {
                oldest = Some(oldest.map_or(header.epoch, |o| o.min(header.epoch)));
            }
        }
        Ok(oldest.unwrap_or(0))
    }

    /// Whether segment `physical` is in use, its header put in `header`. A segment is in use
    /// when its header is of the one epoch it can hold in the run from the oldest epoch in
    /// use; a header whose copies are not both whole, over a segment with no record, is an
    /// opening cut short.
    pub(crate) fn segment_use(
        &mut self,
        physical: u32,
        header: &mut SegmentHeader,
    ) -> Result<Use, LogError<M::Error>> {
        let read = headers::read(&mut self.medium, &self.layout, physical, header)
            .map_err(LogError::Medium)?;
        let expected = self.layout.epoch_at(physical, self.floor);
        let damage = match read {
            HeaderRead::Header(damage) if u64::from(header.epoch) == expected => damage,
            _ => {
                // The first segment's header says only that it is the first, and nothing
                // else was ever written there before a reclamation: when it cannot be read, or
                // says another epoch, its records still can be read. They are never taken for
                // free space.
                if physical == 0 && self.floor == 0 {
                    *header = first_header();
                    if self.holds_a_record(physical, header)? {
                        return Ok(Use::InUse(Some(DamageReason::SegmentHeader)));
                    }
                }
                return Ok(Use::NotInUse);
            }
        };
        if damage.is_some() && !self.holds_a_record(physical, header)? {
            return Ok(Use::NotInUse);
        }
        Ok(Use::InUse(damage))
    }

    /// Whether segment `physical`, whose header is `header`, holds a record: its first record
    /// decodes, as it stands or with one bit repaired and a record after it to confirm the
    /// repair (a torn append may be one bit short), or (in a keyed segment, where no bytes of
    /// an earlier use pass) it passes its CRC as it stands, or a record found by a search lies
    /// after it.
    fn holds_a_record(
        &mut self,
        physical: u32,
        header: &SegmentHeader,
    ) -> Result<bool, LogError<M::Error>> {
        let mut cursor = Cursor::default();
        self.start_cursor(&mut cursor, physical, header)?;
        let first = cursor.pos;
        let mut stored = RecordBuf::new();
        let step = cursor
            .next(&mut self.medium, &self.layout, &mut stored)
            .map_err(LogError::Medium)?;
        if matches!(step, Step::Record(_)) {
            return Ok(true);
        }
        if !cursor.key.is_keyed() {
            return Ok(false);
        }
        // The first record was judged above, where a repair at the tail needs a record after
        // it to confirm it.
        Ok(cursor
            .intact_at(&mut self.medium, first)
            .map_err(LogError::Medium)?
            || cursor
                .next_record_after(&mut self.medium, &self.layout, first)
                .map_err(LogError::Medium)?
                .is_some())
    }

    /// Reads every segment header once, in physical order, and the records of each segment in
    /// use; keeps the state after the newest.
    fn scan_segments(&mut self, report: &mut MountReport) -> Result<(), LogError<M::Error>> {
        let n = self.layout.segments;
        let mut header = first_header();
        // The epoch and `prev_end` of segment 0's header, which follows the last segment too.
        let mut first = None;
        // The segment whose records `cursor` reads next, once the header after it is known.
        let mut previous: Option<(u32, u32)> = None;
        let mut cursor = Cursor::default();
        let mut in_use = 0u32;
        for physical in 0..=n {
            let (used, link) = if physical < n {
                let used = self.segment_use(physical, &mut header)?;
                let link = match used {
                    Use::InUse(_) => Some((header.epoch, header.prev_end)),
                    Use::NotInUse => None,
                };
                (used, link)
            } else {
                (Use::NotInUse, first)
            };
            if physical == 0 {
                first = link;
            }
            // The segment before this one can now be read: this header may bound it.
            if let Some((p, epoch)) = previous.take() {
                let first_record = cursor.pos;
                cursor.bound(self.layout.segment_start(p), epoch, link);
                self.scan_one(&mut cursor, report)?;
                report.segments += 1;
                if self.newest.is_none_or(|nw| epoch > nw.epoch) {
                    self.newest = Some(Newest {
                        epoch,
                        physical: p,
                        write_pos: cursor.pos,
                        first_record,
                        closed: if cursor.damaged {
                            Closed::Damaged
                        } else if cursor.torn && self.layout.erase_before_write {
                            Closed::Unwritable
                        } else {
                            Closed::Open
                        },
                    });
                    self.state = cursor.state;
                    self.chain = cursor.chain;
                }
            }
            if let Use::InUse(damage) = used {
                if let Some(reason) = damage {
                    report.add(Damage {
                        offset: self.layout.segment_start(physical),
                        seq: None,
                        reason,
                    });
                }
                self.start_cursor(&mut cursor, physical, &header)?;
                previous = Some((physical, header.epoch));
                in_use += 1;
            }
        }
        match self.newest {
            Some(nw) => {
                self.report_holes(nw.epoch, in_use, report)?;
                self.find_headerless_newest(nw, report)
            }
            None if self.floor == 0 => {
                // Formatting was cut after the identity: open the first segment now. On
                // rewritable memory it is cleared first, as formatting does: bytes that no read
                // takes for a record now must not pass for one after the next append either.
                if self.writable().is_ok() {
                    if !self.layout.erase_before_write {
                        let at = self.layout.segment_start(0);
                        super::format::clear(
                            &mut self.medium,
                            &self.layout,
                            at,
                            self.layout.segment_len,
                        )?;
                    }
                    self.open_segment()?;
                }
                Ok(())
            }
            None => {
                // Segments were reclaimed, so one at least holds records: its header is gone.
                report.add(Damage {
                    offset: self.layout.segment_start(self.layout.physical(self.floor)),
                    seq: None,
                    reason: DamageReason::SegmentHeader,
                });
                Ok(())
            }
        }
    }

    /// Reports every segment of the run from the oldest epoch in use to `newest` that is not
    /// in use: its header is unreadable, and its records cannot be located. `in_use` segments
    /// were found; only when some are missing are the headers read again.
    fn report_holes(
        &mut self,
        newest: u32,
        in_use: u32,
        report: &mut MountReport,
    ) -> Result<(), LogError<M::Error>> {
        let run = u64::from(newest) - u64::from(self.floor) + 1;
        if u64::from(in_use) >= run {
            return Ok(());
        }
        let mut header = first_header();
        for epoch in self.floor..=newest {
            let physical = self.layout.physical(epoch);
            if let Use::NotInUse = self.segment_use(physical, &mut header)? {
                report.add(Damage {
                    offset: self.layout.segment_start(physical),
                    seq: None,
                    reason: DamageReason::SegmentHeader,
                });
            }
        }
        Ok(())
    }

    /// The segments after `newest` whose headers cannot be read but that hold records of the
    /// epoch that follows (in a keyed segment nothing else passes), when the log could have
    /// opened them: the newest segment lost its header. Their records cannot be decoded without it; they are reported, counted so that
    /// their sequence numbers are never given out again, and the last such segment becomes the
    /// newest, closed: nothing is written over them.
    fn find_headerless_newest(
        &mut self,
        mut newest: Newest,
        report: &mut MountReport,
    ) -> Result<(), LogError<M::Error>> {
        let mut cursor = Cursor::default();
        loop {
            let Some(epoch) = newest.epoch.checked_add(1) else {
                return Ok(());
            };
            let key = RecordKey::new(self.layout.version, epoch);
            if !key.is_keyed()
                || u64::from(epoch) - u64::from(self.floor) >= u64::from(self.layout.segments)
            {
                return Ok(());
            }
            // The log opens the next segment only when the newest takes no more records, or
            // not the next one, which may be as long as the largest.
            let room = self
                .layout
                .segment_end(newest.physical)
                .saturating_sub(newest.write_pos);
            if newest.closed == Closed::Open
                && room >= self.layout.align(codec::MAX_RECORD_LEN as u32)
            {
                return Ok(());
            }
            let physical = self.layout.next(newest.physical);
            let start = self.layout.segment_start(physical);
            cursor.key = key;
            cursor.write_size = self.layout.write_size;
            cursor.end = self.layout.segment_end(physical);
            let Some(first) = cursor
                .next_record_after(&mut self.medium, &self.layout, start)
                .map_err(LogError::Medium)?
            else {
                return Ok(());
            };
            report.add(Damage {
                offset: start,
                seq: None,
                reason: DamageReason::SegmentHeader,
            });
            cursor.pos = first;
            cursor.chain = self.chain;
            cursor
                .count_records(&mut self.medium, &self.layout, self.state.last_seq)
                .map_err(LogError::Medium)?;
            self.state = cursor.state;
            self.chain = cursor.chain;
            newest = Newest {
                epoch,
                physical,
                write_pos: cursor.pos,
                first_record: first,
                closed: Closed::Damaged,
            };
            self.newest = Some(newest);
        }
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
    pub(crate) fn start_cursor(
        &self,
        cursor: &mut Cursor,
        physical: u32,
        header: &SegmentHeader,
    ) -> Result<(), LogError<M::Error>> {
        let header_len = headers::encoded_len(header).ok_or(LogError::BadLayout(
            super::LayoutProblem::SegmentHeaderTooLarge,
        ))?;
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
        cursor.pos = self.layout.records_start(physical, header_len);
        cursor.end = self.layout.segment_end(physical);
        cursor.is_tail = true;
        cursor.write_size = self.layout.write_size;
        cursor.done = false;
        cursor.torn = false;
        cursor.damaged = false;
        cursor.key = RecordKey::new(self.layout.version, header.epoch);
        cursor.stale_after_end =
            self.layout.version >= LayoutVersion::V2 && !self.layout.erase_before_write;
        cursor.resume_at = None;
        Ok(())
    }
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
