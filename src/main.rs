/// mimalloc: the walk allocates and frees many small syntax-tree nodes on every
/// thread, where it is measurably faster than the system allocator (bench/run.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Stack for each worker thread: syntax trees are parsed recursively, and
/// inputs are bounded (see `parse::guard::MAX_NESTING`) to fit in this.
const WORKER_STACK: &str = "67108864";

fn main() {
    // Transparent huge pages make each first touch of mimalloc's memory clear and map
    // 2 MiB: on real code that is a quarter of the run's CPU and 40 MB of resident memory
    // that is never used (bench/real.sh, `perf record`).
    #[cfg(target_os = "linux")]
    // SAFETY: prctl(PR_SET_THP_DISABLE) takes plain integers and only sets a flag of the
    // process's memory map.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    if std::env::var_os("RUST_MIN_STACK").is_none() {
        // SAFETY: the first statement of `main`, before any thread exists.
        unsafe { std::env::set_var("RUST_MIN_STACK", WORKER_STACK) };
    }
    std::process::exit(twelve_lint::app::cli::main());
}
