//! A typed view over the tree-sitter tree.
//!
//! Each wrapper holds a tree-sitter node and the source text. Wrappers are
//! `Copy` and cheap; they borrow the [`crate::Parse`] they came from. Because
//! the tree may contain errors, every child accessor returns `Option` or an
//! iterator that simply yields fewer items.

use std::borrow::Cow;

use tree_sitter::Node;

use crate::TextRange;

/// Declares a wrapper around nodes of one kind.
macro_rules! ast_node {
    ($(#[$meta:meta])* $name:ident = $($kind:literal)|+) => {
        $(#[$meta])*
        #[derive(Clone, Copy)]
        pub struct $name<'a> {
            node: Node<'a>,
            src: &'a str,
        }

        impl<'a> $name<'a> {
            pub fn cast(node: Node<'a>, src: &'a str) -> Option<Self> {
                matches!(kind(node), $($kind)|+).then_some(Self { node, src })
            }

            /// The underlying tree-sitter node.
            pub fn syntax(&self) -> Node<'a> {
                self.node
            }

            /// The text of the whole file the node is in.
            #[allow(dead_code)]
            pub(crate) fn source(&self) -> &'a str {
                self.src
            }

            /// The node's range, without the line break that ends fields,
            /// enum values and block attributes.
            pub fn range(&self) -> TextRange {
                let r = self.node.byte_range();
                let trailing = self.src[r.clone()].len() - self.src[r.clone()].trim_end().len();
                TextRange::new(r.start, r.end - trailing)
            }

            pub fn text(&self) -> &'a str {
                let r = self.range();
                &self.src[r.start..r.end]
            }
        }

        impl std::fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({:?} @ {:?})", stringify!($name), self.text(), self.range())
            }
        }
    };
}

/// The root of a schema file: the roots of its chunks' trees, read as one.
#[derive(Clone, Copy)]
pub struct SourceFile<'a> {
    chunks: &'a [crate::chunks::Chunk],
    src: &'a str,
}

impl std::fmt::Debug for SourceFile<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SourceFile({} chunks)", self.chunks.len())
    }
}
ast_node!(
    /// An identifier: a declaration name, a field name, a type name, an
    /// argument name or a bare value such as `Cascade`.
    Name = "identifier"
);
ast_node!(
    /// A `model`, `view` or composite `type` block. They share one shape.
    ModelDecl = "model_declaration" | "view_declaration" | "type_declaration"
);
ast_node!(
    /// An `enum` block.
    EnumDecl = "enum_declaration"
);
ast_node!(
    /// A `datasource` or `generator` block.
    ConfigDecl = "datasource_declaration" | "generator_declaration"
);
ast_node!(
    /// A field of a model, view or composite type.
    Field = "field_declaration"
);
ast_node!(
    /// A value of an enum.
    EnumValue = "enum_value"
);
ast_node!(
    /// A field attribute (`@id`) or a block attribute (`@@index(...)`).
    Attribute = "attribute" | "block_attribute"
);
ast_node!(
    /// A `key = value` line of a datasource or generator.
    KeyValue = "key_value"
);
ast_node!(
    /// A string literal, quotes included.
    StringLit = "string"
);
ast_node!(
    /// An array literal `[a, b]`.
    ArrayExpr = "array"
);
ast_node!(
    /// A call such as `env("X")`, `now()` or `title(sort: Desc)`.
    FunctionCall = "function_call"
);
ast_node!(
    /// An argument list in parentheses.
    ArgList = "arguments"
);

impl<'a> Name<'a> {
    /// The identifier text. Same as [`Name::text`], named for readability.
    pub fn as_str(&self) -> &'a str {
        self.text()
    }
}

/// Children of `node` that cast to `T`, in order.
/// The kind of a node, as `Node::kind` gives it, from a table built once:
/// `Node::kind` measures and validates the C string of the name on every
/// call, and the casts ask for it on every node they look at.
fn kind(node: Node<'_>) -> &'static str {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let language = crate::language();
        (0..language.node_kind_count())
            .map(|id| {
                let id = u16::try_from(id).unwrap_or(u16::MAX);
                language.node_kind_for_id(id).unwrap_or("")
            })
            .collect()
    });
    // ERROR nodes use an id past the table.
    names
        .get(usize::from(node.kind_id()))
        .copied()
        .unwrap_or_else(|| node.kind())
}

fn children<'a, T: 'a>(
    node: Node<'a>,
    src: &'a str,
    cast: fn(Node<'a>, &'a str) -> Option<T>,
) -> impl Iterator<Item = T> + 'a {
    NamedChildren::new(node).filter_map(move |n| cast(n, src))
}

/// The named children of a node, walked with a cursor the iterator owns:
/// tree-sitter's own iterator borrows its cursor, so returning it meant
/// collecting the children into a vector first, one allocation per node
/// read, which lowering a large schema did hundreds of thousands of times.
struct NamedChildren<'a> {
    cursor: tree_sitter::TreeCursor<'a>,
    /// Whether the cursor is on a child not yet returned.
    on_child: bool,
}

impl<'a> NamedChildren<'a> {
    fn new(node: Node<'a>) -> Self {
        let mut cursor = node.walk();
        let on_child = cursor.goto_first_child();
        NamedChildren { cursor, on_child }
    }
}

impl<'a> Iterator for NamedChildren<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        while self.on_child {
            let node = self.cursor.node();
            self.on_child = self.cursor.goto_next_sibling();
            if node.is_named() {
                return Some(node);
            }
        }
        None
    }
}

pub(crate) fn field_child<'a>(node: Node<'a>, field: &'static str) -> Option<Node<'a>> {
    node.child_by_field_id(field_id(field)?.get())
}

/// The grammar's field names, in a fixed order.
const FIELDS: [&str; 10] = [
    "name",
    "body",
    "type",
    "modifier",
    "attribute",
    "arguments",
    "argument",
    "key",
    "value",
    "element",
];

/// The id of a field of the grammar, looked up once per process.
/// `child_by_field_name` compares the name with every field name of the
/// language on each call, which showed up in profiles of large schemas.
fn field_id(name: &'static str) -> Option<std::num::NonZeroU16> {
    static IDS: std::sync::OnceLock<[Option<std::num::NonZeroU16>; FIELDS.len()]> =
        std::sync::OnceLock::new();
    let ids = IDS.get_or_init(|| {
        let language = crate::language();
        FIELDS.map(|f| language.field_id_for_name(f))
    });
    let slot = FIELDS.iter().position(|f| *f == name);
    debug_assert!(slot.is_some(), "`{name}` is not a field of the grammar");
    ids[slot?]
}

fn name_field<'a>(node: Node<'a>, src: &'a str) -> Option<Name<'a>> {
    // A MISSING identifier inserted by error recovery has no text; treat it
    // as absent so callers never see an empty name.
    field_child(node, "name")
        .filter(|n| !n.is_missing() && !n.byte_range().is_empty())
        .and_then(|n| Name::cast(n, src))
}

/// `///` doc comments directly above `node`, joined with newlines, with the
/// `///` and one following space removed.
fn doc_comments(node: Node<'_>, src: &str) -> Option<String> {
    let mut first = None;
    let mut prev = node.prev_sibling();
    let mut expected_row = node.start_position().row;
    while let Some(p) = prev {
        match kind(p) {
            "doc_comment" if p.end_position().row + 1 >= expected_row => {
                first = Some(p);
                expected_row = p.start_position().row;
            }
            _ => break,
        }
        prev = p.prev_sibling();
    }
    Some(doc_text(first?, node, src))
}

/// The text of the doc comments from `first` up to (not including)
/// `until`, which are siblings with only doc comments between them, on
/// consecutive lines. Read from the text between the two: finding each
/// next sibling in the tree scans the parent's children from the first,
/// which in a file of thousands of declarations cost more than lowering
/// them.
fn doc_text(first: Node<'_>, until: Node<'_>, src: &str) -> String {
    let mut out = String::new();
    for line in src[first.start_byte()..until.start_byte()].lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        let text = line.trim_start_matches('/');
        out.push_str(text.strip_prefix(' ').unwrap_or(text).trim_end());
    }
    out
}

/// A top-level declaration and the `///` comments right above it, found in
/// one walk over the file. `ModelDecl::docs` walks back from the
/// declaration instead, and tree-sitter finds a previous sibling by
/// scanning from the first child, so doing that for every declaration of a
/// file costs time quadratic in its length.
#[derive(Clone, Copy, Debug)]
pub struct Documented<'a> {
    pub decl: Declaration<'a>,
    /// The first doc comment of the block, if there is one.
    first_doc: Option<Node<'a>>,
    src: &'a str,
}

impl<'a> Documented<'a> {
    /// Where the doc comments start, or `None` without any.
    pub fn docs_start(&self) -> Option<usize> {
        self.first_doc.map(|n| n.start_byte())
    }

    /// The same text as the declaration's own `docs()`.
    pub fn docs(&self) -> Option<String> {
        Some(doc_text(self.first_doc?, self.decl.node(), self.src))
    }
}

/// A top-level declaration.
#[derive(Clone, Copy, Debug)]
pub enum Declaration<'a> {
    Model(ModelDecl<'a>),
    Enum(EnumDecl<'a>),
    Config(ConfigDecl<'a>),
}

impl<'a> Declaration<'a> {
    pub fn name(&self) -> Option<Name<'a>> {
        match self {
            Declaration::Model(m) => m.name(),
            Declaration::Enum(e) => e.name(),
            Declaration::Config(c) => c.name(),
        }
    }

    pub fn range(&self) -> TextRange {
        match self {
            Declaration::Model(m) => m.range(),
            Declaration::Enum(e) => e.range(),
            Declaration::Config(c) => c.range(),
        }
    }

    fn cast(node: Node<'a>, src: &'a str) -> Option<Self> {
        ModelDecl::cast(node, src)
            .map(Declaration::Model)
            .or_else(|| EnumDecl::cast(node, src).map(Declaration::Enum))
            .or_else(|| ConfigDecl::cast(node, src).map(Declaration::Config))
    }

    fn node(&self) -> Node<'a> {
        match self {
            Declaration::Model(m) => m.node,
            Declaration::Enum(e) => e.node,
            Declaration::Config(c) => c.node,
        }
    }
}

impl<'a> SourceFile<'a> {
    pub(crate) fn new(chunks: &'a [crate::chunks::Chunk], src: &'a str) -> Self {
        SourceFile { chunks, src }
    }

    /// The file in pieces that can be read independently, each with its
    /// declarations in order; one piece unless the file is large. Lowering
    /// uses it to spread a large file over threads.
    pub fn parts(&self) -> impl Iterator<Item = SourceFile<'a>> + 'a {
        let src = self.src;
        self.chunks
            .chunks(1)
            .map(move |chunks| SourceFile { chunks, src })
    }

    /// The bytes of the text this file or part covers. Parts tile the
    /// text, each starting at the start of a line, and a part's
    /// declarations depend on its own text alone: the same text, wherever
    /// it is, gives the same declarations, moved.
    pub fn span(&self) -> TextRange {
        match (self.chunks.first(), self.chunks.last()) {
            (Some(first), Some(last)) => TextRange::new(first.bytes.start, last.bytes.end),
            _ => TextRange::empty(0),
        }
    }

    fn roots(&self) -> impl Iterator<Item = Node<'a>> + 'a {
        self.chunks.iter().map(|c| c.tree.root_node())
    }

    pub fn declarations(&self) -> impl Iterator<Item = Declaration<'a>> + 'a {
        let src = self.src;
        self.roots()
            .flat_map(move |root| children(root, src, Declaration::cast))
    }

    /// The declarations with their doc comments, in order.
    pub fn documented_declarations(&self) -> impl Iterator<Item = Documented<'a>> + 'a {
        let src = self.src;
        self.roots().flat_map(move |root| {
            let mut out = Vec::new();
            // The doc comments seen since the last other node: the first of
            // them, and the last (to check that the rows are contiguous, as
            // `doc_comments` does walking back).
            let mut run: Option<(Node<'a>, Node<'a>)> = None;
            let mut cursor = root.walk();
            for node in root.children(&mut cursor) {
                if kind(node) == "doc_comment" {
                    run = match run {
                        Some((first, last))
                            if last.end_position().row + 1 >= node.start_position().row =>
                        {
                            Some((first, node))
                        }
                        _ => Some((node, node)),
                    };
                    continue;
                }
                if let Some(decl) = Declaration::cast(node, src) {
                    let first_doc = run
                        .filter(|(_, last)| {
                            last.end_position().row + 1 >= node.start_position().row
                        })
                        .map(|(first, _)| first);
                    out.push(Documented {
                        decl,
                        first_doc,
                        src,
                    });
                }
                run = None;
            }
            out
        })
    }

    pub fn models(&self) -> impl Iterator<Item = ModelDecl<'a>> + 'a {
        let src = self.src;
        self.roots()
            .flat_map(move |root| children(root, src, ModelDecl::cast))
    }

    pub fn enums(&self) -> impl Iterator<Item = EnumDecl<'a>> + 'a {
        let src = self.src;
        self.roots()
            .flat_map(move |root| children(root, src, EnumDecl::cast))
    }

    pub fn configs(&self) -> impl Iterator<Item = ConfigDecl<'a>> + 'a {
        let src = self.src;
        self.roots()
            .flat_map(move |root| children(root, src, ConfigDecl::cast))
    }

    /// All comments (`//` and `///`) in the file, in order. Used for
    /// suppression comments, which may appear anywhere.
    pub fn comments(&self) -> Vec<(TextRange, &'a str)> {
        let mut out = Vec::new();
        for root in self.roots() {
            let mut cursor = root.walk();
            let mut stack = vec![root];
            while let Some(node) = stack.pop() {
                if matches!(kind(node), "comment" | "doc_comment") {
                    out.push((node.range().into(), &self.src[node.byte_range()]));
                    continue;
                }
                // Push in reverse so the stack pops them in source order.
                let kids: Vec<Node<'a>> = node.children(&mut cursor).collect();
                stack.extend(kids.into_iter().rev());
            }
        }
        out
    }
}

/// Which kind of block a [`ModelDecl`] is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ModelKind {
    Model,
    View,
    CompositeType,
}

impl ModelKind {
    /// The keyword that opens the block.
    pub fn keyword(self) -> &'static str {
        match self {
            ModelKind::Model => "model",
            ModelKind::View => "view",
            ModelKind::CompositeType => "type",
        }
    }
}

impl<'a> ModelDecl<'a> {
    pub fn kind(&self) -> ModelKind {
        match kind(self.node) {
            "view_declaration" => ModelKind::View,
            "type_declaration" => ModelKind::CompositeType,
            _ => ModelKind::Model,
        }
    }

    pub fn name(&self) -> Option<Name<'a>> {
        name_field(self.node, self.src)
    }

    pub fn docs(&self) -> Option<String> {
        doc_comments(self.node, self.src)
    }

    pub fn body(&self) -> Option<Body<'a>> {
        field_child(self.node, "body").map(|node| Body {
            node,
            src: self.src,
        })
    }

    pub fn fields(&self) -> impl Iterator<Item = Field<'a>> + 'a {
        self.body()
            .into_iter()
            .flat_map(|b| children(b.node, b.src, Field::cast))
    }

    pub fn block_attributes(&self) -> impl Iterator<Item = Attribute<'a>> + 'a {
        self.body()
            .into_iter()
            .flat_map(|b| children(b.node, b.src, Attribute::cast))
    }

    pub fn field(&self, name: &str) -> Option<Field<'a>> {
        self.fields()
            .find(|f| f.name().is_some_and(|n| n.as_str() == name))
    }

    /// The fields and block attributes of the body, in order, in one pass
    /// (`fields` and `block_attributes` each walk the whole body, and a
    /// step of tree-sitter's cursor is costly).
    pub fn members(&self) -> impl Iterator<Item = Member<'a>> + 'a {
        let src = self.src;
        self.body()
            .into_iter()
            .flat_map(|b| NamedChildren::new(b.node))
            .filter_map(move |node| match kind(node) {
                "field_declaration" => Some(Member::Field(Field { node, src })),
                "block_attribute" => Some(Member::Attribute(Attribute { node, src })),
                _ => None,
            })
    }
}

/// A line of a model body, as [`ModelDecl::members`] yields them.
#[derive(Clone, Copy, Debug)]
pub enum Member<'a> {
    Field(Field<'a>),
    Attribute(Attribute<'a>),
}

/// The `{ ... }` body of a block.
#[derive(Clone, Copy, Debug)]
pub struct Body<'a> {
    node: Node<'a>,
    src: &'a str,
}

impl Body<'_> {
    pub fn range(&self) -> TextRange {
        self.node.range().into()
    }

    /// The range of the closing `}`, if the parser found one.
    pub fn close_brace(&self) -> Option<TextRange> {
        let last = self.node.child(self.node.child_count().checked_sub(1)?)?;
        (kind(last) == "}" && !last.is_missing()).then(|| last.range().into())
    }

    /// The range of the opening `{`.
    pub fn open_brace(&self) -> Option<TextRange> {
        let first = self.node.child(0)?;
        (kind(first) == "{").then(|| first.range().into())
    }

    pub fn text(&self) -> &str {
        &self.src[self.node.byte_range()]
    }
}

impl<'a> EnumDecl<'a> {
    pub fn name(&self) -> Option<Name<'a>> {
        name_field(self.node, self.src)
    }

    pub fn docs(&self) -> Option<String> {
        doc_comments(self.node, self.src)
    }

    pub fn body(&self) -> Option<Body<'a>> {
        field_child(self.node, "body").map(|node| Body {
            node,
            src: self.src,
        })
    }

    pub fn values(&self) -> impl Iterator<Item = EnumValue<'a>> + 'a {
        self.body()
            .into_iter()
            .flat_map(|b| children(b.node, b.src, EnumValue::cast))
    }

    pub fn block_attributes(&self) -> impl Iterator<Item = Attribute<'a>> + 'a {
        self.body()
            .into_iter()
            .flat_map(|b| children(b.node, b.src, Attribute::cast))
    }
}

impl<'a> EnumValue<'a> {
    pub fn name(&self) -> Option<Name<'a>> {
        name_field(self.node, self.src)
    }

    pub fn docs(&self) -> Option<String> {
        doc_comments(self.node, self.src)
    }

    pub fn attributes(&self) -> impl Iterator<Item = Attribute<'a>> + 'a {
        children(self.node, self.src, Attribute::cast)
    }
}

/// Whether a datasource or a generator.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ConfigKind {
    Datasource,
    Generator,
}

impl<'a> ConfigDecl<'a> {
    pub fn kind(&self) -> ConfigKind {
        if kind(self.node) == "datasource_declaration" {
            ConfigKind::Datasource
        } else {
            ConfigKind::Generator
        }
    }

    pub fn name(&self) -> Option<Name<'a>> {
        name_field(self.node, self.src)
    }

    pub fn entries(&self) -> impl Iterator<Item = KeyValue<'a>> + 'a {
        let src = self.src;
        field_child(self.node, "body")
            .into_iter()
            .flat_map(move |b| children(b, src, KeyValue::cast))
    }

    /// The value of the last entry named `key` (Prisma uses the last one).
    pub fn get(&self, key: &str) -> Option<Expr<'a>> {
        self.entries()
            .filter(|e| e.key().is_some_and(|k| k.as_str() == key))
            .last()
            .and_then(|e| e.value())
    }
}

impl<'a> KeyValue<'a> {
    pub fn key(&self) -> Option<Name<'a>> {
        field_child(self.node, "key").and_then(|n| Name::cast(n, self.src))
    }

    pub fn value(&self) -> Option<Expr<'a>> {
        field_child(self.node, "value").and_then(|n| Expr::cast(n, self.src))
    }
}

/// How many values a field holds.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Arity {
    Required,
    Optional,
    List,
}

impl<'a> Field<'a> {
    pub fn name(&self) -> Option<Name<'a>> {
        name_field(self.node, self.src)
    }

    pub fn type_ref(&self) -> Option<TypeRef<'a>> {
        Some(TypeRef {
            base: field_child(self.node, "type")?,
            modifier: field_child(self.node, "modifier"),
            src: self.src,
        })
    }

    pub fn attributes(&self) -> impl Iterator<Item = Attribute<'a>> + 'a {
        children(self.node, self.src, Attribute::cast)
    }

    /// The first attribute with this name (without `@`), e.g. `"relation"`.
    pub fn attribute(&self, name: &str) -> Option<Attribute<'a>> {
        self.attributes().find(|a| a.name_text() == Some(name))
    }

    pub fn docs(&self) -> Option<String> {
        doc_comments(self.node, self.src)
    }
}

/// The type of a field: its base (a name or `Unsupported("...")`) plus an
/// optional `?` or `[]`. Both are children of the field's node: the grammar
/// has no node of its own around them (fewer nodes parse faster).
#[derive(Clone, Copy, Debug)]
pub struct TypeRef<'a> {
    base: Node<'a>,
    modifier: Option<Node<'a>>,
    src: &'a str,
}

impl<'a> TypeRef<'a> {
    /// The base type name, `None` for `Unsupported("...")` and broken types.
    pub fn name(&self) -> Option<Name<'a>> {
        Name::cast(self.base, self.src)
    }

    pub fn is_unsupported(&self) -> bool {
        kind(self.base) == "unsupported_type"
    }

    pub fn arity(&self) -> Arity {
        match self.modifier.map(kind) {
            Some("optional_modifier") => Arity::Optional,
            Some("list_modifier") => Arity::List,
            _ => Arity::Required,
        }
    }

    /// The range of the `?` or `[]` modifier, if any.
    pub fn modifier_range(&self) -> Option<TextRange> {
        self.modifier.map(|n| n.range().into())
    }

    /// From the base to the end of the modifier, if any.
    pub fn range(&self) -> TextRange {
        let end = self.modifier.unwrap_or(self.base).end_byte();
        TextRange::new(self.base.start_byte(), end.max(self.base.start_byte()))
    }

    pub fn text(&self) -> &'a str {
        let r = self.range();
        &self.src[r.start..r.end]
    }
}

impl<'a> Attribute<'a> {
    /// `true` for `@@...` block attributes.
    pub fn is_block(&self) -> bool {
        kind(self.node) == "block_attribute"
    }

    /// The attribute name node: one token with its `@` or `@@` and a
    /// datasource prefix such as `db.VarChar` if present.
    pub fn name_node(&self) -> Option<Node<'a>> {
        field_child(self.node, "name").filter(|n| !n.is_missing())
    }

    /// The name without its `@` or `@@`: `id`, `db.VarChar`, `index`.
    pub fn name_text(&self) -> Option<&'a str> {
        self.name_range().map(|r| &self.src[r.start..r.end])
    }

    /// The range of [`Attribute::name_text`].
    pub fn name_range(&self) -> Option<TextRange> {
        let node = self.name_node()?;
        let text = &self.src[node.byte_range()];
        let ats = text.len() - text.trim_start_matches('@').len();
        Some(TextRange::new(node.start_byte() + ats, node.end_byte()))
    }

    pub fn arg_list(&self) -> Option<ArgList<'a>> {
        field_child(self.node, "arguments").and_then(|n| ArgList::cast(n, self.src))
    }

    pub fn args(&self) -> impl Iterator<Item = Argument<'a>> + 'a {
        self.arg_list().into_iter().flat_map(|a| a.args())
    }

    /// The value of the argument called `name`.
    pub fn named_arg(&self, name: &str) -> Option<Expr<'a>> {
        self.args()
            .find(|a| a.name().is_some_and(|n| n.as_str() == name))
            .and_then(|a| a.value())
    }

    /// The value of the `index`-th positional (unnamed) argument.
    pub fn positional_arg(&self, index: usize) -> Option<Expr<'a>> {
        self.args()
            .filter(|a| a.name().is_none())
            .nth(index)
            .and_then(|a| a.value())
    }

    /// The argument called `name`, or else the first positional argument.
    /// Prisma lets `fields:` of `@@index` and `name:` of `@relation` be
    /// passed either way.
    pub fn arg_or_first(&self, name: &str) -> Option<Expr<'a>> {
        self.named_arg(name).or_else(|| self.positional_arg(0))
    }
}

impl<'a> ArgList<'a> {
    pub fn args(&self) -> impl Iterator<Item = Argument<'a>> + 'a {
        children(self.node, self.src, Argument::cast)
    }
}

/// One argument in an argument list: named (`map: "x"`, an `argument`
/// node) or positional (the value's own node: the grammar gives positional
/// arguments no node of their own, as fewer nodes parse faster).
#[derive(Clone, Copy, Debug)]
pub struct Argument<'a> {
    node: Node<'a>,
    src: &'a str,
}

impl<'a> Argument<'a> {
    pub fn cast(node: Node<'a>, src: &'a str) -> Option<Self> {
        let arg = Argument { node, src };
        (arg.is_named() || Expr::cast(node, src).is_some()).then_some(arg)
    }

    fn is_named(&self) -> bool {
        kind(self.node) == "argument"
    }

    pub fn name(&self) -> Option<Name<'a>> {
        if !self.is_named() {
            return None;
        }
        name_field(self.node, self.src)
    }

    pub fn value(&self) -> Option<Expr<'a>> {
        if !self.is_named() {
            return Expr::cast(self.node, self.src);
        }
        field_child(self.node, "value").and_then(|n| Expr::cast(n, self.src))
    }

    /// The whole argument, its name included.
    pub fn range(&self) -> TextRange {
        self.node.range().into()
    }
}

/// A value: an argument, an array element or the right side of `key = value`.
#[derive(Clone, Copy, Debug)]
pub enum Expr<'a> {
    String(StringLit<'a>),
    Number(Node<'a>, &'a str),
    Boolean(bool, Node<'a>),
    Array(ArrayExpr<'a>),
    Call(FunctionCall<'a>),
    Ident(Name<'a>),
}

impl<'a> Expr<'a> {
    pub fn cast(node: Node<'a>, src: &'a str) -> Option<Self> {
        Some(match kind(node) {
            "string" => Expr::String(StringLit { node, src }),
            "number" => Expr::Number(node, &src[node.byte_range()]),
            "boolean" => Expr::Boolean(&src[node.byte_range()] == "true", node),
            "array" => Expr::Array(ArrayExpr { node, src }),
            "function_call" => Expr::Call(FunctionCall { node, src }),
            "identifier" => Expr::Ident(Name { node, src }),
            _ => return None,
        })
    }

    pub fn syntax(&self) -> Node<'a> {
        match self {
            Expr::String(s) => s.node,
            Expr::Number(n, _) | Expr::Boolean(_, n) => *n,
            Expr::Array(a) => a.node,
            Expr::Call(c) => c.node,
            Expr::Ident(i) => i.node,
        }
    }

    pub fn range(&self) -> TextRange {
        self.syntax().range().into()
    }

    pub fn as_string(&self) -> Option<Cow<'a, str>> {
        match self {
            Expr::String(s) => Some(s.value()),
            _ => None,
        }
    }

    pub fn as_ident(&self) -> Option<Name<'a>> {
        match self {
            Expr::Ident(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<ArrayExpr<'a>> {
        match self {
            Expr::Array(a) => Some(*a),
            _ => None,
        }
    }

    pub fn as_call(&self) -> Option<FunctionCall<'a>> {
        match self {
            Expr::Call(c) => Some(*c),
            _ => None,
        }
    }
}

impl<'a> StringLit<'a> {
    /// The string's value with quotes removed and escapes resolved. An
    /// unknown escape keeps its character, as Prisma does.
    pub fn value(&self) -> Cow<'a, str> {
        string_value(self.text())
    }
}

/// The value of a string token: quotes removed and escapes resolved.
pub(crate) fn string_value(raw: &str) -> Cow<'_, str> {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = chars.clone().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == 4 => {
                        out.push(ch);
                        chars.nth(3);
                    }
                    _ => out.push('u'),
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Cow::Owned(out)
}

/// One element of an array used as a list of field names, such as
/// `fields: [a, b]` or `@@index([a(sort: Desc), b])`.
#[derive(Clone, Copy, Debug)]
pub struct FieldRef<'a> {
    pub name: Name<'a>,
    /// The whole element, arguments included.
    pub range: TextRange,
}

impl<'a> ArrayExpr<'a> {
    pub fn elements(&self) -> impl Iterator<Item = Expr<'a>> + 'a {
        children(self.node, self.src, Expr::cast)
    }

    /// The elements read as field references: bare names, or calls whose
    /// name is the field (`title(sort: Desc)`). Other elements are skipped.
    pub fn field_refs(&self) -> impl Iterator<Item = FieldRef<'a>> + 'a {
        self.elements().filter_map(|e| {
            let name = match e {
                Expr::Ident(n) => n,
                Expr::Call(c) => c.name()?,
                _ => return None,
            };
            Some(FieldRef {
                name,
                range: e.range(),
            })
        })
    }
}

impl<'a> FunctionCall<'a> {
    pub fn name(&self) -> Option<Name<'a>> {
        name_field(self.node, self.src)
    }

    pub fn args(&self) -> impl Iterator<Item = Argument<'a>> + 'a {
        field_child(self.node, "arguments")
            .and_then(|n| ArgList::cast(n, self.src))
            .into_iter()
            .flat_map(|a| a.args())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_model(p: &crate::Parse) -> ModelDecl<'_> {
        p.source_file().models().next().expect("a model")
    }

    #[test]
    fn reads_a_model() {
        let p = crate::parse(
            "/// A lab sample.\n/// @audit\nmodel Sample {\n  id String @id @db.Uuid\n  /// Where it came from.\n  projectId String?\n  project Project @relation(\"P\", fields: [projectId], references: [id], onDelete: Cascade)\n  tags String[]\n  @@index([projectId(sort: Desc)], map: \"x\")\n}\n",
        );
        assert!(p.errors().is_empty(), "{:?}", p.errors());
        let m = first_model(&p);
        assert_eq!(m.kind(), ModelKind::Model);
        assert_eq!(m.name().unwrap().as_str(), "Sample");
        assert_eq!(m.docs().as_deref(), Some("A lab sample.\n@audit"));
        let fields: Vec<_> = m.fields().map(|f| f.name().unwrap().as_str()).collect();
        assert_eq!(fields, ["id", "projectId", "project", "tags"]);
        let pid = m.field("projectId").unwrap();
        assert_eq!(pid.type_ref().unwrap().arity(), Arity::Optional);
        assert_eq!(pid.docs().as_deref(), Some("Where it came from."));
        assert_eq!(
            m.field("tags").unwrap().type_ref().unwrap().arity(),
            Arity::List
        );
        let id = m.field("id").unwrap();
        let names: Vec<_> = id.attributes().filter_map(|a| a.name_text()).collect();
        assert_eq!(names, ["id", "db.Uuid"]);
        let rel = m.field("project").unwrap().attribute("relation").unwrap();
        assert_eq!(rel.positional_arg(0).unwrap().as_string().unwrap(), "P");
        let fields: Vec<_> = rel
            .named_arg("fields")
            .and_then(|e| e.as_array())
            .unwrap()
            .field_refs()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(fields, ["projectId"]);
        assert_eq!(
            rel.named_arg("onDelete")
                .unwrap()
                .as_ident()
                .unwrap()
                .as_str(),
            "Cascade"
        );
        let index = m.block_attributes().next().unwrap();
        assert!(index.is_block());
        let cols: Vec<_> = index
            .arg_or_first("fields")
            .and_then(|e| e.as_array())
            .unwrap()
            .field_refs()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(cols, ["projectId"]);
    }

    #[test]
    fn reads_enums_and_configs() {
        let p = crate::parse(
            "datasource db {\n  provider = \"postgresql\"\n  schemas = [\"a\", \"b\"]\n}\nenum Role {\n  USER @map(\"user\")\n  ADMIN\n  @@schema(\"a\")\n}\n",
        );
        assert!(p.errors().is_empty());
        let file = p.source_file();
        let ds = file.configs().next().unwrap();
        assert_eq!(ds.kind(), ConfigKind::Datasource);
        assert_eq!(
            ds.get("provider").unwrap().as_string().unwrap(),
            "postgresql"
        );
        assert_eq!(
            ds.get("schemas")
                .unwrap()
                .as_array()
                .unwrap()
                .elements()
                .count(),
            2
        );
        let e = file.enums().next().unwrap();
        let values: Vec<_> = e.values().map(|v| v.name().unwrap().as_str()).collect();
        assert_eq!(values, ["USER", "ADMIN"]);
        assert_eq!(e.block_attributes().count(), 1);
    }

    #[test]
    fn unescapes_strings() {
        let p =
            crate::parse("model A {\n  a Json @default(\"{\\\"k\\\": \\\"é\\u00e9\\\"}\")\n}\n");
        let m = first_model(&p);
        let d = m.field("a").unwrap().attribute("default").unwrap();
        assert_eq!(
            d.positional_arg(0).unwrap().as_string().unwrap(),
            "{\"k\": \"éé\"}"
        );
    }

    #[test]
    fn broken_field_keeps_the_rest_usable() {
        let p = crate::parse("model A {\n  id Int @id\n  status\n  name String\n}\n");
        let m = first_model(&p);
        let status = m.field("status").unwrap();
        assert!(status.type_ref().is_none());
        assert_eq!(
            m.field("name")
                .unwrap()
                .type_ref()
                .unwrap()
                .name()
                .unwrap()
                .as_str(),
            "String"
        );
    }
}

#[cfg(test)]
mod field_tests {
    #[test]
    fn every_field_of_the_grammar_has_a_cached_id() {
        let language = crate::language();
        assert_eq!(language.field_count(), super::FIELDS.len());
        for name in super::FIELDS {
            assert!(super::field_id(name).is_some(), "{name}");
        }
    }
}
