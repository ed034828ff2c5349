#pragma once
// The ids of the export/ messages; their English words are in export_messages.def.
#include "message.h"

namespace lora {
namespace msg {
enum class Export : std::uint16_t {
#define LORA_MESSAGE(name, english) name,
#include "export_messages.def"
#undef LORA_MESSAGE
};
}  // namespace msg
template <>
struct MessageAreaOf<msg::Export> {
  static constexpr MessageArea value = MessageArea::exporting;
};
}  // namespace lora
