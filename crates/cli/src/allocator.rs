//! The binary's memory allocator: jemalloc, for Rust and for tree-sitter.
//!
//! Both faces allocate from several threads at once: `check` parses and
//! lowers the chunks of a large schema on every core, and the language
//! server runs the rules of a large schema on every core and drops the
//! previous revision's trees and models on tokio's threads. With glibc's
//! allocator that meant a choice between arenas per thread, where memory
//! freed in one arena serves only that arena (the server grew from 470 to
//! 620 MB over 100 edits of a 10,000-model schema), and a single arena,
//! where the threads queue on its lock (a sixth of the server's CPU time
//! per edit on that schema was spent waking each other). jemalloc keeps a
//! cache per thread and returns memory to shared arenas, so there is no
//! such choice to make. `docs/benchmarks.md` has the figures that chose
//! it over glibc and mimalloc.
//!
//! Windows keeps the system allocator: jemalloc does not build there.

#[cfg(unix)]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Makes tree-sitter allocate from jemalloc as well: its trees are most of
/// the memory of a large schema, and the parse allocates a node at a time.
/// Must run before anything is parsed, so that no tree-sitter allocation
/// made by one allocator is ever freed by the other.
pub(crate) fn init() {
    #[cfg(unix)]
    #[allow(unsafe_code)]
    // SAFETY: called first thing in `main`, before any tree-sitter object
    // exists or any other thread runs; the four functions are jemalloc's
    // own and match the C signatures tree-sitter expects.
    unsafe {
        tree_sitter::set_allocator(
            Some(tikv_jemalloc_sys::malloc),
            Some(tikv_jemalloc_sys::calloc),
            Some(tikv_jemalloc_sys::realloc),
            Some(tikv_jemalloc_sys::free),
        );
    }
}

/// Lets jemalloc return freed memory to the system from a thread of its
/// own, for the language server. Otherwise the thread that frees does it,
/// in the middle of a keystroke's work: on a 10,000-model schema each edit
/// frees a previous revision of several megabytes, and moving that off the
/// edit's path took the median edit-to-diagnostics time from 32 to 27 ms
/// and the 95th percentile from 48 to 36 ms (`docs/benchmarks.md`). `check`
/// exits before memory would be returned, so it does without the thread.
pub(crate) fn purge_in_background() {
    #[cfg(unix)]
    #[allow(unsafe_code)]
    // SAFETY: `background_thread` is a documented jemalloc control that
    // takes a `bool`; the pointer and size passed are those of a `bool`
    // that outlives the call, and nothing is read back.
    unsafe {
        let mut on = true;
        let status = tikv_jemalloc_sys::mallctl(
            c"background_thread".as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            (&raw mut on).cast(),
            std::mem::size_of::<bool>(),
        );
        // Without the thread the server works as before, only with the
        // purging on its own path; that is no reason to stop it.
        if status != 0 {
            eprintln!("schemalint: jemalloc's background thread is unavailable ({status})");
        }
    }
}
