#pragma once
// Stop strings in streamed text: text that could still turn out to be the start of a stop string
// is held back until the next pieces settle it, so the stop string itself is never shown, even
// when it arrives split over several tokens ("<|im" + "_end|>").
#include <string>
#include <vector>

namespace lora {

class StopStringFilter {
 public:
  explicit StopStringFilter(std::vector<std::string> stop_strings);  // empty strings are ignored

  // Takes the next piece of text; returns what can be shown now. Once a stop string is complete,
  // returns the text before it, sets stopped(), and drops it and everything after it.
  std::string push(const std::string& text);
  // Releases the held-back text when generation ends without a stop string.
  std::string finish();

  bool stopped() const { return stopped_; }
  const std::string& matched() const { return matched_; }  // the stop string found

 private:
  std::vector<std::string> stop_strings_;
  std::string held_;
  bool stopped_ = false;
  std::string matched_;
};

}  // namespace lora
