//! The remtag simulator: a reader-side view of tags, the 2018 story, and the command line.

pub mod directory;
pub mod keys;
pub mod logbuilder;
pub mod story;
