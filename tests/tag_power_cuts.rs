//! Power cuts at every byte-step of a tag's commissioning and of a button press, on the
//! 24LC256 EEPROM and on NOR flash: the tag always comes back working, with every
//! acknowledged record, a log that verifies, and nothing half-written.

use remtag::app::Settings;
use remtag::model::{BizStep, Disposition, SealState, Seq};
use remtag::protocol::{Fault, Indication};
use remtag_sim::device::SimChip;
use remtag_sim::memory::power::{CutWord, PowerCut};
use remtag_sim::memory::{SimClock, SimEeprom, SimNorFlash};
use remtag_sim::reader::ClientError;
use remtag_sim::story::{MORTUARY_AFFAIRS, box_epc};
use remtag_tests::field::{Field, action, assert_verifies, commission, verify};

const WORDS: [CutWord; 3] = [CutWord::Old, CutWord::New, CutWord::Random];

type Nor = SimNorFlash<4, 4096>;

fn eeprom(clock: SimClock) -> SimEeprom {
    SimEeprom::with_clock(clock)
}

fn nor(_clock: SimClock) -> Nor {
    SimNorFlash::new(32 * 1024)
}

fn field<C: SimChip>(chip: fn(SimClock) -> C) -> Field<C> {
    let clock = SimClock::new();
    Field::new(chip(clock.clone()), clock, Settings::default())
}

fn steps<C: SimChip>(f: &Field<C>) -> u64 {
    f.device.borrow().handles().chip.borrow_mut().steps_taken()
}

fn arm<C: SimChip>(f: &Field<C>, k: u64) {
    let word = WORDS[(k % 3) as usize];
    f.device
        .borrow()
        .handles()
        .chip
        .borrow_mut()
        .set_power_cut(PowerCut::after(k, word, k));
}

fn press_action() -> remtag::protocol::ButtonAction {
    action(
        MORTUARY_AFFAIRS,
        BizStep::Holding,
        Disposition::InProgress,
        MORTUARY_AFFAIRS,
        MORTUARY_AFFAIRS,
        Some((180_701, SealState::Intact)),
    )
}

/// Commissioning cut at every `stride`-th byte-step: afterwards the tag is either
/// commissioned or blank again, never stuck, and a second commissioning succeeds.
fn commissioning_cuts<C: SimChip>(chip: fn(SimClock) -> C, stride: u64) -> u64 {
    let dry = field(chip);
    let mut reader = dry.reader();
    reader.hello(MORTUARY_AFFAIRS).expect("hello");
    let before = steps(&dry);
    reader.commission(&commission(1)).expect("commission");
    let n = steps(&dry) - before;

    let mut cuts = 0;
    for k in (0..n).step_by(stride as usize) {
        let f = field(chip);
        let mut reader = f.reader();
        reader.hello(MORTUARY_AFFAIRS).expect("hello");
        arm(&f, k);
        assert!(
            matches!(reader.commission(&commission(1)), Err(ClientError::Link(_))),
            "cut {k}: the tag answered"
        );
        assert_eq!(f.device.borrow().power_cuts(), 1, "cut {k}");
        let status = reader.hello(MORTUARY_AFFAIRS).expect("hello after the cut");
        match status.indication {
            Indication::Blank => {
                reader
                    .commission(&commission(1))
                    .expect("a second commissioning");
            }
            Indication::Ok => {}
            // Cut while the second identity copy was written: mount reports the copy and
            // writes it again from the first, so the next boot finds nothing wrong.
            Indication::Damaged => {
                f.device.borrow_mut().power_cycle();
                let status = reader.hello(MORTUARY_AFFAIRS).expect("hello");
                assert_eq!(status.indication, Indication::Ok, "cut {k}: not healed");
            }
            other => panic!("cut {k} of {n}: the tag shows {other:?}"),
        }
        reader.set_button(press_action()).expect("button");
        assert_eq!(f.press(), Some(Ok(Seq(1))), "cut {k}");
        let (report, _) = verify(&mut reader, box_epc(1));
        assert_verifies(&report);
        assert_eq!(report.records, 2);
        cuts += 1;
    }
    cuts
}

/// A press cut at every byte-step: the record is whole or absent, the log verifies, and the
/// next press works.
fn press_cuts<C: SimChip>(chip: fn(SimClock) -> C) -> u64 {
    let setup = |f: &Field<C>| {
        let mut reader = f.reader();
        reader.hello(MORTUARY_AFFAIRS).expect("hello");
        reader.commission(&commission(1)).expect("commission");
        reader.set_button(press_action()).expect("button");
        for seq in 1..=3 {
            assert_eq!(f.press(), Some(Ok(Seq(seq))));
        }
        reader
    };
    let dry = field(chip);
    let _ = setup(&dry);
    let before = steps(&dry);
    assert_eq!(dry.press(), Some(Ok(Seq(4))));
    let n = steps(&dry) - before;

    for k in 0..n {
        let f = field(chip);
        let mut reader = setup(&f);
        arm(&f, k);
        assert_eq!(f.press(), Some(Err(Fault::Storage)), "cut {k} of {n}");
        assert_eq!(f.device.borrow().power_cuts(), 1);
        assert_eq!(f.indication(), Indication::Ok, "cut {k}");
        let status = reader.hello(MORTUARY_AFFAIRS).expect("hello after the cut");
        assert!(
            status.count == 4 || status.count == 5,
            "cut {k}: {} records",
            status.count
        );
        reader.set_button(press_action()).expect("button");
        assert_eq!(f.press(), Some(Ok(Seq(status.count))), "cut {k}");
        let (report, _) = verify(&mut reader, box_epc(1));
        assert_verifies(&report);
        assert_eq!(report.records, status.count + 1);
    }
    n
}

#[test]
fn commissioning_survives_a_cut_at_every_step_on_eeprom() {
    let cuts = commissioning_cuts(eeprom, 1);
    eprintln!("EEPROM commissioning: {cuts} cut points");
    assert!(cuts > 100);
}

#[test]
fn commissioning_survives_cuts_throughout_on_nor_flash() {
    let cuts = commissioning_cuts(nor, 7);
    eprintln!("NOR commissioning: {cuts} cut points (every 7th byte-step)");
    assert!(cuts > 100);
}

#[test]
fn a_press_survives_a_cut_at_every_step_on_eeprom() {
    let n = press_cuts(eeprom);
    eprintln!("EEPROM press: {n} cut points");
    assert!(n > 10);
}

#[test]
fn a_press_survives_a_cut_at_every_step_on_nor_flash() {
    let n = press_cuts(nor);
    eprintln!("NOR press: {n} cut points");
    assert!(n > 10);
}
