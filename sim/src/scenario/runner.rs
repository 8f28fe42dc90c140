//! Playing one tag's plan on a simulated tag: the tag application from `core` on simulated
//! peripherals, driven through its button and a reader over the protocol, as custodians would.
//!
//! The runner keeps what the tag acknowledged. An append cut by a power failure gets no
//! answer; the reader then opens a new session, looks whether the record was stored after
//! all, and sends it again if not, as a custodian's reader does. At the end a reader reads the
//! whole log back and verifies it, and the runner checks that every acknowledged record is
//! there as acknowledged, that every flipped bit was reported, and that tampering was found.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use remtag::app::Settings;
use remtag::chain::Chain;
use remtag::model::*;
use remtag::protocol::{ButtonAction, Fault, Indication, Status};
use remtag::verify::{Finding, Report, TrustedKey, Verifier};

use super::faults::{self, Chip, Rot};
use super::plan::{Action, Planned, PlannedBody, TagPlan};
use super::{Memory, Scenario, Session, TamperHow};
use crate::device::{SimChip, SimTag, connect};
use crate::logbuilder::{Signer, signed_checkpoint};
use crate::memory::{CutWord, PowerCut, SimClock, SimEeprom, SimNorFlash};
use crate::peripherals::{Route, SimDs3231, SimGnss};
use crate::reader::{ClientError, HostEnd, ReadItem, ReaderClient};

/// How often a reader or a custodian tries an operation that a power cut interrupted.
const ATTEMPTS: u32 = 6;

/// Something that happened to a tag that its log may not say: a power cut, a flipped bit,
/// tampering.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Event {
    /// When, unix seconds.
    pub at: i64,
    /// `power_cut`, `bit_rot`, `tamper` or `retry`.
    pub kind: &'static str,
    /// What, for people.
    pub detail: String,
}

/// What the runner checked after reading the log back; the report reads it back from
/// `verify.json` and `run.json` (fields missing there read as zero or empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Checks {
    /// Records the tag acknowledged.
    pub acknowledged: u32,
    /// Of those, records read back as acknowledged.
    pub survived: u32,
    /// The first few acknowledged records not read back as acknowledged.
    pub lost: Vec<String>,
    /// Power cuts the tag went through.
    pub power_cuts: u32,
    /// Records in which a bit was flipped (and not rewritten by an adversary since).
    pub damage_injected: u32,
    /// Of those, records the reader reported as damaged.
    pub damage_reported: u32,
    /// How the log was tampered with.
    pub tampered: Vec<TamperHow>,
    /// Whether verification found tampering.
    pub tampering_detected: bool,
    /// Findings that no injected fault explains.
    pub unexplained: Vec<String>,
}

impl Checks {
    /// Whether every check holds: acknowledged records survived (unless an adversary rewrote
    /// the log), injected damage was reported, tampering was detected, and nothing else was
    /// found.
    pub fn pass(&self) -> bool {
        (!self.tampered.is_empty() || self.survived == self.acknowledged)
            && self.damage_reported == self.damage_injected
            && (self.tampered.is_empty() || self.tampering_detected)
            && self.unexplained.is_empty()
    }
}

/// One tag, played to the end.
pub struct TagRun {
    /// Its plan.
    pub plan: TagPlan,
    /// Its memory at the end.
    pub image: Vec<u8>,
    /// Its log as a reader read it at the end.
    pub items: Vec<ReadItem>,
    /// The verification of that log.
    pub report: Report,
    /// What happened besides the log.
    pub events: Vec<Event>,
    /// What the runner checked.
    pub checks: Checks,
    /// Why the plan could not be played to the end, if it could not.
    pub error: Option<String>,
}

/// The simulated time, unix seconds, of a tag whose clocks started at `start`.
pub fn unix_now(clock: &SimClock, start: i64) -> i64 {
    start + (clock.now_ns() / 1_000_000_000) as i64
}

/// Moves `clock` to `unix` (never back; `start` is the unix time of its zero) and gives the tag
/// in `device` three rounds of work a simulated second apart, to read its GNSS receiver.
pub fn go_to<C: SimChip>(device: &RefCell<SimTag<C>>, clock: &SimClock, start: i64, unix: i64) {
    let now = unix_now(clock, start);
    if unix > now {
        clock.advance_ns((unix - now) as u64 * 1_000_000_000);
    }
    for _ in 0..3 {
        clock.advance_ns(1_000_000_000);
        device.borrow_mut().poll();
    }
}

/// Verifies a log as a reader read it, trusting `keys` and expecting the identity `expected`.
pub fn verify_items(items: &[ReadItem], keys: &[TrustedKey], expected: Option<Epc>) -> Report {
    let mut verifier = Verifier::new(keys, expected, None);
    for item in items {
        match item {
            ReadItem::Record { offset, stored, .. } => verifier.push(stored, *offset),
            ReadItem::Damage(d) => verifier.damage(*d),
        }
    }
    verifier.finish()
}

/// Reads a tag's whole log through `reader` and verifies it.
pub fn read_and_verify(
    reader: &mut ReaderClient<HostEnd>,
    keys: &[TrustedKey],
    expected: Option<Epc>,
) -> Result<(Report, Vec<ReadItem>), ClientError> {
    let items = reader.read_all(Seq(0))?;
    Ok((verify_items(&items, keys, expected), items))
}

/// Plays tag `plan` of `scenario`; `keys` are the custodians' public keys.
pub fn run(scenario: &Scenario, plan: TagPlan, keys: &[TrustedKey]) -> TagRun {
    run_tag(scenario, plan, keys, true)
}

/// Plays `plan`; without `faults`, power cuts, bit rot and tampering are left out (an honest
/// run, as an adversary reproduces another tag's log).
fn run_tag(scenario: &Scenario, plan: TagPlan, keys: &[TrustedKey], faults: bool) -> TagRun {
    let clock = SimClock::new();
    match plan.memory {
        Memory::Eeprom => {
            let chip = SimEeprom::with_clock(clock.clone());
            play(scenario, plan, keys, faults, chip, clock)
        }
        Memory::NorFlash(bytes) => {
            let chip = SimNorFlash::<4, 4096>::new(bytes);
            play(scenario, plan, keys, faults, chip, clock)
        }
    }
}

fn play<C: Chip>(
    scenario: &Scenario,
    plan: TagPlan,
    keys: &[TrustedKey],
    faults: bool,
    chip: C,
    clock: SimClock,
) -> TagRun {
    let route = match (&scenario.route, plan.gnss) {
        (Some(route), true) => route.clone(),
        _ => Route::new(),
    };
    let gnss = SimGnss::new(clock.clone(), scenario.start, route);
    if !plan.gnss {
        gnss.power_off();
    }
    let rtc = SimDs3231::new(clock.clone());
    let device = Rc::new(RefCell::new(SimTag::new(
        chip,
        rtc,
        gnss,
        Settings::default(),
    )));
    let Some(reader) = connect(&device) else {
        return TagRun {
            image: device.borrow().image(),
            plan,
            items: Vec::new(),
            report: Report::default(),
            events: Vec::new(),
            checks: Checks::default(),
            error: Some("the tag's link is taken".into()),
        };
    };
    let mut runner = Runner {
        rng: fastrand::Rng::with_seed(plan.choices),
        device,
        reader,
        clock,
        start: scenario.start,
        button: None,
        tz: None,
        cuts_seen: 0,
        acks: Vec::new(),
        ids: HashMap::new(),
        events: Vec::new(),
        rots: Vec::new(),
        tampered: Vec::new(),
    };
    let mut error = None;
    for planned in &plan.actions {
        go_to(&runner.device, &runner.clock, runner.start, planned.at);
        let outcome = match &planned.action {
            Action::PowerCut(_) | Action::BitRot(_) | Action::Tamper(_) if !faults => Ok(()),
            Action::Tamper(how) => runner.tamper(*how, scenario, &plan, keys),
            _ => runner.apply(planned, &plan.commission, scenario),
        };
        runner.note_cuts("");
        if let Err(e) = outcome {
            error = Some(format!("{}: tag {}: {e}", planned.pos, plan.name));
            break;
        }
    }
    runner.finish(plan, keys, error)
}

/// What the tag acknowledged, and what it must hold for it.
struct Ack {
    seq: Seq,
    /// The record as sent, or the actor and body of a record the tag stamped itself.
    expected: Expected,
    /// The chain head the tag answered with, when it answered with one.
    head: Option<Digest>,
}

enum Expected {
    Record(Record),
    Stamped(PartyRef, Body),
}

/// Why an attempt failed.
enum Fail {
    /// The link dropped: the power failed. Try again.
    Link,
    /// Anything else: give up.
    Other(String),
}

impl From<ClientError> for Fail {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Link(_) => Fail::Link,
            other => Fail::Other(other.to_string()),
        }
    }
}

struct Runner<C: Chip> {
    device: Rc<RefCell<SimTag<C>>>,
    reader: ReaderClient<HostEnd>,
    clock: SimClock,
    start: i64,
    rng: fastrand::Rng,
    /// What the button records, as far as the custodians know.
    button: Option<ButtonAction>,
    /// The offset the tag writes into its own records, as far as the custodians know.
    tz: Option<TzOffset>,
    cuts_seen: u32,
    acks: Vec<Ack>,
    ids: HashMap<String, Seq>,
    events: Vec<Event>,
    rots: Vec<Rot>,
    tampered: Vec<TamperHow>,
}

impl<C: Chip> Runner<C> {
    fn now(&self) -> i64 {
        unix_now(&self.clock, self.start)
    }

    fn event(&mut self, kind: &'static str, detail: String) {
        let at = self.now();
        self.events.push(Event { at, kind, detail });
    }

    /// Records power cuts since the last look; the tag forgot its button's step.
    fn note_cuts(&mut self, during: &str) {
        let cuts = self.device.borrow().power_cuts();
        if cuts > self.cuts_seen {
            self.cuts_seen = cuts;
            self.button = None;
            self.tz = None;
            let detail = if during.is_empty() {
                "the power failed; the tag started again".to_string()
            } else {
                format!("the power failed during {during}; the tag started again")
            };
            self.event("power_cut", detail);
        }
    }

    /// Runs `attempt` until it succeeds, starting over after each power cut.
    fn retry<T>(
        &mut self,
        what: &str,
        mut attempt: impl FnMut(&mut Self) -> Result<Option<T>, Fail>,
    ) -> Result<T, String> {
        for n in 1..=ATTEMPTS {
            let outcome = attempt(self);
            self.note_cuts(what);
            match outcome {
                Ok(Some(value)) => return Ok(value),
                Ok(None) | Err(Fail::Link) if n < ATTEMPTS => {
                    self.event("retry", format!("{what}: attempt {} of {ATTEMPTS}", n + 1));
                }
                Ok(None) | Err(Fail::Link) => {}
                Err(Fail::Other(e)) => return Err(format!("{what}: {e}")),
            }
        }
        Err(format!("{what}: no success in {ATTEMPTS} attempts"))
    }

    fn ack(&mut self, seq: Seq, expected: Expected, head: Option<Digest>, id: Option<&String>) {
        if let Some(id) = id {
            self.ids.insert(id.clone(), seq);
        }
        self.acks.push(Ack {
            seq,
            expected,
            head,
        });
    }

    fn timestamp(&self, quality: TimeQuality) -> Option<Timestamp> {
        UtcSeconds::from_unix(self.now()).map(|at| Timestamp { at, quality })
    }

    fn seq_of(&self, id: &str) -> Result<Seq, String> {
        self.ids
            .get(id)
            .copied()
            .ok_or(format!("no record with the id `{id}` was made on this tag"))
    }

    fn apply(
        &mut self,
        planned: &Planned,
        commission: &Body,
        scenario: &Scenario,
    ) -> Result<(), String> {
        let id = planned.id.as_ref();
        match &planned.action {
            Action::Commission(session) => self.commission(session, commission),
            Action::Press(by, custody) => self.press(*by, *custody, id),
            Action::Record(session, body) => {
                let body = self.body(body)?;
                self.append(session, body, id)
            }
            Action::Checkpoint(session, signers) => self.checkpoint(session, signers, scenario),
            Action::PowerCut(Some(steps)) => {
                let word = [CutWord::Old, CutWord::New, CutWord::Random][self.rng.usize(..3)];
                let cut = PowerCut::after(*steps, word, self.rng.u64(..));
                let device = self.device.borrow();
                device.handles().chip.borrow_mut().set_power_cut(cut);
                Ok(())
            }
            Action::PowerCut(None) => {
                self.device.borrow_mut().power_cycle();
                Ok(())
            }
            Action::BitRot(records) => {
                let rots = {
                    let device = self.device.borrow();
                    let mut chip = device.handles().chip.borrow_mut();
                    faults::rot(&mut *chip, *records, &self.rots, &mut self.rng)?
                };
                for rot in rots {
                    let detail = format!(
                        "bit {} of record {} (at byte {}) flipped",
                        rot.bit, rot.seq, rot.offset
                    );
                    self.event("bit_rot", detail);
                    self.rots.push(rot);
                }
                Ok(())
            }
            Action::Tamper(_) => Ok(()),
        }
    }

    fn body(&self, body: &PlannedBody) -> Result<Body, String> {
        Ok(match body {
            PlannedBody::Ready(body) => body.clone(),
            PlannedBody::Link { link, supersedes } => Body::Link(Link {
                supersedes: supersedes
                    .as_deref()
                    .map(|id| self.seq_of(id))
                    .transpose()?,
                ..*link
            }),
            PlannedBody::Correction {
                corrects,
                reason,
                replaced_by,
            } => {
                let mut list = List::new();
                for id in corrects {
                    // At most four, checked when the scenario was read.
                    list.push(self.seq_of(id)?).ok();
                }
                Body::Correction(Correction {
                    corrects: list,
                    reason: *reason,
                    replaced_by: replaced_by
                        .as_deref()
                        .map(|id| self.seq_of(id))
                        .transpose()?,
                })
            }
        })
    }

    /// Opens a reader session; a reader at a registered place sets the tag's clock and
    /// offset when the tag may not have that offset yet, and a commissioning reader always.
    fn hello(&mut self, session: &Session, commissioning: bool) -> Result<Status, Fail> {
        let status = self.reader.hello(session.by)?;
        if (commissioning
            || matches!(session.location, Location::Place(_)) && self.tz != Some(session.tz))
            && let Some(time) = self.timestamp(session.quality)
        {
            self.reader.set_clock(time, session.tz)?;
            self.tz = Some(session.tz);
        }
        Ok(status)
    }

    fn commission(&mut self, session: &Session, body: &Body) -> Result<(), String> {
        let record = Record {
            header: Header {
                seq: Seq(0),
                time: self.timestamp(session.quality),
                tz: session.tz,
                actor: session.by,
                location: session.location,
            },
            body: body.clone(),
        };
        self.retry("commissioning", |r| {
            let status = r.hello(session, true)?;
            if status.indication == Indication::Blank {
                let head = r.reader.commission(&record)?;
                r.ack(Seq(0), Expected::Record(record.clone()), Some(head), None);
                return Ok(Some(()));
            }
            // An earlier attempt may have stored the identity before the power failed.
            let stored = r.reader.identity()?;
            let mut state = remtag::codec::DeltaState::default();
            match remtag::codec::decode(&stored, &mut state) {
                Ok((found, _)) if found == record => {
                    r.ack(Seq(0), Expected::Record(record.clone()), None, None);
                    Ok(Some(()))
                }
                _ => Err(Fail::Other(format!(
                    "the tag holds another identity ({:?})",
                    status.indication
                ))),
            }
        })
    }

    fn press(&mut self, by: PartyRef, custody: Custody, id: Option<&String>) -> Result<(), String> {
        let action = ButtonAction { actor: by, custody };
        self.retry("a button press", |r| {
            if r.button != Some(action) {
                r.reader.hello(by)?;
                r.reader.set_button(action)?;
                r.button = Some(action);
            }
            let outcome = r.device.borrow_mut().press().press;
            match outcome {
                Some(Ok(seq)) => {
                    let expected = Expected::Stamped(by, Body::Custody(custody));
                    r.ack(seq, expected, None, id);
                    Ok(Some(()))
                }
                Some(Err(Fault::NoButtonAction)) => {
                    r.button = None;
                    Ok(None)
                }
                // The power failed: the custodian sees the LED and presses again.
                Some(Err(Fault::Storage)) | None => Ok(None),
                Some(Err(fault)) => Err(Fail::Other(format!("the tag refused: {fault}"))),
            }
        })
    }

    /// The record at `seq`, if the tag holds it.
    fn read_one(&mut self, seq: Seq) -> Result<Option<Record>, Fail> {
        let items = self.reader.read_all(seq)?;
        Ok(items.into_iter().find_map(|i| match i {
            ReadItem::Record { record, .. } if record.header.seq == seq => Some(*record),
            _ => None,
        }))
    }

    fn append(&mut self, session: &Session, body: Body, id: Option<&String>) -> Result<(), String> {
        let mut sent: Option<Record> = None;
        self.retry("a reader's record", |r| {
            let status = r.hello(session, false)?;
            if let Some(earlier) = sent.take()
                && status.count == earlier.header.seq.0 + 1
                && r.read_one(earlier.header.seq)?.as_ref() == Some(&earlier)
            {
                r.ack(
                    earlier.header.seq,
                    Expected::Record(earlier),
                    Some(status.head),
                    id,
                );
                return Ok(Some(()));
            }
            let record = Record {
                header: Header {
                    seq: Seq(status.count),
                    time: r.timestamp(session.quality),
                    tz: session.tz,
                    actor: session.by,
                    location: session.location,
                },
                body: body.clone(),
            };
            sent = Some(record.clone());
            let (seq, head) = r.reader.append(&record)?;
            r.ack(seq, Expected::Record(record), Some(head), id);
            Ok(Some(()))
        })
    }

    fn checkpoint(
        &mut self,
        session: &Session,
        signers: &[(KeyId, SignerRole)],
        scenario: &Scenario,
    ) -> Result<(), String> {
        let mut keys = Vec::new();
        for (key, role) in signers {
            let keypair = scenario
                .keypair(*key)
                .ok_or(format!("no reader holds key {key}"))?;
            keys.push(Signer {
                key: *key,
                role: *role,
                keypair,
            });
        }
        let signers = keys;
        let mut sent: Option<Checkpoint> = None;
        self.retry("a checkpoint", |r| {
            let status = r.hello(session, false)?;
            if let Some(earlier) = sent.take()
                && status.count == earlier.count + 1
            {
                let stored = r.read_one(Seq(earlier.count))?;
                if stored.is_some_and(|s| s.body == Body::Checkpoint(earlier.clone())) {
                    let expected = Expected::Stamped(session.by, Body::Checkpoint(earlier));
                    r.ack(Seq(status.count - 1), expected, Some(status.head), None);
                    return Ok(Some(()));
                }
            }
            let checkpoint = signed_checkpoint(status.count, status.head, &signers);
            sent = Some(checkpoint.clone());
            match r.reader.checkpoint(&checkpoint) {
                Ok((seq, head)) => {
                    let expected = Expected::Stamped(session.by, Body::Checkpoint(checkpoint));
                    r.ack(seq, expected, Some(head), None);
                    Ok(Some(()))
                }
                Err(ClientError::Refused(Fault::CheckpointMismatch { .. })) => Ok(None),
                Err(e) => Err(e.into()),
            }
        })
    }

    fn tamper(
        &mut self,
        how: TamperHow,
        scenario: &Scenario,
        plan: &TagPlan,
        keys: &[TrustedKey],
    ) -> Result<(), String> {
        let image = self.device.borrow().image();
        let donor = match how {
            TamperHow::Swap => {
                let donor = faults::donor_index(scenario, plan)
                    .map(|index| scenario.plan(index, plan.run_seed))
                    .transpose()?;
                match donor {
                    Some(donor) => {
                        let honest = run_tag(scenario, donor, keys, false);
                        faults::records_of(&honest.image)?
                    }
                    None => Vec::new(),
                }
            }
            _ => Vec::new(),
        };
        let fresh = {
            let device = self.device.borrow();
            let chip = device.handles().chip.borrow_mut();
            C::fresh(&chip)
        };
        match faults::tamper(&image, how, &donor, fresh, &mut self.rng)? {
            None => {
                self.event(
                    "tamper",
                    format!("{how:?}: nothing signed to tamper with yet; left alone"),
                );
            }
            Some((new_image, detail)) => {
                {
                    let device = self.device.borrow();
                    let mut chip = device.handles().chip.borrow_mut();
                    chip.bytes_mut().copy_from_slice(&new_image);
                }
                // The adversary had the chip out: the tag starts again on what it finds.
                self.device.borrow_mut().power_cycle();
                self.cuts_seen = self.device.borrow().power_cuts();
                self.button = None;
                self.tz = None;
                self.rots.clear();
                self.tampered.push(how);
                self.event("tamper", detail);
            }
        }
        Ok(())
    }

    fn finish(mut self, plan: TagPlan, keys: &[TrustedKey], error: Option<String>) -> TagRun {
        {
            let device = self.device.borrow();
            device
                .handles()
                .chip
                .borrow_mut()
                .set_power_cut(PowerCut::never());
        }
        let read = self
            .reader
            .hello(PartyRef(0))
            .and_then(|_| read_and_verify(&mut self.reader, keys, Some(plan.epc)));
        let (report, items, error) = match read {
            Ok((report, items)) => (report, items, error),
            Err(e) => (
                Report::default(),
                Vec::new(),
                error.or(Some(format!(
                    "tag {}: the final read failed: {e}",
                    plan.name
                ))),
            ),
        };
        let checks = self.checks(&items, &report);
        TagRun {
            image: self.device.borrow().image(),
            plan,
            items,
            report,
            events: self.events,
            checks,
            error,
        }
    }

    fn checks(&self, items: &[ReadItem], report: &Report) -> Checks {
        let mut records: HashMap<Seq, (&Record, Digest)> = HashMap::new();
        let mut chain = Chain::default();
        for item in items {
            if let ReadItem::Record { stored, record, .. } = item {
                chain.push(stored);
                records.insert(record.header.seq, (record, chain.head()));
            }
        }
        let mut checks = Checks {
            acknowledged: self.acks.len() as u32,
            power_cuts: self.device.borrow().power_cuts(),
            damage_injected: self.rots.len() as u32,
            tampered: self.tampered.clone(),
            ..Checks::default()
        };
        for ack in &self.acks {
            let found = records.get(&ack.seq);
            let same = found.is_some_and(|(record, head)| {
                let content = match &ack.expected {
                    Expected::Record(r) => *record == r,
                    Expected::Stamped(actor, body) => {
                        record.header.actor == *actor && record.body == *body
                    }
                };
                content && ack.head.is_none_or(|h| h == *head)
            });
            if same {
                checks.survived += 1;
            } else if checks.lost.len() < 8 {
                checks.lost.push(format!(
                    "record {}: {}",
                    ack.seq,
                    if found.is_some() {
                        "differs"
                    } else {
                        "missing"
                    }
                ));
            }
        }
        let damage: Vec<&remtag::log::Damage> = items
            .iter()
            .filter_map(|i| match i {
                ReadItem::Damage(d) => Some(d),
                ReadItem::Record { .. } => None,
            })
            .collect();
        checks.damage_reported = self
            .rots
            .iter()
            .filter(|rot| damage.iter().any(|d| d.offset == rot.offset))
            .count() as u32;
        let mut explained = 0;
        for finding in &report.findings {
            match finding {
                Finding::Damage(d) if self.rots.iter().any(|rot| rot.offset == d.offset) => {
                    explained += 1;
                }
                Finding::Damage(_) => checks.unexplained.push(finding.to_string()),
                _ if !self.tampered.is_empty() => checks.tampering_detected = true,
                _ => checks.unexplained.push(finding.to_string()),
            }
        }
        // A report details its first findings and counts the rest; without tampering, every
        // finding must be a reported flip.
        let unlisted = report.finding_count as usize - report.findings.len();
        if self.tampered.is_empty() && unlisted > 0 && explained + unlisted > self.rots.len() {
            checks
                .unexplained
                .push(format!("{unlisted} findings beyond those listed"));
        }
        checks
    }
}
