//! The WebAssembly API: a thin wasm-bindgen layer over [`Coder`].
//!
//! Nothing here decides anything: it converts JavaScript values to Rust inputs, calls
//! [`Coder`], and converts results back to plain objects (serde, camelCase, JSON-compatible).
//! Every failure leaves through [`throw`], which makes a JavaScript `Error` whose `message`
//! is the Rust error's Display text and whose `code` names the error kind.

use js_sys::{Array, Function, JsString, Promise, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::coder::{check_batch_len, MAX_BATCH, MAX_K, MAX_TEXT_CHARS};
use crate::error::{CodeError, PackError};
use crate::result::Record;
use crate::Coder;

/// Suggestions returned by `suggest` when `k` is not given.
const DEFAULT_K: usize = 5;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Digits in a code: 1 major group, 2 sub-major, 3 minor, 4 unit group, 6 occupation. */
export type CodeLevel = 1 | 2 | 3 | 4 | 6;

/** One level of a path from the major group down to a code. */
export interface PathStep {
  code: string;
  label: string;
  level: CodeLevel;
  /** P(this group | parent group, text). */
  conditional: number;
  /** Product of the conditionals down to this level. */
  joint: number;
}

/** A ranked candidate code. */
export interface Suggestion {
  code: string;
  label: string;
  level: CodeLevel;
  /** Joint probability of the whole path (product of its conditionals), in (0, 1]. */
  confidence: number;
  path: PathStep[];
}

/** One record to code. `tasks` defaults to "". */
export interface OccupationRecord {
  id?: string | null;
  title: string;
  tasks?: string | null;
}

/** The code assigned to a record (ABS Occupation Coding Service field names). */
export interface CodedResult {
  codeCategory: string;
  codeLabel: string;
  codeConfidence: number;
  /** 6 for an occupation, fewer digits when the coder backed off to a group. */
  codeLevel: CodeLevel;
  path: PathStep[];
}

export type CodeStatus = "successful" | "unsuccessful";

/** Why a record was not coded. */
export type UncodedReason = "empty" | "unrecognised" | "uncertain" | "too-long" | "unknown-source-code" | "needs-text";

/** The result of coding one record. */
export interface CodeResult {
  /** The record's id, when it had one. */
  id?: string;
  codeStatus: CodeStatus;
  /** The assigned code (one entry) when successful; empty when not. */
  results: CodedResult[];
  /** Present only when unsuccessful. */
  reason?: UncodedReason;
  /** Most likely occupations, given when the record could not be coded. */
  suggestions: Suggestion[];
}

/** What a loaded model pack is. */
export interface ModelInfo {
  /** "osca2024" or "anzsco2022". */
  classification: string;
  classificationVersion: string;
  trainerVersion: string;
  formatVersion: number;
  coderVersion: string;
  groups: number;
  occupations: number;
  weights: number;
  buckets: number;
  minConditional: number;
  minJoint: number;
  nonClassificationCodes: string[];
  /** Classification whose codes `recode` accepts (`anzsco2022` for the OSCA pack), else null. */
  recodesFrom: string | null;
}

/** The bounds every call is held to (`limits()`). */
export interface Limits {
  /** Most records `codeBatch` and `codeFields` take in one call. */
  maxBatch: number;
  /** Most suggestions `suggest` and `suggestWithin` give. */
  maxK: number;
  /** Longest title plus tasks, in characters (code points): longer records are uncoded with
   * reason `too-long`, and `suggest` / `suggestWithin` throw `TEXT_TOO_LONG`. */
  maxTextChars: number;
}

/** The `code` property of every Error thrown by this module. */
export type OccupationCoderErrorCode =
  | "PACK_TOO_SHORT" | "PACK_BAD_MAGIC" | "PACK_UNSUPPORTED_VERSION" | "PACK_TRUNCATED"
  | "PACK_TRAILING_BYTES" | "PACK_CHECKSUM_MISMATCH" | "PACK_BAD_HEADER" | "PACK_BAD_PAYLOAD"
  | "PACK_INCOMPATIBLE" | "PACK_INVALID"
  | "BAD_K" | "BATCH_TOO_LARGE" | "TEXT_TOO_LONG" | "UNKNOWN_CODE" | "BAD_INPUT"
  | "FETCH_FAILED" | "FETCH_HTTP_STATUS" | "INTERNAL";

/** Every exception thrown by this module is an Error with a `code`. */
export interface OccupationCoderError extends Error {
  code: OccupationCoderErrorCode;
}
"#;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// The JavaScript `code` of a pack error.
fn pack_code(e: &PackError) -> &'static str {
    match e {
        PackError::TooShort { .. } => "PACK_TOO_SHORT",
        PackError::TooLarge { .. } => "PACK_TOO_LARGE",
        PackError::BadMagic { .. } => "PACK_BAD_MAGIC",
        PackError::UnsupportedVersion { .. } => "PACK_UNSUPPORTED_VERSION",
        PackError::Truncated { .. } => "PACK_TRUNCATED",
        PackError::TrailingBytes { .. } => "PACK_TRAILING_BYTES",
        PackError::ChecksumMismatch { .. } => "PACK_CHECKSUM_MISMATCH",
        PackError::BadHeader(_) => "PACK_BAD_HEADER",
        PackError::BadPayload(_) => "PACK_BAD_PAYLOAD",
        PackError::Incompatible { .. } => "PACK_INCOMPATIBLE",
        PackError::Invalid(_) => "PACK_INVALID",
    }
}

/// The JavaScript `code` of a coding error.
fn code_code(e: &CodeError) -> &'static str {
    match e {
        CodeError::BadK { .. } => "BAD_K",
        CodeError::BatchTooLarge { .. } => "BATCH_TOO_LARGE",
        CodeError::TextTooLong { .. } => "TEXT_TOO_LONG",
        CodeError::UnknownCode { .. } => "UNKNOWN_CODE",
    }
}

/// Everything that can go wrong in this layer.
enum Failure {
    Pack(PackError),
    Code(CodeError),
    /// A JavaScript value that is not the shape asked for.
    Input(String),
    Fetch(String),
    FetchStatus(String),
    /// Results that could not be made into JavaScript values (a bug).
    Internal(String),
}

impl From<PackError> for Failure {
    fn from(e: PackError) -> Self {
        Failure::Pack(e)
    }
}

impl From<CodeError> for Failure {
    fn from(e: CodeError) -> Self {
        Failure::Code(e)
    }
}

/// The one way out: an `Error` with the Rust error's Display text and a `code` property.
fn throw(failure: Failure) -> JsValue {
    let (message, code) = match failure {
        Failure::Pack(e) => (e.to_string(), pack_code(&e)),
        Failure::Code(e) => (e.to_string(), code_code(&e)),
        Failure::Input(m) => (m, "BAD_INPUT"),
        Failure::Fetch(m) => (m, "FETCH_FAILED"),
        Failure::FetchStatus(m) => (m, "FETCH_HTTP_STATUS"),
        Failure::Internal(m) => (m, "INTERNAL"),
    };
    let error = js_sys::Error::new(&message);
    // Setting a property on a fresh, extensible Error cannot fail.
    let _ = Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(code));
    error.into()
}

/// The message of a thrown JavaScript value (its `message` if it has one, else its string
/// form), cut to 200 characters. Reading it may itself throw (a getter, a Proxy): that gives a
/// plain description instead.
fn js_message(value: &JsValue) -> String {
    let message = if value.is_object() {
        Reflect::get(value, &JsValue::from_str("message")).ok().filter(|m| m.is_string()).and_then(|m| m.as_string())
    } else {
        None
    };
    let message = message
        .or_else(|| string_of(value).ok().map(String::from))
        .unwrap_or_else(|| "a value that cannot be shown".into());
    match message.char_indices().nth(200) {
        Some((at, _)) => format!("{}...", &message[..at]),
        None => message,
    }
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Failure> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| Failure::Internal(js_message(&e.into())))
}

// JavaScript operations that may run user code (a getter, a Proxy trap) and so throw: with
// `catch` the exception comes back as an `Err` to be thrown again with a `code`, instead of
// unwinding through WebAssembly frames (which leaves `self` borrowed for good).
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array_checked(value: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(catch, js_name = String)]
    fn string_of(value: &JsValue) -> Result<JsString, JsValue>;
}

/// `value[name]`; a throwing getter or Proxy trap is a `BAD_INPUT` error naming the property.
fn get_property(value: &JsValue, name: &JsValue, what: &str) -> Result<JsValue, Failure> {
    Reflect::get(value, name).map_err(|e| Failure::Input(format!("reading {what} threw: {}", js_message(&e))))
}

/// Whether `value` is an array; a revoked Proxy, which throws, is a `BAD_INPUT` error.
fn is_array(value: &JsValue, what: &str) -> Result<bool, Failure> {
    is_array_checked(value).map_err(|e| Failure::Input(format!("{what} cannot be read: {}", js_message(&e))))
}

fn record_from_js(value: JsValue, at: Option<usize>) -> Result<Record, Failure> {
    let where_ = match at {
        Some(i) => format!("record {i}"),
        None => "record".to_string(),
    };
    if !value.is_object() || is_array(&value, &where_)? {
        return Err(Failure::Input(format!(
            "{where_} must be an object like {{title: \"...\", tasks: \"...\"}}, got {}",
            js_display(&value)
        )));
    }
    // Each property is read once, through `Reflect.get` (a getter runs once; if it throws the
    // error says which property). An oversized string is not copied (see `oversized`).
    let field = |name: &str, required: bool| -> Result<Option<String>, Failure> {
        let v = get_property(&value, &JsValue::from_str(name), &format!("{where_}'s {name}"))?;
        if v.is_undefined() || (v.is_null() && !required) {
            return if required {
                Err(Failure::Input(format!("{where_} is not valid: missing field `{name}`")))
            } else {
                Ok(None)
            };
        }
        if oversized(&v) {
            return Ok(Some(too_long_stand_in()));
        }
        match v.as_string() {
            Some(s) => Ok(Some(s)),
            None => Err(Failure::Input(format!(
                "{where_} is not valid: invalid type: {}, expected a string for `{name}`",
                js_display(&v)
            ))),
        }
    };
    let title = field("title", true)?.unwrap_or_default();
    Ok(Record { id: field("id", false)?, title, tasks: field("tasks", false)?.unwrap_or_default() })
}

/// More UTF-16 code units than this and a string certainly holds more than
/// [`MAX_TEXT_CHARS`] characters (a character takes one or two units).
const MAX_TEXT_UNITS: u32 = 2 * MAX_TEXT_CHARS as u32;

/// Whether `value` is a string too long to code whatever it holds (see [`MAX_TEXT_UNITS`]).
fn oversized(value: &JsValue) -> bool {
    value.dyn_ref::<JsString>().is_some_and(|s| s.length() > MAX_TEXT_UNITS)
}

/// What takes the place of a string [`oversized`] finds: it is not copied into WebAssembly
/// memory (which grows to hold it and never shrinks) but replaced by a text the coder judges
/// too long in the same way, by [`crate::coder::text_too_long`].
fn too_long_stand_in() -> String {
    " ".repeat(MAX_TEXT_CHARS + 1)
}


/// The bounds every call is held to: `{ maxBatch: 300, maxK: 50, maxTextChars: 10000 }`.
#[wasm_bindgen(unchecked_return_type = "Limits")]
pub fn limits() -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Limits {
        max_batch: usize,
        max_k: usize,
        max_text_chars: usize,
    }
    to_js(&Limits { max_batch: MAX_BATCH, max_k: MAX_K, max_text_chars: MAX_TEXT_CHARS }).map_err(throw)
}

/// A loaded model pack that codes job titles and tasks to occupation codes.
#[wasm_bindgen]
pub struct OccupationCoder {
    coder: Coder,
}

#[wasm_bindgen]
impl OccupationCoder {
    /// Loads a model pack (`.ocpk`) from its bytes. Throws an Error with a `code` such as
    /// `PACK_TRUNCATED` or `PACK_BAD_MAGIC` when the bytes are not a sound pack.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
    ) -> Result<OccupationCoder, JsValue> {
        let Some(bytes) = bytes.dyn_ref::<Uint8Array>() else {
            return Err(throw(Failure::Input(format!("fromBytes takes a Uint8Array, got {}", js_display(&bytes)))));
        };
        load(&bytes.to_vec()).map_err(throw)
    }

    /// Fetches a model pack with the global `fetch` (window, worker or Node) and loads it.
    /// A network failure or a non-2xx response rejects with an Error naming the URL.
    #[wasm_bindgen(js_name = fromUrl)]
    pub async fn from_url(url: String) -> Result<OccupationCoder, JsValue> {
        fetch_bytes(&url).await.and_then(|bytes| load(&bytes)).map_err(throw)
    }

    /// The `k` (default 5, at most 50) most likely occupations for the text, best first.
    /// Empty when the text has no words.
    #[wasm_bindgen(unchecked_return_type = "Suggestion[]")]
    pub fn suggest(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] title: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] tasks: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] k: JsValue,
    ) -> Result<JsValue, JsValue> {
        let out = (|| {
            let title = string_from_js(&title, "title", false)?;
            let tasks = string_from_js(&tasks, "tasks", true)?;
            let suggestions = self.coder.suggest(&title, &tasks, k_from_js(&k)?)?;
            to_js(&suggestions)
        })();
        out.map_err(throw)
    }

    /// The `k` (default 5) most likely occupations inside group `code` (1 to 4 digits), with
    /// confidences over the whole path: for a follow-up question when only the group is sure.
    /// An unknown code throws an Error with code `UNKNOWN_CODE`.
    #[wasm_bindgen(js_name = suggestWithin, unchecked_return_type = "Suggestion[]")]
    pub fn suggest_within(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] title: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] tasks: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] k: JsValue,
    ) -> Result<JsValue, JsValue> {
        let out = (|| {
            let code = string_from_js(&code, "code", false)?;
            let title = string_from_js(&title, "title", false)?;
            let tasks = string_from_js(&tasks, "tasks", true)?;
            let suggestions = self.coder.suggest_within(&code, &title, &tasks, k_from_js(&k)?)?;
            to_js(&suggestions)
        })();
        out.map_err(throw)
    }

    /// Recodes a record carrying a code of another classification (`info().recodesFrom`,
    /// `anzsco2022` for the OSCA pack): one-to-one links are certain; one-to-many links are
    /// decided by the model among the candidates only, using the record's text.
    #[wasm_bindgen(unchecked_return_type = "CodeResult")]
    pub fn recode(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] source_code: JsValue,
        #[wasm_bindgen(unchecked_param_type = "OccupationRecord")] record: JsValue,
    ) -> Result<JsValue, JsValue> {
        let out = (|| {
            let code = string_from_js(&source_code, "sourceCode", false)?;
            let r = record_from_js(record, None)?;
            to_js(&self.coder.recode(&code, &r))
        })();
        out.map_err(throw)
    }

    /// Codes one record: the most detailed code the model is sure enough of, or a reason.
    #[wasm_bindgen(unchecked_return_type = "CodeResult")]
    pub fn code(
        &self,
        #[wasm_bindgen(unchecked_param_type = "OccupationRecord")] record: JsValue,
    ) -> Result<JsValue, JsValue> {
        record_from_js(record, None).and_then(|r| to_js(&self.coder.code(&r))).map_err(throw)
    }

    /// Codes up to 300 records, in order; more throws an Error with code `BATCH_TOO_LARGE`.
    #[wasm_bindgen(js_name = codeBatch, unchecked_return_type = "CodeResult[]")]
    pub fn code_batch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "OccupationRecord[]")] records: JsValue,
    ) -> Result<JsValue, JsValue> {
        let out = records_from_js(records)
            .and_then(|rs| self.coder.code_batch(&rs).map_err(Failure::from))
            .and_then(|results| to_js(&results));
        out.map_err(throw)
    }

    /// Codes up to 300 records to the seven batch output columns each (`code`, `label`,
    /// `level`, `confidence`, `status`, `reason`, `suggestions`: `OUTPUT_COLUMNS`), exactly as
    /// `occupation-coder code` writes them, in one flat array, record after record. For coding
    /// files: it builds no paths or result objects, so it is much cheaper than `codeBatch`.
    #[wasm_bindgen(js_name = codeFields, unchecked_return_type = "string[]")]
    pub fn code_fields(
        &self,
        #[wasm_bindgen(unchecked_param_type = "OccupationRecord[]")] records: JsValue,
    ) -> Result<JsValue, JsValue> {
        let out = records_from_js(records).and_then(|rs| {
            let codings = self.coder.decide_batch(&rs)?;
            let width = crate::output::OUTPUT_COLUMNS.len();
            let fields = Array::new_with_length((codings.len() * width) as u32);
            let mut numbers = String::new();
            for (i, coding) in codings.iter().enumerate() {
                for (j, f) in crate::output::coding_fields(self.coder.tree(), coding, &mut numbers).iter().enumerate() {
                    fields.set((i * width + j) as u32, JsValue::from_str(f));
                }
            }
            Ok(JsValue::from(fields))
        });
        out.map_err(throw)
    }

    /// Describes the loaded pack.
    #[wasm_bindgen(unchecked_return_type = "ModelInfo")]
    pub fn info(&self) -> Result<JsValue, JsValue> {
        to_js(&self.coder.info()).map_err(throw)
    }

    /// The same as `info()`.
    #[wasm_bindgen(getter, unchecked_return_type = "ModelInfo")]
    pub fn metadata(&self) -> Result<JsValue, JsValue> {
        self.info()
    }
}

/// The `k` argument: a whole number, [`DEFAULT_K`] when `undefined` or `null`.
fn k_from_js(value: &JsValue) -> Result<usize, Failure> {
    if value.is_undefined() || value.is_null() {
        return Ok(DEFAULT_K);
    }
    match value.as_f64() {
        // Out-of-range values saturate and are then refused by the coder with its own message.
        Some(k) if k.fract() == 0.0 && k >= 0.0 => Ok(k as usize),
        _ => Err(Failure::Input(format!("k must be a positive whole number, got {}", js_display(value)))),
    }
}

/// A short description of a JavaScript value for error messages.
fn js_display(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        let short: String = s.chars().take(40).collect();
        let more = if short.len() < s.len() { "..." } else { "" };
        format!("the string {short:?}{more}")
    } else if let Some(f) = value.as_f64() {
        f.to_string()
    } else if value.is_null() {
        "null".into()
    } else if Array::is_array(value) {
        "an array".into()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}

/// A JavaScript string argument; `undefined` and `null` are "" when `optional`. An
/// [`oversized`] string comes back as the stand-in, which the coder refuses as too long.
fn string_from_js(value: &JsValue, name: &str, optional: bool) -> Result<String, Failure> {
    if optional && (value.is_undefined() || value.is_null()) {
        return Ok(String::new());
    }
    if oversized(value) {
        return Ok(too_long_stand_in());
    }
    value.as_string().ok_or_else(|| Failure::Input(format!("{name} must be a string, got {}", js_display(value))))
}

fn load(bytes: &[u8]) -> Result<OccupationCoder, Failure> {
    Ok(OccupationCoder { coder: Coder::from_bytes(bytes)? })
}

fn records_from_js(value: JsValue) -> Result<Vec<Record>, Failure> {
    if !is_array(&value, "records")? {
        return Err(Failure::Input(format!(
            "records must be an array of {{title, tasks}} objects, got {}",
            js_display(&value)
        )));
    }
    // Through `Reflect.get`, as a Proxy of an array may throw from any read.
    let length = get_property(&value, &JsValue::from_str("length"), "records.length")?;
    let length = length.as_f64().filter(|n| n.fract() == 0.0 && *n >= 0.0).ok_or_else(|| {
        Failure::Input(format!("records.length must be a whole number, got {}", js_display(&length)))
    })?;
    // Before any record is converted: an array of a million records is refused at once.
    check_batch_len(length.min(usize::MAX as f64) as usize)?;
    (0..length as u32)
        .map(|i| {
            let record = get_property(&value, &JsValue::from(i), &format!("record {i}"))?;
            record_from_js(record, Some(i as usize))
        })
        .collect()
}

/// GETs `url` with the global `fetch` and returns the body's bytes.
async fn fetch_bytes(url: &str) -> Result<Vec<u8>, Failure> {
    let failed = |what: String| Failure::Fetch(format!("could not fetch model pack {url}: {what}"));
    let global = js_sys::global();
    let fetch = Reflect::get(&global, &JsValue::from_str("fetch"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| {
            failed("this JavaScript environment has no global fetch; use OccupationCoder.fromBytes".into())
        })?;
    let promise = fetch.call1(&global, &JsValue::from_str(url)).map_err(|e| failed(js_message(&e)))?;
    let response = JsFuture::from(Promise::resolve(&promise)).await.map_err(|e| failed(fetch_cause(&e)))?;
    let get = |name: &str| Reflect::get(&response, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
    if get("ok").as_bool() != Some(true) {
        let status = get("status").as_f64().map(|s| s.to_string()).unwrap_or_else(|| "unknown".into());
        let text = get("statusText").as_string().unwrap_or_default();
        let status = if text.is_empty() { status } else { format!("{status} {text}") };
        return Err(Failure::FetchStatus(format!("could not fetch model pack {url}: HTTP status {status}")));
    }
    let array_buffer =
        get("arrayBuffer").dyn_into::<Function>().map_err(|_| failed("the response has no arrayBuffer()".into()))?;
    let body = array_buffer.call0(&response).map_err(|e| failed(js_message(&e)))?;
    let buffer = JsFuture::from(Promise::resolve(&body)).await.map_err(|e| failed(js_message(&e)))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// The message of a rejected `fetch`, with its `cause` (Node puts the real reason there).
fn fetch_cause(e: &JsValue) -> String {
    let message = js_message(e);
    let cause = Reflect::get(e, &JsValue::from_str("cause")).unwrap_or(JsValue::UNDEFINED);
    if cause.is_undefined() || cause.is_null() {
        message
    } else {
        format!("{message} ({})", js_message(&cause))
    }
}
