//! A throw-away PostgreSQL server for a test: a cluster made by the machine's `initdb` in a
//! temporary folder, served by its `postgres` on a free port of 127.0.0.1, stopped and
//! removed when dropped. Never a mock: the tests talk to the real server.
//!
//! The binaries are found on `PATH`, else in the newest `/usr/lib/postgresql/*/bin`
//! (Debian's `postgresql` package; `.ci/run` installs it). PostgreSQL refuses to run as
//! root: as root, the cluster is made and served as the `postgres` user the package adds.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running throw-away server.
pub struct Postgres {
    dir: PathBuf,
    port: u16,
    server: Child,
    tls: bool,
}

impl Postgres {
    /// Makes and starts a cluster; panics with what to install if PostgreSQL is missing.
    pub fn start() -> Self {
        Self::start_with(false)
    }

    /// Makes and starts a cluster that takes TLS connections only (`hostssl`), with a
    /// certificate for `localhost` from a certificate authority of its own
    /// ([`ca_file`](Self::ca_file), made with the machine's `openssl`).
    pub fn start_tls() -> Self {
        Self::start_with(true)
    }

    /// The certificate authority of a [`start_tls`](Self::start_tls) server (PEM).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// The URL of its `postgres` database by the name its certificate has (`localhost`).
    pub fn url_by_name(&self) -> String {
        format!("postgres://salesflow@localhost:{}/postgres", self.port)
    }

    fn start_with(tls: bool) -> Self {
        let bin = binaries().expect(
            "PostgreSQL's initdb is not on PATH nor in /usr/lib/postgresql/*/bin: install the machine's `postgresql` package (.ci/run does)",
        );
        let dir = std::env::temp_dir().join(format!(
            "salesflow-pg-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let root = is_root();
        if root {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .unwrap();
            assert!(status.success(), "chown of {}", dir.display());
        }
        let data = dir.join("data");
        let output = as_server_user(root, &bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args([
                "-A",
                "trust",
                "-U",
                "salesflow",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        if tls {
            certificates(&dir, &data, root);
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::fs::File::create(dir.join("server.log")).unwrap();
        let server = as_server_user(root, &bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .args([
                "-p",
                &port.to_string(),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
            ])
            .arg("-k")
            .arg(&dir)
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap();
        let mut postgres = Self {
            dir,
            port,
            server,
            tls,
        };
        postgres.wait_ready();
        postgres
    }

    /// The URL of its `postgres` database, as user `salesflow` (no password: trust).
    pub fn url(&self) -> String {
        format!("postgres://salesflow@127.0.0.1:{}/postgres", self.port)
    }

    /// Runs `sql` with `psql` and answers its output (unaligned, no headers), for checks.
    pub fn query(&self, sql: &str) -> String {
        let bin = binaries().expect("psql");
        let psql = if bin.join("psql").exists() {
            bin.join("psql")
        } else {
            PathBuf::from("psql")
        };
        let url = if self.tls {
            format!("{}?sslmode=require", self.url())
        } else {
            self.url()
        };
        let output = Command::new(psql)
            .args([
                "-X",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                &url,
                "-c",
                sql,
            ])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.server.try_wait().unwrap() {
                let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
                panic!("postgres stopped ({status}): {log}");
            }
            let ready = Command::new("pg_isready")
                .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-q"])
                .status()
                .map(|status| status.success())
                .unwrap_or_else(|_| std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok());
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "postgres did not start within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A certificate authority (`ca.pem` in `dir`) and a certificate for `localhost` and
/// 127.0.0.1 it signed, installed in the cluster at `data`, which then takes only TLS
/// connections over TCP.
fn certificates(dir: &Path, data: &Path, root: bool) {
    let openssl = |args: &[&str]| {
        let output = Command::new("openssl")
            .current_dir(dir)
            .args(args)
            .output()
            .expect("openssl");
        assert!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=salesflow test CA",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    std::fs::write(
        dir.join("san.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "san.cnf",
    ]);
    for file in ["server.crt", "server.key"] {
        std::fs::copy(dir.join(file), data.join(file)).unwrap();
    }
    let mut conf = std::fs::OpenOptions::new()
        .append(true)
        .open(data.join("postgresql.conf"))
        .unwrap();
    std::io::Write::write_all(
        &mut conf,
        b"ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n",
    )
    .unwrap();
    std::fs::write(
        data.join("pg_hba.conf"),
        "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostssl all all ::1/128 trust\n",
    )
    .unwrap();
    let key = data.join("server.key");
    let status = Command::new("chmod").arg("600").arg(&key).status().unwrap();
    assert!(status.success());
    if root {
        let status = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(data)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
        .unwrap_or(false)
}

fn as_server_user(root: bool, program: &Path) -> Command {
    if root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// The folder of `initdb` and `postgres`.
fn binaries() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .find(|dir| dir.join("initdb").exists() && dir.join("postgres").exists())
    });
    if let Some(dir) = on_path {
        return Some(
            std::fs::canonicalize(dir.join("initdb"))
                .ok()?
                .parent()?
                .to_path_buf(),
        );
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort_by_key(|bin| {
        bin.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions.pop()
}
