// Training data files: a JSON array or JSON Lines of alpaca / ShareGPT "conversations" / OpenAI
// "messages" / {"text"} records, raw .txt, and text-generation-webui format files. Every readable
// record is then rendered the way training renders it (alpaca template, the same input as a format
// file, and as chat in each built-in chat format).
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "chat_template.h"
#include "dataset_records.h"
#include "error.h"
#include "prompt_format.h"
#include "record_rendering.h"

namespace {

void render_all(const lora::DatasetFile& file, const std::optional<lora::PromptFormat>& own_format) {
  std::vector<lora::RenderSettings> settings(2);
  settings[1].fields_as_chat = true;
  if (own_format) {
    settings.emplace_back();
    settings.back().prompt_format = *own_format;
  }
  for (const std::string& name : lora::ChatTemplate::builtin_names()) {
    settings.emplace_back();
    settings.back().chat_template = lora::ChatTemplate::builtin(name);
    settings.back().train_on_prompt = true;
  }
  for (const auto& s : settings) {
    const lora::RecordRenderer renderer(s);
    size_t shown = 0;
    for (const auto& record : file.records) {
      if (++shown > 64) break;  // enough to reach every path; keeps each execution fast
      try {
        std::vector<std::string> ignored;
        lora::segments_text(renderer.render(record, &ignored));
      } catch (const lora::Error&) {
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string contents(reinterpret_cast<const char*>(data), size);
  std::optional<lora::PromptFormat> own_format;
  try {
    own_format = lora::PromptFormat::parse(contents, "fuzzed", "format.json");
    std::set<std::string> fields(own_format->known_fields().begin(), own_format->known_fields().end());
    own_format->match(fields);
    own_format->explain_no_match({"instruction", "zzz"});
    lora::PromptFormat::parse(own_format->to_json(), "again", "written format.json");
  } catch (const lora::Error&) {
  }
  lora::DatasetReadOptions small_records;
  small_records.max_record_bytes = 4096;
  for (const char* name : {"data.json", "data.txt"}) {
    for (const lora::DatasetReadOptions* options : {static_cast<const lora::DatasetReadOptions*>(&small_records), static_cast<const lora::DatasetReadOptions*>(nullptr)}) {
      try {
        const lora::DatasetFile file =
            options ? lora::parse_dataset(contents, name, *options) : lora::parse_dataset(contents, name);
        if (file.records.size() + file.errors.size() != file.total_records()) std::abort();
        lora::list_record_errors(file.errors);
        if (options == nullptr) render_all(file, own_format);
      } catch (const lora::Error&) {
      }
    }
  }
  return 0;
}
