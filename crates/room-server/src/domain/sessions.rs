//! Shared sessions, the commitments members publish to them (or post ahead of the next
//! one), outcomes and kudos.

use super::{Idempotency, Rooms, begin};
use crate::error::{AppError, Result};
use chrono::{DateTime, Utc};
use uuid::Uuid;
use worktogether_room_protocol::{
    ActionRefused, AheadCommitment, Outcome, PhaseKind, ReportOutcome, RoomChange, RoomCommitment, SessionAction,
    SessionDetail, SharedPhase, SharedSession, StartSession,
};

/// Most commitments one member publishes to one session; also most they have posted ahead of
/// the next one, which move into it and count there.
pub const COMMITMENTS_PER_MEMBER: u32 = 20;
/// How many sessions a listing returns.
const SESSION_LIST_MAX: u32 = 50;

impl Rooms {
    /// The host starts a shared session (validated plan) unless one is still running. The
    /// commitments posted ahead move into it: `session_started` first, then one
    /// `commitment_published` each, in the order they came.
    pub async fn start_session(
        &self,
        code: &str,
        token: &str,
        req: StartSession,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<SharedSession> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        actor.require_host()?;
        if let Some(s) = w.latest_session(actor.room_id).await?
            && !matches!(s.phase_at(now), SharedPhase::Over { .. })
        {
            return Err(AppError::wrong_state("a shared session is still running; end it first"));
        }
        let session = SharedSession {
            id: Uuid::now_v7(),
            template_name: req.template_name,
            phases: req.phases,
            started_at: now,
            anchor_index: 0,
            anchor_at: now,
            paused_at: None,
            ended_at: None,
        };
        w.save_session(actor.room_id, &session).await?;
        w.emit(actor.room_id, RoomChange::SessionStarted { session: session.clone() }).await?;
        // The commitments posted ahead move in: same id and `created_at`, marked `ahead`.
        for ahead in w.ahead(actor.room_id).await? {
            let commitment = RoomCommitment {
                id: ahead.id,
                session_id: session.id,
                member_id: ahead.member_id,
                text: ahead.text,
                outcome: Outcome::Pending,
                note: None,
                feedback_wanted: false,
                kudos: Vec::new(),
                created_at: ahead.created_at,
                afterwards: false,
                ahead: true,
            };
            w.save_commitment(&commitment).await?;
            w.emit(actor.room_id, RoomChange::CommitmentPublished { commitment }).await?;
        }
        w.delete_ahead_of_room(actor.room_id).await?;
        w.finish(session).await
    }

    /// The host pauses, resumes, skips or ends the session for everyone.
    pub async fn control_session(
        &self,
        code: &str,
        token: &str,
        session_id: Uuid,
        action: SessionAction,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<SharedSession> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        let mut session = w.session(actor.room_id, session_id).await?.ok_or(AppError::NotFound("session"))?;
        actor.require_host()?;
        session.apply(action, now).map_err(|e| match e {
            ActionRefused::SessionOver => AppError::wrong_state("the session is over"),
            ActionRefused::AlreadyPaused => AppError::wrong_state("the session is already paused"),
            ActionRefused::NotPaused => AppError::wrong_state("the session is not paused"),
        })?;
        w.save_session(actor.room_id, &session).await?;
        w.emit(actor.room_id, RoomChange::SessionChanged { session: session.clone(), action }).await?;
        w.finish(session).await
    }

    /// The room's sessions, newest first.
    pub async fn list_sessions(&self, code: &str, token: &str) -> Result<Vec<SharedSession>> {
        let (mut tx, actor) = self.read_as(code, token).await?;
        tx.sessions(actor.room_id, SESSION_LIST_MAX).await
    }

    pub async fn session_detail(&self, code: &str, token: &str, session_id: Uuid) -> Result<SessionDetail> {
        let (mut tx, actor) = self.read_as(code, token).await?;
        let session = tx.session(actor.room_id, session_id).await?.ok_or(AppError::NotFound("session"))?;
        let commitments = tx.commitments(session_id).await?;
        let questions = tx.questions(session_id).await?;
        Ok(SessionDetail { session, commitments, questions })
    }

    /// A member shares a commitment, live or (after the session) asynchronously.
    pub async fn publish_commitment(
        &self,
        code: &str,
        token: &str,
        session_id: Uuid,
        text: String,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<RoomCommitment> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        let session = w.session(actor.room_id, session_id).await?.ok_or(AppError::NotFound("session"))?;
        if w.count_commitments(session_id, actor.member_id).await? >= COMMITMENTS_PER_MEMBER {
            return Err(AppError::wrong_state(format!(
                "a member shares at most {COMMITMENTS_PER_MEMBER} commitments per session"
            )));
        }
        let commitment = RoomCommitment {
            id: Uuid::now_v7(),
            session_id,
            member_id: actor.member_id,
            text,
            outcome: Outcome::Pending,
            note: None,
            feedback_wanted: false,
            kudos: Vec::new(),
            created_at: now,
            afterwards: matches!(session.phase_at(now), SharedPhase::Over { .. }),
            ahead: false,
        };
        w.save_commitment(&commitment).await?;
        w.emit(actor.room_id, RoomChange::CommitmentPublished { commitment: commitment.clone() }).await?;
        w.finish(commitment).await
    }

    /// A member who cannot come posts a commitment (text validated) for the room's next
    /// session, while none runs (a paused one runs too: they share it there).
    pub async fn post_ahead(
        &self,
        code: &str,
        token: &str,
        text: String,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<AheadCommitment> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        if let Some(s) = w.latest_session(actor.room_id).await?
            && !matches!(s.phase_at(now), SharedPhase::Over { .. })
        {
            return Err(AppError::wrong_state("a session is running or paused: share the commitment in it"));
        }
        if w.count_ahead(actor.member_id).await? >= COMMITMENTS_PER_MEMBER {
            return Err(AppError::wrong_state(format!(
                "a member posts at most {COMMITMENTS_PER_MEMBER} commitments ahead of a session"
            )));
        }
        let commitment = AheadCommitment { id: Uuid::now_v7(), member_id: actor.member_id, text, created_at: now };
        w.insert_ahead(actor.room_id, &commitment).await?;
        w.emit(actor.room_id, RoomChange::CommitmentPostedAhead { commitment: commitment.clone() }).await?;
        w.finish(commitment).await
    }

    /// A member reports the outcome of their own commitment, in the closing round or afterwards.
    pub async fn report_outcome(
        &self,
        code: &str,
        token: &str,
        commitment_id: Uuid,
        report: ReportOutcome,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<RoomCommitment> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        let mut commitment =
            w.commitment(actor.room_id, commitment_id).await?.ok_or(AppError::NotFound("commitment"))?;
        if commitment.member_id != actor.member_id {
            return Err(AppError::Forbidden("only the member who made a commitment reports its outcome"));
        }
        let session = w.session(actor.room_id, commitment.session_id).await?.ok_or(AppError::NotFound("session"))?;
        match session.phase_at(now) {
            SharedPhase::Over { .. } => {}
            SharedPhase::Running { kind: PhaseKind::Closing, .. }
            | SharedPhase::Paused { kind: PhaseKind::Closing, .. } => {}
            _ => return Err(AppError::wrong_state("outcomes are reported in the closing round or afterwards")),
        }
        commitment.outcome = report.outcome;
        commitment.note = report.note;
        commitment.feedback_wanted = report.feedback_wanted;
        w.save_commitment(&commitment).await?;
        w.emit(actor.room_id, RoomChange::CommitmentUpdated { commitment: commitment.clone() }).await?;
        w.finish(commitment).await
    }

    /// A member gives kudos to someone else's commitment; giving them again changes nothing.
    pub async fn give_kudos(
        &self,
        code: &str,
        token: &str,
        commitment_id: Uuid,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<RoomCommitment> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        let commitment = w.commitment(actor.room_id, commitment_id).await?.ok_or(AppError::NotFound("commitment"))?;
        if commitment.member_id == actor.member_id {
            return Err(AppError::invalid("kudos are for other members' commitments"));
        }
        if !w.add_kudos(commitment_id, actor.member_id, now).await? {
            return w.finish(commitment).await;
        }
        let commitment = w.commitment(actor.room_id, commitment_id).await?.ok_or(AppError::NotFound("commitment"))?;
        w.emit(actor.room_id, RoomChange::CommitmentUpdated { commitment: commitment.clone() }).await?;
        w.finish(commitment).await
    }
}
