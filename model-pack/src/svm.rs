//! L2-regularised, L2-loss (squared hinge) linear SVM trained by dual coordinate descent:
//! the method of LIBLINEAR (Hsieh et al., ICML 2008, "A Dual Coordinate Descent Method for
//! Large-scale Linear SVM"), with its shrinking heuristic, per-example costs and a bias term
//! modelled as a constant feature.

use crate::rng::Rng;

/// Rows of a sparse matrix whose column indices are local (0..dim).
pub struct Rows<'a> {
    pub indptr: &'a [usize],
    pub indices: &'a [u32],
    pub values: &'a [f32],
    pub dim: usize,
}

impl Rows<'_> {
    fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.indptr[i], self.indptr[i + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }
    pub fn len(&self) -> usize {
        self.indptr.len() - 1
    }
}

#[derive(Clone, Copy, Debug)]
pub struct SvmParams {
    /// Cost of a unit of squared hinge loss (times each example's weight).
    pub c: f32,
    /// Stopping tolerance on the projected gradient's spread (LIBLINEAR's default is 0.1).
    pub eps: f32,
    pub max_iter: usize,
    /// Value of the constant bias feature.
    pub bias: f32,
    pub seed: u64,
    /// Features seen in fewer than this many of a node's examples are not used at that node.
    pub min_df: usize,
}

impl Default for SvmParams {
    fn default() -> Self {
        SvmParams { c: 1.0, eps: 0.1, max_iter: 200, bias: 1.0, seed: 1, min_df: 3 }
    }
}

impl SvmParams {
    pub fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(self.c > 0.0 && self.c.is_finite(), "SVM cost C must be a positive number, got {}", self.c);
        anyhow::ensure!(self.eps > 0.0, "SVM tolerance must be positive, got {}", self.eps);
        anyhow::ensure!(self.max_iter > 0, "SVM iteration limit must be at least 1");
        Ok(())
    }
}

/// Trains one binary classifier. `y[i]` is +1 or -1, `cost[i]` multiplies C for example i.
/// Returns `dim + 1` weights: the features' then the bias feature's.
pub fn train_binary(x: &Rows, y: &[i8], cost: &[f32], p: &SvmParams) -> Vec<f32> {
    let l = x.len();
    let mut w = vec![0.0f32; x.dim + 1];
    let mut alpha = vec![0.0f32; l];
    // diag = 1/(2 C_i) turns the squared hinge into an unbounded box constraint.
    let diag: Vec<f32> = cost.iter().map(|c| 0.5 / (p.c * c.max(1e-6))).collect();
    let qd: Vec<f32> = (0..l)
        .map(|i| {
            let (_, v) = x.row(i);
            diag[i] + v.iter().map(|a| a * a).sum::<f32>() + p.bias * p.bias
        })
        .collect();
    let mut index: Vec<usize> = (0..l).collect();
    let mut active = l;
    let mut rng = Rng::new(p.seed);
    // Only the lower bound (alpha = 0) can shrink: the squared hinge has no upper bound.
    let mut pg_max_old = f32::INFINITY;
    let bias_at = x.dim;
    for _iter in 0..p.max_iter {
        let (mut pg_max_new, mut pg_min_new) = (f32::NEG_INFINITY, f32::INFINITY);
        rng.shuffle(&mut index[..active]);
        let mut s = 0;
        while s < active {
            let i = index[s];
            let yi = f32::from(y[i]);
            let (idx, val) = x.row(i);
            let mut dot = w[bias_at] * p.bias;
            for (&j, &v) in idx.iter().zip(val) {
                dot += w[j as usize] * v;
            }
            let g = yi * dot - 1.0 + alpha[i] * diag[i];
            let mut pg = 0.0;
            if alpha[i] == 0.0 {
                if g > pg_max_old {
                    active -= 1;
                    index.swap(s, active);
                    continue;
                } else if g < 0.0 {
                    pg = g;
                }
            } else {
                pg = g;
            }
            pg_max_new = pg_max_new.max(pg);
            pg_min_new = pg_min_new.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (alpha[i] - g / qd[i]).max(0.0);
                let d = (alpha[i] - old) * yi;
                if d != 0.0 {
                    for (&j, &v) in idx.iter().zip(val) {
                        w[j as usize] += d * v;
                    }
                    w[bias_at] += d * p.bias;
                }
            }
            s += 1;
        }
        if pg_max_new - pg_min_new <= p.eps {
            if active == l {
                break;
            }
            // Converged on the shrunk set: check once more on everything.
            active = l;
            pg_max_old = f32::INFINITY;
            continue;
        }
        pg_max_old = if pg_max_new <= 0.0 { f32::INFINITY } else { pg_max_new };
    }
    w[bias_at] *= p.bias;
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two points, x = +1 (label +1) and x = -1 (label -1), no bias. The primal
    /// min 0.5 w^2 + C * 2 * max(0, 1 - w)^2 has its minimum at w = 4C / (1 + 4C): 0.8 for C = 1.
    #[test]
    fn known_answer_on_two_points() {
        let x = Rows { indptr: &[0, 1, 2], indices: &[0, 0], values: &[1.0, -1.0], dim: 1 };
        let p = SvmParams { c: 1.0, eps: 1e-6, max_iter: 10_000, bias: 0.0, seed: 3, min_df: 1 };
        let w = train_binary(&x, &[1, -1], &[1.0, 1.0], &p);
        assert!((w[0] - 0.8).abs() < 1e-4, "{w:?}");
    }

    /// A separable problem with a bias: labels are the sign of x0 - 0.5 shifted; the learnt
    /// classifier must classify every training point correctly.
    #[test]
    fn separates_a_toy_problem_with_bias() {
        let xs = [0.0f32, 0.2, 0.4, 1.0, 1.2, 1.4];
        let y = [-1i8, -1, -1, 1, 1, 1];
        let indptr: Vec<usize> = (0..=xs.len()).collect();
        let indices = vec![0u32; xs.len()];
        let x = Rows { indptr: &indptr, indices: &indices, values: &xs, dim: 1 };
        let p = SvmParams { c: 100.0, eps: 1e-4, max_iter: 10_000, bias: 1.0, seed: 1, min_df: 1 };
        let w = train_binary(&x, &y, &[1.0; 6], &p);
        for (xi, yi) in xs.iter().zip(y) {
            assert_eq!((w[0] * xi + w[1]).signum() as i8, yi, "x={xi} w={w:?}");
        }
    }
}
