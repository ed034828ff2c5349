#pragma once
// Reading a training data file into records, cheaply and up front: a JSON array or JSON Lines of
// alpaca-style objects, ShareGPT "conversations", OpenAI-style "messages" or {"text": ...}, or a
// raw .txt file. Every record that cannot be read is listed with its number, line and reason —
// never dropped silently; whether training may go on without them is the caller's decision.
//
// Numbering, everywhere users see it: records are numbered from 1 in file order (JSON Lines: the
// n-th non-blank line; JSON array: the n-th element; .txt: the n-th non-empty part between hard
// cuts), lines from 1. A message reads "record 12 (line 14): <reason>". Paths inside a record
// ("conversations[3]") use JSON's 0-based array indices.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "chat_template.h"
#include "error.h"

namespace lora {

enum class RecordKind {
  Fields,        // {"instruction", "input", "output", ...}: filled into a prompt format's template
  Conversation,  // ShareGPT "conversations" or OpenAI "messages": rendered with the chat format
  RawText,       // a .txt part or {"text": ...}: cut into blocks of the cutoff length
};

struct DatasetRecord {
  size_t number = 0;  // 1-based position in the file
  size_t line = 0;    // 1-based line where the record starts
  RecordKind kind = RecordKind::Fields;

  // Fields: every string-valued member in file order ("system" included; null members left out;
  // "history" is not here but in `history`).
  std::vector<std::pair<std::string, std::string>> fields;
  // Fields: members holding a number, boolean, array or object, with the JSON type ("a number"). They
  // are an error only where the prompt format uses the field (metadata such as "id": 7 is ignored).
  std::vector<std::pair<std::string, Message>> non_string_fields;
  // Fields: alpaca "history": earlier [instruction, output] turns, oldest first.
  std::vector<std::pair<std::string, std::string>> history;

  // Conversation: the turns with roles "system", "user", "assistant" (ShareGPT's human/gpt mapped;
  // a top-level "system" string becomes a leading system message).
  std::vector<ChatMessage> messages;

  // RawText: the text.
  std::string text;

  // The value of a string field, or nullptr.
  const std::string* field(const std::string& name) const;
};

struct RecordError {
  size_t number = 0;  // 1-based record number
  size_t line = 0;    // 1-based line where the record starts (0 = unknown)
  Message reason;
  Message where() const;      // "record 12 (line 14)"
  Message line_text() const;  // "  record 12 (line 14): reason"
};

enum class DatasetLayout { JsonArray, JsonLines, Text };
const char* dataset_layout_name(DatasetLayout layout);  // "JSON array", "JSON Lines", "text"

struct DatasetFile {
  std::string path;
  DatasetLayout layout = DatasetLayout::JsonLines;
  std::vector<DatasetRecord> records;  // the readable records, in file order
  std::vector<RecordError> errors;     // the unreadable ones, in file order
  size_t total_records() const { return records.size() + errors.size(); }
};

struct DatasetReadOptions {
  // One record larger than this is an error (before it is parsed, so a 50 MB record costs no
  // memory beyond the file itself). 4 MiB is ~1M tokens, far beyond any cutoff length; book-length
  // text belongs in a .txt file, which has no per-record limit.
  size_t max_record_bytes = 4u << 20;
  // The whole file; larger files are refused rather than read into memory.
  size_t max_file_bytes = size_t(2) << 30;
  // .txt files are split into independent parts at this string (text-generation-webui's "hard cut
  // string"); "" keeps the whole file as one part. Windows line ends are read as "\n".
  std::string hard_cut = "\n\n\n";
  // {"text": ...} objects (without instruction/output) are raw text. Turn off when the prompt format
  // itself uses a %text% field.
  bool text_objects_are_raw_text = true;
};

// Reads `path`. Throws lora::Error naming the file for problems of the whole file: missing or
// unreadable, empty, not UTF-8 (UTF-16/32, GBK, ...), not a JSON array or JSON Lines, a JSON array
// whose structure is broken (unbalanced brackets, missing comma between records: the message gives
// line and column), no records at all. Problems of single records go to DatasetFile::errors.
DatasetFile read_dataset_file(const std::string& path, const DatasetReadOptions& options = {});

// The same for file contents already in memory; `path` names the file in messages and decides the
// layout (".txt", ".text" and ".md" are raw text; anything else is JSON by its first character).
DatasetFile parse_dataset(std::string contents, const std::string& path, const DatasetReadOptions& options = {});

// The error that stops loading because records are bad and the user did not agree to skip them.
// what() lists them (the first `kMaxListed`, then a count); errors() has all of them.
class DatasetError : public Error {
 public:
  static constexpr size_t kMaxListed = 20;
  DatasetError(std::string path, std::vector<RecordError> errors, size_t total_records, Message advice);
  const std::string& path() const { return path_; }
  const std::vector<RecordError>& errors() const { return errors_; }

 private:
  std::string path_;
  std::vector<RecordError> errors_;
};

// "  record 12 (line 14): reason" lines, at most `max_listed`, then "  ... and N more".
std::vector<Message> record_error_lines(const std::vector<RecordError>& errors,
                                        size_t max_listed = DatasetError::kMaxListed);
// The same lines in English, each ended by "\n" (the CLI's listing).
std::string list_record_errors(const std::vector<RecordError>& errors, size_t max_listed = DatasetError::kMaxListed);

}  // namespace lora
