//! Output formats of `check`.

pub(crate) mod human;
pub(crate) mod json;
