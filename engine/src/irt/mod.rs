//! Item response theory: models, ability estimation, calibration, scaled scores.
//!
//! Every formula is written out in its module with a citation. Conventions follow the reference
//! data in `engine/tests/reference/psychometrics/README.md`: logistic models with `D = 1` unless
//! set otherwise, θ on the N(0, 1) metric of the calibration.

pub mod ability;
pub mod model;
pub mod responses;
pub mod roots;

pub use ability::{
    AbilityScorer, EapSettings, Estimate, Grid, Method, NormalPrior, QuadratureRule, Status,
};
pub use model::{Difficulty, Discrimination, Guessing, ItemModel, ItemParams, ParamError};
pub use responses::{Response, ResponseMatrix};
pub mod calibrate;
pub mod fit;
pub use fit::{item_fit, ItemFit};
pub mod linalg;
pub use calibrate::{calibrate, BetaPrior, Calibration, CalibrationError, CalibrationSettings};
pub mod scale;
pub use scale::{Band, ScaleMap, Subscore};
