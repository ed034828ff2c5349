#include "stop_strings.h"

#include <algorithm>

namespace lora {

StopStringFilter::StopStringFilter(std::vector<std::string> stop_strings) {
  for (auto& s : stop_strings)
    if (!s.empty()) stop_strings_.push_back(std::move(s));
}

std::string StopStringFilter::push(const std::string& text) {
  if (stopped_) return "";
  held_ += text;
  // The earliest stop string wins; at one position the longest (so "</s>" beats a shorter "</").
  size_t best = std::string::npos;
  for (const std::string& stop : stop_strings_) {
    const size_t at = held_.find(stop);
    if (at == std::string::npos) continue;
    if (at < best || (at == best && stop.size() > matched_.size())) {
      best = at;
      matched_ = stop;
    }
  }
  if (best != std::string::npos) {
    stopped_ = true;
    std::string shown = held_.substr(0, best);
    held_.clear();
    return shown;
  }
  // Hold the longest tail of the text that is a proper prefix of some stop string. Everything before
  // it can be shown: a stop string starting there would already have been found above.
  size_t hold = 0;
  for (const std::string& stop : stop_strings_) {
    for (size_t length = std::min(stop.size() - 1, held_.size()); length > hold; --length) {
      if (held_.compare(held_.size() - length, length, stop, 0, length) == 0) {
        hold = length;
        break;
      }
    }
  }
  std::string shown = held_.substr(0, held_.size() - hold);
  held_.erase(0, held_.size() - hold);
  return shown;
}

std::string StopStringFilter::finish() {
  std::string rest;
  rest.swap(held_);
  return stopped_ ? std::string() : rest;
}

}  // namespace lora
