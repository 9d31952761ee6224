//! occupation-coder: codes free-text job titles and tasks to OSCA 2024 and ANZSCO 2022.
//!
//! The data path, one module per step:
//! text -> [`normalise`] -> [`features`] -> [`model`] (per-node calibrated probabilities)
//! -> [`decode`] (greedy path with back-off, beam search) -> [`result`] shapes.
//! Before the model, [`spelling`] corrects misspelt title words and [`index`] looks the title
//! up among answers known to mean one code.
//! [`pack`] is the model file format and [`coder`] ties it together.

pub mod coder;
pub mod decode;
pub mod error;
pub mod evaluate;
pub mod features;
pub mod front_coding;
pub mod index;
pub mod model;
pub mod normalise;
pub mod output;
pub mod pack;
pub mod result;
pub mod spelling;
pub mod string_table;
pub mod tree;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use coder::{Candidate, Coder, Coding, MAX_BATCH, MAX_K, MAX_TEXT_CHARS};
pub use error::{CodeError, PackError};
pub use result::{CodeResult, CodeStatus, CodedResult, ModelInfo, PathStep, Record, Suggestion, UncodedReason};
