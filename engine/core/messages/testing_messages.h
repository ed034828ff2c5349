#pragma once
// The ids of the testing/ messages; their English words are in testing_messages.def.
#include "message.h"

namespace lora {
namespace msg {
enum class Testing : std::uint16_t {
#define LORA_MESSAGE(name, english) name,
#include "testing_messages.def"
#undef LORA_MESSAGE
};
}  // namespace msg
template <>
struct MessageAreaOf<msg::Testing> {
  static constexpr MessageArea value = MessageArea::testing;
};
}  // namespace lora
