//! P1: a power cut at every byte-step of a 200-record journey, on NOR flash with write sizes of
//! 1, 2 and 4 bytes and on an I2C EEPROM. After each cut all RAM state is dropped and the log is
//! mounted again: every acknowledged record must be present and intact, at most the record in
//! flight may be missing, no record may appear that was never appended, and appending must go
//! on.

use remtag_tests::journey::journey;
use remtag_tests::targets::{Eeprom, Nor};
use remtag_tests::torture::{CutWord, p1};

const WORDS: [CutWord; 3] = [CutWord::Old, CutWord::New, CutWord::Random];

#[test]
fn p1_nor_write_size_1() {
    let tried = p1(&Nor::<1, 512>::new(16 * 1024), &journey(200), &WORDS);
    println!("P1 NOR write size 1: {tried} cut points");
}

#[test]
fn p1_nor_write_size_2() {
    let tried = p1(&Nor::<2, 512>::new(16 * 1024), &journey(200), &WORDS);
    println!("P1 NOR write size 2: {tried} cut points");
}

#[test]
fn p1_nor_write_size_4() {
    let tried = p1(&Nor::<4, 512>::new(16 * 1024), &journey(200), &WORDS);
    println!("P1 NOR write size 4: {tried} cut points");
}

#[test]
fn p1_eeprom() {
    let tried = p1(&Eeprom::default(), &journey(200), &WORDS);
    println!("P1 EEPROM: {tried} cut points");
}
