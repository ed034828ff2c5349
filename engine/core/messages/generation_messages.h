#pragma once
// The ids of the generation/ messages; their English words are in generation_messages.def.
#include "message.h"

namespace lora {
namespace msg {
enum class Generation : std::uint16_t {
#define LORA_MESSAGE(name, english) name,
#include "generation_messages.def"
#undef LORA_MESSAGE
};
}  // namespace msg
template <>
struct MessageAreaOf<msg::Generation> {
  static constexpr MessageArea value = MessageArea::generation;
};
}  // namespace lora
