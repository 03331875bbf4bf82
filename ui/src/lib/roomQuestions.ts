// Pure helpers of "ask the host": who is offered the question form on which commitment, the
// host's queue (open ones in the order they came, the answered ones apart), a member's own
// questions, and the one rule the form checks before sending. Rust and the room server decide;
// a question goes through the outbox, so it shows once the server's event came back.
import type { MemberView } from "../bindings/ipc";
import type { QuestionView } from "../bindings/ipc";
import type { RoomView } from "../bindings/ipc";
import type { SharedCommitmentView } from "../bindings/ipc";
import { COMMITMENT_MAX_CHARS } from "../bindings/limits";
import { charCount, trimAsRust } from "./format";
import { sessionRuns } from "./roomSession";

/**
 * Whether the person may ask the host about this commitment: their own, shared in the room's
 * session while it runs (the server refuses questions once it is over), in a room they are
 * still in — and they are not the host (the host does not ask themselves).
 */
export function canAsk(
  room: Pick<RoomView, "iAmHost" | "session" | "connection">,
  commitment: Pick<SharedCommitmentView, "mine">,
): boolean {
  return commitment.mine && !room.iAmHost && sessionRuns(room) && room.connection.state !== "ended";
}

/**
 * The longest question the room server takes by default (its commitment limit, the core's too).
 * A question waits in the outbox, so one the server would refuse is caught before it is queued.
 */
export const QUESTION_MAX_CHARS = COMMITMENT_MAX_CHARS;

/** What the form says before sending: only a question too long. An empty one Rust refuses in words. */
export function questionProblem(text: string): "too_long" | null {
  return charCount(trimAsRust(text)) > QUESTION_MAX_CHARS ? "too_long" : null;
}

/** The host's queue: the open questions in the order they came, then the answered ones. */
export function hostQueue(questions: readonly QuestionView[]): { open: QuestionView[]; answered: QuestionView[] } {
  return {
    open: questions.filter((q) => !q.answered),
    answered: questions.filter((q) => q.answered),
  };
}

/** This person's own questions, in the order they asked them. */
export function myQuestions(questions: readonly QuestionView[]): QuestionView[] {
  return questions.filter((q) => q.mine);
}

/**
 * Which questions the room's view lists: the host's queue (while there is a session to ask in,
 * or questions from it), a member's own questions once they asked one, or none.
 */
export function questionsPart(room: Pick<RoomView, "iAmHost" | "session" | "questions">): "host" | "mine" | null {
  if (room.iAmHost) return room.questions.length > 0 || sessionRuns(room) ? "host" : null;
  return room.questions.some((q) => q.mine) ? "mine" : null;
}

/** Who asked: the member's name, or null for someone no longer in the room. */
export function askerName(question: Pick<QuestionView, "memberId">, members: readonly MemberView[]): string | null {
  return members.find((m) => m.id === question.memberId)?.displayName ?? null;
}

/** The commitment a question is about, if the room still shows it. */
export function questionCommitment(
  question: Pick<QuestionView, "commitmentId">,
  commitments: readonly SharedCommitmentView[],
): SharedCommitmentView | null {
  return commitments.find((c) => c.id === question.commitmentId) ?? null;
}

/** The room's host, to name them in the question form (null: none known). */
export function hostOf(members: readonly MemberView[]): MemberView | null {
  return members.find((m) => m.isHost) ?? null;
}
