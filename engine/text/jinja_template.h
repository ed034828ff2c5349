#pragma once
// A Jinja2 template engine for chat templates, rendering as transformers' apply_chat_template does
// (jinja2's ImmutableSandboxedEnvironment with trim_blocks=True, lstrip_blocks=True, the loopcontrols
// extension and transformers' {% generation %} tag; its tojson filter, raise_exception and
// strftime_now globals). Plain C++: no Qt, no libtorch.
//
// Values follow Python's semantics (str, int, float, bool, None, list, dict in insertion order,
// namespace, macro, undefined), since the templates are written against jinja2 running on Python.
// Where jinja2 versions differ, this follows 3.1.6 (the sandbox also refuses list.pop and list.clear).
// Not modelled: integers beyond 64 bits (an error instead), HTML autoescaping and Markup ({% autoescape %}
// is a plain scope, |safe and |escape return plain strings, `is escaped` is false), template loading
// (include/import/extends fail as jinja2 does without a loader), and the filters random, pprint,
// urlize, urlencode, wordwrap and xmlattr (an error when reached).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "error.h"

namespace lora {

namespace jinja {
struct Program;  // the parsed template (jinja_parser.h)
}

// Bounds that keep a hostile or broken template from hanging or exhausting memory.
// max_output_bytes also bounds each list a template builds (at sizeof(jinja::Value) bytes an item);
// every 16 bytes of string or list built count as a step, so that the steps also bound the time and
// memory spent building values; max_depth is capped at 2048 to keep the C++ stack safe.
struct JinjaLimits {
  size_t max_output_bytes = size_t(64) << 20;  // rendered text and any one string value
  uint64_t max_steps = 50'000'000;             // evaluation steps (loop iterations, calls, nodes)
  int max_depth = 256;                         // nesting of calls, macros, includes and expressions
};

// What raise_exception(message) throws: what() is exactly the template's message (as transformers
// shows TemplateError's), so the caller can show it as the error.
class JinjaRaised : public Error {
 public:
  using Error::Error;
};

struct JinjaRender {
  std::string text;
  // Byte ranges [first, second) of `text` written inside {% generation %} ... {% endgeneration %}
  // (transformers' assistant-token mask), in order, non-overlapping, empty ones left out.
  std::vector<std::pair<size_t, size_t>> generation_spans;
};

class JinjaTemplate {
 public:
  // Parses `source`. Throws lora::Error "SOURCE_NAME:LINE:COLUMN: what is wrong" for a syntax error
  // (LINE and COLUMN 1-based, in the template text).
  static JinjaTemplate parse(const std::string& source, const std::string& source_name);

  // Renders with `variables` as the template's globals (an object; key order is kept, as Python's
  // dict keeps it, and shows in tojson and dict iteration). raise_exception(msg) throws lora::Error
  // whose message is exactly msg; other runtime errors and exceeded limits throw lora::Error
  // "SOURCE_NAME:LINE:COLUMN: what is wrong". strftime_now uses the local time of the machine.
  JinjaRender render(const nlohmann::ordered_json& variables, const JinjaLimits& limits = {}) const;

  // Whether the template has {% generation %} blocks (then render() reports generation_spans).
  bool has_generation_blocks() const;
  const std::string& source() const;

 private:
  std::shared_ptr<const jinja::Program> program_;
};

}  // namespace lora
