// Reference encoder for test_tokenizer_json: the @lenml/tokenizers port of Hugging Face
// tokenizers (transformers.js) run on a tokenizer folder.
//
//   node tokenize_reference.mjs TOKENIZER_DIR < strings.json > ids.json
//
// stdin: a JSON array of strings. stdout: one JSON object
//   {"with_special": [[ids]...], "without_special": [[ids]...],
//    "decoded": [text...], "decoded_skip_special": [text...]}
// where decoded* decode the with_special ids (without clean-up of tokenization spaces).
// TOKENIZER_DIR holds tokenizer.json and, optionally, tokenizer_config.json.
import fs from "node:fs";
import path from "node:path";
import { TokenizerLoader } from "@lenml/tokenizers";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node tokenize_reference.mjs TOKENIZER_DIR < strings.json");
  process.exit(2);
}
const tokenizerJSON = JSON.parse(fs.readFileSync(path.join(dir, "tokenizer.json"), "utf8"));
const configPath = path.join(dir, "tokenizer_config.json");
const tokenizerConfig = fs.existsSync(configPath) ? JSON.parse(fs.readFileSync(configPath, "utf8")) : {};
const tokenizer = TokenizerLoader.fromPreTrained({ tokenizerJSON, tokenizerConfig });

const strings = JSON.parse(fs.readFileSync(0, "utf8"));
const result = { with_special: [], without_special: [], decoded: [], decoded_skip_special: [] };
for (const text of strings) {
  const ids = tokenizer.encode(text);
  result.with_special.push(ids);
  result.without_special.push(tokenizer.encode(text, { add_special_tokens: false }));
  // (The port refuses to decode an empty list; Hugging Face gives "".)
  const decode = (skip) =>
    ids.length === 0 ? "" : tokenizer.decode(ids, { skip_special_tokens: skip, clean_up_tokenization_spaces: false });
  result.decoded.push(decode(false));
  result.decoded_skip_special.push(decode(true));
}
// U+FEFF goes out escaped: Qt's JSON parser drops it from the start of a string otherwise.
process.stdout.write(JSON.stringify(result).replace(/\uFEFF/g, "\\ufeff"));
