//! The script: one box's first days, from a blank tag at Kalma to a full log in the
//! laboratory, told as button presses, NMEA sentences and reader frames.

use remtag::app::{Settings, Tag};
use remtag::chain::Chain;
use remtag::codec::RecordBuf;
use remtag::log::LayoutConfig;
use remtag::model::{
    BizStep, Body, Checkpoint, Claim, Commission, Condition, ContainerKind, Custody, Digest,
    Disposition, Epc, Header, KeyId, Label, List, Location, PartyRef, PlaceRef, Record, Seal,
    SealNumber, SealState, Seq, Signature, SignatureBytes, SignerRole, TimeQuality, Timestamp,
    TzOffset, UsDod96, UtcSeconds,
};
use remtag::protocol::{self, ButtonAction, Fault, Indication, MAX_FRAME_LEN, Request, Response};

use crate::board::{ScriptBoard, World, parts};
use crate::keys;

/// The mortuary-affairs team that commissions the tag at Kalma.
pub const MORTUARY_AFFAIRS: PartyRef = PartyRef(1);
/// The Korean People's Army, which hands the box over.
pub const KPA: PartyRef = PartyRef(2);
/// The aircrew of the flight to Osan.
pub const AIRCREW: PartyRef = PartyRef(3);
/// The United Nations Command's receiving officials at Osan.
pub const UNC_RECEIVING: PartyRef = PartyRef(4);
/// The DPAA laboratory.
pub const DPAA_LAB: PartyRef = PartyRef(6);
/// Kalma airport, Wonsan.
pub const KALMA: PlaceRef = PlaceRef(1);
/// Osan Air Base.
pub const OSAN: PlaceRef = PlaceRef(2);
/// The area North Korea declared the remains were recovered in.
pub const DECLARED_AREA: PlaceRef = PlaceRef(7);
/// The seal applied at Kalma.
pub const SEAL: SealNumber = SealNumber(180_701);
/// The box number.
pub const BOX: u32 = 1;

/// 2018-07-26T22:10:00Z, the reader's network time at Kalma, in seconds since 2000.
const KALMA_COMMISSION: UtcSeconds = UtcSeconds(585_958_200);
/// 2018-07-27T02:30:00Z: the receiving officials' manual time at Osan.
const OSAN_RECEIPT: UtcSeconds = UtcSeconds(585_973_800);
/// UTC+09:00.
const KOREA: Option<TzOffset> = TzOffset::from_quarter_hours(36);

/// 2018-08-02T00:00:00Z: the laboratory reader's network time.
const LAB_CLOCK: UtcSeconds = UtcSeconds(586_483_200);
/// UTC-10:00.
const HAWAII: Option<TzOffset> = TzOffset::from_quarter_hours(-40);

/// How many presses the laboratory's checks may take to fill the log.
const MAX_PRESSES: u32 = 1_000;

/// What the script saw at its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Outcome {
    /// Records in the log, the identity included.
    pub records: u32,
    /// The log's chain head.
    pub head: Digest,
    /// A hash chain over every response frame the tag sent, in order.
    pub transcript: Digest,
    /// Responses the tag sent.
    pub responses: u32,
    /// Blinks of the LED.
    pub blinks: u32,
    /// Milliseconds that passed in the script.
    pub ms: u64,
}

/// Where the script and the tag disagreed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Failure {
    /// The step, counted from 1: each press, sentence batch and request is one.
    pub step: u32,
    /// What went wrong.
    pub kind: FailureKind,
}

/// What went wrong in a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum FailureKind {
    /// A request did not fit a frame, or a queue was full.
    Encode,
    /// The tag did not answer a request.
    NoResponse,
    /// The tag's answer did not decode.
    BadResponse(Fault),
    /// The tag refused a request the script expected it to take.
    Refused(Fault),
    /// The tag answered something other than what the script expected.
    Unexpected,
    /// A press did not do what the script expected.
    Press(Option<Result<Seq, Fault>>),
    /// The log never filled.
    NeverFull,
}

/// How the tag is set up: the default layout, and no button action until a reader sets one.
const SETTINGS: Settings = Settings {
    layout: LayoutConfig {
        identity_slot_len: None,
        segment_len: None,
    },
    button: None,
};

/// Runs the script on a tag whose log memory is `memory` (erased first: a new chip), and
/// hands every record the reader reads back at the end to `record`, with its offset.
pub fn run(memory: &mut [u8], record: &mut dyn FnMut(u32, &[u8])) -> Result<Outcome, Failure> {
    memory.fill(0xFF);
    let world = World::new();
    let mut progress = Progress {
        step: 0,
        transcript: Chain::default(),
    };
    before_power_cut(&world, memory, &mut progress)?;
    // The power fails while the box waits for the ceremony; the tag that boots next finds
    // only what the memory kept.
    after_power_cut(&world, memory, &mut progress, record)
}

/// Kalma, the flight, and Osan, on the tag as first powered.
#[inline(never)]
fn before_power_cut(
    world: &World,
    memory: &mut [u8],
    progress: &mut Progress,
) -> Result<(), Failure> {
    let mut place = None;
    let mut s = Script {
        world,
        tag: Tag::boot_in(&mut place, parts(world, memory), SETTINGS),
        progress,
    };
    s.expect_indication(Indication::Blank)?;
    s.kalma()?;
    s.flight_to_osan()?;
    s.osan()
}

/// The laboratory and the final read-back, on the tag as booted again after the power cut.
#[inline(never)]
fn after_power_cut(
    world: &World,
    memory: &mut [u8],
    progress: &mut Progress,
    record: &mut dyn FnMut(u32, &[u8]),
) -> Result<Outcome, Failure> {
    let mut place = None;
    let mut s = Script {
        world,
        tag: Tag::boot_in(&mut place, parts(world, memory), SETTINGS),
        progress,
    };
    // The log survived whole; the button's action did not.
    s.expect_indication(Indication::Ok)?;
    s.press(Some(Err(Fault::NoButtonAction)))?;
    s.laboratory()?;
    s.read_back(record)?;
    let status = s.tag.status();
    Ok(Outcome {
        records: status.count,
        head: status.head,
        transcript: s.progress.transcript.head(),
        responses: s.progress.transcript.count(),
        blinks: world.blinks(),
        ms: world.ms(),
    })
}

/// What carries over a power cut on the script's side.
struct Progress {
    step: u32,
    transcript: Chain,
}

struct Script<'s, 'a> {
    world: &'a World,
    tag: &'s mut Tag<ScriptBoard<'a>>,
    progress: &'s mut Progress,
}

impl Script<'_, '_> {
    /// `record` as a reader sends it.
    fn stored(&self, record: &Record) -> Result<RecordBuf, Failure> {
        protocol::encode_record(record).or_else(|_| self.fail(FailureKind::Encode))
    }

    fn fail<T>(&self, kind: FailureKind) -> Result<T, Failure> {
        Err(Failure {
            step: self.progress.step,
            kind,
        })
    }

    /// Lets `s` seconds pass, polling the tag once a second as its main loop would.
    fn wait_s(&mut self, s: u32) {
        for _ in 0..s {
            self.world.advance_ms(1000);
            self.tag.poll();
        }
    }

    /// Lets `s` seconds pass at once (the tag asleep).
    fn sleep_s(&self, s: u32) {
        self.world.advance_s(s);
    }

    /// Presses the button and lets it go; checks what the press did.
    fn press(&mut self, expected: Option<Result<Seq, Fault>>) -> Result<(), Failure> {
        let got = self.press_once();
        if got != expected {
            return self.fail(FailureKind::Press(got));
        }
        Ok(())
    }

    #[inline(never)]
    fn press_once(&mut self) -> Option<Result<Seq, Fault>> {
        self.progress.step += 1;
        self.world.set_button(true);
        let got = self.tag.poll().press;
        self.world.advance_ms(300);
        self.world.set_button(false);
        self.tag.poll();
        got
    }

    /// Sends one NMEA sentence (`body` between `$` and `*`) and lets the tag read it.
    #[inline(never)]
    fn nmea(&mut self, body: &str) -> Result<(), Failure> {
        self.progress.step += 1;
        let sum = body.bytes().fold(0u8, |acc, b| acc ^ b);
        let hex = hex_pair(sum);
        let tail = [b'*', hex[0], hex[1], b'\r', b'\n'];
        let bytes = body.len() + 1 + tail.len();
        if self.world.send_gnss(b"$")
            + self.world.send_gnss(body.as_bytes())
            + self.world.send_gnss(&tail)
            != bytes
        {
            return self.fail(FailureKind::Encode);
        }
        if self.tag.poll().sentences != 1 {
            return self.fail(FailureKind::Unexpected);
        }
        Ok(())
    }

    /// Frames `request` and sends it to the tag, as one step.
    #[inline(never)]
    fn send(&mut self, request: &Request) -> Result<(), Failure> {
        self.progress.step += 1;
        let mut frame = [0u8; MAX_FRAME_LEN];
        let Ok(n) = protocol::encode(request, &mut frame) else {
            return self.fail(FailureKind::Encode);
        };
        if self.world.send_to_tag(frame.get(..n).unwrap_or_default()) != n {
            return self.fail(FailureKind::Encode);
        }
        Ok(())
    }

    /// Sends the request `build` makes: the request is made where it is sent, and is gone
    /// before the tag works.
    #[inline(never)]
    fn send_with(
        &mut self,
        build: impl FnOnce(&Self) -> Result<Request, Failure>,
    ) -> Result<(), Failure> {
        let request = build(self)?;
        self.send(&request)
    }

    /// Lets the tag answer what it was sent, then reads the answer and hands it to `expect`,
    /// which says what the script takes from it or what is wrong with it. The answer is read
    /// only once the tag is done: while the tag works, where its stack goes deepest, none of
    /// the script's frames or responses are on the stack.
    fn answered<T>(
        &mut self,
        expect: impl FnOnce(Response) -> Result<T, FailureKind>,
    ) -> Result<T, Failure> {
        if self.tag.poll().frames != 1 {
            return self.fail(FailureKind::NoResponse);
        }
        self.read_answer(expect)
    }

    /// The tag's answer, off the link, as `expect` takes it.
    #[inline(never)]
    fn read_answer<T>(
        &mut self,
        expect: impl FnOnce(Response) -> Result<T, FailureKind>,
    ) -> Result<T, Failure> {
        let response = self.take_answer()?;
        expect(response).or_else(|kind| self.fail(kind))
    }

    /// The tag's answer, off the link.
    #[inline(never)]
    fn take_answer(&mut self) -> Result<Response, Failure> {
        let mut answer = [0u8; MAX_FRAME_LEN];
        let mut n = 0;
        while let Some(byte) = self.world.take_from_tag() {
            if let Some(slot) = answer.get_mut(n) {
                *slot = byte;
                n += 1;
            }
            if byte == 0 {
                break;
            }
        }
        let answer = answer.get(..n).unwrap_or_default();
        self.progress.transcript.push(answer);
        protocol::decode::<Response>(answer)
            .or_else(|fault| self.fail(FailureKind::BadResponse(fault)))
    }

    /// Sends `request`, expecting [`Response::Done`].
    #[inline(never)]
    fn done(&mut self, request: &Request) -> Result<(), Failure> {
        self.send(request)?;
        self.answered(is_done)
    }

    /// Sends `request`, expecting the refusal `fault`.
    #[inline(never)]
    fn refused(&mut self, request: &Request, fault: Fault) -> Result<(), Failure> {
        self.send(request)?;
        self.answered(|r| refusal(r, fault))
    }

    #[inline(never)]
    fn hello(&mut self, actor: PartyRef) -> Result<(), Failure> {
        self.send_with(|_| Ok(Request::Hello { actor }))?;
        self.answered(|r| match accepted(r)? {
            Response::Welcome { version, .. } if version == protocol::VERSION => Ok(()),
            _ => Err(FailureKind::Unexpected),
        })
    }

    #[inline(never)]
    fn set_button(&mut self, actor: PartyRef, custody: Custody) -> Result<(), Failure> {
        self.send_with(|_| {
            Ok(Request::SetButton {
                action: ButtonAction { actor, custody },
            })
        })?;
        self.answered(is_done)
    }

    fn expect_indication(&mut self, indication: Indication) -> Result<(), Failure> {
        self.progress.step += 1;
        if self.tag.indication() != indication {
            return self.fail(FailureKind::Unexpected);
        }
        Ok(())
    }

    /// Kalma: the tag is commissioned and records the hand-over from the KPA before its clock
    /// is set and before any fix; then the GNSS receiver sets the clock and the box is loaded.
    #[inline(never)]
    fn kalma(&mut self) -> Result<(), Failure> {
        // A press on a blank tag records nothing.
        self.press(Some(Err(Fault::NoButtonAction)))?;
        self.wait_s(600);
        // A request before a session is refused; so is a damaged frame.
        self.refused(
            &Request::Status,
            Fault::OutOfOrder {
                needs: protocol::Needs::Hello,
            },
        )?;
        self.hello(MORTUARY_AFFAIRS)?;
        self.damaged_frame()?;
        self.commission()?;
        self.set_button(
            MORTUARY_AFFAIRS,
            custody(
                BizStep::Accepting,
                Disposition::InProgress,
                KPA,
                MORTUARY_AFFAIRS,
                SealState::Applied,
            ),
        )?;
        self.done(&Request::Goodbye)?;
        self.expect_indication(Indication::Ok)?;
        self.press(Some(Ok(Seq(1))))?;

        // 2018-07-26T23:00:00Z: the receiver has a fix at Kalma and sets the clock.
        self.wait_s(2400);
        self.nmea("GPRMC,230000.00,A,3910.2000,N,12729.4000,E,0.0,0.0,260718,,,A")?;
        self.nmea("GPGGA,230000.00,3910.2000,N,12729.4000,E,1,08,1.0,,,,,,")?;
        self.wait_s(5);
        self.hello(AIRCREW)?;
        self.set_button(
            AIRCREW,
            custody(
                BizStep::Loading,
                Disposition::InTransit,
                MORTUARY_AFFAIRS,
                AIRCREW,
                SealState::Intact,
            ),
        )?;
        self.done(&Request::Goodbye)?;
        self.press(Some(Ok(Seq(2))))
    }

    /// A damaged frame is refused.
    #[inline(never)]
    fn damaged_frame(&mut self) -> Result<(), Failure> {
        self.send_damaged()?;
        self.answered(|r| match r {
            Response::Error(Fault::BadCrc | Fault::BadFrame) => Ok(()),
            _ => Err(FailureKind::Unexpected),
        })
    }

    /// Sends a status request with one bit flipped, as one step.
    #[inline(never)]
    fn send_damaged(&mut self) -> Result<(), Failure> {
        let mut frame = [0u8; MAX_FRAME_LEN];
        let n = protocol::encode(&Request::Status, &mut frame).unwrap_or(0);
        if let Some(byte) = frame.get_mut(2) {
            *byte ^= 0x10;
        }
        self.progress.step += 1;
        if self.world.send_to_tag(frame.get(..n).unwrap_or_default()) != n {
            return self.fail(FailureKind::Encode);
        }
        Ok(())
    }

    /// The tag is commissioned, once: a second commission is refused.
    #[inline(never)]
    fn commission(&mut self) -> Result<(), Failure> {
        self.send_with(Self::commission_request)?;
        self.answered(|r| appended_as(r, Seq(0)))?;
        self.send_with(Self::commission_request)?;
        self.answered(|r| refusal(r, Fault::AlreadyCommissioned))
    }

    /// The commission request of box 1, as the mortuary-affairs team's reader sends it.
    fn commission_request(&self) -> Result<Request, Failure> {
        let commission = commission_record().or_else(|()| self.fail(FailureKind::Encode))?;
        Ok(Request::Commission {
            stored: self.stored(&commission)?,
        })
    }

    /// In the aircraft the fix is lost: the arrival at Osan has a time but no place.
    #[inline(never)]
    fn flight_to_osan(&mut self) -> Result<(), Failure> {
        self.wait_s(60);
        self.nmea("GPRMC,230106.00,V,,,,,,,260718,,,N")?;
        self.nmea("GPGGA,230106.00,,,,,0,00,99.99,,,,,,")?;
        self.hello(AIRCREW)?;
        self.set_button(
            AIRCREW,
            custody(
                BizStep::Arriving,
                Disposition::InTransit,
                AIRCREW,
                AIRCREW,
                SealState::Intact,
            ),
        )?;
        self.done(&Request::Goodbye)?;
        self.sleep_s(3 * 3600);
        self.press(Some(Ok(Seq(3))))
    }

    /// Osan: the receiving officials append their own record, and both sides sign the
    /// hand-over.
    #[inline(never)]
    fn osan(&mut self) -> Result<(), Failure> {
        self.wait_s(30);
        self.hello(UNC_RECEIVING)?;
        // A record with the wrong sequence number is refused and changes nothing.
        self.send_with(|s| {
            Ok(Request::Append {
                stored: s.stored(&osan_receipt(Seq(3)))?,
            })
        })?;
        self.answered(|r| {
            refusal(
                r,
                Fault::WrongSeq {
                    expected: Seq(4),
                    got: Seq(3),
                },
            )
        })?;
        self.send_with(|s| {
            Ok(Request::Append {
                stored: s.stored(&osan_receipt(Seq(4)))?,
            })
        })?;
        let head = self.answered(|r| appended_as(r, Seq(4)))?;
        self.send_with(|_| {
            Ok(Request::Checkpoint {
                checkpoint: signed(
                    5,
                    head,
                    [
                        (keys::AIRCREW, SignerRole::Releasing),
                        (keys::UNC_RECEIVING, SignerRole::Receiving),
                    ],
                ),
            })
        })?;
        self.answered(|r| appended_as(r, Seq(5)))?;
        self.done(&Request::Goodbye)
    }

    /// The laboratory checks the box every hour until the log is full; the tag then refuses
    /// more and says so.
    #[inline(never)]
    fn laboratory(&mut self) -> Result<(), Failure> {
        self.sleep_s(5 * 86_400);
        self.hello(DPAA_LAB)?;
        // The laboratory's reader sets the clock from the network and the local offset.
        self.send_with(|_| {
            Ok(Request::SetClock {
                time: Timestamp {
                    at: LAB_CLOCK,
                    quality: TimeQuality::Network,
                },
                tz: HAWAII.unwrap_or_default(),
            })
        })?;
        self.answered(is_done)?;
        self.set_button(
            DPAA_LAB,
            custody(
                BizStep::Holding,
                Disposition::InProgress,
                DPAA_LAB,
                DPAA_LAB,
                SealState::Intact,
            ),
        )?;
        self.done(&Request::Goodbye)?;
        let mut next = Seq(6);
        for _ in 0..MAX_PRESSES {
            self.sleep_s(3600);
            match self.press_once() {
                Some(Ok(seq)) if seq == next => next = Seq(seq.0 + 1),
                Some(Err(Fault::LogFull)) => return self.expect_indication(Indication::Full),
                other => return self.fail(FailureKind::Press(other)),
            }
        }
        self.fail(FailureKind::NeverFull)
    }

    /// A reader reads the whole log back, record by record.
    #[inline(never)]
    fn read_back(&mut self, record: &mut dyn FnMut(u32, &[u8])) -> Result<(), Failure> {
        self.hello(DPAA_LAB)?;
        let mut request = &Request::Read { from: Seq(0) };
        loop {
            self.send(request)?;
            let more = self.answered(|r| match accepted(r)? {
                Response::Record { offset, stored, .. } => {
                    record(offset, &stored);
                    Ok(true)
                }
                Response::End => Ok(false),
                _ => Err(FailureKind::Unexpected),
            })?;
            if !more {
                break;
            }
            request = &Request::ReadNext;
        }
        self.done(&Request::Goodbye)
    }
}

/// The answer, unless it is a refusal.
fn accepted(response: Response) -> Result<Response, FailureKind> {
    match response {
        Response::Error(fault) => Err(FailureKind::Refused(fault)),
        other => Ok(other),
    }
}

/// [`Response::Done`], and nothing else.
fn is_done(response: Response) -> Result<(), FailureKind> {
    match accepted(response)? {
        Response::Done => Ok(()),
        _ => Err(FailureKind::Unexpected),
    }
}

/// The refusal `fault`, and nothing else.
fn refusal(response: Response, fault: Fault) -> Result<(), FailureKind> {
    match response {
        Response::Error(f) if f == fault => Ok(()),
        _ => Err(FailureKind::Unexpected),
    }
}

/// [`Response::Appended`] with `seq`: the new chain head.
fn appended_as(response: Response, seq: Seq) -> Result<Digest, FailureKind> {
    match accepted(response)? {
        Response::Appended { seq: s, head } if s == seq => Ok(head),
        _ => Err(FailureKind::Unexpected),
    }
}

/// The receiving officials' record at Osan, as sequence number `seq`.
fn osan_receipt(seq: Seq) -> Record {
    Record {
        header: Header {
            seq,
            time: Some(Timestamp {
                at: OSAN_RECEIPT,
                quality: TimeQuality::Manual,
            }),
            tz: KOREA.unwrap_or_default(),
            actor: UNC_RECEIVING,
            location: Location::Place(OSAN),
        },
        body: Body::Custody(custody(
            BizStep::Accepting,
            Disposition::InProgress,
            AIRCREW,
            UNC_RECEIVING,
            SealState::Intact,
        )),
    }
}

/// A custody step with the box's seal.
fn custody(
    step: BizStep,
    disposition: Disposition,
    from: PartyRef,
    to: PartyRef,
    seal: SealState,
) -> Custody {
    Custody {
        step,
        disposition,
        from,
        to,
        seal: Some(Seal {
            number: SEAL,
            state: seal,
        }),
        condition: Condition::Good,
    }
}

/// The commission record of box 1, prepared by the mortuary-affairs team's reader.
fn commission_record() -> Result<Record, ()> {
    let epc = UsDod96::new(0, "7DPA1", u64::from(BOX)).map_err(|_| ())?;
    let mut labels = List::new();
    labels.push(Label::BoxNumber(BOX)).map_err(|_| ())?;
    let mut claims = List::new();
    claims
        .push(Claim {
            by: KPA,
            statement: remtag::model::Statement::RecoveryArea(DECLARED_AREA),
        })
        .map_err(|_| ())?;
    Ok(Record {
        header: Header {
            seq: Seq(0),
            time: Some(Timestamp {
                at: KALMA_COMMISSION,
                quality: TimeQuality::Network,
            }),
            tz: KOREA.ok_or(())?,
            actor: MORTUARY_AFFAIRS,
            location: Location::Place(KALMA),
        },
        body: Body::Commission(Commission {
            epc: Epc::UsDod96(epc),
            chip_uid: List::from_slice(&[0x04, 0xa2, 0x18, 0x07, 0x27, 0x00, BOX as u8])
                .ok_or(())?,
            container: ContainerKind::Box,
            labels,
            issuer: MORTUARY_AFFAIRS,
            claims,
        }),
    })
}

/// A checkpoint over `count` records ending in `head`, with the custodians' signatures
/// prepared for it.
fn signed(count: u32, head: Digest, signers: [(KeyId, SignerRole); 2]) -> Checkpoint {
    let mut signatures = List::new();
    for (key, role) in signers {
        let signature = keys::signature(count, key, role).unwrap_or([0; 64]);
        signatures
            .push(Signature {
                key,
                role,
                signature: SignatureBytes::from(signature),
            })
            .ok();
    }
    Checkpoint {
        count,
        head,
        signatures,
    }
}

/// Two hexadecimal digits, upper case, as NMEA checksums are written.
fn hex_pair(byte: u8) -> [u8; 2] {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    [
        DIGITS[usize::from(byte >> 4)],
        DIGITS[usize::from(byte & 0x0F)],
    ]
}
