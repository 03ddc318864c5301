//! Load generator for the live server, on 127.0.0.1 only.
//!
//! Starts the server in-process on a loopback port, behind the same
//! connection layer as `pactum serve` (header-read timeout, connection caps;
//! the caps raised to fit two connections per session and the per-address
//! rate of session creation off, since every client here shares one
//! address), or uses `--url`, which must be a loopback address; creates `--sessions` sessions (default
//! 1,000) and plays each with two simple HTTP clients (one per seat, each
//! with its own keep-alive connection) that alternate offers from a fixed
//! list until the deadline ends the session. At most `--concurrency`
//! sessions run at once; the run stops by itself after the last session or
//! after `--max-seconds`, whichever comes first. Reports moves/s and the
//! p50/p99/max latency of the moves.
//!
//! With `--rate R`, every session is in play at once and the bots are
//! paced: together they aim at R moves/s, each session moving every
//! `sessions / R` seconds (sessions start evenly staggered over one such
//! interval). A move's latency is then counted from the time it was due,
//! not from when it was sent, so a server that falls behind is charged for
//! the wait (no coordinated omission).
//!
//! ```text
//! cargo run --release -p pactum-server --example load -- [--db PATH|URL] [--url http://127.0.0.1:PORT]
//!     [--sessions 1000] [--rounds 10] [--concurrency 32 | --rate 5000] [--max-seconds 120] [--timeline]
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::{Mutex, Semaphore, mpsc};

const SCENARIO: &str = r#"
name = "Load"

[[issues]]
name = "price"
type = "integer"
min = 1
max = 10

[[issues]]
name = "colour"
options = ["red", "green", "blue"]

[[parties]]
name = "Seller"
role = "negotiator"
weights = { price = 0.7, colour = 0.3 }
values.price = { type = "linear", slope = 1.0, offset = 0.0 }
values.colour = { red = 1.0, green = 0.5, blue = 0.0 }

[[parties]]
name = "Buyer"
role = "negotiator"
weights = { price = 0.6, colour = 0.4 }
values.price = { type = "linear", slope = -1.0, offset = 1.0 }
values.colour = { red = 0.0, green = 0.5, blue = 1.0 }
"#;

/// The offers each client cycles through.
const OFFERS: [(u32, &str); 4] = [(9, "red"), (7, "green"), (4, "blue"), (2, "green")];

struct Args {
    db: Option<String>,
    url: Option<String>,
    sessions: usize,
    rounds: u64,
    concurrency: usize,
    /// Paced mode: the moves/s all sessions aim at together.
    rate: Option<f64>,
    max_seconds: u64,
    /// Print moves and latency per second of the run.
    timeline: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        db: None,
        url: None,
        sessions: 1000,
        rounds: 10,
        concurrency: 32,
        rate: None,
        max_seconds: 120,
        timeline: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--db" => a.db = Some(val()?),
            "--url" => a.url = Some(val()?),
            "--sessions" => a.sessions = val()?.parse().map_err(|e| format!("{e}"))?,
            "--rounds" => a.rounds = val()?.parse().map_err(|e| format!("{e}"))?,
            "--concurrency" => a.concurrency = val()?.parse().map_err(|e| format!("{e}"))?,
            "--timeline" => a.timeline = true,
            "--rate" => a.rate = Some(val()?.parse().map_err(|e| format!("{e}"))?),
            "--max-seconds" => a.max_seconds = val()?.parse().map_err(|e| format!("{e}"))?,
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    if a.sessions == 0 || a.sessions > 100_000 || a.concurrency == 0 || a.rounds == 0 {
        return Err("--sessions 1..100000, --concurrency and --rounds > 0".into());
    }
    if let Some(rate) = a.rate {
        if !(rate > 0.0 && rate <= 1e6) {
            return Err("--rate must be in (0, 1000000] moves/s".into());
        }
        a.concurrency = a.sessions;
    }
    a.max_seconds = a.max_seconds.clamp(1, 3600);
    Ok(a)
}

/// A minimal HTTP/1.1 keep-alive client (responses carry Content-Length).
struct Client {
    addr: SocketAddr,
    conn: Option<BufReader<TcpStream>>,
}

impl Client {
    fn new(addr: SocketAddr) -> Self {
        Client { addr, conn: None }
    }

    /// Opens the connection now rather than on the first request.
    async fn connect(&mut self) -> std::io::Result<()> {
        if self.conn.is_none() {
            let s = TcpStream::connect(self.addr).await?;
            s.set_nodelay(true)?;
            self.conn = Some(BufReader::new(s));
        }
        Ok(())
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &str,
    ) -> std::io::Result<(u16, String)> {
        self.connect().await?;
        let conn = self.conn.as_mut().unwrap();
        let auth = token
            .map(|t| format!("authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\n{auth}content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        conn.get_mut().write_all(req.as_bytes()).await?;
        let mut line = String::new();
        conn.read_line(&mut line).await?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut len = 0usize;
        loop {
            line.clear();
            conn.read_line(&mut line).await?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut buf = vec![0; len];
        conn.read_exact(&mut buf).await?;
        Ok((status, String::from_utf8_lossy(&buf).into_owned()))
    }
}

fn loopback_addr(url: &str) -> Result<SocketAddr, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or("--url must be http://127.0.0.1:PORT")?;
    let host = rest.trim_end_matches('/');
    let addr: SocketAddr = host
        .replace("localhost", "127.0.0.1")
        .parse()
        .map_err(|e| format!("--url {url}: {e}"))?;
    if !addr.ip().is_loopback() {
        return Err("--url must be a loopback address (127.0.0.1)".into());
    }
    Ok(addr)
}

/// When a session's moves are due in paced mode: move `m` (counting both
/// seats) at `start + m * interval`.
#[derive(Clone, Copy)]
struct Pace {
    start: Instant,
    interval: Duration,
}

/// One client: waits for its turn, moves, passes the turn on.
#[allow(clippy::too_many_arguments)]
async fn seat_client(
    mut client: Client,
    path: String,
    token: String,
    first: usize,
    pace: Option<Pace>,
    mut my_turn: mpsc::Receiver<()>,
    other: mpsc::Sender<()>,
    latencies: Arc<Mutex<Vec<(Instant, Duration)>>>,
) -> Result<usize, String> {
    let mut lat = Vec::new();
    let mut i = first;
    while my_turn.recv().await.is_some() {
        let (price, colour) = OFFERS[i % OFFERS.len()];
        let due = pace.map(|p| p.start + p.interval * i as u32);
        i += 2;
        let body =
            json!({"kind": "offer", "offer": {"price": price, "colour": colour}}).to_string();
        if let Some(due) = due {
            tokio::time::sleep_until(due.into()).await;
        }
        let t = due.map_or_else(Instant::now, |due| due.min(Instant::now()));
        let (status, text) = client
            .request("POST", &path, Some(&token), &body)
            .await
            .map_err(|e| e.to_string())?;
        lat.push((t, t.elapsed()));
        if status != 200 {
            return Err(format!("move refused: {status} {text}"));
        }
        let r: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        if r["status"] != "open" {
            break;
        }
        if other.send(()).await.is_err() {
            break;
        }
    }
    let n = lat.len();
    latencies.lock().await.extend(lat);
    Ok(n)
}

async fn run(args: Args) -> Result<(), String> {
    let _tmp; // keeps the temporary database directory alive
    let (addr, label) = match &args.url {
        Some(url) => (loopback_addr(url)?, format!("server at {url}")),
        None => {
            let db = match &args.db {
                Some(db) => db.clone(),
                None => {
                    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
                    let path = dir.path().join("load.db").display().to_string();
                    _tmp = dir;
                    path
                }
            };
            let handle = pactum_server::connect(&db)
                .await
                .map_err(|e| format!("{e:#}"))?;
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| e.to_string())?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            let limits = pactum_server::ServerLimits {
                max_connections: 2 * args.sessions + 64,
                sessions_per_minute: 0,
                ..Default::default()
            };
            let app = pactum_server::router_with(handle, limits.clone());
            tokio::spawn(async move {
                pactum_server::serve_on(listener, app, &limits, std::future::pending()).await
            });
            let backend = if pactum_server::is_postgres(&db) {
                "PostgreSQL"
            } else {
                "SQLite"
            };
            (addr, format!("in-process server, {backend}"))
        }
    };

    // Sessions first (not timed as moves).
    let t0 = Instant::now();
    let mut sessions = Vec::with_capacity(args.sessions);
    let mut admin = Client::new(addr);
    let create = json!({"scenario_toml": SCENARIO, "protocol": "alternating_offers",
                        "deadline_rounds": args.rounds})
    .to_string();
    for _ in 0..args.sessions {
        let (status, text) = admin
            .request("POST", "/sessions", None, &create)
            .await
            .map_err(|e| e.to_string())?;
        if status != 201 {
            return Err(format!("creating a session: {status} {text}"));
        }
        let v: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        let tok = |i: usize| v["invitations"][i]["token"].as_str().unwrap().to_string();
        sessions.push((
            v["session_id"].as_str().unwrap().to_string(),
            tok(0),
            tok(1),
        ));
    }
    let created = t0.elapsed();

    let latencies = Arc::new(Mutex::new(Vec::new()));
    let limit = Arc::new(Semaphore::new(args.concurrency));
    // Paced: every bot is connected before the clock starts, as every
    // session is in play from the start. (Otherwise each connects when its
    // session starts.)
    let mut clients = Vec::with_capacity(sessions.len());
    for _ in 0..sessions.len() {
        let (mut ca, mut cb) = (Client::new(addr), Client::new(addr));
        if args.rate.is_some() {
            ca.connect().await.map_err(|e| format!("connecting: {e}"))?;
            cb.connect().await.map_err(|e| format!("connecting: {e}"))?;
        }
        clients.push((ca, cb));
    }
    let t1 = Instant::now();
    let mut tasks = Vec::new();
    let n_sessions = sessions.len();
    for (k, ((id, a, b), (client_a, client_b))) in sessions.into_iter().zip(clients).enumerate() {
        let (latencies, limit) = (latencies.clone(), limit.clone());
        // Paced: each session moves every `sessions / rate` s, sessions
        // staggered evenly over the first interval.
        let pace = args.rate.map(|rate| {
            let interval = Duration::from_secs_f64(n_sessions as f64 / rate);
            Pace {
                start: t1 + interval.mul_f64(k as f64 / n_sessions as f64),
                interval,
            }
        });
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire_owned().await.unwrap();
            let path = format!("/sessions/{id}/moves");
            let (to_a, a_rx) = mpsc::channel(1);
            let (to_b, b_rx) = mpsc::channel(1);
            to_a.send(()).await.unwrap();
            let ca = tokio::spawn(seat_client(
                client_a,
                path.clone(),
                a,
                0,
                pace,
                a_rx,
                to_b,
                latencies.clone(),
            ));
            let cb = tokio::spawn(seat_client(
                client_b, path, b, 1, pace, b_rx, to_a, latencies,
            ));
            let na = ca.await.map_err(|e| e.to_string())??;
            let nb = cb.await.map_err(|e| e.to_string())??;
            Ok::<usize, String>(na + nb)
        }));
    }
    let all = async {
        let mut moves = 0;
        for t in tasks {
            moves += t.await.map_err(|e| e.to_string())??;
        }
        Ok::<usize, String>(moves)
    };
    let moves = tokio::time::timeout(Duration::from_secs(args.max_seconds), all)
        .await
        .map_err(|_| format!("stopped after --max-seconds {}", args.max_seconds))??;
    let elapsed = t1.elapsed();

    let timed = latencies.lock().await.clone();
    let mut lat: Vec<Duration> = timed.iter().map(|&(_, d)| d).collect();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("{label}");
    let pacing = match args.rate {
        Some(rate) => format!("all at once, paced at {rate:.0} moves/s in all"),
        None => format!("{} at a time", args.concurrency),
    };
    println!(
        "sessions: {} created in {:.2} s ({:.0}/s); {} rounds each, {pacing}",
        args.sessions,
        created.as_secs_f64(),
        args.sessions as f64 / created.as_secs_f64(),
        args.rounds,
    );
    println!(
        "moves: {moves} in {:.2} s = {:.0} moves/s",
        elapsed.as_secs_f64(),
        moves as f64 / elapsed.as_secs_f64()
    );
    println!(
        "move latency: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(pct(0.50)),
        ms(pct(0.99)),
        ms(*lat.last().unwrap())
    );
    if args.timeline {
        // Per second of the run (by when each move was sent or due).
        let mut by_second: Vec<Vec<Duration>> = Vec::new();
        for &(t, d) in &timed {
            let s = t.saturating_duration_since(t1).as_secs() as usize;
            if by_second.len() <= s {
                by_second.resize(s + 1, Vec::new());
            }
            by_second[s].push(d);
        }
        println!("second  moves  p50 ms  p99 ms  max ms");
        for (s, v) in by_second.iter_mut().enumerate() {
            if v.is_empty() {
                continue;
            }
            v.sort();
            let q = |p: f64| ms(v[((v.len() as f64 - 1.0) * p).round() as usize]);
            println!(
                "{s:>6}  {:>5}  {:>6.2}  {:>6.2}  {:>6.2}",
                v.len(),
                q(0.5),
                q(0.99),
                ms(*v.last().unwrap())
            );
        }
    }
    Ok(())
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("load: {e}");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if let Err(e) = rt.block_on(run(args)) {
        eprintln!("load: {e}");
        std::process::exit(1);
    }
}
