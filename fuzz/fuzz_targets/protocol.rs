//! Arbitrary frames into a running tag on simulated peripherals, then a reader's valid session.
//!
//! The tag starts commissioned, holding a few records and a signed hand-over, or blank, on a
//! 24LC256 EEPROM or on NOR flash. The input is a list of operations: raw bytes; a payload the
//! harness frames with a valid CRC (with or without the protocol version in front); a valid
//! request with fields from the input (appends and checkpoints that fit what the tag holds
//! among them); a frame delimiter; time passing (the GNSS receiver gets fixes); a reboot.
//!
//! Properties, all along:
//! - every frame the tag receives gets exactly one answer, and every answer decodes;
//! - the tag reads every request as the serde form of `Request` reads it: the same request, or
//!   the same fault;
//! - every answer is the bytes the serde form of `Response` writes.
//!
//! Then, after a delimiter and in a new session: the tag answers `Hello`, `Status`, `Identity`
//! and a read from sequence number 0 correctly: the records it held before are still there,
//! identical and in order, the identity is the same, the status counts the records and names
//! the chain head over them, there is no damage, and the log verifies but for the signatures of
//! checkpoints the fuzzer's valid requests added (a tag holds no keys, so it cannot refuse a
//! bad signature).

#![no_main]

use std::cell::RefCell;
use std::rc::Rc;

use libfuzzer_sys::fuzz_target;
use remtag::app::Settings;
use remtag::chain::Chain;
use remtag::model::{
    Checkpoint, KeyId, List, PartyRef, Seq, Signature, SignatureBytes, SignerRole, TimeQuality,
    Timestamp, TzOffset, UtcSeconds,
};
use remtag::protocol::{
    self, ButtonAction, Fault, FrameReceiver, Indication, MAX_FRAME_LEN, Request, Response, VERSION,
};
use remtag::verify::Finding;
use remtag_fuzz::{Input, appendable, history, media, numbered, story_keys};
use remtag_sim::device::{SimChip, SimTag, connect};
use remtag_sim::keys::demo_keypair;
use remtag_sim::logbuilder::{Signer, signed_checkpoint};
use remtag_sim::memory::{SimClock, SimEeprom};
use remtag_sim::peripherals::{Route, SimDs3231, SimGnss};
use remtag_sim::reader::{ClientError, HostEnd, ReadItem, ReaderClient};
use remtag_sim::scenario::runner;
use remtag_sim::story::{AIRCREW, KEY_AIRCREW, KEY_DPAA_LAB, MORTUARY_AFFAIRS};

/// 2018-07-26T22:00:00Z, at Kalma.
const T0: i64 = 1_532_642_400;

/// A chip the tag keeps its log on, copied for each run with the run's clock.
trait Fresh: SimChip + Clone {
    fn fresh(&self, clock: &SimClock) -> Self;
}

impl Fresh for SimEeprom {
    fn fresh(&self, clock: &SimClock) -> Self {
        self.clone_with_clock(clock.clone())
    }
}

impl Fresh for media::NorLarge {
    fn fresh(&self, _: &SimClock) -> Self {
        self.clone()
    }
}

/// A tag's memory to start from, and what a reader read from it.
struct Start<C> {
    chip: C,
    items: Vec<ReadItem>,
    identity: Option<Vec<u8>>,
}

struct Starts<C> {
    blank: Start<C>,
    commissioned: Start<C>,
}

thread_local! {
    static EEPROM: Starts<SimEeprom> = starts(SimEeprom::with_clock);
    static NOR: Starts<media::NorLarge> = starts(|_| media::nor_large());
}

fn starts<C: Fresh>(blank: impl Fn(SimClock) -> C) -> Starts<C> {
    let clock = SimClock::new();
    let chip = blank(clock.clone());
    let empty = Start {
        chip: chip.fresh(&clock),
        items: Vec::new(),
        identity: None,
    };
    let (device, mut reader) = boot(chip, &clock);
    reader.hello(MORTUARY_AFFAIRS).expect("hello");
    reader.commission(&history()[0]).expect("commissions");
    // The journey until the laboratory accepts the box from the aircrew, who hand it over: the
    // signers are the parties of the last custody transfer, as a verifier requires.
    let templates = appendable();
    for template in &templates[..10] {
        let status = reader.status().expect("status");
        reader
            .append(&numbered(template, Seq(status.count)))
            .expect("appends");
    }
    handover(&mut reader).expect("the hand-over is taken");
    let status = reader.status().expect("status");
    reader
        .append(&numbered(&templates[10], Seq(status.count)))
        .expect("appends");
    let items = reader.read_all(Seq(0)).expect("reads");
    let identity = reader.identity().expect("the identity");
    reader.goodbye().expect("goodbye");
    let chip = device.borrow().handles().chip.borrow_mut().fresh(&clock);
    Starts {
        blank: empty,
        commissioned: Start {
            chip,
            items,
            identity: Some(identity),
        },
    }
}

fn route() -> Route {
    Route::new()
        .waypoint(T0, 39_170_000, 127_490_000)
        .waypoint(T0 + 4 * 3600, 37_090_000, 127_030_000)
        .fix_loss(T0 + 3600, T0 + 2 * 3600)
}

/// A tag on `chip`, booted, and a reader connected to it.
fn boot<C: SimChip>(chip: C, clock: &SimClock) -> (Rc<RefCell<SimTag<C>>>, ReaderClient<HostEnd>) {
    let rtc = SimDs3231::new(clock.clone());
    let gnss = SimGnss::new(clock.clone(), T0, route());
    let device = Rc::new(RefCell::new(SimTag::new(
        chip,
        rtc,
        gnss,
        Settings::default(),
    )));
    let reader = connect(&device).expect("one reader");
    (device, reader)
}

/// A hand-over from the aircrew to the laboratory over what the tag holds now.
fn handover(
    reader: &mut ReaderClient<HostEnd>,
) -> Result<(Seq, remtag::model::Digest), ClientError> {
    let status = reader.status()?;
    let (out, inn) = (demo_keypair(KEY_AIRCREW), demo_keypair(KEY_DPAA_LAB));
    let checkpoint = signed_checkpoint(
        status.count,
        status.head,
        &[
            Signer {
                key: KEY_AIRCREW,
                role: SignerRole::Releasing,
                keypair: &out,
            },
            Signer {
                key: KEY_DPAA_LAB,
                role: SignerRole::Receiving,
                keypair: &inn,
            },
        ],
    );
    reader.checkpoint(&checkpoint)
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let options = input.byte();
    match options & 1 {
        0 => EEPROM.with(|s| run(s, options, &mut input)),
        _ => NOR.with(|s| run(s, options, &mut input)),
    }
});

/// The reader's end of the link, with what went each way.
struct Wire<C: SimChip> {
    device: Rc<RefCell<SimTag<C>>>,
    host: HostEnd,
    /// The tag's receiver, mirrored: how many frames the tag must answer.
    mirror: FrameReceiver,
    replies: FrameReceiver,
    frames: u64,
    answers: u64,
    last: Option<Response>,
}

impl<C: SimChip> Wire<C> {
    /// Sends `bytes` and takes every answer.
    fn send(&mut self, bytes: &[u8]) {
        use embedded_io::{Read, Write};
        for &byte in bytes {
            if let Some(payload) = self.mirror.push(byte) {
                self.frames += 1;
                if let Ok(payload) = payload {
                    same_request(payload);
                }
            }
        }
        self.host.write_all(bytes).expect("the link takes bytes");
        self.last = None;
        let mut buf = [0u8; 64];
        while let Ok(n) = self.host.read(&mut buf) {
            for &byte in &buf[..n] {
                if let Some(payload) = self.replies.push(byte) {
                    let payload = payload.expect("the tag's frames are well formed");
                    let response =
                        protocol::read_payload::<Response>(payload).unwrap_or_else(|f| {
                            panic!("the tag's answer decodes: {f:?}: {payload:02x?}")
                        });
                    same_response(&response, payload);
                    self.answers += 1;
                    self.last = Some(response);
                }
            }
        }
        assert_eq!(
            self.answers, self.frames,
            "every frame gets exactly one answer"
        );
    }

    /// Sends `request` framed as a reader frames it; the answer.
    fn ask(&mut self, request: &Request) -> Option<Response> {
        let mut frame = [0u8; MAX_FRAME_LEN];
        let n = protocol::encode(request, &mut frame).expect("a request frames");
        self.send(&frame[..n]);
        self.last.take()
    }

    /// `payload` with its CRC, framed.
    fn send_payload(&mut self, payload: &[u8]) {
        let mut p = payload.to_vec();
        p.extend(remtag::codec::checksum(payload).to_le_bytes());
        let mut out = vec![0u8; remtag::codec::frame::max_frame_len(p.len())];
        let n = remtag::codec::frame::encode(&p, &mut out).expect("frames");
        out.truncate(n);
        self.send(&out);
    }
}

/// The tag's reading of a request and the serde form's agree.
fn same_request(payload: &[u8]) {
    let mut request = Request::Goodbye;
    let by_tag = protocol::read_request_into(payload, &mut request).map(|()| request);
    let by_serde = protocol::read_payload::<Request>(payload);
    assert_eq!(
        by_tag, by_serde,
        "the tag reads {payload:02x?} as the serde form does"
    );
}

/// The tag wrote `response` as the serde form writes it.
fn same_response(response: &Response, payload: &[u8]) {
    let mut frame = [0u8; MAX_FRAME_LEN];
    let n = protocol::encode(response, &mut frame).expect("a response frames");
    let mut receiver = FrameReceiver::new();
    for &b in &frame[..n] {
        if let Some(serde) = receiver.push(b) {
            let serde = serde.expect("a payload");
            assert_eq!(
                serde, payload,
                "the tag writes {response:?} as the serde form does"
            );
            return;
        }
    }
    panic!("a frame for {response:?}");
}

fn run<C: Fresh>(starts: &Starts<C>, options: u8, input: &mut Input<'_>) {
    let start = match options & 2 {
        0 => &starts.commissioned,
        _ => &starts.blank,
    };
    let clock = SimClock::new();
    let (device, reader) = boot(start.chip.fresh(&clock), &clock);
    let mut wire = Wire {
        device,
        host: reader.into_stream(),
        mirror: FrameReceiver::new(),
        replies: FrameReceiver::new(),
        frames: 0,
        answers: 0,
        last: None,
    };
    let mut ops = 0;
    while !input.is_empty() && ops < 64 {
        ops += 1;
        garbage(&mut wire, &clock, input);
    }

    // A reader comes: it ends whatever frame is half sent, and opens a session.
    wire.send(&[0]);
    let Wire { device, host, .. } = wire;
    let mut reader = ReaderClient::new(host);
    let status = reader.hello(PartyRef(9)).expect("the tag answers hello");
    assert_eq!(status, reader.status().expect("the tag answers status"));
    assert_eq!(status.damage, 0, "{status:?}");
    let blank = status.indication == Indication::Blank;
    assert!(
        matches!(
            status.indication,
            Indication::Ok | Indication::Full | Indication::Blank
        ),
        "{status:?}"
    );
    if blank {
        assert!(
            start.identity.is_none(),
            "a commissioned tag stays commissioned"
        );
        assert_eq!(
            reader.identity(),
            Err(ClientError::Refused(Fault::NotCommissioned))
        );
        assert_eq!(
            reader.read_all(Seq(0)),
            Err(ClientError::Refused(Fault::NotCommissioned))
        );
        return;
    }
    let identity = reader.identity().expect("the identity");
    if let Some(before) = &start.identity {
        assert_eq!(&identity, before, "the identity is unchanged");
    }
    let items = reader.read_all(Seq(0)).expect("the log reads");
    assert!(
        items.len() >= start.items.len() && items[..start.items.len()] == start.items[..],
        "the records held before are unchanged:\nbefore: {:?}\nafter: {items:?}",
        start.items
    );
    let mut chain = Chain::default();
    for (i, item) in items.iter().enumerate() {
        match item {
            ReadItem::Record { stored, record, .. } => {
                assert_eq!(record.header.seq, Seq(i as u32), "{items:?}");
                chain.push(stored);
            }
            ReadItem::Damage(d) => panic!("damage {d:?} in {items:?}"),
        }
    }
    assert_eq!(status.count, items.len() as u32);
    assert_eq!(status.head, chain.head());
    match &items[0] {
        ReadItem::Record { stored, .. } => assert_eq!(stored, &identity),
        ReadItem::Damage(_) => unreachable!(),
    }
    // What the garbage added is chained and counted as the tag holds it: only the signatures
    // of checkpoints it added can be wrong, since a tag holds no keys to check them with.
    let report = runner::verify_items(&items, &story_keys(), None);
    let added = start.items.len() as u32;
    for finding in &report.findings {
        match finding {
            Finding::UnknownKey { checkpoint, .. }
            | Finding::ExpiredKey { checkpoint, .. }
            | Finding::BadSignature { checkpoint, .. }
            | Finding::IncompleteHandover { checkpoint } => assert!(
                checkpoint.0 >= added,
                "{finding:?} on a record held before: {report:?}"
            ),
            Finding::Unreadable { .. }
            | Finding::Damage(_)
            | Finding::NoCommission
            | Finding::SecondCommission { .. }
            | Finding::IdentityMismatch
            | Finding::Deleted { .. }
            | Finding::Inserted { .. }
            | Finding::ChainMismatch { .. }
            | Finding::Truncated { .. }
            | Finding::RolledBack { .. } => panic!("{finding:?} in {report:?}"),
            // What the verifier may come to say of a checkpoint's signatures.
            _ => {}
        }
    }
    drop(reader);
    drop(device);
}

/// One operation of the fuzzer's.
fn garbage<C: SimChip>(wire: &mut Wire<C>, clock: &SimClock, input: &mut Input<'_>) {
    match input.byte() % 8 {
        0 => {
            let n = usize::from(input.byte());
            let bytes = input.take(n);
            wire.send(bytes);
        }
        1 => {
            let n = usize::from(input.byte());
            let mut payload = vec![VERSION];
            payload.extend_from_slice(input.take(n));
            wire.send_payload(&payload);
        }
        2 => {
            let n = usize::from(input.byte());
            let payload = input.take(n).to_vec();
            wire.send_payload(&payload);
        }
        3 | 4 => {
            let request = request(wire, input);
            wire.ask(&request);
        }
        5 => wire.send(&[0]),
        6 => {
            // Minutes to days pass: fixes come and go, and the clock is set from them.
            let minutes = u64::from(input.u16());
            clock.advance_ns(minutes * 60_000_000_000);
            wire.device.borrow_mut().poll();
            wire.send(&[]);
        }
        _ => {
            // A reboot loses what was in flight on the link, both ways.
            wire.device.borrow_mut().power_cycle();
            wire.mirror.clear();
            wire.replies.clear();
            wire.frames = wire.answers;
        }
    }
}

/// A request that reads as one, with fields from the input; appends and checkpoints that the
/// tag takes among them.
fn request<C: SimChip>(wire: &mut Wire<C>, input: &mut Input<'_>) -> Request {
    let templates = appendable();
    match input.byte() % 12 {
        0 => Request::Hello {
            actor: PartyRef(u32::from(input.byte())),
        },
        1 => Request::Identity,
        2 => Request::Status,
        3 => Request::Read {
            from: Seq(u32::from(input.byte())),
        },
        4 => Request::ReadNext,
        5 => Request::Goodbye,
        6 => Request::SetClock {
            time: Timestamp {
                at: UtcSeconds(input.u32()),
                quality: match input.byte() % 4 {
                    0 => TimeQuality::Network,
                    1 => TimeQuality::Gnss,
                    2 => TimeQuality::Manual,
                    _ => TimeQuality::Estimated,
                },
            },
            tz: TzOffset::from_quarter_hours(input.byte() as i8).unwrap_or_default(),
        },
        7 => {
            let custody: Vec<_> = templates
                .iter()
                .filter_map(|r| match r.body {
                    remtag::model::Body::Custody(c) => Some(c),
                    _ => None,
                })
                .collect();
            Request::SetButton {
                action: ButtonAction {
                    actor: AIRCREW,
                    custody: custody[usize::from(input.byte()) % custody.len()],
                },
            }
        }
        8 => {
            // The next record, as a reader prepares it.
            let count = match wire.ask(&Request::Status) {
                Some(Response::Status(status)) => status.count,
                _ => u32::from(input.byte()),
            };
            let template = &templates[usize::from(input.byte()) % templates.len()];
            let stored = protocol::encode_record(&numbered(template, Seq(count)))
                .expect("a story record encodes");
            Request::Append { stored }
        }
        9 => {
            // A checkpoint over what the tag holds, signed well, badly or by strangers.
            let (count, head) = match wire.ask(&Request::Status) {
                Some(Response::Status(status)) => (status.count, status.head),
                _ => (u32::from(input.byte()), remtag::model::Digest::default()),
            };
            let how = input.byte();
            let mut checkpoint = match how % 3 {
                0 => {
                    let (out, inn) = (demo_keypair(KEY_AIRCREW), demo_keypair(KEY_DPAA_LAB));
                    signed_checkpoint(
                        count,
                        head,
                        &[
                            Signer {
                                key: KEY_AIRCREW,
                                role: SignerRole::Releasing,
                                keypair: &out,
                            },
                            Signer {
                                key: KEY_DPAA_LAB,
                                role: SignerRole::Receiving,
                                keypair: &inn,
                            },
                        ],
                    )
                }
                1 => {
                    let stranger = demo_keypair(KeyId(77));
                    signed_checkpoint(
                        count,
                        head,
                        &[Signer {
                            key: KeyId(77),
                            role: SignerRole::Auditor,
                            keypair: &stranger,
                        }],
                    )
                }
                _ => {
                    let mut signatures = List::new();
                    signatures
                        .push(Signature {
                            key: KeyId(u32::from(input.byte())),
                            role: SignerRole::Releasing,
                            signature: SignatureBytes::default(),
                        })
                        .ok();
                    Checkpoint {
                        count,
                        head,
                        signatures,
                    }
                }
            };
            if how & 0x80 != 0 {
                checkpoint.signatures = List::new();
            }
            Request::Checkpoint { checkpoint }
        }
        10 => Request::Commission {
            stored: protocol::encode_record(&history()[0]).expect("the commission encodes"),
        },
        _ => {
            let records = history();
            let template = &records[usize::from(input.byte()) % records.len()];
            let stored = protocol::encode_record(&numbered(template, Seq(u32::from(input.byte()))))
                .expect("a story record encodes");
            Request::Append { stored }
        }
    }
}
