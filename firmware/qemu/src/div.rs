//! `__aeabi_uidiv` and `__aeabi_uidivmod`, a bit of the quotient at a time, in place of the
//! library's.
//!
//! A Cortex-M0 has no divide instruction, so compiled code calls these for every `/` and `%`
//! on `u32`s. The compiler's library defines them as weak symbols, unrolled for speed; the tag
//! divides seldom (reading a GNSS sentence, finding a log segment), and a loop of a few
//! instructions is fast enough there. These strong definitions replace the library's at link
//! time. A Cortex-M4 divides in hardware and never calls them.
//!
//! The loop divides with shifts, comparisons and subtractions only: a `/` or `%` here would
//! be compiled as a call to the function it is in.

/// `n / d` and `n % d` by long division: the numerator's bits shift out of `quotient`, from
/// the highest, into the remainder, and each time the remainder reaches `d` it is reduced by
/// `d` and a quotient bit shifts in where the numerator's bit left. Dividing by zero, which
/// Rust checks before it divides, gives `u32::MAX` and `n`.
fn divide(n: u32, d: u32) -> (u32, u32) {
    let (mut quotient, mut remainder) = (n, 0u32);
    for _ in 0..32 {
        // The bit shifted out of the remainder is its 33rd: when set, the remainder is past
        // any `u32` divisor, and the wrapping subtraction leaves what is below `d`.
        let carry = remainder >> 31;
        remainder = remainder << 1 | quotient >> 31;
        quotient <<= 1;
        if carry != 0 || remainder >= d {
            remainder = remainder.wrapping_sub(d);
            quotient |= 1;
        }
    }
    (quotient, remainder)
}

/// `n / d`, for the ARM run-time ABI: the quotient of [`__aeabi_uidivmod`], whose one loop
/// serves both.
#[unsafe(no_mangle)]
pub extern "C" fn __aeabi_uidiv(n: u32, d: u32) -> u32 {
    __aeabi_uidivmod(n, d) as u32
}

/// `n / d` in `r0` and `n % d` in `r1`, for the ARM run-time ABI: the low and high words of a
/// returned `u64`.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn __aeabi_uidivmod(n: u32, d: u32) -> u64 {
    let (quotient, remainder) = divide(n, d);
    u64::from(remainder) << 32 | u64::from(quotient)
}
