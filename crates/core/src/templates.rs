//! The built-in templates, and the rules every template follows.

use crate::error::{CoreError, Result};
use crate::limits::{PHASE_MAX_SECS, PHASE_MIN_SECS, TEMPLATE_MAX_PHASES, TEMPLATE_NAME_MAX_CHARS};
use crate::model::{PhaseKind, PlannedPhase};

/// Which built-in template; its name is given in the person's language when it is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Worktogether,
    Pomodoro,
    ShortBlock,
}

impl Builtin {
    pub const ALL: [Builtin; 3] = [Self::Worktogether, Self::Pomodoro, Self::ShortBlock];

    pub fn key(self) -> &'static str {
        match self {
            Self::Worktogether => "worktogether",
            Self::Pomodoro => "pomodoro",
            Self::ShortBlock => "short_block",
        }
    }

    /// The phases as in the product brief.
    pub fn phases(self) -> Vec<PlannedPhase> {
        use PhaseKind::*;
        let p = PlannedPhase::new;
        match self {
            // commitment 10 · focus 50 · break 10 · focus 50 · closing 10
            Self::Worktogether => vec![p(Commitment, 10), p(Focus, 50), p(Break, 10), p(Focus, 50), p(Closing, 10)],
            // commitment 5 · 4 × (focus 25 · break 5, no break after the last) · closing 5
            Self::Pomodoro => {
                let mut phases = vec![p(Commitment, 5)];
                for i in 0..4 {
                    phases.push(p(Focus, 25));
                    if i < 3 {
                        phases.push(p(Break, 5));
                    }
                }
                phases.push(p(Closing, 5));
                phases
            }
            // nap-friendly: commitment 3 · focus 45 · closing 2
            Self::ShortBlock => vec![p(Commitment, 3), p(Focus, 45), p(Closing, 2)],
        }
    }
}

/// Checks a template's name and returns it trimmed.
pub fn validate_name(name: &str) -> Result<String> {
    let name = name.trim();
    if crate::validate::shows_nothing(name) {
        return Err(CoreError::TemplateNameEmpty);
    }
    if name.chars().count() > TEMPLATE_NAME_MAX_CHARS {
        return Err(CoreError::TemplateNameTooLong { max: TEMPLATE_NAME_MAX_CHARS });
    }
    Ok(name.to_owned())
}

/// A template is the ritual: a commitment round first, a closing round last, and focus
/// blocks (with breaks) in between; every phase lasts 1 second to 8 hours.
pub fn validate_phases(phases: &[PlannedPhase]) -> Result<()> {
    if phases.len() > TEMPLATE_MAX_PHASES {
        return Err(CoreError::TooManyPhases { max: TEMPLATE_MAX_PHASES });
    }
    let (Some(first), Some(last)) = (phases.first(), phases.last()) else {
        return Err(CoreError::TemplateShape);
    };
    let middle = &phases[1..phases.len().saturating_sub(1).max(1)];
    let shape_ok = phases.len() >= 3
        && first.kind == PhaseKind::Commitment
        && last.kind == PhaseKind::Closing
        && middle.iter().all(|p| matches!(p.kind, PhaseKind::Focus | PhaseKind::Break))
        && middle.iter().any(|p| p.kind == PhaseKind::Focus);
    if !shape_ok {
        return Err(CoreError::TemplateShape);
    }
    for (i, phase) in phases.iter().enumerate() {
        let position = i as u32 + 1;
        if phase.duration_secs < PHASE_MIN_SECS {
            return Err(CoreError::PhaseZero { position });
        }
        if phase.duration_secs > PHASE_MAX_SECS {
            return Err(CoreError::PhaseTooLong { position });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minutes(list: &[(PhaseKind, u32)]) -> Vec<(PhaseKind, u32)> {
        list.to_vec()
    }

    #[test]
    fn builtins_match_the_product_brief() {
        use PhaseKind::*;
        let as_minutes = |b: Builtin| -> Vec<(PhaseKind, u32)> {
            b.phases().iter().map(|p| (p.kind, p.duration_secs / 60)).collect()
        };
        assert_eq!(
            as_minutes(Builtin::Worktogether),
            minutes(&[(Commitment, 10), (Focus, 50), (Break, 10), (Focus, 50), (Closing, 10)])
        );
        assert_eq!(
            as_minutes(Builtin::Pomodoro),
            minutes(&[
                (Commitment, 5),
                (Focus, 25),
                (Break, 5),
                (Focus, 25),
                (Break, 5),
                (Focus, 25),
                (Break, 5),
                (Focus, 25),
                (Closing, 5)
            ])
        );
        assert_eq!(as_minutes(Builtin::ShortBlock), minutes(&[(Commitment, 3), (Focus, 45), (Closing, 2)]));
        for b in Builtin::ALL {
            validate_phases(&b.phases()).expect("built-ins follow the template rules");
        }
    }

    #[test]
    fn bad_shapes_and_durations_are_refused() {
        use PhaseKind::*;
        let p = |kind, duration_secs| PlannedPhase { kind, duration_secs };
        let cases: Vec<(Vec<PlannedPhase>, &str)> = vec![
            (vec![], "empty"),
            (vec![p(Commitment, 60), p(Closing, 60)], "no focus"),
            (vec![p(Focus, 60), p(Focus, 60), p(Closing, 60)], "no commitment round first"),
            (vec![p(Commitment, 60), p(Focus, 60), p(Break, 60)], "no closing round last"),
            (vec![p(Commitment, 60), p(Break, 60), p(Closing, 60)], "only a break"),
            (vec![p(Commitment, 60), p(Closing, 60), p(Focus, 60), p(Closing, 60)], "closing in the middle"),
        ];
        for (phases, why) in cases {
            assert!(
                matches!(validate_phases(&phases), Err(CoreError::TemplateShape)),
                "{why} must be refused as a bad shape"
            );
        }
        let zero = vec![p(Commitment, 60), p(Focus, 0), p(Closing, 60)];
        assert!(matches!(validate_phases(&zero), Err(CoreError::PhaseZero { position: 2 })));
        let long = vec![p(Commitment, 60), p(Focus, PHASE_MAX_SECS + 1), p(Closing, 60)];
        assert!(matches!(validate_phases(&long), Err(CoreError::PhaseTooLong { position: 2 })));
        let ok = vec![p(Commitment, 1), p(Focus, PHASE_MAX_SECS), p(Closing, 1)];
        assert!(validate_phases(&ok).is_ok(), "1 second and exactly 8 hours are the allowed bounds");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(validate_name("  Deep work ").unwrap(), "Deep work");
        assert!(matches!(validate_name("   "), Err(CoreError::TemplateNameEmpty)));
        let long = "x".repeat(TEMPLATE_NAME_MAX_CHARS + 1);
        assert!(matches!(validate_name(&long), Err(CoreError::TemplateNameTooLong { .. })));
    }
}
