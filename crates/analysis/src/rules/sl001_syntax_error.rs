use crate::db::{self, Db, SourceFile};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it does
    /// Reports text that is not valid Prisma Schema Language, and says what
    /// was expected at that point.
    ///
    /// ## Why is this bad?
    /// Prisma refuses a schema with a syntax error, and every other rule
    /// sees only the parts of the file that could be read.
    ///
    /// ## Example
    /// ```prisma
    /// model Sample {
    ///   id     String @id
    ///   status
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```prisma
    /// model Sample {
    ///   id     String @id
    ///   status SampleStatus
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// There is no automatic fix: only the author knows what was meant.
    pub static SYNTAX_ERROR = { code: "SL001", name: "syntax-error", severity: Error, fix: None };
}

pub(crate) fn check(db: &dyn Db, file: SourceFile, out: &mut Vec<Diagnostic>) {
    for error in db::parse(db, file).errors() {
        out.push(Diagnostic::new(
            &SYNTAX_ERROR,
            file,
            error.range,
            error.message.clone(),
        ));
    }
}
