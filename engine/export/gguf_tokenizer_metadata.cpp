#include "gguf_tokenizer_metadata.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <cstring>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "error.h"
#include "export_messages.h"
#include "sha256.h"
#include "string_affix.h"

namespace lora::gguf {
namespace {

namespace fs = std::filesystem;

// llama.cpp's converter (convert_hf_to_gguf.py, get_vocab_base_pre): the text whose encoding
// identifies a BPE pre-tokenizer, and the names it gives the hashes it knows.
const char kCheckText[] =
    "\012 \012\012 \012\012\012 \011 \011\011 \011\012  \012   \012    \012     \012\360\237\232"
    "\200 (normal) \360\237\230\266\342\200\215\360\237\214\253\357\270\217 (multiple emojis co"
    "ncatenated) \342\234\205 \360\237\246\231\360\237\246\231 3 33 333 3333 33333 333333 33333"
    "33 33333333 3.3 3..3 3...3 \341\236\200\341\236\266\341\236\223\341\237\213\341\236\217\341"
    "\237\202\341\236\226\341\236\267\341\236\237\341\237\201\341\236\237\341\236\242\341\236\266"
    "\341\236\205\360\237\230\201 ?\346\210\221\346\203\263\345\234\250apple\345\267\245\344\275"
    "\2341314151\345\244\251\357\275\236 ------======= \320\275\320\265\321\211\320\276 \320\275"
    "\320\260 \320\221\321\212\320\273\320\263\320\260\321\200\321\201\320\272\320\270 ''''''``"
    "`````\"\"\"\"......!!!!!!?????? I've been 'told he's there, 'RE you sure? 'M not sure I'll"
    " make it, 'D you like some tea? We'Ve a'lL";

struct PreTokenizerHash {
  const char* hash;
  const char* name;
};
const PreTokenizerHash kPreTokenizerHashes[] = {
    {"b6e8e1518dc4305be2fe39c313ed643381c4da5db34a98f6a04c093f8afbe99b", "chatglm-bpe"},
    {"81d72c7348a9f0ebe86f23298d37debe0a5e71149e29bd283904c02262b27516", "chatglm-bpe"},
    {"a1336059768a55c99a734006ffb02203cd450fed003e9a71886c88acf24fdbc2", "glm4"},
    {"9ca2dd618e8afaf09731a7cf6e2105b373ba6a1821559f258b272fe83e6eb902", "glm4"},
    {"cdf5f35325780597efd76153d4d1c16778f766173908894c04afc20108536267", "glm4"},
    {"1431a23e583c97432bc230bff598d103ddb5a1f89960c8f1d1051aaa944d0b35", "minerva-7b"},
    {"7e57df22b1fe23a7b1e1c7f3dc4e3f96d43a4eb0836d0c6bdc3436d7b2f1c664", "hunyuan"},
    {"bba3b3366b646dbdded5dbc42d59598b849371afc42f7beafa914afaa5b70aa6", "hunyuan-dense"},
    {"a6b57017d60e6edb4d88ecc2845188e0eb333a70357e45dcc9b53964a73bbae6", "falcon-h1"},
    {"60476e1243776c4fb1b993dbd7a5f15ac22f83c80afdf425fa5ae01c8d44ef86", "falcon-h1"},
    {"3eda48b4c4dc7de733d1a8b3e3b4a85243dbbf704da2ee9d42c6beced8897896", "falcon-h1"},
    {"48f8e02c0359c0bbdd82f26909171fac1c18a457bb47573ed1fe3bbb2c1cfd4b", "falcon-h1"},
    {"81212dc7cdb7e0c1074ca62c5aeab0d43c9f52b8a737be7b12a777c953027890", "kimi-k2"},
    {"d4540891389ea895b53b399da6ac824becc30f2fba0e9ddbb98f92e55ca0e97c", "qwen2"},
    {"1444df51289cfa8063b96f0e62b1125440111bc79a52003ea14b6eac7016fd5f", "qwen35"},
    {"66b8d4e19ab16c3bfd89bce5d785fb7e0155e8648708a1f42077cb9fe002c273", "grok-2"},
    {"b3d1dd861f1d4c5c0d2569ce36baf3f90fe8a102db3de50dd71ff860d91be3df", "jina-v2-de"},
    {"0fe1cf6eda062318a1af7270f3331a85c539a01778ff948e24388e949c5282f4", "gpt-2"},
    {"9e454714343b69b99b71795c1d27a68c2a1d15dab111f4d353109f966af29da7", "lfm2"},
    {"0ef9807a4087ebef797fc749390439009c3b9eda9ad1a097abbe738f486c01e5", "llama-bpe"},
    {"049ecf7629871e3041641907f3de7c733e4dbfdc736f57d882ba0b0845599754", "deepseek-llm"},
    {"347715f544604f9118bb75ed199f68779f423cabb20db6de6f31b908d04d7821", "deepseek-coder"},
    {"8aeee3860c56296a157a1fe2fad249ec40aa59b1bb5709f4ade11c4e6fe652ed", "falcon"},
    {"0876d13b50744004aa9aeae05e7b0647eac9d801b5ba4668afc01e709c15e19f", "bert-bge"},
    {"9d032fcbd5501f4a38150912590928bfb36091efb5df11b8e2124b0390e3fb1e", "falcon3"},
    {"8e62295832751ca1e8f92f2226f403dea30dc5165e448b5bfa05af5340c64ec7", "bert-bge-large"},
    {"b6dc8df998e1cfbdc4eac8243701a65afe638679230920b50d6f17d81c098166", "mpt"},
    {"35d91631860c815f952d711435f48d356ebac988362536bed955d43bfa436e34", "starcoder"},
    {"3ce83efda5659b07b1ad37ca97ca5797ea4285d9b9ab0dc679e4a720c9da7454", "gpt-2"},
    {"32d85c31273f8019248f2559fed492d929ea28b17e51d81d3bb36fff23ca72b3", "stablelm2"},
    {"6221ad2852e85ce96f791f476e0b390cf9b474c9e3d1362f53a24a06dc8220ff", "refact"},
    {"9c2227e4dd922002fb81bde4fc02b0483ca4f12911410dee2255e4987644e3f8", "command-r"},
    {"d772b220ace2baec124bed8cfafce0ead7d6c38a4b65ef11261cf9d5d62246d1", "tiny_aya"},
    {"52df12b4c8d4176e7481aab4b6e8454d1fd0a210a04a574f6d4e067d10e23c3e", "cohere2moe"},
    {"e636dc30a262dcc0d8c323492e32ae2b70728f4df7dfe9737d9f920a282b8aea", "qwen2"},
    {"b6dc8df998e1cfbdc4eac8243701a65afe638679230920b50d6f17d81c098166", "olmo"},
    {"a8594e3edff7c29c003940395316294b2c623e09894deebbc65f33f1515df79e", "dbrx"},
    {"c7699093ba4255a91e702aa38a596aa81669f3525dae06c2953267dde580f448", "jina-v1-en"},
    {"0876d13b50744004aa9aeae05e7b0647eac9d801b5ba4668afc01e709c15e19f", "jina-v2-en"},
    {"171aeeedd6fb548d418a7461d053f11b6f1f1fc9b387bd66640d28a4b9f5c643", "jina-v2-es"},
    {"27949a2493fc4a9f53f5b9b029c82689cfbe5d3a1929bb25e043089e28466de6", "jina-v2-de"},
    {"a023e9fdc5a11f034d3ef515b92350e56fb2af1f66c6b6811a4444ea9bf8763d", "jina-v5-nano"},
    {"c136ed14d01c2745d4f60a9596ae66800e2b61fa45643e72436041855ad4089d", "smaug-bpe"},
    {"c7ea5862a53e4272c035c8238367063e2b270d51faa48c0f09e9d5b54746c360", "poro-chat"},
    {"7967bfa498ade6b757b064f31e964dddbb80f8f9a4d68d4ba7998fcf281c531a", "jina-v2-code"},
    {"7fc505bd3104ca1083b150b17d088b59534ede9bde81f0dd2090967d7fe52cee", "viking"},
    {"b53802fb28e26d645c3a310b34bfe07da813026ec7c7716883404d5e0f8b1901", "jais"},
    {"bc5108ee1eb6a3d600cadd065f63190fbd0554dbc9e4bbd6a0d977970afc8d2a", "jais-2"},
    {"7b3e7548e4308f52a76e8229e4e6cc831195d0d1df43aed21ac6c93da05fec5f", "codeshell"},
    {"63b97e4253352e6f357cc59ea5b583e3a680eaeaf2632188c2b952de2588485e", "tekken"},
    {"855059429035d75a914d1eda9f10a876752e281a054a7a3d421ef0533e5b6249", "smollm"},
    {"3c30d3ad1d6b64202cd222813e7736c2db6e1bd6d67197090fc1211fbc612ae7", "bloom"},
    {"bc01ce58980e1db43859146dc51b1758b3b88729b217a74792e9f8d43e479d21", "gpt3-finnish"},
    {"4e2b24cc4770243d65a2c9ec19770a72f08cffc161adbb73fcbb6b7dd45a0aae", "exaone"},
    {"fcace8b9cac38ce847670c970cd5892031a753a1ef381abd1d9af00f713da085", "phi-2"},
    {"60824e3c0d9401f89943cbb2fff727f0e2d4c545ba4df2d6e4f09a6db0f5b450", "chameleon"},
    {"8b5a93ed704057481f240da0be7e7dca721d7f8f4755263b6807227a2cbeae65", "roberta-bpe"},
    {"ad851be1dba641f2e3711822f816db2c265f788b37c63b4e1aeacb9ee92de8eb", "gigachat"},
    {"d4c8f286ea6b520b3d495c4455483cfa2302c0cfcd4be05d781b6a8a0a7cdaf1", "megrez"},
    {"877081d19cf6996e2c4ff0e1236341e9b7bde288f5311a56a937f0afbbb3aeb5", "deepseek-v3"},
    {"b3f499bb4255f8ca19fccd664443283318f2fd2414d5e0b040fbdd0cc195d6c5", "deepseek-r1-qwen"},
    {"ccc2ef013c104be7bae2965776d611e1d7a8a2a9c547dd93a682c9a9fc80352e", "gpt-4o"},
    {"7dec86086fcc38b66b7bc1575a160ae21cf705be7718b9d5598190d7c12db76f", "superbpe"},
    {"1994ffd01900cfb37395608534236ecd63f2bd5995d6cb1004dda1af50240f15", "trillion"},
    {"96a5f08be6259352137b512d4157e333e21df7edd3fcd152990608735a65b224", "bailingmoe"},
    {"d353350c764d8c3b39c763113960e4fb4919bea5fbf208a0e3b22e8469dc7406", "llama4"},
    {"0e9433cbbb161f89e264eb32e8e64bfe69e834973ffca5d41d3948a604a3e2a3", "pixtral"},
    {"d5f1dd6f980fec569fb218a81a7658ac45fc56b38c5a0adeb1c232fbe04ef5ec", "seed-coder"},
    {"b0a6b1c0bd5998ebd9df08611efde34a4ff03faed45ae09c43e6b31ebd4b94cf", "a.x-4.0"},
    {"f6791d196f87ce6b56a7d234be618e0d58f8cda3549416635b2bebcd22cd95c4", "midm-2.0"},
    {"169bf0296a13c4d9b7672313f749eb36501d931022de052aad6e36f2bf34dd51", "lfm2"},
    {"2085e1638f6c377a0aa4ead21b27bb4cb941bf800df86ed391011769c1758dfb", "exaone4"},
    {"a1e163ecab2e718a4c829d1148b6e86824ec36163bb71941c3dca9cd5ac25756", "mellum"},
    {"a0b64b4385f123663873756336c085744376d015ff328bb1d901598f63c44152", "modern-bert"},
    {"49fc0303c9e0d2c2c565c510f64b2d9b271276acdcdadff733249eda9f7d59df", "afmoe"},
    {"9b1be57e70d20d9501b2b3186e792d81181ae36ada3903c26f9fea418cf87206", "bailingmoe2"},
    {"53e325976a6e142379c19b09afcae354f2f496f147afa8f9e189a33fe4e3024e", "granite-docling"},
    {"f4f37b6c8eb9ea29b3eac6bb8c8487c5ab7885f8d8022e67edc1c68ce8403e95", "minimax-m2"},
    {"4a2e2abae11ca2b86d570fc5b44be4d5eb5e72cc8f22dd136a94b37da83ab665", "kormo"},
    {"9d70134b369a70e5735009b6de918f7581b5211f7c074d1f89f753aea8248af1", "youtu"},
    {"16389f0a1f51ee53e562ffd51c371dc508639ab0e4261502071836e50e223e91", "solar-open"},
    {"6c81ce329e0802883b22eabab0d3fa48357337ef1ecb45443828bf1f6254833f", "exaone-moe"},
    {"d30d75d9059f1aa2c19359de71047b3ae408c70875e8a3ccf8c5fba56c9d8af4", "qwen35"},
    {"b4b8ca1f9769494fbd956ebc4c249de6131fb277a4a3345a7a92c7dd7a55808d", "joyai-llm"},
    {"e4d54df1ebc1f2b91acd986c5b51aa50837d5faf7c7398e73c1f9e9ee5d19869", "kanana2"},
    {"862f827721df956049dff5ca81a57f29e575280bc622e290d3bf4e35eca29015", "f2llmv2"},
    {"62f6fb0a6fd5098caeabb19b07a5c1099cafc8b9c40eab6ea89ece4ec02fbc57", "sarvam-moe"},
    {"f728162c1315c26e40249849799b4ba3fe584c32084b4795b03eb295e63cb5af", "talkie"},
    {"36f3066e97b7f3994b379aaacde306c1444c6ae84e81a5ae3cd2b7ed3b8c42d4", "minicpm5"},
    {"f241072145675bf8322086f115aebad05e9f869557a238bf2150a2a417d1bf60", "granite-embed-multi-97m"},
    {"789696f5946cc0fc59371f39f6097cafed196b3acded6140432f26bbb1ae1669", "granite-embed-multi-311m"},
    {"9dcf830ee9990cdbf78cc523a5f7bd9ad8f3f9890c2d3581d2785ad10f07049d", "mellum2"},
    {"972da7b59cec44d1f0a490a86c96df53859e486e481563e5dddac155013d87ac", "laguna"}
};

// gguf's TokenType.
enum TokenType : std::int32_t { kNormal = 1, kUnknown = 2, kControl = 3, kUserDefined = 4, kUnused = 5, kByte = 6 };

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(msg::Export::gguf_file_unreadable, path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(msg::Export::gguf_json_invalid, path, e.what());
  }
}

// The converter's does_token_look_special: added tokens some models forget to mark special.
bool looks_special(const std::string& token) {
  auto starts = [&](const char* prefix) { return starts_with(token, prefix); };
  auto ends = [&](const char* suffix) { return ends_with(token, suffix); };
  if (token == "<pad>" || token == "<mask>" || token == "<2mass>" || token == "[@BOS@]") return true;
  if (starts("<|") && ends("|>")) return true;
  if (starts("\xef\xbd\x9c") && ends("\xef\xbd\x9c>")) return true;  // <｜...｜> (deepseek)
  if (starts("<\xef\xbd\x9c") && ends("\xef\xbd\x9c>")) return true;
  if (starts("<unused") && ends(">")) return true;
  return false;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

struct AddedTokenFlags {
  bool special = false;
};

// --- tokenizer.model: sentencepiece's ModelProto, read directly (pieces: field 1; in each piece the
// text is field 1, the score field 2 (float), the type field 3: NORMAL 1, UNKNOWN 2, CONTROL 3,
// USER_DEFINED 4, UNUSED 5, BYTE 6). ---
struct SentencePiece {
  std::string piece;
  float score = 0.0f;
  int type = 1;
};

class ProtoReader {
 public:
  ProtoReader(const std::string& bytes, size_t begin, size_t end) : bytes_(bytes), at_(begin), end_(end) {}
  bool done() const { return at_ >= end_; }
  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64 && at_ < end_; shift += 7) {
      const auto byte = static_cast<unsigned char>(bytes_[at_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return value;
    }
    throw std::runtime_error("truncated varint");
  }
  // Skips or returns a field's payload bounds.
  void skip(int wire) {
    if (wire == 0) varint();
    else if (wire == 1) advance(8);
    else if (wire == 5) advance(4);
    else if (wire == 2) advance(static_cast<size_t>(varint()));
    else throw std::runtime_error("unsupported wire type");
  }
  std::pair<size_t, size_t> bytes_field() {
    const size_t size = static_cast<size_t>(varint());
    const size_t begin = at_;
    advance(size);
    return {begin, begin + size};
  }
  float fixed32_float() {
    if (at_ + 4 > end_) throw std::runtime_error("truncated float");
    float value;
    std::memcpy(&value, bytes_.data() + at_, 4);
    at_ += 4;
    return value;
  }

 private:
  void advance(size_t size) {
    if (size > end_ - at_) throw std::runtime_error("truncated field");
    at_ += size;
  }
  const std::string& bytes_;
  size_t at_, end_;
};

std::vector<SentencePiece> read_sentencepiece_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(msg::Export::gguf_file_unreadable, path);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<SentencePiece> pieces;
  try {
    ProtoReader model(bytes, 0, bytes.size());
    while (!model.done()) {
      const std::uint64_t key = model.varint();
      const int field = static_cast<int>(key >> 3), wire = static_cast<int>(key & 7);
      if (field != 1 || wire != 2) {
        model.skip(wire);
        continue;
      }
      const auto [begin, end] = model.bytes_field();
      ProtoReader entry(bytes, begin, end);
      SentencePiece piece;
      while (!entry.done()) {
        const std::uint64_t entry_key = entry.varint();
        const int entry_field = static_cast<int>(entry_key >> 3), entry_wire = static_cast<int>(entry_key & 7);
        if (entry_field == 1 && entry_wire == 2) {
          const auto [text_begin, text_end] = entry.bytes_field();
          piece.piece = bytes.substr(text_begin, text_end - text_begin);
        } else if (entry_field == 2 && entry_wire == 5) {
          piece.score = entry.fixed32_float();
        } else if (entry_field == 3 && entry_wire == 0) {
          piece.type = static_cast<int>(entry.varint());
        } else {
          entry.skip(entry_wire);
        }
      }
      pieces.push_back(std::move(piece));
    }
  } catch (const std::runtime_error& e) {
    throw Error(msg::Export::gguf_sentencepiece_invalid, path, e.what());
  }
  return pieces;
}

}  // namespace

std::string tokenizer_pre_name(const Tokenizer& tokenizer, std::string* hash_out) {
  const std::vector<int32_t> ids = tokenizer.encode(std::string(kCheckText, sizeof(kCheckText) - 1), true);
  // Python's str(list): "[1, 2, 3]".
  std::string text = "[";
  for (size_t i = 0; i < ids.size(); ++i) text += (i ? ", " : "") + std::to_string(ids[i]);
  text += "]";
  const std::string hash = sha256_hex(text);
  if (hash_out) *hash_out = hash;
  for (const PreTokenizerHash& entry : kPreTokenizerHashes)
    if (hash == entry.hash) return entry.name;
  return "";
}

namespace {

// tokenizer_config.json's added_tokens_decoder: id -> (content, special).
std::map<int32_t, std::pair<std::string, bool>> config_added_tokens(const std::string& model_dir) {
  std::map<int32_t, std::pair<std::string, bool>> added;
  const std::string config_path = (fs::path(model_dir) / "tokenizer_config.json").string();
  std::error_code ec;
  if (!fs::exists(config_path, ec)) return added;
  const nlohmann::json config = read_json(config_path);
  if (!config.contains("added_tokens_decoder") || !config["added_tokens_decoder"].is_object()) return added;
  for (const auto& [key, entry] : config["added_tokens_decoder"].items()) {
    if (!entry.is_object() || !entry.contains("content") || !entry["content"].is_string()) continue;
    try {
      added[std::stoi(key)] = {entry["content"].get<std::string>(), entry.value("special", false)};
    } catch (const std::exception&) {
    }
  }
  return added;
}

// Special token ids, add_bos/add_eos as our tokenizer adds them, and the chat template.
void write_special_tokens(GgufWriter& writer, const Tokenizer& tokenizer, const TokenizerMetadataOptions& options,
                          int64_t vocab_size) {
  const TokenizerConfig& config = tokenizer.config();
  auto first_or = [](const std::vector<std::int64_t>& ids) -> int64_t { return ids.empty() ? -1 : ids.front(); };
  const int64_t bos = config.bos_id >= 0 ? config.bos_id : first_or(options.config_bos_ids);
  const int64_t eos = config.eos_id >= 0 ? config.eos_id : first_or(options.config_eos_ids);
  if (bos >= 0 && bos < vocab_size) writer.add_uint32("tokenizer.ggml.bos_token_id", static_cast<uint32_t>(bos));
  if (eos >= 0 && eos < vocab_size) writer.add_uint32("tokenizer.ggml.eos_token_id", static_cast<uint32_t>(eos));
  if (config.unk_id >= 0 && config.unk_id < vocab_size)
    writer.add_uint32("tokenizer.ggml.unknown_token_id", static_cast<uint32_t>(config.unk_id));
  if (config.pad_id >= 0 && config.pad_id < vocab_size)
    writer.add_uint32("tokenizer.ggml.padding_token_id", static_cast<uint32_t>(config.pad_id));

  // What our tokenize adds around a text (the post-processor / add_bos_token), measured.
  const std::vector<int32_t> plain = tokenizer.encode("a", false);
  const std::vector<int32_t> with_special = tokenizer.encode("a", true);
  bool add_bos = false, add_eos = false;
  if (with_special.size() > plain.size()) {
    add_bos = bos >= 0 && with_special.front() == bos && (plain.empty() || plain.front() != bos);
    add_eos = eos >= 0 && with_special.back() == eos && (plain.empty() || plain.back() != eos);
  }
  writer.add_bool("tokenizer.ggml.add_bos_token", add_bos);
  writer.add_bool("tokenizer.ggml.add_eos_token", add_eos);

  const std::string& chat_template = options.chat_template.empty() ? config.chat_template : options.chat_template;
  if (!chat_template.empty()) writer.add_string("tokenizer.chat_template", chat_template);
}

// tokenizer.model as the converter's _create_vocab_sentencepiece reads it (tokenizer.ggml.model "llama").
std::string write_sentencepiece_metadata(GgufWriter& writer, const Tokenizer& tokenizer,
                                         const TokenizerMetadataOptions& options) {
  const std::string model_path = (fs::path(options.model_dir) / "tokenizer.model").string();
  const std::vector<SentencePiece> pieces = read_sentencepiece_model(model_path);
  const int64_t vocab_size = options.vocab_size > 0 ? options.vocab_size : static_cast<int64_t>(pieces.size());
  std::vector<std::string> tokens;
  std::vector<float> scores(static_cast<size_t>(vocab_size), -10000.0f);
  std::vector<int32_t> types(static_cast<size_t>(vocab_size), kUnused);
  for (int64_t id = 0; id < vocab_size; ++id) tokens.push_back("[PAD" + std::to_string(id) + "]");
  for (size_t id = 0; id < pieces.size(); ++id) {
    if (static_cast<int64_t>(id) >= vocab_size)
      throw Error(msg::Export::gguf_tokenizer_larger_than_model, model_path, std::to_string(id),
                  std::to_string(vocab_size));
    const int type = pieces[id].type;
    tokens[id] = pieces[id].piece;
    scores[id] = pieces[id].score;
    // sentencepiece's IsUnknown / IsControl / IsUnused / IsByte; anything else (user-defined too) NORMAL.
    types[id] = type == kUnknown || type == kControl || type == kUnused || type == kByte ? type : kNormal;
  }
  const std::string added_path = (fs::path(options.model_dir) / "added_tokens.json").string();
  std::error_code ec;
  if (fs::exists(added_path, ec)) {
    const nlohmann::json added = read_json(added_path);
    if (added.is_object())
      for (const auto& [content, id_value] : added.items()) {
        if (!id_value.is_number_integer()) continue;
        const int64_t id = id_value.get<int64_t>();
        if (id < 0 || id >= vocab_size) continue;
        tokens[id] = content;
        scores[id] = -1000.0f;
        types[id] = kUserDefined;
      }
  }
  for (const auto& [id, entry] : config_added_tokens(options.model_dir)) {
    if (id < 0 || id >= vocab_size) continue;
    const auto& [content, special] = entry;
    if (special || looks_special(content)) {
      tokens[id] = content;
      types[id] = kControl;
    } else {
      tokens[id] = replace_all(content, "\xe2\x96\x81", " ");  // pre-normalised spaces, as the converter
      types[id] = kUserDefined;
    }
    scores[id] = -1000.0f;
  }
  writer.add_string("tokenizer.ggml.model", "llama");
  writer.add_string("tokenizer.ggml.pre", "default");
  writer.add_string_array("tokenizer.ggml.tokens", tokens);
  writer.add_float32_array("tokenizer.ggml.scores", scores);
  writer.add_int32_array("tokenizer.ggml.token_type", types);
  write_special_tokens(writer, tokenizer, options, vocab_size);
  return "default";
}

}  // namespace

std::string write_tokenizer_metadata(GgufWriter& writer, const Tokenizer& tokenizer,
                                     const TokenizerMetadataOptions& options) {
  const std::string json_path = (fs::path(options.model_dir) / "tokenizer.json").string();
  if (tokenizer.kind() == "sentencepiece") return write_sentencepiece_metadata(writer, tokenizer, options);
  if (tokenizer.kind() != "tokenizer.json")
    throw Error(msg::Export::gguf_tokenizer_unsupported, options.model_dir, tokenizer.kind());
  const nlohmann::json root = read_json(json_path);
  const nlohmann::json& model = root.contains("model") ? root["model"] : nlohmann::json::object();
  if (model.value("type", std::string("BPE")) != "BPE" || model.value("byte_fallback", false))
    throw Error(msg::Export::gguf_tokenizer_not_byte_level, json_path);

  // Added tokens and whether each is special: tokenizer.json's, then tokenizer_config.json's.
  std::map<int32_t, AddedTokenFlags> added;
  if (root.contains("added_tokens") && root["added_tokens"].is_array())
    for (const auto& entry : root["added_tokens"])
      if (entry.is_object() && entry.contains("id") && entry["id"].is_number_integer())
        added[entry["id"].get<int32_t>()].special = entry.value("special", false);
  for (const auto& [id, entry] : config_added_tokens(options.model_dir))
    if (!added.count(id)) added[id].special = entry.second;

  const int32_t tokenizer_size = tokenizer.vocab_size();
  const int64_t vocab_size = options.vocab_size > 0 ? options.vocab_size : tokenizer_size;
  std::vector<std::string> tokens;
  std::vector<int32_t> types;
  tokens.reserve(static_cast<size_t>(vocab_size));
  types.reserve(static_cast<size_t>(vocab_size));
  for (int64_t id = 0; id < vocab_size; ++id) {
    const std::string token = id < tokenizer_size ? tokenizer.id_to_token(static_cast<int32_t>(id)) : "";
    const auto added_it = added.find(static_cast<int32_t>(id));
    if (token.empty() && added_it == added.end()) {
      tokens.push_back("[PAD" + std::to_string(id) + "]");
      types.push_back(kUnused);
    } else if (added_it != added.end()) {
      if (added_it->second.special || looks_special(token)) {
        tokens.push_back(token);
        types.push_back(kControl);
      } else {
        tokens.push_back(replace_all(token, "\xe2\x96\x81", " "));  // pre-normalised spaces, as the converter
        types.push_back(kUserDefined);
      }
    } else {
      tokens.push_back(token);
      types.push_back(kNormal);
    }
  }
  for (int32_t id = static_cast<int32_t>(vocab_size); id < tokenizer_size; ++id)
    if (!tokenizer.id_to_token(id).empty())
      throw Error(msg::Export::gguf_tokenizer_larger_than_model, json_path, std::to_string(id),
                  std::to_string(vocab_size));

  std::string hash;
  const std::string pre = tokenizer_pre_name(tokenizer, &hash);
  if (pre.empty()) throw Error(msg::Export::gguf_tokenizer_pre_unknown, json_path, hash);

  // Merges: "a b" strings, or [a, b] pairs (transformers >= 4.45), whose spaces the converter
  // writes as U+0120 so that the pair still splits at the one real space.
  std::vector<std::string> merges;
  if (model.contains("merges") && model["merges"].is_array()) {
    merges.reserve(model["merges"].size());
    for (const auto& merge : model["merges"]) {
      if (merge.is_string()) {
        merges.push_back(merge.get<std::string>());
      } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
        merges.push_back(replace_all(merge[0].get<std::string>(), " ", "\xc4\xa0") + " " +
                         replace_all(merge[1].get<std::string>(), " ", "\xc4\xa0"));
      }
    }
  }

  writer.add_string("tokenizer.ggml.model", "gpt2");
  writer.add_string("tokenizer.ggml.pre", pre);
  writer.add_string_array("tokenizer.ggml.tokens", tokens);
  writer.add_int32_array("tokenizer.ggml.token_type", types);
  writer.add_string_array("tokenizer.ggml.merges", merges);
  write_special_tokens(writer, tokenizer, options, vocab_size);
  return pre;
}

}  // namespace lora::gguf
