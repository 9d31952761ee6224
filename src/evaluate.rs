//! Accuracy and calibration metrics for labelled text, shared by `occupation-coder eval` and
//! the trainer's k-fold report so both count the same way.

use serde::Serialize;

/// Digit levels reported for top-1 accuracy.
pub const LEVELS: [usize; 5] = [1, 2, 3, 4, 6];

/// Adds up predictions for labelled cases.
#[derive(Default)]
pub struct MetricsBuilder {
    n: usize,
    top1_hits: [usize; 5],
    top1_counted: [usize; 5],
    top5_hits: usize,
    /// Top-1 inside the gold code (at least as detailed as it and within it).
    right: usize,
    coded: usize,
    coded6: usize,
    coded_correct: usize,
    /// (confidence, correct) of each coded answer at its own level, for calibration error.
    calibration: Vec<(f32, bool)>,
    /// (confidence, correct at 6 digits) of each top-1 occupation, for the auto-coding rate.
    ranking: Vec<(f32, bool)>,
}

/// Metrics of one evaluation run (JSON field names are the report's).
#[derive(Clone, Debug, Serialize)]
pub struct Metrics {
    pub cases: usize,
    /// Share of cases whose best suggestion lies inside the gold code: the gold occupation
    /// itself, or any occupation of a gold group (an answer labelled with the group that
    /// surely contains it).
    pub top1_right: f64,
    /// Top-1 accuracy of the best occupation, compared at 1, 2, 3, 4 and 6 digits.
    pub top1: Top1,
    /// Gold occupation among the five best occupations.
    pub top5_6digit: f64,
    /// Share of cases the coder assigned any code.
    pub coded_share: f64,
    /// Share of cases coded to the full six digits.
    pub coded_6digit_share: f64,
    /// Share of coded answers that are right at the level they were coded to.
    pub coded_precision: f64,
    /// Expected calibration error of coded answers (10 equal-width bins).
    pub expected_calibration_error: f64,
    /// Largest share of cases that can be auto-coded by the best suggestion (right when inside
    /// the gold code, see `top1_right`), most confident first,
    /// keeping precision at or above 95%; and the confidence threshold that achieves it.
    pub auto_coding_rate_at_95: f64,
    pub auto_coding_threshold_at_95: f32,
}

#[derive(Clone, Debug, Serialize)]
pub struct Top1 {
    #[serde(rename = "1")]
    pub d1: f64,
    #[serde(rename = "2")]
    pub d2: f64,
    #[serde(rename = "3")]
    pub d3: f64,
    #[serde(rename = "4")]
    pub d4: f64,
    #[serde(rename = "6")]
    pub d6: f64,
}

fn prefix_match(a: &str, b: &str, digits: usize) -> bool {
    a.len() >= digits && b.len() >= digits && a.as_bytes()[..digits] == b.as_bytes()[..digits]
}

impl MetricsBuilder {
    /// `top`: ranked occupation codes with confidences; `coded`: the code the coder assigned
    /// (any level) with its confidence, or `None` when uncoded.
    pub fn add(&mut self, gold: &str, top: &[(&str, f32)], coded: Option<(&str, f32)>) {
        self.add_any(&[gold], top, coded);
    }

    /// [`MetricsBuilder::add`] for text whose right answer is any one of `golds` (a crosswalk's
    /// candidate set): a prediction is right when it matches one of them.
    pub fn add_any(&mut self, golds: &[&str], top: &[(&str, f32)], coded: Option<(&str, f32)>) {
        self.n += 1;
        let inside = |code: &str| golds.iter().any(|g| code.starts_with(g));
        for (k, &d) in LEVELS.iter().enumerate() {
            if golds.iter().any(|g| g.len() >= d) {
                self.top1_counted[k] += 1;
                if top.first().is_some_and(|(best, _)| golds.iter().any(|g| prefix_match(best, g, d))) {
                    self.top1_hits[k] += 1;
                }
            }
        }
        match top.first() {
            Some(&(best, conf)) => {
                self.right += usize::from(inside(best));
                self.ranking.push((conf, inside(best)));
            }
            None => self.ranking.push((0.0, false)),
        }
        if top.iter().take(5).any(|(c, _)| inside(c)) {
            self.top5_hits += 1;
        }
        if let Some((code, conf)) = coded {
            self.coded += 1;
            if code.len() == 6 {
                self.coded6 += 1;
            }
            let correct = golds.iter().any(|g| prefix_match(code, g, code.len().min(g.len())));
            if correct {
                self.coded_correct += 1;
            }
            self.calibration.push((conf, correct));
        }
    }

    pub fn finish(mut self) -> Metrics {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let t = |k: usize| ratio(self.top1_hits[k], self.top1_counted[k]);
        let mut ece = 0.0;
        for bin in 0..10 {
            let (lo, hi) = (bin as f32 / 10.0, (bin + 1) as f32 / 10.0);
            let items: Vec<&(f32, bool)> =
                self.calibration.iter().filter(|(c, _)| *c >= lo && (*c < hi || (bin == 9 && *c <= hi))).collect();
            if items.is_empty() {
                continue;
            }
            let conf = items.iter().map(|(c, _)| f64::from(*c)).sum::<f64>() / items.len() as f64;
            let acc = items.iter().filter(|(_, ok)| *ok).count() as f64 / items.len() as f64;
            ece += (conf - acc).abs() * items.len() as f64;
        }
        let ece = if self.calibration.is_empty() { 0.0 } else { ece / self.calibration.len() as f64 };
        self.ranking.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (mut best, mut threshold, mut hits) = (0usize, 1.0f32, 0usize);
        for (i, &(conf, ok)) in self.ranking.iter().enumerate() {
            hits += usize::from(ok);
            if hits as f64 >= 0.95 * (i + 1) as f64 {
                best = i + 1;
                threshold = conf;
            }
        }
        Metrics {
            cases: self.n,
            top1_right: ratio(self.right, self.n),
            top1: Top1 { d1: t(0), d2: t(1), d3: t(2), d4: t(3), d6: t(4) },
            top5_6digit: ratio(self.top5_hits, self.n),
            coded_share: ratio(self.coded, self.n),
            coded_6digit_share: ratio(self.coded6, self.n),
            coded_precision: ratio(self.coded_correct, self.coded),
            expected_calibration_error: ece,
            auto_coding_rate_at_95: ratio(best, self.n),
            auto_coding_threshold_at_95: threshold,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_prefix_accuracy_top5_and_coding() {
        let mut m = MetricsBuilder::default();
        m.add("371131", &[("371131", 0.9), ("371132", 0.05)], Some(("371131", 0.9)));
        m.add("371131", &[("371211", 0.6), ("371131", 0.3)], Some(("371", 0.8)));
        m.add("811131", &[("231731", 0.4)], None);
        let r = m.finish();
        assert_eq!(r.cases, 3);
        assert!((r.top1.d1 - 2.0 / 3.0).abs() < 1e-9);
        assert!((r.top1.d4 - 1.0 / 3.0).abs() < 1e-9);
        assert!((r.top5_6digit - 2.0 / 3.0).abs() < 1e-9);
        assert!((r.coded_share - 2.0 / 3.0).abs() < 1e-9);
        assert!((r.coded_6digit_share - 1.0 / 3.0).abs() < 1e-9);
        assert!((r.coded_precision - 1.0).abs() < 1e-9);
        // Coded answers: (0.9, right) and (0.8, right): ECE = (0.1 + 0.2) / 2.
        assert!((r.expected_calibration_error - 0.15).abs() < 1e-6, "{}", r.expected_calibration_error);
        // Ranked by confidence: right (0.9), wrong (0.6), wrong (0.4): only the first keeps 95%.
        assert!((r.auto_coding_rate_at_95 - 1.0 / 3.0).abs() < 1e-9);
    }
}
