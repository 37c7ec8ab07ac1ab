//! Generates the client from `spec/` (or `$ATTIO_MEETINGS_SPEC`) into `$OUT_DIR`; see the codegen crate.

fn main() {
    if let Err(message) = attio_meetings_codegen::build::run() {
        eprintln!("error: cannot generate the Attio meetings client: {message}");
        std::process::exit(1);
    }
}
