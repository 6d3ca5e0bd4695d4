//! Properties that must hold for any valid items and patterns.

use certamen_engine::irt::ability::{loglik, score};
use certamen_engine::irt::{AbilityScorer, EapSettings, ItemParams, Method, Status};
use proptest::prelude::*;

fn item() -> impl Strategy<Value = ItemParams> {
    (0.3f64..2.5, -3.0f64..3.0, 0.0f64..0.35)
        .prop_map(|(a, b, c)| ItemParams::three_pl(a, b, c).expect("in range"))
}

proptest! {
    #[test]
    fn probability_lies_between_c_and_1_and_information_is_positive(it in item(), theta in -8.0f64..8.0) {
        let p = it.prob(theta);
        prop_assert!(p >= it.c.get() && p <= 1.0);
        prop_assert!(it.info(theta) >= 0.0);
        let (lp, lq) = it.ln_prob_pair(theta);
        prop_assert!((lp.exp() + lq.exp() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn an_interior_mle_is_a_stationary_global_maximum(
        items in prop::collection::vec(item(), 5..30),
        seed in any::<u64>(),
    ) {
        let resp: Vec<Option<bool>> = (0..items.len()).map(|j| Some((seed >> (j % 64)) & 1 == 1)).collect();
        let e = AbilityScorer::new(&items, Method::Mle).unwrap().estimate(&resp).unwrap();
        if e.status == Status::Ok {
            prop_assert!(score(&items, &resp, e.theta).abs() < 1e-6);
            let best = loglik(&items, &resp, e.theta);
            for k in -100..=100 {
                prop_assert!(loglik(&items, &resp, k as f64 / 10.0) <= best + 1e-9);
            }
        }
    }

    #[test]
    fn eap_rises_with_each_extra_correct_answer(
        items in prop::collection::vec(item(), 3..25),
        seed in any::<u64>(),
        flip in any::<prop::sample::Index>(),
    ) {
        let mut resp: Vec<Option<bool>> = (0..items.len()).map(|j| Some((seed >> (j % 64)) & 1 == 1)).collect();
        let j = flip.index(items.len());
        resp[j] = Some(false);
        let scorer = AbilityScorer::new(&items, Method::Eap(EapSettings::default())).unwrap();
        let lower = scorer.estimate(&resp).unwrap();
        resp[j] = Some(true);
        let higher = scorer.estimate(&resp).unwrap();
        prop_assert!(higher.theta > lower.theta);
        // A posterior can be wider than the prior for odd 3PL patterns, never wider than the grid.
        prop_assert!(lower.se > 0.0 && lower.se < 4.0);
    }

    #[test]
    fn item_order_does_not_change_an_estimate(
        items in prop::collection::vec(item(), 3..20),
        seed in any::<u64>(),
    ) {
        let resp: Vec<Option<bool>> = (0..items.len()).map(|j| Some((seed >> (j % 64)) & 1 == 1)).collect();
        let rev_items: Vec<_> = items.iter().rev().copied().collect();
        let rev_resp: Vec<_> = resp.iter().rev().copied().collect();
        for method in [Method::Eap(EapSettings::default()), Method::Wle] {
            let a = AbilityScorer::new(&items, method).unwrap().estimate(&resp).unwrap();
            let b = AbilityScorer::new(&rev_items, method).unwrap().estimate(&rev_resp).unwrap();
            prop_assert!((a.theta - b.theta).abs() < 1e-9 || a.theta == b.theta);
        }
    }
}
