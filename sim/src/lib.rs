//! remtag simulator library.
