// Chat formats rendered by hand to match each family's Hugging Face chat_template exactly.
// The Jinja source each function mirrors is quoted in its comment; the variant switches are
// decided from the model's own template text (see chat_format.h).
#include "chat_format.h"

#include <algorithm>
#include <ctime>

#include "error.h"

namespace lora {
namespace {

// Python's str.strip() / Jinja's trim, for the ASCII whitespace chat text contains.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string strip(const std::string& s) {
  size_t begin = 0, end = s.size();
  while (begin < end && is_space(s[begin])) ++begin;
  while (end > begin && is_space(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

std::string strip_chars(const std::string& s, char c, bool left, bool right) {
  size_t begin = 0, end = s.size();
  if (left)
    while (begin < end && s[begin] == c) ++begin;
  if (right)
    while (end > begin && s[end - 1] == c) --end;
  return s.substr(begin, end - begin);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void check_roles(ChatFormat format, const std::vector<ChatMessage>& messages) {
  for (size_t i = 0; i < messages.size(); ++i) {
    const std::string& role = messages[i].role;
    if (role != "system" && role != "user" && role != "assistant")
      throw Error(std::string("chat format ") + chat_format_name(format) + ": message " + std::to_string(i) +
                  " has role '" + role + "'; expected system, user or assistant");
  }
}

// Llama 2 and Mistral: an optional leading system message, then user/assistant strictly alternating
// starting with user (their templates raise_exception otherwise).
void check_alternating(ChatFormat format, const std::vector<ChatMessage>& messages, size_t first) {
  for (size_t i = first; i < messages.size(); ++i) {
    const bool expect_user = (i - first) % 2 == 0;
    if (messages[i].role == "system")
      throw Error(std::string("chat format ") + chat_format_name(format) + ": message " + std::to_string(i) +
                  " is a system message; only the first message may be one");
    if ((messages[i].role == "user") != expect_user)
      throw Error(std::string("chat format ") + chat_format_name(format) + ": message " + std::to_string(i) +
                  " is from '" + messages[i].role + "'; after the optional system message, roles must alternate " +
                  "user/assistant/user/...");
  }
}

// Undoes the escapes of a Jinja string literal ("\\n" -> newline, "\\'" -> "'").
std::string unescape_jinja_literal(const std::string& literal) {
  std::string out;
  for (size_t i = 0; i < literal.size(); ++i) {
    if (literal[i] == '\\' && i + 1 < literal.size()) {
      char next = literal[++i];
      switch (next) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        default: out += next; break;
      }
    } else {
      out += literal[i];
    }
  }
  return out;
}

// Qwen templates write their fallback system prompt as one literal:
//   '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n'
// while the branch for a given system message concatenates: '<|im_start|>system\n' + messages[0]...
// A literal is the text between "system\n" and "<|im_end|>" that contains no quote (a quote would
// end the string literal, i.e. a concatenation).
std::string chatml_default_system(const std::string& chat_template) {
  const std::string marker = "<|im_start|>system";
  for (size_t at = chat_template.find(marker); at != std::string::npos;
       at = chat_template.find(marker, at + marker.size())) {
    size_t begin = at + marker.size();
    if (chat_template.compare(begin, 2, "\\n") == 0)
      begin += 2;
    else if (begin < chat_template.size() && chat_template[begin] == '\n')
      begin += 1;
    else
      continue;
    size_t end = chat_template.find("<|im_end|>", begin);
    if (end == std::string::npos) continue;
    std::string literal = chat_template.substr(begin, end - begin);
    if (literal.empty() || literal.find_first_of("'\"{}") != std::string::npos) continue;
    return unescape_jinja_literal(literal);
  }
  return "";
}

// Qwen3 splits an assistant message at </think> into reasoning and answer and writes a
// <think> block for the turns after the last user query.
bool is_qwen3_thinking_template(const std::string& chat_template) {
  return contains(chat_template, "</think>") && contains(chat_template, "reasoning_content");
}

/* ChatML, as in Qwen's templates:
     {%- if messages[0].role == 'system' %} '<|im_start|>system\n' + messages[0].content + '<|im_end|>\n'
     {%- else %} '<|im_start|>system\nDEFAULT<|im_end|>\n' (Qwen1.5/2/2.5 only) {%- endif %}
     for each later message: '<|im_start|>' + role + '\n' + content + '<|im_end|>' + '\n'
     add_generation_prompt: '<|im_start|>assistant\n'
   Qwen3's assistant turns (no tools):
     content/reasoning split at '</think>'; for turns after the last user message, when it is the last
     message or has reasoning: '<|im_start|>assistant\n<think>\n' + reasoning.strip('\n') +
     '\n</think>\n\n' + content.lstrip('\n'); otherwise '<|im_start|>assistant\n' + content. */
std::string render_chatml(const std::vector<ChatMessage>& messages, bool add_generation_prompt,
                          const TokenizerConfig& tokens) {
  std::string out;
  const bool qwen3 = is_qwen3_thinking_template(tokens.chat_template);
  if (messages.empty() || messages[0].role != "system") {
    const std::string fallback = chatml_default_system(tokens.chat_template);
    if (!fallback.empty()) out += "<|im_start|>system\n" + fallback + "<|im_end|>\n";
  }
  size_t last_query = messages.empty() ? 0 : messages.size() - 1;
  for (size_t i = messages.size(); i-- > 0;) {
    const std::string& c = messages[i].content;
    if (messages[i].role == "user" && !(starts_with(c, "<tool_response>") && ends_with(c, "</tool_response>"))) {
      last_query = i;
      break;
    }
  }
  for (size_t i = 0; i < messages.size(); ++i) {
    const ChatMessage& m = messages[i];
    if (!(qwen3 && m.role == "assistant")) {
      out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
      continue;
    }
    std::string content = m.content, reasoning;
    const size_t close = m.content.find("</think>");
    if (close != std::string::npos) {
      content = strip_chars(m.content.substr(m.content.rfind("</think>") + 8), '\n', true, false);
      std::string before = strip_chars(m.content.substr(0, close), '\n', false, true);
      const size_t open = before.rfind("<think>");
      if (open != std::string::npos) before = before.substr(open + 7);
      reasoning = strip_chars(before, '\n', true, false);
    }
    const bool last = i + 1 == messages.size();
    if (i > last_query && (last || !reasoning.empty())) {
      out += "<|im_start|>assistant\n<think>\n" + strip_chars(reasoning, '\n', true, true) + "\n</think>\n\n" +
             strip_chars(content, '\n', true, false);
    } else {
      out += "<|im_start|>assistant\n" + content;
    }
    out += "<|im_end|>\n";
  }
  if (add_generation_prompt) out += "<|im_start|>assistant\n";
  return out;
}

/* Llama-2-chat (meta-llama/Llama-2-7b-chat-hf):
     system (first message only) -> content = '<<SYS>>\n' + system + '\n<</SYS>>\n\n' + first user content
     user:      bos_token + '[INST] ' + content.strip() + ' [/INST]'
     assistant: ' ' + content.strip() + ' ' + eos_token
   The template has no generation prompt: the text after the last user turn is where the answer begins. */
std::string render_llama2(const std::vector<ChatMessage>& messages, const TokenizerConfig& tokens) {
  const bool has_system = !messages.empty() && messages[0].role == "system";
  const size_t first = has_system ? 1 : 0;
  check_alternating(ChatFormat::Llama2, messages, first);
  std::string out;
  for (size_t i = first; i < messages.size(); ++i) {
    std::string content = messages[i].content;
    if (i == first && has_system) content = "<<SYS>>\n" + messages[0].content + "\n<</SYS>>\n\n" + content;
    if (messages[i].role == "user")
      out += tokens.bos_token + "[INST] " + strip(content) + " [/INST]";
    else
      out += " " + strip(content) + " " + tokens.eos_token;
  }
  return out;
}

/* Mistral-Instruct.
   v0.1: bos_token; user '[INST] ' + content + ' [/INST]'; assistant content + eos_token + ' '
   v0.2+/v0.3/Mixtral (template writes ' [INST] '): bos_token; user ' [INST] ' + content + ' [/INST]';
         assistant ' ' + content + eos_token; a leading system message goes before the first user
         message's content followed by '\n\n'. */
std::string render_mistral(const std::vector<ChatMessage>& messages, const TokenizerConfig& tokens) {
  const bool has_system = !messages.empty() && messages[0].role == "system";
  const size_t first = has_system ? 1 : 0;
  check_alternating(ChatFormat::Mistral, messages, first);
  const bool spaced = contains(tokens.chat_template, "' [INST] '") || contains(tokens.chat_template, "\" [INST] \"");
  std::string out = tokens.bos_token;
  for (size_t i = first; i < messages.size(); ++i) {
    std::string content = messages[i].content;
    if (messages[i].role == "user") {
      if (i == first && has_system) content = messages[0].content + "\n\n" + content;
      out += (spaced ? " [INST] " : "[INST] ") + content + " [/INST]";
    } else {
      out += spaced ? " " + content + tokens.eos_token : content + tokens.eos_token + " ";
    }
  }
  return out;
}

// The date Llama 3.1+ templates write in their system header: the template's own date_string
// literal, or today's date ("%d %b %Y") where the template asks for strftime_now.
std::string llama3_date_string(const std::string& chat_template) {
  if (contains(chat_template, "strftime_now")) {
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%d %b %Y", &local);
    return buffer;
  }
  const std::string key = "set date_string = \"";
  size_t at = chat_template.find(key);
  if (at != std::string::npos) {
    size_t end = chat_template.find('"', at + key.size());
    if (end != std::string::npos) return chat_template.substr(at + key.size(), end - at - key.size());
  }
  return "26 Jul 2024";
}

/* Llama 3 Instruct (meta-llama/Meta-Llama-3-8B-Instruct):
     for each message: '<|start_header_id|>' + role + '<|end_header_id|>\n\n' + content | trim + '<|eot_id|>',
     bos_token before the first; add_generation_prompt: '<|start_header_id|>assistant<|end_header_id|>\n\n'.
   Llama 3.1/3.2 (no tools): bos_token, then always a system header
     '<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: ' +
     date_string + '\n\n' + (first system message | trim) + '<|eot_id|>', then the other messages as above. */
std::string render_llama3(const std::vector<ChatMessage>& messages, bool add_generation_prompt,
                          const TokenizerConfig& tokens) {
  std::string out = tokens.bos_token;
  size_t first = 0;
  if (contains(tokens.chat_template, "Cutting Knowledge Date")) {
    std::string system;
    if (!messages.empty() && messages[0].role == "system") {
      system = strip(messages[0].content);
      first = 1;
    }
    out += "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: " +
           llama3_date_string(tokens.chat_template) + "\n\n" + system + "<|eot_id|>";
  }
  for (size_t i = first; i < messages.size(); ++i)
    out += "<|start_header_id|>" + messages[i].role + "<|end_header_id|>\n\n" + strip(messages[i].content) +
           "<|eot_id|>";
  if (add_generation_prompt) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
  return out;
}

const char* const kAlpacaPreamble =
    "Below is an instruction that describes a task. Write a response that appropriately completes the request.";

/* text-generation-webui instruction-templates/Alpaca.yaml:
     no system message anywhere -> 'Below is an instruction ... request.' + '\n\n'
     system: content + '\n\n'; user: '### Instruction:\n' + content + '\n\n';
     assistant: '### Response:\n' + content + '\n\n'; add_generation_prompt: '### Response:\n' */
std::string render_alpaca(const std::vector<ChatMessage>& messages, bool add_generation_prompt) {
  std::string out;
  const bool any_system =
      std::any_of(messages.begin(), messages.end(), [](const ChatMessage& m) { return m.role == "system"; });
  if (!any_system) out += std::string(kAlpacaPreamble) + "\n\n";
  for (const ChatMessage& m : messages) {
    if (m.role == "system")
      out += m.content + "\n\n";
    else if (m.role == "user")
      out += "### Instruction:\n" + m.content + "\n\n";
    else
      out += "### Response:\n" + m.content + "\n\n";
  }
  if (add_generation_prompt) out += "### Response:\n";
  return out;
}

}  // namespace

const char* chat_format_name(ChatFormat format) {
  switch (format) {
    case ChatFormat::ChatML: return "chatml";
    case ChatFormat::Llama2: return "llama2";
    case ChatFormat::Mistral: return "mistral";
    case ChatFormat::Llama3: return "llama3";
    case ChatFormat::Alpaca: return "alpaca";
    case ChatFormat::Raw: return "raw";
  }
  return "raw";
}

bool parse_chat_format(const std::string& name, ChatFormat* out) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  struct Alias {
    const char* name;
    ChatFormat format;
  };
  static const Alias aliases[] = {
      {"chatml", ChatFormat::ChatML},   {"qwen", ChatFormat::ChatML},       {"llama2", ChatFormat::Llama2},
      {"llama-2", ChatFormat::Llama2},  {"mistral", ChatFormat::Mistral},   {"llama3", ChatFormat::Llama3},
      {"llama-3", ChatFormat::Llama3},  {"alpaca", ChatFormat::Alpaca},     {"alpaca-format", ChatFormat::Alpaca},
      {"raw", ChatFormat::Raw},         {"none", ChatFormat::Raw},
  };
  for (const Alias& alias : aliases) {
    if (lower == alias.name) {
      if (out) *out = alias.format;
      return true;
    }
  }
  return false;
}

const std::vector<ChatFormat>& all_chat_formats() {
  static const std::vector<ChatFormat> formats = {ChatFormat::ChatML, ChatFormat::Llama2, ChatFormat::Mistral,
                                                  ChatFormat::Llama3, ChatFormat::Alpaca, ChatFormat::Raw};
  return formats;
}

ChatFormat detect_chat_format(const std::string& chat_template, ChatFormat fallback) {
  if (contains(chat_template, "<|im_start|>")) return ChatFormat::ChatML;
  if (contains(chat_template, "<|start_header_id|>")) return ChatFormat::Llama3;
  if (contains(chat_template, "[INST]"))
    return contains(chat_template, "<<SYS>>") ? ChatFormat::Llama2 : ChatFormat::Mistral;
  if (contains(chat_template, "### Instruction:")) return ChatFormat::Alpaca;
  return fallback;
}

std::string render_chat(ChatFormat format, const std::vector<ChatMessage>& messages, bool add_generation_prompt,
                        const TokenizerConfig& tokens) {
  check_roles(format, messages);
  switch (format) {
    case ChatFormat::ChatML: return render_chatml(messages, add_generation_prompt, tokens);
    case ChatFormat::Llama2: return render_llama2(messages, tokens);
    case ChatFormat::Mistral: return render_mistral(messages, tokens);
    case ChatFormat::Llama3: return render_llama3(messages, add_generation_prompt, tokens);
    case ChatFormat::Alpaca: return render_alpaca(messages, add_generation_prompt);
    case ChatFormat::Raw: {
      std::string out;
      for (const ChatMessage& m : messages) out += m.content;
      return out;
    }
  }
  return "";
}

bool chat_format_adds_special_tokens(ChatFormat format) {
  return format == ChatFormat::Alpaca || format == ChatFormat::Raw;
}

std::string chat_default_system_prompt(ChatFormat format, const TokenizerConfig& tokens) {
  if (format == ChatFormat::ChatML) return chatml_default_system(tokens.chat_template);
  if (format == ChatFormat::Alpaca) return kAlpacaPreamble;
  return "";
}

std::vector<std::string> chat_stop_strings(ChatFormat format, const TokenizerConfig& tokens) {
  std::vector<std::string> stops;
  switch (format) {
    case ChatFormat::ChatML: stops = {"<|im_end|>"}; break;
    case ChatFormat::Llama3: stops = {"<|eot_id|>"}; break;
    case ChatFormat::Llama2:
    case ChatFormat::Mistral: stops = {"</s>"}; break;
    case ChatFormat::Alpaca: stops = {"### Instruction:"}; break;
    case ChatFormat::Raw: break;
  }
  if (!tokens.eos_token.empty() && std::find(stops.begin(), stops.end(), tokens.eos_token) == stops.end())
    stops.push_back(tokens.eos_token);
  return stops;
}

}  // namespace lora
