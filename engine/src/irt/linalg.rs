//! The little dense linear algebra the calibration needs: inverting a symmetric positive
//! definite information matrix by Cholesky factorisation.

/// Inverts the symmetric positive definite `n × n` matrix `m` (row-major). Returns `None` if
/// it is not positive definite (an unidentified or degenerate calibration).
pub fn spd_inverse(m: &[f64], n: usize) -> Option<Vec<f64>> {
    // Cholesky: m = L Lᵀ.
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = m[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    // L⁻¹ by forward substitution, then m⁻¹ = L⁻ᵀ L⁻¹.
    let mut inv_l = vec![0.0; n * n];
    for i in 0..n {
        inv_l[i * n + i] = 1.0 / l[i * n + i];
        for j in 0..i {
            let mut s = 0.0;
            for k in j..i {
                s -= l[i * n + k] * inv_l[k * n + j];
            }
            inv_l[i * n + j] = s / l[i * n + i];
        }
    }
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = 0.0;
            for k in i..n {
                s += inv_l[k * n + i] * inv_l[k * n + j];
            }
            out[i * n + j] = s;
            out[j * n + i] = s;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_times_matrix_is_the_identity() {
        let m = [4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0];
        let inv = spd_inverse(&m, 3).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| m[i * 3 + k] * inv[k * 3 + j]).sum();
                assert!((v - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12);
            }
        }
        assert!(spd_inverse(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
    }
}
