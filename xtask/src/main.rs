//! Certamen's build tool, run as `cargo xtask <command>`:
//!
//! - `start [ARGS]`: builds the browser bundle (adding the wasm target if missing), then runs
//!   `certamen serve --demo ARGS` with it. If the bundle cannot be built, the server still
//!   starts with fully usable server-rendered pages and the log says so.
//! - `test`: runs every test: the workspace on SQLite, then the database tests on PostgreSQL
//!   (required under CI; skipped with a clear message elsewhere if none is reachable), then
//!   the real-browser checks in accessibility/ (headless Chromium; required under CI).
//!
//! wasm-bindgen runs as a library (`wasm-bindgen-cli-support`), pinned to the exact version in
//! Cargo.lock, so nothing is downloaded and the versions cannot drift apart.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{bail, Context};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("cannot run {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    if let Ok(out) = &installed {
        if String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l.trim() == WASM_TARGET)
        {
            return Ok(());
        }
    }
    eprintln!("xtask: adding the {WASM_TARGET} target");
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// Builds the hydrate bundle into `<target>/site/pkg` and returns the site root.
fn build_client() -> anyhow::Result<PathBuf> {
    ensure_wasm_target()?;
    run(cargo().current_dir(workspace_root()).args([
        "build",
        "-p",
        "certamen-app",
        "--lib",
        "--target",
        WASM_TARGET,
        "--no-default-features",
        "--features",
        "hydrate",
        "--profile",
        "wasm-release",
    ]))?;
    let wasm = target_dir()
        .join(WASM_TARGET)
        .join("wasm-release")
        .join("certamen_app.wasm");
    let site = target_dir().join("site");
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg)?;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .out_name("certamen")
        .web(true)?
        .generate(&pkg)
        .map_err(|e| anyhow::anyhow!("wasm-bindgen: {e}"))?;
    shrink_wasm(&pkg.join("certamen_bg.wasm"));
    let size = std::fs::metadata(pkg.join("certamen_bg.wasm"))
        .map(|m| m.len())
        .unwrap_or(0);
    eprintln!(
        "xtask: client bundle ready in {} ({} KiB wasm)",
        pkg.display(),
        size / 1024
    );
    Ok(site)
}

/// Runs binaryen's wasm-opt (from npm, pinned in client-tools/) over the bundle: it more
/// than halves it. Without npm the bundle stays as built (larger, and it works the same).
fn shrink_wasm(wasm: &Path) {
    let tools = workspace_root().join("client-tools");
    let wasm_opt = tools.join("node_modules").join(".bin").join("wasm-opt");
    if !wasm_opt.exists() {
        eprintln!("xtask: installing wasm-opt (npm ci in client-tools)");
        let installed = Command::new("npm")
            .current_dir(&tools)
            .args(["ci", "--no-audit", "--no-fund"])
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            eprintln!("xtask: no npm, so no wasm-opt: the bundle stays unoptimised (it works the same, about twice the size)");
            return;
        }
    }
    let out = wasm.with_extension("opt.wasm");
    match Command::new(&wasm_opt)
        .arg("-Oz")
        .arg(wasm)
        .arg("-o")
        .arg(&out)
        .status()
    {
        Ok(s) if s.success() => {
            if let Err(e) = std::fs::rename(&out, wasm) {
                eprintln!("xtask: wasm-opt's output could not replace the bundle: {e}");
            }
        }
        other => eprintln!("xtask: wasm-opt failed ({other:?}); the bundle stays unoptimised"),
    }
}

fn start(args: &[String]) -> anyhow::Result<()> {
    let site = match build_client() {
        Ok(site) => site,
        Err(e) => {
            eprintln!("xtask: WARNING: the browser bundle could not be built ({e:#}).");
            eprintln!("xtask: starting anyway: every page works without JavaScript; no live timer or instant saves.");
            target_dir().join("site-unavailable")
        }
    };
    run(cargo()
        .current_dir(workspace_root())
        .args([
            "run",
            "-p",
            "certamen-app",
            "--bin",
            "certamen",
            "--",
            "serve",
            "--demo",
            // A newcomer's browser may have no passkey: staff pages open with the password.
            "--allow-staff-passwords",
            "--site-root",
        ])
        .arg(&site)
        .args(args))
}

fn postgres_url() -> String {
    std::env::var("CERTAMEN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/test".into())
}

fn postgres_reachable() -> bool {
    TcpStream::connect_timeout(
        &"127.0.0.1:5432".parse().expect("literal address"),
        Duration::from_secs(2),
    )
    .is_ok()
}

/// The mail tests send through a real SMTP server, aiosmtpd (Python), pinned in
/// tests/smtp/requirements.txt: installed from PyPI when missing.
fn smtp_server_for_tests() -> anyhow::Result<()> {
    let present = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !present {
        eprintln!("xtask: installing the tests' SMTP server (pip install aiosmtpd)");
        run(Command::new("python3").current_dir(workspace_root()).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            "tests/smtp/requirements.txt",
        ]))?;
    }
    Ok(())
}

fn test() -> anyhow::Result<()> {
    smtp_server_for_tests()?;
    eprintln!("xtask: every test on the embedded SQLite database");
    run(cargo()
        .current_dir(workspace_root())
        .args(["test", "--workspace"]))?;
    let in_ci = std::env::var_os("CI").is_some();
    if postgres_reachable() || in_ci {
        eprintln!(
            "xtask: the database tests again on PostgreSQL ({})",
            postgres_url()
        );
        run(cargo()
            .current_dir(workspace_root())
            .env("CERTAMEN_TEST_DATABASE", "postgres")
            .env("CERTAMEN_TEST_POSTGRES_URL", postgres_url())
            // `--workspace` keeps the features of the build above (`-p certamen-tests` alone
            // unifies them differently and rebuilds the app, some 4 minutes).
            .args(["test", "--workspace", "--test", "e2e"]))?;
    } else {
        eprintln!(
            "xtask: SKIPPED the PostgreSQL run: nothing listens on 127.0.0.1:5432 (CI requires it)"
        );
    }
    load_smoke(postgres_reachable() || in_ci)?;
    eprintln!("xtask: the real-browser checks (headless Chromium, axe-core)");
    browser_tests()
}

/// Builds the debug binaries named as (package, binary).
fn build_debug(bins: &[(&str, &str)]) -> anyhow::Result<()> {
    let mut c = cargo();
    c.current_dir(workspace_root()).arg("build");
    for (package, bin) in bins {
        c.args(["-p", package, "--bin", bin]);
    }
    run(&mut c)
}

/// Exam day in small: `certamen-load` with 100 candidates against the debug server, once on
/// SQLite with the server killed (SIGKILL) and restarted mid-run, once on PostgreSQL with two
/// servers (one killed for good), the database cut off for 12 seconds (long enough to be
/// credited), and a tenth of the candidates leaving their attempts to the deadline finalizer.
/// Each run fails if an acknowledged answer is missing or wrong, a candidate could not finish,
/// downtime went uncredited, a request in the outage met a server fault rather than 503, or an
/// abandoned attempt was not submitted exactly once. (The figures in docs/operations.md come from
/// release builds.)
fn load_smoke(with_postgres: bool) -> anyhow::Result<()> {
    build_debug(&[
        ("certamen-app", "certamen"),
        ("certamen-benches", "certamen-load"),
    ])?;
    let debug = target_dir().join("debug");
    let load = || {
        let mut c = Command::new(debug.join("certamen-load"));
        c.arg("--server-bin").arg(debug.join("certamen")).args([
            "--candidates",
            "100",
            "--questions",
            "20",
            "--think-ms",
            "300",
            "--ramp-s",
            "5",
        ]);
        c
    };
    eprintln!("xtask: load test on SQLite, the server killed and restarted mid-run");
    run(load().args(["--kill-at-s", "12", "--down-s", "15"]))?;
    if with_postgres {
        eprintln!("xtask: load test on PostgreSQL: two servers, one killed, the database cut off, deadlines");
        run(load().arg("--database-url").arg(postgres_url()).args([
            "--servers",
            "2",
            "--kill-second-at-s",
            "8",
            "--db-outage-at-s",
            "14",
            "--db-outage-s",
            "12",
            "--abandon",
            "0.1",
            "--time-limit-minutes",
            "2",
        ]))?;
    }
    Ok(())
}

/// The real-browser checks in accessibility/: a fresh `certamen serve --demo` on a free port
/// and an empty SQLite file, driven by headless Chromium through playwright-core.
fn browser_tests() -> anyhow::Result<()> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let in_ci = std::env::var_os("CI").is_some();
    if !Path::new(&chromium).exists() {
        if in_ci {
            bail!("{chromium} is missing: the browser checks need Debian's chromium package");
        }
        eprintln!("xtask: SKIPPED the browser checks: no {chromium} (apt-get install chromium; CI requires it)");
        return Ok(());
    }
    let dir = workspace_root().join("accessibility");
    if !dir.join("node_modules").join("playwright-core").exists() {
        eprintln!("xtask: installing the browser-test packages (npm ci)");
        run(Command::new("npm")
            .current_dir(&dir)
            .args(["ci", "--no-audit", "--no-fund"]))?;
    }
    let site = build_client()?;
    build_debug(&[("certamen-app", "certamen")])?;
    let work = target_dir().join("browser-tests");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let password = format!("browser-{}", std::process::id());
    let sample = workspace_root()
        .join("item-bank")
        .join("banks")
        .join("peer-support");
    let (mut server, port) = serve_demo(&work, "sample", &sample, &password, &site, true)?;
    // The same bank delivered adaptively, for the adaptive pages.
    let adaptive_bank = adaptive_copy(&sample, &work.join("adaptive-bank"))?;
    let (mut adaptive, adaptive_port) =
        // Staff need a passkey here, as in a real program (the browser checks add one).
        serve_demo(&work, "adaptive", &adaptive_bank, &password, &site, false)?;
    // A bank whose every form holds each item type, for the item-type pages.
    let every_type_bank = every_type_copy(&sample, &work.join("every-type-bank"))?;
    let (mut every_type, every_type_port) = serve_demo(
        &work,
        "every-type",
        &every_type_bank,
        &password,
        &site,
        true,
    )?;
    // Simulated results for the staff statistics page, on the server whose checks read none.
    seed_results(&work, "every-type", every_type_port)?;
    // The adaptive server's staff member enrols a passkey with a code, as a real one would.
    let staff_code = enrolment_code(&work, "adaptive", adaptive_port, "staff@demo.certamen.test")?;
    eprintln!(
        "xtask: browser checks against 127.0.0.1:{port}, adaptive 127.0.0.1:{adaptive_port} and every item type 127.0.0.1:{every_type_port} (server logs and screenshots in {})",
        work.display()
    );
    let result = run(Command::new("node")
        .current_dir(&dir)
        .arg("run.mjs")
        .env("CERTAMEN_URL", format!("http://127.0.0.1:{port}"))
        .env(
            "CERTAMEN_ADAPTIVE_URL",
            format!("http://127.0.0.1:{adaptive_port}"),
        )
        .env(
            "CERTAMEN_EVERY_TYPE_URL",
            format!("http://127.0.0.1:{every_type_port}"),
        )
        .env("CERTAMEN_PASSWORD", &password)
        .env("CERTAMEN_ADAPTIVE_STAFF_CODE", &staff_code)
        .env("CERTAMEN_MAIL_FOLDER", work.join("mail-sample"))
        .env("CHROMIUM", &chromium)
        .env("SCREENSHOTS", work.join("screenshots")));
    for child in [&mut server, &mut adaptive, &mut every_type] {
        let _ = child.kill();
        let _ = child.wait();
    }
    result
}

/// `certamen serve --demo` on a free port with its own SQLite file and log in `work`;
/// `staff_passwords`: staff pages open after a password sign-in.
fn serve_demo(
    work: &Path,
    name: &str,
    bank: &Path,
    password: &str,
    site: &Path,
    staff_passwords: bool,
) -> anyhow::Result<(std::process::Child, u16)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let log = std::fs::File::create(work.join(format!("server-{name}.log")))?;
    let child = Command::new(target_dir().join("debug").join("certamen"))
        .args(["serve", "--demo", "--addr"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--database-url")
        .arg(format!(
            "sqlite:{}",
            work.join(format!("{name}.db")).display()
        ))
        .arg("--bank")
        .arg(bank)
        .arg("--demo-password")
        .arg(password)
        .arg("--site-root")
        .arg(site)
        .args(staff_passwords.then_some("--allow-staff-passwords"))
        // The audit key, its checkpoints and the mail of each server in `work`, its own.
        .arg("--audit-key")
        .arg(work.join(format!("{name}-audit.key")))
        .arg("--audit-checkpoints")
        .arg(work.join(format!("{name}-checkpoints.jsonl")))
        .arg("--mail-folder")
        .arg(work.join(format!("mail-{name}")))
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("cannot start certamen serve for the {name} bank"))?;
    Ok((child, port))
}

/// Waits for the demo server on `port` to listen (its accounts made), then issues a passkey
/// enrolment code for `email` with `certamen account enrolment-code`, as an operator would.
fn enrolment_code(work: &Path, name: &str, port: u16, email: &str) -> anyhow::Result<String> {
    wait_listening(name, port)?;
    let out = Command::new(target_dir().join("debug").join("certamen"))
        .args(["account", "enrolment-code", email, "--database-url"])
        .arg(format!(
            "sqlite:{}",
            work.join(format!("{name}.db")).display()
        ))
        .output()
        .context("cannot run certamen account enrolment-code")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!(
            "certamen account enrolment-code failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    text.lines()
        .find_map(|l| l.split_once(": ").map(|(_, code)| code.trim().to_string()))
        .filter(|c| c.len() == 19)
        .with_context(|| format!("no enrolment code in {text:?}"))
}

/// Waits up to a minute for the demo server `name` to listen on `port`.
fn wait_listening(name: &str, port: u16) -> anyhow::Result<()> {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let ready = (0..600).any(|_| {
        let up = TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok();
        if !up {
            std::thread::sleep(Duration::from_millis(100));
        }
        up
    });
    if !ready {
        bail!("the {name} demo server did not start listening on port {port}");
    }
    Ok(())
}

/// Waits for the demo server on `port` to listen (its bank loaded), then adds simulated
/// candidates' results to its database with `certamen demo seed-results`.
fn seed_results(work: &Path, name: &str, port: u16) -> anyhow::Result<()> {
    wait_listening(name, port)?;
    run(Command::new(target_dir().join("debug").join("certamen"))
        .args([
            "demo",
            "seed-results",
            "--candidates",
            "300",
            "--database-url",
        ])
        .arg(format!(
            "sqlite:{}",
            work.join(format!("{name}.db")).display()
        )))
}

/// Copies the sample bank's items, sets and exam.toml into `to`.
fn copy_bank(sample: &Path, to: &Path) -> anyhow::Result<()> {
    for folder in ["items", "sets", "practice"] {
        let Ok(entries) = std::fs::read_dir(sample.join(folder)) else {
            continue;
        };
        std::fs::create_dir_all(to.join(folder))?;
        for entry in entries {
            let path = entry?.path();
            if let Some(name) = path.file_name() {
                std::fs::copy(&path, to.join(folder).join(name))?;
            }
        }
    }
    std::fs::copy(sample.join("exam.toml"), to.join("exam.toml"))?;
    Ok(())
}

/// A copy of the sample bank in which every form holds a multiple-answer question and a
/// scenario set: C06 keeps only as many items as a form needs (7), among them the choose-two
/// item PS-C06-13, and C09 keeps 4 single items besides its 3-item set PS-SET-02 (so both sit
/// on every form; the browser checks fail if either is missing).
fn every_type_copy(sample: &Path, to: &Path) -> anyhow::Result<std::path::PathBuf> {
    copy_bank(sample, to)?;
    let drop: Vec<String> = (7..=12)
        .map(|n| format!("PS-C06-{n:02}"))
        // PS-C09-06 stays: PS-C04-03 names it as an enemy.
        .chain([4, 5, 7, 8, 9, 10, 11, 12].map(|n| format!("PS-C09-{n:02}")))
        .collect();
    for id in drop {
        let path = to.join("items").join(format!("{id}.toml"));
        std::fs::remove_file(&path)
            .with_context(|| format!("the every-type bank expects {}", path.display()))?;
    }
    for needed in ["items/PS-C06-13.toml", "sets/PS-SET-02.toml"] {
        if !to.join(needed).exists() {
            bail!("the every-type bank needs {needed} from the sample bank");
        }
    }
    Ok(to.to_path_buf())
}

/// A copy of the sample bank whose exam is delivered adaptively (20 to 40 items, SPRT).
fn adaptive_copy(sample: &Path, to: &Path) -> anyhow::Result<std::path::PathBuf> {
    copy_bank(sample, to)?;
    let exam = std::fs::read_to_string(sample.join("exam.toml"))?;
    if !exam.contains("mode = \"loft\"") {
        bail!("the sample exam.toml no longer says mode = \"loft\"; update xtask's adaptive copy");
    }
    let exam = exam.replace("mode = \"loft\"", "mode = \"cat\"")
        + "\n[delivery.cat]\nmin_length = 20\nmax_length = 40\nstop = \"sprt:0.5\"\ncut_theta = 0.0\n\
           selection = \"randomesque:3\"\nscale = { slope = 50, intercept = 500, min = 200, max = 800 }\n";
    std::fs::write(to.join("exam.toml"), exam)?;
    Ok(to.to_path_buf())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("start") => start(&args[1..]),
        Some("build-client") => build_client().map(|_| ()),
        Some("test") => test(),
        // Only the real-browser checks (the last step of `test`), for work on the pages.
        Some("browser") => browser_tests(),
        _ => bail!("usage: cargo xtask start [serve options] | cargo xtask test | cargo xtask browser | cargo xtask build-client"),
    }
}
