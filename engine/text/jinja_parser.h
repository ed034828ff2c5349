#pragma once
// Builds the AST of a Jinja template as jinja2's parser does (with transformers' extensions: the
// loopcontrols {% break %} / {% continue %} and the {% generation %} block), and reports what jinja2
// reports at compile time: syntax errors, unknown filters and tests (outside {% if %} and inline
// if-expressions, where jinja2 only fails when they are reached), 'break' outside a loop.
#include <memory>
#include <string>

#include "jinja_ast.h"

namespace lora::jinja {

// Throws lora::Error "SOURCE_NAME:LINE:COLUMN: message" (jinja2's wording).
std::shared_ptr<const Program> parse_program(const std::string& source, const std::string& source_name);

}  // namespace lora::jinja
