#pragma once
// Python's string formatting for templates: str % args (printf-style, as the format filter and the %
// operator use it) and str.format() with its format-spec mini-language (the common part of it).
// Numbers are formatted independently of the process locale, as Python does.
#include <string>

#include "jinja_value.h"

namespace lora::jinja {

std::string percent_format(Renderer& renderer, const std::string& format, const Value& args);
std::string str_format(Renderer& renderer, const std::string& format, const CallArgs& args);

// Python's int(text, base) for str: whitespace, sign, base prefixes and underscores; false when
// Python raises ValueError.
bool parse_python_int(const std::string& text, int base, int64_t& out);
// Python's float(text) for str; false when Python raises ValueError.
bool parse_python_float(const std::string& text, double& out);
// printf-style fixed / exponent / general notation ('f', 'e', 'g' and upper-case forms).
std::string format_float(double value, char type, int precision, bool alternate = false);

}  // namespace lora::jinja
