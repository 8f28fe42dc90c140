//! The Cortex-M0 firmware's `u32` divider, compiled for the host and held to Rust's own `/` and
//! `%`: every division the tag makes on a core without a divide instruction goes through it.

#[path = "../firmware/qemu/src/div.rs"]
#[allow(dead_code)]
#[allow(unsafe_code, reason = "the ABI's names are exported with `no_mangle`")]
mod div;

use proptest::prelude::*;

/// The quotient and remainder the ARM run-time ABI's `__aeabi_uidivmod` returns in `r0`/`r1`.
fn firmware(n: u32, d: u32) -> (u32, u32) {
    let both = div::__aeabi_uidivmod(n, d);
    (both as u32, (both >> 32) as u32)
}

#[test]
fn edge_cases_divide_as_rust_does() {
    let values = [
        0,
        1,
        2,
        3,
        7,
        10,
        100,
        1000,
        0x7fff_ffff,
        0x8000_0000,
        0x8000_0001,
        u32::MAX - 1,
        u32::MAX,
    ];
    for n in values {
        for d in values.into_iter().filter(|&d| d != 0) {
            assert_eq!(firmware(n, d), (n / d, n % d), "{n} / {d}");
            assert_eq!(div::__aeabi_uidiv(n, d), n / d, "{n} / {d}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn any_division_matches_rust(n in any::<u32>(), d in 1u32..) {
        prop_assert_eq!(firmware(n, d), (n / d, n % d));
    }

    #[test]
    fn small_divisors_match_rust(n in any::<u32>(), d in 1u32..=1000) {
        prop_assert_eq!(firmware(n, d), (n / d, n % d));
    }
}
