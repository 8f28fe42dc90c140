//! What the command-line tests share: running the binary and a scratch folder.

#![allow(dead_code, reason = "each test binary uses part of it")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `remtag-sim` with `args` in `dir`.
pub fn sim_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_remtag-sim"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs")
}

/// Runs `remtag-sim` with `args`.
pub fn sim(args: &[&str]) -> Output {
    sim_in(Path::new("."), args)
}

/// What a run printed, stdout then stderr.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A scratch folder for one test, removed afterwards.
pub struct Scratch(PathBuf);

impl Scratch {
    /// An empty folder named after `test` and `name`.
    pub fn new(test: &str, name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("remtag-{test}-{name}-{}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).expect("dir");
        Scratch(dir)
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.0
    }

    /// The path of `name` in the folder.
    pub fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().expect("utf-8").to_string()
    }

    /// Runs `remtag-sim` with `args` in the folder.
    pub fn sim(&self, args: &[&str]) -> Output {
        sim_in(&self.0, args)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}
