//! Templates: the built-ins (editable, not deletable) and the person's own.

use super::{Store, parse_uuid, ts};
use crate::Timestamp;
use crate::error::{CoreError, Entity, Result};
use crate::ids::new_id;
use crate::model::{LanguageChoice, PlannedPhase, Settings, Template, TemplateDraft};
use crate::templates::{Builtin, validate_name, validate_phases};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use uuid::Uuid;

const COLUMNS: &str = "id, name, builtin_key IS NOT NULL, phases";

fn from_row(row: &Row) -> rusqlite::Result<Template> {
    let phases: String = row.get(3)?;
    Ok(Template {
        id: parse_uuid(&row.get::<_, String>(0)?)?,
        name: row.get(1)?,
        builtin: row.get(2)?,
        phases: serde_json::from_str(&phases)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e)))?,
    })
}

fn phases_json(phases: &[PlannedPhase]) -> String {
    serde_json::to_string(phases).expect("phases always serialize")
}

pub(crate) fn get(conn: &Connection, id: Uuid) -> Result<Template> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM templates WHERE id = ?1"), [id.to_string()], from_row)
        .optional()?
        .ok_or(CoreError::NotFound(Entity::Template))
}

impl Store {
    /// Creates the built-in templates that are missing, named in the person's language.
    pub fn ensure_builtin_templates(&mut self, name: impl Fn(Builtin) -> String, now: Timestamp) -> Result<()> {
        let tx = self.conn.transaction()?;
        for (position, builtin) in Builtin::ALL.into_iter().enumerate() {
            let exists: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM templates WHERE builtin_key = ?1)", [builtin.key()], |r| {
                    r.get(0)
                })?;
            if exists {
                continue;
            }
            // A person's own template may already carry the name; keep theirs, mark ours.
            let mut candidate = name(builtin);
            while tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM templates WHERE name = ?1 COLLATE NOCASE)",
                [&candidate],
                |r| r.get::<_, bool>(0),
            )? {
                candidate.push('*');
            }
            tx.execute(
                "INSERT INTO templates (id, name, builtin_key, phases, position, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    new_id(now).to_string(),
                    candidate,
                    builtin.key(),
                    phases_json(&builtin.phases()),
                    position as i64,
                    ts(now)
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn list_templates(&self) -> Result<Vec<Template>> {
        let mut stmt =
            self.conn.prepare(&format!("SELECT {COLUMNS} FROM templates ORDER BY position, created_at, name"))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Switches the language and renames the built-in templates the person has not renamed
    /// (their name is still one of `untouched`'s) to `name`, in one transaction: the built-ins
    /// follow a change of language, or nothing changes. A name another template already has
    /// is left alone.
    pub fn change_language(
        &mut self,
        choice: LanguageChoice,
        untouched: impl Fn(Builtin, &str) -> bool,
        name: impl Fn(Builtin) -> String,
    ) -> Result<Settings> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        super::settings::set_language(&tx, choice)?;
        for builtin in Builtin::ALL {
            let current: Option<String> = tx
                .query_row("SELECT name FROM templates WHERE builtin_key = ?1", [builtin.key()], |r| r.get(0))
                .optional()?;
            let Some(current) = current.filter(|c| untouched(builtin, c)) else { continue };
            let new = name(builtin);
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM templates WHERE name = ?1 COLLATE NOCASE AND builtin_key IS NOT ?2)",
                params![new, builtin.key()],
                |r| r.get(0),
            )?;
            if !taken && new != current {
                tx.execute("UPDATE templates SET name = ?2 WHERE builtin_key = ?1", params![builtin.key(), new])?;
            }
        }
        tx.commit()?;
        self.settings()
    }

    /// The template with this name, ignoring case (the command line's `--template NAME`).
    pub fn template_named(&self, name: &str) -> Result<Template> {
        let wanted = name.trim().to_lowercase();
        self.list_templates()?
            .into_iter()
            .find(|t| t.name.to_lowercase() == wanted)
            .ok_or_else(|| CoreError::TemplateNameUnknown(name.trim().to_owned()))
    }

    pub fn template(&self, id: Uuid) -> Result<Template> {
        get(&self.conn, id)
    }

    /// Creates a template (`draft.id` is `None`) or changes one.
    pub fn save_template(&mut self, draft: TemplateDraft, now: Timestamp) -> Result<Template> {
        let name = validate_name(&draft.name)?;
        validate_phases(&draft.phases)?;
        let tx = self.conn.transaction()?;
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM templates WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2)",
            params![name, draft.id.map(|id| id.to_string())],
            |r| r.get(0),
        )?;
        if taken {
            return Err(CoreError::TemplateNameTaken);
        }
        let id = match draft.id {
            Some(id) => {
                let changed = tx.execute(
                    "UPDATE templates SET name = ?2, phases = ?3 WHERE id = ?1",
                    params![id.to_string(), name, phases_json(&draft.phases)],
                )?;
                if changed == 0 {
                    return Err(CoreError::NotFound(Entity::Template));
                }
                id
            }
            None => {
                let id = new_id(now);
                tx.execute(
                    "INSERT INTO templates (id, name, builtin_key, phases, position, created_at)
                     VALUES (?1, ?2, NULL, ?3, (SELECT COALESCE(MAX(position), 0) + 1 FROM templates), ?4)",
                    params![id.to_string(), name, phases_json(&draft.phases), ts(now)],
                )?;
                id
            }
        };
        let saved = get(&tx, id)?;
        tx.commit()?;
        Ok(saved)
    }

    pub fn delete_template(&mut self, id: Uuid) -> Result<()> {
        let tx = self.conn.transaction()?;
        if get(&tx, id)?.builtin {
            return Err(CoreError::BuiltinTemplate);
        }
        tx.execute("DELETE FROM templates WHERE id = ?1", [id.to_string()])?;
        tx.commit()?;
        Ok(())
    }
}
