//! Arbitrary text through the shipped OSCA and ANZSCO packs (the `text` target uses the frozen
//! v1 fixture only): coding, batch coding, suggesting with any k and, on the OSCA pack,
//! recoding from any ANZSCO code must never panic and must give well-formed results, with
//! every confidence a number in [0, 1] and the one text limit held by every call.
//!
//! Input: byte 0 picks the pack (bit 0) and k (the rest, mod 64: 0 and 51..63 are refused);
//! byte 1 below 0xC0 takes the code to recode from the ANZSCO pack's tree (node number from
//! bytes 1-2), else it is the third tab-separated field. The rest is UTF-8:
//! title [TAB tasks [TAB code to recode]].
#![no_main]

#[path = "../common/packs.rs"]
mod packs;

use libfuzzer_sys::fuzz_target;
use occupation_coder::coder::text_too_long;
use occupation_coder::{CodeError, CodeResult, Coder, Record, UncodedReason, MAX_K};

/// A result is well formed: a coded one has a sound confidence and a path from the major group
/// down to its code; an uncoded one a reason and best-first sound suggestions.
fn well_formed(coder: &Coder, r: &CodeResult) {
    if r.is_coded() {
        assert_eq!(r.results.len(), 1, "{r:?}");
        let c = &r.results[0];
        assert!(packs::sound(c.code_confidence), "{r:?}");
        assert_eq!(c.path.len(), [0, 1, 2, 3, 4, 0, 5][usize::from(c.code_level)], "{r:?}");
        assert_eq!(c.path.last().map(|p| p.code.as_str()), Some(c.code_category.as_str()));
        assert_eq!(coder.label(&c.code_category), Some(c.code_label.as_str()));
        assert!(c.path.iter().all(|p| packs::sound(p.conditional) && packs::sound(p.joint)), "{r:?}");
    } else {
        assert!(r.reason.is_some() && r.results.is_empty(), "{r:?}");
        assert!(r.suggestions.iter().all(|s| packs::sound(s.confidence)), "{r:?}");
        assert!(r.suggestions.windows(2).all(|w| w[0].confidence >= w[1].confidence), "{r:?}");
    }
}

fuzz_target!(
    init: {
        packs::shipped();
    },
    |data: &[u8]| {
        if data.len() < 3 {
            return;
        }
        let shipped = packs::shipped();
        let coder = &shipped[usize::from(data[0] & 1)];
        let k = usize::from((data[0] >> 1) % 64);
        let Some(fields) = packs::fields(&data[3..]) else { return };
        let title = fields[0];
        let tasks = fields.get(1).copied().unwrap_or("");
        let record = Record { id: Some("r".into()), title: title.into(), tasks: tasks.into() };
        let over = text_too_long(title, tasks);

        let r = coder.code(&record);
        well_formed(coder, &r);
        assert_eq!(r.id.as_deref(), Some("r"));
        assert_eq!(r.reason == Some(UncodedReason::TooLong), over, "{r:?}");
        let empty = !over && coder.features(title, tasks).is_empty();
        assert_eq!(r.reason == Some(UncodedReason::Empty), empty, "{r:?}");
        // A batch of one codes as the record alone does.
        assert_eq!(coder.code_batch(std::slice::from_ref(&record)).expect("one record is a batch"), vec![r]);

        match coder.suggest(title, tasks, k) {
            Err(CodeError::BadK { .. }) => assert!(k == 0 || k > MAX_K),
            Err(CodeError::TextTooLong { .. }) => assert!(over && (1..=MAX_K).contains(&k)),
            Err(e) => panic!("suggest: {e}"),
            Ok(s) => {
                assert!(!over && (1..=MAX_K).contains(&k));
                assert_eq!(s.len(), if empty { 0 } else { k }, "{s:?}");
                assert!(s.windows(2).all(|w| w[0].confidence >= w[1].confidence), "{s:?}");
                assert!(s.iter().all(|x| x.level == 6 && packs::sound(x.confidence) && x.path.len() == 5), "{s:?}");
            }
        }

        if coder.recodes_from() == Some("anzsco2022") {
            let source = if data[1] < 0xC0 {
                let nodes = &shipped[1].tree().nodes;
                nodes[usize::from(u16::from_le_bytes([data[1], data[2]])) % nodes.len()].code.clone()
            } else {
                fields.get(2).copied().unwrap_or("").to_string()
            };
            let r = coder.recode(&source, &record);
            well_formed(coder, &r);
            match r.reason {
                Some(UncodedReason::NeedsText) => {
                    let total: f32 = r.suggestions.iter().map(|s| s.confidence).sum();
                    assert!(r.suggestions.len() > 1 && (total - 1.0).abs() < 1e-3, "{r:?}");
                }
                Some(UncodedReason::UnknownSourceCode | UncodedReason::TooLong) => assert!(r.suggestions.is_empty(), "{r:?}"),
                Some(other) => panic!("recoding gave {other:?}: {r:?}"),
                None => assert!(!over, "{r:?}"),
            }
        }
    }
);
