/**
 * @file Prisma Schema Language grammar for schemalint.
 * @license MIT
 *
 * Regenerate `src/` with `tree-sitter generate --js-runtime native` from this
 * directory (see grammar/README.md).
 *
 * Design notes:
 * - Prisma is line oriented: a field, an enum value and a block attribute end
 *   at the end of their line. The external scanner (src/scanner.c) emits a
 *   `_newline` token only where the grammar can end such a line, so newlines
 *   inside argument lists stay insignificant whitespace. This is what lets a
 *   half-typed field (`status` with no type yet) end at its own line instead
 *   of swallowing the next field's name as its type.
 * - `//` comments and `///` doc comments are extras. Doc comments are their
 *   own node so the syntax layer can attach them to the next declaration.
 * - The tree has as few nodes as the language allows, because building the
 *   nodes is most of the time parsing takes: a field's type and modifier
 *   are fields of the field itself (no node wraps them), and only named
 *   arguments have an `argument` node (a positional argument is its value
 *   alone). Together these made the parse of a large schema about a tenth
 *   faster. (Making `@name` one token would save another node per
 *   attribute, but then a lone `@` is no token at all and a half-typed
 *   `@@ index(...)` breaks into several errors.)
 */

/* eslint-disable no-undef */

const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/;

function commaSep(rule) {
  return optional(seq(rule, repeat(seq(',', rule)), optional(',')));
}

module.exports = grammar({
  name: 'prisma',

  externals: ($) => [$._newline, $._error_sentinel],

  extras: ($) => [/\s/, $.comment, $.doc_comment],

  word: ($) => $.identifier,

  // Substituted where they are used instead of wrapping each declaration
  // and each expression in a hidden node of their own: a tree with fewer
  // nodes is faster to build and to walk, and the visible tree is the same.
  inline: ($) => [$._declaration, $._expression],

  rules: {
    source_file: ($) => repeat($._declaration),

    _declaration: ($) =>
      choice(
        $.model_declaration,
        $.view_declaration,
        $.type_declaration,
        $.enum_declaration,
        $.datasource_declaration,
        $.generator_declaration,
      ),

    model_declaration: ($) =>
      seq('model', field('name', $.identifier), field('body', $.model_body)),

    view_declaration: ($) =>
      seq('view', field('name', $.identifier), field('body', $.model_body)),

    type_declaration: ($) =>
      seq('type', field('name', $.identifier), field('body', $.model_body)),

    enum_declaration: ($) =>
      seq('enum', field('name', $.identifier), field('body', $.enum_body)),

    datasource_declaration: ($) =>
      seq('datasource', field('name', $.identifier), field('body', $.config_body)),

    generator_declaration: ($) =>
      seq('generator', field('name', $.identifier), field('body', $.config_body)),

    model_body: ($) =>
      seq('{', repeat(choice($.field_declaration, $.block_attribute)), '}'),

    enum_body: ($) =>
      seq('{', repeat(choice($.enum_value, $.block_attribute)), '}'),

    config_body: ($) => seq('{', repeat($.key_value), '}'),

    field_declaration: ($) =>
      seq(
        field('name', $.identifier),
        optional(
          seq(
            field('type', choice($.identifier, $.unsupported_type)),
            optional(field('modifier', choice($.optional_modifier, $.list_modifier))),
          ),
        ),
        repeat(field('attribute', $.attribute)),
        $._newline,
      ),

    optional_modifier: (_) => token.immediate('?'),

    list_modifier: (_) => token.immediate('[]'),

    unsupported_type: ($) =>
      seq('Unsupported', '(', field('argument', $.string), ')'),

    enum_value: ($) =>
      seq(
        field('name', $.identifier),
        repeat(field('attribute', $.attribute)),
        $._newline,
      ),

    // `@id`, `@default(now())`, `@db.VarChar(255)`, `@postgres.Uuid`.
    attribute: ($) =>
      seq(
        '@',
        field('name', $.attribute_name),
        optional(field('arguments', $.arguments)),
      ),

    // `@@index([a, b], map: "x")`, `@@schema("core")`.
    block_attribute: ($) =>
      seq(
        '@@',
        field('name', $.attribute_name),
        optional(field('arguments', $.arguments)),
        $._newline,
      ),

    attribute_name: (_) =>
      token.immediate(/[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?/),

    key_value: ($) =>
      seq(field('key', $.identifier), '=', field('value', $._expression)),

    // A positional argument is its value alone; a named one is an
    // `argument` node.
    arguments: ($) => seq('(', commaSep(choice($.argument, $._expression)), ')'),

    argument: ($) =>
      seq(field('name', $.identifier), ':', field('value', $._expression)),

    _expression: ($) =>
      choice(
        $.string,
        $.number,
        $.boolean,
        $.array,
        $.function_call,
        $.identifier,
      ),

    array: ($) => seq('[', commaSep(field('element', $._expression)), ']'),

    // `env("X")`, `now()`, `cuid(2)`, and field references with arguments
    // inside index lists such as `title(sort: Desc)`.
    function_call: ($) =>
      seq(field('name', $.identifier), field('arguments', $.arguments)),

    boolean: (_) => choice('true', 'false'),

    number: (_) => token(/-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/),

    string: (_) =>
      token(seq('"', repeat(choice(/[^"\\\n]/, /\\(.|\n)/)), '"')),

    identifier: (_) => IDENT,

    comment: (_) => token(seq('//', /[^\n]*/)),

    doc_comment: (_) => token(prec(1, seq('///', /[^\n]*/))),
  },
});
