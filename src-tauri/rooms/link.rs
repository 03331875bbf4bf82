//! Invite links: `worktogether://join/<host>[:port][/path]/<code>`. The app opens them from
//! the desktop (the URL scheme), from the join form and from `worktogether join LINK`.
//!
//! A link carries no scheme of its own: the room server is reached over HTTPS, except on
//! this computer (`localhost`, loopback addresses), where plain HTTP is allowed.

use url::{Host, Url};
use worktogether_sync::protocol::normalize_room_code;

pub const SCHEME: &str = "worktogether";

/// Where to join: the server's base address and the room code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub server: String,
    pub code: String,
}

/// Why a text is not an invite link, for the message next to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadLink {
    /// Not `worktogether://join/…` at all.
    NotALink,
    /// The server part is not a host name or address.
    BadServer,
    /// The last part is not a room code.
    BadCode,
}

impl BadLink {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::NotALink => "rooms.error.notALink",
            Self::BadServer => "rooms.error.linkServer",
            Self::BadCode => "rooms.error.linkCode",
        }
    }
}

/// Reads an invite link as pasted or opened (spaces around it are forgiven).
pub fn parse(text: &str) -> Result<Invite, BadLink> {
    let url = Url::parse(text.trim()).map_err(|_| BadLink::NotALink)?;
    if url.scheme() != SCHEME || url.host_str() != Some("join") || url.query().is_some() || url.fragment().is_some() {
        return Err(BadLink::NotALink);
    }
    let parts: Vec<&str> = url.path().trim_matches('/').split('/').collect();
    let [authority, path @ .., code] = parts.as_slice() else { return Err(BadLink::NotALink) };
    if authority.is_empty() {
        return Err(BadLink::BadServer);
    }
    let code = normalize_room_code(code).ok_or(BadLink::BadCode)?;
    let mut server = Url::parse(&format!("https://{authority}/")).map_err(|_| BadLink::BadServer)?;
    if !server.username().is_empty() || server.password().is_some() || server.path() != "/" {
        return Err(BadLink::BadServer);
    }
    if is_this_computer(&server) {
        server.set_scheme("http").expect("http is a special scheme like https");
    }
    if !path.is_empty() {
        server.set_path(&format!("{}/", path.join("/")));
    }
    Ok(Invite { server: server.to_string(), code })
}

/// The link for a room on `server` (its base address, as the app keeps it).
pub fn format(server: &str, code: &str) -> Option<String> {
    let server = Url::parse(server).ok()?;
    let host = server.host_str()?;
    let port = server.port().map(|p| format!(":{p}")).unwrap_or_default();
    let path = server.path().trim_end_matches('/');
    Some(format!("{SCHEME}://join/{host}{port}{path}/{code}"))
}

/// A server address as typed: `rooms.example.org` means HTTPS (plain HTTP on this computer);
/// an address with its scheme is taken as it is. The room client checks the rest.
pub fn server_address(text: &str) -> String {
    let text = text.trim();
    if text.contains("://") {
        return text.to_owned();
    }
    match Url::parse(&format!("https://{text}")) {
        Ok(mut url) => {
            if is_this_computer(&url) {
                url.set_scheme("http").expect("http is a special scheme like https");
            }
            url.to_string()
        }
        Err(_) => text.to_owned(),
    }
}

fn is_this_computer(server: &Url) -> bool {
    match server.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invite(server: &str, code: &str) -> Invite {
        Invite { server: server.into(), code: code.into() }
    }

    #[test]
    fn links_name_the_server_and_the_room() {
        assert_eq!(
            parse("worktogether://join/rooms.example.org/abcde-fghjk"),
            Ok(invite("https://rooms.example.org/", "ABCDE-FGHJK"))
        );
        assert_eq!(
            parse("  worktogether://join/example.org:8443/team/rooms/ABCDEFGHJK\n"),
            Ok(invite("https://example.org:8443/team/rooms/", "ABCDE-FGHJK"))
        );
        assert_eq!(
            parse("worktogether://join/127.0.0.1:7400/ABCDE-FGHJK"),
            Ok(invite("http://127.0.0.1:7400/", "ABCDE-FGHJK"))
        );
        assert_eq!(
            parse("worktogether://join/[::1]:7400/ABCDE-FGHJK"),
            Ok(invite("http://[::1]:7400/", "ABCDE-FGHJK"))
        );
        assert_eq!(parse("worktogether://join/LocalHost/ABCDE-FGHJK"), Ok(invite("http://localhost/", "ABCDE-FGHJK")));
    }

    #[test]
    fn a_typed_server_address_gets_its_scheme() {
        assert_eq!(server_address(" rooms.example.org "), "https://rooms.example.org/");
        assert_eq!(server_address("127.0.0.1:7400"), "http://127.0.0.1:7400/");
        assert_eq!(server_address("http://lan.example:80/x"), "http://lan.example:80/x");
        assert_eq!(server_address("not a host"), "not a host", "left for the client to refuse");
    }

    #[test]
    fn a_formatted_link_reads_back() {
        for server in ["https://rooms.example.org/", "https://example.org:8443/team/", "http://127.0.0.1:7400/"] {
            let link = format(server, "ABCDE-FGHJK").unwrap();
            assert_eq!(parse(&link), Ok(invite(server, "ABCDE-FGHJK")), "{link}");
        }
    }

    #[test]
    fn what_is_not_an_invite_says_which_part_is_wrong() {
        for text in [
            "",
            "ABCDE-FGHJK",
            "https://rooms.example.org/ABCDE-FGHJK",
            "worktogether://open/x/ABCDE-FGHJK",
            "worktogether://join/ABCDE-FGHJK",
            "worktogether://join//ABCDE-FGHJK",
            "worktogether://join/x/ABCDE-FGHJK?token=1",
        ] {
            assert_eq!(parse(text), Err(BadLink::NotALink), "{text:?}");
        }
        for text in [
            "worktogether://join/a b/ABCDE-FGHJK",
            "worktogether://join/user:pw@host/ABCDE-FGHJK",
            "worktogether://join/host:99999/ABCDE-FGHJK",
        ] {
            assert_eq!(parse(text), Err(BadLink::BadServer), "{text:?}");
        }
        for text in ["worktogether://join/host/ABCDE-FGHJ0", "worktogether://join/host/ABCDE\u{200b}-FGHJK"] {
            assert_eq!(parse(text), Err(BadLink::BadCode), "{text:?}");
        }
    }
}
