#include "prompt_format.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/stat.h>

#include "data_messages.h"
#include "error.h"

namespace lora {
namespace {

using ordered_json = nlohmann::ordered_json;

// text-generation-webui's training/formats/alpaca-format.json, as quoted in FORMATS.md.
const char* const kAlpacaFormatJson = R"json({
    "instruction,output": "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n%instruction%\n\n### Response:\n%output%",
    "instruction,input,output": "Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\n%instruction%\n\n### Input:\n%input%\n\n### Response:\n%output%"
})json";

std::string trim(const std::string& s) {
  size_t begin = 0, end = s.size();
  while (begin < end && (s[begin] == ' ' || s[begin] == '\t')) ++begin;
  while (end > begin && (s[end - 1] == ' ' || s[end - 1] == '\t')) --end;
  return s.substr(begin, end - begin);
}

bool file_exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ",") + name;
  return out;
}

// The placeholders of a template that name one of `fields`, in order of appearance.
std::vector<std::pair<size_t, std::string>> placeholders(const std::string& text, const std::set<std::string>& fields) {
  std::vector<std::pair<size_t, std::string>> found;
  for (size_t at = text.find('%'); at != std::string::npos;) {
    const size_t close = text.find('%', at + 1);
    if (close == std::string::npos) break;
    const std::string name = text.substr(at + 1, close - at - 1);
    if (fields.count(name)) {
      found.emplace_back(at, name);
      at = text.find('%', close + 1);
    } else {
      at = close;  // "100% sure, %instruction%": the second '%' may open a placeholder
    }
  }
  return found;
}

}  // namespace

bool is_blank_text(const std::string& text) {
  for (char c : text)
    if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')) return false;
  return true;
}

std::vector<std::string> PromptFormat::builtin_names() { return {kDefaultName}; }

bool PromptFormat::is_builtin(const std::string& name) {
  for (const auto& builtin_name : builtin_names())
    if (builtin_name == name) return true;
  return false;
}

PromptFormat PromptFormat::builtin(const std::string& name) {
  if (name == kDefaultName) {
    PromptFormat format = parse(kAlpacaFormatJson, name, "built-in");
    return format;
  }
  std::string names;
  for (const auto& n : builtin_names()) names += (names.empty() ? "" : ", ") + n;
  throw Error(msg::Data::unknown_builtin_prompt_format, name, names);
}

PromptFormat PromptFormat::parse(const std::string& json_text, const std::string& name, const std::string& source) {
  ordered_json json;
  std::string text = json_text;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);  // webui opens format files as utf-8-sig
  try {
    json = ordered_json::parse(text);
  } catch (const ordered_json::exception& e) {  // also out_of_range: a number beyond double ("1e400")
    throw Error(msg::Data::prompt_format_invalid_json, source, e.what());
  }
  if (!json.is_object() || json.empty())
    throw Error(msg::Data::prompt_format_not_object, source);
  PromptFormat format;
  format.name_ = name;
  format.source_ = source;
  for (const auto& item : json.items()) {
    if (!item.value().is_string())
      throw Error(msg::Data::prompt_format_template_not_string, source, item.key());
    FormatTemplate entry;
    entry.key = item.key();
    entry.text = item.value().get<std::string>();
    std::stringstream names(item.key());
    for (std::string part; std::getline(names, part, ',');) {
      part = trim(part);
      if (part.empty())
        throw Error(msg::Data::prompt_format_empty_field_name, source, item.key());
      entry.fields.insert(part);
      format.known_fields_.insert(part);
    }
    if (entry.fields.empty()) throw Error(msg::Data::prompt_format_key_without_fields, source);
    const auto found = placeholders(entry.text, entry.fields);
    for (const auto& [at, field] : found)
      if (field == kResponseField) {
        entry.response_field = field;
        break;
      }
    if (entry.response_field.empty() && !found.empty()) entry.response_field = found.back().second;
    format.templates_.push_back(std::move(entry));
  }
  return format;
}

PromptFormat PromptFormat::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(msg::Data::prompt_format_unreadable, path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) name.resize(name.size() - 5);
  return parse(buffer.str(), name, path);
}

PromptFormat PromptFormat::resolve(const std::string& name_or_path, const std::vector<std::string>& search_dirs) {
  if (is_builtin(name_or_path)) return builtin(name_or_path);
  if (file_exists(name_or_path)) return load_file(name_or_path);
  for (const auto& dir : search_dirs) {
    const std::string candidate = dir + "/" + name_or_path + ".json";
    if (file_exists(candidate)) return load_file(candidate);
  }
  std::string names;
  for (const auto& n : builtin_names()) names += (names.empty() ? "" : ", ") + n;
  throw Error(msg::Data::prompt_format_not_found, name_or_path, names);
}

const FormatTemplate* PromptFormat::match(const std::set<std::string>& fields) const {
  for (const auto& entry : templates_)
    if (entry.fields == fields) return &entry;
  return nullptr;
}

Message PromptFormat::explain_no_match(const std::set<std::string>& fields) const {
  std::string keys;
  const FormatTemplate* closest = nullptr;
  size_t best_distance = 0;
  for (const auto& entry : templates_) {
    keys += (keys.empty() ? "" : " | ") + entry.key;
    size_t distance = 0;
    for (const auto& f : entry.fields) distance += fields.count(f) ? 0 : 1;
    for (const auto& f : fields) distance += entry.fields.count(f) ? 0 : 1;
    if (!closest || distance < best_distance) {
      closest = &entry;
      best_distance = distance;
    }
  }
  std::set<std::string> missing, extra;
  if (closest) {
    for (const auto& f : closest->fields)
      if (!fields.count(f)) missing.insert(f);
    for (const auto& f : fields)
      if (!closest->fields.count(f)) extra.insert(f);
  }
  if (!missing.empty()) {
    // Say first which field the record lacks: that is what the user has to add.
    std::string names, needed;
    for (const auto& f : missing) names += (names.empty() ? "\"" : ", \"") + f + "\"";
    for (const auto& f : closest->fields) needed += (needed.empty() ? "" : ", ") + f;
    const bool one = missing.size() == 1;
    if (extra.empty())
      return one ? Message(msg::Data::field_missing, names, name_, needed)
                 : Message(msg::Data::fields_missing, names, name_, needed);
    return one ? Message(msg::Data::field_missing_and_extra, names, name_, needed, join(extra))
               : Message(msg::Data::fields_missing_and_extra, names, name_, needed, join(extra));
  }
  if (closest && !extra.empty())
    return Message(msg::Data::no_keyset_match_closest, join(fields), name_, keys, closest->key, join(extra));
  return Message(msg::Data::no_keyset_match, join(fields), name_, keys);
}

std::string PromptFormat::to_json() const {
  ordered_json json = ordered_json::object();
  for (const auto& entry : templates_) json[entry.key] = entry.text;
  return json.dump(4);
}

PromptSegments fill_template(const FormatTemplate& format_template,
                             const std::vector<std::pair<std::string, std::string>>& fields) {
  std::set<std::string> names;
  for (const auto& [name, value] : fields) names.insert(name);
  const std::string& text = format_template.text;
  std::string prompt, response;
  bool in_response = false;
  size_t copied = 0;
  for (const auto& [at, name] : placeholders(text, names)) {
    (in_response ? response : prompt) += text.substr(copied, at - copied);
    if (!in_response && name == format_template.response_field) in_response = true;
    for (const auto& [field, value] : fields)
      if (field == name) {
        (in_response ? response : prompt) += value;
        break;
      }
    copied = at + name.size() + 2;
  }
  (in_response ? response : prompt) += text.substr(copied);
  PromptSegments segments;
  if (!prompt.empty()) segments.push_back({prompt, false});
  if (!response.empty()) segments.push_back({response, true});
  return segments;
}

}  // namespace lora
