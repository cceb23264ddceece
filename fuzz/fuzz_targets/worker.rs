//! Run a closure on a thread with the stack twelve-lint's workers get
//! (`RUST_MIN_STACK` in `src/main.rs`), so the harness sees what the tool sees.

/// Run `f` on a 64 MiB stack; its panics propagate (libFuzzer reports them).
pub fn on_worker_stack(f: impl FnOnce() + Send) {
    std::thread::scope(|s| {
        let handle = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn_scoped(s, f)
            .expect("spawn worker");
        if let Err(panic) = handle.join() {
            std::panic::resume_unwind(panic);
        }
    });
}
