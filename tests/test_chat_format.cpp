// Chat formats against the real templates: every case of tests/fixtures/chat_format/rendered.json was
// rendered by Jinja2 from a model's own chat_template (tests/reference/render_chat_templates.py), and
// render_chat must give the same text character for character. Hand-written cases below spell out the
// shape of each family so a reader sees what the formats look like.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "chat_format.h"
#include "error.h"
#include "test_support.h"

using lora::ChatFormat;
using lora::ChatMessage;
using lora::TokenizerConfig;

namespace {

QJsonObject read_json(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) qFatal("cannot open %s", qPrintable(path));
  return QJsonDocument::fromJson(file.readAll()).object();
}

QString token_text(const QJsonValue& value) {
  return value.isObject() ? value.toObject().value("content").toString() : value.toString();
}

TokenizerConfig npm_tokens(const QString& package) {
  QJsonObject config = read_json(test_support::npm_tokenizer_dir(package) + "/tokenizer_config.json");
  TokenizerConfig tokens;
  tokens.chat_template = config.value("chat_template").toString().toStdString();
  tokens.bos_token = token_text(config.value("bos_token")).toStdString();
  tokens.eos_token = token_text(config.value("eos_token")).toStdString();
  return tokens;
}

TokenizerConfig tokens_with(const std::string& chat_template, const std::string& bos, const std::string& eos) {
  TokenizerConfig tokens;
  tokens.chat_template = chat_template;
  tokens.bos_token = bos;
  tokens.eos_token = eos;
  return tokens;
}

ChatMessage sys(const std::string& text) { return {"system", text}; }
ChatMessage usr(const std::string& text) { return {"user", text}; }
ChatMessage bot(const std::string& text) { return {"assistant", text}; }

const std::string kLlama2Template =
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = "
    "messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif "
    "%}{% for message in loop_messages %}{% if loop.index0 == 0 and system_message != false %}{% set content = "
    "'<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = "
    "message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() "
    "+ ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif "
    "%}{% endfor %}";
const std::string kMistralV01Template =
    "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST] ' + "
    "message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token "
    "+ ' ' }}{% endif %}{% endfor %}";
const std::string kChatMLTemplate =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + "
    "'\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

}  // namespace

class TestChatFormat : public QObject {
  Q_OBJECT

 private slots:
  void names_round_trip() {
    for (ChatFormat format : lora::all_chat_formats()) {
      ChatFormat parsed;
      QVERIFY(lora::parse_chat_format(lora::chat_format_name(format), &parsed));
      QCOMPARE(int(parsed), int(format));
    }
    QCOMPARE(lora::all_chat_formats().size(), size_t(6));
    ChatFormat parsed;
    QVERIFY(lora::parse_chat_format("ChatML", &parsed));
    QCOMPARE(int(parsed), int(ChatFormat::ChatML));
    QVERIFY(lora::parse_chat_format("alpaca-format", &parsed));
    QCOMPARE(int(parsed), int(ChatFormat::Alpaca));
    QVERIFY(!lora::parse_chat_format("vicuna", &parsed));
  }

  void detects_real_templates_of_the_npm_tokenizers() {
    QCOMPARE(int(lora::detect_chat_format(npm_tokens("tokenizer-qwen3").chat_template)), int(ChatFormat::ChatML));
    QCOMPARE(int(lora::detect_chat_format(npm_tokens("tokenizer-llama3").chat_template)), int(ChatFormat::Llama3));
    // The npm Llama 2 tokenizer_config.json has no chat_template: the fallback decides.
    const std::string none = npm_tokens("tokenizer-llama2").chat_template;
    QVERIFY(none.empty());
    QCOMPARE(int(lora::detect_chat_format(none)), int(ChatFormat::Alpaca));
    QCOMPARE(int(lora::detect_chat_format(none, ChatFormat::Raw)), int(ChatFormat::Raw));
  }

  void detects_hand_written_snippets() {
    QCOMPARE(int(lora::detect_chat_format(kLlama2Template)), int(ChatFormat::Llama2));
    QCOMPARE(int(lora::detect_chat_format(kMistralV01Template)), int(ChatFormat::Mistral));
    QCOMPARE(int(lora::detect_chat_format(kChatMLTemplate)), int(ChatFormat::ChatML));
    QCOMPARE(int(lora::detect_chat_format("{{ '### Instruction:\\n' + message['content'] }}")),
             int(ChatFormat::Alpaca));
    // Gemma's turn markers are not a family we render: fall back.
    QCOMPARE(int(lora::detect_chat_format("{{ '<start_of_turn>user\\n' + message['content'] }}", ChatFormat::Raw)),
             int(ChatFormat::Raw));
  }

  // Every conversation of the fixture through every real template it was rendered with.
  void matches_jinja_rendering_of_real_templates() {
    const QJsonObject fixture = read_json(test_support::fixtures_dir() + "/chat_format/rendered.json");
    const QJsonObject templates = fixture.value("templates").toObject();
    const QMap<QString, ChatFormat> family = {
        {"qwen3", ChatFormat::ChatML},      {"qwen2.5", ChatFormat::ChatML},        {"qwen2", ChatFormat::ChatML},
        {"qwen1.5", ChatFormat::ChatML},    {"llama3_base", ChatFormat::Llama3},    {"llama3_instruct", ChatFormat::Llama3},
        {"llama3.1", ChatFormat::Llama3},   {"llama2", ChatFormat::Llama2},         {"mistral_v0.1", ChatFormat::Mistral},
        {"mistral_v0.3", ChatFormat::Mistral}, {"alpaca_webui", ChatFormat::Alpaca}};
    int compared = 0;
    for (const QJsonValue& value : fixture.value("cases").toArray()) {
      const QJsonObject c = value.toObject();
      const QString name = c.value("template").toString();
      const QString label = name + "/" + c.value("conversation").toString();
      const QJsonObject spec = templates.value(name).toObject();
      const TokenizerConfig tokens = tokens_with(spec.value("chat_template").toString().toStdString(),
                                                 spec.value("bos_token").toString().toStdString(),
                                                 spec.value("eos_token").toString().toStdString());
      const ChatFormat format = lora::detect_chat_format(tokens.chat_template, ChatFormat::Raw);
      QVERIFY2(family.contains(name), qPrintable(label));
      QVERIFY2(format == family.value(name), qPrintable("detected " + QString(lora::chat_format_name(format)) +
                                                        " for " + label));
      std::vector<ChatMessage> messages;
      for (const QJsonValue& m : c.value("messages").toArray())
        messages.push_back({m.toObject().value("role").toString().toStdString(),
                            m.toObject().value("content").toString().toStdString()});
      const bool add_generation_prompt = c.value("add_generation_prompt").toBool();

      if (c.value("expected").isNull()) {
        // Mistral v0.1's template refuses a system message; we put it before the first user message,
        // as Mistral's later templates do (checked by hand in mistral_formats). Anything else the
        // template refuses, we refuse too.
        if (name == "mistral_v0.1" && !messages.empty() && messages[0].role == "system") continue;
        bool threw = false;
        try {
          lora::render_chat(format, messages, add_generation_prompt, tokens);
        } catch (const lora::Error&) {
          threw = true;
        }
        QVERIFY2(threw, qPrintable(label + " should be refused as the template refuses it"));
        continue;
      }
      std::string expected = c.value("expected").toString().toStdString();
      // The Llama 3 base template writes the assistant header even without add_generation_prompt;
      // the instruct template (and we) write it only when asked.
      const std::string header = "<|start_header_id|>assistant<|end_header_id|>\n\n";
      if (name == "llama3_base" && !add_generation_prompt) expected.resize(expected.size() - header.size());
      const std::string rendered = lora::render_chat(format, messages, add_generation_prompt, tokens);
      QVERIFY2(rendered == expected, qPrintable(label + "\n got:      " + QString::fromStdString(rendered) +
                                                "\n expected: " + QString::fromStdString(expected)));
      ++compared;
    }
    QVERIFY(compared >= 100);
  }

  void chatml_formats() {
    const TokenizerConfig qwen3 = npm_tokens("tokenizer-qwen3");
    QCOMPARE(lora::render_chat(ChatFormat::ChatML, {usr("Hi")}, true, qwen3),
             std::string("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"));
    QCOMPARE(lora::render_chat(ChatFormat::ChatML, {sys("Be kind."), usr("Hi"), bot("Hello!"), usr("Bye")}, true, qwen3),
             std::string("<|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                         "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n"
                         "<|im_start|>assistant\n"));
    // Qwen2.5 inserts its own system prompt when there is none; a given one replaces it.
    const TokenizerConfig qwen25 = tokens_with(
        "{%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\\n' + messages[0]['content'] + "
        "'<|im_end|>\\n' }}{%- else %}{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a "
        "helpful assistant.<|im_end|>\\n' }}{%- endif %}",
        "", "<|im_end|>");
    QCOMPARE(lora::chat_default_system_prompt(ChatFormat::ChatML, qwen25),
             std::string("You are Qwen, created by Alibaba Cloud. You are a helpful assistant."));
    QCOMPARE(lora::render_chat(ChatFormat::ChatML, {usr("Hi")}, true, qwen25),
             std::string("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful "
                         "assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"));
    QCOMPARE(lora::render_chat(ChatFormat::ChatML, {sys("Mine."), usr("Hi")}, true, qwen25),
             std::string("<|im_start|>system\nMine.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"));
    QCOMPARE(lora::chat_default_system_prompt(ChatFormat::ChatML, qwen3), std::string());
    // ChatML chosen for a model without any template: no system prompt is invented.
    QCOMPARE(lora::render_chat(ChatFormat::ChatML, {usr("Hi")}, false, TokenizerConfig{}),
             std::string("<|im_start|>user\nHi<|im_end|>\n"));
  }

  void llama2_formats() {
    const TokenizerConfig tokens = tokens_with(kLlama2Template, "<s>", "</s>");
    QCOMPARE(lora::render_chat(ChatFormat::Llama2, {usr("Hi")}, true, tokens), std::string("<s>[INST] Hi [/INST]"));
    // strip() applies to the whole first turn, system block included: the space before "Hi" stays.
    QCOMPARE(lora::render_chat(ChatFormat::Llama2, {sys("Be kind."), usr(" Hi "), bot("Hello! "), usr("Bye")}, true,
                               tokens),
             std::string("<s>[INST] <<SYS>>\nBe kind.\n<</SYS>>\n\n Hi [/INST] Hello! </s><s>[INST] Bye [/INST]"));
    // The template raises for these; so do we, with a message naming the problem.
    QVERIFY_EXCEPTION_THROWN(lora::render_chat(ChatFormat::Llama2, {usr("a"), usr("b")}, true, tokens), lora::Error);
    QVERIFY_EXCEPTION_THROWN(lora::render_chat(ChatFormat::Llama2, {usr("a"), bot("b"), sys("c")}, true, tokens),
                             lora::Error);
    QVERIFY_EXCEPTION_THROWN(lora::render_chat(ChatFormat::Llama2, {bot("a")}, true, tokens), lora::Error);
  }

  void mistral_formats() {
    const TokenizerConfig v01 = tokens_with(kMistralV01Template, "<s>", "</s>");
    QCOMPARE(lora::render_chat(ChatFormat::Mistral, {usr("Hi"), bot("Hello!"), usr("Bye")}, true, v01),
             std::string("<s>[INST] Hi [/INST]Hello!</s> [INST] Bye [/INST]"));
    // No <<SYS>> block: the system message goes before the first user message.
    QCOMPARE(lora::render_chat(ChatFormat::Mistral, {sys("Be kind."), usr("Hi"), bot("Hello!"), usr("Bye")}, true, v01),
             std::string("<s>[INST] Be kind.\n\nHi [/INST]Hello!</s> [INST] Bye [/INST]"));
    const TokenizerConfig v03 = tokens_with(
        "{{- bos_token }}{%- for message in loop_messages %}{%- if message['role'] == 'user' %}{{- ' [INST] ' + "
        "message['content'] + ' [/INST]' }}{%- elif message['role'] == 'assistant' %}{{- ' ' + message['content'] + "
        "eos_token}}{%- endif %}{%- endfor %}",
        "<s>", "</s>");
    QCOMPARE(lora::render_chat(ChatFormat::Mistral, {sys("Be kind."), usr("Hi"), bot("Hello!"), usr("Bye")}, true, v03),
             std::string("<s> [INST] Be kind.\n\nHi [/INST] Hello!</s> [INST] Bye [/INST]"));
  }

  void llama3_formats() {
    const TokenizerConfig tokens = npm_tokens("tokenizer-llama3");
    QCOMPARE(lora::render_chat(ChatFormat::Llama3, {sys(" Be kind. "), usr("Hi")}, true, tokens),
             std::string("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe kind.<|eot_id|>"
                         "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                         "<|start_header_id|>assistant<|end_header_id|>\n\n"));
    QCOMPARE(lora::render_chat(ChatFormat::Llama3, {usr("Hi"), bot("Hello!"), usr("Bye")}, true, tokens),
             std::string("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                         "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
                         "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>"
                         "<|start_header_id|>assistant<|end_header_id|>\n\n"));
  }

  void alpaca_formats() {
    // Single turn: exactly FORMATS.md's alpaca-format "instruction,output" with the output still to come.
    QCOMPARE(lora::render_chat(ChatFormat::Alpaca, {usr("Add 2 and 3.")}, true, TokenizerConfig{}),
             std::string("Below is an instruction that describes a task. Write a response that appropriately "
                         "completes the request.\n\n### Instruction:\nAdd 2 and 3.\n\n### Response:\n"));
    QCOMPARE(lora::render_chat(ChatFormat::Alpaca, {sys("You add numbers."), usr("2+3"), bot("5"), usr("1+1")}, true,
                               TokenizerConfig{}),
             std::string("You add numbers.\n\n### Instruction:\n2+3\n\n### Response:\n5\n\n### Instruction:\n1+1\n\n"
                         "### Response:\n"));
  }

  void raw_is_the_text_as_is() {
    QCOMPARE(lora::render_chat(ChatFormat::Raw, {usr("Once upon a time")}, true, npm_tokens("tokenizer-qwen3")),
             std::string("Once upon a time"));
  }

  void unknown_role_is_an_error_naming_it() {
    try {
      lora::render_chat(ChatFormat::ChatML, {{"tool", "42"}}, true, TokenizerConfig{});
      QFAIL("no error for role 'tool'");
    } catch (const lora::Error& e) {
      QVERIFY(std::string(e.what()).find("'tool'") != std::string::npos);
    }
  }

  void special_tokens_follow_apply_chat_template() {
    QVERIFY(!lora::chat_format_adds_special_tokens(ChatFormat::ChatML));
    QVERIFY(!lora::chat_format_adds_special_tokens(ChatFormat::Llama2));
    QVERIFY(!lora::chat_format_adds_special_tokens(ChatFormat::Mistral));
    QVERIFY(!lora::chat_format_adds_special_tokens(ChatFormat::Llama3));
    QVERIFY(lora::chat_format_adds_special_tokens(ChatFormat::Alpaca));
    QVERIFY(lora::chat_format_adds_special_tokens(ChatFormat::Raw));
  }

  void stop_strings_end_the_turn() {
    using Strings = std::vector<std::string>;
    QCOMPARE(lora::chat_stop_strings(ChatFormat::ChatML, npm_tokens("tokenizer-qwen3")), Strings({"<|im_end|>"}));
    QCOMPARE(lora::chat_stop_strings(ChatFormat::Llama3, npm_tokens("tokenizer-llama3")),
             Strings({"<|eot_id|>", "<|end_of_text|>"}));
    QCOMPARE(lora::chat_stop_strings(ChatFormat::Llama2, tokens_with("", "<s>", "</s>")), Strings({"</s>"}));
    QCOMPARE(lora::chat_stop_strings(ChatFormat::Mistral, tokens_with("", "<s>", "</s>")), Strings({"</s>"}));
    QCOMPARE(lora::chat_stop_strings(ChatFormat::Alpaca, tokens_with("", "<s>", "</s>")),
             Strings({"### Instruction:", "</s>"}));
    QCOMPARE(lora::chat_stop_strings(ChatFormat::Raw, TokenizerConfig{}), Strings());
  }
};

QTEST_GUILESS_MAIN(TestChatFormat)
#include "test_chat_format.moc"
