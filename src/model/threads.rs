//! Work shared out over threads.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `work` applied to each of `items` on up to `threads` threads, each taking the next
/// item when it is done with one, so a few large items are shared out one by one. The
/// results come in no particular order, `None`s left out. A thread that cannot start
/// (an address-space limit) leaves its share to the others, and to this thread when
/// none starts.
pub fn share_out<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    work: impl Fn(&T) -> Option<R> + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let run = || {
        let mut out = Vec::new();
        while let Some(item) = items.get(next.fetch_add(1, Ordering::Relaxed)) {
            out.extend(work(item));
        }
        out
    };
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads.min(items.len()))
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(s, run).ok())
            .collect();
        let mut results = if workers.is_empty() {
            run()
        } else {
            Vec::new()
        };
        for w in workers {
            results.extend(w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        results
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_once_whatever_the_threads() {
        let items: Vec<u32> = (0..100).collect();
        for threads in [0, 1, 3, 200] {
            let mut out = share_out(&items, threads, |&i| (i % 2 == 0).then_some(i * 10));
            out.sort_unstable();
            let want: Vec<u32> = (0..100).filter(|i| i % 2 == 0).map(|i| i * 10).collect();
            assert_eq!(out, want, "{threads} threads");
        }
    }
}
