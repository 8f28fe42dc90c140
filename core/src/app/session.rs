//! Answering a reader: one response for every request, and a refusal that says why.

use super::{Board, Clock, Memory, Tag, log_fault};
use crate::codec::RecordBuf;
use crate::log::{Log, ReadPoint, StoredEntry};
use crate::model::{Body, Checkpoint, PartyRef, Record};
use crate::protocol::{Fault, Needs, Request, Response, VERSION, decode_record};

/// A reader session: open after [`Request::Hello`], with the read in progress, if any.
#[derive(Default)]
pub(super) struct Session {
    actor: Option<PartyRef>,
    read: Option<ReadPoint>,
}

impl<B: Board> Tag<B> {
    /// Answers one request.
    pub(super) fn handle(&mut self, request: Request) -> Response {
        match self.answer(request) {
            Ok(response) => response,
            Err(fault) => Response::Error(fault),
        }
    }

    fn answer(&mut self, request: Request) -> Result<Response, Fault> {
        if let Request::Hello { actor } = request {
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
                let start = self.mounted()?.read_from(from).point();
                self.next_entry(start)
            }
            Request::ReadNext => {
                let point = self
                    .session
                    .read
                    .take()
                    .ok_or(Fault::OutOfOrder { needs: Needs::Read })?;
                self.next_entry(point)
            }
            Request::Append { stored } => {
                let record = decode_record(&stored)?;
                match record.body {
                    Body::Commission(_) | Body::Checkpoint(_) => Err(Fault::NotAllowed),
                    _ => self.appended(&record),
                }
            }
            Request::Checkpoint { checkpoint } => self.checkpoint(actor, checkpoint),
            Request::Commission { stored } => self.commission(&decode_record(&stored)?),
            Request::SetClock { time, tz } => {
                self.clock.set(time.at).map_err(|_| Fault::Clock)?;
                self.time_source = Some(time.quality);
                self.tz = Some(tz);
                Ok(Response::Done)
            }
            Request::SetButton { action } => {
                self.button_action = Some(action);
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

    /// The entry at `point`; the session keeps the point after it for [`Request::ReadNext`].
    fn next_entry(&mut self, point: ReadPoint) -> Result<Response, Fault> {
        let log = self.mounted()?;
        let mut entries = log.resume(point);
        let mut stored = RecordBuf::new();
        let entry = entries.next_stored(&mut stored);
        let after = entries.point();
        let response = match entry {
            None => {
                // A read that reached its end is over: a reader starts another to see newer
                // records.
                self.session.read = None;
                return Ok(Response::End);
            }
            Some(Ok(StoredEntry::Record {
                offset,
                state_before,
            })) => Response::Record {
                offset,
                state: state_before,
                stored,
            },
            Some(Ok(StoredEntry::Damage(damage))) => Response::Damage(damage),
            Some(Err(e)) => return Err(log_fault(e)),
        };
        self.session.read = Some(after);
        Ok(response)
    }

    fn appended(&mut self, record: &Record) -> Result<Response, Fault> {
        let seq = self.append(record)?;
        let head = self.mounted()?.chain().head();
        Ok(Response::Appended { seq, head })
    }

    /// Appends `checkpoint` if it covers exactly the records the tag holds.
    fn checkpoint(&mut self, actor: PartyRef, checkpoint: Checkpoint) -> Result<Response, Fault> {
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
        self.appended(&Record {
            header,
            body: Body::Checkpoint(checkpoint),
        })
    }

    /// Formats a blank memory with `record` as the identity. A commissioned tag is never
    /// commissioned again, and a memory holding anything is never erased.
    fn commission(&mut self, record: &Record) -> Result<Response, Fault> {
        match &self.memory {
            Memory::Blank(_) => {}
            Memory::Mounted(_) => return Err(Fault::AlreadyCommissioned),
            Memory::Unusable(_) | Memory::Moving => return Err(Fault::NotBlank),
        }
        let Memory::Blank(medium) = core::mem::replace(&mut self.memory, Memory::Moving) else {
            return Err(Fault::NotBlank);
        };
        match Log::try_format(medium, self.settings.layout, record) {
            Ok(log) => {
                let head = log.chain().head();
                self.memory = Memory::Mounted(log);
                Ok(Response::Appended {
                    seq: record.header.seq,
                    head,
                })
            }
            Err((medium, e)) => {
                // A refused commission leaves the memory as it was; a failed write leaves it
                // holding part of a log, which the tag then never erases.
                let fault = log_fault(e);
                self.memory = if fault == Fault::Storage {
                    Memory::Unusable(medium)
                } else {
                    Memory::Blank(medium)
                };
                Err(fault)
            }
        }
    }
}
