//! Work spread over the machine's cores, results in order.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of each of `items`, in order, spread over the machine's cores when
/// there are at least `per_thread` items for each thread; fewer stay on the
/// calling thread. Threads take the next item from a shared counter, so one
/// that drew small items takes more of them. A panic in `f` reaches the
/// caller, as it would on one thread. Parsing the chunks of a large file,
/// lowering them, and the project's stats and reads all go through here.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    per_thread: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    // The cores are asked for only when there is work for two threads: a
    // small input (every file of a small project) stays on this one
    // without the question, which costs a read of the cgroup files.
    let wanted = items.len() / per_thread.max(1);
    let threads = if wanted <= 1 { 1 } else { cores().min(wanted) };
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut out: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, f(item)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    out.sort_unstable_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

/// The number of cores, asked once: `available_parallelism` reads the
/// cgroup files on every call, and the editor calls this on every edit.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
