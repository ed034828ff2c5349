// Chat templates as the app uses them (chat_template.h): every case of
// tests/fixtures/chat_format/rendered.json was rendered by Python's jinja2 from a model's own
// chat_template (tests/reference/render_chat_templates.py), and ChatTemplate must give the same text
// byte for byte. Then what the app builds on a render: the built-in templates, where a model's
// template comes from, the stop strings read from a template, and what a template's refusal says.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <set>

#include "atomic_file.h"
#include "chat_template.h"
#include "error.h"
#include "test_support.h"
#include "tokenizer_config.h"

using lora::ChatMessage;
using lora::ChatTemplate;
using lora::TokenizerConfig;

namespace {

QJsonObject read_json(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) qFatal("cannot open %s", qPrintable(path));
  return QJsonDocument::fromJson(file.readAll()).object();
}

TokenizerConfig npm_tokens(const QString& package) {
  return lora::read_tokenizer_config(test_support::npm_tokenizer_dir(package).toStdString()).tokens;
}

TokenizerConfig tokens_with(const std::string& chat_template, const std::string& bos, const std::string& eos) {
  TokenizerConfig tokens;
  tokens.chat_template = chat_template;
  tokens.bos_token = bos;
  tokens.eos_token = eos;
  return tokens;
}

ChatTemplate model_template(const TokenizerConfig& tokens) {
  ChatTemplate chat;
  if (!ChatTemplate::from_model(tokens, &chat)) qFatal("no chat template");
  return chat;
}

ChatMessage sys(const std::string& text) { return {"system", text}; }
ChatMessage usr(const std::string& text) { return {"user", text}; }
ChatMessage bot(const std::string& text) { return {"assistant", text}; }

void write_file(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
  file.write(bytes);
}

}  // namespace

class TestChatPrompts : public QObject {
  Q_OBJECT

 private slots:
  // Every conversation of the fixture through the real template it was rendered with.
  void model_templates_render_as_jinja2_does() {
    const QJsonObject fixture = read_json(test_support::fixtures_dir() + "/chat_format/rendered.json");
    const QJsonObject templates = fixture.value("templates").toObject();
    int compared = 0, refused = 0;
    for (const QJsonValue& value : fixture.value("cases").toArray()) {
      const QJsonObject c = value.toObject();
      const QString name = c.value("template").toString();
      const QString label = name + "/" + c.value("conversation").toString();
      const QJsonObject spec = templates.value(name).toObject();
      const TokenizerConfig tokens = tokens_with(spec.value("chat_template").toString().toStdString(),
                                                 spec.value("bos_token").toString().toStdString(),
                                                 spec.value("eos_token").toString().toStdString());
      std::vector<ChatMessage> messages;
      for (const QJsonValue& m : c.value("messages").toArray())
        messages.push_back({m.toObject().value("role").toString().toStdString(),
                            m.toObject().value("content").toString().toStdString()});
      const bool add_generation_prompt = c.value("add_generation_prompt").toBool();
      const ChatTemplate chat = model_template(tokens);
      if (c.value("expected").isNull()) {  // the template raises for this conversation
        QVERIFY_EXCEPTION_THROWN(chat.render(messages, add_generation_prompt, tokens), lora::JinjaRaised);
        ++refused;
        continue;
      }
      const std::string rendered = chat.render(messages, add_generation_prompt, tokens);
      const std::string expected = c.value("expected").toString().toStdString();
      QVERIFY2(rendered == expected, qPrintable(label + "\n got:      " + QString::fromStdString(rendered) +
                                                "\n expected: " + QString::fromStdString(expected)));
      ++compared;
    }
    QVERIFY(compared >= 100);
    QVERIFY(refused > 0);
  }

  void builtin_names_and_aliases() {
    QCOMPARE(ChatTemplate::builtin_names(),
             std::vector<std::string>({"chatml", "llama2", "mistral", "llama3", "alpaca", "raw"}));
    for (const std::string& name : ChatTemplate::builtin_names()) {
      const ChatTemplate chat = ChatTemplate::builtin(name);
      QCOMPARE(chat.name(), name);
      QVERIFY(chat.is_builtin());
    }
    QCOMPARE(ChatTemplate::builtin("ChatML").name(), std::string("chatml"));
    QCOMPARE(ChatTemplate::builtin("alpaca-format").name(), std::string("alpaca"));
    QCOMPARE(ChatTemplate::builtin("llama-3").name(), std::string("llama3"));
    try {
      ChatTemplate::builtin("vicuna");
      QFAIL("no error for an unknown template");
    } catch (const lora::Error& e) {
      const std::string message = e.what();
      QVERIFY(message.find("'vicuna'") != std::string::npos);
      QVERIFY(message.find("chatml, llama2, mistral, llama3, alpaca, raw") != std::string::npos);
    }
  }

  void builtin_templates_write_their_formats() {
    const TokenizerConfig none;
    QCOMPARE(ChatTemplate::builtin("chatml").render({sys("Be kind."), usr("Hi"), bot("Hello!"), usr("Bye")}, true, none),
             std::string("<|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                         "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n"
                         "<|im_start|>assistant\n"));
    const TokenizerConfig llama = tokens_with("", "<s>", "</s>");
    // strip() applies to the whole first turn, system block included: the space before "Hi" stays.
    QCOMPARE(ChatTemplate::builtin("llama2").render({sys("Be kind."), usr(" Hi "), bot("Hello! "), usr("Bye")}, true, llama),
             std::string("<s>[INST] <<SYS>>\nBe kind.\n<</SYS>>\n\n Hi [/INST] Hello! </s><s>[INST] Bye [/INST]"));
    QCOMPARE(ChatTemplate::builtin("mistral").render({sys("Be kind."), usr("Hi"), bot("Hello!"), usr("Bye")}, true, llama),
             std::string("<s> [INST] Be kind.\n\nHi [/INST] Hello!</s> [INST] Bye [/INST]"));
    QCOMPARE(ChatTemplate::builtin("llama3").render({sys(" Be kind. "), usr("Hi")}, true, npm_tokens("tokenizer-llama3")),
             std::string("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe kind.<|eot_id|>"
                         "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                         "<|start_header_id|>assistant<|end_header_id|>\n\n"));
    // Single turn: exactly FORMATS.md's alpaca-format "instruction,output" with the output still to come.
    QCOMPARE(ChatTemplate::builtin("alpaca").render({usr("Add 2 and 3.")}, true, none),
             std::string("Below is an instruction that describes a task. Write a response that appropriately "
                         "completes the request.\n\n### Instruction:\nAdd 2 and 3.\n\n### Response:\n"));
    QCOMPARE(ChatTemplate::builtin("raw").render({usr("Once upon a time")}, true, none), std::string("Once upon a time"));
  }

  // raise_exception's message is the error the user sees, as transformers shows it.
  void a_refusal_shows_the_templates_message() {
    const TokenizerConfig llama = tokens_with("", "<s>", "</s>");
    try {
      ChatTemplate::builtin("llama2").render({usr("a"), usr("b")}, true, llama);
      QFAIL("no error for two user turns in a row");
    } catch (const lora::JinjaRaised& e) {
      QCOMPARE(std::string(e.what()), std::string("Conversation roles must alternate user/assistant/user/assistant/..."));
    }
    // Gemma 3's real template refuses a conversation that does not alternate, in its own words.
    const TokenizerConfig gemma = npm_tokens("tokenizer-gemma3");
    try {
      model_template(gemma).render({usr("a"), usr("b")}, true, gemma);
      QFAIL("Gemma 3's template accepted two user turns in a row");
    } catch (const lora::JinjaRaised& e) {
      QVERIFY2(std::string(e.what()).find("alternate") != std::string::npos, e.what());
    }
  }

  void a_broken_template_names_its_line_and_column() {
    try {
      ChatTemplate::from_source("{% for m in messages %}\n{{ m.content }\n{% endfor %}", "model", "my/chat_template.jinja");
      QFAIL("no error for a broken template");
    } catch (const lora::Error& e) {
      QVERIFY2(std::string(e.what()).rfind("my/chat_template.jinja:2:", 0) == 0, e.what());
    }
  }

  // As transformers: chat_template.jinja wins over tokenizer_config.json; a list of named templates
  // gives "default".
  void model_template_comes_from_where_transformers_reads_it() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    write_file(dir.filePath("tokenizer_config.json"),
               R"({"eos_token": "</s>", "chat_template": [{"name": "tool_use", "template": "TOOLS"},
                   {"name": "default", "template": "DEFAULT{{ eos_token }}"}]})");
    TokenizerConfig tokens = lora::read_tokenizer_config(dir.path().toStdString()).tokens;
    ChatTemplate chat = model_template(tokens);
    QCOMPARE(chat.render({usr("x")}, false, tokens), std::string("DEFAULT</s>"));
    QVERIFY(chat.origin().find("tokenizer_config.json") != std::string::npos);
    write_file(dir.filePath("chat_template.jinja"), "FILE{{ messages | length }}");
    tokens = lora::read_tokenizer_config(dir.path().toStdString()).tokens;
    chat = model_template(tokens);
    QCOMPARE(chat.render({usr("x"), bot("y")}, false, tokens), std::string("FILE2"));
    QVERIFY(chat.origin().find("chat_template.jinja") != std::string::npos);
    QVERIFY(!ChatTemplate::from_model(TokenizerConfig{}, &chat));
  }

  // The variables apply_chat_template passes: tools and documents are None unless given, special
  // tokens the tokenizer has, and the caller's extra variables.
  void template_variables_follow_apply_chat_template() {
    const TokenizerConfig tokens = tokens_with("", "<s>", "</s>");
    const ChatTemplate probe = ChatTemplate::from_source(
        "{{ tools is defined }} {{ tools is none }} {{ documents is none }} {{ bos_token }}{{ eos_token }} "
        "{{ unk_token is defined }} {{ add_generation_prompt }} {{ enable_thinking | default('unset') }}",
        "model", "probe");
    QCOMPARE(probe.render({usr("x")}, true, tokens), std::string("True True True <s></s> False True unset"));
    QCOMPARE(probe.render({usr("x")}, false, tokens, {{"enable_thinking", false}}),
             std::string("True True True <s></s> False False False"));
    // Qwen3's switch: thinking off writes an empty <think> block into the generation prompt.
    const TokenizerConfig qwen3 = npm_tokens("tokenizer-qwen3");
    const std::string off = model_template(qwen3).render({usr("Hi")}, true, qwen3, {{"enable_thinking", false}});
    QCOMPARE(off, std::string("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"));
  }

  void special_tokens_follow_apply_chat_template() {
    for (const char* name : {"chatml", "llama2", "mistral", "llama3"}) QVERIFY(!ChatTemplate::builtin(name).adds_special_tokens());
    QVERIFY(ChatTemplate::builtin("alpaca").adds_special_tokens());
    QVERIFY(ChatTemplate::builtin("raw").adds_special_tokens());
    QVERIFY(!model_template(npm_tokens("tokenizer-qwen3")).adds_special_tokens());
  }

  // `lora-studio-cli chat-template` on a model folder gives Python jinja2's text byte for byte: the
  // reference's Qwen3 cases (tool definitions, tool calls and results, thinking on and off) with
  // the real tokenizer_config.json in a model folder.
  void cli_renders_a_models_template_exactly() {
    // nlohmann's ordered_json keeps the key order Python passed (tojson shows it); QJsonObject would sort.
    const nlohmann::ordered_json fixture = nlohmann::ordered_json::parse(
        lora::read_text_file((test_support::fixtures_dir() + "/chat_template/cases.json").toStdString()));
    QTemporaryDir model;
    QVERIFY(model.isValid());
    QVERIFY(QFile::copy(test_support::npm_tokenizer_dir("tokenizer-qwen3") + "/tokenizer_config.json",
                        model.filePath("tokenizer_config.json")));
    const std::set<std::string> passed_by_the_app = {"messages",  "tools",     "documents", "add_generation_prompt",
                                                     "eos_token", "pad_token", "bos_token", "unk_token",
                                                     "additional_special_tokens"};
    int compared = 0;
    for (const auto& c : fixture.at("cases")) {
      if (c.value("template", "") != "npm-qwen3" || !c.contains("expected")) continue;
      const auto& variables = c.at("variables");
      nlohmann::ordered_json input = {{"messages", variables.at("messages")}};
      for (const char* key : {"tools", "documents"})
        if (variables.contains(key) && variables.at(key).is_array()) input[key] = variables.at(key);
      nlohmann::ordered_json kwargs = nlohmann::ordered_json::object();
      for (auto it = variables.begin(); it != variables.end(); ++it)
        if (!passed_by_the_app.count(it.key())) kwargs[it.key()] = it.value();
      write_file(model.filePath("input.json"), QByteArray::fromStdString(input.dump()));
      QStringList args = {"chat-template", model.path(), "--messages", model.filePath("input.json"),
                          "--output", model.filePath("out.txt")};
      if (variables.value("add_generation_prompt", false)) args << "--add-generation-prompt";
      if (!kwargs.empty()) args << "--kwargs" << QString::fromStdString(kwargs.dump());
      const auto result = test_support::run_cli(args);
      const QString name = QString::fromStdString(c.value("name", ""));
      QVERIFY2(result.exit_code == 0, qPrintable(name + ": " + result.err));
      QFile out(model.filePath("out.txt"));
      QVERIFY(out.open(QIODevice::ReadOnly));
      QVERIFY2(out.readAll().toStdString() == c.at("expected").get<std::string>(), qPrintable(name));
      ++compared;
    }
    QVERIFY2(compared >= 10, qPrintable(QString::number(compared)));

    // To stdout, nothing added; a template that refuses the conversation fails with its own message.
    write_file(model.filePath("chat.json"), R"([{"role": "user", "content": "你好 👋"}])");
    const auto shown = test_support::run_cli({"chat-template", model.path(), "--messages", model.filePath("chat.json"),
                                              "--add-generation-prompt"});
    QCOMPARE(shown.exit_code, 0);
    QCOMPARE(shown.out, QByteArray("<|im_start|>user\n你好 👋<|im_end|>\n<|im_start|>assistant\n"));
    QTemporaryDir llama;
    write_file(llama.filePath("tokenizer_config.json"), R"({"bos_token": "<s>", "eos_token": "</s>"})");
    write_file(llama.filePath("twice.json"), R"([{"role": "user", "content": "a"}, {"role": "user", "content": "b"}])");
    const auto raised = test_support::run_cli({"chat-template", llama.path(), "--messages", llama.filePath("twice.json"),
                                               "--template", "llama2"});
    QVERIFY(raised.exit_code != 0);
    QVERIFY2(raised.err.contains("Conversation roles must alternate user/assistant/user/assistant/..."), raised.err);
    QVERIFY(raised.out.isEmpty());
    const auto broken = test_support::run_cli({"chat-template", model.path(), "--messages", model.filePath("missing.json")});
    QVERIFY(broken.exit_code != 0);
    QVERIFY2(broken.err.contains("missing.json"), broken.err);
  }

  // Read from each template: what it writes after an answer, else the next turn's header, then EOS.
  void stop_strings_end_the_turn() {
    using Strings = std::vector<std::string>;
    const TokenizerConfig qwen3 = npm_tokens("tokenizer-qwen3");
    QCOMPARE(model_template(qwen3).stop_strings(qwen3), Strings({"<|im_end|>"}));
    const TokenizerConfig llama3 = npm_tokens("tokenizer-llama3");
    QCOMPARE(ChatTemplate::builtin("llama3").stop_strings(llama3), Strings({"<|eot_id|>", "<|end_of_text|>"}));
    // The Llama 3 base template writes the assistant header even without add_generation_prompt.
    QCOMPARE(model_template(llama3).stop_strings(llama3), Strings({"<|eot_id|>", "<|end_of_text|>"}));
    const TokenizerConfig gemma = npm_tokens("tokenizer-gemma3");
    QCOMPARE(model_template(gemma).stop_strings(gemma), Strings({"<end_of_turn>"}));
    const TokenizerConfig deepseek = npm_tokens("tokenizer-deepseek_v3");
    QCOMPARE(model_template(deepseek).stop_strings(deepseek), Strings({"<｜end▁of▁sentence｜>"}));
    const TokenizerConfig llama = tokens_with("", "<s>", "</s>");
    QCOMPARE(ChatTemplate::builtin("llama2").stop_strings(llama), Strings({"</s>"}));
    QCOMPARE(ChatTemplate::builtin("mistral").stop_strings(llama), Strings({"</s>"}));
    QCOMPARE(ChatTemplate::builtin("alpaca").stop_strings(llama), Strings({"### Instruction:", "</s>"}));
    QCOMPARE(ChatTemplate::builtin("raw").stop_strings(TokenizerConfig{}), Strings());
  }
};

QTEST_GUILESS_MAIN(TestChatPrompts)
#include "test_chat_prompts.moc"
