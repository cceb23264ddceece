/// mimalloc: the walk allocates and frees many small syntax-tree nodes on every
/// thread, where it is measurably faster than the system allocator (bench/run.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Stack for each worker thread: syntax trees are parsed recursively, and
/// inputs are bounded (see `parse::guard::MAX_NESTING`) to fit in this.
const WORKER_STACK: &str = "67108864";

fn main() {
    if std::env::var_os("RUST_MIN_STACK").is_none() {
        // SAFETY: the first statement of `main`, before any thread exists.
        unsafe { std::env::set_var("RUST_MIN_STACK", WORKER_STACK) };
    }
    std::process::exit(twelve_lint::app::cli::main());
}
