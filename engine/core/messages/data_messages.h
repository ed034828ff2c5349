#pragma once
// The ids of the data/ messages; their English words are in data_messages.def.
#include "message.h"

namespace lora {
namespace msg {
enum class Data : std::uint16_t {
#define LORA_MESSAGE(name, english) name,
#include "data_messages.def"
#undef LORA_MESSAGE
};
}  // namespace msg
template <>
struct MessageAreaOf<msg::Data> {
  static constexpr MessageArea value = MessageArea::data;
};
}  // namespace lora
