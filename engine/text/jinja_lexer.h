#pragma once
// Splits a Jinja template into tokens exactly as jinja2's lexer does with trim_blocks=True and
// lstrip_blocks=True (transformers' settings): {{ }}, {% %}, {# #}, the - and + whitespace controls,
// raw blocks, Python string escapes and number literals, newlines normalised to \n and one trailing
// newline dropped. Tokens carry their line and column (1-based, columns in code points).
#include <cstdint>
#include <string>
#include <vector>

namespace lora::jinja {

struct SourcePos {
  int line = 1;
  int column = 1;
};

enum class TokenType {
  Data,
  VariableBegin,
  VariableEnd,
  BlockBegin,
  BlockEnd,
  Name,
  String,
  Integer,
  Float,
  Operator,
  Eof
};

struct Token {
  TokenType type = TokenType::Eof;
  std::string value;  // data text, name, decoded string literal, or operator ("+", "//", "(", ...)
  int64_t integer = 0;
  double number = 0;
  SourcePos pos;
};

// The tokens, ending with Eof. Throws lora::Error "SOURCE_NAME:LINE:COLUMN: message" for what jinja2's
// lexer rejects (an unexpected character, unbalanced brackets, a bad escape, an unclosed comment).
std::vector<Token> tokenize(const std::string& source, const std::string& source_name);

// jinja2's describe_token: how an error message names a token ("end of print statement", "endfor", ")").
std::string describe_token(const Token& token);

}  // namespace lora::jinja
