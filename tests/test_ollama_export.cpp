// `lora-studio-cli export-ollama`: the Modelfile's TEMPLATE, SYSTEM and stop lines reproduce the prompt
// format an adapter was trained with. For each chat format the engine knows (ChatML, Qwen 2.5's own
// template with its default system prompt, Llama 3, Mistral, Llama 2, Gemma 3's and Phi-3.5's own
// templates, Alpaca, raw, a text-generation-webui format file), the Modelfile is parsed back, its Go
// template rendered the way Ollama renders it (.Messages, with SYSTEM as the first message when the
// conversation has none; a small interpreter of the text/template subset below) and compared with what
// the engine's Jinja template renders for the same conversations, less the BOS token llama.cpp adds.
// End to end: the folder holds model.gguf that llama.cpp loads, and --name runs `ollama create`.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <variant>

#include "chat_prompt.h"
#include "chat_template.h"
#include "error.h"
#include "ollama_modelfile.h"
#include "test_support.h"
#include "tokenizer.h"

namespace {

QString q(const std::string& text) { return QString::fromStdString(text); }

struct Message {
  std::string role, content;
};
using Conversation = std::vector<Message>;

// --- A Go text/template interpreter for the subset Ollama templates use here: text, {{- -}} trimming,
// range over .Messages (with $i, $m), if / else if / else, eq / ne / ge / and / or / not / index, fields
// .Role .Content .Messages, $ and variables, string and integer literals, parentheses. ---
struct GoValue {
  enum Kind { kString, kInt, kBool, kMessage, kMessages, kRoot } kind = kString;
  std::string text;
  long number = 0;
  bool flag = false;
  const Message* message = nullptr;
  bool truthy() const {
    switch (kind) {
      case kString: return !text.empty();
      case kInt: return number != 0;
      case kBool: return flag;
      default: return true;
    }
  }
};

class GoTemplate {
 public:
  explicit GoTemplate(const std::string& source) { parse(source); }

  std::string render(const Conversation& messages) const {
    messages_ = &messages;
    std::string out;
    Scope scope;
    run(nodes_, scope, out);
    return out;
  }

 private:
  struct Node {
    enum Kind { kText, kOutput, kIf, kRange } kind = kText;
    std::string text;                        // kText; kOutput / kIf / kRange: the expression
    std::vector<std::string> variables;      // kRange: $i, $m
    std::vector<std::pair<std::string, std::vector<Node>>> branches;  // kIf: (condition, body)...; "" = else
    std::vector<Node> body;                  // kRange
  };
  using Scope = std::map<std::string, GoValue>;

  std::vector<Node> nodes_;
  mutable const Conversation* messages_ = nullptr;

  static std::string trim(const std::string& s) {
    const size_t b = s.find_first_not_of(" \t\r\n");
    return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
  }

  // Splits into text and actions, applying the trim markers.
  void parse(const std::string& source) {
    std::vector<std::pair<bool, std::string>> pieces;  // (is_action, text)
    size_t at = 0;
    while (at < source.size()) {
      const size_t open = source.find("{{", at);
      if (open == std::string::npos) {
        pieces.push_back({false, source.substr(at)});
        break;
      }
      std::string text = source.substr(at, open - at);
      size_t inner = open + 2;
      if (source.compare(inner, 2, "- ") == 0) {
        text.erase(text.find_last_not_of(" \t\r\n") == std::string::npos ? 0 : text.find_last_not_of(" \t\r\n") + 1);
        inner += 1;
      }
      pieces.push_back({false, text});
      size_t close = inner;
      bool in_string = false;
      for (; close + 1 < source.size(); ++close) {
        if (source[close] == '"' && source[close - 1] != '\\') in_string = !in_string;
        if (!in_string && source.compare(close, 2, "}}") == 0) break;
      }
      if (close + 1 >= source.size()) throw std::runtime_error("unclosed action");
      std::string action = source.substr(inner, close - inner);
      at = close + 2;
      if (action.size() >= 2 && action.compare(action.size() - 2, 2, " -") == 0) {
        action.erase(action.size() - 2);
        at = source.find_first_not_of(" \t\r\n", at);
        if (at == std::string::npos) at = source.size();
      }
      pieces.push_back({true, trim(action)});
    }
    size_t index = 0;
    nodes_ = parse_list(pieces, index, nullptr);
  }

  std::vector<Node> parse_list(const std::vector<std::pair<bool, std::string>>& pieces, size_t& index,
                               std::string* terminator) {
    std::vector<Node> nodes;
    while (index < pieces.size()) {
      const auto& [is_action, text] = pieces[index++];
      if (!is_action) {
        if (!text.empty()) nodes.push_back(Node{Node::kText, text, {}, {}, {}});
        continue;
      }
      if (text == "end" || text == "else" || text.rfind("else if ", 0) == 0) {
        if (!terminator) throw std::runtime_error("unexpected " + text);
        *terminator = text;
        return nodes;
      }
      if (text.rfind("if ", 0) == 0) {
        Node node{Node::kIf, "", {}, {}, {}};
        std::string condition = text.substr(3);
        while (true) {
          std::string end;
          std::vector<Node> body = parse_list(pieces, index, &end);
          node.branches.push_back({condition, std::move(body)});
          if (end == "end") break;
          condition = end == "else" ? "" : end.substr(8);
          if (end == "else") {
            std::string last;
            node.branches.push_back({"", parse_list(pieces, index, &last)});
            if (last != "end") throw std::runtime_error("else must end the if");
            break;
          }
        }
        nodes.push_back(std::move(node));
      } else if (text.rfind("range ", 0) == 0) {
        Node node{Node::kRange, "", {}, {}, {}};
        std::string spec = text.substr(6);
        const size_t assign = spec.find(":=");
        if (assign != std::string::npos) {
          std::stringstream names(spec.substr(0, assign));
          std::string name;
          while (std::getline(names, name, ',')) node.variables.push_back(trim(name));
          spec = trim(spec.substr(assign + 2));
        }
        node.text = spec;
        std::string end;
        node.body = parse_list(pieces, index, &end);
        if (end != "end") throw std::runtime_error("range without end");
        nodes.push_back(std::move(node));
      } else {
        nodes.push_back(Node{Node::kOutput, text, {}, {}, {}});
      }
    }
    if (terminator) throw std::runtime_error("missing end");
    return nodes;
  }

  void run(const std::vector<Node>& nodes, Scope& scope, std::string& out) const {
    for (const Node& node : nodes) {
      if (node.kind == Node::kText) {
        out += node.text;
      } else if (node.kind == Node::kOutput) {
        const GoValue value = evaluate(node.text, scope);
        out += value.kind == GoValue::kInt ? std::to_string(value.number) : value.text;
      } else if (node.kind == Node::kIf) {
        for (const auto& [condition, body] : node.branches) {
          if (condition.empty() || evaluate(condition, scope).truthy()) {
            run(body, scope, out);
            break;
          }
        }
      } else {
        if (node.text != ".Messages" && node.text != "$.Messages") throw std::runtime_error("range over " + node.text);
        for (size_t i = 0; i < messages_->size(); ++i) {
          Scope inner = scope;
          GoValue element{GoValue::kMessage, "", 0, false, &(*messages_)[i]};
          if (node.variables.size() == 1) inner["$" + node.variables[0].substr(1)] = element;
          if (node.variables.size() == 2) {
            inner[node.variables[0]] = GoValue{GoValue::kInt, "", static_cast<long>(i)};
            inner[node.variables[1]] = element;
          }
          inner["."] = element;
          run(node.body, inner, out);
        }
      }
    }
  }

  // Tokens of an expression: ( ) "strings" and words.
  static std::vector<std::string> tokens_of(const std::string& text) {
    std::vector<std::string> tokens;
    for (size_t i = 0; i < text.size();) {
      const char c = text[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (c == '(') {
        tokens.push_back("(");
        ++i;
      } else if (c == ')') {
        // A field after a parenthesised command: ").Role" stays one token.
        size_t end = i + 1;
        while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '.')) ++end;
        tokens.push_back(text.substr(i, end - i));
        i = end;
      } else if (c == '"') {
        size_t end = i + 1;
        std::string literal = "\"";
        while (end < text.size() && text[end] != '"') {
          if (text[end] == '\\' && end + 1 < text.size()) ++end;
          literal += text[end++];
        }
        tokens.push_back(literal);
        i = end + 1;
      } else {
        size_t end = i;
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '(' &&
               text[end] != ')')
          ++end;
        tokens.push_back(text.substr(i, end - i));
        i = end;
      }
    }
    return tokens;
  }

  GoValue field(const GoValue& base, const std::string& name) const {
    if (base.kind == GoValue::kRoot && name == "Messages") return GoValue{GoValue::kMessages};
    if (base.kind == GoValue::kMessage && name == "Role") return GoValue{GoValue::kString, base.message->role};
    if (base.kind == GoValue::kMessage && name == "Content") return GoValue{GoValue::kString, base.message->content};
    throw std::runtime_error("no field " + name);
  }

  GoValue operand(const std::string& token, const Scope& scope) const {
    if (token.front() == '"') return GoValue{GoValue::kString, token.substr(1)};
    if (std::isdigit(static_cast<unsigned char>(token.front()))) return GoValue{GoValue::kInt, "", std::stol(token)};
    // ".Role", "$m.Content", "$.Messages", "$i", "."
    std::string head = token, rest;
    const size_t dot = token.find('.', token[0] == '.' ? 0 : 1);
    GoValue value;
    if (token[0] == '.') {
      value = scope.count(".") ? scope.at(".") : GoValue{GoValue::kRoot};
      rest = token.substr(1);
    } else {
      head = dot == std::string::npos ? token : token.substr(0, dot);
      rest = dot == std::string::npos ? "" : token.substr(dot + 1);
      value = head == "$" ? GoValue{GoValue::kRoot} : scope.at(head);
    }
    std::stringstream fields(rest);
    std::string name;
    while (std::getline(fields, name, '.'))
      if (!name.empty()) value = field(value, name);
    return value;
  }

  static bool equal(const GoValue& a, const GoValue& b) {
    if (a.kind == GoValue::kInt && b.kind == GoValue::kInt) return a.number == b.number;
    if (a.kind == GoValue::kString && b.kind == GoValue::kString) return a.text == b.text;
    throw std::runtime_error("eq of different kinds");
  }

  // One command: a function and its arguments, or a single operand.
  GoValue command(const std::vector<std::string>& tokens, size_t& at, const Scope& scope, bool nested) const {
    std::vector<GoValue> args;
    std::string function;
    while (at < tokens.size()) {
      const std::string& token = tokens[at];
      if (token[0] == ')') {
        if (!nested) throw std::runtime_error("unbalanced )");
        break;
      }
      ++at;
      if (token == "(") {
        GoValue inner = command(tokens, at, scope, true);
        const std::string closing = tokens.at(at++);
        std::stringstream fields(closing.substr(1));
        std::string name;
        while (std::getline(fields, name, '.'))
          if (!name.empty()) inner = field(inner, name);
        args.push_back(inner);
      } else if (args.empty() && function.empty() && std::isalpha(static_cast<unsigned char>(token[0]))) {
        function = token;
      } else {
        args.push_back(operand(token, scope));
      }
    }
    if (function.empty()) return args.at(0);
    if (function == "eq") return GoValue{GoValue::kBool, "", 0, equal(args.at(0), args.at(1))};
    if (function == "ne") return GoValue{GoValue::kBool, "", 0, !equal(args.at(0), args.at(1))};
    if (function == "ge") return GoValue{GoValue::kBool, "", 0, args.at(0).number >= args.at(1).number};
    if (function == "not") return GoValue{GoValue::kBool, "", 0, !args.at(0).truthy()};
    if (function == "and") {
      for (const GoValue& arg : args)
        if (!arg.truthy()) return arg;
      return args.back();
    }
    if (function == "or") {
      for (const GoValue& arg : args)
        if (arg.truthy()) return arg;
      return args.back();
    }
    if (function == "index") {
      if (args.at(0).kind != GoValue::kMessages) throw std::runtime_error("index of a non-list");
      return GoValue{GoValue::kMessage, "", 0, false, &messages_->at(static_cast<size_t>(args.at(1).number))};
    }
    throw std::runtime_error("unknown function " + function);
  }

  GoValue evaluate(const std::string& expression, const Scope& scope) const {
    const std::vector<std::string> tokens = tokens_of(expression);
    size_t at = 0;
    GoValue value = command(tokens, at, scope, false);
    if (at != tokens.size()) throw std::runtime_error("trailing tokens in " + expression);
    return value;
  }
};

// The Modelfile read back as Ollama's parser reads these lines.
struct ParsedModelfile {
  std::string from, template_text, system;
  std::vector<std::string> stops;
};

ParsedModelfile parse_modelfile(const std::string& text) {
  ParsedModelfile parsed;
  size_t at = 0;
  auto triple = [&](size_t start) {
    const size_t open = text.find("\"\"\"", start);
    const size_t close = text.find("\"\"\"", open + 3);
    at = close + 3;
    return text.substr(open + 3, close - open - 3);
  };
  while (at < text.size()) {
    const size_t line_end = text.find('\n', at) == std::string::npos ? text.size() : text.find('\n', at);
    const std::string line = text.substr(at, line_end - at);
    if (line.rfind("FROM ", 0) == 0) {
      parsed.from = line.substr(5);
    } else if (line.rfind("TEMPLATE ", 0) == 0) {
      parsed.template_text = triple(at);
      continue;
    } else if (line.rfind("SYSTEM ", 0) == 0) {
      parsed.system = triple(at);
      continue;
    } else if (line.rfind("PARAMETER stop ", 0) == 0) {
      std::string value = line.substr(15);
      std::string unquoted;
      for (size_t i = 1; i + 1 < value.size(); ++i) {
        if (value[i] == '\\') ++i;
        unquoted += value[i];
      }
      parsed.stops.push_back(unquoted);
    }
    at = line_end + 1;
  }
  return parsed;
}

const std::vector<Conversation>& conversations() {
  static const std::vector<Conversation> list = {
      {{"user", "Hi there"}},
      {{"system", "Be brief."}, {"user", "Hi there"}},
      {{"user", "What is 2+2?"}, {"assistant", "4"}, {"user", "And 3+3?"}},
      {{"system", "You answer in French."}, {"user", "Hello"}, {"assistant", "Bonjour !"}, {"user", "Thanks"}},
  };
  return list;
}

std::string fixture_template(const std::string& stem) {
  std::ifstream in(test_support::fixtures_dir().toStdString() + "/chat_template/templates/" + stem + ".jinja");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

class TestOllamaExport : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;

  // Checks one prompt format: its Modelfile renders every conversation as the engine does.
  void expect_same_prompts(const lora::PromptTemplate& prompt, const lora::TokenizerConfig& tokens,
                           const std::string& expected_format, const lora::Tokenizer* tokenizer = nullptr) {
    const lora::gguf::OllamaPromptFormat format = lora::gguf::ollama_prompt_format(prompt, tokens);
    QCOMPARE(q(format.name), q(expected_format));
    const std::string modelfile = lora::gguf::ollama_modelfile_text("./model.gguf", format);
    const ParsedModelfile parsed = parse_modelfile(modelfile);
    QCOMPARE(q(parsed.from), QString("./model.gguf"));
    QVERIFY2(!parsed.template_text.empty(), modelfile.c_str());
    const GoTemplate go(parsed.template_text);
    for (const Conversation& conversation : conversations()) {
      std::vector<lora::ChatMessage> chat;
      for (const Message& m : conversation) chat.push_back({m.role, m.content});
      std::string expected;
      if (prompt.is_format_file) {
        expected = lora::encode_prompt(prompt, *tokenizer, chat).text;
      } else {
        expected = prompt.chat_template.render(chat, true, tokens);
        // llama.cpp adds the BOS token when it tokenizes (the GGUF's add_bos_token).
        if (!tokens.bos_token.empty() && expected.rfind(tokens.bos_token, 0) == 0) expected.erase(0, tokens.bos_token.size());
      }
      // Ollama puts SYSTEM first when the conversation has no system message.
      Conversation for_ollama = conversation;
      if (!parsed.system.empty() && conversation.front().role != "system")
        for_ollama.insert(for_ollama.begin(), Message{"system", parsed.system});
      const std::string rendered = go.render(for_ollama);
      if (rendered != expected)
        QFAIL(qPrintable(QString("%1, conversation of %2 messages:\nOllama: %3\nengine: %4\nModelfile:\n%5")
                             .arg(q(expected_format))
                             .arg(conversation.size())
                             .arg(q(rendered), q(expected), q(modelfile))));
    }
    // Generation stops where the engine's does.
    std::vector<std::string> engine_stops = prompt.is_format_file
                                                ? lora::encode_prompt(prompt, *tokenizer, {{"user", "x"}}).stop_strings
                                                : prompt.chat_template.stop_strings(tokens);
    QCOMPARE(parsed.stops, engine_stops);
    QVERIFY(!parsed.stops.empty());
  }

  static lora::PromptTemplate builtin(const std::string& name) {
    lora::PromptTemplate prompt;
    prompt.chat_template = lora::ChatTemplate::builtin(name);
    prompt.source = "test";
    return prompt;
  }

  static lora::PromptTemplate model_template(const std::string& stem) {
    lora::PromptTemplate prompt;
    prompt.chat_template = lora::ChatTemplate::from_source(fixture_template(stem), "model", stem);
    prompt.source = "test";
    return prompt;
  }

  static lora::TokenizerConfig tokens(const std::string& bos, const std::string& eos) {
    lora::TokenizerConfig config;
    config.bos_token = bos;
    config.eos_token = eos;
    return config;
  }

 private slots:
  void initTestCase() { QVERIFY(tmp_.isValid()); }

  // The interpreter itself, on text/template behaviour documented in Go's package text/template.
  void go_template_subset_follows_go() {
    const Conversation two = {{"user", "a"}, {"assistant", "b"}};
    QCOMPARE(q(GoTemplate("x  {{- range .Messages }}[{{ .Role }}]{{ end -}}  \n y").render(two)), QString("x[user][assistant]y"));
    QCOMPARE(q(GoTemplate("{{ range $i, $m := .Messages }}{{ $i }}{{ $m.Content }}{{ end }}").render(two)), QString("0a1b"));
    QCOMPARE(q(GoTemplate("{{ if eq (index $.Messages 1).Role \"assistant\" }}yes{{ else }}no{{ end }}").render(two)),
             QString("yes"));
    QCOMPARE(q(GoTemplate("{{ \"{{\" }}").render(two)), QString("{{"));
  }

  void chatml_builtin() { expect_same_prompts(builtin("chatml"), tokens("", "<|im_end|>"), "chatml"); }

  // Qwen 2.5's own template writes its default system prompt when there is none: SYSTEM carries it.
  void qwen25_model_template_with_default_system() {
    expect_same_prompts(model_template("npm-qwen2_5"), tokens("", "<|im_end|>"), "chatml");
    const auto format = lora::gguf::ollama_prompt_format(model_template("npm-qwen2_5"), tokens("", "<|im_end|>"));
    QCOMPARE(q(format.system), QString("You are Qwen, created by Alibaba Cloud. You are a helpful assistant."));
  }

  void llama3_builtin() { expect_same_prompts(builtin("llama3"), tokens("<|begin_of_text|>", "<|eot_id|>"), "llama3"); }
  void mistral_builtin() { expect_same_prompts(builtin("mistral"), tokens("<s>", "</s>"), "mistral"); }
  void llama2_builtin() { expect_same_prompts(builtin("llama2"), tokens("<s>", "</s>"), "llama2"); }
  void gemma3_model_template() { expect_same_prompts(model_template("npm-gemma3"), tokens("<bos>", "<eos>"), "gemma"); }
  void phi35_model_template() {
    expect_same_prompts(model_template("microsoft-Phi-3.5-mini-instruct"), tokens("<s>", "<|endoftext|>"), "phi3");
  }
  void alpaca_builtin() { expect_same_prompts(builtin("alpaca"), tokens("<s>", "</s>"), "alpaca"); }
  void raw_builtin() { expect_same_prompts(builtin("raw"), tokens("<s>", "</s>"), "raw"); }

  // A text-generation-webui format file (what training with a dataset format writes in training_prompt.json).
  void format_file() {
    const std::string adapter = (tmp_.path() + "/format-adapter").toStdString();
    QVERIFY(QDir().mkpath(q(adapter)));
    {
      QFile file(q(adapter + "/training_prompt.json"));
      QVERIFY(file.open(QIODevice::WriteOnly));
      // moc cannot read this as a raw string literal: built as JSON instead.
      const QJsonObject format{
          {"instruction,output",
           "Below is an instruction that describes a task. Write a response that appropriately completes the "
           "request.\n\n### Instruction:\n%instruction%\n\n### Response:\n%output%"},
          {"instruction,input,output", "### Instruction:\n%instruction%\n\n### Input:\n%input%\n\n### Response:\n%output%"}};
      file.write(QJsonDocument(QJsonObject{{"format", "alpaca-format"}, {"template", format}}).toJson());
    }
    const auto tokenizer = lora::Tokenizer::load(test_support::npm_tokenizer_dir("tokenizer-qwen2_5").toStdString());
    const lora::PromptTemplate prompt = lora::resolve_prompt_template("", adapter, tokenizer->config());
    QVERIFY(prompt.is_format_file);
    expect_same_prompts(prompt, tokenizer->config(), "format-file", tokenizer.get());
  }

  // A template none of the known formats fits: no TEMPLATE (Ollama falls back to the GGUF's chat template).
  void unknown_template_leaves_template_to_ollama() {
    lora::PromptTemplate prompt;
    prompt.chat_template = lora::ChatTemplate::from_source(
        "{% for m in messages %}<<{{ m['role'] }}>>{{ m['content'] }}{% endfor %}", "model", "custom");
    const auto format = lora::gguf::ollama_prompt_format(prompt, tokens("", "</s>"));
    QVERIFY(format.name.empty());
    const std::string modelfile = lora::gguf::ollama_modelfile_text("./model.gguf", format);
    QVERIFY(modelfile.find("TEMPLATE") == std::string::npos || modelfile.find("No TEMPLATE") != std::string::npos);
    QVERIFY(modelfile.find("\nTEMPLATE ") == std::string::npos);
    QVERIFY(modelfile.find("FROM ./model.gguf\n") != std::string::npos);
  }

  // The whole command: model.gguf that llama.cpp loads, the Modelfile, and `ollama create` run in the folder
  // (a stand-in `ollama` on PATH records how it was called).
  void export_ollama_writes_a_folder_ollama_creates_from() {
    const std::string model = (tmp_.path() + "/qwen").toStdString();
    const auto made = test_support::run_cli({"make-tiny", q(model), "--arch", "qwen2", "--tokenizer",
                                             test_support::npm_tokenizer_dir("tokenizer-qwen2_5")});
    QVERIFY2(made.exit_code == 0, made.err.constData());
    const QString bin = tmp_.path() + "/bin";
    QVERIFY(QDir().mkpath(bin));
    {
      QFile fake(bin + "/ollama");
      QVERIFY(fake.open(QIODevice::WriteOnly));
      fake.write("#!/bin/sh\necho \"$PWD|$*\" > \"$(dirname \"$0\")/called\"\n");
      fake.setPermissions(fake.permissions() | QFileDevice::ExeOwner);
    }
    const QString folder = tmp_.path() + "/ollama-out";
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("PATH", bin + ":" + env.value("PATH"));
    process.setProcessEnvironment(env);
    process.start(test_support::cli_path(), {"export-ollama", "--model", q(model), "--output", folder, "--type", "q8_0",
                                             "--name", "tiny-qwen"});
    QVERIFY(process.waitForFinished(300000));
    const QByteArray err = process.readAllStandardError();
    QVERIFY2(process.exitCode() == 0, err.constData());
    const QJsonObject summary = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
    QCOMPARE(summary.value("prompt_format").toString(), QString("chatml"));
    QCOMPARE(summary.value("ollama_created").toString(), QString("created tiny-qwen"));

    QFile called(bin + "/called");
    QVERIFY(called.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(called.readAll()).trimmed(),
             QDir(folder).canonicalPath() + "|create tiny-qwen -f Modelfile");
    QFile modelfile(folder + "/Modelfile");
    QVERIFY(modelfile.open(QIODevice::ReadOnly));
    const ParsedModelfile parsed = parse_modelfile(modelfile.readAll().toStdString());
    QCOMPARE(q(parsed.from), QString("./model.gguf"));
    QCOMPARE(q(parsed.system), QString("You are Qwen, created by Alibaba Cloud. You are a helpful assistant."));

    // llama.cpp loads the model.gguf it points to.
    QProcess node;
    node.setWorkingDirectory(test_support::reference_dir());
    node.start(QStandardPaths::findExecutable("node"), {test_support::reference_dir() + "/gguf_reference.mjs"});
    QVERIFY(node.waitForStarted());
    node.write(QJsonDocument(QJsonObject{{"gguf", folder + "/model.gguf"},
                                         {"prompt", "Hello"},
                                         {"n_predict", 2},
                                         {"metadata_arrays", "summary"}})
                   .toJson(QJsonDocument::Compact));
    node.closeWriteChannel();
    QVERIFY(node.waitForFinished(300000));
    QVERIFY2(node.exitCode() == 0, node.readAllStandardError().constData());
    const QJsonObject answer = QJsonDocument::fromJson(node.readAllStandardOutput()).object();
    QCOMPARE(answer.value("metadata").toObject().value("architecture").toString(), QString("qwen2"));
    QCOMPARE(answer.value("continuation").toObject().value("tokens").toArray().size(), 2);

    // A second export into the same folder needs --force.
    const auto again = test_support::run_cli({"export-ollama", "--model", q(model), "--output", folder});
    QVERIFY(again.exit_code != 0);
    QVERIFY2(again.err.contains("already exists") && again.err.contains("--force"), again.err.constData());
  }
};

QTEST_GUILESS_MAIN(TestOllamaExport)
#include "test_ollama_export.moc"
