//! The scripted board: peripherals whose inputs come from the script and whose outputs the
//! script reads back. Nothing here depends on the machine it runs on, so the firmware and the
//! host see the same bytes.

use core::cell::{Cell, RefCell};
use core::convert::Infallible;
use core::marker::PhantomData;

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::{self, InputPin, OutputPin};
use embedded_io::{ErrorType, Read, ReadReady, Write};
use embedded_storage::nor_flash::{
    self, ErrorType as FlashErrorType, NorFlash, NorFlashErrorKind, ReadNorFlash,
};
use heapless::Deque;
use remtag::app::{Board, Clock};
use remtag::log::medium::NorFlashMedium;
use remtag::model::UtcSeconds;
use remtag::protocol::MAX_FRAME_LEN;

/// Bytes of one NOR flash erase block of the scripted log.
pub const ERASE_SIZE: usize = 256;

/// Bytes of one program operation of the scripted log.
pub const WRITE_SIZE: usize = 4;

/// Bytes of the scripted log's memory: two identity slots of one erase block each and
/// seven segments of 512 bytes.
pub const LOG_SIZE: usize = 4 * 1024;

/// Bytes the GNSS receiver can hold before the tag reads them: a few sentences.
const GNSS_QUEUE: usize = 256;

/// The world around a tag: time, the button, the LED, and the bytes on the GNSS receiver's
/// UART and on the reader link. The tag's peripherals share it with the script.
///
/// Laid out in this order, its small fields first (for size, `docs/FIRMWARE.md`).
#[repr(C)]
pub struct World {
    /// Time since the script started, as whole seconds and the milliseconds after them;
    /// delays move it. In `u32`s (for size, `docs/FIRMWARE.md`).
    seconds: Cell<u32>,
    millis: Cell<u32>,
    /// The real-time clock: the UTC second it was set to and the world's time then, or `None`
    /// before it was ever set. It counts whole seconds, as a clock chip does.
    rtc: Cell<Option<(u32, (u32, u32))>>,
    button_down: Cell<bool>,
    led_on: Cell<bool>,
    blinks: Cell<u32>,
    from_tag: ByteQueue<MAX_FRAME_LEN>,
    gnss: ByteQueue<GNSS_QUEUE>,
    to_tag: ByteQueue<MAX_FRAME_LEN>,
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

impl World {
    /// A world at time zero, with a clock that was never set.
    pub const fn new() -> Self {
        World {
            seconds: Cell::new(0),
            millis: Cell::new(0),
            rtc: Cell::new(None),
            button_down: Cell::new(false),
            led_on: Cell::new(false),
            blinks: Cell::new(0),
            gnss: ByteQueue::new(),
            to_tag: ByteQueue::new(),
            from_tag: ByteQueue::new(),
        }
    }

    /// Milliseconds since the script started.
    pub fn ms(&self) -> u64 {
        u64::from(self.seconds.get()) * 1000 + u64::from(self.millis.get())
    }

    /// Lets `ms` milliseconds pass.
    pub fn advance_ms(&self, ms: u32) {
        let mut millis = self.millis.get() + ms % 1000;
        let mut seconds = ms / 1000;
        if millis >= 1000 {
            millis -= 1000;
            seconds += 1;
        }
        self.millis.set(millis);
        self.advance_s(seconds);
    }

    /// Lets `s` seconds pass.
    pub fn advance_s(&self, s: u32) {
        self.seconds.set(self.seconds.get().saturating_add(s));
    }

    /// The world's time now: whole seconds and the milliseconds after them.
    fn now(&self) -> (u32, u32) {
        (self.seconds.get(), self.millis.get())
    }

    /// Holds the button down, or lets it go.
    pub fn set_button(&self, down: bool) {
        self.button_down.set(down);
    }

    /// How many times the LED was switched on.
    pub fn blinks(&self) -> u32 {
        self.blinks.get()
    }

    /// Whether the LED is on.
    pub fn led_on(&self) -> bool {
        self.led_on.get()
    }

    /// Queues `bytes` on the GNSS receiver's UART; returns how many fit.
    pub fn send_gnss(&self, bytes: &[u8]) -> usize {
        self.gnss.push_all(bytes)
    }

    /// Queues `bytes` on the reader link towards the tag; returns how many fit.
    pub fn send_to_tag(&self, bytes: &[u8]) -> usize {
        self.to_tag.push_all(bytes)
    }

    /// Takes the next byte the tag sent on the reader link.
    pub fn take_from_tag(&self) -> Option<u8> {
        self.from_tag.with(None, Deque::pop_front)
    }

    /// UTC now as the real-time clock counts it.
    fn rtc_now(&self) -> Option<UtcSeconds> {
        let (at, (set_s, set_ms)) = self.rtc.get()?;
        let (s, ms) = self.now();
        // Whole seconds elapsed: one fewer when the milliseconds have not caught up yet.
        let elapsed_s = s
            .saturating_sub(set_s)
            .saturating_sub(u32::from(ms < set_ms));
        Some(UtcSeconds(at.saturating_add(elapsed_s)))
    }
}

/// A queue of bytes between the script and the tag's UARTs.
///
/// One core and no interrupt handler use it, so borrows never overlap; one that did would
/// find the queue empty or full, as a UART can, instead of panicking (which would put the
/// panic machinery of `RefCell` into images that measure the tag).
struct ByteQueue<const N: usize>(RefCell<Deque<u8, N>>);

impl<const N: usize> ByteQueue<N> {
    const fn new() -> Self {
        ByteQueue(RefCell::new(Deque::new()))
    }

    /// What `f` makes of the queue, or `otherwise` when it is already borrowed.
    fn with<R>(&self, otherwise: R, f: impl FnOnce(&mut Deque<u8, N>) -> R) -> R {
        match self.0.try_borrow_mut() {
            Ok(mut queue) => f(&mut queue),
            Err(_) => otherwise,
        }
    }

    /// Queues what fits of `bytes`; returns how many did.
    fn push_all(&self, bytes: &[u8]) -> usize {
        self.with(0, |queue| {
            bytes
                .iter()
                .take_while(|&&b| queue.push_back(b).is_ok())
                .count()
        })
    }

    /// Moves queued bytes into `buf`; returns how many.
    fn pop_into(&self, buf: &mut [u8]) -> usize {
        self.with(0, |queue| {
            let mut n = 0;
            for slot in buf.iter_mut() {
                let Some(byte) = queue.pop_front() else {
                    break;
                };
                *slot = byte;
                n += 1;
            }
            n
        })
    }

    fn is_empty(&self) -> bool {
        self.with(true, |queue| queue.is_empty())
    }
}

/// NOR flash over a slice of RAM: erasing sets bytes to `0xFF`, programming can only clear
/// bits, as on a real NOR array.
pub struct RamFlash<'a> {
    memory: &'a mut [u8],
}

impl<'a> RamFlash<'a> {
    /// Flash over `memory`, whose length is a whole number of erase blocks; it keeps what
    /// `memory` holds.
    pub fn new(memory: &'a mut [u8]) -> Self {
        RamFlash { memory }
    }

    /// The flash's bytes.
    pub fn contents(&self) -> &[u8] {
        self.memory
    }

    fn range(&mut self, offset: u32, len: usize) -> Result<&mut [u8], NorFlashErrorKind> {
        let start = usize::try_from(offset).map_err(|_| NorFlashErrorKind::OutOfBounds)?;
        let end = start
            .checked_add(len)
            .ok_or(NorFlashErrorKind::OutOfBounds)?;
        self.memory
            .get_mut(start..end)
            .ok_or(NorFlashErrorKind::OutOfBounds)
    }
}

impl FlashErrorType for RamFlash<'_> {
    type Error = NorFlashErrorKind;
}

impl ReadNorFlash for RamFlash<'_> {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        // By element: `range` has the length of `bytes`, which `copy_from_slice` would check
        // again with a panic.
        let cells = self.range(offset, bytes.len())?;
        for (byte, cell) in bytes.iter_mut().zip(cells) {
            *byte = *cell;
        }
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.memory.len()
    }
}

impl NorFlash for RamFlash<'_> {
    const WRITE_SIZE: usize = WRITE_SIZE;
    const ERASE_SIZE: usize = ERASE_SIZE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        nor_flash::check_erase(self, from, to)?;
        let len = to.saturating_sub(from) as usize;
        self.range(from, len)?.fill(0xFF);
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        nor_flash::check_write(self, offset, bytes.len())?;
        for (cell, byte) in self.range(offset, bytes.len())?.iter_mut().zip(bytes) {
            *cell &= byte;
        }
        Ok(())
    }
}

/// The real-time clock: unset until the tag sets it, then counting the world's seconds.
pub struct ScriptClock<'w>(&'w World);

impl Clock for ScriptClock<'_> {
    type Error = Infallible;

    fn now(&mut self) -> Result<Option<UtcSeconds>, Infallible> {
        Ok(self.0.rtc_now())
    }

    fn set(&mut self, at: UtcSeconds) -> Result<(), Infallible> {
        self.0.rtc.set(Some((at.0, self.0.now())));
        Ok(())
    }
}

/// The GNSS receiver's UART.
pub struct ScriptGnss<'w>(&'w World);

impl ErrorType for ScriptGnss<'_> {
    type Error = Infallible;
}

impl Read for ScriptGnss<'_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        Ok(self.0.gnss.pop_into(buf))
    }
}

impl ReadReady for ScriptGnss<'_> {
    fn read_ready(&mut self) -> Result<bool, Infallible> {
        Ok(!self.0.gnss.is_empty())
    }
}

/// The reader link's UART, the tag's end.
pub struct ScriptLink<'w>(&'w World);

impl ErrorType for ScriptLink<'_> {
    type Error = Infallible;
}

impl Read for ScriptLink<'_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        Ok(self.0.to_tag.pop_into(buf))
    }
}

impl ReadReady for ScriptLink<'_> {
    fn read_ready(&mut self) -> Result<bool, Infallible> {
        Ok(!self.0.to_tag.is_empty())
    }
}

impl Write for ScriptLink<'_> {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        // A reader that does not keep up loses bytes, as on a UART.
        self.0.from_tag.push_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// The button, active low.
pub struct ScriptButton<'w>(&'w World);

impl digital::ErrorType for ScriptButton<'_> {
    type Error = Infallible;
}

impl InputPin for ScriptButton<'_> {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(!self.0.button_down.get())
    }

    fn is_low(&mut self) -> Result<bool, Infallible> {
        Ok(self.0.button_down.get())
    }
}

/// The LED, active high.
pub struct ScriptLed<'w>(&'w World);

impl digital::ErrorType for ScriptLed<'_> {
    type Error = Infallible;
}

impl OutputPin for ScriptLed<'_> {
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.0.led_on.set(false);
        Ok(())
    }

    fn set_high(&mut self) -> Result<(), Infallible> {
        if !self.0.led_on.replace(true) {
            self.0.blinks.set(self.0.blinks.get().saturating_add(1));
        }
        Ok(())
    }
}

/// A delay that lets the world's time pass instead of waiting.
pub struct ScriptDelay<'w>(&'w World);

impl DelayNs for ScriptDelay<'_> {
    fn delay_ns(&mut self, ns: u32) {
        self.0.advance_ms(ns.div_ceil(1_000_000));
    }

    fn delay_ms(&mut self, ms: u32) {
        self.0.advance_ms(ms);
    }
}

/// The peripheral types of the scripted board.
pub struct ScriptBoard<'a>(PhantomData<&'a ()>);

impl<'a> Board for ScriptBoard<'a> {
    type Medium = NorFlashMedium<RamFlash<'a>>;
    type Clock = ScriptClock<'a>;
    type Gnss = ScriptGnss<'a>;
    type Button = ScriptButton<'a>;
    type Led = ScriptLed<'a>;
    type Delay = ScriptDelay<'a>;
    type Link = ScriptLink<'a>;
}

/// The scripted board's peripherals over `world`, with the log on `memory`.
pub fn parts<'a>(world: &'a World, memory: &'a mut [u8]) -> remtag::app::Parts<ScriptBoard<'a>> {
    remtag::app::Parts {
        medium: NorFlashMedium::new(RamFlash::new(memory)),
        clock: ScriptClock(world),
        gnss: ScriptGnss(world),
        button: ScriptButton(world),
        led: ScriptLed(world),
        delay: ScriptDelay(world),
        link: ScriptLink(world),
    }
}
