//! The model pack: the compact, quantised file the trainer writes and the coder reads.
//!
//! Layout (all integers little-endian), documented byte by byte in `docs`-free form in README:
//!
//! ```text
//! magic "OCPK" | format version u16 | header length u32 | header (postcard)
//!              | payload length u32 | payload (postcard) | CRC-32 (IEEE) of everything before it
//! ```
//!
//! The header is decoded first so that a pack built for another normaliser, hash or format is
//! refused before the (large) payload is touched. Bytes are treated as hostile: every length is
//! checked against what is present, and every index in the payload is validated once on load
//! (see [`crate::model`]), so scoring never indexes out of bounds.

use serde::{Deserialize, Serialize};

use crate::error::PackError;
use crate::features::FeatureParams;
use crate::index::IndexRecord;
use crate::spelling::SpellingRecord;

pub const MAGIC: [u8; 4] = *b"OCPK";
/// Version written by [`write_pack`].
pub const FORMAT_VERSION: u16 = 3;
/// Oldest version still read (version 1 has no recoding table).
pub const OLDEST_READABLE_VERSION: u16 = 1;
/// Conventional file extension of model packs.
pub const EXTENSION: &str = "ocpk";
/// Refuse absurd header sizes before allocating for them.
const MAX_HEADER_LEN: u32 = 1 << 20;
/// Longest character n-gram a pack may ask for: a title word of `n` characters gives about
/// `n * (hi - lo + 1)` grams of up to `hi` bytes each, so an unbounded `hi` would make one long
/// word cost the square of its length to featurise. The packs use 3 and 4.
pub const MAX_CHAR_NGRAM: u8 = 8;
/// Largest magnitude of a temperature, dequantisation scale, bias or feature block weight.
/// Within it no decision value, times its temperature, can overflow an `f32` (features are
/// L2-normalised per block and weights are 8-bit), so every probability is a number. The
/// shipped packs' temperatures reach 100, their scales 0.03 and their biases about 1.
pub const MAX_PARAMETER: f32 = 1e6;
const PREFIX_LEN: usize = 4 + 2 + 4;
/// Largest pack a reader accepts (the shipped packs are about 2 MB): a reader checks a
/// file's size before reading it, so `--pack /dev/zero` or a wrong multi-gigabyte file fails
/// at once instead of filling memory.
pub const MAX_PACK_BYTES: usize = 64 << 20;

/// What a reader must know before it decodes the payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PackHeader {
    /// Machine name: `osca2024` or `anzsco2022`.
    pub classification: String,
    /// Human name and version, e.g. "OSCA 2024 v1.0".
    pub classification_version: String,
    /// `model-pack` version that built the pack.
    pub trainer_version: String,
    /// Version of [`crate::normalise`] rules the features were built with.
    pub normaliser_version: u16,
    /// Name of the feature hash, see [`crate::features::HASH_NAME`].
    pub hash: String,
    pub features: FeatureParams,
    /// Quantisation scheme, e.g. "i8-symmetric-per-node".
    pub quantisation: String,
}

/// One node of the classification tree, as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeRecord {
    pub code: String,
    pub label: String,
    /// Index of the parent node; the root (index 0) has itself as parent.
    pub parent: u32,
}

/// The linear classifier of one internal node, quantised and sparse.
///
/// Feature-major: for the k-th stored feature id, entries `row_starts[k]..row_starts[k+1]` of
/// `children`/`weights` hold (child index, quantised weight). On the wire, ids are
/// delta-encoded and row starts are row lengths, which postcard's varints store in a byte or two.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClassifierRecord {
    /// Index of the node this classifier chooses among the children of.
    pub node: u32,
    /// Multiplier applied to decision values before the softmax (fitted on held-out data).
    pub temperature: f32,
    /// Dequantisation scale: weight = quantised * scale.
    pub scale: f32,
    /// Bias per child, in the order of the node's children.
    pub bias: Vec<f32>,
    /// Feature ids as differences from the previous id (first from 0).
    pub id_deltas: Vec<u32>,
    /// Number of (child, weight) entries for each feature id.
    pub row_lens: Vec<u16>,
    // Bytes on the wire either way (postcard writes a length, then one byte per element);
    // decoding them as one block instead of element by element makes loading faster.
    #[serde(with = "serde_bytes")]
    pub children: Vec<u8>,
    #[serde(with = "i8_bytes")]
    pub weights: Vec<i8>,
}

/// `Vec<i8>` as a byte block (see [`ClassifierRecord::weights`]).
mod i8_bytes {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[i8], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = v.iter().map(|&w| w as u8).collect();
        serde_bytes::serialize(&bytes, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i8>, D::Error> {
        let bytes: serde_bytes::ByteBuf = serde_bytes::deserialize(d)?;
        Ok(bytes.into_iter().map(|b| b as i8).collect())
    }
}

/// When greedy decoding stops and returns a less detailed code.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackoffRule {
    /// The chosen child's conditional probability must be at least this to descend.
    pub min_conditional: f32,
    /// The joint probability (product of conditionals so far) must stay at least this.
    pub min_joint: f32,
}

/// Everything else in the pack.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PackPayload {
    /// Tree nodes; index 0 is the synthetic root, parents come before children.
    pub nodes: Vec<NodeRecord>,
    pub classifiers: Vec<ClassifierRecord>,
    pub backoff: BackoffRule,
    /// Codes that are not occupations (retired, unemployed, ...), see README.
    pub non_classification: Vec<String>,
    /// Codes of another classification that this pack can recode, with their candidates here
    /// (format version 2; `None` in version 1 packs).
    pub recode: Option<RecodeTable>,
    /// Known answers looked up before the model (format version 3; `None` before).
    pub index: Option<IndexRecord>,
    /// Title words that misspelt title words are corrected to (format version 3).
    pub spelling: Option<SpellingRecord>,
}

/// A correspondence from another classification's codes to candidate codes of this one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RecodeTable {
    /// Machine name of the source classification, e.g. `anzsco2022`.
    pub from: String,
    /// (source code, candidate codes here), sorted by source code.
    pub links: Vec<(String, Vec<String>)>,
}

/// The version 1 payload: version 2 without `recode`.
#[derive(Deserialize)]
struct PackPayloadV1 {
    nodes: Vec<NodeRecord>,
    classifiers: Vec<ClassifierRecord>,
    backoff: BackoffRule,
    non_classification: Vec<String>,
}

/// The version 2 payload: version 3 without `index`.
#[derive(Deserialize)]
struct PackPayloadV2 {
    nodes: Vec<NodeRecord>,
    classifiers: Vec<ClassifierRecord>,
    backoff: BackoffRule,
    non_classification: Vec<String>,
    recode: Option<RecodeTable>,
}

/// Serialises a pack. Used by the trainer and by tests; the layout is the module doc's.
pub fn write_pack(header: &PackHeader, payload: &PackPayload) -> Result<Vec<u8>, PackError> {
    let head = postcard::to_allocvec(header).map_err(|e| PackError::BadHeader(e.to_string()))?;
    let body = postcard::to_allocvec(payload).map_err(|e| PackError::BadPayload(e.to_string()))?;
    let mut out = Vec::with_capacity(PREFIX_LEN + head.len() + 4 + body.len() + 4);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&len_u32(head.len())?.to_le_bytes());
    out.extend_from_slice(&head);
    out.extend_from_slice(&len_u32(body.len())?.to_le_bytes());
    out.extend_from_slice(&body);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    Ok(out)
}

fn len_u32(len: usize) -> Result<u32, PackError> {
    u32::try_from(len).map_err(|_| PackError::Invalid(format!("section of {len} bytes exceeds 4 GiB")))
}

/// Reads and checks only the header (cheap; used to show model metadata and to refuse early).
pub fn read_header(bytes: &[u8]) -> Result<PackHeader, PackError> {
    let (header, _) = split(bytes)?;
    Ok(header)
}

/// Reads a whole pack, checking magic, version, lengths, checksum and compatibility.
pub fn read_pack(bytes: &[u8]) -> Result<(PackHeader, PackPayload), PackError> {
    let (header, body) = split(bytes)?;
    let bad = |e: postcard::Error| PackError::BadPayload(e.to_string());
    let payload: PackPayload = match u16::from_le_bytes([bytes[4], bytes[5]]) {
        1 => {
            let v1: PackPayloadV1 = postcard::from_bytes(body).map_err(bad)?;
            PackPayload { nodes: v1.nodes, classifiers: v1.classifiers, backoff: v1.backoff, non_classification: v1.non_classification, recode: None, index: None, spelling: None }
        }
        2 => {
            let v2: PackPayloadV2 = postcard::from_bytes(body).map_err(bad)?;
            PackPayload { nodes: v2.nodes, classifiers: v2.classifiers, backoff: v2.backoff, non_classification: v2.non_classification, recode: v2.recode, index: None, spelling: None }
        }
        _ => postcard::from_bytes(body).map_err(bad)?,
    };
    check_numbers(&payload)?;
    Ok((header, payload))
}

/// Refuses numbers that would turn probabilities into NaN or invert them: a temperature that
/// is not positive, and a temperature, scale or bias beyond [`MAX_PARAMETER`]. (Numbers that
/// are not finite at all are refused where the model is built from the records, with what
/// else a record must satisfy.)
fn check_numbers(payload: &PackPayload) -> Result<(), PackError> {
    let beyond = |v: f32| v.is_finite() && v.abs() > MAX_PARAMETER;
    for r in &payload.classifiers {
        if r.temperature <= 0.0 || beyond(r.temperature) {
            return Err(PackError::Invalid(format!(
                "classifier of node {}: temperature {} is not in (0, {MAX_PARAMETER}]",
                r.node, r.temperature
            )));
        }
        if beyond(r.scale) || r.bias.iter().copied().any(beyond) {
            return Err(PackError::Invalid(format!(
                "classifier of node {}: a scale or bias is more than {MAX_PARAMETER} from 0",
                r.node
            )));
        }
    }
    Ok(())
}

fn split(bytes: &[u8]) -> Result<(PackHeader, &[u8]), PackError> {
    if bytes.len() > MAX_PACK_BYTES {
        return Err(PackError::TooLarge { len: bytes.len() as u64, max: MAX_PACK_BYTES });
    }
    if bytes.len() < PREFIX_LEN {
        return Err(PackError::TooShort { len: bytes.len() });
    }
    let magic: [u8; 4] = bytes[0..4].try_into().expect("length checked");
    if magic != MAGIC {
        return Err(PackError::BadMagic { found: magic });
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if !(OLDEST_READABLE_VERSION..=FORMAT_VERSION).contains(&version) {
        return Err(PackError::UnsupportedVersion { found: version, supported: FORMAT_VERSION });
    }
    let head_len = u32::from_le_bytes(bytes[6..10].try_into().expect("length checked"));
    if head_len > MAX_HEADER_LEN {
        return Err(PackError::BadHeader(format!("header length {head_len} exceeds the {MAX_HEADER_LEN}-byte limit")));
    }
    let head_end = PREFIX_LEN as u64 + u64::from(head_len);
    let need = head_end + 4;
    if (bytes.len() as u64) < need + 4 {
        return Err(PackError::Truncated { expected: need + 4, found: bytes.len() });
    }
    let head_end = head_end as usize;
    let body_len = u32::from_le_bytes(bytes[head_end..head_end + 4].try_into().expect("length checked"));
    let body_start = head_end + 4;
    let total = body_start as u64 + u64::from(body_len) + 4;
    if (bytes.len() as u64) < total {
        return Err(PackError::Truncated { expected: total, found: bytes.len() });
    }
    if bytes.len() as u64 > total {
        return Err(PackError::TrailingBytes { extra: (bytes.len() as u64 - total) as usize });
    }
    let crc_at = bytes.len() - 4;
    let stored = u32::from_le_bytes(bytes[crc_at..].try_into().expect("length checked"));
    let computed = crc32fast::hash(&bytes[..crc_at]);
    if stored != computed {
        return Err(PackError::ChecksumMismatch { stored, computed });
    }
    let header: PackHeader =
        postcard::from_bytes(&bytes[PREFIX_LEN..head_end]).map_err(|e| PackError::BadHeader(e.to_string()))?;
    check_compatible(&header)?;
    Ok((header, &bytes[body_start..crc_at]))
}

fn check_compatible(header: &PackHeader) -> Result<(), PackError> {
    use crate::features::HASH_NAME;
    use crate::normalise::NORMALISER_VERSION;
    if header.hash != HASH_NAME {
        return Err(PackError::Incompatible { what: "feature hash", found: header.hash.clone(), expected: HASH_NAME.into() });
    }
    if header.normaliser_version != NORMALISER_VERSION {
        return Err(PackError::Incompatible {
            what: "normaliser version",
            found: header.normaliser_version.to_string(),
            expected: NORMALISER_VERSION.to_string(),
        });
    }
    if header.quantisation != QUANTISATION {
        return Err(PackError::Incompatible { what: "quantisation", found: header.quantisation.clone(), expected: QUANTISATION.into() });
    }
    if header.features.buckets == 0 {
        return Err(PackError::Invalid("feature bucket count is zero".into()));
    }
    if header.features.buckets > crate::features::MAX_BUCKETS {
        return Err(PackError::Invalid(format!(
            "{} feature buckets, more than the {} this reader supports",
            header.features.buckets,
            crate::features::MAX_BUCKETS
        )));
    }
    // A non-finite weight would turn every probability into NaN (and the codes into guesses).
    let w = header.features.block_weights;
    let w = [w.title_words, w.title_chars, w.task_words, w.any_words];
    if !w.iter().all(|v| v.is_finite() && *v >= 0.0) {
        return Err(PackError::Invalid("feature block weights must be finite and non-negative".into()));
    }
    if w.iter().any(|v| *v > MAX_PARAMETER) {
        return Err(PackError::Invalid(format!("feature block weights must be at most {MAX_PARAMETER}")));
    }
    let (lo, hi) = header.features.char_ngrams;
    if lo > 0 && !(lo <= hi && hi <= MAX_CHAR_NGRAM) {
        return Err(PackError::Invalid(format!(
            "character n-grams of {lo} to {hi} characters; this reader takes lengths from 1 up to {MAX_CHAR_NGRAM}, the first no more than the second"
        )));
    }
    Ok(())
}

/// The only quantisation scheme this reader implements.
pub const QUANTISATION: &str = "i8-symmetric-per-node";
