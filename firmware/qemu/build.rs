//! Puts the memory map of the machine or board being built for where the linker finds it, as
//! `memory.x`.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let target = env::var("TARGET").unwrap_or_default();
    let board = if env::var_os("CARGO_FEATURE_NRF52840").is_some() {
        "nrf52840"
    } else if env::var_os("CARGO_FEATURE_STM32G0B1").is_some() {
        "stm32g0b1"
    } else if target.starts_with("thumbv6m") {
        "microbit"
    } else {
        "mps2-an386"
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());
    let copy = |from: &str, to: &str| {
        if let Err(e) = fs::copy(from, out.join(to)) {
            panic!("cannot copy {from}: {e}");
        }
        println!("cargo:rerun-if-changed={from}");
    };
    copy(&format!("memory/{board}.x"), "memory.x");
    println!("cargo:rustc-link-search={}", out.display());
}
