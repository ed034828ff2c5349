#pragma once
// An adapter's training_prompt.json (written by training, data/tokenized_dataset.cpp): what it says
// about the prompt the adapter was trained with. Read by chat (generation/chat_prompt.cpp) and by the
// merge, which hands the trained chat template on to the merged model (model/adapter_merge.cpp).
#include <optional>
#include <string>
#include <vector>

namespace lora {

struct TrainingPromptFile {
  std::string path;
  std::string template_type;                  // "chat_template", "dataset", "raw_text", "" when absent
  std::optional<std::string> chat_template;   // "chat_template": a Jinja source
  std::string chat_template_name;             // "chat_template_name", "" when absent
  // A text-generation-webui format file's "instruction,output" template (key names in any order),
  // from "template", "templates" or the top level; "" when there is none.
  std::string instruction_template;
  std::vector<std::string> format_names;      // "chat_format", then "format", where present

  // Trained on conversations: the chat template the records were rendered with; "" otherwise.
  std::string trained_chat_template() const;
};

// nullopt when the adapter folder has no training_prompt.json (a checkpoint-N folder without one takes
// its run's, the folder above it). Throws lora::Error naming the file
// and field for invalid JSON or a field of the wrong type.
std::optional<TrainingPromptFile> read_training_prompt(const std::string& adapter_dir);
TrainingPromptFile parse_training_prompt(const std::string& json_text, const std::string& source);

}  // namespace lora
