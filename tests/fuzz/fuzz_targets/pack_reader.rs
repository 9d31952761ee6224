//! Arbitrary bytes as a model pack: loading must return a `PackError`, never panic, and a pack
//! that loads must code text without panicking.
//!
//! Each input is tried twice: as given (exercising the framing checks), and with its last four
//! bytes replaced by the correct CRC-32, so that mutations get past the checksum and reach the
//! header and payload decoders and the model validation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use occupation_coder::{Coder, Record};

fn load_and_code(bytes: &[u8]) {
    if let Ok(coder) = Coder::from_bytes(bytes) {
        let record = Record { id: None, title: "Baker".into(), tasks: "makes bread and pastry; flies aircraft".into() };
        let _ = coder.code(&record);
        let _ = coder.suggest("pastry cook chef", "dough", 5);
        let _ = coder.info();
    }
}

fuzz_target!(|data: &[u8]| {
    load_and_code(data);
    if data.len() >= 4 {
        let mut fixed = data.to_vec();
        let at = fixed.len() - 4;
        let crc = crc32fast::hash(&fixed[..at]);
        if fixed[at..] != crc.to_le_bytes() {
            fixed[at..].copy_from_slice(&crc.to_le_bytes());
            load_and_code(&fixed);
        }
    }
});
