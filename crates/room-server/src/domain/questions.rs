//! Questions to the host: a member asks about one of their own shared commitments while the
//! session runs; the host sees them in the order they came and marks each answered.

use super::{Idempotency, Rooms, begin};
use crate::error::{AppError, Result};
use chrono::{DateTime, Utc};
use uuid::Uuid;
use worktogether_room_protocol::{Question, RoomChange, SharedPhase};

/// Most unanswered questions of one member in one session: enough for a session, few
/// enough that one member cannot bury everyone else's.
pub const OPEN_PER_MEMBER: u32 = 20;
/// Most unanswered questions in one session: more than a host answers in one.
pub const OPEN_PER_SESSION: u32 = 200;
/// Most questions in one session, answered ones included: the session's detail lists them
/// all, so answering cannot make it grow without bound.
pub const PER_SESSION: u32 = 1000;

impl Rooms {
    /// A member asks the host about one of their own commitments (text validated), while
    /// its session is not over.
    pub async fn ask_question(
        &self,
        code: &str,
        token: &str,
        commitment_id: Uuid,
        text: String,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Question> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        let commitment = w.commitment(actor.room_id, commitment_id).await?.ok_or(AppError::NotFound("commitment"))?;
        if commitment.member_id != actor.member_id {
            return Err(AppError::Forbidden("a member asks questions about their own commitments only"));
        }
        let session = w.session(actor.room_id, commitment.session_id).await?.ok_or(AppError::NotFound("session"))?;
        // Asked of the host during the session; afterwards nobody is there to answer.
        if matches!(session.phase_at(now), SharedPhase::Over { .. }) {
            return Err(AppError::wrong_state("the session is over; questions are asked while it runs"));
        }
        let counts = w.count_questions(session.id, actor.member_id).await?;
        if counts.open_of_member >= OPEN_PER_MEMBER {
            return Err(AppError::wrong_state(format!(
                "a member has at most {OPEN_PER_MEMBER} open questions in a session; ask again once the host answered one"
            )));
        }
        if counts.open >= OPEN_PER_SESSION {
            return Err(AppError::wrong_state(format!(
                "the session has {OPEN_PER_SESSION} open questions, the most it holds; ask again once the host answered some"
            )));
        }
        if counts.all >= PER_SESSION {
            return Err(AppError::wrong_state(format!("a session holds at most {PER_SESSION} questions")));
        }
        let question = Question {
            id: Uuid::now_v7(),
            session_id: session.id,
            member_id: actor.member_id,
            commitment_id,
            text,
            asked_at: now,
            answered_at: None,
        };
        w.insert_question(&question).await?;
        w.emit(actor.room_id, RoomChange::QuestionAsked { question: question.clone() }).await?;
        w.finish(question).await
    }

    /// The host marks a question answered, also after the session. Marking it again changes
    /// nothing and emits nothing: the answer keeps the first `answeredAt`.
    pub async fn mark_answered(
        &self,
        code: &str,
        token: &str,
        question_id: Uuid,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Question> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        actor.require_host()?;
        let mut question = w.question(actor.room_id, question_id).await?.ok_or(AppError::NotFound("question"))?;
        if w.mark_answered(question_id, now).await? {
            question.answered_at = Some(now);
            w.emit(actor.room_id, RoomChange::QuestionAnswered { question: question.clone() }).await?;
        }
        w.finish(question).await
    }
}
