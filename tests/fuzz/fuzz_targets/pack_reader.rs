//! Arbitrary bytes as a model pack: loading must return a `PackError`, never panic, and a pack
//! that loads must code text without panicking, with every confidence a number in [0, 1] (a
//! pack whose numbers could make it NaN is refused on load).
//!
//! Each input is tried twice: as given (exercising the framing checks), and with its last four
//! bytes replaced by the correct CRC-32, so that mutations get past the checksum and reach the
//! header and payload decoders and the model validation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use occupation_coder::{Coder, Record};

fn load_and_code(bytes: &[u8]) {
    if let Ok(coder) = Coder::from_bytes(bytes) {
        let sound = |c: f32| c.is_finite() && (0.0..=1.0001).contains(&c);
        let record = Record { id: None, title: "Baker".into(), tasks: "makes bread and pastry; flies aircraft".into() };
        let r = coder.code(&record);
        assert!(r.results.iter().all(|c| sound(c.code_confidence)), "{r:?}");
        assert!(r.suggestions.iter().all(|s| sound(s.confidence)), "{r:?}");
        if let Ok(s) = coder.suggest("pastry cook chef", "dough", 5) {
            assert!(s.iter().all(|s| sound(s.confidence) && s.path.iter().all(|p| sound(p.conditional) && sound(p.joint))), "{s:?}");
        }
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
