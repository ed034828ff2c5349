// The English catalogue: every message the engine can show, from the per-area lists in messages/.
#include <map>

#include "message.h"
#include "core_messages.h"
#include "data_messages.h"
#include "generation_messages.h"
#include "model_messages.h"
#include "ops_messages.h"
#include "testing_messages.h"
#include "text_messages.h"
#include "training_messages.h"
#include "export_messages.h"
#include "download_messages.h"

namespace lora {

const std::vector<MessageEntry>& message_catalogue() {
  static const std::vector<MessageEntry> entries = {
#define LORA_MESSAGE(name, english) {{MessageArea::core, static_cast<std::uint16_t>(msg::Core::name)}, "core." #name, english},
#include "core_messages.def"
#undef LORA_MESSAGE
#define LORA_MESSAGE(name, english) {{MessageArea::text, static_cast<std::uint16_t>(msg::Text::name)}, "text." #name, english},
#include "text_messages.def"
#undef LORA_MESSAGE
#define LORA_MESSAGE(name, english) {{MessageArea::data, static_cast<std::uint16_t>(msg::Data::name)}, "data." #name, english},
#include "data_messages.def"
#undef LORA_MESSAGE
#define LORA_MESSAGE(name, english) {{MessageArea::model, static_cast<std::uint16_t>(msg::Model::name)}, "model." #name, english},
#include "model_messages.def"
#undef LORA_MESSAGE
#define LORA_MESSAGE(name, english) {{MessageArea::ops, static_cast<std::uint16_t>(msg::Ops::name)}, "ops." #name, english},
#include "ops_messages.def"
#undef LORA_MESSAGE
#define LORA_MESSAGE(name, english) {{MessageArea::generation, static_cast<std::uint16_t>(msg::Generation::name)}, "generation." #name, english},
#include "generation_messages.def"
#undef LORA_MESSAGE
#define LORA_MESSAGE(name, english) {{MessageArea::training, static_cast<std::uint16_t>(msg::Training::name)}, "training." #name, english},
#include "training_messages.def"
#undef LORA_MESSAGE
#define LORA_MESSAGE(name, english) {{MessageArea::testing, static_cast<std::uint16_t>(msg::Testing::name)}, "testing." #name, english},
#include "testing_messages.def"
#undef LORA_MESSAGE
#define LORA_MESSAGE(name, english) {{MessageArea::exporting, static_cast<std::uint16_t>(msg::Export::name)}, "export." #name, english},
#include "export_messages.def"
#undef LORA_MESSAGE
#define LORA_MESSAGE(name, english) {{MessageArea::download, static_cast<std::uint16_t>(msg::Download::name)}, "download." #name, english},
#include "download_messages.def"
#undef LORA_MESSAGE
  };
  return entries;
}

const MessageEntry& message_entry(MessageId id) {
  static const std::map<std::pair<int, int>, const MessageEntry*> by_id = [] {
    std::map<std::pair<int, int>, const MessageEntry*> map;
    for (const MessageEntry& entry : message_catalogue())
      map[{static_cast<int>(entry.id.area), entry.id.index}] = &entry;
    return map;
  }();
  static const MessageEntry unknown{{}, "", ""};
  const auto it = by_id.find({static_cast<int>(id.area), id.index});
  return it == by_id.end() ? unknown : *it->second;
}

}  // namespace lora
