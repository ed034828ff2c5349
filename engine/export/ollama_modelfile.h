#pragma once
// An Ollama Modelfile for an exported GGUF: FROM, and the prompt format the adapter was trained with
// (the one `generate` and the Chat page use, chat_prompt.h) as Ollama's TEMPLATE (Go text/template over
// .Messages), SYSTEM and PARAMETER stop lines.
//
// The chat formats this engine knows are recognised by their markers (the built-in templates, and a
// model's own template: ChatML/Qwen <|im_start|>, Llama 3 <|start_header_id|>, Mistral [INST], Llama 2
// <<SYS>>, Gemma <start_of_turn>, Phi-3 <|user|>/<|end|>) and written as the Go template that renders a
// conversation as the Jinja one does, less the BOS token at the start (llama.cpp adds it when the GGUF's
// add_bos_token says so, as our encode does). A default system prompt a model's own ChatML or Llama 3 template
// writes (Qwen 2.5's "You are Qwen, ...") becomes SYSTEM. Not reproduced: Jinja's trim of message contents (Llama 3,
// Gemma), tools. A text-generation-webui
// format file becomes its "instruction,output" template with .Messages filled in. A template none of
// these fit gets no TEMPLATE line: Ollama then picks one from the GGUF's tokenizer.chat_template.
#include <string>
#include <vector>

#include "chat_prompt.h"

namespace lora::gguf {

struct OllamaPromptFormat {
  // "chatml" | "llama3" | "mistral" | "llama2" | "gemma" | "phi3" | "alpaca" | "raw" | "format-file" | ""
  std::string name;
  std::string go_template;         // "" when name is ""
  std::string system;              // the default SYSTEM ("" = none)
  std::vector<std::string> stops;  // PARAMETER stop values
  std::string source;              // where the prompt format came from (PromptTemplate::source)
};

// `tokens` supplies bos/eos strings (Llama 2's later turns, Mistral's end of answer) and the stops.
OllamaPromptFormat ollama_prompt_format(const PromptTemplate& prompt, const TokenizerConfig& tokens);

// The Modelfile's text. `gguf_file`: FROM's argument, e.g. "./model.gguf".
std::string ollama_modelfile_text(const std::string& gguf_file, const OllamaPromptFormat& format);

}  // namespace lora::gguf
