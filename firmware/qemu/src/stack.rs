//! The stack's high-water mark: the free stack is painted with a pattern at boot, and at the
//! end the lowest word that no longer holds it shows how deep the stack went.

/// What free stack holds until something uses it.
const PAINT: u32 = 0xACCE_55ED;

unsafe extern "C" {
    /// The lowest address of the stack (the end of `.uninit`), from cortex-m-rt's `link.x`.
    static mut _stack_end: u32;
    /// The address above the stack's top: the initial stack pointer.
    static _stack_start: u32;
}

fn bottom() -> *mut u32 {
    core::ptr::addr_of_mut!(_stack_end)
}

fn top() -> usize {
    core::ptr::addr_of!(_stack_start) as usize
}

/// Bytes the stack can grow to.
pub fn size() -> u32 {
    (top() - bottom() as usize) as u32
}

/// Paints the stack from its bottom up to just below the current stack pointer.
#[inline(never)]
pub fn paint() {
    // Everything below the stack pointer is free; the margin leaves room for the writes'
    // own registers if the compiler spills them.
    let below = cortex_m::register::msp::read() as usize - 64;
    let mut word = bottom();
    while (word as usize) < below {
        // SAFETY: `word` lies between the stack's bottom and the stack pointer: memory that
        // cortex-m-rt gives to the stack and that nothing uses yet. Nothing runs
        // concurrently (no interrupt is enabled).
        unsafe {
            word.write_volatile(PAINT);
            word = word.add(1);
        }
    }
}

/// Bytes of stack used since [`paint`], at most.
pub fn used() -> u32 {
    let mut word = bottom();
    while (word as usize) < top() {
        // SAFETY: `word` lies inside the stack region, which is always readable RAM.
        if unsafe { word.read_volatile() } != PAINT {
            break;
        }
        // SAFETY: still inside the stack region (checked by the loop condition).
        word = unsafe { word.add(1) };
    }
    (top() - word as usize) as u32
}
