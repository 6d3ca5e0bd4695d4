//! Attempts: starting, answering, the break, submitting and scoring.

mod adaptive;
mod batch;
mod breaks;
mod finish;
pub mod group_commit;
pub mod marks;
mod record;
mod save;
pub mod scoring;
mod sqlite_commit;
mod start;
mod view;

pub use adaptive::{advance, parse_pool, plan, replay, Advance, Plan};
pub use breaks::{decline_break, end_break, start_break};
pub use finish::{
    credit_downtime, finalize_expired, heartbeat, report, result_state, submit, SubmittedBy,
};
pub use record::{
    check_language, owned as record_owned, parse_attempt_id, set_language, AttemptRow, Reader,
};
pub use save::{
    parse_choices, read_answering, save_answer, save_read, toggle_strike, Answering, SaveRequest,
};
pub use sqlite_commit::Apply;
pub use start::{day_text, linear_form, random_id, start_or_resume, AttemptKind};
pub use view::{break_page, dashboard, instructions, item_page, resume_target, review};
pub use view::{question_count, set_current_position};
