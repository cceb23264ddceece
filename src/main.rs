/// mimalloc: the walk allocates and frees many small syntax-tree nodes on every
/// thread, where it is measurably faster than the system allocator (bench/run.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(twelve_lint::cli::main());
}
