//! The workspace's tests run with overflow checks on, in every profile they are built with: the
//! test profile, and the release profile that `scripts/test` uses, whose `overflow-checks` the
//! root `Cargo.toml` sets. An arithmetic overflow in the code under test then stops the property
//! and never-panics tests instead of wrapping unseen.

#[test]
#[should_panic(expected = "attempt to add with overflow")]
fn arithmetic_overflow_panics() {
    let _ = std::hint::black_box(u8::MAX) + 1;
}
