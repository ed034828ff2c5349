// Training datasets: reading alpaca / format-file / ShareGPT / messages / raw-text records, the labels
// the trainer gets (prompt masked exactly up to the response), cutoff, raw-text blocks, the eval split,
// and bad files that must fail with a message naming the file and the record. Token ids are checked
// against tests/fixtures/datasets/expected-qwen3.json, made by tests/reference/make_dataset_fixtures.py
// with the JavaScript port of Hugging Face tokenizers and Qwen3's real chat template.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <set>

#include "dataset_records.h"
#include "dataset_split.h"
#include "error.h"
#include "prompt_format.h"
#include "test_support.h"
#include "tokenized_dataset.h"
#include "tokenizer.h"

using lora::DatasetOptions;
using lora::TokenizedExample;
using lora::TrainingDataset;

namespace {

QString fixture(const char* name) { return test_support::fixtures_dir() + "/datasets/" + name; }
std::string fixture_path(const char* name) { return fixture(name).toStdString(); }

QJsonObject read_json_object(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) qFatal("cannot open %s", qPrintable(path));
  return QJsonDocument::fromJson(file.readAll()).object();
}

std::vector<int32_t> to_ids(const QJsonValue& value) {
  std::vector<int32_t> ids;
  for (const QJsonValue& v : value.toArray()) ids.push_back(v.toInt());
  return ids;
}

QByteArray read_bytes(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
  return file.readAll();
}

// The ids the loss trains on, in order.
std::vector<int32_t> trained(const TokenizedExample& example) {
  std::vector<int32_t> ids;
  for (int32_t label : example.labels)
    if (label != lora::kIgnoreLabel) ids.push_back(label);
  return ids;
}

size_t masked_prefix(const TokenizedExample& example) {
  size_t n = 0;
  while (n < example.labels.size() && example.labels[n] == lora::kIgnoreLabel) ++n;
  return n;
}

// Runs `body`, which must throw lora::Error (or a subclass); returns the message.
template <typename Body>
QString error_of(Body body) {
  try {
    body();
  } catch (const lora::Error& e) {
    return QString::fromStdString(e.what());
  }
  return QString();
}

}  // namespace

class TestDataset : public QObject {
  Q_OBJECT

  std::unique_ptr<lora::Tokenizer> qwen_;
  QTemporaryDir temp_;
  QJsonObject expected_;

  std::string write_temp(const QString& name, const QByteArray& bytes) {
    const QString path = temp_.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    file.write(bytes);
    return path.toStdString();
  }

  TrainingDataset load(const std::string& path, DatasetOptions options = {}) {
    return TrainingDataset::load(path, *qwen_, options);
  }

 private slots:
  void initTestCase() {
    qwen_ = lora::Tokenizer::load(test_support::npm_tokenizer_dir("tokenizer-qwen3").toStdString());
    QVERIFY(temp_.isValid());
    expected_ = read_json_object(fixture("expected-qwen3.json"));
    QVERIFY(!expected_.isEmpty());
  }

  // --- alpaca and format files ---------------------------------------------------------------

  void alpaca_json_array_and_json_lines() {
    for (const char* name : {"alpaca.json", "alpaca.jsonl"}) {
      const TrainingDataset dataset = load(fixture_path(name));
      QCOMPARE(dataset.size(), size_t(4));
      QCOMPARE(dataset.records_read(), size_t(4));
      QVERIFY(dataset.skipped_records().empty());
      const QJsonArray expected = expected_.value("alpaca").toArray();
      for (size_t i = 0; i < dataset.size(); ++i) {
        const QJsonObject want = expected.at(int(i)).toObject();
        // The text is text-generation-webui's alpaca-format, filled the webui way.
        QCOMPARE(QString::fromStdString(dataset.text(i)), want.value("text").toString());
        const std::vector<TokenizedExample> examples = dataset.tokenize(i);
        QCOMPARE(examples.size(), size_t(1));
        QCOMPARE(examples[0].input_ids, to_ids(want.value("input_ids")));
        QCOMPARE(examples[0].labels, to_ids(want.value("labels")));
        QCOMPARE(examples[0].record_number, i + 1);
        QVERIFY(!examples[0].truncated());
      }
      // JSON Lines: a blank line does not count as a record; numbers and lines are the file's.
      QCOMPARE(dataset.record(2).number, size_t(3));
      QCOMPARE(dataset.record(2).line, std::string(name) == "alpaca.jsonl" ? size_t(4) : size_t(11));
    }
    // An empty "input" counts as absent: record 3 uses the template without ### Input.
    const TrainingDataset dataset = load(fixture_path("alpaca.json"));
    QVERIFY(dataset.text(2).find("### Input:") == std::string::npos);
    QVERIFY(dataset.text(1).find("### Input:\nGood morning\n\n### Response:\n早上好") != std::string::npos);
  }

  void format_file_key_matching() {
    DatasetOptions options;
    options.format = fixture_path("user-format.json");
    options.skip_bad_records = true;
    const TrainingDataset dataset = load(fixture_path("user-format-data.jsonl"), options);
    QCOMPARE(dataset.format_description(), std::string("user-format"));
    QCOMPARE(dataset.size(), size_t(3));
    // Key "output,question" matches {question, output}: the order of names in a key does not matter;
    // "id" (a number) and "category" (not in any key) are ignored, and the ignoring is reported.
    QCOMPARE(dataset.text(0), std::string("Q: Is the sky blue?\nA: Yes, on a clear day."));
    QCOMPARE(dataset.ignored_fields().size(), size_t(1));
    QCOMPARE(dataset.ignored_fields().at("category"), size_t(1));
    // "context, question, output" (with spaces) matches the three-field record.
    QCOMPARE(dataset.text(1), std::string("Context: Tom has 3 apples.\nQ: How many apples does Tom have?\nA: Tom has 3 apples."));
    // A literal "100%" stays; a value containing "%answer%" is not substituted again.
    QCOMPARE(dataset.text(2), std::string("100% honest question: What does %answer% stand for?\nAnswer: Literal text."));
    // Without %output% the template's last placeholder (%answer%) is the response.
    const lora::PromptSegments segments = dataset.render(2);
    QCOMPARE(segments.size(), size_t(2));
    QCOMPARE(segments[1].text, std::string("Literal text."));
    QVERIFY(segments[1].is_response);
    // The record without a keyset match is listed, not silently dropped.
    QCOMPARE(dataset.skipped_records().size(), size_t(1));
    QCOMPARE(dataset.skipped_records()[0].number, size_t(4));
    // {"question"} alone: the closest template is "output,question" (the first of two at the same distance).
    QCOMPARE(dataset.skipped_records()[0].reason.english(),
             "field \"output\" is missing or empty (format '" + dataset.format_description() +
                 "' needs the fields output, question)");

    // The format file is written back in text-generation-webui's layout for training_prompt.json.
    const QJsonObject prompt = QJsonDocument::fromJson(QByteArray::fromStdString(dataset.training_prompt_json())).object();
    QCOMPARE(prompt.value("template_type").toString(), QString("dataset"));
    QCOMPARE(prompt.value("template_0").toString(), QString("Q: %question%\nA: %output%"));
  }

  void no_keyset_match_is_an_error_naming_the_record() {
    const std::string data = write_temp("nokey.jsonl",
                                        "{\"instruction\": \"a\", \"output\": \"b\"}\n"
                                        "{\"instruction\": \"Only an instruction\"}\n"
                                        "{\"instruction\": \"c\", \"output\": \"   \"}\n");
    try {
      load(data);
      QFAIL("a record without a keyset match must stop loading");
    } catch (const lora::DatasetError& e) {
      const QString message = e.what();
      QVERIFY2(message.contains(QString::fromStdString(data)), qPrintable(message));
      QVERIFY2(message.contains("2 of 3 records"), qPrintable(message));
      // It names the field to add, and what the format needs.
      QVERIFY2(message.contains("record 2 (line 2): field \"output\" is missing or empty (format 'alpaca-format' "
                                "needs the fields instruction, output)"),
               qPrintable(message));
      QVERIFY2(message.contains("record 3 (line 3)"), qPrintable(message));  // whitespace-only output is empty
      QVERIFY2(message.contains("--skip-bad-records"), qPrintable(message));
      QCOMPARE(e.errors().size(), size_t(2));
      QCOMPARE(e.errors()[0].number, size_t(2));
    }
  }

  void alpaca_system_and_history() {
    const std::string data = write_temp(
        "history.json",
        R"([{"system": "You answer in one word.", "history": [["First question?", "First."]],
             "instruction": "Second question?", "output": "Second."}])");
    const TrainingDataset dataset = load(data);
    const std::string preamble =
        "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n";
    QCOMPARE(dataset.text(0), "You answer in one word.\n\n" + preamble + "### Instruction:\nFirst question?\n\n### Response:\nFirst.\n\n" +
                                  preamble + "### Instruction:\nSecond question?\n\n### Response:\nSecond.");
    // Both answers are trained, nothing else (plus the EOS).
    const TokenizedExample example = dataset.tokenize(0)[0];
    QCOMPARE(QString::fromStdString(qwen_->decode(trained(example))), QString("First.Second.<|im_end|>"));
  }

  // --- labels --------------------------------------------------------------------------------

  void labels_mask_exactly_the_prompt() {
    const TrainingDataset dataset = load(fixture_path("alpaca.json"));
    for (size_t i = 0; i < dataset.size(); ++i) {
      const lora::PromptSegments segments = dataset.render(i);
      QCOMPARE(segments.size(), size_t(2));
      const TokenizedExample example = dataset.tokenize(i)[0];
      // The masked part is exactly the prompt's own tokens (what inference feeds), the rest is trained.
      const std::vector<int32_t> prompt_ids = qwen_->encode(segments[0].text, false);
      QCOMPARE(masked_prefix(example), prompt_ids.size());
      QVERIFY(std::equal(prompt_ids.begin(), prompt_ids.end(), example.input_ids.begin()));
      for (size_t t = prompt_ids.size(); t < example.labels.size(); ++t) QCOMPARE(example.labels[t], example.input_ids[t]);
      QCOMPARE(qwen_->decode(trained(example)), segments[1].text + "<|im_end|>");
      QCOMPARE(example.target_tokens, int64_t(example.input_ids.size() - prompt_ids.size()));
    }
  }

  void train_on_prompt_and_eos_options() {
    DatasetOptions options;
    options.train_on_prompt = true;
    const TrainingDataset all = load(fixture_path("alpaca.json"), options);
    const TokenizedExample example = all.tokenize(0)[0];
    QCOMPARE(example.labels, example.input_ids);
    QCOMPARE(example.input_ids.back(), qwen_->config().eos_id);

    options = DatasetOptions();
    options.add_eos = false;
    const TrainingDataset no_eos = load(fixture_path("alpaca.json"), options);
    const TokenizedExample plain = no_eos.tokenize(0)[0];
    const std::vector<int32_t> full = to_ids(expected_.value("alpaca").toArray().at(0).toObject().value("input_ids"));
    QCOMPARE(plain.input_ids, std::vector<int32_t>(full.begin(), full.end() - 1));
    QVERIFY(plain.input_ids.back() != qwen_->config().eos_id);
  }

  // "Answer: " + "Literal": Qwen's pre-tokenizer would merge the space into " Literal", a token that
  // straddles the boundary. The prompt is then encoded alone (as inference sees it) and the response
  // after it, so the mask still covers exactly the prompt's tokens.
  void prompt_boundary_inside_a_token() {
    DatasetOptions options;
    options.format = fixture_path("user-format.json");
    options.skip_bad_records = true;
    const TrainingDataset dataset = load(fixture_path("user-format-data.jsonl"), options);
    const lora::PromptSegments segments = dataset.render(2);
    const std::string prompt = segments[0].text;
    QVERIFY(prompt.back() == ' ');
    const std::vector<int32_t> prompt_ids = qwen_->encode(prompt, false);
    const std::vector<int32_t> full_ids = qwen_->encode(prompt + segments[1].text, false);
    QVERIFY2(!std::equal(prompt_ids.begin(), prompt_ids.end(), full_ids.begin()), "the fixture must straddle");
    const TokenizedExample example = dataset.tokenize(2)[0];
    QCOMPARE(masked_prefix(example), prompt_ids.size());
    QVERIFY(std::equal(prompt_ids.begin(), prompt_ids.end(), example.input_ids.begin()));
    QCOMPARE(qwen_->decode(example.input_ids), prompt + "Literal text.<|im_end|>");
    QCOMPARE(qwen_->decode(trained(example)), std::string("Literal text.<|im_end|>"));
  }

  // A tokenizer that adds BOS (Llama 2: TemplateProcessing "<s> $A"): one BOS in front, never trained,
  // and not doubled when the chat format writes "<s>" itself.
  void bos_is_added_once() {
    const std::unique_ptr<lora::Tokenizer> llama2 =
        lora::Tokenizer::load(test_support::npm_tokenizer_dir("tokenizer-llama2").toStdString());
    const int32_t bos = llama2->config().bos_id;
    QVERIFY(bos >= 0);
    const TrainingDataset alpaca = TrainingDataset::load(fixture_path("alpaca.json"), *llama2, {});
    const TokenizedExample example = alpaca.tokenize(0)[0];
    QCOMPARE(example.input_ids.front(), bos);
    QCOMPARE(example.labels.front(), lora::kIgnoreLabel);
    QVERIFY(example.input_ids[1] != bos);
    QCOMPARE(example.input_ids.back(), llama2->config().eos_id);

    DatasetOptions options;
    options.chat_template = "llama2";
    const TrainingDataset chat = TrainingDataset::load(fixture_path("messages.jsonl"), *llama2, options);
    const TokenizedExample turn = chat.tokenize(0)[0];
    QCOMPARE(turn.input_ids.front(), bos);
    QVERIFY(turn.input_ids[1] != bos);
    // Llama 2's template ends the answer with " </s>": no second EOS is appended.
    QCOMPARE(std::count(turn.input_ids.begin(), turn.input_ids.end(), llama2->config().eos_id), std::ptrdiff_t(1));
    const std::vector<int32_t> answer = trained(turn);
    QCOMPARE(llama2->id_to_token(answer.front()), std::string("\xE2\x96\x81" "Blue"));  // "▁Blue"
    QCOMPARE(answer.back(), llama2->config().eos_id);
    QCOMPARE(masked_prefix(turn), llama2->encode("<s>[INST] Name a colour. [/INST]", false).size());
  }

  // --- cutoff --------------------------------------------------------------------------------

  void cutoff_truncates_or_drops() {
    const std::vector<int32_t> full = to_ids(expected_.value("alpaca").toArray().at(0).toObject().value("input_ids"));
    const int64_t length = int64_t(full.size());  // 39 tokens, 8 of them response + EOS

    DatasetOptions options;
    options.cutoff_len = length - 3;
    const TrainingDataset truncating = load(fixture_path("alpaca.json"), options);
    TokenizedExample example = truncating.tokenize(0)[0];
    QVERIFY(example.truncated());
    QVERIFY(example.kept());
    QCOMPARE(example.full_length, length);
    QCOMPARE(int64_t(example.input_ids.size()), length - 3);
    QCOMPARE(example.input_ids, std::vector<int32_t>(full.begin(), full.end() - 3));  // cut at the end; no EOS
    QCOMPARE(example.labels.size(), example.input_ids.size());

    options.drop_long = true;
    const TrainingDataset dropping = load(fixture_path("alpaca.json"), options);
    example = dropping.tokenize(0)[0];
    QCOMPARE(example.fate, lora::ExampleFate::DroppedTooLong);
    QVERIFY(example.input_ids.empty());
    const lora::TokenizedSet set = dropping.tokenize_all();
    QCOMPARE(set.stats.dropped_too_long + set.stats.examples, size_t(4));
    QCOMPARE(set.dropped.size(), set.stats.dropped_too_long);
    QVERIFY(set.stats.dropped_too_long >= 1);
    for (const auto& kept : set.examples) QVERIFY(int64_t(kept.input_ids.size()) <= options.cutoff_len);

    // A prompt longer than the cutoff leaves nothing to train on: dropped and counted, not kept.
    options = DatasetOptions();
    options.cutoff_len = 10;
    const lora::TokenizedSet tiny = load(fixture_path("alpaca.json"), options).tokenize_all();
    QCOMPARE(tiny.examples.size(), size_t(0));
    QCOMPARE(tiny.stats.dropped_no_targets, size_t(4));
    QCOMPARE(tiny.stats.lengths.max, int64_t(54));  // lengths before the cutoff
  }

  void length_percentiles_are_nearest_rank() {
    std::vector<int64_t> lengths;
    for (int64_t n = 1; n <= 100; ++n) lengths.push_back(n);
    const lora::LengthPercentiles p = lora::length_percentiles(lengths);
    QCOMPARE(p.p50, int64_t(50));
    QCOMPARE(p.p90, int64_t(90));
    QCOMPARE(p.p99, int64_t(99));
    QCOMPARE(p.max, int64_t(100));
    const lora::LengthPercentiles one = lora::length_percentiles({7});
    QCOMPARE(one.p50, int64_t(7));
    QCOMPARE(one.p99, int64_t(7));
  }

  // --- raw text ------------------------------------------------------------------------------

  void raw_text_blocks_overlap() {
    DatasetOptions options;
    options.cutoff_len = 16;
    options.raw_text_overlap = 4;
    const TrainingDataset dataset = load(fixture_path("raw.txt"), options);
    QCOMPARE(dataset.layout(), lora::DatasetLayout::Text);
    QCOMPARE(dataset.size(), size_t(2));  // two parts, split at the hard cut "\n\n\n"
    QCOMPARE(dataset.record(1).line, size_t(4));
    for (size_t r = 0; r < dataset.size(); ++r) {
      std::vector<int32_t> stream = qwen_->encode(dataset.record(r).text, false);
      stream.push_back(qwen_->config().eos_id);
      const std::vector<TokenizedExample> blocks = dataset.tokenize(r);
      QVERIFY(blocks.size() >= 2);
      std::vector<int32_t> targets;  // every token is a target in exactly one block
      for (size_t b = 0; b < blocks.size(); ++b) {
        const TokenizedExample& block = blocks[b];
        QCOMPARE(block.block, b);
        QVERIFY(!block.truncated());
        QVERIFY(block.input_ids.size() <= 16);
        const size_t start = b * 12;  // stride = cutoff - overlap
        QVERIFY(std::equal(block.input_ids.begin(), block.input_ids.end(), stream.begin() + std::ptrdiff_t(start)));
        for (size_t t = 0; t < block.labels.size(); ++t) {
          if (b > 0 && t < 4)
            QCOMPARE(block.labels[t], lora::kIgnoreLabel);  // overlap: context only
          else
            QCOMPARE(block.labels[t], block.input_ids[t]);
        }
        const std::vector<int32_t> block_targets = trained(block);
        targets.insert(targets.end(), block_targets.begin(), block_targets.end());
      }
      QCOMPARE(targets, stream);
      QCOMPARE(blocks.back().input_ids.back(), qwen_->config().eos_id);
    }
    // {"text": ...} records in JSON Lines are raw text too.
    const std::string jsonl = write_temp("raw.jsonl", "{\"text\": \"One short document about LoRA adapters.\"}\n");
    const TrainingDataset from_json = load(jsonl, options);
    QCOMPARE(from_json.record(0).kind, lora::RecordKind::RawText);
    QCOMPARE(from_json.tokenize(0).size(), size_t(1));

    options.raw_text_overlap = 16;
    QVERIFY(error_of([&] { load(fixture_path("raw.txt"), options); }).contains("overlap"));
  }

  // --- conversations -------------------------------------------------------------------------

  void sharegpt_assistant_only_labels() {
    const TrainingDataset dataset = load(fixture_path("sharegpt.json"));
    QCOMPARE(dataset.chat_template().name(), std::string("model"));  // Qwen3's own chat_template
    const QJsonArray expected = expected_.value("sharegpt").toArray();
    QCOMPARE(dataset.size(), size_t(expected.size()));
    for (size_t i = 0; i < dataset.size(); ++i) {
      const QJsonObject want = expected.at(int(i)).toObject();
      QCOMPARE(QString::fromStdString(dataset.text(i)), want.value("text").toString());
      const TokenizedExample example = dataset.tokenize(i)[0];
      QCOMPARE(example.input_ids, to_ids(want.value("input_ids")));  // no EOS after <|im_end|>
      QCOMPARE(example.labels, to_ids(want.value("labels")));
    }
    // Qwen3 writes an empty <think> block only into the last assistant turn; the earlier turn ends at
    // its own <|im_end|>\n in the whole conversation.
    QCOMPARE(qwen_->decode(trained(dataset.tokenize(0)[0])),
             std::string("2 plus 2 is 4.<|im_end|>\n<think>\n\n</think>\n\n4 times 3 is 12.<|im_end|>\n"));
  }

  // A template with {% generation %} blocks decides what is trained, as transformers'
  // return_assistant_tokens_mask does: here only the answer itself, not the <|im_end|> after it
  // (rendering prefixes would have trained that too). Then TRL's real Qwen3 training template.
  void generation_blocks_mark_the_trained_text() {
    const QString dir = temp_.filePath("generation-model");
    QVERIFY(QDir().mkpath(dir));
    const QString npm = test_support::npm_tokenizer_dir("tokenizer-qwen3");
    QVERIFY(QFile::copy(npm + "/tokenizer.json", dir + "/tokenizer.json"));
    QVERIFY(QFile::copy(npm + "/tokenizer_config.json", dir + "/tokenizer_config.json"));
    auto use_template = [&](const QByteArray& text) {
      QFile::remove(dir + "/chat_template.jinja");
      write_temp("generation-model/chat_template.jinja", text);
      return lora::Tokenizer::load(dir.toStdString());
    };
    DatasetOptions options;
    options.chat_template = "model";
    auto tokenizer = use_template(
        "{% for m in messages %}<|im_start|>{{ m.role }}\n{% if m.role == 'assistant' %}{% generation %}"
        "{{ m.content }}{% endgeneration %}{% else %}{{ m.content }}{% endif %}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}");
    const TrainingDataset answers_only = TrainingDataset::load(fixture_path("messages.jsonl"), *tokenizer, options);
    const TokenizedExample water = answers_only.tokenize(1)[0];
    QCOMPARE(tokenizer->decode(trained(water)), std::string("Water."));
    QCOMPARE(tokenizer->decode(water.input_ids),
             std::string("<|im_start|>system\nAnswer briefly.<|im_end|>\n<|im_start|>user\nWhat is H2O?<|im_end|>\n"
                         "<|im_start|>assistant\nWater.<|im_end|>\n"));

    tokenizer = use_template(read_bytes(test_support::fixtures_dir() + "/chat_template/templates/trl-qwen3_training.jinja"));
    const TrainingDataset trl = TrainingDataset::load(fixture_path("sharegpt.json"), *tokenizer, options);
    QCOMPARE(tokenizer->decode(trained(trl.tokenize(0)[0])),
             std::string("<think>\n\n</think>\n\n2 plus 2 is 4.<|im_end|>\n<think>\n\n</think>\n\n4 times 3 is 12.<|im_end|>\n"));
  }

  void messages_assistant_only_labels() {
    DatasetOptions options;
    options.chat_template = "model";  // Qwen3's own template, as transformers renders it
    const TrainingDataset dataset = load(fixture_path("messages.jsonl"), options);
    QCOMPARE(dataset.size(), size_t(2));
    // Content given as a list of text parts is joined.
    QCOMPARE(dataset.record(1).messages[1].content, std::string("What is H2O?"));
    QCOMPARE(dataset.record(1).messages[0].role, std::string("system"));
    const TokenizedExample example = dataset.tokenize(1)[0];
    const std::string trained_text = qwen_->decode(trained(example));
    QCOMPARE(trained_text, std::string("<think>\n\n</think>\n\nWater.<|im_end|>\n"));
    // Everything before the assistant's turn is masked: its tokens are the generation prompt's.
    const std::string before = "<|im_start|>system\nAnswer briefly.<|im_end|>\n<|im_start|>user\nWhat is H2O?<|im_end|>\n<|im_start|>assistant\n";
    QCOMPARE(masked_prefix(example), qwen_->encode(before, false).size());

    // The built-in ChatML writes no <think> block: the answer alone is trained.
    options.chat_template = "chatml";
    const TokenizedExample plain = load(fixture_path("messages.jsonl"), options).tokenize(1)[0];
    QCOMPARE(qwen_->decode(trained(plain)), std::string("Water.<|im_end|>\n"));
    QCOMPARE(masked_prefix(plain), qwen_->encode(before, false).size());

    options.train_on_prompt = true;
    const TokenizedExample everything = load(fixture_path("messages.jsonl"), options).tokenize(1)[0];
    QCOMPARE(everything.labels, everything.input_ids);
  }

  void alpaca_records_as_chat() {
    DatasetOptions options;
    options.format = "chat";
    const TrainingDataset dataset = load(fixture_path("alpaca.json"), options);
    QCOMPARE(dataset.format_description(), std::string("chat (model)"));  // Qwen3's own template
    QCOMPARE(dataset.text(1), std::string("<|im_start|>user\nTranslate this into Chinese.\n\nGood morning<|im_end|>\n"
                                          "<|im_start|>assistant\n<think>\n\n</think>\n\n早上好<|im_end|>\n"));
    QCOMPARE(qwen_->decode(trained(dataset.tokenize(1)[0])), std::string("<think>\n\n</think>\n\n早上好<|im_end|>\n"));
  }

  void conversation_problems_are_record_errors() {
    const std::string data = write_temp("conv.jsonl",
                                        "{\"conversations\": [{\"from\": \"human\", \"value\": \"hi\"}, {\"from\": \"gpt\", \"value\": \"hello\"}]}\n"
                                        "{\"conversations\": []}\n"
                                        "{\"conversations\": [{\"from\": \"human\", \"value\": \"no answer\"}]}\n"
                                        "{\"conversations\": [{\"from\": \"robot\", \"value\": \"x\"}]}\n"
                                        "{\"messages\": [{\"role\": \"user\", \"content\": 5}]}\n");
    DatasetOptions options;
    options.skip_bad_records = true;
    const TrainingDataset dataset = load(data, options);
    QCOMPARE(dataset.size(), size_t(1));
    const auto& errors = dataset.skipped_records();
    QCOMPARE(errors.size(), size_t(4));
    QVERIFY(errors[0].reason.english().find("empty conversation") != std::string::npos);
    QVERIFY(errors[1].reason.english().find("no assistant turn") != std::string::npos);
    QVERIFY(errors[2].reason.english().find("conversations[0] is from \"robot\"") != std::string::npos);
    QVERIFY(errors[3].reason.english().find("messages[0].content is a number") != std::string::npos);
  }

  // --- eval split ----------------------------------------------------------------------------

  void eval_split_is_seeded() {
    const lora::DatasetSplit a = lora::split_train_eval(100, 0.1, 42);
    const lora::DatasetSplit b = lora::split_train_eval(100, 0.1, 42);
    QCOMPARE(a.eval.size(), size_t(10));
    QCOMPARE(a.train.size(), size_t(90));
    QCOMPARE(a.eval, b.eval);
    QCOMPARE(a.train, b.train);
    std::set<size_t> all(a.train.begin(), a.train.end());
    all.insert(a.eval.begin(), a.eval.end());
    QCOMPARE(all.size(), size_t(100));
    QVERIFY(std::is_sorted(a.eval.begin(), a.eval.end()));
    QVERIFY(lora::split_train_eval(100, 0.1, 43).eval != a.eval);
    // The same on every machine: the generator is our own, not the standard library's.
    QCOMPARE(lora::split_train_eval(10, 0.2, 7).eval, lora::split_train_eval(10, 0.2, 7).eval);
    QCOMPARE(lora::split_train_eval(5, 0.01, 1).eval.size(), size_t(1));   // at least one
    QCOMPARE(lora::split_train_eval(5, 0.99, 1).train.size(), size_t(1));  // at least one left to train
    QCOMPARE(lora::split_train_eval(5, 0.0, 1).train.size(), size_t(5));
    QVERIFY(error_of([] { lora::split_train_eval(1, 0.5, 1); }).contains("at least 2 records"));
    QVERIFY(!error_of([] { lora::split_train_eval(10, 1.0, 1); }).isEmpty());

    // The split's lists feed tokenize_records.
    const TrainingDataset dataset = load(fixture_path("alpaca.json"));
    const lora::DatasetSplit split = lora::split_train_eval(dataset.size(), 0.25, 42);
    const lora::TokenizedSet eval = dataset.tokenize_records(split.eval);
    QCOMPARE(eval.examples.size(), size_t(1));
    QCOMPARE(eval.examples[0].record, split.eval[0]);
  }

  // --- bad datasets --------------------------------------------------------------------------

  void bad_records_are_listed_and_skipped_only_on_request() {
    const std::string path = fixture_path("bad.jsonl");
    try {
      load(path);
      QFAIL("bad records must stop loading without skip_bad_records");
    } catch (const lora::DatasetError& e) {
      const QString message = e.what();
      QVERIFY2(message.contains(fixture("bad.jsonl")), qPrintable(message));
      QVERIFY2(message.contains("5 of 7 records cannot be used"), qPrintable(message));
      QVERIFY2(message.contains("record 2 (line 2): field \"output\" is a number; expected a string"), qPrintable(message));
      QVERIFY2(message.contains("record 3 (line 3): invalid JSON at line 3, column"), qPrintable(message));
      QVERIFY2(message.contains("record 4 (line 5): field \"output\" is missing or empty"), qPrintable(message));  // blank line 4 skipped
      QVERIFY2(message.contains("record 5 (line 6): empty conversation"), qPrintable(message));
      QVERIFY2(message.contains("record 6 (line 7): is an array; expected a JSON object"), qPrintable(message));
    }
    DatasetOptions options;
    options.skip_bad_records = true;
    const TrainingDataset dataset = load(path, options);
    QCOMPARE(dataset.size(), size_t(2));
    QCOMPARE(dataset.record(0).number, size_t(1));
    QCOMPARE(dataset.record(1).number, size_t(7));
    QCOMPARE(dataset.skipped_records().size(), size_t(5));
    const lora::TokenizedSet set = dataset.tokenize_all();
    QCOMPARE(set.stats.records_read, size_t(7));
    QCOMPARE(set.stats.records_skipped, size_t(5));
    QCOMPARE(set.examples.size(), size_t(2));

    // All records bad: an error even with skip_bad_records.
    const std::string all_bad = write_temp("allbad.jsonl", "{\"instruction\": \"x\"}\n{\"output\": 3}\n");
    QVERIFY(error_of([&] { load(all_bad, options); }).contains("no record is usable"));
  }

  void invalid_json_reports_line_numbers() {
    // Inside one element of a JSON array: only that record is lost, with its line and column.
    DatasetOptions options;
    options.skip_bad_records = true;
    const TrainingDataset dataset = load(fixture_path("bad-array.json"), options);
    QCOMPARE(dataset.size(), size_t(2));
    QCOMPARE(dataset.skipped_records().size(), size_t(1));
    QCOMPARE(dataset.skipped_records()[0].number, size_t(2));
    QCOMPARE(dataset.skipped_records()[0].line, size_t(3));
    QVERIFY(dataset.skipped_records()[0].reason.english().find("invalid JSON at line 3, column 35") != std::string::npos);

    // A broken array structure is an error of the whole file, with its position.
    const QString broken = error_of([&] { load(fixture_path("broken-array.json"), options); });
    QVERIFY2(broken.contains(fixture("broken-array.json")), qPrintable(broken));
    QVERIFY2(broken.contains("invalid JSON at line 3, column 3: expected ',' or ']' after record 1"), qPrintable(broken));
    const QString unclosed = error_of([&] { load(write_temp("unclosed.json", "[\n{\"instruction\": \"a\", \"output\": \"b\"},\n{\"instruction\": \"c\"\n"), options); });
    QVERIFY2(unclosed.contains("record 2 starting at line 3, column 1 is never closed"), qPrintable(unclosed));
    const QString trailing = error_of([&] { load(write_temp("trailing.json", "[{\"instruction\": \"a\", \"output\": \"b\"},\n]"), options); });
    QVERIFY2(trailing.contains("line 2, column 1"), qPrintable(trailing));
    // A pretty-printed object is not JSON Lines: say what a dataset must be.
    const QString pretty = error_of([&] { load(write_temp("pretty.json", "{\n  \"instruction\": \"a\",\n  \"output\": \"b\"\n}\n"), options); });
    QVERIFY2(pretty.contains("spans several lines"), qPrintable(pretty));
    // Raw text that is not JSON, without the .txt extension.
    const QString not_json = error_of([&] { load(write_temp("notes.json", "Just some notes.\n"), options); });
    QVERIFY2(not_json.contains("neither a JSON array nor JSON Lines"), qPrintable(not_json));
  }

  void empty_and_missing_files() {
    QVERIFY(error_of([&] { load(write_temp("empty.jsonl", "")); }).contains("empty.jsonl is empty"));
    QVERIFY(error_of([&] { load(write_temp("blank.json", " \n\n\t\n")); }).contains("is empty"));
    QVERIFY(error_of([&] { load(write_temp("emptyarray.json", "[ ]")); }).contains("no records"));
    QVERIFY(error_of([&] { load(temp_.filePath("missing.json").toStdString()); }).contains("does not exist"));
  }

  void huge_record_is_refused_without_parsing_it() {
    const QByteArray good = "{\"instruction\": \"a\", \"output\": \"b\"}\n";
    QByteArray huge = "{\"instruction\": \"big\", \"output\": \"";
    huge += QByteArray(50 * 1024 * 1024, 'x');
    huge += "\"}\n";
    const std::string jsonl = write_temp("huge.jsonl", good + huge + good);
    QElapsedTimer timer;
    timer.start();
    const QString message = error_of([&] { load(jsonl); });
    QVERIFY2(message.contains("record 2 (line 2): is 52,428,836 bytes"), qPrintable(message.left(300)));
    QVERIFY2(message.contains("more than the 4 MiB limit for one record"), qPrintable(message.left(300)));
    DatasetOptions options;
    options.skip_bad_records = true;
    QCOMPARE(load(jsonl, options).size(), size_t(2));
    // The same inside a JSON array.
    const std::string array = write_temp("huge.json", "[" + good + "," + huge + "," + good + "]");
    const TrainingDataset from_array = load(array, options);
    QCOMPARE(from_array.size(), size_t(2));
    QCOMPARE(from_array.skipped_records()[0].number, size_t(2));
    QVERIFY(timer.elapsed() < 20000);
  }

  void wrong_encodings_are_named() {
    const QString text = QString::fromUtf8("{\"instruction\": \"你好\", \"output\": \"Hello\"}\n");
    // UTF-16 with a byte order mark (Windows Notepad's "Unicode") and without one.
    QByteArray utf16le("\xFF\xFE", 2);
    utf16le.append(reinterpret_cast<const char*>(text.utf16()), text.size() * 2);
    QString message = error_of([&] { load(write_temp("utf16.jsonl", utf16le)); });
    QVERIFY2(message.contains("utf16.jsonl is UTF-16 (little-endian) encoded, not UTF-8"), qPrintable(message));
    message = error_of([&] { load(write_temp("utf16nobom.jsonl", utf16le.mid(2))); });
    QVERIFY2(message.contains("UTF-16 (little-endian)"), qPrintable(message));
    // GBK: 你好 = C4 E3 BA C3, 世界 = CA C0 BD E7.
    const QByteArray gbk = "{\"instruction\": \"\xC4\xE3\xBA\xC3\", \"output\": \"\xCA\xC0\xBD\xE7\"}\n"
                           "{\"instruction\": \"\xCA\xC0\xBD\xE7\", \"output\": \"\xC4\xE3\xBA\xC3\"}\n";
    message = error_of([&] { load(write_temp("gbk.jsonl", gbk)); });
    QVERIFY2(message.contains("gbk.jsonl is not UTF-8") && message.contains("GBK"), qPrintable(message));
    QVERIFY2(message.contains("line 1, column 18"), qPrintable(message));
    // A UTF-8 file with one bad byte: only that record is affected, with the position.
    const QByteArray mostly = QByteArray("{\"instruction\": \"你好\", \"output\": \"世界\"}\n") +
                              "{\"instruction\": \"bad \xFF byte\", \"output\": \"x\"}\n" +
                              QByteArray("{\"instruction\": \"再见\", \"output\": \"再见\"}\n");
    DatasetOptions options;
    options.skip_bad_records = true;
    const TrainingDataset dataset = load(write_temp("onebad.jsonl", mostly), options);
    QCOMPARE(dataset.size(), size_t(2));
    QCOMPARE(dataset.skipped_records()[0].where().english(), std::string("record 2 (line 2)"));
    QVERIFY(dataset.skipped_records()[0].reason.english().find("invalid UTF-8 (byte 0xFF) at line 2, column 22") != std::string::npos);
    // A UTF-8 byte order mark is fine.
    QCOMPARE(load(write_temp("bom.jsonl", "\xEF\xBB\xBF" + text.toUtf8())).size(), size_t(1));
  }

  // --- the demo dataset and scale ------------------------------------------------------------

  void demo_dataset_is_clean() {
    const std::string path = (test_support::fixtures_dir() + "/../../resources/demo/demo_dataset.json").toStdString();
    const TrainingDataset dataset = load(path);
    QVERIFY(dataset.skipped_records().empty());
    QVERIFY(dataset.ignored_fields().empty());
    QVERIFY2(dataset.size() >= 250 && dataset.size() <= 400, qPrintable(QString::number(dataset.size())));
    size_t chinese = 0, with_input = 0;
    std::set<std::string> prompts;
    for (size_t i = 0; i < dataset.size(); ++i) {
      const std::string text = dataset.text(i);
      prompts.insert(dataset.render(i)[0].text);
      if (QString::fromStdString(*dataset.record(i).field("output")).contains(QRegularExpression("[\\x{4e00}-\\x{9fff}]")))
        ++chinese;
      if (dataset.record(i).field("input")) ++with_input;
      // Short one-sentence answers a tiny model can memorise.
      QVERIFY2(qwen_->encode(*dataset.record(i).field("output"), false).size() <= 32, text.c_str());
    }
    QCOMPARE(prompts.size(), dataset.size());  // no prompt with two different answers
    QVERIFY2(chinese >= dataset.size() / 4 && chinese <= dataset.size() * 3 / 4, qPrintable(QString::number(chinese)));
    QVERIFY(with_input >= 20);
    const lora::TokenizedSet set = dataset.tokenize_all();
    QCOMPARE(set.stats.truncated, size_t(0));
    QVERIFY(set.stats.lengths.max < 128);
  }

  // 100,000 records: reading and rendering up front is fast; tokenization is per record on demand.
  void many_records_load_lazily() {
    QByteArray data;
    for (int i = 0; i < 100000; ++i)
      data += "{\"instruction\": \"What is " + QByteArray::number(i) + " plus " + QByteArray::number(i % 97) +
              "?\", \"output\": \"" + QByteArray::number(i) + " plus " + QByteArray::number(i % 97) + " is " +
              QByteArray::number(i + i % 97) + ".\"}\n";
    const std::string path = write_temp("many.jsonl", data);
    QElapsedTimer timer;
    timer.start();
    const TrainingDataset dataset = load(path);
    const qint64 load_ms = timer.elapsed();
    QCOMPARE(dataset.size(), size_t(100000));
    qInfo("read and rendered 100,000 records in %lld ms", load_ms);
    QVERIFY2(load_ms < 15000, qPrintable(QString::number(load_ms)));
    // One record in the middle, on demand, equals the same record tokenized in a batch.
    timer.restart();
    const TokenizedExample one = dataset.tokenize(76543)[0];
    QVERIFY(timer.elapsed() < 1000);
    QCOMPARE(qwen_->decode(trained(one)), std::string("76543 plus 10 is 76553.<|im_end|>"));
    const lora::TokenizedSet slice = dataset.tokenize_records({76542, 76543});
    QCOMPARE(slice.examples[1].input_ids, one.input_ids);
    timer.restart();
    size_t progress_calls = 0;
    const lora::TokenizedSet all = dataset.tokenize_all([&](size_t, size_t) { ++progress_calls; });
    const qint64 tokenize_ms = timer.elapsed();
    qInfo("tokenized 100,000 records in %lld ms", tokenize_ms);
    QCOMPARE(all.examples.size(), size_t(100000));
    QCOMPARE(all.examples[76543].input_ids, one.input_ids);
    QVERIFY(progress_calls >= 100);
    QVERIFY2(tokenize_ms < 120000, qPrintable(QString::number(tokenize_ms)));
  }

  // --- the command line ----------------------------------------------------------------------

  void cli_prints_examples_and_summary() {
    const QString model = test_support::npm_tokenizer_dir("tokenizer-qwen3");
    const auto result = test_support::run_cli({"dataset", fixture("alpaca.json"), "--model", model});
    QVERIFY2(result.exit_code == 0, result.err.constData());
    const QList<QByteArray> lines = result.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 4);
    const QJsonArray expected = expected_.value("alpaca").toArray();
    for (int i = 0; i < lines.size(); ++i) {
      const QJsonObject line = QJsonDocument::fromJson(lines[i]).object();
      const QJsonObject want = expected.at(i).toObject();
      QCOMPARE(line.value("record").toInt(), i + 1);
      QCOMPARE(line.value("input_ids").toArray(), want.value("input_ids").toArray());
      QCOMPARE(line.value("labels").toArray(), want.value("labels").toArray());
      QCOMPARE(line.value("text").toString(), want.value("text").toString());
      QCOMPARE(line.value("truncated").toBool(), false);
      QCOMPARE(line.keys().size(), 5);
    }
    const QString summary = QString::fromUtf8(result.err);
    QVERIFY2(summary.contains("records:  4 read, 4 used, 0 skipped as bad"), qPrintable(summary));
    QVERIFY2(summary.contains("length:   p50 39, p90 54, p99 54, max 54 tokens"), qPrintable(summary));
    QVERIFY2(summary.contains("0 truncated at 256 tokens"), qPrintable(summary));

    // Options reach the engine: no EOS, train on prompt, a cutoff that truncates.
    const auto options = test_support::run_cli({"dataset", fixture("alpaca.json"), "--model", model, "--no-add-eos",
                                                "--train-on-prompt", "--cutoff-len", "40"});
    QVERIFY2(options.exit_code == 0, options.err.constData());
    const QJsonObject last = QJsonDocument::fromJson(options.out.trimmed().split('\n').last()).object();
    QCOMPARE(last.value("labels").toArray(), last.value("input_ids").toArray());
    QCOMPARE(last.value("input_ids").toArray().size(), 40);
    QCOMPARE(last.value("truncated").toBool(), true);
    QVERIFY(options.err.contains("truncated at 40 tokens"));

    // --drop-long: the long records leave stdout and are listed in the summary.
    const auto dropped = test_support::run_cli({"dataset", fixture("alpaca.json"), "--model", model, "--cutoff-len", "40", "--drop-long"});
    QVERIFY2(dropped.exit_code == 0, dropped.err.constData());
    QCOMPARE(dropped.out.trimmed().split('\n').size(), 2);
    QVERIFY2(dropped.err.contains("record 4: dropped: too long (54 tokens)"), dropped.err.constData());

    // Raw text blocks carry their block number.
    const auto raw = test_support::run_cli({"dataset", fixture("raw.txt"), "--model", model, "--cutoff-len", "32", "--overlap", "8"});
    QVERIFY2(raw.exit_code == 0, raw.err.constData());
    const QJsonObject block = QJsonDocument::fromJson(raw.out.split('\n').at(1)).object();
    QCOMPARE(block.value("block").toInt(), 1);
  }

  void cli_refuses_bad_records_unless_told() {
    const QString model = test_support::npm_tokenizer_dir("tokenizer-qwen3");
    const auto refused = test_support::run_cli({"dataset", fixture("bad.jsonl"), "--model", model});
    QCOMPARE(refused.exit_code, 1);
    QVERIFY(refused.out.isEmpty());
    QVERIFY2(refused.err.contains("record 2 (line 2): field \"output\" is a number"), refused.err.constData());
    QVERIFY2(refused.err.contains("--skip-bad-records"), refused.err.constData());

    const auto skipped = test_support::run_cli({"dataset", fixture("bad.jsonl"), "--model", model, "--skip-bad-records"});
    QVERIFY2(skipped.exit_code == 0, skipped.err.constData());
    QCOMPARE(skipped.out.trimmed().split('\n').size(), 2);
    QVERIFY2(skipped.err.contains("records:  7 read, 2 used, 5 skipped as bad"), skipped.err.constData());
    QVERIFY2(skipped.err.contains("skipped records:\n  record 2 (line 2)"), skipped.err.constData());

    const auto encoding = test_support::run_cli({"dataset", write_temp("cli16.json", QByteArray("\xFE\xFF\0[", 4)).c_str(), "--model", model});
    QCOMPARE(encoding.exit_code, 1);
    QVERIFY2(encoding.err.contains("UTF-16 (big-endian)"), encoding.err.constData());
  }
};

QTEST_GUILESS_MAIN(TestDataset)
#include "test_dataset.moc"
