//! Rooms, their codes and their members.

use super::{Credentials, enum_text, parse_enum, parse_ts, parse_uuid, ts};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Result, params};
use uuid::Uuid;
use worktogether_room_protocol::{Member, Room};

pub(super) fn code_taken(conn: &Connection, code: &str) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM rooms WHERE code = ?1) OR EXISTS (SELECT 1 FROM former_codes WHERE code = ?1)
         OR EXISTS (SELECT 1 FROM retired_codes WHERE code = ?1)",
        [code],
        |r| r.get(0),
    )
}

pub(super) fn insert(conn: &Connection, room: &Room) -> Result<i64> {
    conn.execute(
        "INSERT INTO rooms (code, name, link, description, host_id, created_at, last_activity_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![room.code, room.name, room.link, room.description, room.host_id.to_string(), ts(room.created_at)],
    )?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn room(conn: &Connection, room_id: i64) -> Result<Room> {
    conn.query_row(
        "SELECT code, name, link, description, host_id, created_at FROM rooms WHERE id = ?1",
        [room_id],
        |r| {
            Ok(Room {
                code: r.get(0)?,
                name: r.get(1)?,
                link: r.get(2)?,
                description: r.get(3)?,
                host_id: parse_uuid(&r.get::<_, String>(4)?)?,
                created_at: parse_ts(&r.get::<_, String>(5)?)?,
            })
        },
    )
}

pub(super) fn update(conn: &Connection, room_id: i64, value: &Room) -> Result<()> {
    conn.execute(
        "INSERT INTO former_codes (code, room_id) SELECT code, id FROM rooms WHERE id = ?1 AND code <> ?2",
        params![room_id, value.code],
    )?;
    conn.execute(
        "UPDATE rooms SET code = ?2, name = ?3, link = ?4, description = ?5, host_id = ?6 WHERE id = ?1",
        params![room_id, value.code, value.name, value.link, value.description, value.host_id.to_string()],
    )?;
    Ok(())
}

/// Deletes the rooms `r` that `condition` selects (with `?1` bound to `value`), after copying
/// their current and former codes into `retired_codes`. Returns their ids.
pub(super) fn delete_where(
    conn: &Connection,
    condition: &str,
    value: impl rusqlite::ToSql,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    conn.execute(
        &format!(
            "INSERT OR IGNORE INTO retired_codes (code, retired_at)
             SELECT r.code, ?2 FROM rooms r WHERE {condition}
             UNION ALL SELECT f.code, ?2 FROM former_codes f JOIN rooms r ON r.id = f.room_id WHERE {condition}"
        ),
        params![value, ts(now)],
    )?;
    conn.prepare(&format!("DELETE FROM rooms AS r WHERE {condition} RETURNING id"))?
        .query_map([value], |r| r.get(0))?
        .collect()
}

pub(super) fn credentials(conn: &Connection, member_id: Uuid) -> Result<Option<Credentials>> {
    conn.query_row(
        "SELECT m.token_hash, r.id, r.code, r.host_id FROM members m JOIN rooms r ON r.id = m.room_id
         WHERE m.id = ?1 AND m.left_at IS NULL",
        [member_id.to_string()],
        |r| {
            Ok(Credentials {
                member_id,
                token_hash: r.get(0)?,
                room_id: r.get(1)?,
                room_code: r.get(2)?,
                host_id: parse_uuid(&r.get::<_, String>(3)?)?,
            })
        },
    )
    .optional()
}

pub(super) fn insert_member(conn: &Connection, room_id: i64, m: &Member, token_hash: &[u8]) -> Result<()> {
    conn.execute(
        "INSERT INTO members (id, room_id, display_name, token_hash, presence, joined_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![m.id.to_string(), room_id, m.display_name, token_hash, enum_text(&m.presence), ts(m.joined_at)],
    )?;
    Ok(())
}

const MEMBER_COLUMNS: &str = "id, display_name, presence, joined_at";

fn member_row(r: &rusqlite::Row<'_>) -> Result<Member> {
    Ok(Member {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        display_name: r.get(1)?,
        presence: parse_enum(&r.get::<_, String>(2)?)?,
        joined_at: parse_ts(&r.get::<_, String>(3)?)?,
    })
}

pub(super) fn member(conn: &Connection, member_id: Uuid) -> Result<Option<Member>> {
    let sql = format!("SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?1");
    conn.query_row(&sql, [member_id.to_string()], member_row).optional()
}

pub(super) fn members(conn: &Connection, room_id: i64) -> Result<Vec<Member>> {
    let sql =
        format!("SELECT {MEMBER_COLUMNS} FROM members WHERE room_id = ?1 AND left_at IS NULL ORDER BY joined_at, id");
    conn.prepare_cached(&sql)?.query_map([room_id], member_row)?.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deleted_rooms_codes_are_retired_and_count_as_taken() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrations::migrations().to_latest(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO rooms (id, code, name, host_id, created_at, last_activity_at) VALUES (1, 'AAAAA-AAAAA', 'R', 'h', 't', 't');
             INSERT INTO former_codes (code, room_id) VALUES ('BBBBB-BBBBB', 1);",
        )
        .unwrap();
        assert_eq!(delete_where(&conn, "r.id = ?1", 1, Utc::now()).unwrap(), vec![1]);
        for code in ["AAAAA-AAAAA", "BBBBB-BBBBB"] {
            assert!(code_taken(&conn, code).unwrap(), "{code}");
        }
        assert!(!code_taken(&conn, "CCCCC-CCCCC").unwrap());
    }
}
