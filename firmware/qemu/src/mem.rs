//! `memcpy`, `memmove` and `memset`, one byte at a time, in place of the library's.
//!
//! The compiler's library defines these (and the ARM run-time ABI's `__aeabi_` names for them) as
//! weak symbols, tuned for speed: word-wise copies with every alignment case unrolled. The tag
//! moves at most a few hundred bytes at a time (a record, a frame), so a loop of a few instructions
//! does as well in less flash (`docs/FIRMWARE.md`); these strong definitions replace the library's
//! at link time. One copy serves `memcpy` and `memmove`: it picks its direction so that overlapping
//! regions are copied right. Bytes move with volatile reads and writes, which LLVM leaves as they
//! are instead of turning the loop back into a call to `memcpy`.

use core::ffi::c_int;

/// Copies `n` bytes from `src` to `dest`, which do not overlap.
///
/// # Safety
///
/// `src` must be valid for `n` bytes of reads and `dest` for `n` bytes of writes, and the two
/// must not overlap (the C standard's contract).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: the caller's contract is `copy`'s.
    unsafe { copy(dest, src, n) };
    dest
}

/// Copies `n` bytes from `src` to `dest`, which may overlap.
///
/// # Safety
///
/// `src` must be valid for `n` bytes of reads and `dest` for `n` bytes of writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memmove(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: the caller's contract is `copy`'s.
    unsafe { copy(dest, src, n) };
    dest
}

/// Sets `n` bytes at `dest` to `c` (as a byte).
///
/// # Safety
///
/// `dest` must be valid for `n` bytes of writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memset(dest: *mut u8, c: c_int, n: usize) -> *mut u8 {
    // SAFETY: the caller's contract is `fill`'s. C's `memset` takes the byte as an `int` and
    // stores it converted to `unsigned char`.
    unsafe { fill(dest, c as u8, n) };
    dest
}

// The work is done in functions of other names: LLVM knows what a call to `memcpy` means and
// compiles it as a call to `__aeabi_memcpy`, which would then call itself.

/// Copies `n` bytes from `src` to `dest`, forwards when `dest` comes first and backwards
/// otherwise, so that each byte is read before an overlapping copy overwrites it.
///
/// # Safety
///
/// `src` must be valid for `n` bytes of reads and `dest` for `n` bytes of writes.
#[inline(never)]
unsafe fn copy(dest: *mut u8, src: *const u8, n: usize) {
    let copy_byte = |i: usize| {
        // SAFETY: `i < n`, within both regions by the caller's contract.
        unsafe { dest.add(i).write_volatile(src.add(i).read_volatile()) };
    };
    if (dest as usize) <= (src as usize) {
        (0..n).for_each(copy_byte);
    } else {
        (0..n).rev().for_each(copy_byte);
    }
}

/// Sets `n` bytes at `dest` to `byte`.
///
/// # Safety
///
/// `dest` must be valid for `n` bytes of writes.
#[inline(never)]
unsafe fn fill(dest: *mut u8, byte: u8, n: usize) {
    for i in 0..n {
        // SAFETY: `i < n`, within the region by the caller's contract.
        unsafe { dest.add(i).write_volatile(byte) };
    }
}

/// The ARM run-time ABI's names for the three, which compiled code calls; the `4` and `8`
/// forms only promise an aligned `dest` (and `src`), which a byte loop does not need.
macro_rules! aeabi {
    ($($copy:ident)+ ; $($move:ident)+ ; $($set:ident)+ ; $($clear:ident)+) => {
        $(
            /// `memcpy`, for the ARM run-time ABI.
            ///
            /// # Safety
            ///
            /// As for [`memcpy`].
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn $copy(dest: *mut u8, src: *const u8, n: usize) {
                // SAFETY: the caller keeps `memcpy`'s contract.
                unsafe { copy(dest, src, n) };
            }
        )+
        $(
            /// `memmove`, for the ARM run-time ABI.
            ///
            /// # Safety
            ///
            /// As for [`memmove`].
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn $move(dest: *mut u8, src: *const u8, n: usize) {
                // SAFETY: the caller keeps `memmove`'s contract.
                unsafe { copy(dest, src, n) };
            }
        )+
        $(
            /// `memset`, for the ARM run-time ABI, which passes the length before the byte.
            ///
            /// # Safety
            ///
            /// As for [`memset`].
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn $set(dest: *mut u8, n: usize, c: c_int) {
                // SAFETY: the caller keeps `memset`'s contract.
                unsafe { fill(dest, c as u8, n) };
            }
        )+
        $(
            /// `memset` with zero, for the ARM run-time ABI.
            ///
            /// # Safety
            ///
            /// As for [`memset`].
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn $clear(dest: *mut u8, n: usize) {
                // SAFETY: the caller keeps `memset`'s contract.
                unsafe { fill(dest, 0, n) };
            }
        )+
    };
}

aeabi!(
    __aeabi_memcpy __aeabi_memcpy4 __aeabi_memcpy8 ;
    __aeabi_memmove __aeabi_memmove4 __aeabi_memmove8 ;
    __aeabi_memset __aeabi_memset4 __aeabi_memset8 ;
    __aeabi_memclr __aeabi_memclr4 __aeabi_memclr8
);
