//! Reclaiming: the segments a checkpoint covers freed, by moving the oldest epoch in the
//! identity slots forward.

use super::headers::{self, HeaderRead, first_header};
use super::{Entry, Log, LogError, Medium, ReclaimProblem, SegmentHeader, SegmentStart, identity};
use crate::model::{Body, Seq};

impl<M: Medium> Log<M> {
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
    pub(super) fn in_use(
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
