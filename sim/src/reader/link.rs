//! An in-memory serial link between a reader and a simulated tag.
//!
//! Bytes written at one end are read at the other. The reader's end can be given a *pump*,
//! called when the reader waits for bytes, that runs the tag; a simulated tag thus answers
//! within the reader's call, deterministically, with no threads.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::rc::Rc;

use embedded_io::{ErrorKind, ErrorType, Read, ReadReady, Write};

#[derive(Default)]
struct Wires {
    to_tag: VecDeque<u8>,
    to_host: VecDeque<u8>,
}

/// Moves as many bytes from `wire` into `buf` as both allow; returns how many.
fn take(wire: &mut VecDeque<u8>, buf: &mut [u8]) -> usize {
    let n = buf.len().min(wire.len());
    for (slot, byte) in buf.iter_mut().zip(wire.drain(..n)) {
        *slot = byte;
    }
    n
}

/// A new link: the reader's end and the tag's end.
pub fn link() -> (HostEnd, TagEnd) {
    let wires = Rc::new(RefCell::new(Wires::default()));
    (
        HostEnd {
            wires: wires.clone(),
            pump: None,
        },
        TagEnd { wires },
    )
}

/// The tag's end: what a [`remtag::app::Board`] reads requests from and writes responses to.
pub struct TagEnd {
    wires: Rc<RefCell<Wires>>,
}

impl TagEnd {
    /// Drops everything in flight both ways, as a power cut does to a UART.
    pub fn reset(&self) {
        let mut w = self.wires.borrow_mut();
        w.to_tag.clear();
        w.to_host.clear();
    }
}

impl ErrorType for TagEnd {
    type Error = Infallible;
}

impl ReadReady for TagEnd {
    fn read_ready(&mut self) -> Result<bool, Infallible> {
        Ok(!self.wires.borrow().to_tag.is_empty())
    }
}

impl Read for TagEnd {
    /// Reads what is there; `Ok(0)` when nothing is (callers check [`ReadReady`] first).
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        Ok(take(&mut self.wires.borrow_mut().to_tag, buf))
    }
}

impl Write for TagEnd {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        self.wires.borrow_mut().to_host.extend(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// The reader's end.
pub struct HostEnd {
    wires: Rc<RefCell<Wires>>,
    pump: Option<Box<dyn FnMut()>>,
}

impl HostEnd {
    /// Calls `pump` whenever the reader waits for bytes that have not arrived: it should run
    /// the tag once.
    pub fn set_pump(&mut self, pump: impl FnMut() + 'static) {
        self.pump = Some(Box::new(pump));
    }
}

/// The tag did not answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoAnswer;

impl fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the tag did not answer")
    }
}

impl std::error::Error for NoAnswer {}

impl embedded_io::Error for NoAnswer {
    fn kind(&self) -> ErrorKind {
        ErrorKind::TimedOut
    }
}

impl ErrorType for HostEnd {
    type Error = NoAnswer;
}

impl Read for HostEnd {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, NoAnswer> {
        // A tag answers a frame in one round of work; two rounds leave room for a frame that
        // arrived mid-round.
        for _ in 0..3 {
            {
                let n = take(&mut self.wires.borrow_mut().to_host, buf);
                if n > 0 {
                    return Ok(n);
                }
            }
            match self.pump.as_mut() {
                Some(pump) => pump(),
                None => break,
            }
        }
        Err(NoAnswer)
    }
}

impl Write for HostEnd {
    fn write(&mut self, buf: &[u8]) -> Result<usize, NoAnswer> {
        self.wires.borrow_mut().to_tag.extend(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), NoAnswer> {
        Ok(())
    }
}
