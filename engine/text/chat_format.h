#pragma once
// Chat prompt formats: how a conversation becomes the text the model sees. Chosen from the
// model's chat_template when it matches a known family, selectable otherwise.
//
// Each family is rendered by hand-written C++ that reproduces its Hugging Face chat_template
// character for character (there is no Jinja interpreter here). Where one family shipped several
// templates, the variant is chosen from the template text in TokenizerConfig::chat_template:
//   chatml  Qwen (1.5/2/2.5/3) and other <|im_start|> models. The default system prompt the template
//           inserts when the conversation has none is read from the template itself
//           ('<|im_start|>system\nLITERAL<|im_end|>': Qwen1.5 "You are a helpful assistant",
//           Qwen2 "You are a helpful assistant.", Qwen2.5 "You are Qwen, created by Alibaba Cloud. You are
//           a helpful assistant."); Qwen3 and templates without such a literal insert none. Qwen3's
//           <think> handling of assistant turns is reproduced when the template has it.
//   llama2  Llama-2-chat: <s>[INST] <<SYS>>\n...\n<</SYS>>\n\n... [/INST] ... </s>
//   mistral Mistral-Instruct: [INST] without a system block; a system message is put before the first
//           user message with "\n\n" (as Mistral's later templates do; v0.1's raised an error instead).
//           Spacing follows the template: " [INST] "/" answer</s>" when it has ' [INST] ' (v0.2+/v0.3,
//           Mixtral), else "[INST] "/"answer</s> " (v0.1 and no template).
//   llama3  Llama 3 / 3.1 / 3.2 Instruct. Templates that write "Cutting Knowledge Date" (3.1+) get their
//           always-present system header with the template's date_string (or today's date where the
//           template uses strftime_now, as transformers does).
//   alpaca  text-generation-webui's Alpaca instruction template: the preamble of FORMATS.md's
//           alpaca-format ("Below is an instruction ...\n\n") unless a system message replaces it,
//           then "### Instruction:\n...\n\n" / "### Response:\n...\n\n", prompt "### Response:\n".
//   raw     the messages' contents concatenated as they are.
// Roles other than system/user/assistant are an error; so are conversations llama2/mistral cannot
// express (a system message after the first, user/assistant not alternating), as their templates raise.
#include <string>
#include <vector>

#include "tokenizer.h"

namespace lora {

enum class ChatFormat { ChatML, Llama2, Mistral, Llama3, Alpaca, Raw };

struct ChatMessage {
  std::string role;  // "system" | "user" | "assistant"
  std::string content;
};

const char* chat_format_name(ChatFormat format);  // "chatml", "llama2", "mistral", "llama3", "alpaca", "raw"
bool parse_chat_format(const std::string& name, ChatFormat* out);
const std::vector<ChatFormat>& all_chat_formats();

// Recognises the family of a Jinja chat_template (ChatML's <|im_start|>, Llama 3's <|start_header_id|>,
// [INST] with or without <<SYS>>, alpaca's "### Instruction:"); falls back to `fallback` when nothing
// matches or there is no template.
ChatFormat detect_chat_format(const std::string& chat_template, ChatFormat fallback = ChatFormat::Alpaca);

// Renders the conversation as text. With add_generation_prompt, ends where the assistant's next answer
// begins. BOS is written as text only where the family's template writes it (the tokenizer adds it otherwise).
// Throws lora::Error for a role the format cannot render.
std::string render_chat(ChatFormat format, const std::vector<ChatMessage>& messages, bool add_generation_prompt,
                        const TokenizerConfig& tokens);

// Whether the rendered text is encoded with the tokenizer's own special tokens (encode's
// add_special_tokens). false for the template families: like transformers' apply_chat_template, their
// text already holds the BOS the template wants. true for alpaca and raw, which are plain text and get
// what tokenizer.encode(text) adds (e.g. Llama's BOS), as in training.
bool chat_format_adds_special_tokens(ChatFormat format);

// The system prompt the template inserts when the conversation has none ("" when it inserts none).
std::string chat_default_system_prompt(ChatFormat format, const TokenizerConfig& tokens);

// Text that ends an assistant turn in this format (used as stop strings in generation):
// the family's end-of-turn marker plus the tokenizer's eos_token.
std::vector<std::string> chat_stop_strings(ChatFormat format, const TokenizerConfig& tokens);

}  // namespace lora
