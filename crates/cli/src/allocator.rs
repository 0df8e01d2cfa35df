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
