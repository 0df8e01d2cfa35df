// External scanner for the Prisma grammar.
//
// Prisma ends fields, enum values and block attributes at the end of their
// line, but newlines inside argument lists are plain whitespace. The parser
// asks for `NEWLINE` only in states where a line may end, so this scanner
// emits it there and nowhere else; everywhere else the newline is skipped as
// an extra. A line also ends, with a zero-width token, right before `}` or at
// the end of the file, so `model A { id Int }` parses.

#include "tree_sitter/parser.h"

enum TokenType {
  NEWLINE,
  ERROR_SENTINEL,
};

void *tree_sitter_prisma_external_scanner_create(void) { return NULL; }

void tree_sitter_prisma_external_scanner_destroy(void *payload) { (void)payload; }

unsigned tree_sitter_prisma_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}

void tree_sitter_prisma_external_scanner_deserialize(void *payload, const char *buffer,
                                                     unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

bool tree_sitter_prisma_external_scanner_scan(void *payload, TSLexer *lexer,
                                              const bool *valid_symbols) {
  (void)payload;
  // During error recovery every symbol is marked valid. A real line break is
  // still reported then, because it lets the parser skip just the bad token
  // and end the line (`a Int[]?` keeps its field and errors on `?` alone).
  // The zero-width line end before `}` or EOF is only emitted in normal
  // parsing, so recovery can never loop on an empty token.
  bool recovering = valid_symbols[ERROR_SENTINEL];
  if (!recovering && !valid_symbols[NEWLINE]) {
    return false;
  }

  while (lexer->lookahead == ' ' || lexer->lookahead == '\t' || lexer->lookahead == '\r' ||
         lexer->lookahead == '\f' || lexer->lookahead == '\v') {
    lexer->advance(lexer, true);
  }

  if (lexer->lookahead == '\n') {
    lexer->advance(lexer, false);
    lexer->mark_end(lexer);
    lexer->result_symbol = NEWLINE;
    return true;
  }

  if (!recovering && (lexer->lookahead == '}' || lexer->eof(lexer))) {
    lexer->mark_end(lexer);
    lexer->result_symbol = NEWLINE;
    return true;
  }

  return false;
}
