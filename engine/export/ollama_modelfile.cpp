#include "ollama_modelfile.h"

#include <algorithm>

namespace lora::gguf {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Literal text inside a Go template: "{{" would open an action.
std::string go_literal(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "{{") == 0) {
      out += "{{ \"{{\" }}";
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Which known chat format a Jinja template writes, by the markers only that format uses.
std::string chat_format_of(const ChatTemplate& chat) {
  if (chat.is_builtin()) return chat.name();
  const std::string& source = chat.source();
  if (contains(source, "<|im_start|>")) return "chatml";
  if (contains(source, "<|start_header_id|>")) return "llama3";
  if (contains(source, "<start_of_turn>")) return "gemma";
  if (contains(source, "<|user|>") && contains(source, "<|end|>")) return "phi3";
  if (contains(source, "[INST]") && contains(source, "<<SYS>>")) return "llama2";
  if (contains(source, "[INST]")) return "mistral";
  return "";
}

// The system message, when the conversation starts with one, goes into the first user turn (Mistral,
// Llama 2, Gemma): true inside the range for that turn.
constexpr const char* kFirstUserAfterSystem = R"((and (eq $i 1) (eq (index $.Messages 0).Role "system")))";
constexpr const char* kSystemContent = "(index $.Messages 0).Content";

std::string go_template_for(const std::string& format, const TokenizerConfig& tokens) {
  const std::string first_user = kFirstUserAfterSystem, system = kSystemContent;
  if (format == "chatml")
    return "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}<|im_start|>assistant\n";
  if (format == "llama3")
    return "{{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n{{ .Content }}<|eot_id|>{{ end }}"
           "<|start_header_id|>assistant<|end_header_id|>\n\n";
  if (format == "phi3")  // (Phi-3.5's template leaves out an empty system message)
    return "{{- range .Messages }}{{ if or (ne .Role \"system\") .Content }}<|{{ .Role }}|>\n{{ .Content }}<|end|>\n{{ end "
           "}}{{ end }}<|assistant|>\n";
  if (format == "mistral")
    return "{{- range $i, $m := .Messages }}{{ if eq $m.Role \"user\" }} [INST] {{ if " + first_user + " }}{{ " +
           system + " }}\n\n{{ end }}{{ $m.Content }} [/INST]{{ else if eq $m.Role \"assistant\" }} {{ $m.Content }}" +
           go_literal(tokens.eos_token) + "{{ end }}{{ end }}";
  if (format == "llama2")
    // Every user turn after the first starts with BOS (the first one's comes from the tokenizer).
    return "{{- range $i, $m := .Messages }}{{ if eq $m.Role \"user\" }}{{ if ge $i 2 }}" + go_literal(tokens.bos_token) +
           "{{ end }}[INST] {{ if " + first_user + " }}<<SYS>>\n{{ " + system +
           " }}\n<</SYS>>\n\n{{ end }}{{ $m.Content }} [/INST]{{ else if eq $m.Role \"assistant\" }} {{ $m.Content }} " +
           go_literal(tokens.eos_token) + "{{ end }}{{ end }}";
  if (format == "gemma")
    return "{{- range $i, $m := .Messages }}{{ if ne $m.Role \"system\" }}<start_of_turn>{{ if eq $m.Role \"assistant\" "
           "}}model{{ else }}{{ $m.Role }}{{ end }}\n{{ if " +
           first_user + " }}{{ " + system +
           " }}\n\n{{ end }}{{ $m.Content }}<end_of_turn>\n{{ end }}{{ end }}<start_of_turn>model\n";
  if (format == "alpaca")
    return "{{- range .Messages }}{{ if eq .Role \"system\" }}{{ .Content }}\n\n{{ else if eq .Role \"user\" }}### "
           "Instruction:\n{{ .Content }}\n\n{{ else }}### Response:\n{{ .Content }}\n\n{{ end }}{{ end }}### Response:\n";
  if (format == "raw") return "{{- range .Messages }}{{ .Content }}{{ end }}";
  return "";
}

// A webui format file's "instruction,output" template: the system message and "\n\n" first, each user
// message as the template up to %output%, each answer as the rest of it and "\n\n" (chat_prompt.cpp).
std::string go_template_for_format_file(const std::string& instruction_template) {
  const size_t output_at = instruction_template.find("%output%");
  const std::string head = output_at == std::string::npos ? instruction_template : instruction_template.substr(0, output_at);
  const std::string tail = output_at == std::string::npos ? "" : instruction_template.substr(output_at + 8);
  auto with_content = [](const std::string& text, const std::string& placeholder) {
    std::string out;
    size_t from = 0;
    for (size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, from)) {
      out += go_literal(text.substr(from, at - from)) + "{{ $m.Content }}";
      from = at + placeholder.size();
    }
    return out + go_literal(text.substr(from));
  };
  return "{{- range $m := .Messages }}{{ if eq $m.Role \"system\" }}{{ $m.Content }}\n\n{{ else if eq $m.Role \"user\" }}" +
         with_content(head, "%instruction%") + "{{ else if eq $m.Role \"assistant\" }}{{ $m.Content }}" +
         go_literal(tail) + "\n\n{{ end }}{{ end }}";
}

// The system prompt a model's own template writes when the conversation has none (Qwen 2.5's "You are
// Qwen, ..."), for the formats whose system turn is easy to find; "" when it writes none.
std::string default_system_prompt(const std::string& format, const ChatTemplate& chat, const TokenizerConfig& tokens) {
  if (chat.is_builtin() || (format != "chatml" && format != "llama3")) return "";
  std::string rendered;
  try {
    rendered = chat.render({{"user", "LoraStudioProbe"}}, true, tokens);
  } catch (const std::exception&) {
    return "";
  }
  if (!tokens.bos_token.empty() && rendered.rfind(tokens.bos_token, 0) == 0) rendered.erase(0, tokens.bos_token.size());
  const std::string open = format == "chatml" ? "<|im_start|>system\n" : "<|start_header_id|>system<|end_header_id|>\n\n";
  const std::string close = format == "chatml" ? "<|im_end|>" : "<|eot_id|>";
  if (rendered.rfind(open, 0) != 0) return "";
  const size_t end = rendered.find(close, open.size());
  return end == std::string::npos ? "" : rendered.substr(open.size(), end - open.size());
}

std::string instruction_header(const std::string& instruction_template) {
  const size_t at = instruction_template.find("%instruction%");
  if (at == std::string::npos) return "";
  std::string before = instruction_template.substr(0, at);
  while (!before.empty() && (before.back() == '\n' || before.back() == ' ' || before.back() == '\r')) before.pop_back();
  const size_t line = before.rfind('\n');
  std::string header = line == std::string::npos ? before : before.substr(line + 1);
  const size_t begin = header.find_first_not_of(" \t\r\n");
  return begin == std::string::npos ? "" : header.substr(begin, header.find_last_not_of(" \t\r\n") - begin + 1);
}

// A Modelfile string argument: "..." with backslashes and quotes escaped.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// """...""" as Ollama's parser reads it: the text up to the next """ verbatim.
std::string triple_quoted(const std::string& text) {
  std::string safe = text;
  for (size_t at = safe.find("\"\"\""); at != std::string::npos; at = safe.find("\"\"\"", at + 4)) safe.replace(at, 3, "\"\"\\\"");
  return "\"\"\"" + safe + "\"\"\"";
}

}  // namespace

OllamaPromptFormat ollama_prompt_format(const PromptTemplate& prompt, const TokenizerConfig& tokens) {
  OllamaPromptFormat format;
  format.source = prompt.describe();
  if (prompt.is_format_file) {
    format.name = "format-file";
    format.go_template = go_template_for_format_file(prompt.instruction_template);
    const std::string header = instruction_header(prompt.instruction_template);
    if (!header.empty()) format.stops.push_back(header);
    if (!tokens.eos_token.empty() && tokens.eos_token != header) format.stops.push_back(tokens.eos_token);
    return format;
  }
  format.name = chat_format_of(prompt.chat_template);
  format.go_template = go_template_for(format.name, tokens);
  if (format.go_template.empty()) format.name.clear();
  // Alpaca's preamble is what it writes when the conversation has no system message: Ollama's SYSTEM
  // is that message.
  if (format.name == "alpaca")
    format.system = "Below is an instruction that describes a task. Write a response that appropriately completes the request.";
  else if (!format.name.empty())
    format.system = default_system_prompt(format.name, prompt.chat_template, tokens);
  format.stops = prompt.chat_template.stop_strings(tokens);
  return format;
}

std::string ollama_modelfile_text(const std::string& gguf_file, const OllamaPromptFormat& format) {
  std::string text = "# Written by LoRA Studio. Prompt format: " + (format.name.empty() ? std::string("unknown") : format.name) +
                     " (" + format.source + ")\n";
  if (format.name.empty())
    text += "# No TEMPLATE: Ollama chooses one from the GGUF's tokenizer.chat_template.\n";
  text += "FROM " + gguf_file + "\n";
  if (!format.go_template.empty()) text += "TEMPLATE " + triple_quoted(format.go_template) + "\n";
  if (!format.system.empty()) text += "SYSTEM " + triple_quoted(format.system) + "\n";
  for (const std::string& stop : format.stops) text += "PARAMETER stop " + quoted(stop) + "\n";
  return text;
}

}  // namespace lora::gguf
