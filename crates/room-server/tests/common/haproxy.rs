//! HAProxy's configuration for room servers behind one address, shared by the tests and the
//! load generator (`examples/room_load.rs` includes this file): HTTP; the client's address
//! passed on; long-lived answers (event streams) kept open, and each event passed on at once
//! (`http-no-delay`: otherwise small writes wait to be merged, a fifth of a second here); the
//! server with the fewest connections chosen (so streams spread out); a server that stops
//! answering `/health` left out within a few tenths of a second; and a connection a server
//! refuses retried on another.

use std::fmt::Write;
use std::net::SocketAddr;

/// One address HAProxy listens on, and the servers behind it.
pub struct Frontend<'a> {
    pub name: &'a str,
    pub bind: SocketAddr,
    pub servers: &'a [SocketAddr],
}

pub fn config(frontends: &[Frontend<'_>], max_connections: usize) -> String {
    let mut c = format!(
        "global\n    maxconn {max_connections}\n\
         defaults\n    mode http\n    option forwardfor\n    option http-no-delay\n    maxconn {max_connections}\n    timeout connect 1s\n\
         \x20   timeout client 1h\n    timeout server 1h\n    timeout tunnel 1h\n    retries 3\n    option redispatch 1\n"
    );
    for f in frontends {
        let name = f.name;
        let _ = write!(
            c,
            "frontend {name}\n    bind {bind}\n    default_backend {name}\n\
             backend {name}\n    balance leastconn\n    option httpchk GET /health\n\
             \x20   default-server inter 100ms fall 1 rise 2 maxconn {max_connections}\n",
            bind = f.bind
        );
        for (i, server) in f.servers.iter().enumerate() {
            let _ = writeln!(c, "    server {name}{i} {server} check");
        }
    }
    c
}
