// Reference peer for the GGUF export tests: llama.cpp itself (the prebuilt CPU library shipped by the npm package
// node-llama-cpp, pinned in package.json) and an independent GGUF parser (@huggingface/gguf).
//
//   node gguf_reference.mjs '<request JSON>'      or      node gguf_reference.mjs < request.json
//
// Request (one JSON object; every field but "gguf" is optional):
//   {
//     "gguf": "/path/model.gguf",            the file to check
//     "lora": ["/path/adapter.gguf", {"path": "/path/b.gguf", "scale": 0.5}],
//                                            llama.cpp LoRA adapter GGUFs applied on top (scale defaults to 1)
//     "tokenize": ["text", ...],             texts to tokenize with llama.cpp's tokenizer
//     "prompt": "text"  or  "prompt_tokens": [ids],
//                                            what to evaluate; "prompt" is tokenized like "with_special" below
//     "n_predict": 0,                        greedy tokens to generate after the prompt (stops early at an
//                                            end-of-generation token, which is included in the output)
//     "logprobs": "last",                    "last": the distribution after the last prompt token;
//                                            "all": the one each generated token was chosen from; "none"
//     "threads": 1,                          llama.cpp threads (1 keeps results deterministic on any machine)
//     "context_size": 0,                     0: prompt + n_predict, at least 256
//     "metadata": true,                      read the file with @huggingface/gguf
//     "metadata_arrays": "full",             "full": array values in full; "summary": {"length", "head": first 8}
//     "load": true                           false: only the @huggingface/gguf part (no llama.cpp)
//   }
//
// Output (stdout, one JSON object; fields appear only when asked for):
//   {
//     "llama_cpp": {"release": "b....", "build": "prebuilt", "gpu": false, "node_llama_cpp": "3.21.1"},
//     "metadata": {                          as @huggingface/gguf reads it
//       "version": 3, "architecture": "llama", "tensor_data_offset": N,
//       "kv": {"general.architecture": "llama", ...},        every key except "version", tensor_count, kv_count
//       "kv_types": {"general.architecture": "STRING", "tokenizer.ggml.tokens": "ARRAY<STRING>", ...},
//       "tensors": [{"name": "token_embd.weight", "type": "F16", "shape": [n_embd, n_vocab], "offset": N}, ...]
//     },                                     shapes in GGUF order: the first number is the innermost (row) size
//     "vocab": {"n_tokens", "bos", "eos", "eot", "add_bos", "add_eos"},        token ids or null; n_tokens (the
//                                            logits' length) only when a prompt was evaluated
//     "tokenize": [{"text": "...",
//                   "with_special": [ids],   add_bos/add_eos applied as llama_tokenize(add_special=true) does,
//                                            special tokens in the text parsed (like HF encode())
//                   "without_special": [ids],  no BOS/EOS added, special tokens in the text parsed
//                   "plain": [ids]}],        no BOS/EOS, special-token text tokenized as ordinary text
//     "prompt_tokens": [ids],
//     "logprobs": [[...n_vocab numbers]],    log-softmax of llama.cpp's logits (float32 softmax, as the library
//                                            gives it): logits minus a per-position constant; null where the
//                                            probability underflowed to 0. One row per step asked for.
//     "top": [[{"token": id, "logprob": x}, ... 10]],                          per row of "logprobs"
//     "continuation": {"tokens": [ids], "text": "...", "text_with_special": "...", "stop": "eog" | "length"}
//   }
// Errors: a message on stderr and exit status 1.
//
// llama.cpp is run as the tests need it: CPU only (getLlama({gpu: false, build: "never"}): the prebuilt binaries,
// never a download or a source build), an F32 KV cache (its default, F16, rounds K and V), flash attention off,
// greedy sampling with no penalties, the given thread count.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

function fail(message) {
  process.stderr.write(`gguf_reference: ${message}\n`);
  process.exit(1);
}

function readRequest() {
  const text = process.argv[2] !== undefined ? process.argv[2] : fs.readFileSync(0, "utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    fail(`the request is not JSON: ${e.message}`);
  }
}

// JSON cannot hold BigInt; GGUF u64/i64 values and offsets come back as BigInt.
function plain(value, arrays) {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) {
    if (arrays === "summary" && value.length > 8)
      return { length: value.length, head: value.slice(0, 8).map((v) => plain(v, arrays)) };
    return value.map((v) => plain(v, arrays));
  }
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v, arrays);
    return out;
  }
  return value;
}

async function readMetadata(file, arrays) {
  const { gguf, GGUFValueType, GGMLQuantizationType } = await import("@huggingface/gguf");
  const parsed = await gguf(file, { allowLocalFile: true, typedMetadata: true });
  const kv = {};
  const kvTypes = {};
  for (const [key, entry] of Object.entries(parsed.typedMetadata)) {
    if (key === "version" || key === "tensor_count" || key === "kv_count") continue;
    kv[key] = plain(entry.value, arrays);
    const typeName = GGUFValueType[entry.type];
    kvTypes[key] = entry.subType !== undefined ? `${typeName}<${GGUFValueType[entry.subType]}>` : typeName;
  }
  return {
    version: Number(parsed.metadata.version),
    architecture: parsed.metadata["general.architecture"] ?? null,
    tensor_data_offset: Number(parsed.tensorDataOffset),
    kv,
    kv_types: kvTypes,
    tensors: parsed.tensorInfos.map((t) => ({
      name: t.name,
      type: GGMLQuantizationType[t.dtype] ?? `type_${t.dtype}`,
      shape: t.shape.map(Number),
      offset: Number(t.offset),
    })),
  };
}

function loraList(lora) {
  if (lora === undefined || lora === null) return [];
  const list = Array.isArray(lora) ? lora : [lora];
  return list.map((item) => {
    const entry = typeof item === "string" ? { path: item } : item;
    if (!entry || typeof entry.path !== "string") fail(`each "lora" entry must be a path or {"path", "scale"}`);
    if (!fs.existsSync(entry.path)) fail(`LoRA adapter ${entry.path} does not exist`);
    return { filePath: path.resolve(entry.path), scale: entry.scale ?? 1 };
  });
}

function tokenizeWithSpecial(model, text) {
  // node-llama-cpp's tokenize() never adds BOS/EOS; llama_tokenize(add_special=true) adds them per the vocab's
  // add_bos / add_eos flags (tokenizer.ggml.add_bos_token / add_eos_token), as done here.
  const ids = [...model.tokenize(text, true)];
  if (model.tokens.shouldPrependBosToken && model.tokens.bos !== null) ids.unshift(model.tokens.bos);
  if (model.tokens.shouldAppendEosToken && model.tokens.eos !== null) ids.push(model.tokens.eos);
  return ids;
}

function logprobRow(probabilities, nVocab) {
  const row = new Array(nVocab).fill(null);
  const top = [];
  for (const [token, p] of probabilities) {
    // The map is sorted by probability, highest first.
    const value = p > 0 ? Math.log(p) : null;
    row[token] = value;
    if (top.length < 10) top.push({ token, logprob: value });
  }
  return { row, top };
}

async function runLlama(request, output) {
  const packageJson = JSON.parse(fs.readFileSync(path.join(here, "node_modules/node-llama-cpp/package.json"), "utf8"));
  const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
  const threads = request.threads ?? 1;
  const llama = await getLlama({
    gpu: false,
    build: "never",
    maxThreads: threads,
    logLevel: LlamaLogLevel.error,
    progressLogs: false,
  });
  output.llama_cpp = {
    release: llama.llamaCppRelease.release,
    build: llama.buildType,
    gpu: llama.gpu,
    node_llama_cpp: packageJson.version,
  };

  const model = await llama.loadModel({ modelPath: path.resolve(request.gguf), gpuLayers: 0, useMmap: true });
  const tokens = model.tokens;
  output.vocab = {
    n_tokens: null,
    bos: tokens.bos,
    eos: tokens.eos,
    eot: tokens.eot,
    add_bos: tokens.shouldPrependBosToken,
    add_eos: tokens.shouldAppendEosToken,
  };

  if (Array.isArray(request.tokenize)) {
    output.tokenize = request.tokenize.map((text) => ({
      text,
      with_special: tokenizeWithSpecial(model, text),
      without_special: [...model.tokenize(text, true)],
      plain: [...model.tokenize(text, false)],
    }));
  }

  let prompt = null;
  if (Array.isArray(request.prompt_tokens)) prompt = request.prompt_tokens.map(Number);
  else if (typeof request.prompt === "string") prompt = tokenizeWithSpecial(model, request.prompt);
  if (prompt !== null) {
    if (prompt.length === 0) fail("the prompt has no tokens");
    output.prompt_tokens = prompt;
    const nPredict = request.n_predict ?? 0;
    const logprobsMode = request.logprobs ?? "last";
    const contextSize = request.context_size || Math.max(256, prompt.length + nPredict + 1);
    const context = await model.createContext({
      contextSize,
      batchSize: contextSize,
      sequences: 1,
      threads: { ideal: threads, min: threads },
      flashAttention: false,
      experimentalKvCacheKeyType: "F32",
      experimentalKvCacheValueType: "F32",
      lora: request.lora ? { adapters: loraList(request.lora) } : undefined,
      failedCreationRemedy: false,
    });
    const sequence = context.getSequence();
    const wantLogprobs = logprobsMode !== "none";
    const generated = [];
    const rows = [];
    const tops = [];
    let stop = "length";
    // Step k yields the greedy token chosen after the prompt and k generated tokens, with the distribution it
    // was chosen from (temperature 0 = llama.cpp's greedy sampler alone, over the full vocabulary).
    const iterator = sequence.evaluateWithMetadata(prompt, { probabilities: wantLogprobs }, {
      temperature: 0,
      yieldEogToken: true,
    });
    for await (const step of iterator) {
      if (wantLogprobs && (rows.length === 0 || logprobsMode === "all")) {
        output.vocab.n_tokens = step.probabilities.size;
        const { row, top } = logprobRow(step.probabilities, step.probabilities.size);
        rows.push(row);
        tops.push(top);
      }
      if (nPredict === 0) break;
      generated.push(step.token);
      if (model.isEogToken(step.token)) {
        stop = "eog";
        break;
      }
      if (generated.length >= nPredict) break;
    }
    if (wantLogprobs) {
      output.logprobs = rows;
      output.top = tops;
    }
    if (nPredict > 0) {
      output.continuation = {
        tokens: generated,
        text: model.detokenize(generated, false),
        text_with_special: model.detokenize(generated, true),
        stop,
      };
    }
    await context.dispose();
  }
  await model.dispose();
  await llama.dispose();
}

const request = readRequest();
if (!request || typeof request.gguf !== "string") fail(`the request needs "gguf": the path of a .gguf file`);
if (!fs.existsSync(request.gguf)) fail(`${request.gguf} does not exist`);
const output = {};
try {
  if (request.metadata !== false) output.metadata = await readMetadata(request.gguf, request.metadata_arrays ?? "full");
  if (request.load !== false) await runLlama(request, output);
} catch (e) {
  fail(e && e.stack ? e.stack : String(e));
}
// U+FEFF goes out escaped: Qt's JSON parser drops it from the start of a string otherwise.
process.stdout.write(JSON.stringify(output).replace(/\uFEFF/g, "\\ufeff") + "\n");
