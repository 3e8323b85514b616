//! The `sourcewise` command: serve the practice site, or check content packs.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use sourcewise::content::load::load_library;
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check { dir }) => check(&dir),
        Some(Command::Serve(args)) => serve(args),
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

fn serve(args: ServeArgs) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let settings = Settings {
        bind: args.bind,
        data_dir: args.data_dir,
        questions_dir: args.questions,
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
