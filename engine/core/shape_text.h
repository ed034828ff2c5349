#pragma once
// A tensor's shape as messages print it: "[4096, 11008]".
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lora {

inline std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// A libtorch tensor's (anything with sizes()), without this header needing libtorch.
template <class Tensor, class = decltype(std::declval<const Tensor&>().sizes())>
std::string shape_text(const Tensor& tensor) {
  return shape_text(tensor.sizes().vec());
}

}  // namespace lora
