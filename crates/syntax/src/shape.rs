//! A field read as plain data: its name, its type, and its attributes as a
//! flat list of pieces.
//!
//! Lowering a large schema was mostly spent walking tree-sitter's tree: a
//! cursor step costs hundreds of instructions (it climbs through the hidden
//! nodes that repetitions make), and a field line has a dozen nodes. A
//! field whose subtree has no error is therefore read from its text in one
//! scan, which follows the grammar's own token rules; a field with an error
//! is read from the tree. Both readers fill the same [`FieldShape`], and
//! `tests/shape.rs` checks that they agree on every field of the corpus and
//! of a fixture of unusual spellings. The text reader only accepts what it
//! fully understands: on anything else (a byte the grammar's tokens do not
//! cover, say) it gives up and the tree is read instead.

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
        if !self.syntax().has_error() {
            pieces.clear();
            if let Some((name, type_ref)) = from_text(self, pieces) {
                return Some(FieldShape {
                    name,
                    type_ref,
                    pieces,
                });
            }
        }
        self.shape_from_tree(pieces)
    }

    /// [`ast::Field::shape`] read from the tree, whatever the field.
    #[doc(hidden)]
    pub fn shape_from_tree<'p>(
        &self,
        pieces: &'p mut Vec<Piece<'a>>,
    ) -> Option<FieldShape<'p, 'a>> {
        pieces.clear();
        let name = Word::of(self.name()?);
        let type_ref = self.type_ref().map(|t| TypeShape {
            range: t.range(),
            name: t.name().map(Word::of),
            unsupported: t.is_unsupported(),
            arity: t.arity(),
            modifier_range: t.modifier_range(),
        });
        for attr in self.attributes() {
            pieces.push(Piece::Attribute {
                name: attr.name_text(),
                range: attr.range(),
            });
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
                    text: &self.source()[range.start..range.end],
                });
                if let Some(array) = value.as_array() {
                    pieces.extend(array.field_refs().map(|r| Piece::FieldRef {
                        name: Word::of(r.name),
                        range: r.range,
                    }));
                }
            }
        }
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
        let (name, type_ref) = from_text(self, pieces)?;
        Some(FieldShape {
            name,
            type_ref,
            pieces,
        })
    }
}

/// Reads an error-free field from its text. The tokens follow
/// `grammar/grammar.js`: identifiers `[A-Za-z_][A-Za-z0-9_-]*`, attribute
/// names right after `@`, strings, numbers, `?` and `[]` right after the
/// type, and whitespace and `//` comments between tokens. Inside one
/// field's node every line break is whitespace (the one that ends the
/// field is its last byte).
fn from_text<'a>(
    field: &ast::Field<'a>,
    pieces: &mut Vec<Piece<'a>>,
) -> Option<(Word<'a>, Option<TypeShape<'a>>)> {
    let range = field.syntax().byte_range();
    let mut s = Scanner {
        src: field.source(),
        pos: range.start,
        end: range.end,
    };
    let name = s.ident()?;
    s.trivia();
    let mut type_ref = None;
    if s.pos < s.end && s.peek() != b'@' {
        let base = s.ident()?;
        let mut shape = TypeShape {
            range: base.range,
            name: Some(base),
            unsupported: false,
            arity: Arity::Required,
            modifier_range: None,
        };
        if base.text == "Unsupported" {
            // `Unsupported` is a keyword: it always opens `("...")`.
            s.trivia();
            s.eat(b'(')?;
            s.trivia();
            s.string()?;
            s.trivia();
            s.eat(b')')?;
            shape.name = None;
            shape.unsupported = true;
        }
        let modifier_start = s.pos;
        if s.eat(b'?').is_some() {
            shape.arity = Arity::Optional;
        } else if s.rest().starts_with(b"[]") {
            s.pos += 2;
            shape.arity = Arity::List;
        }
        if s.pos > modifier_start {
            shape.modifier_range = Some(TextRange::new(modifier_start, s.pos));
        }
        shape.range = TextRange::new(base.range.start, s.pos);
        type_ref = Some(shape);
        s.trivia();
    }
    while s.pos < s.end {
        let start = s.pos;
        s.eat(b'@')?;
        let name = s.attribute_name()?;
        let mut end = s.pos;
        let at = pieces.len();
        pieces.push(Piece::Attribute {
            name: Some(name),
            range: TextRange::new(start, end),
        });
        s.trivia();
        if s.pos < s.end && s.peek() == b'(' {
            s.arguments(Some(pieces))?;
            end = s.pos;
            pieces[at] = Piece::Attribute {
                name: Some(name),
                range: TextRange::new(start, end),
            };
            s.trivia();
        }
    }
    Some((name, type_ref))
}

struct Scanner<'a> {
    src: &'a str,
    pos: usize,
    end: usize,
}

impl<'a> Scanner<'a> {
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
        loop {
            while self.peek_is(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)) {
                self.pos += 1;
            }
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
        while self.peek_is(more) {
            self.pos += 1;
        }
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
    /// `FieldRef`s of its elements.
    fn expression(&mut self, pieces: Option<&mut Vec<Piece<'a>>>) -> Option<()> {
        if self.pos >= self.end {
            return None;
        }
        let start = self.pos;
        let (kind, refs) = match self.peek() {
            b'"' => (self.string().map(|_| ValueKind::String)?, Vec::new()),
            b'-' | b'0'..=b'9' => (self.number().map(|_| ValueKind::Number)?, Vec::new()),
            b'[' => {
                self.pos += 1;
                self.trivia();
                let mut refs = Vec::new();
                loop {
                    if self.eat(b']').is_some() {
                        break;
                    }
                    let element = self.pos;
                    let name = self.peek_is(is_ident_start).then(|| self.ident()).flatten();
                    self.pos = element;
                    let kind = self.value()?;
                    if let (Some(name), ValueKind::Ident | ValueKind::Call) = (name, kind) {
                        refs.push(Piece::FieldRef {
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
                (ValueKind::Array, refs)
            }
            _ => (self.value()?, Vec::new()),
        };
        if let Some(pieces) = pieces {
            pieces.push(Piece::Value {
                kind,
                range: TextRange::new(start, self.pos),
                text: &self.src[start..self.pos],
            });
            pieces.extend(refs);
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
