#include "chat_template.h"

#include <algorithm>

#include "builtin_chat_templates.h"
#include "error.h"
#include "text_messages.h"

namespace lora {
namespace {

std::string lowercase(const std::string& text) {
  std::string out;
  for (char c : text) out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// The built-in template a name or alias stands for; nullptr when none.
const BuiltinChatTemplate* find_builtin(const std::string& name) {
  static const std::vector<std::pair<std::string, std::string>> aliases = {
      {"qwen", "chatml"}, {"llama-2", "llama2"}, {"llama-3", "llama3"}, {"alpaca-format", "alpaca"}, {"none", "raw"}};
  std::string key = lowercase(name);
  for (const auto& [alias, target] : aliases)
    if (key == alias) key = target;
  for (const BuiltinChatTemplate& entry : builtin_chat_templates())
    if (key == entry.name) return &entry;
  return nullptr;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string strip(const std::string& s) {
  size_t begin = 0, end = s.size();
  while (begin < end && is_space(s[begin])) ++begin;
  while (end > begin && is_space(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

std::string common_prefix(const std::string& a, const std::string& b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return a.substr(0, n);
}

// Length of the longest common suffix of a and b that starts a piece of `a`: after whitespace or a
// closing '>' / ']', or at '<' / '[', so "<|eot_id|><|start_header_id|>" and
// "<|begin_of_text|><|start_header_id|>" share "<|start_header_id|>", not "|><|start_header_id|>".
size_t common_suffix_length(const std::string& a, const std::string& b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[a.size() - 1 - n] == b[b.size() - 1 - n]) ++n;
  while (n > 0 && n < a.size()) {
    const char first = a[a.size() - n], before = a[a.size() - n - 1];
    if (first == '<' || first == '[' || before == '>' || before == ']' || is_space(before)) break;
    --n;
  }
  return n;
}

// Text after `marker` up to `until` (or the end); "" when the marker is not there.
std::string text_after(const std::string& text, const std::string& marker, const std::string& until = "") {
  const size_t at = text.find(marker);
  if (at == std::string::npos) return "";
  const size_t from = at + marker.size();
  const size_t end = until.empty() ? std::string::npos : text.find(until, from);
  return text.substr(from, end == std::string::npos ? std::string::npos : end - from);
}

}  // namespace

const std::vector<std::string>& ChatTemplate::builtin_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const BuiltinChatTemplate& entry : builtin_chat_templates()) out.push_back(entry.name);
    return out;
  }();
  return names;
}

bool ChatTemplate::is_builtin_name(const std::string& name) { return find_builtin(name) != nullptr; }

ChatTemplate ChatTemplate::builtin(const std::string& name) {
  const BuiltinChatTemplate* entry = find_builtin(name);
  if (!entry) {
    std::string names;
    for (const std::string& known : builtin_names()) names += (names.empty() ? "" : ", ") + known;
    throw Error(msg::Text::unknown_chat_template, name, names);
  }
  ChatTemplate result = from_source(entry->source, entry->name, std::string("built-in template ") + entry->name);
  result.builtin_ = true;
  result.adds_special_tokens_ = entry->adds_special_tokens;
  return result;
}

ChatTemplate ChatTemplate::from_source(const std::string& source, const std::string& name, const std::string& origin) {
  ChatTemplate result;
  result.jinja_ = JinjaTemplate::parse(source, origin);
  result.name_ = name;
  result.origin_ = origin;
  return result;
}

bool ChatTemplate::from_model(const TokenizerConfig& tokens, ChatTemplate* out) {
  if (tokens.chat_template.empty()) return false;
  const std::string origin = tokens.chat_template_file.empty() ? "the tokenizer's chat_template" : tokens.chat_template_file;
  *out = from_source(tokens.chat_template, kModelName, origin);
  return true;
}

std::string ChatTemplate::describe() const {
  if (builtin_) return name_ + " (built-in)";
  return name_ + " (" + origin_ + ")";
}

nlohmann::ordered_json chat_messages_json(const std::vector<ChatMessage>& messages) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const ChatMessage& m : messages) list.push_back({{"role", m.role}, {"content", m.content}});
  return list;
}

nlohmann::ordered_json chat_template_variables(const nlohmann::ordered_json& messages,
                                               const ChatTemplateOptions& options, const TokenizerConfig& tokens) {
  // As transformers' apply_chat_template: messages, tools and documents (None when not given, so
  // `tools is not none` is false but `tools is defined` is true), add_generation_prompt, then the
  // special tokens the tokenizer has, then the caller's extra keyword arguments (which may override).
  nlohmann::ordered_json variables = nlohmann::ordered_json::object();
  variables["messages"] = messages;
  variables["tools"] = options.tools;
  variables["documents"] = options.documents;
  variables["add_generation_prompt"] = options.add_generation_prompt;
  const std::pair<const char*, const std::string*> special[] = {{"bos_token", &tokens.bos_token},
                                                                {"eos_token", &tokens.eos_token},
                                                                {"unk_token", &tokens.unk_token},
                                                                {"pad_token", &tokens.pad_token}};
  for (const auto& [key, value] : special)
    if (!value->empty()) variables[key] = *value;
  if (options.extra.is_object())
    for (auto it = options.extra.begin(); it != options.extra.end(); ++it) variables[it.key()] = it.value();
  return variables;
}

JinjaRender ChatTemplate::render_json(const nlohmann::ordered_json& messages, const ChatTemplateOptions& options,
                                      const TokenizerConfig& tokens) const {
  if (!messages.is_array()) throw Error(msg::Text::chat_messages_not_list, describe());
  if (!options.extra.is_null() && !options.extra.is_object())
    throw Error(msg::Text::chat_extra_variables_not_object, describe());
  return jinja_.render(chat_template_variables(messages, options, tokens));
}

std::string ChatTemplate::render(const std::vector<ChatMessage>& messages, bool add_generation_prompt,
                                 const TokenizerConfig& tokens, const nlohmann::ordered_json& extra) const {
  ChatTemplateOptions options;
  options.add_generation_prompt = add_generation_prompt;
  options.extra = extra;
  return render_json(chat_messages_json(messages), options, tokens).text;
}

std::vector<std::string> ChatTemplate::stop_strings(const TokenizerConfig& tokens) const {
  std::vector<std::string> stops;
  // Render a short exchange with marker texts and read what the template writes after the
  // assistant's answer: where the answer is the last message, and before a next user turn. The end
  // of turn is what both begin with, less the next user turn's header (the text the template also
  // writes before the first user message), which a template such as Llama 3 base's runs straight on.
  const std::string user1 = "LoraStudioFirstQuestion", answer = "LoraStudioAnswer", user2 = "LoraStudioNextQuestion";
  try {
    const std::string last = render({{"user", user1}, {"assistant", answer}}, false, tokens);
    const std::string followed = render({{"user", user1}, {"assistant", answer}, {"user", user2}}, false, tokens);
    const std::string after_last = text_after(last, answer);
    const std::string before_next = text_after(followed, answer, user2);
    const std::string before_first = last.substr(0, last.find(user1));
    const std::string shared_start = strip(common_prefix(after_last, before_next));
    const std::string without_header =
        strip(before_next.substr(0, before_next.size() - common_suffix_length(before_next, before_first)));
    std::string marker = shared_start;
    if (marker.empty() || (!without_header.empty() && without_header.size() < marker.size())) marker = without_header;
    if (marker.empty()) marker = strip(before_next);  // no end-of-turn marker: the next turn's header
    if (!marker.empty()) stops.push_back(marker);
  } catch (const Error&) {
    // A template that refuses this exchange (e.g. one that requires a system message) still stops at EOS.
  }
  if (!tokens.eos_token.empty() && std::find(stops.begin(), stops.end(), tokens.eos_token) == stops.end())
    stops.push_back(tokens.eos_token);
  return stops;
}

}  // namespace lora
