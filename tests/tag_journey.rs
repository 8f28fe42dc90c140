//! A whole box journey on a simulated tag: commission at Kalma, presses at each stage, reader
//! sessions with dual-signed hand-overs, power cuts in an append and in a reader session, loss
//! of GNSS fix, and a full log. After each step the log verifies and the LED shows the state.

use remtag::app::Settings;
use remtag::log::LayoutConfig;
use remtag::model::{
    BizStep, Body, Custody, Disposition, Location, Record, SealState, Seq, TimeQuality, Timestamp,
    UtcSeconds,
};
use remtag::protocol::{Fault, FixState, Indication};
use remtag_sim::device::SimChip;
use remtag_sim::memory::power::{CutWord, PowerCut};
use remtag_sim::memory::{SimClock, SimNorFlash};
use remtag_sim::reader::{ClientError, ReadItem};
use remtag_sim::story::{
    AIRCREW, DPAA_LAB, KEY_AIRCREW, KEY_DPAA_LAB, KEY_UNC_RECEIVING, KPA, MORTUARY_AFFAIRS, OSAN,
    UNC_RECEIVING, box_epc, korea_tz,
};
use remtag_tests::field::{
    Field, HICKAM_DOORS, KALMA_TAKEOFF, LAB_INDOORS, OSAN_DOORS, OSAN_TAKEOFF, T0, action,
    assert_verifies, commission, custody_of, handover, record, verify,
};

const BOX: u32 = 1;
const SEAL: u32 = 180_701;

#[test]
fn a_box_journey_on_a_tag_with_an_eeprom() {
    journey(Field::eeprom());
}

#[test]
fn a_box_journey_on_a_tag_with_nor_flash() {
    let clock = SimClock::new();
    journey(Field::new(
        SimNorFlash::<4, 4096>::new(32 * 1024),
        clock,
        Settings::default(),
    ));
}

fn journey<C: SimChip + Clone>(field: Field<C>) {
    let epc = box_epc(BOX);
    let mut reader = field.reader();

    // A new tag is blank, and says so. Its GNSS receiver is off until the aircraft is
    // loaded.
    let handles = field.device.borrow().handles().clone();
    handles.gnss.power_off();
    field.assert_led(0, Indication::Blank);
    assert_eq!(field.press(), Some(Err(Fault::NoButtonAction)));

    // Kalma: the mortuary affairs team commissions the tag and sets the button.
    field.go_to(T0 + 600);
    let status = reader.hello(MORTUARY_AFFAIRS).expect("hello");
    assert_eq!(status.indication, Indication::Blank);
    assert_eq!(status.time, None, "the clock was never set");
    reader.commission(&commission(BOX)).expect("commissioned");
    assert_eq!(
        reader.commission(&commission(BOX)),
        Err(ClientError::Refused(Fault::AlreadyCommissioned))
    );
    reader
        .set_button(action(
            MORTUARY_AFFAIRS,
            BizStep::Accepting,
            Disposition::InProgress,
            KPA,
            MORTUARY_AFFAIRS,
            Some((SEAL, SealState::Applied)),
        ))
        .expect("button set");
    reader.goodbye().expect("goodbye");
    assert_eq!(field.indication(), Indication::Ok);

    // The hand-over from the KPA, recorded with the button before the clock is set and before
    // any fix: the record says neither, and invents neither.
    let t = field.clock.now_ns();
    assert_eq!(field.press(), Some(Ok(Seq(1))));
    field.assert_led(t, Indication::Ok);
    reader.hello(MORTUARY_AFFAIRS).expect("hello");
    let (report, items) = verify(&mut reader, epc);
    assert_verifies(&report);
    let accepted = record(&items, Seq(1));
    assert_eq!(accepted.header.time, None);
    assert_eq!(accepted.header.location, Location::Unknown);
    assert_eq!(custody_of(&accepted).step, BizStep::Accepting);

    // The receiver is switched on: the fix sets the clock, and the next press is stamped
    // with satellite time and position.
    handles.gnss.power_on();
    field.go_to(T0 + 3600);
    reader.hello(MORTUARY_AFFAIRS).expect("hello");
    let status = reader.status().expect("status");
    assert_eq!(status.fix, FixState::Fresh);
    assert_eq!(
        status.time.map(|t| t.quality),
        Some(TimeQuality::Gnss),
        "{status:?}"
    );
    reader
        .set_button(action(
            AIRCREW,
            BizStep::Loading,
            Disposition::InTransit,
            MORTUARY_AFFAIRS,
            AIRCREW,
            Some((SEAL, SealState::Intact)),
        ))
        .expect("button set");
    let t = field.clock.now_ns();
    assert_eq!(field.press(), Some(Ok(Seq(2))));
    field.assert_led(t, Indication::Ok);
    let (report, items) = verify(&mut reader, epc);
    assert_verifies(&report);
    let loading = record(&items, Seq(2));
    let time = loading.header.time.expect("a time");
    assert_eq!(time.quality, TimeQuality::Gnss);
    assert!((time.at.to_unix() - (T0 + 3600)).abs() < 10, "{time:?}");
    let Location::Geo(point) = loading.header.location else {
        panic!("no position: {:?}", loading.header.location);
    };
    assert!((point.lat_microdeg() - 39_170_000).abs() < 10);
    assert_eq!(
        loading.header.tz,
        korea_tz(),
        "the tag keeps the last offset"
    );

    // In the aircraft there is no fix: a press records time, but no place.
    reader
        .set_button(action(
            AIRCREW,
            BizStep::Arriving,
            Disposition::InTransit,
            AIRCREW,
            AIRCREW,
            Some((SEAL, SealState::Intact)),
        ))
        .expect("button set");
    field.go_to(KALMA_TAKEOFF + 7300);
    let t = field.clock.now_ns();
    assert_eq!(field.press(), Some(Ok(Seq(3))));
    field.assert_led(t, Indication::Ok);
    let (report, items) = verify(&mut reader, epc);
    assert_verifies(&report);
    let arrival = record(&items, Seq(3));
    assert_eq!(arrival.header.location, Location::Unknown);
    assert!(arrival.header.time.is_some());
    assert!(matches!(
        reader.status().map(|s| s.fix),
        Ok(FixState::Stale { .. })
    ));

    // Osan: the United Nations Command receives the box with a record its reader prepares,
    // which passes custody from the aircrew to them, and both sides sign the hand-over.
    field.go_to(OSAN_DOORS + 1200);
    reader.hello(UNC_RECEIVING).expect("hello");
    let status = reader.status().expect("status");
    let received = Record {
        header: remtag::Header {
            seq: Seq(status.count),
            time: Some(Timestamp {
                at: UtcSeconds::from_unix(OSAN_DOORS + 1200).expect("2018"),
                quality: TimeQuality::Manual,
            }),
            tz: korea_tz(),
            actor: UNC_RECEIVING,
            location: Location::Place(OSAN),
        },
        body: Body::Custody(Custody {
            step: BizStep::Receiving,
            from: AIRCREW,
            to: UNC_RECEIVING,
            ..custody_of(&arrival)
        }),
    };
    assert_eq!(reader.append(&received).map(|r| r.0), Ok(Seq(4)));
    let checkpoint = handover(&mut reader, KEY_AIRCREW, KEY_UNC_RECEIVING);
    assert_eq!(checkpoint, Seq(5));
    let (report, _) = verify(&mut reader, epc);
    assert_verifies(&report);
    assert_eq!(report.signed_prefix, 5);
    assert!(report.checkpoints.iter().all(|c| c.verified()));
    assert_eq!(field.indication(), Indication::Ok);

    // A power cut in the middle of a press: the append is lost or whole, never half, and the
    // tag comes back with the button unset (a reader sets it again).
    reader
        .set_button(action(
            UNC_RECEIVING,
            BizStep::Holding,
            Disposition::InProgress,
            UNC_RECEIVING,
            UNC_RECEIVING,
            Some((SEAL, SealState::Intact)),
        ))
        .expect("button set");
    handles
        .chip
        .borrow_mut()
        .set_power_cut(PowerCut::after(12, CutWord::Random, 7));
    let t = field.clock.now_ns();
    assert_eq!(field.press(), Some(Err(Fault::Storage)));
    assert_eq!(field.device.borrow().power_cuts(), 1);
    field.assert_led(t, Indication::Ok);
    let status = reader
        .hello(UNC_RECEIVING)
        .expect("a new session after the reboot");
    assert_eq!(status.count, 6, "the cut append was never acknowledged");
    let (report, _) = verify(&mut reader, epc);
    assert_verifies(&report);
    assert_eq!(field.press(), Some(Err(Fault::NoButtonAction)));

    // A power cut in the middle of a reader session: the reader gets no answer, opens a new
    // session, and finds the record stored or not, never half.
    let mut holding = received.clone();
    holding.header.seq = Seq(6);
    holding.header.time = holding.header.time.map(|t| Timestamp {
        at: UtcSeconds(t.at.0 + 3600),
        ..t
    });
    handles
        .chip
        .borrow_mut()
        .set_power_cut(PowerCut::after(8, CutWord::Old, 1));
    assert!(matches!(reader.append(&holding), Err(ClientError::Link(_))));
    assert_eq!(field.device.borrow().power_cuts(), 2);
    let status = reader.hello(UNC_RECEIVING).expect("hello");
    assert_eq!(
        reader.status().map(|s| s.count),
        Ok(6),
        "the cut write was not acknowledged"
    );
    assert_eq!(status.count, 6);
    assert_eq!(reader.append(&holding).map(|r| r.0), Ok(Seq(6)));
    let (report, _) = verify(&mut reader, epc);
    assert_verifies(&report);
    assert_eq!(field.indication(), Indication::Ok);

    // The ceremony and the flight to Hickam: a hand-over to the aircrew at Osan, and one to
    // the laboratory at Hickam.
    field.go_to(OSAN_TAKEOFF - 3600);
    reader.hello(AIRCREW).expect("hello");
    reader
        .set_button(action(
            AIRCREW,
            BizStep::Departing,
            Disposition::InTransit,
            UNC_RECEIVING,
            AIRCREW,
            Some((SEAL, SealState::Intact)),
        ))
        .expect("button set");
    assert_eq!(field.press(), Some(Ok(Seq(7))));
    assert_eq!(
        handover(&mut reader, KEY_UNC_RECEIVING, KEY_AIRCREW),
        Seq(8)
    );
    field.go_to(HICKAM_DOORS + 600);
    reader.hello(DPAA_LAB).expect("hello");
    reader
        .set_button(action(
            DPAA_LAB,
            BizStep::Receiving,
            Disposition::InProgress,
            AIRCREW,
            DPAA_LAB,
            Some((SEAL, SealState::Intact)),
        ))
        .expect("button set");
    assert_eq!(field.press(), Some(Ok(Seq(9))));
    assert_eq!(handover(&mut reader, KEY_AIRCREW, KEY_DPAA_LAB), Seq(10));
    let (report, items) = verify(&mut reader, epc);
    assert_verifies(&report);
    assert_eq!(report.signed_prefix, 10);
    assert_eq!(report.checkpoints.len(), 3);
    assert_eq!(field.indication(), Indication::Ok);
    assert!(matches!(
        record(&items, Seq(9)).header.location,
        Location::Geo(_)
    ));

    // In the laboratory the fix goes stale: presses record no place.
    field.go_to(LAB_INDOORS + 86_400);
    let status = reader.status().expect("status");
    assert!(
        matches!(status.fix, FixState::Stale { age_s } if age_s > 86_000),
        "{status:?}"
    );
    reader
        .set_button(action(
            DPAA_LAB,
            BizStep::Holding,
            Disposition::InProgress,
            DPAA_LAB,
            DPAA_LAB,
            Some((SEAL, SealState::Intact)),
        ))
        .expect("button set");
    assert_eq!(field.press(), Some(Ok(Seq(11))));
    let (report, items) = verify(&mut reader, epc);
    assert_verifies(&report);
    assert_eq!(record(&items, Seq(11)).header.location, Location::Unknown);
    assert_eq!(field.indication(), Indication::Ok);

    // The laboratory's daily checks fill the log: the tag refuses more, says it is full, and
    // keeps everything.
    let mut last = Seq(11);
    let full = loop {
        field.clock.advance_ns(3_600_000_000_000);
        match field.press() {
            Some(Ok(seq)) => last = seq,
            Some(Err(fault)) => break fault,
            None => panic!("the press was not seen"),
        }
        assert!(last.0 < 5_000, "the log never filled");
    };
    assert_eq!(full, Fault::LogFull);
    let t = field.clock.now_ns();
    assert_eq!(field.press(), Some(Err(Fault::LogFull)));
    field.assert_led(t, Indication::Full);
    let status = reader.status().expect("status");
    assert_eq!(status.indication, Indication::Full);
    assert_eq!(status.count, last.0 + 1);
    let (report, items) = verify(&mut reader, epc);
    assert_verifies(&report);
    assert_eq!(report.records, last.0 + 1);
    assert_eq!(
        items
            .iter()
            .filter(|i| matches!(i, ReadItem::Record { .. }))
            .count() as u32,
        last.0 + 1
    );

    // What the reader read is what the chip holds, byte for byte.
    let image = field.image_entries(LayoutConfig::default());
    let read: Vec<(u32, Vec<u8>)> = items
        .iter()
        .filter_map(|i| match i {
            ReadItem::Record { offset, stored, .. } => Some((*offset, stored.clone())),
            ReadItem::Damage(_) => None,
        })
        .collect();
    assert_eq!(read, image);

    // A reboot keeps the full log and the full state.
    let t = field.clock.now_ns();
    field.device.borrow_mut().power_cycle();
    field.assert_led(t, Indication::Full);
}
