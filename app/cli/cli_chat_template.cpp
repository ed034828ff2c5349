// lora-studio-cli chat-template: a model's chat template rendered on a conversation, byte for byte as
// transformers' apply_chat_template(messages, tokenize=False, ...) gives it.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "atomic_file.h"
#include "chat_template.h"
#include "cli_command.h"
#include "gguf_model_import.h"
#include "error.h"
#include "tokenizer_config.h"

namespace cli {
namespace {

constexpr const char* kHelp =
    R"(Renders MODEL_DIR's chat template (chat_template.jinja, else tokenizer_config.json's chat_template,
"default" where it holds several) on the conversation in FILE.json, with the variables transformers'
apply_chat_template passes: messages, tools, documents, add_generation_prompt, the tokenizer's special
tokens (bos_token, eos_token, unk_token, pad_token) and the extra variables of --chat-template-kwargs.
The exact text goes to --output or stdout, nothing added. A template that raises an exception
(raise_exception) makes the command fail with the template's message.

FILE.json  a JSON array of messages [{"role": "user", "content": "..."}, ...], or an object
           {"messages": [...], "tools": [...], "documents": [...]}

Options:
  --model DIR                the model folder (or give it as the first argument)
  --messages FILE.json       the conversation (required; - for stdin)
  --add-generation-prompt    end where the assistant's answer begins
  --chat-template-kwargs JSON  extra template variables, e.g. '{"enable_thinking": false}'
  --chat-template NAME       a built-in template instead of the model's: chatml, llama2, mistral, llama3, alpaca, raw
  --output OUT.txt           write the text there (atomically) instead of stdout)";

nlohmann::ordered_json parse_json(const std::string& text, const std::string& source) {
  try {
    return nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    std::string detail = e.what();
    const size_t tag_end = detail.find("] ");
    if (tag_end != std::string::npos) detail = detail.substr(tag_end + 2);
    throw cli::UsageError(source + ": not valid JSON: " + detail);
  }
}

int run_chat_template(const Args& args) {
  args.check_known({"model", "messages", "add-generation-prompt", "chat-template-kwargs", "chat-template", "output"});
  const std::string model_dir = lora::gguf::resolve_model_path(args.model_dir(0));  // a .gguf file too
  const std::string messages_path = args.require("messages");

  std::string text;
  if (messages_path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    text = lora::read_text_file(messages_path);
  }
  const std::string source = messages_path == "-" ? "stdin" : messages_path;
  const nlohmann::ordered_json input = parse_json(text, source);
  nlohmann::ordered_json messages;
  lora::ChatTemplateOptions options;
  if (input.is_array()) {
    messages = input;
  } else if (input.is_object()) {
    if (!input.contains("messages") || !input["messages"].is_array())
      throw cli::UsageError(source + ": field 'messages' must be a list of messages");
    messages = input["messages"];
    for (const char* key : {"tools", "documents"}) {
      if (!input.contains(key) || input[key].is_null()) continue;
      if (!input[key].is_array()) throw cli::UsageError(source + ": field '" + key + "' must be a list or null");
      (std::string(key) == "tools" ? options.tools : options.documents) = input[key];
    }
  } else {
    throw cli::UsageError(source + ": expected a JSON array of messages or an object {\"messages\": [...], ...}");
  }
  for (size_t i = 0; i < messages.size(); ++i)
    if (!messages[i].is_object())
      throw cli::UsageError(source + ": messages[" + std::to_string(i) + "] must be an object with \"role\" and \"content\"");
  options.add_generation_prompt = args.has("add-generation-prompt");
  if (args.has("chat-template-kwargs")) {
    options.extra = parse_json(args.get("chat-template-kwargs"), "option --chat-template-kwargs");
    if (!options.extra.is_object())
      throw cli::UsageError("option --chat-template-kwargs expects a JSON object such as '{\"enable_thinking\": false}'");
  }

  const lora::TokenizerConfigFile config = lora::read_tokenizer_config(model_dir);
  lora::ChatTemplate chat;
  if (args.has("chat-template")) {
    chat = lora::ChatTemplate::builtin(args.get("chat-template"));
  } else if (!lora::ChatTemplate::from_model(config.tokens, &chat)) {
    throw cli::UsageError(model_dir + ": the model has no chat template (no chat_template.jinja, no chat_template in "
                      "tokenizer_config.json); name a built-in one with --chat-template");
  }
  const lora::JinjaRender rendered = chat.render_json(messages, options, config.tokens);
  if (args.has("output")) {
    lora::write_file_atomically(args.get("output"), rendered.text);
  } else {
    std::fwrite(rendered.text.data(), 1, rendered.text.size(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

const CliCommandRegistration registration(
    {"chat-template",
     "chat-template MODEL_DIR --messages FILE.json [--add-generation-prompt] [--chat-template-kwargs JSON] "
     "[--output OUT.txt]",
     kHelp,
     {"add-generation-prompt"},
     run_chat_template,
     {{"template", "chat-template"}, {"kwargs", "chat-template-kwargs"}}});

}  // namespace
}  // namespace cli
