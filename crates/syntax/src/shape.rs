//! Fields and model bodies read as plain data: a field's name, its type,
//! and its attributes as a flat list of pieces; a body's fields and block
//! attributes in order.
//!
//! Lowering a large schema was mostly spent walking tree-sitter's tree: a
//! cursor step costs hundreds of instructions (it climbs through the hidden
//! nodes that repetitions make), and a field line has several nodes. A
//! model body without error nodes is therefore read from its text in one
//! scan, which follows the grammar's own token rules, and so is a field
//! without one in a body that has errors elsewhere; the rest is read from
//! the tree. Both readers fill the same [`ModelShape`] and [`FieldShape`],
//! and `tests/shape.rs` checks that they agree on every field and model of
//! the corpus and of a fixture of unusual spellings. The text reader only
//! accepts what it fully understands: on anything else (a byte the
//! grammar's tokens do not cover, say) it gives up and the tree is read
//! instead. The syntax errors' walk uses the same scanner to find fields
//! without a type (`typeless_fields`).

use std::borrow::Cow;

use crate::ast::{self, Arity, Expr};
use crate::TextRange;

/// A name and where it is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Word<'a> {
    pub text: &'a str,
    pub range: TextRange,
}

impl<'a> Word<'a> {
    fn of(name: ast::Name<'a>) -> Self {
        Word {
            text: name.as_str(),
            range: name.range(),
        }
    }
}

/// A field's type: `String`, `Post[]`, `Unsupported("circle")?`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TypeShape<'a> {
    pub range: TextRange,
    /// The base type name; `None` for `Unsupported(...)`.
    pub name: Option<Word<'a>>,
    pub unsupported: bool,
    pub arity: Arity,
    /// The `?` or `[]`.
    pub modifier_range: Option<TextRange>,
}

/// What kind of expression a value is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ValueKind {
    String,
    Number,
    Boolean,
    Array,
    Call,
    Ident,
}

/// One piece of a field's attributes, in the order of the text.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Piece<'a> {
    /// An attribute, from `@` to its name or its closing parenthesis.
    Attribute {
        name: Option<&'a str>,
        range: TextRange,
    },
    /// An argument of the last attribute, named (`map: "x"`) or positional.
    Argument { name: Option<Word<'a>> },
    /// The value of the last argument.
    Value {
        kind: ValueKind,
        range: TextRange,
        text: &'a str,
    },
    /// An element of the last value, an array, read as a field reference:
    /// a bare name, or a call whose name is the field (`title(sort: Desc)`).
    /// The range is the whole element.
    FieldRef { name: Word<'a>, range: TextRange },
}

/// A field as plain data, borrowing the pieces of its attributes.
#[derive(Clone, Copy, Debug)]
pub struct FieldShape<'p, 'a> {
    pub name: Word<'a>,
    pub type_ref: Option<TypeShape<'a>>,
    pieces: &'p [Piece<'a>],
}

impl<'p, 'a> FieldShape<'p, 'a> {
    /// The pieces themselves, for comparing two readings.
    pub fn pieces(&self) -> &'p [Piece<'a>] {
        self.pieces
    }

    /// The field's attributes, in order.
    pub fn attributes(&self) -> impl Iterator<Item = AttributeShape<'p, 'a>> + 'p {
        let mut rest = self.pieces;
        std::iter::from_fn(move || loop {
            let (first, after) = rest.split_first()?;
            let Piece::Attribute { name, range } = *first else {
                rest = after;
                continue;
            };
            let len = after
                .iter()
                .position(|p| matches!(p, Piece::Attribute { .. }))
                .unwrap_or(after.len());
            let (own, next) = after.split_at(len);
            rest = next;
            return Some(AttributeShape {
                name,
                range,
                pieces: own,
            });
        })
    }
}

/// An attribute of a [`FieldShape`].
#[derive(Clone, Copy, Debug)]
pub struct AttributeShape<'p, 'a> {
    /// The name without `@`, with a datasource prefix such as `db.VarChar`.
    pub name: Option<&'a str>,
    pub range: TextRange,
    pieces: &'p [Piece<'a>],
}

impl<'p, 'a> AttributeShape<'p, 'a> {
    pub fn args(&self) -> impl Iterator<Item = ArgShape<'p, 'a>> + 'p {
        let mut rest = self.pieces;
        std::iter::from_fn(move || loop {
            let (first, after) = rest.split_first()?;
            let Piece::Argument { name } = *first else {
                rest = after;
                continue;
            };
            let len = after
                .iter()
                .position(|p| matches!(p, Piece::Argument { .. }))
                .unwrap_or(after.len());
            let (own, next) = after.split_at(len);
            rest = next;
            let value = match own.split_first() {
                Some((&Piece::Value { kind, range, text }, refs)) => Some(ValueShape {
                    kind,
                    range,
                    text,
                    refs,
                }),
                _ => None,
            };
            return Some(ArgShape { name, value });
        })
    }

    /// The value of the `index`-th positional (unnamed) argument, as
    /// [`ast::Attribute::positional_arg`] reads it.
    pub fn positional_arg(&self, index: usize) -> Option<ValueShape<'p, 'a>> {
        self.args().filter(|a| a.name.is_none()).nth(index)?.value
    }

    /// The argument called `name`, or else the first positional argument,
    /// as [`ast::Attribute::arg_or_first`] reads them.
    pub fn arg_or_first(&self, name: &str) -> Option<ValueShape<'p, 'a>> {
        match self.args().find(|a| a.name.is_some_and(|n| n.text == name)) {
            Some(ArgShape { value: Some(v), .. }) => Some(v),
            _ => self.args().find(|a| a.name.is_none())?.value,
        }
    }
}

/// An argument of an [`AttributeShape`].
#[derive(Clone, Copy, Debug)]
pub struct ArgShape<'p, 'a> {
    pub name: Option<Word<'a>>,
    pub value: Option<ValueShape<'p, 'a>>,
}

/// The value of an [`ArgShape`].
#[derive(Clone, Copy, Debug)]
pub struct ValueShape<'p, 'a> {
    pub kind: ValueKind,
    pub range: TextRange,
    pub text: &'a str,
    refs: &'p [Piece<'a>],
}

impl<'p, 'a> ValueShape<'p, 'a> {
    /// A string's value, as [`ast::StringLit::value`] gives it.
    pub fn as_string(&self) -> Option<Cow<'a, str>> {
        (self.kind == ValueKind::String).then(|| ast::string_value(self.text))
    }

    pub fn as_ident(&self) -> Option<Word<'a>> {
        (self.kind == ValueKind::Ident).then_some(Word {
            text: self.text,
            range: self.range,
        })
    }

    /// An array's elements read as field references, as
    /// [`ast::ArrayExpr::field_refs`] reads them; `None` if this is not an
    /// array.
    pub fn field_refs(&self) -> Option<impl Iterator<Item = Word<'a>> + 'p> {
        (self.kind == ValueKind::Array).then(|| {
            self.refs.iter().filter_map(|p| match *p {
                Piece::FieldRef { name, .. } => Some(name),
                _ => None,
            })
        })
    }
}

impl<'a> ast::Field<'a> {
    /// The field as plain data, its attribute pieces written into `pieces`
    /// (cleared first). `None` for a field without a name. A field without
    /// errors is read from its text, others from the tree; both give the
    /// same result.
    pub fn shape<'p>(&self, pieces: &'p mut Vec<Piece<'a>>) -> Option<FieldShape<'p, 'a>> {
        pieces.clear();
        let (name, type_ref) = self.append_shape(pieces)?;
        Some(FieldShape {
            name,
            type_ref,
            pieces,
        })
    }

    /// [`ast::Field::shape`] read from the tree, whatever the field.
    #[doc(hidden)]
    pub fn shape_from_tree<'p>(
        &self,
        pieces: &'p mut Vec<Piece<'a>>,
    ) -> Option<FieldShape<'p, 'a>> {
        pieces.clear();
        let (name, type_ref) = field_from_tree(self, pieces)?;
        Some(FieldShape {
            name,
            type_ref,
            pieces,
        })
    }

    /// [`ast::Field::shape`] read from the text; `None` where the text
    /// reader gives up (the tree must then be read).
    #[doc(hidden)]
    pub fn shape_from_text<'p>(
        &self,
        pieces: &'p mut Vec<Piece<'a>>,
    ) -> Option<FieldShape<'p, 'a>> {
        pieces.clear();
        let (name, type_ref) = field_from_text(self, pieces)?;
        Some(FieldShape {
            name,
            type_ref,
            pieces,
        })
    }

    /// Appends the field's pieces to `pieces`: from the text when the
    /// field has no error and the text reader understands it, else from
    /// the tree.
    fn append_shape(
        &self,
        pieces: &mut Vec<Piece<'a>>,
    ) -> Option<(Word<'a>, Option<TypeShape<'a>>)> {
        if !self.syntax().has_error() {
            if let Some(read) = field_from_text(self, pieces) {
                return Some(read);
            }
        }
        field_from_tree(self, pieces)
    }
}

impl<'a> ast::Attribute<'a> {
    /// The attribute as plain data, read from the tree, its argument pieces
    /// written into `pieces` (cleared first).
    pub fn shape<'p>(&self, pieces: &'p mut Vec<Piece<'a>>) -> AttributeShape<'p, 'a> {
        pieces.clear();
        arguments_from_tree(self, pieces);
        AttributeShape {
            name: self.name_text(),
            range: self.range(),
            pieces,
        }
    }
}

/// Reads a field from the tree, appending its pieces; `None`, with
/// nothing appended, for a field without a name.
fn field_from_tree<'a>(
    field: &ast::Field<'a>,
    pieces: &mut Vec<Piece<'a>>,
) -> Option<(Word<'a>, Option<TypeShape<'a>>)> {
    let name = Word::of(field.name()?);
    let type_ref = field.type_ref().map(|t| TypeShape {
        range: t.range(),
        name: t.name().map(Word::of),
        unsupported: t.is_unsupported(),
        arity: t.arity(),
        modifier_range: t.modifier_range(),
    });
    for attr in field.attributes() {
        pieces.push(Piece::Attribute {
            name: attr.name_text(),
            range: attr.range(),
        });
        arguments_from_tree(&attr, pieces);
    }
    Some((name, type_ref))
}

/// Appends the pieces of an attribute's arguments, read from the tree.
fn arguments_from_tree<'a>(attr: &ast::Attribute<'a>, pieces: &mut Vec<Piece<'a>>) {
    for arg in attr.args() {
        pieces.push(Piece::Argument {
            name: arg.name().map(Word::of),
        });
        let Some(value) = arg.value() else { continue };
        let kind = match value {
            Expr::String(_) => ValueKind::String,
            Expr::Number(..) => ValueKind::Number,
            Expr::Boolean(..) => ValueKind::Boolean,
            Expr::Array(_) => ValueKind::Array,
            Expr::Call(_) => ValueKind::Call,
            Expr::Ident(_) => ValueKind::Ident,
        };
        let range = value.range();
        pieces.push(Piece::Value {
            kind,
            range,
            text: &attr.source()[range.start..range.end],
        });
        if let Some(array) = value.as_array() {
            pieces.extend(array.field_refs().map(|r| Piece::FieldRef {
                name: Word::of(r.name),
                range: r.range,
            }));
        }
    }
}

/// Reads an error-free field from its text, appending its pieces; `None`,
/// with nothing appended, where the text reader gives up. Inside one
/// field's node every line break is whitespace but the one that ends the
/// field, which is its last byte.
fn field_from_text<'a>(
    field: &ast::Field<'a>,
    pieces: &mut Vec<Piece<'a>>,
) -> Option<(Word<'a>, Option<TypeShape<'a>>)> {
    let range = field.syntax().byte_range();
    let mut s = Scanner {
        src: field.source(),
        pos: range.start,
        end: range.end,
    };
    let mark = pieces.len();
    let read = s.field(pieces).filter(|_| {
        // What is left is the line break that ends the field, if any.
        s.pos == s.end || (s.pos + 1 == s.end && s.peek() == b'\n')
    });
    if read.is_none() {
        pieces.truncate(mark);
    }
    read
}

/// One member of a model body, as [`ModelShape::members`] yields them.
#[derive(Clone, Copy, Debug)]
pub enum MemberShape<'p, 'a> {
    /// A field: its range (as [`ast::Field::range`] gives it) and its
    /// shape, `None` for a field without a name.
    Field(TextRange, Option<FieldShape<'p, 'a>>),
    /// A block attribute (`@@index(...)`), its range as
    /// [`ast::Attribute::range`] gives it.
    Attribute(AttributeShape<'p, 'a>),
}

/// The fields and block attributes of a model body as plain data, read by
/// [`ast::ModelDecl::shape`]. Reusable: reading another model clears it.
#[derive(Clone, Default, PartialEq, Debug)]
pub struct ModelShape<'a> {
    pieces: Vec<Piece<'a>>,
    members: Vec<MemberRecord<'a>>,
}

#[derive(Clone, Copy, PartialEq, Debug)]
struct MemberRecord<'a> {
    range: TextRange,
    kind: MemberKind<'a>,
    /// Where its pieces are in [`ModelShape::pieces`].
    pieces: (usize, usize),
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum MemberKind<'a> {
    Field {
        name: Option<Word<'a>>,
        type_ref: Option<TypeShape<'a>>,
    },
    Attribute {
        name: Option<&'a str>,
    },
}

impl<'a> ModelShape<'a> {
    /// The members in the order of the text.
    pub fn members(&self) -> impl Iterator<Item = MemberShape<'_, 'a>> + '_ {
        self.members.iter().map(|m| {
            let pieces = &self.pieces[m.pieces.0..m.pieces.1];
            match m.kind {
                MemberKind::Field { name, type_ref } => MemberShape::Field(
                    m.range,
                    name.map(|name| FieldShape {
                        name,
                        type_ref,
                        pieces,
                    }),
                ),
                MemberKind::Attribute { name } => MemberShape::Attribute(AttributeShape {
                    name,
                    range: m.range,
                    pieces,
                }),
            }
        })
    }

    fn clear(&mut self) {
        self.pieces.clear();
        self.members.clear();
    }

    fn push(&mut self, range: TextRange, kind: MemberKind<'a>, first_piece: usize) {
        self.members.push(MemberRecord {
            range,
            kind,
            pieces: (first_piece, self.pieces.len()),
        });
    }
}

impl<'a> ast::ModelDecl<'a> {
    /// The body's fields and block attributes as plain data, written into
    /// `out`. A model without errors is read from its text in one scan
    /// (stepping from member to member with tree-sitter's cursor cost more
    /// than reading them), others from the tree, and each error-free field
    /// of those from its text; all give the same result.
    pub fn shape(&self, out: &mut ModelShape<'a>) {
        if !self.syntax().has_error() && self.shape_from_text(out) {
            return;
        }
        self.members_from_tree(out, true);
    }

    /// [`ast::ModelDecl::shape`] read from the tree alone, whatever the
    /// model.
    #[doc(hidden)]
    pub fn shape_from_tree(&self, out: &mut ModelShape<'a>) {
        self.members_from_tree(out, false);
    }

    /// [`ast::ModelDecl::shape`] read from the text; `false` where the text
    /// reader gives up (the tree must then be read), with `out` cleared.
    #[doc(hidden)]
    pub fn shape_from_text(&self, out: &mut ModelShape<'a>) -> bool {
        out.clear();
        let read = self.body().is_some_and(|body| {
            let range = body.range();
            let mut s = Scanner {
                src: self.source(),
                pos: range.start,
                end: range.end,
            };
            s.body(out).is_some()
        });
        if !read {
            out.clear();
        }
        read
    }

    fn members_from_tree(&self, out: &mut ModelShape<'a>, fields_from_text: bool) {
        out.clear();
        for member in self.members() {
            let first = out.pieces.len();
            match member {
                ast::Member::Field(f) => {
                    let read = if fields_from_text {
                        f.append_shape(&mut out.pieces)
                    } else {
                        field_from_tree(&f, &mut out.pieces)
                    };
                    let (name, type_ref) = read.unzip();
                    let kind = MemberKind::Field {
                        name,
                        type_ref: type_ref.flatten(),
                    };
                    out.push(f.range(), kind, first);
                }
                ast::Member::Attribute(a) => {
                    arguments_from_tree(&a, &mut out.pieces);
                    let kind = MemberKind::Attribute {
                        name: a.name_text(),
                    };
                    out.push(a.range(), kind, first);
                }
            }
        }
    }
}

/// Adds the name of each field without a type in a model body (`{` to
/// `}`, without error nodes) to `out` and returns true; false, adding
/// nothing, where the reader gives up. Lighter than reading the body's
/// shape: past a field's name and type the rest of its line is skipped.
pub(crate) fn typeless_fields(
    src: &str,
    body: std::ops::Range<usize>,
    out: &mut Vec<TextRange>,
) -> bool {
    let mut s = Scanner {
        src,
        pos: body.start,
        end: body.end,
    };
    let mark = out.len();
    let read = s.typeless_fields(out).is_some();
    if !read {
        out.truncate(mark);
    }
    read
}

struct Scanner<'a> {
    src: &'a str,
    pos: usize,
    end: usize,
}

impl<'a> Scanner<'a> {
    /// A field from its name to the end of its line (the line break not
    /// taken). The tokens follow `grammar/grammar.js`: identifiers
    /// `[A-Za-z_][A-Za-z0-9_-]*`, attribute names right after `@`, strings,
    /// numbers, `?` and `[]` right after the type, whitespace and `//`
    /// comments between tokens. Between the field's own tokens a line
    /// break ends the field (the grammar's external `_newline`); inside
    /// parentheses and brackets it is whitespace.
    fn field(&mut self, pieces: &mut Vec<Piece<'a>>) -> Option<(Word<'a>, Option<TypeShape<'a>>)> {
        let name = self.ident()?;
        self.line_trivia();
        let mut type_ref = None;
        if !self.at_line_end() && self.peek() != b'@' {
            let base = self.ident()?;
            let mut shape = TypeShape {
                range: base.range,
                name: Some(base),
                unsupported: false,
                arity: Arity::Required,
                modifier_range: None,
            };
            if base.text == "Unsupported" {
                // `Unsupported` is a keyword: it always opens `("...")`.
                self.trivia();
                self.eat(b'(')?;
                self.trivia();
                self.string()?;
                self.trivia();
                self.eat(b')')?;
                shape.name = None;
                shape.unsupported = true;
            }
            let modifier_start = self.pos;
            if self.eat(b'?').is_some() {
                shape.arity = Arity::Optional;
            } else if self.rest().starts_with(b"[]") {
                self.pos += 2;
                shape.arity = Arity::List;
            }
            if self.pos > modifier_start {
                shape.modifier_range = Some(TextRange::new(modifier_start, self.pos));
            }
            shape.range = TextRange::new(base.range.start, self.pos);
            type_ref = Some(shape);
            self.line_trivia();
        }
        while !self.at_line_end() {
            let start = self.pos;
            self.eat(b'@')?;
            let name = self.attribute_name()?;
            let at = pieces.len();
            pieces.push(Piece::Attribute {
                name: Some(name),
                range: TextRange::new(start, self.pos),
            });
            self.line_trivia();
            if self.peek_is(|b| b == b'(') {
                self.arguments(Some(pieces))?;
                pieces[at] = Piece::Attribute {
                    name: Some(name),
                    range: TextRange::new(start, self.pos),
                };
                self.line_trivia();
            }
        }
        Some((name, type_ref))
    }

    /// A model body, `{` to `}`, its members written to `out`. `None`
    /// where the reader gives up; `out` then holds part of the body.
    fn body(&mut self, out: &mut ModelShape<'a>) -> Option<()> {
        self.eat(b'{')?;
        loop {
            self.trivia();
            if self.pos >= self.end {
                return None;
            }
            let start = self.pos;
            let first = out.pieces.len();
            let kind = match self.peek() {
                // The body's own end must be the node's.
                b'}' => return (self.pos + 1 == self.end).then_some(()),
                b'@' => {
                    if !self.rest().starts_with(b"@@") {
                        return None;
                    }
                    self.pos += 2;
                    let name = self.attribute_name()?;
                    self.line_trivia();
                    if self.peek_is(|b| b == b'(') {
                        self.arguments(Some(&mut out.pieces))?;
                        self.line_trivia();
                    }
                    MemberKind::Attribute { name: Some(name) }
                }
                _ => {
                    let (name, type_ref) = self.field(&mut out.pieces)?;
                    MemberKind::Field {
                        name: Some(name),
                        type_ref,
                    }
                }
            };
            // The member's node ends after its line break, or before a `}`
            // on its line; its range, like `ast::Field::range`, leaves out
            // the whitespace at its end.
            let node_end = match self.peek_is(|b| b == b'\n' || b == b'}') {
                true if self.peek() == b'\n' => self.pos + 1,
                true => self.pos,
                false => return None,
            };
            self.pos = node_end;
            let text = &self.src[start..node_end];
            let range = TextRange::new(start, start + text.trim_end().len());
            out.push(range, kind, first);
        }
    }

    /// The body of [`typeless_fields`].
    fn typeless_fields(&mut self, out: &mut Vec<TextRange>) -> Option<()> {
        self.eat(b'{')?;
        loop {
            self.trivia();
            if self.pos >= self.end {
                return None;
            }
            match self.peek() {
                b'}' => return (self.pos + 1 == self.end).then_some(()),
                b'@' if self.rest().starts_with(b"@@") => {}
                _ => {
                    let name = self.ident()?;
                    self.line_trivia();
                    if self.at_line_end() || self.peek() == b'@' {
                        out.push(name.range);
                    } else if !is_ident_start(self.peek()) {
                        return None;
                    }
                }
            }
            self.rest_of_member()?;
        }
    }

    /// Skips to the end of a member: past the first line break outside
    /// parentheses, brackets, strings and comments, or up to a `}` outside
    /// them. In a body without error nodes that is where the member's node
    /// ends, but for a line break between `Unsupported` and its `(`, where
    /// the next member then starts with `(` and the caller gives up.
    fn rest_of_member(&mut self) -> Option<()> {
        let bytes = self.src.as_bytes();
        let mut depth = 0usize;
        while self.pos < self.end {
            match bytes[self.pos] {
                b'\n' if depth == 0 => {
                    self.pos += 1;
                    return Some(());
                }
                b'}' if depth == 0 => return Some(()),
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth = depth.checked_sub(1)?,
                b'"' => {
                    self.string()?;
                    continue;
                }
                b'/' if bytes.get(self.pos + 1) == Some(&b'/') => {
                    let line = self.rest();
                    self.pos += memchr::memchr(b'\n', line).unwrap_or(line.len());
                    continue;
                }
                _ => {}
            }
            self.pos += 1;
        }
        None
    }

    /// Whether the position is where a line of a field ends: a line
    /// break, a `}` or the end.
    fn at_line_end(&self) -> bool {
        !self.peek_is(|b| b != b'\n' && b != b'}')
    }

    /// Whitespace but line breaks, and `//` comments up to their line
    /// break: what may stand between a field's own tokens.
    fn line_trivia(&mut self) {
        self.skip_trivia(|b| matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c));
    }

    fn rest(&self) -> &'a [u8] {
        &self.src.as_bytes()[self.pos..self.end]
    }

    /// The byte at the position; callers check `pos < end` first.
    fn peek(&self) -> u8 {
        self.src.as_bytes()[self.pos]
    }

    fn peek_is(&self, pred: impl Fn(u8) -> bool) -> bool {
        self.pos < self.end && pred(self.peek())
    }

    /// Moves past the bytes that `pred` accepts. Iterating the rest as a
    /// slice leaves one bounds check per call instead of one per byte.
    fn skip_while(&mut self, pred: impl Fn(u8) -> bool) {
        let rest = self.rest();
        self.pos += rest.iter().position(|&b| !pred(b)).unwrap_or(rest.len());
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        if self.peek_is(|b| b == byte) {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    /// Whitespace (the grammar's `\s`, here only its ASCII part: a field
    /// with other spaces is read from the tree) and `//` comments.
    fn trivia(&mut self) {
        self.skip_trivia(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c));
    }

    /// The bytes `space` accepts and `//` comments, each up to (not past)
    /// its line break.
    fn skip_trivia(&mut self, space: impl Fn(u8) -> bool + Copy) {
        loop {
            self.skip_while(space);
            if !self.rest().starts_with(b"//") {
                return;
            }
            let line = self.rest();
            self.pos += memchr::memchr(b'\n', line).unwrap_or(line.len());
        }
    }

    fn word_while(&mut self, first: fn(u8) -> bool, more: fn(u8) -> bool) -> Option<Word<'a>> {
        let start = self.pos;
        if !self.peek_is(first) {
            return None;
        }
        self.pos += 1;
        self.skip_while(more);
        Some(Word {
            text: &self.src[start..self.pos],
            range: TextRange::new(start, self.pos),
        })
    }

    fn ident(&mut self) -> Option<Word<'a>> {
        self.word_while(is_ident_start, |b| {
            b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
        })
    }

    /// `[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?`, right after `@`.
    fn attribute_name(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let part = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        self.word_while(is_ident_start, part)?;
        let rest = self.rest();
        if rest.len() >= 2 && rest[0] == b'.' && is_ident_start(rest[1]) {
            self.pos += 1;
            self.word_while(is_ident_start, part)?;
        }
        Some(&self.src[start..self.pos])
    }

    /// A string token, quotes included.
    fn string(&mut self) -> Option<TextRange> {
        let start = self.pos;
        self.eat(b'"')?;
        loop {
            let rest = self.rest();
            let stop = memchr::memchr3(b'"', b'\\', b'\n', rest)?;
            self.pos += stop;
            match rest[stop] {
                b'"' => {
                    self.pos += 1;
                    return Some(TextRange::new(start, self.pos));
                }
                // An escape takes the next character, a line break too.
                b'\\' if self.pos + 1 < self.end => {
                    self.pos += 1;
                    let next = self.src[self.pos..].chars().next()?;
                    self.pos += next.len_utf8();
                }
                _ => return None,
            }
        }
    }

    /// `-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?`, longest match.
    fn number(&mut self) -> Option<TextRange> {
        let start = self.pos;
        let _ = self.eat(b'-');
        let digits = |s: &mut Self| {
            let from = s.pos;
            while s.peek_is(|b| b.is_ascii_digit()) {
                s.pos += 1;
            }
            s.pos > from
        };
        if !digits(self) {
            return None;
        }
        let rest = self.rest();
        if rest.len() >= 2 && rest[0] == b'.' && rest[1].is_ascii_digit() {
            self.pos += 1;
            digits(self);
        }
        let rest = self.rest();
        let sign = usize::from(rest.len() >= 2 && matches!(rest[1], b'+' | b'-'));
        if rest.len() >= 2 + sign
            && matches!(rest[0], b'e' | b'E')
            && rest[1 + sign].is_ascii_digit()
        {
            self.pos += 1 + sign;
            digits(self);
        }
        Some(TextRange::new(start, self.pos))
    }

    /// `( argument, ... )`, its arguments written to `pieces` when given.
    fn arguments(&mut self, mut pieces: Option<&mut Vec<Piece<'a>>>) -> Option<()> {
        self.eat(b'(')?;
        self.trivia();
        loop {
            if self.eat(b')').is_some() {
                return Some(());
            }
            // A name followed by `:` names the argument.
            let mark = self.pos;
            let mut name = None;
            if let Some(word) = self.ident() {
                self.trivia();
                if self.eat(b':').is_some() {
                    name = Some(word);
                    self.trivia();
                } else {
                    self.pos = mark;
                }
            }
            if let Some(pieces) = pieces.as_deref_mut() {
                pieces.push(Piece::Argument { name });
            }
            self.expression(pieces.as_deref_mut())?;
            self.trivia();
            if self.eat(b',').is_some() {
                self.trivia();
            } else if !self.peek_is(|b| b == b')') {
                return None;
            }
        }
    }

    /// One expression; with `pieces`, its `Value` and, for an array, the
    /// `FieldRef`s of its elements. On `None`, `pieces` may hold a part of
    /// it; callers that give up drop their pieces.
    fn expression(&mut self, mut pieces: Option<&mut Vec<Piece<'a>>>) -> Option<()> {
        if self.pos >= self.end {
            return None;
        }
        let start = self.pos;
        // The value's piece comes first and an array's references after
        // it, so it is pushed now and filled in once its end is known.
        let at = pieces.as_deref_mut().map(|pieces| {
            pieces.push(Piece::Value {
                kind: ValueKind::Array,
                range: TextRange::empty(start),
                text: "",
            });
            pieces.len() - 1
        });
        let kind = match self.peek() {
            b'"' => self.string().map(|_| ValueKind::String)?,
            b'-' | b'0'..=b'9' => self.number().map(|_| ValueKind::Number)?,
            b'[' => {
                self.pos += 1;
                self.trivia();
                loop {
                    if self.eat(b']').is_some() {
                        break;
                    }
                    let element = self.pos;
                    let name = self.peek_is(is_ident_start).then(|| self.ident()).flatten();
                    self.pos = element;
                    let kind = self.value()?;
                    if let (Some(pieces), Some(name), ValueKind::Ident | ValueKind::Call) =
                        (pieces.as_deref_mut(), name, kind)
                    {
                        pieces.push(Piece::FieldRef {
                            name,
                            range: TextRange::new(element, self.pos),
                        });
                    }
                    self.trivia();
                    if self.eat(b',').is_some() {
                        self.trivia();
                    } else if !self.peek_is(|b| b == b']') {
                        return None;
                    }
                }
                ValueKind::Array
            }
            _ => self.value()?,
        };
        if let (Some(pieces), Some(at)) = (pieces, at) {
            pieces[at] = Piece::Value {
                kind,
                range: TextRange::new(start, self.pos),
                text: &self.src[start..self.pos],
            };
        }
        Some(())
    }

    /// An expression without its pieces (an array element), or a name,
    /// boolean or call at the top. Returns its kind.
    fn value(&mut self) -> Option<ValueKind> {
        if self.pos >= self.end {
            return None;
        }
        match self.peek() {
            b'"' | b'-' | b'0'..=b'9' | b'[' => {
                let before = self.pos;
                self.expression(None)?;
                let kind = match self.src.as_bytes()[before] {
                    b'"' => ValueKind::String,
                    b'[' => ValueKind::Array,
                    _ => ValueKind::Number,
                };
                Some(kind)
            }
            _ => {
                let word = self.ident()?;
                // `true` and `false` are keywords, where a value may stand.
                if matches!(word.text, "true" | "false") {
                    return Some(ValueKind::Boolean);
                }
                let mark = self.pos;
                self.trivia();
                if self.peek_is(|b| b == b'(') {
                    self.arguments(None)?;
                    Some(ValueKind::Call)
                } else {
                    self.pos = mark;
                    Some(ValueKind::Ident)
                }
            }
        }
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}
