#include "gguf_tokenizer_import.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "error.h"
#include "export_messages.h"

namespace lora::gguf {
namespace {

namespace fs = std::filesystem;

// gguf's TokenType, which is also sentencepiece's ModelProto.SentencePiece.Type (0: undefined).
enum TokenType : std::int32_t { kUndefined = 0, kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };

// llama.cpp's llm_tokenizer_bpe (src/llama-vocab.cpp): the regexes each tokenizer.ggml.pre runs, in
// order, each splitting the pieces of the previous one and keeping both matches and the text between
// them (tokenizers' Split with behavior Isolated); whether whole words found in the vocabulary skip the
// merges (ignore_merges); and the add_bos it assumes when tokenizer.ggml.add_bos_token is absent.
// The regexes are llama.cpp's own spellings (case-insensitive groups written out), which PCRE2 runs
// with the same meaning. Left out: pre-tokenizers llama.cpp runs with hand-written code (kimi-k2,
// afmoe), without GPT-2's byte encoding (gemma4, sarvam-moe, whitespace) or with a SEP token
// (roberta-bpe, jina-v1-en, jina-v2-code).
struct PreTokenizerRule {
  std::vector<const char*> names;
  std::vector<const char*> regexes;
  bool ignore_merges;
  bool add_bos;
};

const std::vector<PreTokenizerRule>& pre_tokenizer_rules() {
  static const std::vector<PreTokenizerRule> rules = {
    {{"llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano"},
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     true, true},
    {{"minicpm5"},
     {"\\p{N}{1,3}",
      "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}+| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     true, false},
    {{"deepseek-llm"},
     {"[\r\n]",
      "\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+",
      "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
      "\\s+$",
      "[一-龥ࠀ-一가-퟿]+",
      "\\p{N}+"},
     false, false},
    {{"deepseek-coder"},
     {"[\r\n]",
      "\\s?\\p{L}+",
      "\\s?\\p{P}+",
      "[一-龥ࠀ-一가-퟿]+",
      "\\p{N}"},
     false, false},
    {{"deepseek-v3"},
     {"\\p{N}{1,3}",
      "[一-龥぀-ゟ゠-ヿ]+",
      "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"hunyuan-dense"},
     {"\\p{N}{1,3}",
      "[一-龥぀-ゟ゠-ヿ]+",
      "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"joyai-llm"},
     {"\\p{N}{1,3}",
      "[一-龥぀-ゟ゠-ヿ]+",
      "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"youtu"},
     {"[가-힣ㄱ-ㆎ]+|[！…“”‘’—：；，、-〿︰-﹏]+|[ㄅ-ㄯ]+|[一-龥぀-ゟ゠-ヿ]+",
      "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     true, false},
    {{"falcon"},
     {"[\\p{P}\\$\\+<=>\\^~\\|`]+",
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
      "[0-9][0-9][0-9]"},
     false, false},
    {{"mpt"},
     {"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},
     false, false},
    {{"starcoder"},
     {"\\p{N}",
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},
     false, false},
    {{"gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum", "modern-bert", "exaone4"},
     {"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},
     false, false},
    {{"jais-2"},
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s{512}(?!\\S)|\\s{256}(?!\\S)|\\s{128}(?!\\S)|\\s{64}(?!\\S)|\\s{32}(?!\\S)|\\s{16}(?!\\S)|\\s{8}(?!\\S)|\\s{4}(?!\\S)|\\s{1,2}(?!\\S)|\\s{1}"},
     false, false},
    {{"refact"},
     {"\\p{N}",
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},
     false, false},
    {{"command-r"},
     {"\\p{N}",
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},
     false, false},
    {{"qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "megrez"},
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"qwen35"},
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"stablelm2"},
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"olmo"},
     {"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},
     false, false},
    {{"dbrx"},
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"smaug-bpe"},
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"poro-chat"},
     {" ?[^(\\s|.,!?…。，、।۔،)]+"},
     false, false},
    {{"glm4", "chatglm-bpe"},
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"viking"},
     {" ?[^(\\s|.,!?…。，、।۔،)]+",
      "\\p{N}"},
     false, false},
    {{"jais"},
     {"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},
     false, false},
    {{"tekken"},
     {"[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     true, true},
    {{"smollm"},
     {"\\p{N}",
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},
     false, false},
    {{"codeshell"},
     {"\\p{N}",
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},
     false, false},
    {{"bloom"},
     {" ?[^(\\s|.,!?…。，、।۔،)]+"},
     false, false},
    {{"gpt3-finnish"},
     {" ?[^(\\s|.,!?…。，、।۔،)]+"},
     false, false},
    {{"exaone"},
     {"\\p{N}",
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},
     false, false},
    {{"exaone-moe"},
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?(?:\\p{L}\\p{M}*(?: \\p{L}\\p{M}*)*)+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]?|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"chameleon"},
     {"<sentinel:[0-9]+>",
      "(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z",
      "([\\t\\n]|    |  )",
      "\\p{N}",
      "[\\p{P}!-/:-@\\[-`{-~]",
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},
     false, true},
    {{"minerva-7b"},
     {"\\p{N}",
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},
     false, false},
    {{"gpt-4o", "llama4", "kanana2", "talkie"},
     {"[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"minimax-m2"},
     {"[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"granite-embed-multi-97m"},
     {"[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))*((?=[\\p{L}\\p{M}])([^A-Z]))+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))+((?=[\\p{L}\\p{M}])([^A-Z]))*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     true, false},
    {{"tiny_aya", "cohere2moe"},
     {"\\d{1,3}(?=(?:\\d{3})*\\b)",
      "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"superbpe"},
     {"\\p{N}+",
      "(?=(\\d{3})+(?!\\d))"},
     false, false},
    {{"trillion"},
     {"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},
     false, false},
    {{"granite-docling"},
     {"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},
     false, false},
    {{"bailingmoe", "bailingmoe2", "llada-moe"},
     {"'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"seed-coder"},
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"hunyuan"},
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"grok-2"},
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"laguna"},
     {"[^\\n]+|[\\n]+",
      "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"solar-open"},
     {"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},
     false, false},
    {{"mellum2"},
     {"\\p{N}",
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},
     false, false},
    {{"default", ""},
     {"[\\p{P}\\$\\+<=>\\^~\\|]+",
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
      "\\p{N}+",
      "[0-9][0-9][0-9]"},
     false, false},
  };
  return rules;
}

const PreTokenizerRule* find_pre_tokenizer_rule(const std::string& pre) {
  for (const PreTokenizerRule& rule : pre_tokenizer_rules())
    for (const char* name : rule.names)
      if (pre == name) return &rule;
  return nullptr;
}

std::string joined_pre_tokenizer_names() {
  std::string names;
  for (const std::string& name : importable_pre_tokenizers()) names += (names.empty() ? "" : ", ") + name;
  return names;
}

// The token texts as llama.cpp keeps them: an empty one becomes "[EMPTY_<id>]".
std::vector<std::string> token_texts(const GgufTokenizerFields& fields) {
  std::vector<std::string> texts = fields.tokens;
  for (size_t id = 0; id < texts.size(); ++id)
    if (texts[id].empty()) texts[id] = "[EMPTY_" + std::to_string(id) + "]";
  return texts;
}

std::int32_t token_type(const GgufTokenizerFields& fields, size_t id) {
  return fields.token_types.empty() ? kNormal : fields.token_types[id];
}

// The special tokens and flags llama.cpp ends up with (llama_vocab::impl::load): its defaults for the
// tokenizer model, replaced by the file's keys when those are in range.
struct SpecialTokens {
  std::optional<std::int64_t> bos, eos, unk, pad;
  bool add_bos = false, add_eos = false;
};

SpecialTokens special_tokens(const GgufTokenizerFields& fields, const PreTokenizerRule* rule) {
  const auto size = static_cast<std::int64_t>(fields.tokens.size());
  auto in_range = [&](std::optional<std::int64_t> id) -> std::optional<std::int64_t> {
    if (id && *id >= 0 && *id < size) return id;
    return std::nullopt;
  };
  SpecialTokens special;
  if (fields.model == "llama") {
    special.bos = in_range(1);
    special.eos = in_range(2);
    special.unk = in_range(0);
    special.add_bos = true;
  } else {
    // llama.cpp's default for a gpt2 vocabulary without the keys is id 11 for both, which names an
    // ordinary token (Qwen's ","): naming it bos_token would make it a special token here, so a
    // vocabulary without them gets none.
    special.add_bos = rule != nullptr && rule->add_bos;
  }
  auto take = [&](std::optional<std::int64_t>& slot, std::optional<std::int64_t> given) {
    if (in_range(given)) slot = given;  // an out-of-range id keeps the default, as llama.cpp does
  };
  take(special.bos, fields.bos_id);
  take(special.eos, fields.eos_id);
  take(special.unk, fields.unk_id);
  take(special.pad, fields.pad_id);
  if (fields.add_bos) special.add_bos = *fields.add_bos;
  if (fields.add_eos) special.add_eos = *fields.add_eos;
  return special;
}

void check_array_sizes(const GgufTokenizerFields& fields, const std::string& gguf_path) {
  if (fields.tokens.empty()) throw Error(msg::Export::gguf_import_tokens_missing, gguf_path);
  const size_t count = fields.tokens.size();
  if (!fields.scores.empty() && fields.scores.size() < count)
    throw Error(msg::Export::gguf_import_array_too_short, gguf_path, "tokenizer.ggml.scores", fields.scores.size(), count);
  if (!fields.token_types.empty() && fields.token_types.size() < count)
    throw Error(msg::Export::gguf_import_array_too_short, gguf_path, "tokenizer.ggml.token_type",
                fields.token_types.size(), count);
}

std::string dump(const nlohmann::json& json) {
  // Token texts are UTF-8 in every GGUF llama.cpp reads; a stray invalid byte must not abort the write.
  return json.dump(1, '\t', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// Which tokens llama.cpp finds in the text before tokenizing the rest (its special-token cache:
// CONTROL, USER_DEFINED and UNKNOWN tokens), and whether each is special.
bool is_added_token(std::int32_t type) { return type == kControl || type == kUserDefined || type == kUnknown; }

nlohmann::json added_token_json(const std::string& content, bool special) {
  return nlohmann::json{{"content", content}, {"single_word", false}, {"lstrip", false},
                        {"rstrip", false},    {"normalized", false},  {"special", special}};
}

// tokenizer_config.json: what transformers and our loader read besides the tokenizer file.
void write_tokenizer_config(const GgufTokenizerFields& fields, const std::vector<std::string>& texts,
                            const SpecialTokens& special, const std::string& tokenizer_class,
                            const std::string& folder) {
  nlohmann::json config = nlohmann::json::object();
  config["add_bos_token"] = special.add_bos;
  config["add_eos_token"] = special.add_eos;
  auto token_or_null = [&](const std::optional<std::int64_t>& id) -> nlohmann::json {
    if (!id) return nullptr;
    return texts[static_cast<size_t>(*id)];
  };
  config["bos_token"] = token_or_null(special.bos);
  config["eos_token"] = token_or_null(special.eos);
  config["unk_token"] = token_or_null(special.unk);
  config["pad_token"] = token_or_null(special.pad);
  nlohmann::json added = nlohmann::json::object();
  for (size_t id = 0; id < texts.size(); ++id) {
    const std::int32_t type = token_type(fields, id);
    if (is_added_token(type)) added[std::to_string(id)] = added_token_json(texts[id], type != kUserDefined);
  }
  config["added_tokens_decoder"] = added;
  if (!fields.chat_template.empty()) config["chat_template"] = fields.chat_template;
  config["clean_up_tokenization_spaces"] = false;
  config["tokenizer_class"] = tokenizer_class;
  if (tokenizer_class == "LlamaTokenizer") config["legacy"] = true;  // each text between special tokens gets the dummy prefix, as in llama.cpp
  write_file_atomically((fs::path(folder) / "tokenizer_config.json").string(), dump(config));
}

// "[PAD<id>]" UNUSED tokens: the converter's padding of the token list up to the embedding's rows.
bool is_padding(const GgufTokenizerFields& fields, size_t id) {
  return token_type(fields, id) == kUnused && fields.tokens[id] == "[PAD" + std::to_string(id) + "]";
}

// --- "gpt2": tokenizer.json, byte-level BPE. ---
void write_byte_level_bpe(const GgufTokenizerFields& fields, const std::vector<std::string>& texts,
                          const SpecialTokens& special, const PreTokenizerRule& rule, const std::string& folder,
                          const std::string& gguf_path) {
  if (fields.merges.empty()) throw Error(msg::Export::gguf_import_merges_missing, gguf_path);
  // Every token at its id, as llama.cpp's text_to_token sees them (a text held twice keeps its last id).
  nlohmann::json vocab = nlohmann::json::object();
  std::unordered_map<std::string, std::int64_t> ids;
  ids.reserve(texts.size() * 2);
  for (size_t id = 0; id < texts.size(); ++id) {
    if (is_padding(fields, id)) continue;
    vocab[texts[id]] = id;
    ids[texts[id]] = static_cast<std::int64_t>(id);
  }
  // Merges split as llama.cpp splits them (at the first space after the first byte); pairs whose
  // parts or result are not tokens can never produce a token and are left out.
  nlohmann::json merges = nlohmann::json::array();
  for (const std::string& merge : fields.merges) {
    const size_t space = merge.find(' ', 1);
    if (space == std::string::npos) continue;
    std::string left = merge.substr(0, space), right = merge.substr(space + 1);
    if (!ids.count(left) || !ids.count(right) || !ids.count(left + right)) continue;
    merges.push_back(nlohmann::json::array({std::move(left), std::move(right)}));
  }

  nlohmann::json added_tokens = nlohmann::json::array();
  for (size_t id = 0; id < texts.size(); ++id) {
    const std::int32_t type = token_type(fields, id);
    if (!is_added_token(type)) continue;
    nlohmann::json token = added_token_json(texts[id], type != kUserDefined);
    token["id"] = id;
    added_tokens.push_back(std::move(token));
  }

  nlohmann::json pre_tokenizers = nlohmann::json::array();
  for (const char* regex : rule.regexes)
    pre_tokenizers.push_back(
        {{"type", "Split"}, {"pattern", {{"Regex", regex}}}, {"behavior", "Isolated"}, {"invert", false}});
  pre_tokenizers.push_back({{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}});

  // add_bos / add_eos as a template (tokenizer_config.json says the same, for transformers' loaders).
  nlohmann::json single = nlohmann::json::array(), pair = nlohmann::json::array(), specials = nlohmann::json::object();
  auto add_special = [&](const std::optional<std::int64_t>& id, nlohmann::json& into, int type_id) {
    const std::string& text = texts[static_cast<size_t>(*id)];
    into.push_back({{"SpecialToken", {{"id", text}, {"type_id", type_id}}}});
    specials[text] = {{"id", text}, {"ids", {*id}}, {"tokens", {text}}};
  };
  const bool add_bos = special.add_bos && special.bos, add_eos = special.add_eos && special.eos;
  for (int sequence = 0; sequence < 2; ++sequence) {
    nlohmann::json& into = sequence == 0 ? single : pair;
    if (add_bos) add_special(special.bos, into, sequence);
    into.push_back({{"Sequence", {{"id", sequence == 0 ? "A" : "B"}, {"type_id", sequence}}}});
    if (add_eos) add_special(special.eos, into, sequence);
  }
  if (!pair.empty()) {  // the pair template is A's template then B's
    nlohmann::json both = single;
    for (auto& piece : pair) both.push_back(piece);
    pair = both;
  }

  nlohmann::json root = {
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens", std::move(added_tokens)},
      {"normalizer", nullptr},
      {"pre_tokenizer", {{"type", "Sequence"}, {"pretokenizers", std::move(pre_tokenizers)}}},
      {"post_processor",
       {{"type", "TemplateProcessing"}, {"single", std::move(single)}, {"pair", std::move(pair)}, {"special_tokens", std::move(specials)}}},
      {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
      {"model",
       {{"type", "BPE"},
        {"dropout", nullptr},
        {"unk_token", nullptr},
        {"fuse_unk", false},
        {"byte_fallback", false},
        {"ignore_merges", rule.ignore_merges},
        {"vocab", std::move(vocab)},
        {"merges", std::move(merges)}}},
  };
  write_file_atomically((fs::path(folder) / "tokenizer.json").string(), dump(root));
  write_tokenizer_config(fields, texts, special, "PreTrainedTokenizerFast", folder);
}

// --- "llama": tokenizer.model, a sentencepiece ModelProto written field by field. ---
class ProtoWriter {
 public:
  void varint_field(int field, std::uint64_t value) {
    key(field, 0);
    varint(value);
  }
  void int32_field(int field, std::int64_t value) { varint_field(field, static_cast<std::uint64_t>(value)); }
  void bytes_field(int field, const std::string& bytes) {
    key(field, 2);
    varint(bytes.size());
    out_ += bytes;
  }
  void float_field(int field, float value) {
    key(field, 5);
    char bytes[4];
    std::memcpy(bytes, &value, 4);  // little-endian, as every machine this builds for
    out_.append(bytes, 4);
  }
  const std::string& bytes() const { return out_; }

 private:
  void key(int field, int wire) { varint(static_cast<std::uint64_t>(field) << 3 | static_cast<std::uint64_t>(wire)); }
  void varint(std::uint64_t value) {
    while (value >= 0x80) {
      out_ += static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    out_ += static_cast<char>(value);
  }
  std::string out_;
};

// sentencepiece's byte pieces are exactly "<0xHH>" with upper-case hex.
int byte_of_piece(const std::string& piece) {
  if (piece.size() != 6 || piece.compare(0, 3, "<0x") != 0 || piece[5] != '>') return -1;
  int value = 0;
  for (size_t i = 3; i < 5; ++i) {
    const char c = piece[i];
    if (c >= '0' && c <= '9')
      value = value * 16 + (c - '0');
    else if (c >= 'A' && c <= 'F')
      value = value * 16 + (c - 'A' + 10);
    else
      return -1;
  }
  return value;
}

void write_sentencepiece(const GgufTokenizerFields& fields, std::vector<std::string> texts, SpecialTokens special,
                         const std::string& folder, const std::string& gguf_path) {
  // The converter's padding at the end is left out (it cannot be reached, and the vocabulary then has
  // the source tokenizer's size); ids stay contiguous, as sentencepiece needs.
  size_t count = texts.size();
  while (count > 1 && is_padding(fields, count - 1)) --count;
  texts.resize(count);
  for (std::optional<std::int64_t>* id : {&special.bos, &special.eos, &special.unk, &special.pad})
    if (*id && **id >= static_cast<std::int64_t>(count)) id->reset();

  // Piece types sentencepiece accepts: one UNKNOWN, BYTE only for "<0xHH>", the 0..6 range.
  std::vector<std::int32_t> types(texts.size());
  std::optional<size_t> unknown;
  std::set<int> bytes_found;
  for (size_t id = 0; id < texts.size(); ++id) {
    std::int32_t type = token_type(fields, id);
    if (type < kNormal || type > kByte) type = kNormal;
    if (type == kByte) {
      const int byte = byte_of_piece(texts[id]);
      if (byte < 0)
        type = kNormal;
      else
        bytes_found.insert(byte);
    }
    if (type == kUnknown) {
      if (unknown) type = kControl;  // llama.cpp treats a second UNKNOWN token as it treats CONTROL ones in text
      else unknown = id;
    }
    types[id] = type;
  }
  if (!unknown) {
    if (!special.unk) throw Error(msg::Export::gguf_import_no_unknown_token, gguf_path);
    unknown = static_cast<size_t>(*special.unk);
    if (types[*unknown] == kByte) throw Error(msg::Export::gguf_import_no_unknown_token, gguf_path);
    types[*unknown] = kUnknown;
  }
  if (!bytes_found.empty() && bytes_found.size() != 256)
    throw Error(msg::Export::gguf_import_byte_tokens_incomplete, gguf_path, bytes_found.size());
  // sentencepiece refuses a piece defined twice among the ordinary (NORMAL, USER_DEFINED, UNUSED) or
  // the reserved (CONTROL, UNKNOWN, BYTE) pieces.
  std::unordered_map<std::string, size_t> ordinary, reserved;
  for (size_t id = 0; id < texts.size(); ++id) {
    const bool is_ordinary = types[id] == kNormal || types[id] == kUserDefined || types[id] == kUnused;
    auto& seen = is_ordinary ? ordinary : reserved;
    const auto [at, inserted] = seen.emplace(texts[id], id);
    if (!inserted) throw Error(msg::Export::gguf_import_duplicate_token, gguf_path, texts[id], at->second, id);
  }

  ProtoWriter model;
  for (size_t id = 0; id < texts.size(); ++id) {
    ProtoWriter piece;
    piece.bytes_field(1, texts[id]);
    piece.float_field(2, fields.scores.empty() ? 0.0f : fields.scores[id]);
    piece.varint_field(3, static_cast<std::uint64_t>(types[id]));
    model.bytes_field(1, piece.bytes());
  }
  ProtoWriter trainer;
  trainer.varint_field(3, 2);  // model_type BPE: llama.cpp's llm_tokenizer_spm is sentencepiece's BPE encoder
  trainer.int32_field(4, static_cast<std::int64_t>(texts.size()));
  trainer.varint_field(35, bytes_found.empty() ? 0 : 1);  // byte_fallback
  trainer.int32_field(40, static_cast<std::int64_t>(*unknown));
  trainer.int32_field(41, special.bos ? *special.bos : -1);
  trainer.int32_field(42, special.eos ? *special.eos : -1);
  trainer.int32_field(43, special.pad ? *special.pad : -1);
  trainer.bytes_field(45, texts[*unknown]);
  if (special.bos) trainer.bytes_field(46, texts[static_cast<size_t>(*special.bos)]);
  if (special.eos) trainer.bytes_field(47, texts[static_cast<size_t>(*special.eos)]);
  if (special.pad) trainer.bytes_field(48, texts[static_cast<size_t>(*special.pad)]);
  model.bytes_field(2, trainer.bytes());
  // No normalization and no whitespace collapsing (llama.cpp does neither); spaces become U+2581 and the
  // dummy prefix follows tokenizer.ggml.add_space_prefix.
  ProtoWriter normalizer;
  normalizer.bytes_field(1, "identity");
  normalizer.varint_field(3, fields.add_space_prefix.value_or(true) ? 1 : 0);
  normalizer.varint_field(4, 0);
  normalizer.varint_field(5, 1);
  model.bytes_field(3, normalizer.bytes());

  AtomicFileWriter out((fs::path(folder) / "tokenizer.model").string());
  out.write(model.bytes());
  out.commit();
  // The added tokens are those of the GGUF with the types as written.
  GgufTokenizerFields typed = fields;
  typed.token_types = types;
  typed.tokens.resize(count);
  write_tokenizer_config(typed, texts, special, "LlamaTokenizer", folder);
}

void remove_if_present(const fs::path& path) {
  std::error_code error;
  fs::remove(path, error);
}

}  // namespace

std::vector<std::string> importable_pre_tokenizers() {
  std::vector<std::string> names;
  for (const PreTokenizerRule& rule : pre_tokenizer_rules())
    for (const char* name : rule.names)
      if (*name != '\0') names.emplace_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

void write_tokenizer_files_from_gguf(const GgufTokenizerFields& fields, const std::string& folder,
                                     const std::string& gguf_path) {
  if (fields.model != "gpt2" && fields.model != "llama")
    throw Error(msg::Export::gguf_import_tokenizer_model_unknown, gguf_path, fields.model);
  const PreTokenizerRule* rule = nullptr;
  if (fields.model == "gpt2") {
    rule = find_pre_tokenizer_rule(fields.pre);
    if (rule == nullptr) throw Error(msg::Export::gguf_import_pre_unknown, gguf_path, fields.pre, joined_pre_tokenizer_names());
  }
  check_array_sizes(fields, gguf_path);
  const std::vector<std::string> texts = token_texts(fields);
  SpecialTokens special = special_tokens(fields, rule);
  // An id naming the converter's padding names no real token.
  for (std::optional<std::int64_t>* id : {&special.bos, &special.eos, &special.unk, &special.pad})
    if (*id && is_padding(fields, static_cast<size_t>(**id))) id->reset();

  std::error_code error;
  fs::create_directories(folder, error);
  // Files that would be read instead of (or on top of) the ones written here.
  remove_if_present(fs::path(folder) / "chat_template.jinja");
  if (fields.model == "gpt2") {
    remove_if_present(fs::path(folder) / "tokenizer.model");
    write_byte_level_bpe(fields, texts, special, *rule, folder, gguf_path);
  } else {
    remove_if_present(fs::path(folder) / "tokenizer.json");
    write_sentencepiece(fields, texts, special, folder, gguf_path);
  }
}

}  // namespace lora::gguf
