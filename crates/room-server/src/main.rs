//! `worktogether-room`: starts the room server. See `--help` for flags and environment variables.

use clap::Parser;
use std::sync::Arc;
use tokio::sync::watch;
use tracing_subscriber::EnvFilter;
use worktogether_room_server::{AppState, Config, domain::Rooms, hub::Hub, maintain, serve, store};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn"));
    if config.log_json {
        tracing_subscriber::fmt().json().with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    match run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the room server stopped");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let db = config.db();
    let hub = Arc::new(Hub::default());
    let repo = store::open(&db, hub.clone()).await?;
    let (stop, stopped) = watch::channel(false);
    let state = AppState::new(Arc::new(Rooms::new(repo)), hub, config.limits.clone(), stopped);
    tokio::spawn(maintain(state.clone()));
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    tracing::info!(
        listen = %listener.local_addr()?,
        db = %config.db_for_log(),
        public_url = config.public_url.as_deref().unwrap_or("-"),
        "worktogether-room is ready"
    );
    serve(listener, state, async move {
        shutdown_signal().await;
        tracing::info!("shutting down: closing event streams");
        let _ = stop.send(true);
    })
    .await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
