#include "chat_prompt.h"

#include <map>
#include <nlohmann/json.hpp>

#include "error.h"
#include "generation_messages.h"
#include "training_prompt_file.h"

namespace lora {
namespace {

std::string builtin_names_list() {
  std::string names;
  for (const std::string& name : ChatTemplate::builtin_names()) names += (names.empty() ? "" : ", ") + name;
  return names;
}

std::string trim(const std::string& s) {
  const char* space = " \t\r\n";
  const size_t begin = s.find_first_not_of(space);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

// Fills %name% placeholders in one pass (a value containing "%output%" is not filled again).
std::string fill(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '%') {
      const size_t close = text.find('%', i + 1);
      if (close != std::string::npos) {
        auto it = values.find(text.substr(i + 1, close - i - 1));
        if (it != values.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

// "### Instruction:" from "...request.\n\n### Instruction:\n%instruction%...": the line that
// introduces the instruction, which a model trained on the format writes to start a new turn.
std::string instruction_header(const std::string& instruction_template) {
  const size_t at = instruction_template.find("%instruction%");
  if (at == std::string::npos) return "";
  std::string before = instruction_template.substr(0, at);
  while (!before.empty() && (before.back() == '\n' || before.back() == ' ' || before.back() == '\r'))
    before.pop_back();
  const size_t line = before.rfind('\n');
  return trim(line == std::string::npos ? before : before.substr(line + 1));
}

PromptTemplate from_training_prompt(const std::string& adapter_dir) {
  PromptTemplate result;
  const std::optional<TrainingPromptFile> file = read_training_prompt(adapter_dir);
  if (!file) return result;
  result.source = "training_prompt.json of the adapter";
  // Trained on conversations: the exact template the records were rendered with.
  if (!file->trained_chat_template().empty()) {
    const std::string name = file->chat_template_name.empty() ? ChatTemplate::kModelName : file->chat_template_name;
    result.chat_template = ChatTemplate::from_source(file->trained_chat_template(), name, file->path);
    return result;
  }
  if (!file->instruction_template.empty()) {
    result.is_format_file = true;
    result.instruction_template = file->instruction_template;
    return result;
  }
  for (const std::string& name : file->format_names) {
    if (ChatTemplate::is_builtin_name(name)) {
      result.chat_template = ChatTemplate::builtin(name);
      return result;
    }
  }
  if (file->chat_template) {
    result.chat_template = ChatTemplate::from_source(*file->chat_template, ChatTemplate::kModelName, file->path);
    return result;
  }
  throw Error(msg::Generation::training_prompt_unusable, file->path, builtin_names_list());
}

}  // namespace

std::string PromptTemplate::describe() const {
  std::string name = is_format_file ? "format file template" : chat_template.name();
  return source.empty() ? name : name + " (" + source + ")";
}

PromptTemplate resolve_prompt_template(const std::string& requested, const std::string& adapter_dir,
                                       const TokenizerConfig& tokens) {
  PromptTemplate result;
  if (!requested.empty()) {
    if (requested == ChatTemplate::kModelName) {
      if (!ChatTemplate::from_model(tokens, &result.chat_template))
        throw Error(msg::Generation::model_without_chat_template, builtin_names_list());
      result.source = "chosen";
      return result;
    }
    if (!ChatTemplate::is_builtin_name(requested))
      throw Error(msg::Generation::unknown_prompt_template, requested, builtin_names_list());
    result.chat_template = ChatTemplate::builtin(requested);
    result.source = "chosen";
    return result;
  }
  if (!adapter_dir.empty()) {
    PromptTemplate trained = from_training_prompt(adapter_dir);
    if (!trained.source.empty()) return trained;
  }
  if (ChatTemplate::from_model(tokens, &result.chat_template)) {
    result.source = "chat_template of the tokenizer";
    return result;
  }
  result.chat_template = ChatTemplate::builtin("alpaca");
  result.source = "no chat_template: default";
  return result;
}

EncodedPrompt encode_prompt(const PromptTemplate& prompt_template, const Tokenizer& tokenizer,
                            const std::vector<ChatMessage>& messages, const nlohmann::ordered_json& extra) {
  EncodedPrompt prompt;
  const TokenizerConfig& tokens = tokenizer.config();
  if (!prompt_template.is_format_file) {
    const ChatTemplate& chat = prompt_template.chat_template;
    prompt.text = chat.render(messages, true, tokens, extra);
    prompt.ids = tokenizer.encode(prompt.text, chat.adds_special_tokens());
    prompt.stop_strings = chat.stop_strings(tokens);
    return prompt;
  }
  // Format file: [system "\n\n"] + each earlier exchange filled + "\n\n" + the last instruction up to %output%.
  const std::string& full = prompt_template.instruction_template;
  const size_t output_at = full.find("%output%");
  const std::string head = output_at == std::string::npos ? full : full.substr(0, output_at);
  std::string system, pending_instruction;
  std::vector<std::pair<std::string, std::string>> exchanges;
  for (const ChatMessage& m : messages) {
    if (m.role == "system") {
      system += m.content;
    } else if (m.role == "user") {
      if (!pending_instruction.empty()) exchanges.push_back({pending_instruction, ""});
      pending_instruction = m.content;
    } else if (m.role == "assistant") {
      exchanges.push_back({pending_instruction, m.content});
      pending_instruction.clear();
    } else {
      throw Error(msg::Generation::format_file_unknown_role, m.role);
    }
  }
  if (!system.empty()) prompt.text += system + "\n\n";
  for (const auto& [instruction, output] : exchanges)
    prompt.text += fill(full, {{"instruction", instruction}, {"output", output}}) + "\n\n";
  prompt.text += fill(head, {{"instruction", pending_instruction}});
  prompt.ids = tokenizer.encode(prompt.text, true);
  const std::string header = instruction_header(full);
  if (!header.empty()) prompt.stop_strings.push_back(header);
  if (!tokens.eos_token.empty() && tokens.eos_token != header) prompt.stop_strings.push_back(tokens.eos_token);
  return prompt;
}

}  // namespace lora
