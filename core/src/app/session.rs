//! Answering a reader: one response for every request, and a refusal that says why.

use super::{Board, Clock, Memory, Tag, log_fault};
use crate::codec::{MAX_BODY_LEN, RecordBuf, StoredBody};
use crate::log::{Log, ReadPoint, StoredEntry};
use crate::model::{Checkpoint, Header, PartyRef, RecordType};
use crate::protocol::{Fault, Needs, Request, Response, VERSION, read_record};

/// A reader session: open after [`Request::Hello`], with the read in progress, if any.
#[derive(Default)]
pub(super) struct Session {
    actor: Option<PartyRef>,
    read: Option<ReadPoint>,
}

impl<B: Board> Tag<B> {
    /// Answers one request: the response, or the fault that refuses it, which is sent as
    /// [`Response::Error`] without the response being moved into one.
    #[inline(never)]
    pub(super) fn handle(&mut self, request: &Request) -> Result<Response, Fault> {
        if let Request::Hello { actor } = *request {
            self.session = Session {
                actor: Some(actor),
                read: None,
            };
            return Ok(Response::Welcome {
                version: VERSION,
                status: self.status(),
            });
        }
        let actor = self.session.actor.ok_or(Fault::OutOfOrder {
            needs: Needs::Hello,
        })?;
        match request {
            Request::Hello { .. } => Err(Fault::OutOfOrder {
                needs: Needs::Hello,
            }),
            Request::Identity => {
                let log = self.log().ok_or(Fault::NotCommissioned)?;
                let stored =
                    RecordBuf::from_slice(log.identity_bytes()).map_err(|_| Fault::Storage)?;
                Ok(Response::Identity { stored })
            }
            Request::Status => Ok(Response::Status(self.status())),
            Request::Read { from } => {
                let start = self.mounted()?.read_from(*from).point();
                self.session.read = Some(start);
                self.next_entry()
            }
            Request::ReadNext => self.next_entry(),
            Request::Append { stored } => {
                let (header, body) = read_record(stored)?;
                match body.record_type() {
                    RecordType::Commission | RecordType::Checkpoint => Err(Fault::NotAllowed),
                    _ => self.appended(&header, &body),
                }
            }
            Request::Checkpoint { checkpoint } => self.checkpoint(actor, checkpoint),
            Request::Commission { stored } => {
                let (header, body) = read_record(stored)?;
                self.commission(&header, &body)
            }
            Request::SetClock { time, tz } => {
                self.clock.set(time.at).map_err(|_| Fault::Clock)?;
                self.time_source = Some(time.quality);
                self.tz = Some(*tz);
                Ok(Response::Done)
            }
            Request::SetButton { action } => {
                self.button_action = Some(*action);
                Ok(Response::Done)
            }
            Request::Goodbye => {
                self.session = Session::default();
                Ok(Response::Done)
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
    #[inline(never)]
    fn next_entry(&mut self) -> Result<Response, Fault> {
        let Some(point) = self.session.read.as_mut() else {
            return Err(Fault::OutOfOrder { needs: Needs::Read });
        };
        let Memory::Mounted(log) = &mut self.memory else {
            self.session.read = None;
            return Err(Fault::NotCommissioned);
        };
        let mut stored = RecordBuf::new();
        match log.read_next(point, &mut stored) {
            Some(Ok(StoredEntry::Record {
                offset,
                state_before,
            })) => Ok(Response::Record {
                offset,
                state: state_before,
                stored,
            }),
            Some(Ok(StoredEntry::Damage(damage))) => Ok(Response::Damage(damage)),
            // A read that reached its end is over: a reader starts another to see newer
            // records.
            None => {
                self.session.read = None;
                Ok(Response::End)
            }
            Some(Err(e)) => {
                self.session.read = None;
                Err(log_fault(e))
            }
        }
    }

    fn appended(&mut self, header: &Header, body: &StoredBody<'_>) -> Result<Response, Fault> {
        let seq = self.append(header, body)?;
        let head = self.mounted()?.chain().head();
        Ok(Response::Appended { seq, head })
    }

    /// Appends `checkpoint` if it covers exactly the records the tag holds.
    #[inline(never)]
    fn checkpoint(&mut self, actor: PartyRef, checkpoint: &Checkpoint) -> Result<Response, Fault> {
        if checkpoint.signatures.is_empty() {
            return Err(Fault::Unsigned);
        }
        let log = self.mounted()?;
        let count = log.next_seq().map_or(u32::MAX, |s| s.0);
        let head = log.chain().head();
        if checkpoint.count != count || checkpoint.head != head {
            return Err(Fault::CheckpointMismatch { count, head });
        }
        let header = self.stamp(actor)?;
        let mut buf = [0u8; MAX_BODY_LEN];
        let body = StoredBody::checkpoint(checkpoint, &mut buf).map_err(|_| Fault::BadRecord)?;
        self.appended(&header, &body)
    }

    /// Formats a blank memory with the record of `header` and `body` as the identity. A
    /// commissioned tag is never commissioned again, and a memory holding anything is never
    /// erased.
    #[inline(never)]
    fn commission(&mut self, header: &Header, body: &StoredBody<'_>) -> Result<Response, Fault> {
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
            return Ok(Response::Appended {
                seq: header.seq,
                head: log.chain().head(),
            });
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
