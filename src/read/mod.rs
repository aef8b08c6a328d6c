//! The second stage: one reader per input format, each turning a decoded body into the
//! same event stream (`event::Event`), so every format meets in one writer. A new input
//! format is a new module here plus one arm in the format match of `build::parse_files`.

pub mod epub;
pub mod event;
pub mod html;
pub mod markdown;
pub mod text;
pub mod typography;
