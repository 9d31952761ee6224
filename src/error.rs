//! Typed errors. Every message says what went wrong and what to do about it.

use thiserror::Error;

/// Why a model pack could not be read.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum PackError {
    #[error("model pack is {len} bytes or more, over the {max}-byte limit: this is not a model pack (the shipped packs are about 2 MB); check the file or URL you loaded")]
    TooLarge { len: u64, max: usize },
    #[error("model pack is {len} bytes, too short to hold a header: the file is truncated or not a model pack; rebuild it with `model-pack build`")]
    TooShort { len: usize },
    #[error("not an occupation-coder model pack (bad magic bytes {found:02x?}); check the file or URL you loaded")]
    BadMagic { found: [u8; 4] },
    #[error("model pack format version {found} is not supported by this coder (it reads versions 1 to {supported}); rebuild the pack with a matching `model-pack` or upgrade occupation-coder")]
    UnsupportedVersion { found: u16, supported: u16 },
    #[error("model pack is truncated: expected {expected} bytes, found {found}; download or rebuild it again")]
    Truncated { expected: u64, found: usize },
    #[error("model pack has {extra} unexpected trailing bytes; the file was corrupted or concatenated")]
    TrailingBytes { extra: usize },
    #[error("model pack checksum mismatch (stored {stored:08x}, computed {computed:08x}): the file is corrupt; download or rebuild it again")]
    ChecksumMismatch { stored: u32, computed: u32 },
    #[error("model pack header could not be decoded ({0}); the file is corrupt")]
    BadHeader(String),
    #[error("model pack payload could not be decoded ({0}); the file is corrupt")]
    BadPayload(String),
    #[error("model pack was built with {what} {found:?}, but this coder only understands {expected:?}; rebuild the pack with a matching `model-pack`")]
    Incompatible { what: &'static str, found: String, expected: String },
    #[error("model pack is inconsistent: {0}; rebuild it with `model-pack build`")]
    Invalid(String),
}

/// Why a request to code text could not be served.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum CodeError {
    #[error("k must be between 1 and {max}, got {k}")]
    BadK { k: usize, max: usize },
    #[error("{shown} is not a code of {classification}; pass a group or occupation code of the loaded classification", shown = quoted_start(code))]
    UnknownCode { code: String, classification: String },
    #[error("title and tasks together are longer than {max} characters; shorten them (a job title and a sentence or two about the tasks is enough)")]
    TextTooLong { max: usize },
    #[error("batch has {len} records but synchronous batches take at most {max}; use the streaming batch coder (`occupation-coder code` or the batch page) for larger files")]
    BatchTooLarge { len: usize, max: usize },
}

/// `text` in quotes as `{:?}` shows it, cut to 40 characters: what a message quotes of an
/// argument, which may be any length.
fn quoted_start(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{:?}...", &text[..at]),
        None => format!("{text:?}"),
    }
}
