//! The `sourcewise` command: serve the practice site, or check content packs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use sourcewise::accounts::{self, Username};
use sourcewise::content::load::load_library;
use sourcewise::storage::Storage;
use sourcewise::web::{Application, Settings};

/// sourcewise: a media-literacy quiz engine. Learners practise telling which source a
/// passage comes from, whose perspective it presents, and whether a claim is contested.
#[derive(Parser)]
#[command(
    name = "sourcewise",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the practice site (what `sourcewise` with no command does).
    Serve(ServeArgs),
    /// Load and check every content pack under DIR, print one line per pack, and exit 1
    /// with every problem (as path:line: message) if there are any.
    Check {
        /// The folder of content packs.
        #[arg(default_value = "questions")]
        dir: PathBuf,
    },
    /// Look after the data directory. Stop the server first: only one program can use
    /// the data directory at a time.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Copy the data directory to DESTINATION, a new folder, as a backup. Stop the server
    /// first; the copy is a data directory of its own that `restore` puts back.
    Backup {
        /// Where the copy goes: a folder that does not exist yet, or is empty.
        destination: PathBuf,
        /// Folder where progress is stored.
        #[arg(long, env = "SOURCEWISE_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Put a backup made by `backup` back as the data directory, which must not exist yet
    /// or be empty (move a damaged one aside first). Stop the server first.
    Restore {
        /// The backup's folder.
        backup: PathBuf,
        /// Folder where progress is stored.
        #[arg(long, env = "SOURCEWISE_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Accept a data directory whose count of acknowledged writes (sourcewise.commits)
    /// is missing, as it is now: the server refuses such a directory, because it cannot
    /// tell whether the database lost writes. Restore a backup instead if you have one.
    Accept {
        /// Folder where progress is stored.
        #[arg(long, env = "SOURCEWISE_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Give a teacher who has forgotten their password a new, random one, printed here,
    /// and sign out every browser signed in to their account.
    ResetPassword {
        /// The teacher's username (or email address), as they sign in with it.
        username: String,
        /// Folder where progress is stored.
        #[arg(long, env = "SOURCEWISE_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Address and port to listen on (port 0 picks a free port).
    #[arg(long, env = "SOURCEWISE_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Folder where progress is stored (created if missing).
    #[arg(long, env = "SOURCEWISE_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Folder of content packs to serve.
    #[arg(long, env = "SOURCEWISE_QUESTIONS", default_value = "questions")]
    questions: PathBuf,
    /// Log every request (status, method, path, time taken) to standard error. Off by
    /// default: errors and warnings are always logged.
    #[arg(long, env = "SOURCEWISE_ACCESS_LOG", value_parser = clap::builder::FalseyValueParser::new())]
    access_log: bool,
    /// The address students are given in join links and QR codes, such as
    /// https://quiz.school.example (default: the address the teacher's browser used).
    #[arg(long, env = "SOURCEWISE_PUBLIC_URL")]
    public_url: Option<String>,
    /// Believe X-Forwarded-For, -Host and -Proto: only behind a reverse proxy that sets
    /// them. Otherwise the limits on guessing go by the connection's own address.
    #[arg(long, env = "SOURCEWISE_TRUST_FORWARDED", value_parser = clap::builder::FalseyValueParser::new())]
    trust_forwarded: bool,
    /// How log lines are written to standard error: `text`, for a person, or `json`, one
    /// object a line, for a log collector.
    #[arg(
        long,
        env = "SOURCEWISE_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    log_format: LogFormat,
    /// Browsers reach the server over HTTPS, through a reverse proxy that serves it:
    /// every cookie is marked Secure, and every response tells the browser to use only
    /// HTTPS for this host (Strict-Transport-Security, a year).
    #[arg(long, env = "SOURCEWISE_HTTPS", value_parser = clap::builder::FalseyValueParser::new())]
    https: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check { dir }) => check(&dir),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Admin {
            command: AdminCommand::ResetPassword { username, data_dir },
        }) => reset_password(&username, &data_dir),
        Some(Command::Admin {
            command:
                AdminCommand::Backup {
                    destination,
                    data_dir,
                },
        }) => copy("backup", &data_dir, &destination),
        Some(Command::Admin {
            command: AdminCommand::Restore { backup, data_dir },
        }) => copy("restore", &backup, &data_dir),
        Some(Command::Admin {
            command: AdminCommand::Accept { data_dir },
        }) => accept(&data_dir),
        None => serve(cli.serve),
    }
}

fn check(dir: &std::path::Path) -> ExitCode {
    match load_library(dir) {
        Ok(library) => {
            for pack in library.packs() {
                println!("{}", pack.summary_line());
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("{errors}");
            ExitCode::FAILURE
        }
    }
}

fn reset_password(username: &str, data_dir: &std::path::Path) -> ExitCode {
    let outcome = actix_web::rt::System::new().block_on(async {
        let username = Username::parse(username).map_err(|problem| anyhow::anyhow!("{problem}"))?;
        let storage = Storage::open(data_dir)?;
        let teacher = storage.teacher_by_username(&username)?.ok_or_else(|| {
            anyhow::anyhow!("there is no teacher “{username}” in {}", data_dir.display())
        })?;
        let password = accounts::temporary_password(&mut rand::rng());
        let hash = accounts::hash_password(&password, &mut rand::rng());
        storage.set_password_hash(teacher.id, hash, None).await?;
        anyhow::Ok((teacher.username, password))
    });
    match outcome {
        Ok((username, password)) => {
            println!("New password for {username}: {password}");
            println!(
                "Give it to the teacher and ask them to change it after signing in (\"Change your password\"). Every browser that was signed in to the account has been signed out."
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("sourcewise admin reset-password: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `admin accept`: a data directory whose count of commits is missing, taken as it is.
fn accept(data_dir: &Path) -> ExitCode {
    match Storage::accept(data_dir).and_then(|storage| storage.record_count()) {
        Ok(records) => {
            println!(
                "Accepted {} as it is: {records} records. The server will start on it.",
                data_dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("sourcewise admin accept: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `admin backup` and `admin restore`: a checked, durable copy of a data directory.
fn copy(command: &str, from: &Path, to: &Path) -> ExitCode {
    let copied = Storage::open_existing(from).and_then(|storage| storage.copy_to(to));
    match copied {
        Ok(records) => {
            println!(
                "Copied {records} records from {} to {}.",
                from.display(),
                to.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("sourcewise admin {command}: {error}");
            ExitCode::FAILURE
        }
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    // actix-http logs every request it cannot parse as an error: in a room where
    // anyone can send garbage, that is noise, so it shows only in a debugging log.
    let wanted = std::env::var("RUST_LOG").unwrap_or_default();
    let mut filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    if !wanted.contains("debug") && !wanted.contains("trace") {
        filter = filter.add_directive(
            "actix_http::h1::dispatcher=off"
                .parse()
                .expect("a valid log directive"),
        );
    }
    // Colours only on a terminal: a file or the journal would keep the escape codes.
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Text => log.init(),
        // Each line one JSON object; the request's id, method and path in "span".
        LogFormat::Json => log
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
    let settings = Settings {
        bind: args.bind,
        data_dir: args.data_dir,
        questions_dir: args.questions,
        access_log: args.access_log,
        public_url: args.public_url,
        trust_forwarded: args.trust_forwarded,
        https: args.https,
    };
    let runtime = match actix_web::rt::System::new().block_on(async { run(settings).await }) {
        Ok(()) => return ExitCode::SUCCESS,
        Err(error) => error,
    };
    eprintln!("sourcewise could not start: {runtime:#}");
    ExitCode::FAILURE
}

async fn run(settings: Settings) -> anyhow::Result<()> {
    let application = Application::build(&settings)?;
    // Tests and scripts read this line to learn the port when --bind asks for port 0.
    println!("sourcewise listening on http://{}", application.address());
    application.run().await?;
    Ok(())
}
