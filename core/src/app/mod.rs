//! The tag application: the same code on a microcontroller and in the simulator.
//!
//! A [`Tag`] owns its peripherals through the ecosystem's traits (a [`Board`] names their
//! types): the log's memory, a real-time [`Clock`], a GNSS receiver on a UART
//! (`embedded_io::Read`), a button (`InputPin`), an LED (`OutputPin`), a delay and the reader
//! link (`embedded_io::Read + Write`). [`Tag::boot`] recovers the log after any reset;
//! [`Tag::poll`] then does one round of work: a button press appends the configured custody
//! step, NMEA sentences update the fix and the clock, and reader frames are answered.
//!
//! Nothing is invented: a record made without a current fix says the place is unknown, and
//! one made while the clock is not set has no time.

/// Logs an event with defmt when the `defmt` feature is on; compiles to nothing otherwise.
macro_rules! event {
    ($($arg:tt)*) => {
        #[cfg(feature = "defmt")]
        defmt::info!($($arg)*);
    };
}

pub mod clock;
pub mod gnss;
pub mod led;
mod session;

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::{InputPin, OutputPin};
use embedded_io::{Read, ReadReady, Write};

use self::gnss::{Fix, NmeaReader, Sentence};
use crate::codec::{MAX_BODY_LEN, StoredBody};
use crate::log::{LayoutConfig, Log, LogError, Medium, MountReport, ReadPoint};
use crate::model::{Digest, TzOffset, UtcSeconds};
use crate::model::{Header, Location, PartyRef, Seq, TimeQuality, Timestamp};
use crate::protocol::{
    self, ButtonAction, Fault, FixState, FrameReceiver, Indication, MAX_FRAME_LEN, Request, Status,
    response,
};

pub use clock::Clock;
#[cfg(feature = "ds3231")]
pub use clock::{Ds3231Clock, Ds3231Error};

/// The peripheral types of one kind of board.
pub trait Board {
    /// The log's memory.
    type Medium: Medium;
    /// The real-time clock.
    type Clock: Clock;
    /// The GNSS receiver's UART.
    type Gnss: Read + ReadReady;
    /// The button.
    type Button: InputPin;
    /// The LED.
    type Led: OutputPin;
    /// A delay, for debouncing and blinking.
    type Delay: DelayNs;
    /// The reader link.
    type Link: Read + ReadReady + Write;
}

/// A board's peripherals, handed to [`Tag::boot`] and back by [`Tag::shut_down`].
pub struct Parts<B: Board> {
    /// The log's memory.
    pub medium: B::Medium,
    /// The real-time clock.
    pub clock: B::Clock,
    /// The GNSS receiver's UART.
    pub gnss: B::Gnss,
    /// The button, active low.
    pub button: B::Button,
    /// The LED, active high.
    pub led: B::Led,
    /// A delay.
    pub delay: B::Delay,
    /// The reader link.
    pub link: B::Link,
}

/// How a tag is set up; the same at every boot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Settings {
    /// The log's layout on the memory.
    pub layout: LayoutConfig,
    /// What a press records until a reader says otherwise.
    pub button: Option<ButtonAction>,
}

/// A fix older than this does not say where the container is.
pub const FIX_STALE_AFTER_S: u32 = 120;

/// The clock is set from a fix when they differ by more than this.
const CLOCK_TOLERANCE_S: u32 = 2;

/// Below this many free bytes the log is shown as full: a press record with a new time,
/// position and seal takes up to about this much, so the tag can no longer promise one.
const ROOM_FOR_A_PRESS: u32 = 32;

/// How long the button must stay down to count as a press.
const DEBOUNCE_MS: u32 = 20;

#[allow(
    clippy::large_enum_variant,
    reason = "no heap: one tag holds one memory"
)]
enum Memory<M: Medium> {
    /// A log, mounted.
    Mounted(Log<M>),
    /// No log and no records: the memory is new, or its commissioning was cut short, and
    /// can be commissioned.
    Blank(M),
    /// No readable identity, but records: evidence the tag never erases.
    Unusable(M),
    /// Only inside the commissioning request, while the memory moves from blank to mounted.
    Moving,
}

/// What one call of [`Tag::poll`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Activity {
    /// A button press and what became of it.
    pub press: Option<Result<Seq, Fault>>,
    /// Reader frames answered.
    pub frames: u32,
    /// NMEA sentences read.
    pub sentences: u32,
}

/// A reader session, which `session.rs` answers: open after [`Request::Hello`], with the read
/// in progress, if any.
#[derive(Default)]
struct Session {
    actor: Option<PartyRef>,
    read: Option<ReadPoint>,
}

/// The tag application.
///
/// Laid out in this order, the small fields every poll reads first (for size,
/// `docs/FIRMWARE.md`).
#[repr(C)]
pub struct Tag<B: Board> {
    clock: B::Clock,
    gnss: B::Gnss,
    button: B::Button,
    led: B::Led,
    delay: B::Delay,
    link: B::Link,
    boot_damage: u32,
    fix: Option<Fix>,
    button_action: Option<ButtonAction>,
    /// How the clock was last set, when known since boot.
    time_source: Option<TimeQuality>,
    tz: Option<TzOffset>,
    fix_current: bool,
    button_down: bool,
    full: bool,
    failed: bool,
    session: Session,
    settings: Settings,
    nmea: NmeaReader,
    frames: FrameReceiver,
    memory: Memory<B::Medium>,
}

impl<B: Board> Tag<B> {
    /// Starts the tag after any reset: mounts the log (a torn append is discarded, damage is
    /// counted and kept), and shows the state on the LED.
    pub fn boot(parts: Parts<B>, settings: Settings) -> Self {
        let (mut tag, medium) = Self::assemble(parts, settings);
        tag.start(medium);
        tag
    }

    /// [`boot`](Self::boot), with the tag built in `place` and its log mounted there: the tag
    /// is never moved, so that booting takes less stack. Returns the tag, now in `place`.
    pub fn boot_in(place: &mut Option<Self>, parts: Parts<B>, settings: Settings) -> &mut Self {
        let (tag, medium) = Self::assemble_in(place, parts, settings);
        tag.start(medium);
        tag
    }

    /// [`assemble`](Self::assemble) into `place`.
    #[inline(never)]
    fn assemble_in(
        place: &mut Option<Self>,
        parts: Parts<B>,
        settings: Settings,
    ) -> (&mut Self, B::Medium) {
        let (tag, medium) = Self::assemble(parts, settings);
        (place.insert(tag), medium)
    }

    /// A tag with `parts` but its memory, not started: [`start`](Self::start) mounts the
    /// memory, handed back, where the tag is kept.
    fn assemble(parts: Parts<B>, settings: Settings) -> (Self, B::Medium) {
        let tag = Tag {
            memory: Memory::Moving,
            settings,
            clock: parts.clock,
            gnss: parts.gnss,
            button: parts.button,
            led: parts.led,
            delay: parts.delay,
            link: parts.link,
            nmea: NmeaReader::new(),
            frames: FrameReceiver::new(),
            fix: None,
            fix_current: false,
            time_source: None,
            tz: None,
            session: Session::default(),
            button_action: settings.button,
            button_down: false,
            boot_damage: 0,
            full: false,
            failed: false,
        };
        (tag, parts.medium)
    }

    /// Mounts the log on `medium` and shows the state on the LED.
    #[inline(never)]
    fn start(&mut self, medium: B::Medium) {
        self.mount(medium);
        self.full = self
            .log()
            .is_some_and(|log| log.free_space() < ROOM_FOR_A_PRESS);
        let shown = self.indication();
        event!(
            "boot: {} records, {} damage reports, {}",
            self.log().and_then(Log::next_seq).map_or(0, |s| s.0),
            self.boot_damage,
            shown
        );
        self.show(shown);
    }

    /// Mounts the log on `medium` where the tag keeps it, and counts the damage found.
    #[inline(never)]
    fn mount(&mut self, medium: B::Medium) {
        self.place(medium);
        let Memory::Mounted(log) = &mut self.memory else {
            return;
        };
        let mut report = MountReport::default();
        match log.mount_here(&mut report) {
            Ok(()) if report.has_damage() => self.boot_damage = report.damage_count.max(1),
            Ok(()) => {}
            Err(e) => self.unmount(e),
        }
    }

    /// Puts a log on `medium`, not mounted yet, into the tag's memory; a layout that does not
    /// fit the medium leaves the memory unusable.
    #[inline(never)]
    fn place(&mut self, medium: B::Medium) {
        self.memory = match Log::on(medium, self.settings.layout) {
            Ok(log) => Memory::Mounted(log),
            Err((medium, _)) => Memory::Unusable(medium),
        };
    }

    /// After a mount that failed with `e`: the memory is blank when it has no identity and no
    /// records, and unusable otherwise.
    #[inline(never)]
    fn unmount(&mut self, e: LogError<<B::Medium as Medium>::Error>) {
        // Asked where the log lies; only its medium moves.
        let Memory::Mounted(log) = &mut self.memory else {
            return;
        };
        let blank =
            matches!(e, LogError::Unformatted) && matches!(log.holds_no_records(), Ok(true));
        let Memory::Mounted(log) = core::mem::replace(&mut self.memory, Memory::Moving) else {
            return;
        };
        let medium = log.into_medium();
        self.memory = if blank {
            Memory::Blank(medium)
        } else {
            Memory::Unusable(medium)
        };
    }

    /// Stops the tag and hands its peripherals back (the memory keeps its log). `None` only
    /// for a tag stopped while its memory moved between states, which no call leaves it in.
    pub fn shut_down(self) -> Option<Parts<B>> {
        let medium = match self.memory {
            Memory::Mounted(log) => log.into_medium(),
            Memory::Blank(m) | Memory::Unusable(m) => m,
            Memory::Moving => return None,
        };
        Some(Parts {
            medium,
            clock: self.clock,
            gnss: self.gnss,
            button: self.button,
            led: self.led,
            delay: self.delay,
            link: self.link,
        })
    }

    /// One round of work: the button, then the GNSS receiver, then the reader link.
    pub fn poll(&mut self) -> Activity {
        let mut activity = Activity {
            press: self.poll_button(),
            ..Activity::default()
        };
        activity.sentences = self.poll_gnss();
        activity.frames = self.poll_link();
        activity
    }

    /// The log, when the tag is commissioned.
    pub fn log(&self) -> Option<&Log<B::Medium>> {
        match &self.memory {
            Memory::Mounted(log) => Some(log),
            _ => None,
        }
    }

    /// What the LED shows.
    pub fn indication(&self) -> Indication {
        match &self.memory {
            Memory::Blank(_) => Indication::Blank,
            Memory::Unusable(_) | Memory::Moving => Indication::Error,
            Memory::Mounted(_) if self.failed => Indication::Error,
            Memory::Mounted(_) if self.full => Indication::Full,
            Memory::Mounted(_) if self.boot_damage > 0 => Indication::Damaged,
            Memory::Mounted(_) => Indication::Ok,
        }
    }

    /// The tag's state, as a reader sees it.
    pub fn status(&mut self) -> Status {
        let time = self.now();
        let fix = self.fix_state(time.map(|t| t.at));
        let (count, head, free_bytes, capacity) = match &self.memory {
            Memory::Mounted(log) => (
                log.next_seq().map_or(u32::MAX, |s| s.0),
                log.chain().head(),
                log.free_space(),
                log.capacity(),
            ),
            _ => (0, Digest::default(), 0, 0),
        };
        Status {
            indication: self.indication(),
            count,
            head,
            free_bytes,
            capacity,
            damage: self.boot_damage,
            time,
            fix,
        }
    }

    #[inline(never)]
    fn poll_button(&mut self) -> Option<Result<Seq, Fault>> {
        let down = self.button.is_low().unwrap_or(false);
        let pressed = down && !self.button_down;
        self.button_down = down;
        if !pressed {
            return None;
        }
        self.delay.delay_ms(DEBOUNCE_MS);
        if !self.button.is_low().unwrap_or(false) {
            self.button_down = false;
            return None;
        }
        let outcome = self.press();
        event!("press: {}", outcome);
        let shown = match outcome {
            Ok(_) => self.indication(),
            Err(Fault::LogFull) => Indication::Full,
            Err(_) => Indication::Error,
        };
        self.show(shown);
        Some(outcome)
    }

    /// Appends the button's custody step, stamped with the time and place as known now.
    fn press(&mut self) -> Result<Seq, Fault> {
        let action = self.button_action.ok_or(Fault::NoButtonAction)?;
        // Used where it was stamped, not moved out of the result.
        let stamped = self.stamp(action.actor);
        let header = match &stamped {
            Ok(header) => header,
            Err(fault) => return Err(*fault),
        };
        let mut buf = [0u8; MAX_BODY_LEN];
        let body = StoredBody::custody(&action.custody, &mut buf).map_err(|_| Fault::BadRecord)?;
        self.append(header, &body)
    }

    /// The header of a record the tag makes now, for `actor`.
    fn stamp(&mut self, actor: PartyRef) -> Result<Header, Fault> {
        let time = self.now();
        let location = match (self.fix_state(time.map(|t| t.at)), self.fix) {
            (FixState::Fresh, Some(fix)) => Location::Geo(fix.point),
            _ => Location::Unknown,
        };
        let log = self.log().ok_or(Fault::NotCommissioned)?;
        Ok(Header {
            seq: log.next_seq().ok_or(Fault::LogFull)?,
            time,
            tz: self.tz.unwrap_or(log.state().tz),
            actor,
            location,
        })
    }

    /// The time now with how it is known, or `None` when the clock is not set or fails.
    fn now(&mut self) -> Option<Timestamp> {
        let at = match self.clock.now() {
            Ok(at) => at?,
            Err(_) => {
                self.failed = true;
                return None;
            }
        };
        Some(Timestamp {
            at,
            // A clock that kept time across a reset was set by someone this boot cannot
            // name: its time is an estimate.
            quality: self.time_source.unwrap_or(TimeQuality::Estimated),
        })
    }

    fn fix_state(&self, now: Option<UtcSeconds>) -> FixState {
        let Some(fix) = self.fix else {
            return FixState::None;
        };
        let age_s = now.map_or(u32::MAX, |now| now.0.saturating_sub(fix.at.0));
        if self.fix_current && age_s <= FIX_STALE_AFTER_S {
            FixState::Fresh
        } else {
            FixState::Stale { age_s }
        }
    }

    /// Appends the record of `header` and `body` and keeps the LED's state up to date.
    fn append(&mut self, header: &Header, body: &StoredBody<'_>) -> Result<Seq, Fault> {
        let Memory::Mounted(log) = &mut self.memory else {
            return Err(Fault::NotCommissioned);
        };
        match log.append_parts(header, body) {
            Ok(seq) => {
                self.full = log.free_space() < ROOM_FOR_A_PRESS;
                Ok(seq)
            }
            Err(e) => {
                let fault = log_fault(e);
                match fault {
                    Fault::LogFull => self.full = true,
                    Fault::Storage => self.failed = true,
                    _ => {}
                }
                Err(fault)
            }
        }
    }

    #[inline(never)]
    fn poll_gnss(&mut self) -> u32 {
        let mut sentences = 0;
        let mut chunk = [0u8; 32];
        while let Some(n) = read_available(&mut self.gnss, &mut chunk) {
            for &byte in chunk.get(..n).unwrap_or_default() {
                if let Some(sentence) = self.nmea.push(byte) {
                    sentences += 1;
                    self.on_sentence(sentence);
                }
            }
        }
        sentences
    }

    fn on_sentence(&mut self, sentence: Sentence) {
        match sentence {
            Sentence::Fix(fix) => {
                self.fix = Some(fix);
                self.fix_current = true;
                let drift = match self.clock.now() {
                    Ok(Some(now)) => now.0.abs_diff(fix.at.0),
                    Ok(None) => u32::MAX,
                    Err(_) => {
                        self.failed = true;
                        return;
                    }
                };
                if drift > CLOCK_TOLERANCE_S && self.clock.set(fix.at).is_err() {
                    self.failed = true;
                    return;
                }
                self.time_source = Some(TimeQuality::Gnss);
            }
            Sentence::NoFix => self.fix_current = false,
            Sentence::Other => {}
        }
    }

    #[inline(never)]
    fn poll_link(&mut self) -> u32 {
        let mut frames = 0;
        // The receiver takes one byte at a time, and so does the link.
        let mut buf = [0u8; 1];
        // Each request is read here, in place, and answered from here: it may hold a record.
        let mut request = Request::Goodbye;
        while read_available(&mut self.link, &mut buf).is_some() {
            let [byte] = buf;
            let read = match self.frames.push(byte) {
                None => continue,
                Some(Ok(payload)) => read_request(payload, &mut request),
                Some(Err(fault)) => Err(fault),
            };
            self.answer_frame(&request, &read);
            frames += 1;
        }
        frames
    }

    /// Answers one frame from the reader: `request`, when `read` says the frame held one, or
    /// the fault that says why it did not.
    #[inline(never)]
    fn answer_frame(&mut self, request: &Request, read: &Result<(), Fault>) {
        // Each response is written where it is made: it may hold a record.
        let mut out = [0u8; MAX_FRAME_LEN];
        let framed = protocol::encode_reply(&mut out, |w| {
            if let Err(fault) = read {
                event!("request refused: {}", fault);
                return Ok(response::error(w, fault));
            }
            let answer = self.handle(request, w);
            #[cfg(feature = "defmt")]
            if let Err(fault) = &answer {
                event!("request refused: {}", fault);
            }
            answer
        });
        if let Ok(n) = framed {
            // A reader that went away is not the tag's failure.
            self.link.write_all(out.get(..n).unwrap_or_default()).ok();
            self.link.flush().ok();
        }
    }
}

/// Reads the request in the payload of a frame from the reader into `request`.
#[inline(never)]
fn read_request(payload: &[u8], request: &mut Request) -> Result<(), Fault> {
    protocol::read_request_into(payload, request)
}

/// Reads what `port` has ready into `chunk`, without waiting; `None` when nothing is ready or
/// the port fails (a UART error loses bytes, which the frame and sentence checks then catch).
fn read_available<P: Read + ReadReady>(port: &mut P, chunk: &mut [u8]) -> Option<usize> {
    if !port.read_ready().unwrap_or(false) {
        return None;
    }
    port.read(chunk).ok().filter(|n| *n > 0)
}

/// The fault a reader is told for a log error.
fn log_fault<E>(e: LogError<E>) -> Fault {
    match e {
        LogError::LogFull => Fault::LogFull,
        LogError::RecordTooLarge => Fault::RecordTooLarge,
        LogError::WrongSeq { expected, got } => Fault::WrongSeq { expected, got },
        LogError::NotACommission => Fault::NotAllowed,
        LogError::Encode(_) => Fault::BadRecord,
        _ => Fault::Storage,
    }
}
