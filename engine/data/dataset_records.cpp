#include "dataset_records.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>
#include <sys/stat.h>

#include "text_encoding.h"

namespace lora {
namespace {

using ordered_json = nlohmann::ordered_json;

// A record nested deeper than this is refused before parsing: the JSON library's DOM (and its
// destructor) recurse per level, and no dataset record needs more than a handful of levels.
constexpr size_t kMaxNesting = 256;

// Why one record is unusable; caught where the record's number and line are known.
struct RecordProblem {
  std::string reason;
};

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_json_space(c) || c == '\f' || c == '\v'; });
}

std::string with_thousands(size_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string size_limit_text(size_t bytes) {
  if (bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes % (1u << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
  return with_thousands(bytes) + " bytes";
}

// Where one JSON value ends, found without building it: strings and escapes are skipped, brackets
// matched. Lets a JSON array be read record by record, so a syntax error inside one record costs
// only that record, and a 50 MB record is measured before anything is allocated for it.
struct ValueExtent {
  size_t end = 0;          // one past the value
  size_t max_depth = 0;    // deepest bracket nesting inside it
  bool terminated = true;  // false: the file ended inside the value
  size_t mismatch_at = std::string::npos;  // a closing bracket of the wrong kind
};

ValueExtent scan_value(std::string_view s, size_t begin) {
  ValueExtent extent;
  const char first = s[begin];
  if (first != '{' && first != '[' && first != '"') {
    size_t i = begin;
    while (i < s.size() && s[i] != ',' && s[i] != ']' && s[i] != '}' && !is_json_space(s[i])) ++i;
    extent.end = i;
    return extent;
  }
  std::string stack;
  bool in_string = false;
  for (size_t i = begin; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (stack.empty()) {
          extent.end = i + 1;
          return extent;
        }
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      stack.push_back(c == '{' ? '}' : ']');
      extent.max_depth = std::max(extent.max_depth, stack.size());
    } else if (c == '}' || c == ']') {
      if (stack.empty() || stack.back() != c) {
        extent.mismatch_at = i;
        extent.end = i + 1;
        return extent;
      }
      stack.pop_back();
      if (stack.empty()) {
        extent.end = i + 1;
        return extent;
      }
    }
  }
  extent.terminated = false;
  extent.end = s.size();
  return extent;
}

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1, column 5: "
// prefix (our own position, in the file, replaces it).
std::string parse_error_detail(const std::string& what) {
  const size_t column = what.find("column ");
  size_t colon = column == std::string::npos ? what.find("] ") : what.find(": ", column);
  if (colon == std::string::npos) return what;
  std::string detail = what.substr(colon + 2);
  if (detail.compare(0, 12, "syntax error") == 0) detail = detail.substr(detail.find(' ', 7) + 1);
  return detail;
}

std::string type_name(const ordered_json& value) {
  if (value.is_number()) return "a number";
  if (value.is_boolean()) return "a boolean";
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  if (value.is_null()) return "null";
  return "a string";
}

// OpenAI content: a string, or a list of parts of which only {"type": "text", "text": ...} is text.
std::string message_content(const ordered_json& content, const std::string& path) {
  if (content.is_string()) return content.get<std::string>();
  if (content.is_array()) {
    std::string text;
    for (size_t k = 0; k < content.size(); ++k) {
      const ordered_json& part = content[k];
      const std::string part_path = path + "[" + std::to_string(k) + "]";
      if (!part.is_object() || !part.contains("type") || !part["type"].is_string())
        throw RecordProblem{part_path + " is " + type_name(part) + "; expected a content part {\"type\": \"text\", \"text\": ...}"};
      const std::string type = part["type"].get<std::string>();
      if (type != "text")
        throw RecordProblem{part_path + " is a \"" + type + "\" part; only text can be trained on"};
      if (!part.contains("text") || !part["text"].is_string())
        throw RecordProblem{part_path + ".text must be a string"};
      text += part["text"].get<std::string>();
    }
    return text;
  }
  throw RecordProblem{path + " is " + type_name(content) + "; expected a string"};
}

std::string map_sharegpt_role(const std::string& from, const std::string& path) {
  static const std::pair<const char*, const char*> roles[] = {
      {"system", "system"},       {"human", "user"},          {"user", "user"},   {"gpt", "assistant"},
      {"assistant", "assistant"}, {"chatgpt", "assistant"},   {"bard", "assistant"}, {"bing", "assistant"},
      {"model", "assistant"},
  };
  for (const auto& [name, role] : roles)
    if (from == name) return role;
  throw RecordProblem{path + " is from \"" + from + "\"; expected \"system\", \"human\" or \"gpt\"" +
                      (from == "tool" || from == "function_call" || from == "observation"
                           ? " (tool and function turns are not supported for training)"
                           : "")};
}

std::string map_openai_role(const std::string& role, const std::string& path) {
  if (role == "system" || role == "developer") return "system";
  if (role == "user") return "user";
  if (role == "assistant") return "assistant";
  throw RecordProblem{path + " has role \"" + role + "\"; expected \"system\", \"user\" or \"assistant\"" +
                      (role == "tool" || role == "function" ? " (tool messages are not supported for training)" : "")};
}

void read_conversation(const ordered_json& object, DatasetRecord& record) {
  const bool sharegpt = object.contains("conversations");
  if (sharegpt && object.contains("messages"))
    throw RecordProblem{"has both \"conversations\" and \"messages\"; keep one"};
  const std::string key = sharegpt ? "conversations" : "messages";
  const ordered_json& turns = object[key];
  if (!turns.is_array()) throw RecordProblem{"\"" + key + "\" is " + type_name(turns) + "; expected an array of turns"};
  if (turns.empty()) throw RecordProblem{"empty conversation: \"" + key + "\" has no turns"};
  record.kind = RecordKind::Conversation;
  if (object.contains("system") && !object["system"].is_null()) {
    if (!object["system"].is_string())
      throw RecordProblem{"field \"system\" is " + type_name(object["system"]) + "; expected a string"};
    const std::string system = object["system"].get<std::string>();
    if (!is_blank(system)) record.messages.push_back({"system", system});
  }
  for (size_t k = 0; k < turns.size(); ++k) {
    const ordered_json& turn = turns[k];
    const std::string path = key + "[" + std::to_string(k) + "]";
    if (!turn.is_object()) throw RecordProblem{path + " is " + type_name(turn) + "; expected an object"};
    // ShareGPT turns are {"from", "value"}; some exporters write {"role", "content"} there too.
    const bool from_value = sharegpt && turn.contains("from");
    const char* role_key = from_value ? "from" : "role";
    const char* text_key = from_value ? "value" : "content";
    if (!turn.contains(role_key) || !turn[role_key].is_string())
      throw RecordProblem{path + " needs a string \"" + role_key + "\"" +
                          (sharegpt ? std::string(" (ShareGPT turns are {\"from\": ..., \"value\": ...})") : "")};
    if (!turn.contains(text_key)) throw RecordProblem{path + " has no \"" + text_key + "\""};
    const std::string who = turn[role_key].get<std::string>();
    const std::string role = sharegpt ? map_sharegpt_role(who, path) : map_openai_role(who, path);
    const std::string content = message_content(turn[text_key], path + "." + text_key);
    if (role == "system" && !record.messages.empty() && record.messages.front().role == "system" &&
        record.messages.size() == 1 && k == 0)
      record.messages.front().content = content;  // the turn's own system message wins over "system"
    else
      record.messages.push_back({role, content});
  }
}

void read_history(const ordered_json& history, DatasetRecord& record) {
  if (history.is_null()) return;
  if (!history.is_array())
    throw RecordProblem{"field \"history\" is " + type_name(history) + "; expected an array of [instruction, output] pairs"};
  for (size_t k = 0; k < history.size(); ++k) {
    const ordered_json& pair = history[k];
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
      throw RecordProblem{"history[" + std::to_string(k) + "] must be a pair of strings [instruction, output]"};
    record.history.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
}

DatasetRecord record_from_json(const ordered_json& value, size_t number, size_t line, const DatasetReadOptions& options) {
  if (!value.is_object()) throw RecordProblem{"is " + type_name(value) + "; expected a JSON object"};
  DatasetRecord record;
  record.number = number;
  record.line = line;
  if (value.contains("conversations") || value.contains("messages")) {
    read_conversation(value, record);
    return record;
  }
  const bool has_instruction_fields = value.contains("instruction") || value.contains("input") || value.contains("output");
  if (options.text_objects_are_raw_text && value.contains("text") && !has_instruction_fields) {
    const ordered_json& text = value["text"];
    if (!text.is_string()) throw RecordProblem{"field \"text\" is " + type_name(text) + "; expected a string"};
    record.kind = RecordKind::RawText;
    record.text = text.get<std::string>();
    if (is_blank(record.text)) throw RecordProblem{"field \"text\" is empty"};
    return record;
  }
  record.kind = RecordKind::Fields;
  for (const auto& member : value.items()) {
    if (member.key() == "history") {
      read_history(member.value(), record);
    } else if (member.value().is_string()) {
      record.fields.emplace_back(member.key(), member.value().get<std::string>());
    } else if (!member.value().is_null()) {
      record.non_string_fields.emplace_back(member.key(), type_name(member.value()));
    }
  }
  return record;
}

std::string lower_extension(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot);
  for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return ext;
}

class Reader {
 public:
  Reader(std::string contents, const std::string& path, const DatasetReadOptions& options)
      : text_(std::move(contents)), options_(options) {
    file_.path = path;
  }

  DatasetFile read() {
    const std::string& path = file_.path;
    if (text_.empty()) throw Error("dataset file " + path + " is empty");
    require_utf8_text(text_, path);
    const size_t bom = utf8_bom_length(text_);
    if (bom) text_.erase(0, bom);
    if (is_blank(text_)) throw Error("dataset file " + path + " is empty (it holds only whitespace)");

    const std::string ext = lower_extension(path);
    if (ext == ".txt" || ext == ".text" || ext == ".md") {
      file_.layout = DatasetLayout::Text;
      read_text_parts();
    } else {
      const size_t first = text_.find_first_not_of(" \t\r\n\f\v");
      if (text_[first] == '[') {
        file_.layout = DatasetLayout::JsonArray;
        read_json_array(first);
      } else if (text_[first] == '{') {
        file_.layout = DatasetLayout::JsonLines;
        read_json_lines();
      } else {
        const unsigned char c = static_cast<unsigned char>(text_[first]);
        throw Error("dataset file " + path + " is neither a JSON array nor JSON Lines: it starts with " +
                    (c < 0x80 ? "'" + std::string(1, text_[first]) + "'" : std::string("a non-ASCII character")) +
                    " at " + position(first) +
                    " (a JSON dataset starts with '[' or '{'; raw text files must end in .txt)");
      }
    }
    if (file_.total_records() == 0) throw Error("dataset file " + path + " contains no records");
    return std::move(file_);
  }

 private:
  // Line of a byte offset, counted on from the previous question: records are visited in file order,
  // so counting from the start every time would make reading quadratic in the file size.
  size_t line_at(size_t offset) {
    if (offset < counted_offset_) {
      counted_offset_ = 0;
      counted_line_ = 1;
    }
    counted_line_ += static_cast<size_t>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(counted_offset_),
                                                    text_.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    counted_offset_ = offset;
    return counted_line_;
  }

  // "line 3, column 7".
  std::string position(size_t offset) {
    offset = std::min(offset, text_.size());
    const size_t line_start = offset == 0 ? std::string::npos : text_.rfind('\n', offset - 1);
    const size_t column = line_start == std::string::npos ? offset + 1 : offset - line_start;
    return "line " + std::to_string(line_at(offset)) + ", column " + std::to_string(column);
  }

  std::string invalid_utf8(size_t offset) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text_[offset]));
    return std::string("invalid UTF-8 (byte ") + byte + ") at " + position(offset) + "; save the file as UTF-8";
  }

  void add_error(size_t number, size_t line, std::string reason) {
    file_.errors.push_back({number, line, std::move(reason)});
  }

  // Checks, parses and converts one record occupying text_[begin, end).
  void read_record(size_t number, size_t begin, size_t end, size_t max_depth) {
    const size_t line = line_at(begin);
    const size_t bytes = end - begin;
    if (bytes > options_.max_record_bytes) {
      add_error(number, line, "is " + with_thousands(bytes) + " bytes, more than the " +
                                  size_limit_text(options_.max_record_bytes) +
                                  " limit for one record (long text belongs in a .txt file)");
      return;
    }
    if (max_depth > kMaxNesting) {
      add_error(number, line, "is nested " + std::to_string(max_depth) + " levels deep; at most " +
                                  std::to_string(kMaxNesting) + " are accepted");
      return;
    }
    const std::string_view slice(text_.data() + begin, bytes);
    const Utf8Scan scan = scan_utf8(slice);
    if (!scan.valid()) {
      add_error(number, line, invalid_utf8(begin + scan.first_invalid));
      return;
    }
    ordered_json value;
    try {
      value = ordered_json::parse(slice.begin(), slice.end());
    } catch (const ordered_json::parse_error& e) {
      const size_t at = begin + std::min<size_t>(e.byte > 0 ? e.byte - 1 : 0, bytes > 0 ? bytes - 1 : 0);
      add_error(number, line, "invalid JSON at " + position(at) + ": " + parse_error_detail(e.what()));
      return;
    } catch (const ordered_json::exception& e) {  // valid syntax nlohmann cannot hold: a number beyond double
      add_error(number, line, std::string("unusable JSON value: ") + e.what());
      return;
    }
    try {
      file_.records.push_back(record_from_json(value, number, line, options_));
    } catch (const RecordProblem& problem) {
      add_error(number, line, problem.reason);
    } catch (const nlohmann::json::exception& e) {  // e.g. invalid UTF-8 produced by an escape sequence
      add_error(number, line, std::string("unusable JSON value: ") + e.what());
    }
  }

  void read_json_lines() {
    size_t number = 0;
    for (size_t begin = 0; begin < text_.size();) {
      size_t end = text_.find('\n', begin);
      if (end == std::string::npos) end = text_.size();
      const std::string_view line(text_.data() + begin, end - begin);
      if (!is_blank(line)) {
        ++number;
        size_t first = begin;
        while (is_json_space(text_[first])) ++first;
        size_t last = end;
        while (last > first && (is_json_space(text_[last - 1]) || text_[last - 1] == '\f' || text_[last - 1] == '\v')) --last;
        const ValueExtent extent = scan_value(std::string_view(text_.data(), last), first);
        const size_t errors_before = file_.errors.size();
        read_record(number, first, last, extent.max_depth);
        if (number == 1 && file_.errors.size() > errors_before && !extent.terminated) explain_pretty_printed_object();
      }
      begin = end + 1;
    }
  }

  // A first line that is an unterminated object usually means one pretty-printed object (or a
  // pretty-printed list of objects without the enclosing brackets): say what a dataset must be.
  void explain_pretty_printed_object() {
    const size_t first = text_.find('{');
    const ValueExtent whole = scan_value(text_, first);
    if (!whole.terminated || whole.mismatch_at != std::string::npos) return;
    throw Error("dataset file " + file_.path + " is not JSON Lines: the object starting at " +
                position(first) + " spans several lines. A dataset is either a JSON array of " +
                "records ([{...}, {...}]) or JSON Lines (one complete record per line)");
  }

  void read_json_array(size_t open) {
    const std::string& path = file_.path;
    size_t pos = open + 1;
    size_t number = 0;
    auto skip_space = [&] {
      while (pos < text_.size() && is_json_space(text_[pos])) ++pos;
    };
    skip_space();
    if (pos < text_.size() && text_[pos] == ']') {
      ++pos;
    } else {
      for (;;) {
        skip_space();
        if (pos >= text_.size())
          throw Error("dataset file " + path + ": invalid JSON: the array opened at " + position(open) +
                      " is never closed with ']'");
        if (text_[pos] == ']' || text_[pos] == ',')
          throw Error("dataset file " + path + ": invalid JSON at " + position(pos) + ": " +
                      (number == 0 ? "a record is missing before '" : "a record is missing after record " + std::to_string(number) + " before '") +
                      std::string(1, text_[pos]) + "' (a trailing or doubled comma?)");
        ++number;
        const size_t begin = pos;
        const ValueExtent extent = scan_value(text_, begin);
        if (extent.mismatch_at != std::string::npos)
          throw Error("dataset file " + path + ": invalid JSON at " + position(extent.mismatch_at) +
                      ": '" + std::string(1, text_[extent.mismatch_at]) + "' does not close the bracket it meets (record " +
                      std::to_string(number) + ", which starts at line " + std::to_string(line_at(begin)) + ")");
        if (!extent.terminated)
          throw Error("dataset file " + path + ": invalid JSON: record " + std::to_string(number) + " starting at " +
                      position(begin) + " is never closed (a missing '}' or ']', or an unclosed string)");
        read_record(number, begin, extent.end, extent.max_depth);
        pos = extent.end;
        skip_space();
        if (pos >= text_.size())
          throw Error("dataset file " + path + ": invalid JSON: the array opened at " + position(open) +
                      " is never closed with ']' (the file ends after record " + std::to_string(number) + ")");
        if (text_[pos] == ']') {
          ++pos;
          break;
        }
        if (text_[pos] != ',')
          throw Error("dataset file " + path + ": invalid JSON at " + position(pos) + ": expected ',' or ']' after record " +
                      std::to_string(number) + " (which starts at line " + std::to_string(line_at(begin)) +
                      "), found '" + std::string(1, text_[pos]) + "'");
        ++pos;
      }
    }
    skip_space();
    if (pos < text_.size())
      throw Error("dataset file " + path + ": invalid JSON at " + position(pos) +
                  ": unexpected text after the closing ']' of the array");
    if (number == 0) throw Error("dataset file " + path + " is an empty JSON array: it contains no records");
  }

  void read_text_parts() {
    // Windows line ends are read as "\n" (text-generation-webui drops every '\r').
    std::string normalized;
    normalized.reserve(text_.size());
    for (size_t i = 0; i < text_.size(); ++i)
      if (!(text_[i] == '\r' && i + 1 < text_.size() && text_[i + 1] == '\n')) normalized += text_[i];
    text_ = std::move(normalized);
    counted_offset_ = 0;
    counted_line_ = 1;
    const std::string& cut = options_.hard_cut;
    size_t number = 0;
    for (size_t begin = 0; begin <= text_.size();) {
      size_t end = cut.empty() ? std::string::npos : text_.find(cut, begin);
      if (end == std::string::npos) end = text_.size();
      const std::string_view part(text_.data() + begin, end - begin);
      if (!is_blank(part)) {
        ++number;
        const size_t line = line_at(begin);
        const Utf8Scan scan = scan_utf8(part);
        if (!scan.valid()) {
          add_error(number, line, invalid_utf8(begin + scan.first_invalid));
        } else {
          DatasetRecord record;
          record.number = number;
          record.line = line;
          record.kind = RecordKind::RawText;
          record.text = std::string(part);
          file_.records.push_back(std::move(record));
        }
      }
      if (end == text_.size()) break;
      begin = end + cut.size();
    }
  }

  std::string text_;
  const DatasetReadOptions& options_;
  size_t counted_offset_ = 0, counted_line_ = 1;
  DatasetFile file_;
};

}  // namespace

const std::string* DatasetRecord::field(const std::string& name) const {
  for (const auto& [key, value] : fields)
    if (key == name) return &value;
  return nullptr;
}

std::string RecordError::where() const {
  std::string text = "record " + std::to_string(number);
  if (line > 0) text += " (line " + std::to_string(line) + ")";
  return text;
}

const char* dataset_layout_name(DatasetLayout layout) {
  switch (layout) {
    case DatasetLayout::JsonArray: return "JSON array";
    case DatasetLayout::JsonLines: return "JSON Lines";
    case DatasetLayout::Text: return "text";
  }
  return "text";
}

DatasetFile parse_dataset(std::string contents, const std::string& path, const DatasetReadOptions& options) {
  return Reader(std::move(contents), path, options).read();
}

DatasetFile read_dataset_file(const std::string& path, const DatasetReadOptions& options) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) throw Error("dataset file " + path + " does not exist");
  if (S_ISDIR(info.st_mode)) throw Error("dataset " + path + " is a folder; give a .json, .jsonl or .txt file");
  if (static_cast<size_t>(info.st_size) > options.max_file_bytes)
    throw Error("dataset file " + path + " is " + with_thousands(static_cast<size_t>(info.st_size)) +
                " bytes, more than the " + size_limit_text(options.max_file_bytes) + " this reader accepts");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open dataset file " + path);
  std::string contents(static_cast<size_t>(info.st_size), '\0');
  in.read(contents.data(), static_cast<std::streamsize>(contents.size()));
  contents.resize(static_cast<size_t>(in.gcount()));
  return parse_dataset(std::move(contents), path, options);
}

std::string list_record_errors(const std::vector<RecordError>& errors, size_t max_listed) {
  std::string text;
  for (size_t i = 0; i < errors.size() && i < max_listed; ++i)
    text += "  " + errors[i].where() + ": " + errors[i].reason + "\n";
  if (errors.size() > max_listed) text += "  ... and " + std::to_string(errors.size() - max_listed) + " more\n";
  return text;
}

DatasetError::DatasetError(std::string path, std::vector<RecordError> errors, size_t total_records, std::string advice)
    : Error(path + ": " + std::to_string(errors.size()) + " of " + std::to_string(total_records) +
            (total_records == 1 ? " record" : " records") + " cannot be used" + (advice.empty() ? "" : " (" + advice + ")") +
            ":\n" + list_record_errors(errors)),
      path_(std::move(path)),
      errors_(std::move(errors)) {}

}  // namespace lora
