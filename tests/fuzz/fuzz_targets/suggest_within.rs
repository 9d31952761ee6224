//! `Coder::suggest_within` (the WebAssembly `suggestWithin`) on the shipped OSCA and ANZSCO
//! packs and the frozen v2 fixture, with arbitrary text, group restrictions and k. It must
//! never panic; a bad k, a text over the limit and a code that is no group are the typed
//! errors, in that order; otherwise the answer is the min(k, occupations in the group)
//! likeliest occupations inside the group, best first, each path running through the group
//! with sound conditionals and joints, and inside a unit group exactly the ranking that asking
//! about each of its occupations alone gives.
//!
//! Input: byte 0 picks the pack (fixture, OSCA, ANZSCO); byte 1 is k (its value mod 64, so 0
//! and 51..63 are refused; 255 means usize::MAX); byte 2 below 0xC0 takes the group from the
//! pack's tree (node number from bytes 3-4, its code cut to byte 2 mod 7 characters, 0 keeping
//! it whole, so prefixes that are no group come up too), at or above 0xC0 the group is the text
//! before the first tab. The rest is UTF-8: [group TAB] title [TAB tasks].
#![no_main]

#[path = "../common/packs.rs"]
mod packs;

use libfuzzer_sys::fuzz_target;
use occupation_coder::coder::text_too_long;
use occupation_coder::tree::Tree;
use occupation_coder::{CodeError, Coder, MAX_K};

fn check(coder: &Coder, group: &str, title: &str, tasks: &str, k: usize) {
    let tree = coder.tree();
    let got = coder.suggest_within(group, title, tasks, k);
    if k == 0 || k > MAX_K {
        assert!(matches!(got, Err(CodeError::BadK { .. })), "k {k}: {got:?}");
        return;
    }
    if text_too_long(title, tasks) {
        assert!(matches!(got, Err(CodeError::TextTooLong { .. })), "{got:?}");
        return;
    }
    let Some(node) = tree.find(group).filter(|&n| n != Tree::ROOT) else {
        assert!(matches!(&got, Err(CodeError::UnknownCode { code, .. }) if code == group), "{group:?}: {got:?}");
        return;
    };
    let s = got.unwrap_or_else(|e| panic!("group {group:?}, k {k}: {e}"));

    let above: Vec<&str> = tree.path_to(node).into_iter().map(|n| tree.node(n).code.as_str()).collect();
    let occupations = occupations_under(tree, node);
    assert_eq!(s.len(), k.min(occupations), "group {group}, k {k}");
    assert!(s.windows(2).all(|w| w[0].confidence >= w[1].confidence), "best first: {s:?}");
    let mut codes: Vec<&str> = s.iter().map(|x| x.code.as_str()).collect();
    codes.sort_unstable();
    assert!(codes.windows(2).all(|w| w[0] != w[1]), "no occupation twice: {codes:?}");
    for x in &s {
        assert_eq!((x.level, x.path.len()), (6, 5), "an occupation at the end of a 5-step path: {x:?}");
        assert_eq!(x.path.last().map(|p| p.code.as_str()), Some(x.code.as_str()));
        assert!(x.path.iter().map(|p| p.code.as_str()).take(above.len()).eq(above.iter().copied()), "{x:?} is not in {group}");
        let mut joint = 1.0f32;
        for p in &x.path {
            assert!(packs::sound(p.conditional) && packs::sound(p.joint), "{x:?}");
            joint *= p.conditional;
            assert_eq!(p.joint.to_bits(), joint.to_bits(), "joint is the product of the conditionals: {x:?}");
        }
        assert_eq!(x.confidence.to_bits(), joint.to_bits(), "{x:?}");
    }

    // Inside a unit group every occupation is scored: the ranking must be each occupation's
    // own confidence, sorted (ties may come in either order).
    if tree.node(node).depth == 4 {
        let mut alone: Vec<(f32, String)> = tree
            .node(node)
            .children
            .iter()
            .map(|&c| {
                let code = &tree.node(c).code;
                let one = coder.suggest_within(code, title, tasks, 1).expect("an occupation is a group of one");
                assert_eq!(one.len(), 1);
                assert_eq!(&one[0].code, code, "asking within an occupation gives that occupation");
                (one[0].confidence, code.clone())
            })
            .collect();
        alone.sort_by(|a, b| b.0.total_cmp(&a.0));
        let want: Vec<u32> = alone.iter().take(s.len()).map(|a| a.0.to_bits()).collect();
        let have: Vec<u32> = s.iter().map(|x| x.confidence.to_bits()).collect();
        assert_eq!(have, want, "unit group {group}: {s:?} vs {alone:?}");
        for x in &s {
            assert!(alone.iter().any(|(c, code)| *code == x.code && c.to_bits() == x.confidence.to_bits()), "{x:?}");
        }
    }
}

/// Occupations (leaves) at or below `node`.
fn occupations_under(tree: &Tree, node: usize) -> usize {
    let n = tree.node(node);
    if n.children.is_empty() {
        1
    } else {
        n.children.iter().map(|&c| occupations_under(tree, c)).sum()
    }
}

fuzz_target!(
    init: {
        packs::shipped();
    },
    |data: &[u8]| {
        if data.len() < 5 {
            return;
        }
        let coder = match data[0] % 3 {
            0 => packs::fixture(),
            i => &packs::shipped()[usize::from(i - 1)],
        };
        let k = if data[1] == 255 { usize::MAX } else { usize::from(data[1] % 64) };
        let Some(fields) = packs::fields(&data[5..]) else { return };
        let (group, text): (String, &[&str]) = if data[2] < 0xC0 {
            let nodes = &coder.tree().nodes;
            let code = &nodes[usize::from(u16::from_le_bytes([data[3], data[4]])) % nodes.len()].code;
            let cut = usize::from(data[2] % 7);
            (if cut == 0 { code.clone() } else { code.chars().take(cut).collect() }, &fields[..])
        } else {
            (fields[0].to_string(), &fields[1..])
        };
        let title = text.first().copied().unwrap_or("");
        let tasks = text.get(1).copied().unwrap_or("");
        check(coder, &group, title, tasks, k);
    }
);
