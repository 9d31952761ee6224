//! The seven columns every batch output row ends with, the same for the CLI
//! (`occupation-coder code`) and the browser's batch page (`codeFields`): a [`Coding`] as text.

use crate::coder::Coding;
use crate::tree::Tree;

/// Columns appended to every output row, in this order.
pub const OUTPUT_COLUMNS: [&str; 7] = ["code", "label", "level", "confidence", "status", "reason", "suggestions"];

/// The `level` column: digits of a code.
const LEVELS: [&str; 7] = ["0", "1", "2", "3", "4", "5", "6"];

/// A coding's fields, in [`OUTPUT_COLUMNS`] order: codes and labels borrowed from the tree,
/// numbers written into `numbers` (cleared first; one buffer reused row after row). Uncoded
/// rows give their reason and up to three `code:confidence` suggestions joined by `|`.
pub fn coding_fields<'a>(tree: &'a Tree, coding: &'a Coding, numbers: &'a mut String) -> [&'a str; 7] {
    numbers.clear();
    match coding {
        Coding::Coded { path, confidence } => {
            let node = tree.node(path.last().expect("a coded path is non-empty").node);
            push_fixed4(numbers, *confidence);
            let level = LEVELS.get(usize::from(node.digits())).copied().unwrap_or("");
            [&node.code, &node.label, level, numbers.as_str(), "coded", "", ""]
        }
        Coding::Uncoded { reason, suggestions } => {
            for (i, s) in suggestions.iter().enumerate() {
                if i > 0 {
                    numbers.push('|');
                }
                numbers.push_str(&tree.node(s.node).code);
                numbers.push(':');
                push_fixed4(numbers, s.confidence);
            }
            ["", "", "", "", "uncoded", reason.as_str(), numbers.as_str()]
        }
    }
}

/// Appends `x` as `format!("{x:.4}")` would: the exact value rounded to 4 decimals, ties to
/// even. Confidences are probabilities, and for those this is several times faster than the
/// general formatter (a batch writes one or more per row): `x * 10000` is exact in f64 (24 +
/// 14 significant bits), so rounding it rounds the exact value.
pub fn push_fixed4(out: &mut String, x: f32) {
    if !(x.is_sign_positive() && x <= 1.0) {
        use std::fmt::Write;
        write!(out, "{x:.4}").expect("writing to a String cannot fail");
        return;
    }
    let n = (f64::from(x) * 10_000.0).round_ties_even() as u32;
    let digits = [n / 10_000, n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10].map(|d| b'0' + d as u8);
    out.push(char::from(digits[0]));
    out.push('.');
    digits[1..].iter().for_each(|&d| out.push(char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::push_fixed4;

    fn fixed4(x: f32) -> String {
        let mut s = String::new();
        push_fixed4(&mut s, x);
        s
    }

    /// Same text as `{:.4}` at every rounding boundary of [0, 1] (the floats either side of
    /// each midpoint), at the exact ties (odd multiples of 1/32) and at a million random
    /// probabilities; the fallback covers everything else.
    #[test]
    fn fixed4_matches_the_formatter() {
        let check = |x: f32| assert_eq!(fixed4(x), format!("{x:.4}"), "{x:e} ({:#x})", x.to_bits());
        for n in 0..=10_000u32 {
            let mid = (f64::from(n) + 0.5) / 10_000.0;
            let near = mid as f32;
            for x in [near, near.next_up(), near.next_down(), n as f32 / 10_000.0] {
                check(x);
            }
        }
        for m in 0..16 {
            check((2 * m + 1) as f32 / 32.0);
        }
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..1_000_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            check((state >> 40) as f32 / (1u64 << 24) as f32);
            check(f32::from_bits((state >> 32) as u32 % 0x3f80_0001));
        }
        for x in [0.0, -0.0, 1.0, 1.0f32.next_up(), 2.5, -1.0, f32::NAN, f32::INFINITY, f32::MIN_POSITIVE, 1e-45] {
            check(x);
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod exhaustive {
    /// Every float in [0, 1] (about 10^9): `cargo test --release --lib -- --ignored fixed4_every`.
    #[test]
    #[ignore = "about a minute per core; the sampled test above runs always"]
    fn fixed4_every_probability() {
        use rayon::prelude::*;
        let bad = (0..=1.0f32.to_bits()).into_par_iter().find_any(|&bits| {
            let x = f32::from_bits(bits);
            let mut s = String::new();
            super::push_fixed4(&mut s, x);
            s != format!("{x:.4}")
        });
        assert_eq!(bad, None, "first mismatch at bits {bad:?}");
    }
}
