//! A simulated GNSS receiver on a UART: NMEA 0183 `$GPRMC` and `$GPGGA` once
//! per simulated second, along a [`Route`].

use core::fmt;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::DateTime;
use embedded_io::{ErrorKind, ErrorType, Read, ReadReady};

use crate::memory::clock::SimClock;

const HALF_TURN: i64 = 180_000_000;

/// The angle equal to `udeg` modulo 360° in (-180°, 180°].
fn wrap(udeg: i64) -> i64 {
    HALF_TURN - (HALF_TURN - udeg).rem_euclid(2 * HALF_TURN)
}

/// A point of a [`Route`]: where the receiver is at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Waypoint {
    /// Unix time in seconds.
    pub at: i64,
    /// Latitude in microdegrees, north positive.
    pub lat_udeg: i32,
    /// Longitude in microdegrees, east positive.
    pub lon_udeg: i32,
}

/// Where the receiver goes and when the sky is hidden from it.
///
/// The position is interpolated linearly in latitude and longitude between
/// waypoints (along the shorter way round in longitude, so a flight across
/// the antimeridian stays over the Pacific) and clamped to the first and last
/// waypoint outside them. A route without waypoints never has a fix.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Route {
    waypoints: Vec<Waypoint>,
    fix_losses: Vec<(i64, i64)>,
}

impl Route {
    /// An empty route: no waypoints, so no fix.
    pub fn new() -> Self {
        Self::default()
    }

    /// A receiver that stays at one place.
    pub fn stationary(lat_udeg: i32, lon_udeg: i32) -> Self {
        Self::new().waypoint(0, lat_udeg, lon_udeg)
    }

    /// Adds a waypoint, keeping them in time order. Of waypoints at the same
    /// time the one added last holds from that time on (a jump).
    pub fn waypoint(mut self, at: i64, lat_udeg: i32, lon_udeg: i32) -> Self {
        let index = self.waypoints.partition_point(|w| w.at <= at);
        let point = Waypoint {
            at,
            lat_udeg,
            lon_udeg,
        };
        self.waypoints.insert(index, point);
        self
    }

    /// Adds an interval `[from, to)` of unix seconds without a fix (a hangar,
    /// an aircraft's hold). Intervals may overlap.
    pub fn fix_loss(mut self, from: i64, to: i64) -> Self {
        self.fix_losses.push((from, to));
        self
    }

    /// The waypoints in time order.
    pub fn waypoints(&self) -> &[Waypoint] {
        &self.waypoints
    }

    /// The position `(lat_udeg, lon_udeg)` at `unix`, fix or not; `None`
    /// without waypoints.
    pub fn position_at(&self, unix: i64) -> Option<(i32, i32)> {
        let after = self.waypoints.partition_point(|w| w.at <= unix);
        let before = after.checked_sub(1).map(|i| self.waypoints[i]);
        let (a, b) = match (before, self.waypoints.get(after)) {
            (Some(a), Some(&b)) => (a, b),
            (Some(w), None) | (None, Some(&w)) => return Some((w.lat_udeg, w.lon_udeg)),
            (None, None) => return None,
        };
        // `a.at <= unix < b.at`, so the span is positive.
        let span = i128::from(b.at) - i128::from(a.at);
        let lerp = |from: i32, delta: i64| {
            i64::from(from)
                + (i128::from(delta) * (i128::from(unix) - i128::from(a.at)) / span) as i64
        };
        let lat = lerp(a.lat_udeg, i64::from(b.lat_udeg) - i64::from(a.lat_udeg));
        let lon = wrap(lerp(
            a.lon_udeg,
            wrap(i64::from(b.lon_udeg) - i64::from(a.lon_udeg)),
        ));
        // Between two i32 latitudes, and within ±180° in longitude.
        Some((lat as i32, lon as i32))
    }

    /// Whether the receiver has a fix at `unix`.
    pub fn has_fix_at(&self, unix: i64) -> bool {
        !self.waypoints.is_empty() && self.loss_end(unix).is_none()
    }

    /// The end of the latest-ending loss interval containing `unix`.
    fn loss_end(&self, unix: i64) -> Option<i64> {
        let covering = self
            .fix_losses
            .iter()
            .filter(|(f, t)| *f <= unix && unix < *t);
        covering.map(|&(_, to)| to).max()
    }

    /// The first second at or after `from` with a fix.
    fn first_fix_from(&self, from: i64) -> Option<i64> {
        if self.waypoints.is_empty() {
            return None;
        }
        let mut t = from;
        // Each step jumps past one more interval, so this ends.
        while let Some(end) = self.loss_end(t) {
            t = end;
        }
        Some(t)
    }
}

/// The error of [`SimGnss`]'s reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SimGnssError {
    /// No byte is pending: a real read would block. Check
    /// [`ReadReady::read_ready`] first, or advance the clock.
    NoData,
}

impl embedded_io::Error for SimGnssError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::TimedOut
    }
}

impl fmt::Display for SimGnssError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoData => f.write_str("no NMEA data pending on the GNSS UART"),
        }
    }
}

impl std::error::Error for SimGnssError {}

/// A GNSS receiver's UART: reading it gives NMEA 0183 sentences.
///
/// At the start of each unix second `s` of the simulation (unix time is
/// `start_unix + clock.now_ns() / 1e9`, rounded down) the receiver sends
/// `$GPRMC` then `$GPGGA` for `s`: time `hhmmss.00`, position `ddmm.mmmm` /
/// `dddmm.mmmm` with `N`/`S`/`E`/`W`, date `ddmmyy`, fix quality 1 with 8
/// satellites; speed, course and altitude fields are empty. Sentences are
/// made lazily, when the UART is read or polled, for every second since the
/// last ones (at most as many as the FIFO can hold).
///
/// Without a fix (see [`Route::fix_loss`]) RMC has status `V`, mode `N` and
/// empty position fields, and GGA fix quality 0. Time and date are sent then
/// only once the receiver has had a fix since it was powered on (it took its
/// time from the satellites); before that, the time and date fields are empty
/// too. The receiver keeps no time across [`power_off`](Self::power_off).
///
/// The UART keeps at most [`FIFO_BYTES`](Self::FIFO_BYTES) unread bytes,
/// dropping the oldest whole sentences (a partly read one included) as newer
/// ones arrive, like a UART driver's ring buffer: a tag that sleeps for an
/// hour reads only the latest seconds.
///
/// [`Read::read`] never blocks: with nothing pending it returns
/// [`SimGnssError::NoData`] (kind [`ErrorKind::TimedOut`]).
/// Clones are handles to the same receiver.
#[derive(Clone, Debug)]
pub struct SimGnss {
    clock: SimClock,
    start_unix: i64,
    receiver: Arc<Mutex<Receiver>>,
}

#[derive(Debug)]
struct Receiver {
    route: Route,
    powered: bool,
    /// The first second with a fix since power-on.
    first_fix: Option<i64>,
    /// The first second whose sentences are not yet made.
    next_second: i64,
    fifo: VecDeque<Vec<u8>>,
    /// Bytes of the front sentence already read.
    head: usize,
    pending: usize,
    dropped: u64,
}

impl Receiver {
    fn pump(&mut self, now: i64) {
        if !self.powered || now < self.next_second {
            return;
        }
        // Newest first, until older ones could only be dropped.
        let mut made = Vec::new();
        let mut bytes = 0;
        let mut s = now;
        while s >= self.next_second && bytes < SimGnss::FIFO_BYTES {
            let pair = self.sentences(s);
            bytes += pair.iter().map(Vec::len).sum::<usize>();
            made.push(pair);
            s -= 1;
        }
        self.next_second = now + 1;
        for sentence in made.into_iter().rev().flatten() {
            self.pending += sentence.len();
            self.fifo.push_back(sentence);
        }
        while self.pending > SimGnss::FIFO_BYTES {
            let Some(oldest) = self.fifo.pop_front() else {
                break;
            };
            let unread = oldest.len() - self.head;
            self.pending -= unread;
            self.dropped += unread as u64;
            self.head = 0;
        }
    }

    fn sentences(&self, s: i64) -> [Vec<u8>; 2] {
        let time = self
            .first_fix
            .filter(|&f| f <= s)
            .and_then(|_| DateTime::from_timestamp(s, 0));
        let (hms, date) = match time {
            Some(t) => (
                t.format("%H%M%S.00").to_string(),
                t.format("%d%m%y").to_string(),
            ),
            None => (String::new(), String::new()),
        };
        let fix = self
            .route
            .position_at(s)
            .filter(|_| self.route.has_fix_at(s));
        let (rmc, gga) = match fix {
            Some((lat, lon)) => {
                let pos = format!("{},{}", angle(lat, 2, 'N', 'S'), angle(lon, 3, 'E', 'W'));
                (
                    format!("GPRMC,{hms},A,{pos},,,{date},,,A"),
                    format!("GPGGA,{hms},{pos},1,08,1.0,,,,,,"),
                )
            }
            None => (
                format!("GPRMC,{hms},V,,,,,,,{date},,,N"),
                format!("GPGGA,{hms},,,,,0,00,99.99,,,,,,"),
            ),
        };
        [frame(&rmc), frame(&gga)]
    }
}

/// `ddmm.mmmm,H` (or `dddmm.mmmm,H` with `deg_digits` 3) for microdegrees.
fn angle(udeg: i32, deg_digits: usize, positive: char, negative: char) -> String {
    let hemisphere = if udeg < 0 { negative } else { positive };
    let abs = udeg.unsigned_abs();
    // 1 µdeg = 0.00006 min: round to the 0.0001 min the format carries.
    let mut deg = abs / 1_000_000;
    let mut min_e4 = ((abs % 1_000_000) * 6 + 5) / 10;
    if min_e4 == 600_000 {
        deg += 1;
        min_e4 = 0;
    }
    let (min, frac) = (min_e4 / 10_000, min_e4 % 10_000);
    format!("{deg:0deg_digits$}{min:02}.{frac:04},{hemisphere}")
}

/// The unix second at the clock's current time, when its zero is `start_unix`.
fn unix_at(start_unix: i64, clock: &SimClock) -> i64 {
    // At most 1.8e10 seconds: the cast is exact.
    start_unix.saturating_add((clock.now_ns() / 1_000_000_000) as i64)
}

/// `$body*hh\r\n` with the XOR checksum of `body`.
fn frame(body: &str) -> Vec<u8> {
    let checksum = body.bytes().fold(0, |acc, b| acc ^ b);
    let mut sentence = String::with_capacity(body.len() + 6);
    // Writing to a String cannot fail.
    let _ = write!(sentence, "${body}*{checksum:02X}\r\n");
    sentence.into_bytes()
}

impl SimGnss {
    /// The most unread bytes the UART keeps.
    pub const FIFO_BYTES: usize = 512;

    /// A powered receiver following `route`, where the clock's zero is unix
    /// time `start_unix`.
    pub fn new(clock: SimClock, start_unix: i64, route: Route) -> Self {
        let now = unix_at(start_unix, &clock);
        let receiver = Receiver {
            first_fix: route.first_fix_from(now),
            route,
            powered: true,
            next_second: now,
            fifo: VecDeque::new(),
            head: 0,
            pending: 0,
            dropped: 0,
        };
        Self {
            clock,
            start_unix,
            receiver: Arc::new(Mutex::new(receiver)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Receiver> {
        // A panic while holding the lock leaves nothing worth refusing.
        self.receiver.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A handle to the clock the receiver follows.
    pub fn clock(&self) -> SimClock {
        self.clock.clone()
    }

    /// The simulated unix time in whole seconds.
    pub fn now_unix(&self) -> i64 {
        unix_at(self.start_unix, &self.clock)
    }

    /// Switches the receiver off: it sends nothing and forgets its time.
    /// Bytes already in the UART stay readable.
    pub fn power_off(&self) {
        self.lock().powered = false;
    }

    /// Switches the receiver on (if off). It sends from the current second
    /// on, with time once it has a fix again.
    pub fn power_on(&self) {
        let now = self.now_unix();
        let mut receiver = self.lock();
        if !receiver.powered {
            receiver.powered = true;
            receiver.next_second = now;
            receiver.first_fix = receiver.route.first_fix_from(now);
        }
    }

    /// Whether the receiver is on.
    pub fn is_powered(&self) -> bool {
        self.lock().powered
    }

    /// Unread bytes in the UART, after making the current second's sentences.
    pub fn pending(&self) -> usize {
        let now = self.now_unix();
        let mut receiver = self.lock();
        receiver.pump(now);
        receiver.pending
    }

    /// Bytes the full UART dropped unread so far.
    pub fn dropped_bytes(&self) -> u64 {
        self.lock().dropped
    }
}

impl ErrorType for SimGnss {
    type Error = SimGnssError;
}

impl Read for SimGnss {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        if buf.is_empty() {
            return Ok(0);
        }
        let now = self.now_unix();
        let mut receiver = self.lock();
        receiver.pump(now);
        if receiver.pending == 0 {
            return Err(SimGnssError::NoData);
        }
        let mut copied = 0;
        while copied < buf.len() {
            let head = receiver.head;
            let Some(front) = receiver.fifo.front() else {
                break;
            };
            let n = (front.len() - head).min(buf.len() - copied);
            buf[copied..copied + n].copy_from_slice(&front[head..head + n]);
            let done = head + n == front.len();
            copied += n;
            receiver.pending -= n;
            receiver.head = if done { 0 } else { head + n };
            if done {
                receiver.fifo.pop_front();
            }
        }
        Ok(copied)
    }
}

impl ReadReady for SimGnss {
    fn read_ready(&mut self) -> Result<bool, Self::Error> {
        Ok(self.pending() > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime};
    use nmea::sentences::rmc::RmcStatusOfFix;
    use nmea::sentences::{FixType, GgaData, RmcData};
    use nmea::{ParseResult, parse_str};

    /// 2018-07-27T10:30:45Z.
    const T0: i64 = 1_532_687_445;
    const S: u64 = 1_000_000_000;
    /// Osan Air Base, roughly.
    const OSAN: (i32, i32) = (37_090_484, 127_029_933);

    /// Reads everything pending and parses each line.
    fn drain(gnss: &mut SimGnss) -> Vec<(RmcData, GgaData)> {
        let mut text = Vec::new();
        let mut buf = [0; 100];
        while gnss.read_ready().unwrap() {
            let n = gnss.read(&mut buf).unwrap();
            text.extend_from_slice(&buf[..n]);
        }
        let text = String::from_utf8(text).unwrap();
        assert!(text.ends_with("\r\n"));
        let mut lines = text
            .split_terminator("\r\n")
            .map(|l| parse_str(l).unwrap())
            .peekable();
        // The FIFO may have dropped a second's RMC but kept its GGA.
        if let Some(ParseResult::GGA(_)) = lines.peek() {
            lines.next();
        }
        let mut pairs = Vec::new();
        while let Some(first) = lines.next() {
            match (first, lines.next()) {
                (ParseResult::RMC(rmc), Some(ParseResult::GGA(gga))) => pairs.push((rmc, gga)),
                other => panic!("not an RMC, GGA pair: {other:?}"),
            }
        }
        pairs
    }

    fn close(a: Option<f64>, udeg: i32) -> bool {
        a.is_some_and(|a| (a - f64::from(udeg) / 1e6).abs() < 2e-6)
    }

    fn time(h: u32, m: u32, s: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, s)
    }

    #[test]
    fn exact_sentences() {
        let clock = SimClock::new();
        let mut gnss = SimGnss::new(clock, T0, Route::stationary(OSAN.0, OSAN.1));
        let mut buf = [0; 200];
        let n = gnss.read(&mut buf).unwrap();
        assert_eq!(
            core::str::from_utf8(&buf[..n]).unwrap(),
            "$GPRMC,103045.00,A,3705.4290,N,12701.7960,E,,,270718,,,A*55\r\n\
             $GPGGA,103045.00,3705.4290,N,12701.7960,E,1,08,1.0,,,,,,*55\r\n"
        );
        let mut gnss = SimGnss::new(SimClock::new(), T0, Route::new());
        let n = gnss.read(&mut buf).unwrap();
        assert_eq!(
            core::str::from_utf8(&buf[..n]).unwrap(),
            "$GPRMC,,V,,,,,,,,,,N*53\r\n$GPGGA,,,,,,0,00,99.99,,,,,,*48\r\n"
        );
    }

    #[test]
    fn one_rmc_and_gga_per_second() {
        let clock = SimClock::new();
        let mut gnss = SimGnss::new(clock.clone(), T0, Route::stationary(OSAN.0, OSAN.1));
        let pairs = drain(&mut gnss);
        assert_eq!(pairs.len(), 1);
        let (rmc, gga) = &pairs[0];
        assert_eq!(rmc.status_of_fix, RmcStatusOfFix::Autonomous);
        assert!(close(rmc.lat, OSAN.0) && close(rmc.lon, OSAN.1));
        assert!(close(gga.latitude, OSAN.0) && close(gga.longitude, OSAN.1));
        assert_eq!(rmc.fix_date, NaiveDate::from_ymd_opt(2018, 7, 27));
        assert_eq!(
            (rmc.fix_time, gga.fix_time),
            (time(10, 30, 45), time(10, 30, 45))
        );
        assert_eq!(
            (gga.fix_type, gga.fix_satellites),
            (Some(FixType::Gps), Some(8))
        );
        // Nothing more until the next second; reads do not block.
        clock.advance_ns(S - 1);
        assert!(!gnss.read_ready().unwrap());
        let err = gnss.read(&mut [0; 8]).unwrap_err();
        assert_eq!(embedded_io::Error::kind(&err), ErrorKind::TimedOut);
        assert_eq!(gnss.read(&mut []), Ok(0));
        clock.advance_ns(1);
        let pairs = drain(&mut gnss);
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].0.fix_time, time(10, 30, 46));
    }

    #[test]
    fn position_is_interpolated_and_clamped() {
        let route = Route::new()
            .waypoint(T0 + 100, 40_000_000, -177_000_000)
            .waypoint(T0, 39_000_000, 179_000_000);
        assert_eq!(route.waypoints()[0].at, T0, "kept in time order");
        assert_eq!(route.position_at(T0 - 50), Some((39_000_000, 179_000_000)));
        assert_eq!(route.position_at(T0 + 25), Some((39_250_000, 180_000_000)));
        assert_eq!(route.position_at(T0 + 50), Some((39_500_000, -179_000_000)));
        assert_eq!(
            route.position_at(T0 + 500),
            Some((40_000_000, -177_000_000))
        );
        assert_eq!(Route::new().position_at(T0), None);

        let clock = SimClock::new();
        clock.advance_ns(50 * S);
        let mut gnss = SimGnss::new(clock, T0, route);
        let (rmc, gga) = &drain(&mut gnss)[0];
        assert!(close(rmc.lat, 39_500_000) && close(rmc.lon, -179_000_000));
        assert!(close(gga.latitude, 39_500_000) && close(gga.longitude, -179_000_000));
    }

    #[test]
    fn loss_of_fix_keeps_time_once_fixed() {
        let route = Route::stationary(OSAN.0, OSAN.1).fix_loss(T0 + 10, T0 + 20);
        let clock = SimClock::new();
        let mut gnss = SimGnss::new(clock.clone(), T0, route);
        drain(&mut gnss);
        clock.advance_ns(10 * S);
        let (rmc, gga) = &drain(&mut gnss).pop().unwrap();
        assert_eq!(rmc.status_of_fix, RmcStatusOfFix::Invalid);
        assert_eq!((rmc.lat, rmc.lon, gga.latitude), (None, None, None));
        assert_eq!(gga.fix_type, Some(FixType::Invalid));
        assert_eq!(
            (rmc.fix_time, gga.fix_time),
            (time(10, 30, 55), time(10, 30, 55))
        );
        assert!(rmc.fix_date.is_some());
        clock.advance_ns(10 * S);
        let (rmc, _) = drain(&mut gnss).pop().unwrap();
        assert_eq!(rmc.status_of_fix, RmcStatusOfFix::Autonomous);
    }

    #[test]
    fn no_time_before_the_first_fix_since_power_on() {
        let route = Route::stationary(OSAN.0, OSAN.1)
            .fix_loss(T0 - 100, T0 + 5)
            .fix_loss(T0 + 3, T0 + 10)
            .fix_loss(T0 + 30, T0 + 40);
        let clock = SimClock::new();
        let mut gnss = SimGnss::new(clock.clone(), T0, route);
        clock.advance_ns(6 * S);
        let pairs = drain(&mut gnss);
        assert_eq!(pairs.len(), 7);
        assert!(
            pairs
                .iter()
                .all(|(r, g)| r.fix_time.is_none() && g.fix_time.is_none())
        );
        assert!(pairs.iter().all(|(r, _)| r.fix_date.is_none()));
        clock.advance_ns(24 * S);
        assert!(drain(&mut gnss).pop().unwrap().0.fix_time.is_some());
        // Off and on again inside a loss: no time until the next fix.
        gnss.power_off();
        clock.advance_ns(5 * S);
        assert!(!gnss.read_ready().unwrap(), "off: nothing sent");
        gnss.power_on();
        assert!(gnss.is_powered());
        let (rmc, _) = drain(&mut gnss).pop().unwrap();
        assert_eq!(
            (rmc.fix_time, rmc.status_of_fix),
            (None, RmcStatusOfFix::Invalid)
        );
    }

    #[test]
    fn fifo_keeps_only_the_latest_whole_sentences() {
        let clock = SimClock::new();
        let mut gnss = SimGnss::new(clock.clone(), T0, Route::stationary(OSAN.0, OSAN.1));
        let mut first = [0; 10];
        assert_eq!(gnss.read(&mut first).unwrap(), 10);
        clock.advance_ns(3_600 * S);
        assert!(gnss.pending() <= SimGnss::FIFO_BYTES);
        assert!(gnss.dropped_bytes() > 0);
        // The partly read sentence went too: the next byte starts a sentence.
        let pairs = drain(&mut gnss);
        assert!(pairs.len() >= 3);
        let times: Vec<_> = pairs.iter().map(|(r, _)| r.fix_time).collect();
        assert_eq!(times.last(), Some(&time(11, 30, 45)));
        assert!(times.windows(2).all(|w| w[0] < w[1]));
        // Bytes in the UART survive the receiver's power-off.
        clock.advance_ns(S);
        assert!(gnss.pending() > 0);
        gnss.power_off();
        clock.advance_ns(S);
        assert_eq!(drain(&mut gnss).len(), 1);
        assert_eq!(gnss.clock().now_ns(), 3_602 * S);
        assert_eq!(gnss.now_unix(), T0 + 3_602);
    }
}
