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

/// Keeps the memory the language server frees for its next edits, instead
/// of returning it to the system as it ages. Each keystroke on a large
/// schema frees the previous revision's texts, trees and findings and
/// allocates as much again; when jemalloc had returned those pages in the
/// meantime, the kernel had to hand out and zero fresh ones, a page fault
/// per 4 KB. On a 10,000-model schema that was 445 faults per keystroke,
/// and 62 without the returning; the keystroke that makes a syntax error,
/// which writes a new 3 MB diagnostics array, went from a median of
/// 12-15 ms to 10-11.5 ms (`docs/benchmarks.md`). The memory goes back once
/// typing stops: the server calls [`purge`] when it is idle. `check` exits
/// before memory would be returned, so it does without this.
pub(crate) fn keep_freed_memory() {
    #[cfg(unix)]
    #[allow(unsafe_code)]
    // SAFETY: `arenas.narenas` is a documented jemalloc control that reads
    // an `unsigned`, and `arenas.dirty_decay_ms` and
    // `arena.<i>.dirty_decay_ms` write an `ssize_t`; the pointers and sizes
    // passed are those of such values, which outlive the calls.
    unsafe {
        let never: isize = -1;
        let set = |name: &std::ffi::CStr| {
            tikv_jemalloc_sys::mallctl(
                name.as_ptr(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                (&raw const never).cast_mut().cast(),
                std::mem::size_of::<isize>(),
            )
        };
        // Arenas created from now on, then those that exist already (an
        // arena not yet in use refuses, which is fine: it will be created
        // with the new default).
        let status = set(c"arenas.dirty_decay_ms");
        let mut arenas: u32 = 0;
        let mut len = std::mem::size_of::<u32>();
        tikv_jemalloc_sys::mallctl(
            c"arenas.narenas".as_ptr(),
            (&raw mut arenas).cast(),
            &raw mut len,
            std::ptr::null_mut(),
            0,
        );
        for i in 0..arenas {
            if let Ok(name) = std::ffi::CString::new(format!("arena.{i}.dirty_decay_ms")) {
                set(&name);
            }
        }
        // Without it the server works as before, with the page faults.
        if status != 0 {
            eprintln!("schemalint: cannot keep freed memory for reuse ({status})");
        }
    }
}

/// Returns the memory freed and kept since [`keep_freed_memory`] to the
/// system. Called by the language server once typing has stopped.
pub(crate) fn purge() {
    #[cfg(unix)]
    #[allow(unsafe_code)]
    // SAFETY: `arena.<i>.purge` is a documented jemalloc control that takes
    // no value; 4096 is `MALLCTL_ARENAS_ALL`, every arena.
    unsafe {
        tikv_jemalloc_sys::mallctl(
            c"arena.4096.purge".as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            0,
        );
    }
}
