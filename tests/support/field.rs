//! A simulated tag in the field: the 2018 route from Kalma to the laboratory, a reader for
//! each custodian, and checks that the log verifies and the LED shows the tag's state.

use std::cell::RefCell;
use std::rc::Rc;

use remtag::app::Settings;
use remtag::app::led::Pattern;
use remtag::log::{Damage, DamageReason, Entry, LayoutConfig, Log};
use remtag::model::{
    BizStep, Body, Condition, Custody, Disposition, Epc, Header, KeyId, Location, PartyRef, Record,
    Seal, SealNumber, SealState, Seq, SignerRole, TimeQuality, Timestamp, UtcSeconds,
};
use remtag::protocol::{ButtonAction, Indication};
use remtag::verify::{Finding, Report, TrustedKey};
use remtag_sim::device::{SimChip, SimTag, connect};
use remtag_sim::keys::demo_keypair;
use remtag_sim::logbuilder::{Signer, signed_checkpoint};
use remtag_sim::memory::{SimClock, SimEeprom};
use remtag_sim::peripherals::{Route, SimDs3231, SimGnss};
use remtag_sim::reader::{HostEnd, ReadItem, ReaderClient};
use remtag_sim::scenario::runner;
use remtag_sim::story;

/// 2018-07-26T22:00:00Z: the simulation starts at Kalma.
pub const T0: i64 = 1_532_642_400;
/// Take-off from Kalma.
pub const KALMA_TAKEOFF: i64 = T0 + 2 * 3600;
/// Doors open at Osan.
pub const OSAN_DOORS: i64 = T0 + 4 * 3600 + 600;
/// Take-off from Osan, 2018-08-01T01:00Z.
pub const OSAN_TAKEOFF: i64 = 1_533_085_200;
/// Doors open at Hickam, 2018-08-01T19:00Z.
pub const HICKAM_DOORS: i64 = 1_533_150_000;
/// Inside the laboratory, where no satellite is seen.
pub const LAB_INDOORS: i64 = HICKAM_DOORS + 2 * 3600;

const KALMA: (i32, i32) = (39_170_000, 127_490_000);
const OSAN: (i32, i32) = (37_090_000, 127_030_000);
const HICKAM: (i32, i32) = (21_318_100, -157_922_500);

/// The box's route, with no fix inside the aircraft and in the laboratory.
pub fn route() -> Route {
    Route::new()
        .waypoint(T0, KALMA.0, KALMA.1)
        .waypoint(KALMA_TAKEOFF, KALMA.0, KALMA.1)
        .waypoint(KALMA_TAKEOFF + 7200, OSAN.0, OSAN.1)
        .waypoint(OSAN_TAKEOFF, OSAN.0, OSAN.1)
        .waypoint(OSAN_TAKEOFF + 9 * 3600, HICKAM.0, HICKAM.1)
        .fix_loss(KALMA_TAKEOFF - 600, OSAN_DOORS)
        .fix_loss(OSAN_TAKEOFF - 600, HICKAM_DOORS)
        .fix_loss(LAB_INDOORS, i64::MAX)
}

/// A simulated tag, blank, on `chip`, with a DS3231 that was never set.
pub struct Field<C: SimChip> {
    /// The tag.
    pub device: Rc<RefCell<SimTag<C>>>,
    /// Simulated time.
    pub clock: SimClock,
}

impl Field<SimEeprom> {
    /// A tag with a 24LC256 EEPROM.
    pub fn eeprom() -> Self {
        let clock = SimClock::new();
        Field::new(
            SimEeprom::with_clock(clock.clone()),
            clock,
            Settings::default(),
        )
    }
}

impl<C: SimChip> Field<C> {
    /// A tag on `chip`, its clocks following `clock`.
    pub fn new(chip: C, clock: SimClock, settings: Settings) -> Self {
        let rtc = SimDs3231::new(clock.clone());
        let gnss = SimGnss::new(clock.clone(), T0, route());
        Field {
            device: Rc::new(RefCell::new(SimTag::new(chip, rtc, gnss, settings))),
            clock,
        }
    }

    /// The simulated time, as UTC seconds.
    pub fn now(&self) -> i64 {
        runner::unix_now(&self.clock, T0)
    }

    /// Moves time to `unix` and gives the tag a few rounds of work to read its receiver.
    pub fn go_to(&self, unix: i64) {
        runner::go_to(&self.device, &self.clock, T0, unix);
    }

    /// A reader session for `actor`; the reader's link stays with the field.
    pub fn reader(&self) -> ReaderClient<HostEnd> {
        connect(&self.device).expect("one reader per tag")
    }

    /// Presses the button; returns what the tag said about it.
    pub fn press(&self) -> Option<Result<Seq, remtag::protocol::Fault>> {
        self.device.borrow_mut().press().press
    }

    /// What the LED shows now.
    pub fn indication(&self) -> Indication {
        let mut device = self.device.borrow_mut();
        device.tag().map_or(Indication::Error, |t| t.indication())
    }

    /// Asserts that the last blinks since `since_ns` are the pattern of `expected`, and that
    /// the tag's state is `expected`.
    pub fn assert_led(&self, since_ns: u64, expected: Indication) {
        assert_eq!(self.indication(), expected, "LED state");
        let pulses = self.device.borrow().handles().led.pulses_since(since_ns);
        let pattern = Pattern::of(expected);
        let n = usize::from(pattern.blinks);
        assert!(
            pulses.len() >= n,
            "{} pulses, expected {n}: {pulses:?}",
            pulses.len()
        );
        for p in &pulses[pulses.len() - n..] {
            assert_eq!(
                p.length_ns,
                u64::from(pattern.on_ms) * 1_000_000,
                "{pulses:?}"
            );
        }
        if n > 1 {
            let gap = pulses[pulses.len() - 1].start_ns
                - (pulses[pulses.len() - 2].start_ns + pulses[pulses.len() - 2].length_ns);
            assert_eq!(gap, u64::from(pattern.off_ms) * 1_000_000);
        }
    }

    /// The memory image, read the way a laboratory reads a tag's chip directly.
    pub fn image_entries(&self, config: LayoutConfig) -> Vec<(u32, Vec<u8>)>
    where
        C: Clone,
    {
        let chip = self.device.borrow().handles().chip.borrow_mut().clone();
        let medium = C::medium(remtag_sim::device::Shared::new(chip), self.clock.delay());
        let (mut log, _) = Log::mount(medium, config).expect("the image mounts");
        log.read_from(Seq(0))
            .filter_map(|e| match e.expect("the image reads") {
                Entry::Record { offset, stored, .. } => Some((offset, stored.to_vec())),
                Entry::Damage(_) => None,
            })
            .collect()
    }
}

/// The public keys of the 2018 custodians.
pub fn keys() -> Vec<TrustedKey> {
    story::keys_file().trusted().expect("demo keys")
}

/// Reads the whole log through `reader` and verifies it: the report says what was found; see
/// [`assert_verifies`] for a log that must be intact but for appends cut by power loss.
pub fn verify(reader: &mut ReaderClient<HostEnd>, epc: Epc) -> (Report, Vec<ReadItem>) {
    runner::read_and_verify(reader, &keys(), Some(epc)).expect("the log reads")
}

/// Asserts that every checkpoint verifies and that nothing was found but appends cut by power
/// loss, which are evidence of the cut and lose nothing acknowledged.
pub fn assert_verifies(report: &Report) {
    assert!(
        report.checkpoints.iter().all(|c| c.verified()),
        "{report:?}"
    );
    assert_eq!(
        report.finding_count as usize,
        report.findings.len(),
        "{report:?}"
    );
    for finding in &report.findings {
        assert!(
            matches!(
                finding,
                Finding::Damage(Damage {
                    reason: DamageReason::TornAppend,
                    ..
                })
            ),
            "{finding:?} in {report:?}"
        );
    }
}

/// A custody step as a button action.
pub fn action(
    actor: PartyRef,
    step: BizStep,
    disposition: Disposition,
    from: PartyRef,
    to: PartyRef,
    seal: Option<(u32, SealState)>,
) -> ButtonAction {
    ButtonAction {
        actor,
        custody: Custody {
            step,
            disposition,
            from,
            to,
            seal: seal.map(|(number, state)| Seal {
                number: SealNumber(number),
                state,
            }),
            condition: Condition::Good,
        },
    }
}

/// The commission record of 2018 box `number`, made by a reader at Kalma with network time.
pub fn commission(number: u32) -> Record {
    Record {
        header: Header {
            seq: Seq(0),
            time: Some(Timestamp {
                at: UtcSeconds::from_unix(T0 + 600).expect("2018"),
                quality: TimeQuality::Network,
            }),
            tz: story::korea_tz(),
            actor: story::MORTUARY_AFFAIRS,
            location: Location::Place(story::KALMA),
        },
        body: story::commission(number),
    }
}

/// A hand-over: `releasing` and `receiving` sign a checkpoint over what the tag holds, through
/// `reader`; returns the checkpoint's sequence number.
pub fn handover(reader: &mut ReaderClient<HostEnd>, releasing: KeyId, receiving: KeyId) -> Seq {
    let status = reader.status().expect("status");
    let (out, inn) = (demo_keypair(releasing), demo_keypair(receiving));
    let checkpoint = signed_checkpoint(
        status.count,
        status.head,
        &[
            Signer {
                key: releasing,
                role: SignerRole::Releasing,
                keypair: &out,
            },
            Signer {
                key: receiving,
                role: SignerRole::Receiving,
                keypair: &inn,
            },
        ],
    );
    reader
        .checkpoint(&checkpoint)
        .expect("the checkpoint is taken")
        .0
}

/// The record `seq` among `items`.
pub fn record(items: &[ReadItem], seq: Seq) -> Record {
    items
        .iter()
        .find_map(|i| match i {
            ReadItem::Record { record, .. } if record.header.seq == seq => Some((**record).clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("record {seq} not read"))
}

/// The custody body of `record`.
pub fn custody_of(record: &Record) -> Custody {
    match &record.body {
        Body::Custody(c) => *c,
        other => panic!("not a custody record: {other:?}"),
    }
}
