/// mimalloc: the walk allocates and frees many small syntax-tree nodes on every
/// thread, where it is measurably faster than the system allocator (bench/run.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (libmimalloc-sys names no
/// constant for it): how many milliseconds freed memory stays with the process.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Purge delay in milliseconds: mimalloc 3 keeps freed pages for a second (its version 2
/// kept them 10 ms), so the short-lived syntax trees and token lists of every file held
/// about 50 MB of resident memory on bench/run.sh's 50k tree (`/usr/bin/time -f %M`).
/// With 10 ms the wall time stays within run-to-run noise (hyperfine, real-10k).
const PURGE_DELAY_MS: std::ffi::c_long = 10;

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
    // SAFETY: sets one of mimalloc's options, which it reads atomically.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS);
    }
    if std::env::var_os("RUST_MIN_STACK").is_none() {
        // SAFETY: the first statement of `main`, before any thread exists.
        unsafe { std::env::set_var("RUST_MIN_STACK", WORKER_STACK) };
    }
    std::process::exit(twelve_lint::app::cli::main());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_whose_default_is_a_second() {
        // mimalloc 3's defaults: purge_delay alone is 1000; main has not run here, and
        // the environment can set it.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reads one option.
        let default = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(default, 1000);
    }
}
