#include "dataset_records.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>
#include <sys/stat.h>

#include "data_messages.h"
#include "text_encoding.h"

namespace lora {
namespace {

using ordered_json = nlohmann::ordered_json;

// A record nested deeper than this is refused before parsing: the JSON library's DOM (and its
// destructor) recurse per level, and no dataset record needs more than a handful of levels.
constexpr size_t kMaxNesting = 256;

// Why one record is unusable; caught where the record's number and line are known.
struct RecordProblem {
  Message reason;
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

Message size_limit_text(size_t bytes) {
  if (bytes % (1u << 20) == 0) return Message(msg::Data::size_mib, std::to_string(bytes >> 20));
  if (bytes % (1u << 10) == 0) return Message(msg::Data::size_kib, std::to_string(bytes >> 10));
  return Message(msg::Data::size_bytes, with_thousands(bytes));
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

Message type_name(const ordered_json& value) {
  if (value.is_number()) return Message(msg::Data::json_type_number);
  if (value.is_boolean()) return Message(msg::Data::json_type_boolean);
  if (value.is_array()) return Message(msg::Data::json_type_array);
  if (value.is_object()) return Message(msg::Data::json_type_object);
  if (value.is_null()) return Message(msg::Data::json_type_null);
  return Message(msg::Data::json_type_string);
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
        throw RecordProblem{Message(msg::Data::content_part_not_object, part_path, type_name(part))};
      const std::string type = part["type"].get<std::string>();
      if (type != "text")
        throw RecordProblem{Message(msg::Data::content_part_not_text, part_path, type)};
      if (!part.contains("text") || !part["text"].is_string())
        throw RecordProblem{Message(msg::Data::content_part_text_not_string, part_path)};
      text += part["text"].get<std::string>();
    }
    return text;
  }
  throw RecordProblem{Message(msg::Data::content_not_string, path, type_name(content))};
}

std::string map_sharegpt_role(const std::string& from, const std::string& path) {
  static const std::pair<const char*, const char*> roles[] = {
      {"system", "system"},       {"human", "user"},          {"user", "user"},   {"gpt", "assistant"},
      {"assistant", "assistant"}, {"chatgpt", "assistant"},   {"bard", "assistant"}, {"bing", "assistant"},
      {"model", "assistant"},
  };
  for (const auto& [name, role] : roles)
    if (from == name) return role;
  if (from == "tool" || from == "function_call" || from == "observation")
    throw RecordProblem{Message(msg::Data::sharegpt_tool_turn, path, from)};
  throw RecordProblem{Message(msg::Data::sharegpt_unknown_role, path, from)};
}

std::string map_openai_role(const std::string& role, const std::string& path) {
  if (role == "system" || role == "developer") return "system";
  if (role == "user") return "user";
  if (role == "assistant") return "assistant";
  if (role == "tool" || role == "function") throw RecordProblem{Message(msg::Data::openai_tool_message, path, role)};
  throw RecordProblem{Message(msg::Data::openai_unknown_role, path, role)};
}

void read_conversation(const ordered_json& object, DatasetRecord& record) {
  const bool sharegpt = object.contains("conversations");
  if (sharegpt && object.contains("messages"))
    throw RecordProblem{Message(msg::Data::conversations_and_messages)};
  const std::string key = sharegpt ? "conversations" : "messages";
  const ordered_json& turns = object[key];
  if (!turns.is_array()) throw RecordProblem{Message(msg::Data::turns_not_array, key, type_name(turns))};
  if (turns.empty()) throw RecordProblem{Message(msg::Data::empty_conversation, key)};
  record.kind = RecordKind::Conversation;
  if (object.contains("system") && !object["system"].is_null()) {
    if (!object["system"].is_string())
      throw RecordProblem{Message(msg::Data::field_not_string, "system", type_name(object["system"]))};
    const std::string system = object["system"].get<std::string>();
    if (!is_blank(system)) record.messages.push_back({"system", system});
  }
  for (size_t k = 0; k < turns.size(); ++k) {
    const ordered_json& turn = turns[k];
    const std::string path = key + "[" + std::to_string(k) + "]";
    if (!turn.is_object()) throw RecordProblem{Message(msg::Data::turn_not_object, path, type_name(turn))};
    // ShareGPT turns are {"from", "value"}; some exporters write {"role", "content"} there too.
    const bool from_value = sharegpt && turn.contains("from");
    const char* role_key = from_value ? "from" : "role";
    const char* text_key = from_value ? "value" : "content";
    if (!turn.contains(role_key) || !turn[role_key].is_string())
      throw RecordProblem{sharegpt ? Message(msg::Data::sharegpt_turn_without_role, path, role_key)
                                   : Message(msg::Data::turn_without_role, path, role_key)};
    if (!turn.contains(text_key)) throw RecordProblem{Message(msg::Data::turn_without_text, path, text_key)};
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
    throw RecordProblem{Message(msg::Data::history_not_array, type_name(history))};
  for (size_t k = 0; k < history.size(); ++k) {
    const ordered_json& pair = history[k];
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
      throw RecordProblem{Message(msg::Data::history_entry_not_pair, k)};
    record.history.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
}

DatasetRecord record_from_json(const ordered_json& value, size_t number, size_t line, const DatasetReadOptions& options) {
  if (!value.is_object()) throw RecordProblem{Message(msg::Data::record_not_object, type_name(value))};
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
    if (!text.is_string()) throw RecordProblem{Message(msg::Data::field_not_string, "text", type_name(text))};
    record.kind = RecordKind::RawText;
    record.text = text.get<std::string>();
    if (is_blank(record.text)) throw RecordProblem{Message(msg::Data::text_field_empty)};
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
    if (text_.empty()) throw Error(msg::Data::dataset_empty, path);
    require_utf8_text(text_, path);
    const size_t bom = utf8_bom_length(text_);
    if (bom) text_.erase(0, bom);
    if (is_blank(text_)) throw Error(msg::Data::dataset_only_whitespace, path);

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
        throw Error(msg::Data::dataset_not_json,
                    path, c < 0x80 ? Message(msg::Data::quoted_character, std::string(1, text_[first]))
                                   : Message(msg::Data::non_ascii_character),
                    position(first));
      }
    }
    if (file_.total_records() == 0) throw Error(msg::Data::dataset_without_records, path);
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
  Message position(size_t offset) {
    offset = std::min(offset, text_.size());
    const size_t line_start = offset == 0 ? std::string::npos : text_.rfind('\n', offset - 1);
    const size_t column = line_start == std::string::npos ? offset + 1 : offset - line_start;
    return Message(msg::Data::position, line_at(offset), column);
  }

  Message invalid_utf8(size_t offset) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text_[offset]));
    return Message(msg::Data::record_invalid_utf8, byte, position(offset));
  }

  void add_error(size_t number, size_t line, Message reason) {
    file_.errors.push_back({number, line, std::move(reason)});
  }

  // Checks, parses and converts one record occupying text_[begin, end).
  void read_record(size_t number, size_t begin, size_t end, size_t max_depth) {
    const size_t line = line_at(begin);
    const size_t bytes = end - begin;
    if (bytes > options_.max_record_bytes) {
      add_error(number, line,
                Message(msg::Data::record_too_large, with_thousands(bytes), size_limit_text(options_.max_record_bytes)));
      return;
    }
    if (max_depth > kMaxNesting) {
      add_error(number, line, Message(msg::Data::record_nested_too_deep, max_depth, kMaxNesting));
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
      add_error(number, line, Message(msg::Data::record_invalid_json, position(at), parse_error_detail(e.what())));
      return;
    } catch (const ordered_json::exception& e) {  // valid syntax nlohmann cannot hold: a number beyond double
      add_error(number, line, Message(msg::Data::record_unusable_json_value, e.what()));
      return;
    }
    try {
      file_.records.push_back(record_from_json(value, number, line, options_));
    } catch (const RecordProblem& problem) {
      add_error(number, line, problem.reason);
    } catch (const nlohmann::json::exception& e) {  // e.g. invalid UTF-8 produced by an escape sequence
      add_error(number, line, Message(msg::Data::record_unusable_json_value, e.what()));
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
    throw Error(msg::Data::dataset_object_spans_lines, file_.path, position(first));
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
          throw Error(msg::Data::dataset_array_unclosed, path, position(open));
        if (text_[pos] == ']' || text_[pos] == ',')
          throw Error(number == 0 ? Message(msg::Data::dataset_first_record_missing, path, position(pos),
                                            std::string(1, text_[pos]))
                                  : Message(msg::Data::dataset_record_missing, path, position(pos), number,
                                            std::string(1, text_[pos])));
        ++number;
        const size_t begin = pos;
        const ValueExtent extent = scan_value(text_, begin);
        if (extent.mismatch_at != std::string::npos)
          throw Error(msg::Data::dataset_bracket_mismatch, path, position(extent.mismatch_at),
                      std::string(1, text_[extent.mismatch_at]), number, line_at(begin));
        if (!extent.terminated)
          throw Error(msg::Data::dataset_record_unclosed, path, number, position(begin));
        read_record(number, begin, extent.end, extent.max_depth);
        pos = extent.end;
        skip_space();
        if (pos >= text_.size())
          throw Error(msg::Data::dataset_array_ends_after_record, path, position(open), number);
        if (text_[pos] == ']') {
          ++pos;
          break;
        }
        if (text_[pos] != ',')
          throw Error(msg::Data::dataset_comma_expected, path, position(pos), number, line_at(begin),
                      std::string(1, text_[pos]));
        ++pos;
      }
    }
    skip_space();
    if (pos < text_.size())
      throw Error(msg::Data::dataset_text_after_array, path, position(pos));
    if (number == 0) throw Error(msg::Data::dataset_empty_array, path);
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

Message RecordError::where() const {
  if (line > 0) return Message(msg::Data::record_at_line, number, line);
  return Message(msg::Data::record_number, number);
}

Message RecordError::line_text() const {
  if (line > 0) return Message(msg::Data::record_error_line, number, line, reason);
  return Message(msg::Data::record_error_line_without_line, number, reason);
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
  if (::stat(path.c_str(), &info) != 0) throw Error(msg::Data::dataset_missing, path);
  if (S_ISDIR(info.st_mode)) throw Error(msg::Data::dataset_is_folder, path);
  if (static_cast<size_t>(info.st_size) > options.max_file_bytes)
    throw Error(msg::Data::dataset_too_large, path, with_thousands(static_cast<size_t>(info.st_size)),
                size_limit_text(options.max_file_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(msg::Data::dataset_unreadable, path);
  std::string contents(static_cast<size_t>(info.st_size), '\0');
  in.read(contents.data(), static_cast<std::streamsize>(contents.size()));
  contents.resize(static_cast<size_t>(in.gcount()));
  return parse_dataset(std::move(contents), path, options);
}

std::vector<Message> record_error_lines(const std::vector<RecordError>& errors, size_t max_listed) {
  std::vector<Message> lines;
  for (size_t i = 0; i < errors.size() && i < max_listed; ++i) lines.push_back(errors[i].line_text());
  if (errors.size() > max_listed) lines.emplace_back(msg::Data::record_errors_more, errors.size() - max_listed);
  return lines;
}

std::string list_record_errors(const std::vector<RecordError>& errors, size_t max_listed) {
  std::string text;
  for (const Message& line : record_error_lines(errors, max_listed)) text += line.english() + "\n";
  return text;
}

namespace {

Message unusable_records_message(const std::string& path, const std::vector<RecordError>& errors, size_t total_records,
                                 const Message& advice) {
  const bool one = total_records == 1;
  std::vector<Message> lines = record_error_lines(errors);
  if (advice.empty())
    return one ? Message(msg::Data::records_unusable_one, path, errors.size(), total_records, std::move(lines))
               : Message(msg::Data::records_unusable, path, errors.size(), total_records, std::move(lines));
  return one ? Message(msg::Data::records_unusable_one_advice, path, errors.size(), total_records, advice, std::move(lines))
             : Message(msg::Data::records_unusable_advice, path, errors.size(), total_records, advice, std::move(lines));
}

}  // namespace

DatasetError::DatasetError(std::string path, std::vector<RecordError> errors, size_t total_records, Message advice)
    : Error(unusable_records_message(path, errors, total_records, advice)),
      path_(std::move(path)),
      errors_(std::move(errors)) {}

}  // namespace lora
