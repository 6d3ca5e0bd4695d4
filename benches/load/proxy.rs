//! A TCP proxy between the servers and PostgreSQL, so the load generator can cut the database
//! off for some seconds (every open connection dropped, new ones refused) and bring it back.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};

pub struct Proxy {
    port: u16,
    /// While true, connections are refused.
    down: Arc<AtomicBool>,
    /// Bumped at each cut: connections of an older generation close themselves.
    generation: Arc<AtomicU64>,
}

impl Proxy {
    /// Listens on a free port and forwards to the host and port of `database_url`.
    pub async fn start(database_url: &str) -> anyhow::Result<Proxy> {
        let after = database_url
            .split_once("://")
            .map_or(database_url, |(_, r)| r);
        let host_port = after.rsplit_once('@').map_or(after, |(_, h)| h);
        let host_port = host_port
            .split('/')
            .next()
            .unwrap_or("127.0.0.1:5432")
            .to_string();
        let upstream = if host_port.contains(':') {
            host_port
        } else {
            format!("{host_port}:5432")
        };
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let down = Arc::new(AtomicBool::new(false));
        let generation = Arc::new(AtomicU64::new(0));
        let (d, g) = (down.clone(), generation.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if d.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let (upstream, g, born) = (upstream.clone(), g.clone(), g.load(Ordering::SeqCst));
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(&upstream).await else {
                        return;
                    };
                    let (mut cr, mut cw) = client.into_split();
                    let (mut sr, mut sw) = server.into_split();
                    let pipe = async {
                        tokio::select! {
                            _ = tokio::io::copy(&mut cr, &mut sw) => {}
                            _ = tokio::io::copy(&mut sr, &mut cw) => {}
                        }
                    };
                    let cut = async {
                        while g.load(Ordering::SeqCst) == born {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    };
                    tokio::select! {
                        _ = pipe => {}
                        _ = cut => {}
                    }
                });
            }
        });
        Ok(Proxy {
            port,
            down,
            generation,
        })
    }

    /// `database_url` with its host and port replaced by the proxy's.
    pub fn url(&self, database_url: &str) -> String {
        let (scheme, rest) = database_url
            .split_once("://")
            .unwrap_or(("postgres", database_url));
        let (creds, hostpath) = match rest.rsplit_once('@') {
            Some((c, h)) => (format!("{c}@"), h),
            None => (String::new(), rest),
        };
        let path = hostpath
            .split_once('/')
            .map_or(String::new(), |(_, p)| format!("/{p}"));
        format!("{scheme}://{creds}127.0.0.1:{}{path}", self.port)
    }

    /// Cuts every connection and refuses new ones for `how_long`.
    pub async fn cut(&self, how_long: Duration) {
        self.down.store(true, Ordering::SeqCst);
        self.generation.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(how_long).await;
        self.down.store(false, Ordering::SeqCst);
    }
}
