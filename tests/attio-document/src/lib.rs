//! Empty: the crate exists for `tests/against_fake.rs`, which checks `attio-meetings` built from Attio's
//! whole published document (`ATTIO_MEETINGS_SPEC`, see `run.sh`) against `attio-meetings-mock`.
