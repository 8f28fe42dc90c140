//! Answering a reader: one response for every request, and a refusal that says why.

use super::{Board, Clock, Memory, Session, Tag, log_fault};
use crate::codec::postcard_wire::Writer;
use crate::codec::{self, MAX_BODY_LEN, MAX_RECORD_LEN, RecordBuf, StoredBody};
use crate::log::{Log, StoredEntry};
use crate::model::{Checkpoint, Header, PartyRef, RecordType};
use crate::protocol::response::{self, Written};
use crate::protocol::{Fault, Needs, Request, VERSION, undecodable};

impl<B: Board> Tag<B> {
    /// Answers one request: writes the response with `w`, or returns the fault that refuses
    /// it before writing anything.
    #[inline(never)]
    pub(super) fn handle(
        &mut self,
        request: &Request,
        w: &mut Writer<'_>,
    ) -> Result<Written, Fault> {
        let actor = match *request {
            Request::Hello { actor } => {
                self.session = Session {
                    actor: Some(actor),
                    read: None,
                };
                actor
            }
            _ => self.session.actor.ok_or(Fault::OutOfOrder {
                needs: Needs::Hello,
            })?,
        };
        match request {
            Request::Hello { .. } | Request::Status => {
                let status = self.status();
                Ok(match request {
                    Request::Hello { .. } => response::welcome(w, VERSION, &status),
                    _ => response::status_of(w, &status),
                })
            }
            Request::Identity => {
                let stored = self.mounted()?.identity_bytes();
                // A response holds at most one record's bytes.
                if stored.len() > MAX_RECORD_LEN {
                    return Err(Fault::Storage);
                }
                Ok(response::identity(w, stored))
            }
            Request::Read { .. } | Request::ReadNext => {
                if let Request::Read { from } = request {
                    let start = self.mounted()?.read_from(*from).point();
                    self.session.read = Some(start);
                }
                self.next_entry(w)
            }
            Request::Append { stored } | Request::Commission { stored } => {
                // Used where it was read, not moved out of the result.
                let read = codec::read_stored(stored);
                let (header, body) = match &read {
                    Ok(record) => record,
                    Err(e) => return Err(undecodable(e)),
                };
                if let Request::Commission { .. } = request {
                    return self.commission(header, body, w);
                }
                match body.record_type() {
                    RecordType::Commission | RecordType::Checkpoint => Err(Fault::NotAllowed),
                    _ => self.appended(header, body, w),
                }
            }
            Request::Checkpoint { checkpoint } => self.checkpoint(actor, checkpoint, w),
            Request::SetClock { time, tz } => {
                self.clock.set(time.at).map_err(|_| Fault::Clock)?;
                self.time_source = Some(time.quality);
                self.tz = Some(*tz);
                Ok(response::done(w))
            }
            Request::SetButton { action } => {
                self.button_action = Some(*action);
                Ok(response::done(w))
            }
            Request::Goodbye => {
                self.session = Session::default();
                Ok(response::done(w))
            }
        }
    }

    fn mounted(&mut self) -> Result<&mut Log<B::Medium>, Fault> {
        match &mut self.memory {
            Memory::Mounted(log) => Ok(log),
            _ => Err(Fault::NotCommissioned),
        }
    }

    /// The entry at the session's read point, which moves past it for [`Request::ReadNext`].
    fn next_entry(&mut self, w: &mut Writer<'_>) -> Result<Written, Fault> {
        let Some(point) = self.session.read.as_mut() else {
            return Err(Fault::OutOfOrder { needs: Needs::Read });
        };
        let Memory::Mounted(log) = &mut self.memory else {
            self.session.read = None;
            return Err(Fault::NotCommissioned);
        };
        let mut stored = RecordBuf::new();
        match log.read_next(point, &mut stored) {
            // Written from the entry, not moved out of it.
            Some(Ok(StoredEntry::Record {
                offset,
                ref state_before,
            })) => Ok(response::record(w, offset, state_before, &stored)),
            Some(Ok(StoredEntry::Damage(ref damage))) => Ok(response::damage_found(w, damage)),
            // A read that reached its end is over: a reader starts another to see newer
            // records.
            None => {
                self.session.read = None;
                Ok(response::end(w))
            }
            Some(Err(e)) => {
                self.session.read = None;
                Err(log_fault(e))
            }
        }
    }

    fn appended(
        &mut self,
        header: &Header,
        body: &StoredBody<'_>,
        w: &mut Writer<'_>,
    ) -> Result<Written, Fault> {
        let seq = self.append(header, body)?;
        let head = self.mounted()?.chain().head();
        Ok(response::appended(w, seq, &head))
    }

    /// Appends `checkpoint` if it covers exactly the records the tag holds.
    fn checkpoint(
        &mut self,
        actor: PartyRef,
        checkpoint: &Checkpoint,
        w: &mut Writer<'_>,
    ) -> Result<Written, Fault> {
        if checkpoint.signatures.is_empty() {
            return Err(Fault::Unsigned);
        }
        let log = self.mounted()?;
        let count = log.next_seq().map_or(u32::MAX, |s| s.0);
        let chain = log.chain();
        if checkpoint.count != count || checkpoint.head != chain.head() {
            return Err(Fault::CheckpointMismatch {
                count,
                head: chain.head(),
            });
        }
        // Used where it was stamped, not moved out of the result.
        let stamped = self.stamp(actor);
        let header = match &stamped {
            Ok(header) => header,
            Err(fault) => return Err(*fault),
        };
        let mut buf = [0u8; MAX_BODY_LEN];
        let body = StoredBody::checkpoint(checkpoint, &mut buf).map_err(|_| Fault::BadRecord)?;
        self.appended(header, &body, w)
    }

    /// Formats a blank memory with the record of `header` and `body` as the identity. A
    /// commissioned tag is never commissioned again, and a memory holding anything is never
    /// erased.
    fn commission(
        &mut self,
        header: &Header,
        body: &StoredBody<'_>,
        w: &mut Writer<'_>,
    ) -> Result<Written, Fault> {
        match &self.memory {
            Memory::Blank(_) => {}
            Memory::Mounted(_) => return Err(Fault::AlreadyCommissioned),
            Memory::Unusable(_) | Memory::Moving => return Err(Fault::NotBlank),
        }
        let Memory::Blank(medium) = core::mem::replace(&mut self.memory, Memory::Moving) else {
            return Err(Fault::NotBlank);
        };
        // Formatted where the tag keeps its log, as a mount is: the log is never moved.
        self.place(medium);
        let Memory::Mounted(log) = &mut self.memory else {
            return Err(Fault::Storage);
        };
        let Err(e) = log.format_here(header, body) else {
            return Ok(response::appended(w, header.seq, &log.chain().head()));
        };
        // A refused commission leaves the memory as it was; a failed write leaves it holding
        // part of a log, which the tag then never erases.
        let fault = log_fault(e);
        if let Memory::Mounted(log) = core::mem::replace(&mut self.memory, Memory::Moving) {
            let medium = log.into_medium();
            self.memory = if fault == Fault::Storage {
                Memory::Unusable(medium)
            } else {
                Memory::Blank(medium)
            };
        }
        Err(fault)
    }
}
