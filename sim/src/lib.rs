//! The remtag simulator: a reader-side view of tags, the 2018 story, and the command line.

pub mod cli;
pub mod device;
pub mod directory;
pub mod image;
pub mod input;
pub mod keys;
pub mod logbuilder;
pub mod memory;
pub mod peripherals;
pub mod reader;
pub mod render;
pub mod report;
pub mod scenario;
pub mod story;
