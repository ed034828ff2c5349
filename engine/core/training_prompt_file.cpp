#include "training_prompt_file.h"

#include <filesystem>
#include <set>
#include <sstream>

#include "atomic_file.h"
#include "core_messages.h"
#include "json_reader.h"

namespace lora {

namespace {

std::string trim(const std::string& s) {
  const char* space = " \t\r\n";
  const size_t begin = s.find_first_not_of(space);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

std::set<std::string> key_fields(const std::string& key) {
  std::set<std::string> fields;
  std::stringstream stream(key);
  std::string name;
  while (std::getline(stream, name, ',')) fields.insert(trim(name));
  return fields;
}

// A format file: an object of "field,field" keys to template strings. The template for exactly
// instruction and output, "" when the object has none.
std::string instruction_output_template(const nlohmann::json& object, const JsonPath& at) {
  static const std::set<std::string> kInstructionOutput = {"instruction", "output"};
  for (auto it = object.begin(); it != object.end(); ++it)
    if (key_fields(it.key()) == kInstructionOutput) return json_to_string(it.value(), at / it.key());
  return "";
}

}  // namespace

std::string TrainingPromptFile::trained_chat_template() const {
  return template_type == "chat_template" && chat_template ? *chat_template : "";
}

TrainingPromptFile parse_training_prompt(const std::string& json_text, const std::string& source) {
  const nlohmann::json root = parse_json_object_text(json_text, source);
  const JsonFields fields(root, JsonPath(source));
  TrainingPromptFile file;
  file.path = source;
  file.template_type = fields.optional_string("template_type", "");
  if (fields.has("chat_template")) file.chat_template = fields.optional_string("chat_template", "");
  file.chat_template_name = fields.optional_string("chat_template_name", "");
  for (const char* nested : {"template", "templates"}) {
    if (!fields.has(nested) || !file.instruction_template.empty()) continue;
    if (!fields.at(nested).is_object()) fields.fail(nested, Message(msg::Core::expected_format_file_templates));
    file.instruction_template = instruction_output_template(fields.at(nested), fields.path(nested));
  }
  if (file.instruction_template.empty()) file.instruction_template = instruction_output_template(root, fields.path());
  for (const char* key : {"chat_format", "format"})
    if (fields.has(key)) file.format_names.push_back(fields.optional_string(key, ""));
  return file;
}

std::optional<TrainingPromptFile> read_training_prompt(const std::string& adapter_dir) {
  namespace fs = std::filesystem;
  fs::path folder(adapter_dir);
  if (folder.filename().empty()) folder = folder.parent_path();  // "run/checkpoint-4/"
  std::string path = (folder / "training_prompt.json").string();
  std::error_code error;
  // A checkpoint-N folder is an adapter of its run: the run's prompt is its prompt.
  if (!fs::is_regular_file(path, error) && folder.filename().string().rfind("checkpoint-", 0) == 0)
    path = (folder.parent_path() / "training_prompt.json").string();
  if (!fs::is_regular_file(path, error)) return std::nullopt;
  return parse_training_prompt(read_text_file(path), path);
}

}  // namespace lora
