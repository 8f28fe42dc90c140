//! P2: power cuts at every pair of byte-steps while appending a 20-record journey to a
//! formatted log, on NOR flash with write sizes of 1, 2 and 4 bytes. After each cut all RAM state is dropped and the log is
//! mounted again: every acknowledged record must be present and intact, at most the record in
//! flight may be missing, no record may appear that was never appended, and appending must go
//! on.

use remtag_tests::journey::custody_journey;
use remtag_tests::targets::Nor;
use remtag_tests::torture::{CutWord, p2};

#[test]
fn p2_nor_write_size_1() {
    let pairs = p2(
        &Nor::<1, 256>::new(4 * 1024),
        &custody_journey(20),
        CutWord::Random,
    );
    println!("P2 NOR write size 1: {pairs} cut pairs");
}

#[test]
fn p2_nor_write_size_2() {
    let pairs = p2(
        &Nor::<2, 256>::new(4 * 1024),
        &custody_journey(20),
        CutWord::Random,
    );
    println!("P2 NOR write size 2: {pairs} cut pairs");
}

#[test]
fn p2_nor_write_size_4() {
    let pairs = p2(
        &Nor::<4, 256>::new(4 * 1024),
        &custody_journey(20),
        CutWord::Random,
    );
    println!("P2 NOR write size 4: {pairs} cut pairs");
}
