#pragma once
// The ids of the core/ messages; their English words are in core_messages.def.
#include "message.h"

namespace lora {
namespace msg {
enum class Core : std::uint16_t {
#define LORA_MESSAGE(name, english) name,
#include "core_messages.def"
#undef LORA_MESSAGE
};
}  // namespace msg
template <>
struct MessageAreaOf<msg::Core> {
  static constexpr MessageArea value = MessageArea::core;
};
}  // namespace lora
