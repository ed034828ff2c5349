// Every JSON file the engine reads refuses a number it cannot hold with a message that names the
// file, the field and what was expected — never a silent wrap-around or undefined behaviour. Each
// parser is fed the values a stranger's file (or a fuzzer) may hold in its numeric fields: a
// 73-digit integer (which parses as 4.9e72, the input UBSan found in adapter_config.json), 1e300,
// integers just past 2^31, 2^63 and 2^64, negative numbers, fractions, booleans and strings.
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <functional>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include "error.h"
#include "generation.h"
#include "json_reader.h"
#include "lora_adapter.h"
#include "model_config.h"
#include "safetensors.h"
#include "tokenizer_config.h"
#include "tokenizer_json.h"
#include "training_checkpoint.h"
#include "training_log.h"
#include "training_prompt_file.h"
#include "training_settings.h"

namespace {

const char* const kHuge = "4888888888888888888888888888888888888888888888888888888888888888888888888";
const char* const kAboveInt64 = "9223372036854775808";
const char* const kBelowInt64 = "-9223372036854775809";
const char* const kUint64Max = "18446744073709551615";
const char* const kAboveUint64 = "18446744073709551616";
const char* const kAboveInt32 = "2147483648";

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The file name a parser reads, and how to run it on a folder holding that file.
struct Parser {
  std::string file;
  std::function<void(const std::string& dir)> run;
};

const std::map<QString, Parser>& parsers() {
  static const std::map<QString, Parser> table = {
      {"config", {"config.json", [](const std::string& dir) { lora::load_model_config(dir + "/config.json"); }}},
      {"adapter", {"adapter_config.json", [](const std::string& dir) { lora::load_lora_config(dir); }}},
      {"tokenizer",
       {"tokenizer.json",
        [](const std::string& dir) { lora::TokenizerJson(dir + "/tokenizer.json", lora::TokenizerConfigFile{}); }}},
      {"tokenizer_config", {"tokenizer_config.json", [](const std::string& dir) { lora::read_tokenizer_config(dir); }}},
      {"generation", {"generation_config.json", [](const std::string& dir) { lora::load_generation_config(dir); }}},
      {"training_prompt", {"training_prompt.json", [](const std::string& dir) { lora::read_training_prompt(dir); }}},
      {"trainer_state",
       {"trainer_state.json",
        [](const std::string& dir) {
          const std::string path = dir + "/trainer_state.json";
          lora::parse_trainer_state(read_file(path), path);
        }}},
      {"manifest",
       {"manifest.json",
        [](const std::string& dir) {
          const std::string path = dir + "/manifest.json";
          lora::parse_checkpoint_manifest(read_file(path), path);
        }}},
      {"settings",
       {"training_parameters.json",
        [](const std::string& dir) {
          const std::string path = dir + "/training_parameters.json";
          lora::training_settings_from_json(read_file(path), path);
        }}},
      {"log", {"training_log.jsonl", [](const std::string& dir) { lora::read_training_log(dir + "/training_log.jsonl"); }}},
  };
  return table;
}

const char* const kLlama =
    R"({"model_type": "llama", "vocab_size": 32, "hidden_size": 64, "intermediate_size": 128,
        "num_hidden_layers": 2, "num_attention_heads": 4, @})";
const char* const kAdapter = R"({"peft_type": "LORA", "target_modules": ["q_proj"], @})";

}  // namespace

class TestJsonReader : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  int case_ = 0;

  // One row per bad value: `templ` with "@" replaced by `"key": value` (or by the value alone when
  // `templ` has "$").
  static void add_rows(const char* parser, const char* templ, const char* key, const QString& field,
                       const QString& expected, std::initializer_list<const char*> values) {
    for (const char* value : values) {
      QString json = QString::fromUtf8(templ);
      if (json.contains('$'))
        json.replace('$', QString::fromUtf8(value));
      else
        json.replace('@', QString("\"%1\": %2").arg(key, value));
      QTest::addRow("%s %s=%s", parser, qPrintable(field), value) << QString(parser) << json << field << expected;
    }
  }

 private slots:
  void badNumbersNameTheFileAndField_data() {
    QTest::addColumn<QString>("parser");
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("field");     // as the message names it, in quotes
    QTest::addColumn<QString>("expected");  // what the message says was expected

    // config.json (the model families).
    add_rows("config", kLlama, "max_position_embeddings", "max_position_embeddings", "positive integer",
             {kHuge, "1e300", "2.5", "0", "-1", "true", "\"8\"", kAboveInt64, kUint64Max});
    add_rows("config",
             R"({"model_type": "llama", "vocab_size": $, "hidden_size": 64, "intermediate_size": 128,
                 "num_hidden_layers": 2, "num_attention_heads": 4})",
             "", "vocab_size", "positive integer up to 16777216", {kHuge, "1e300", "2.5", "0", "-3", "true", "16777217"});
    add_rows("config", kLlama, "rms_norm_eps", "rms_norm_eps", "a positive number", {"-1e-6", "0", "true", "\"1e-6\""});
    add_rows("config", kLlama, "eos_token_id", "eos_token_id", "token id", {"true", "\"2\"", "[1, \"2\"]"});
    add_rows("config", kLlama, "eos_token_id", "eos_token_id", "a non-negative integer up to 2147483647",
             {kHuge, "2.5", "-1", kAboveInt32, "[1, 1e300]"});
    add_rows("config", kLlama, "rope_scaling", "rope_scaling.factor", "a positive number",
             {R"({"rope_type": "linear", "factor": -2})", R"({"rope_type": "linear", "factor": true})",
              R"({"rope_type": "linear", "factor": "2"})"});
    add_rows("config", R"({"model_type": "gemma3", "text_config": {"hidden_size": $}})", "", "text_config.hidden_size",
             "positive integer", {kHuge, "2.5", "0", "false"});

    // adapter_config.json.
    add_rows("adapter", kAdapter, "r", "r", "a positive integer up to 65536",
             {kHuge, "1e300", "2.5", "0", "-8", "true", "\"8\"", "65537", kAboveInt64, kUint64Max, kBelowInt64});
    add_rows("adapter", kAdapter, "rank_pattern", "rank_pattern.q_proj", "a positive integer up to 65536",
             {R"({"q_proj": 4888888888888888888888888888888888})", R"({"q_proj": 1.5})", R"({"q_proj": false})"});
    add_rows("adapter", kAdapter, "lora_alpha", "lora_alpha", "a number in [-1000000000, 1000000000]",
             {"1e300", kHuge, "true", "\"16\""});
    add_rows("adapter", kAdapter, "alpha_pattern", "alpha_pattern.q_proj", "a number in",
             {R"({"q_proj": 1e300})", R"({"q_proj": "16"})"});
    add_rows("adapter", kAdapter, "lora_dropout", "lora_dropout", "a number in [0, 1)", {"1", "-0.1", "1e300", "true"});
    add_rows("adapter", kAdapter, "layers_to_transform", "layers_to_transform[1]", "a non-negative integer up to 65535",
             {"[0, 48888888888888888888888888888]", "[0, -1]", "[0, 2.5]", "[0, true]"});

    // tokenizer.json: vocabulary ids, post-processor ids, the Strip decoder's counts.
    add_rows("tokenizer", R"({"version": "1.0", "model": {"type": "BPE", "vocab": {"a": $}, "merges": []}})", "",
             "a", "model.vocab entry 'a' is", {kHuge, "1e300", "-1", "2.5", "true", "\"0\"", kAboveInt32});
    add_rows("tokenizer",
             R"({"version": "1.0", "model": {"type": "BPE", "vocab": {"a": 0, "[CLS]": 1}, "merges": []},
                 "post_processor": {"type": "BertProcessing", "cls": ["[CLS]", $], "sep": ["[CLS]", 1]}})",
             "", "post_processor.cls[1]", "a non-negative integer up to 2147483647", {kHuge, "-1", "1.5", "true", kAboveInt32});
    add_rows("tokenizer",
             R"({"version": "1.0", "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []},
                 "decoder": {"type": "Strip", "content": " ", "start": $, "stop": 0}})",
             "", "decoder.start", "a non-negative integer up to", {kHuge, "-1", "0.5", "true", kUint64Max});

    // tokenizer_config.json.
    add_rows("tokenizer_config", R"({@})", "model_max_length", "model_max_length", "a number", {"true", "\"2048\""});

    // generation_config.json.
    add_rows("generation", R"({@})", "temperature", "temperature", "a non-negative number", {"-1", "true", "\"0.7\""});
    add_rows("generation", R"({@})", "top_p", "top_p", "a number in (0, 1]", {"0", "1.5", kHuge, "false"});
    add_rows("generation", R"({@})", "top_k", "top_k", "a non-negative integer", {kHuge, "1e300", "-1", "2.5", "true"});
    add_rows("generation", R"({@})", "max_new_tokens", "max_new_tokens", "a non-negative integer",
             {kHuge, "-5", "0.5", kUint64Max, "\"20\""});
    add_rows("generation", R"({@})", "eos_token_id", "eos_token_id", "a non-negative integer up to 2147483647",
             {kHuge, "-1", "2.5", kAboveInt32, "[2, 1e300]"});
    add_rows("generation", R"({@})", "repetition_penalty", "repetition_penalty", "a positive number", {"0", "-1.1"});

    // training_prompt.json (no numbers are read; its strings are typed).
    add_rows("training_prompt", R"({@})", "template_type", "template_type", "a string", {"3", "true"});
    add_rows("training_prompt", R"({"template_type": "chat_template", @})", "chat_template", "chat_template", "a string",
             {"1e300", "[1]"});

    // trainer_state.json and manifest.json of a checkpoint.
    add_rows("trainer_state",
             R"({"step": $, "total_steps": 2, "optimizer_steps": 1, "tokens_seen": 10, "elapsed_seconds": 1.5, "seed": 1})",
             "", "step", "a non-negative integer", {kHuge, "1e300", "-1", "2.5", "true", kAboveInt64});
    add_rows("trainer_state",
             R"({"step": 1, "total_steps": 2, "optimizer_steps": 1, "tokens_seen": 10, "elapsed_seconds": 1.5, "seed": $})",
             "", "seed", "a non-negative integer", {kHuge, "-1", "2.5", "true", kAboveUint64});
    add_rows("trainer_state",
             R"({"step": 1, "total_steps": 2, "optimizer_steps": 1, "tokens_seen": 10, "elapsed_seconds": $, "seed": 1})",
             "", "elapsed_seconds", "a non-negative number", {"-1", "true", "\"1.5\""});
    add_rows("manifest", R"({"format": "lora-studio checkpoint manifest", "step": 1, "files": [{"name": "a", "size": $,
                 "sha256": "0000000000000000000000000000000000000000000000000000000000000000"}]})",
             "", "files[0].size", "a non-negative integer", {kHuge, "-1", "2.5", "true", kAboveInt64});

    // training_parameters.json (and the window's presets): each setting within its C++ type, the
    // sensible ranges then being validate()'s. The message keeps the shape the window translates.
    add_rows("settings", R"({@})", "rank", "rank", "; expected an integer)",
             {kHuge, "1e300", "2.5", "true", "\"8\"", kAboveInt64, kUint64Max});
    add_rows("settings", R"({@})", "threads", "threads", "an integer from -2147483648 to 2147483647",
             {kAboveInt32, "-2147483649", "1.5", kHuge});
    add_rows("settings", R"({@})", "seed", "seed", "a non-negative integer", {kHuge, "-1", "2.5", kAboveUint64});
    add_rows("settings", R"({@})", "learning_rate", "learning_rate", "a number", {"true", "\"3e-4\"", "null"});
    add_rows("settings", R"({@})", "target_modules", "target_modules", "a list of strings", {"\"q_proj\"", "[1]"});

    // training_log.jsonl: a bad number is an error on any line (only a line cut short by a crash,
    // which is no JSON, is skipped at the end).
    add_rows("log", "{\"step\": $, \"epoch\": 0, \"loss\": 1, \"learning_rate\": 1}\n", "", "step",
             "a non-negative integer", {kHuge, "1e300", "-1", "2.5", "true", kAboveInt64});
    add_rows("log", "{\"step\": 1, \"epoch\": 0, \"loss\": 1, \"learning_rate\": 1, \"tokens\": $}\n", "", "tokens",
             "a non-negative integer", {kHuge, "-1", "0.5", "\"10\""});
    add_rows("log", "{\"step\": 1, \"epoch\": $, \"loss\": 1, \"learning_rate\": 1}\n", "", "epoch", "a number",
             {"true", "\"0.5\""});
    add_rows("log",
             "{\"step\": 1, \"epoch\": 0, \"loss\": 1, \"learning_rate\": 1, \"eval_samples\": [{\"index\": $, "
             "\"prompt\": \"a\", \"reference\": \"b\", \"output\": \"c\"}]}\n",
             "", "eval_samples[0].index", "a non-negative integer", {kHuge, "-1", "2.5", "null"});
  }

  void badNumbersNameTheFileAndField() {
    QFETCH(QString, parser);
    QFETCH(QString, json);
    QFETCH(QString, field);
    QFETCH(QString, expected);
    const Parser& run = parsers().at(parser);
    const std::string dir = tmp_.filePath(QString("case-%1").arg(case_++)).toStdString();
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/" + run.file;
    write_file(path, json.toStdString());
    QString message;
    try {
      run.run(dir);
    } catch (const lora::Error& e) {
      message = QString::fromUtf8(e.what());
    }
    QVERIFY2(!message.isEmpty(), qPrintable("accepted: " + json));
    // training_log.jsonl names the line too: "…/training_log.jsonl, line 1: ...".
    QVERIFY2(message.startsWith(QString::fromStdString(path) + (parser == "log" ? ", line 1:" : ":")), qPrintable(message));
    QVERIFY2(message.contains("'" + field + "'"), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
  }

  // The limits themselves are accepted, and an integral float counts as the integer it equals.
  void valuesAtTheLimitsAreRead() {
    const std::string dir = tmp_.filePath("limits").toStdString();
    std::filesystem::create_directories(dir);
    const lora::LoraConfig adapter =
        lora::parse_lora_config(R"({"peft_type": "LORA", "target_modules": ["q_proj"], "r": 65536.0,
                                    "layers_to_transform": [0, 65535], "lora_dropout": 0.999})",
                                dir + "/adapter_config.json");
    QCOMPARE(adapter.r, int64_t(65536));
    QCOMPARE(adapter.layers_to_transform.back(), int64_t(65535));
    const lora::TrainerState state = lora::parse_trainer_state(
        R"({"step": 9223372036854775807, "total_steps": 0, "optimizer_steps": 0, "tokens_seen": 0,
            "elapsed_seconds": 0, "seed": 18446744073709551615, "last_loss": null})",
        dir + "/trainer_state.json");
    QCOMPARE(state.step, std::numeric_limits<int64_t>::max());
    QCOMPARE(state.seed, std::numeric_limits<uint64_t>::max());
    const lora::GenerationSettings generation = lora::parse_generation_config(
        R"({"top_k": 0, "top_p": 1, "eos_token_id": [2147483647, 0], "max_new_tokens": 1e3})", dir + "/g.json");
    QCOMPARE(generation.max_new_tokens, int64_t(1000));
    QCOMPARE(generation.eos_token_ids, (std::vector<int32_t>{2147483647, 0}));
  }

  // The reader's own conversions, at the edges of int64 and uint64 (doubles near 2^63 and 2^64).
  void conversionsAtTheEdgesOfTheTypes() {
    const lora::JsonPath at("f.json", "x");
    auto int_error = [&](const nlohmann::json& value) {
      try {
        lora::json_to_int(value, at);
      } catch (const lora::Error& e) {
        return QString(e.what());
      }
      return QString();
    };
    QCOMPARE(lora::json_to_int(nlohmann::json(-9223372036854775807LL - 1), at), std::numeric_limits<int64_t>::min());
    QCOMPARE(lora::json_to_int(nlohmann::json(-9223372036854775808.0), at), std::numeric_limits<int64_t>::min());
    QVERIFY(int_error(nlohmann::json(9223372036854775808.0)).contains("f.json: field 'x' is a floating-point number"));
    QVERIFY(!int_error(nlohmann::json(std::numeric_limits<uint64_t>::max())).isEmpty());
    QVERIFY(!int_error(nlohmann::json(std::numeric_limits<double>::infinity())).isEmpty());
    QVERIFY(!int_error(nlohmann::json(std::nan(""))).isEmpty());
    QVERIFY(!int_error(nlohmann::json(nullptr)).isEmpty());
    QCOMPARE(lora::json_to_uint(nlohmann::json(18446744073709549568.0), at), uint64_t(18446744073709549568ULL));
    QVERIFY_THROWS_EXCEPTION(lora::Error, lora::json_to_uint(nlohmann::json(18446744073709551616.0), at));
    QVERIFY_THROWS_EXCEPTION(lora::Error, lora::json_to_uint(nlohmann::json(-0.5), at));
    QVERIFY_THROWS_EXCEPTION(lora::Error, lora::json_to_number(nlohmann::json(std::nan("")), at));
    QVERIFY_THROWS_EXCEPTION(lora::Error, lora::json_to_number(nlohmann::json(true), at));
  }

  // A number beyond double's range and broken JSON name the file (and the place of the error).
  void unreadableJsonNamesTheFile() {
    for (const char* text : {R"({"r": 1e400})", R"({"r": )", "[1, 2]"}) {
      try {
        lora::parse_json_object_text(text, "dir/adapter_config.json");
        QFAIL(text);
      } catch (const lora::Error& e) {
        QVERIFY2(QString(e.what()).startsWith("dir/adapter_config.json: "), e.what());
      }
    }
    try {
      lora::parse_json_text("{\n  \"a\": 1,\n  \"b\": x\n}", "f.json");
      QFAIL("accepted");
    } catch (const lora::Error& e) {
      QVERIFY2(QString(e.what()).startsWith("f.json: not valid JSON (line 3, column"), e.what());
    }
  }

  // A safetensors header's shape and offsets are whole numbers; 4.9e72 is refused, naming the tensor.
  void safetensorsHeaderNumbers() {
    for (const char* header : {R"({"w": {"dtype": "F32", "shape": [4888888888888888888888888888], "data_offsets": [0, 0]}})",
                               R"({"w": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 0]}})",
                               R"({"w": {"dtype": "F32", "shape": [0], "data_offsets": [0, 1e300]}})",
                               R"({"w": {"dtype": "F32", "shape": [true], "data_offsets": [0, 0]}})"}) {
      std::string bytes(8, '\0');
      const uint64_t length = std::strlen(header);
      for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((length >> (8 * i)) & 0xff);
      bytes += header;
      try {
        lora::SafetensorsFile::from_bytes(bytes, "dir/model.safetensors");
        QFAIL(header);
      } catch (const lora::Error& e) {
        QVERIFY2(QString(e.what()).startsWith("dir/model.safetensors: tensor 'w'"), e.what());
      }
    }
  }
};

QTEST_GUILESS_MAIN(TestJsonReader)
#include "test_json_reader.moc"
