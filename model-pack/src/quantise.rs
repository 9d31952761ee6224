//! Float classifiers -> the pack's 8-bit sparse form.
//!
//! Symmetric per-node quantisation: weight = q * scale with q in -127..=127 and
//! scale = max |w| / 127. Weights that round to |q| < `min_q` are pruned, which is where most
//! of the size goes: a text feature is usually evidence for one or two children only.

use anyhow::{ensure, Result};
use occupation_coder::pack::ClassifierRecord;

use crate::train::{FloatClassifier, FloatModel};

pub fn quantise(model: &FloatModel, min_q: i8) -> Result<Vec<ClassifierRecord>> {
    model.classifiers.iter().map(|c| quantise_one(c, min_q)).collect()
}

fn quantise_one(c: &FloatClassifier, min_q: i8) -> Result<ClassifierRecord> {
    let max = c.weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
    let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
    let mut r = ClassifierRecord {
        node: c.node as u32,
        temperature: c.temperature,
        scale,
        bias: c.bias.clone(),
        ..Default::default()
    };
    let mut previous = 0u32;
    for (k, &id) in c.ids.iter().enumerate() {
        let (a, b) = (c.row_starts[k] as usize, c.row_starts[k + 1] as usize);
        let mut len = 0u16;
        for (&child, &w) in c.children[a..b].iter().zip(&c.weights[a..b]) {
            let q = (w / scale).round().clamp(-127.0, 127.0) as i8;
            if q.unsigned_abs() >= min_q.unsigned_abs() && q != 0 {
                ensure!(child <= 255, "node {} has more than 255 children", c.node);
                r.children.push(child as u8);
                r.weights.push(q);
                len += 1;
            }
        }
        if len > 0 {
            r.id_deltas.push(id - previous);
            r.row_lens.push(len);
            previous = id;
        }
    }
    Ok(r)
}
