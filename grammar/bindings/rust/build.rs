//! Compiles the committed, generated C parser. The generator itself is never
//! needed to build: `src/parser.c` is checked in (see grammar/README.md).

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR")
        .expect("cargo sets CARGO_MANIFEST_DIR for build scripts");
    let src_dir = std::path::Path::new(&manifest_dir).join("src");

    let mut c_config = cc::Build::new();
    c_config.std("c11").include(&src_dir);
    // Generated parsers trip these warnings by design; they are not ours to fix.
    c_config
        .flag_if_supported("-Wno-unused-parameter")
        .flag_if_supported("-Wno-unused-but-set-variable")
        .flag_if_supported("-Wno-trigraphs");

    for file in ["parser.c", "scanner.c"] {
        let path = src_dir.join(file);
        c_config.file(&path);
        println!("cargo:rerun-if-changed={}", path.display());
    }
    c_config.compile("tree-sitter-prisma");
}
