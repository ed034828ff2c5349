#pragma once
// text-generation-webui training format files: a JSON object mapping the comma-joined set of a
// record's non-empty fields to a template with %field% placeholders, e.g.
//   {"instruction,output": "### Instruction:\n%instruction%\n\n### Response:\n%output%", ...}
// Matching follows text-generation-webui (modules/training.py, generate_prompt): a key matches when
// the SET of its names equals the set of the record's fields whose value is a string that is not
// empty after stripping whitespace — the order of the names in the key does not matter — and the
// first matching key in file order wins. Every string field of the record is substituted for its
// %name% (empty ones too); other %...% text stays as written.
//
// Where LoRA Studio deliberately differs:
//  - Only fields the format mentions in some key count for matching, so metadata such as
//    "category": "geo" does not make every record a "no keyset match" (the ignored names are reported).
//  - Substitution is one pass over the template, so a value containing "%input%" is not substituted
//    again (webui's chained str.replace would).
//  - Names in a key are trimmed ("instruction, output" works).
//  - The response (what is trained on by default) is the template from the %output% placeholder to its
//    end; a template without %output% uses its last placeholder; one with no placeholder has none.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "message.h"

namespace lora {

struct FormatTemplate {
  std::string key;                  // as written in the file: "instruction,input,output"
  std::set<std::string> fields;     // the names in the key
  std::string text;                 // the template
  std::string response_field;       // the placeholder where the response starts ("" = none)
};

// A piece of rendered text; is_response pieces are what the model is trained to produce.
struct PromptSegment {
  std::string text;
  bool is_response = false;
};
using PromptSegments = std::vector<PromptSegment>;

class PromptFormat {
 public:
  static constexpr const char* kDefaultName = "alpaca-format";
  static constexpr const char* kResponseField = "output";

  // Built-in formats: "alpaca-format" (text-generation-webui's training/formats/alpaca-format.json).
  static std::vector<std::string> builtin_names();
  static bool is_builtin(const std::string& name);
  static PromptFormat builtin(const std::string& name);  // throws lora::Error listing the names
  // Parses a format file's JSON. Throws lora::Error naming `source` when it is not an object of
  // non-empty keys to string templates, or when a key names no field.
  static PromptFormat parse(const std::string& json_text, const std::string& name, const std::string& source);
  static PromptFormat load_file(const std::string& path);
  // A built-in name, else a path to a format file, else NAME.json inside one of `search_dirs`.
  static PromptFormat resolve(const std::string& name_or_path, const std::vector<std::string>& search_dirs = {});

  const std::string& name() const { return name_; }
  const std::string& source() const { return source_; }  // the file, or "built-in"
  const std::vector<FormatTemplate>& templates() const { return templates_; }
  const std::set<std::string>& known_fields() const { return known_fields_; }
  bool uses_field(const std::string& field) const { return known_fields_.count(field) != 0; }

  // The first template (file order) whose field set equals `fields`, or nullptr.
  const FormatTemplate* match(const std::set<std::string>& fields) const;
  // Why no template fits: the fields the closest template needs and the record lacks ("field \"output\" is
  // missing or empty ..."), or, when it lacks none, its fields, the format's keys and the closest key.
  Message explain_no_match(const std::set<std::string>& fields) const;

  // The format as a format file (keys in their original order), e.g. for training_prompt.json.
  std::string to_json() const;

 private:
  std::string name_, source_;
  std::vector<FormatTemplate> templates_;
  std::set<std::string> known_fields_;
};

// Fills a template with a record's string fields in one pass; `fields` are (name, value) pairs.
// Returns the prompt part and, from the response placeholder on, the response part (either may be
// empty; empty parts are left out).
PromptSegments fill_template(const FormatTemplate& format_template,
                             const std::vector<std::pair<std::string, std::string>>& fields);

// Python's str.strip() whitespace test, as webui applies it to decide whether a field is empty.
bool is_blank_text(const std::string& text);

}  // namespace lora
