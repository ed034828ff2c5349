#pragma once
// Turns a dataset record into text, with the parts the model is trained to produce marked.
//
// Fields records (alpaca) go through a PromptFormat (see prompt_format.h), or — with the "chat"
// format — through the model's chat format as one user/assistant exchange.
//   "system": where the format has a key using %system%, it is an ordinary field. Otherwise a
//     non-empty system text is written first, followed by a blank line ("\n\n").
//   "history": [[instruction, output], ...] earlier turns, each rendered with the format's
//     "instruction,output" template and followed by a blank line, before the current turn. Their
//     outputs are responses too (trained on), like every assistant turn of a conversation.
//   With "chat": messages = [system] + history pairs as user/assistant + user(instruction, plus
//     "\n\n" + input when there is one) + assistant(output).
// Conversation records are rendered with the chat template (chat_template.h). The assistant turns
// (what is trained) come from the template's {% generation %} blocks where it has them, as
// transformers' return_assistant_tokens_mask does. Otherwise they are found by rendering prefixes:
// turn i starts where render(messages[:i], add_generation_prompt=true) ends and ends where
// render(messages[:i+1]) ends. Where a template renders a turn differently once a later message
// follows it (Qwen3 writes an empty <think> block only into the last turn), the turn ends after the
// template's end-of-turn string (ChatTemplate::stop_strings) instead.
// RawText records render as their text, one response piece (tokenization cuts it into blocks).
#include <map>
#include <string>
#include <vector>

#include "chat_template.h"
#include "dataset_records.h"
#include "prompt_format.h"
#include "tokenizer.h"

namespace lora {

struct RenderSettings {
  PromptFormat prompt_format = PromptFormat::builtin(PromptFormat::kDefaultName);
  bool fields_as_chat = false;             // the "chat" format: alpaca records rendered as a conversation
  ChatTemplate chat_template = ChatTemplate::builtin("chatml");
  TokenizerConfig tokens;                  // special token texts for the chat template
  bool train_on_prompt = false;            // then a conversation without an assistant turn is fine
};

class RecordRenderer {
 public:
  explicit RecordRenderer(RenderSettings settings);

  // The record's text as segments; concatenated they are the full text. Throws lora::Error with the
  // reason alone (the caller adds file and record number): no keyset match, a field the format uses
  // that is not a string, a conversation the chat format rejects or without an assistant turn.
  // `ignored_fields` (optional) receives string fields of a Fields record that the format does not use.
  PromptSegments render(const DatasetRecord& record, std::vector<std::string>* ignored_fields = nullptr) const;

  const RenderSettings& settings() const { return settings_; }
  // Where the chat template ends an assistant turn (ChatTemplate::stop_strings), read once.
  const std::vector<std::string>& chat_stop_strings() const { return chat_stop_strings_; }

 private:
  PromptSegments render_fields(const DatasetRecord& record, std::vector<std::string>* ignored_fields) const;
  PromptSegments render_fields_as_chat(const DatasetRecord& record) const;
  PromptSegments render_conversation(const std::vector<ChatMessage>& messages) const;

  RenderSettings settings_;
  std::vector<std::string> chat_stop_strings_;
};

// Concatenation of the segments' text.
std::string segments_text(const PromptSegments& segments);

}  // namespace lora
