//! Step 5 of the data path: decoded paths -> the shapes callers receive.
//!
//! Field names are camelCase on the wire (JSON, JavaScript objects), matching the ABS
//! Occupation Coding Service's result shape where it has one (`codeStatus`, `codeCategory`,
//! `codeLabel`, `codeConfidence`). `level` is always the number of digits: 1, 2, 3, 4 or 6.

use serde::{Deserialize, Serialize};

/// One level of a suggestion's path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PathStep {
    pub code: String,
    pub label: String,
    pub level: u8,
    /// P(this group | parent group, text).
    pub conditional: f32,
    /// Product of the conditionals down to this level.
    pub joint: f32,
}

/// A ranked candidate code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    pub code: String,
    pub label: String,
    pub level: u8,
    /// Joint probability of the whole path (product of conditionals).
    pub confidence: f32,
    pub path: Vec<PathStep>,
}

/// An input record for [`crate::Coder::code`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Record {
    pub id: Option<String>,
    pub title: String,
    pub tasks: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeStatus {
    Successful,
    Unsuccessful,
}

/// Why a record was not coded. `as_str` gives the stable machine name used in CSV output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UncodedReason {
    /// Neither title nor tasks contain any word.
    Empty,
    /// The text has words, but none the model has ever seen.
    Unrecognised,
    /// Not even the major group reached the confidence thresholds.
    Uncertain,
    /// Title plus tasks exceed [`crate::MAX_TEXT_CHARS`].
    TooLong,
    /// Recoding: the source code is not in the correspondence.
    UnknownSourceCode,
    /// Recoding: the source code corresponds to several codes and there is no text to choose.
    NeedsText,
}

impl UncodedReason {
    pub fn as_str(self) -> &'static str {
        match self {
            UncodedReason::Empty => "empty",
            UncodedReason::Unrecognised => "unrecognised",
            UncodedReason::Uncertain => "uncertain",
            UncodedReason::TooLong => "too-long",
            UncodedReason::UnknownSourceCode => "unknown-source-code",
            UncodedReason::NeedsText => "needs-text",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            UncodedReason::Empty => "no job title or tasks were given",
            UncodedReason::Unrecognised => "none of the words are known to the model",
            UncodedReason::Uncertain => "the model is not confident enough of any group",
            UncodedReason::TooLong => "title and tasks together are longer than the coder accepts",
            UncodedReason::UnknownSourceCode => "the code to recode is not in the correspondence",
            UncodedReason::NeedsText => "the code corresponds to several codes; a title is needed to choose",
        }
    }
}

/// The code assigned to a record (ABS field names).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodedResult {
    pub code_category: String,
    pub code_label: String,
    pub code_confidence: f32,
    /// Digits of `code_category`: 6 for an occupation, fewer when the coder backed off.
    pub code_level: u8,
    pub path: Vec<PathStep>,
}

/// The result of coding one record: the ABS service's shape plus a reason when uncoded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub code_status: CodeStatus,
    /// The assigned code; empty when unsuccessful.
    pub results: Vec<CodedResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<UncodedReason>,
    /// Most likely occupations, given when the record could not be coded.
    pub suggestions: Vec<Suggestion>,
}

impl CodeResult {
    /// A successful result with its one assigned code.
    pub fn coded(id: Option<String>, result: CodedResult) -> Self {
        CodeResult { id, code_status: CodeStatus::Successful, results: vec![result], reason: None, suggestions: Vec::new() }
    }

    /// An unsuccessful result: why, and the most likely codes if any.
    pub fn uncoded(id: Option<String>, reason: UncodedReason, suggestions: Vec<Suggestion>) -> Self {
        CodeResult { id, code_status: CodeStatus::Unsuccessful, results: Vec::new(), reason: Some(reason), suggestions }
    }

    pub fn is_coded(&self) -> bool {
        self.code_status == CodeStatus::Successful
    }
}

/// What a loaded pack is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
    pub classification: String,
    pub classification_version: String,
    pub trainer_version: String,
    pub format_version: u16,
    pub coder_version: String,
    pub groups: usize,
    pub occupations: usize,
    pub weights: usize,
    pub buckets: u32,
    pub min_conditional: f32,
    pub min_joint: f32,
    pub non_classification_codes: Vec<String>,
    /// Classification whose codes this pack can recode (`anzsco2022` for the OSCA pack).
    pub recodes_from: Option<String>,
}
