#include "engine_messages.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QStringList>
#include <algorithm>
#include <vector>

namespace ui {
namespace {

constexpr char kContext[] = "EngineMessage";

// One message shape. `english` is both the pattern (its text literally, each %N a captured part)
// and the translation's source, so the two cannot drift apart. `nested` lists the %N that are
// engine messages themselves. The templates must stay exactly as engine/ writes them:
// tests/test_engine_messages.cpp makes the engine produce the common ones.
struct Shape {
  const char* english;
  std::vector<int> nested;
  // The %N that take the longest text that lets the rest match (a path before a short literal such
  // as ": " or " is ", which the path itself may contain); the others take the shortest.
  std::vector<int> greedy = {};
};

// Parts of messages, matched only inside another message's %N (a whole line ending in " bytes" is
// not the fragment "%1 bytes").
const Shape kFragments[] = {
    {QT_TRANSLATE_NOOP("EngineMessage", "line %1, column %2")},
    {QT_TRANSLATE_NOOP("EngineMessage", "no such file")},
    {QT_TRANSLATE_NOOP("EngineMessage", "a number")},
    {QT_TRANSLATE_NOOP("EngineMessage", "a boolean")},
    {QT_TRANSLATE_NOOP("EngineMessage", "an array")},
    {QT_TRANSLATE_NOOP("EngineMessage", "an object")},
    {QT_TRANSLATE_NOOP("EngineMessage", "a string")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1 bytes")},
    {QT_TRANSLATE_NOOP("EngineMessage", "RAM")},
    {QT_TRANSLATE_NOOP("EngineMessage", "GPU memory")},
    {QT_TRANSLATE_NOOP("EngineMessage", "MemAvailable in /proc/meminfo")},
    {QT_TRANSLATE_NOOP("EngineMessage", "the container's memory limit (cgroup memory.max)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "free memory of CUDA device %1 (of %2)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "choose a smaller model, bfloat16/float16 precision, or the CPU")},
    {QT_TRANSLATE_NOOP("EngineMessage", "choose a smaller model, bfloat16 precision, or close other programs")},
    {QT_TRANSLATE_NOOP("EngineMessage", "the disk is full (No space left on device)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "the disk quota is exhausted")},
    {QT_TRANSLATE_NOOP("EngineMessage", "permission denied (is the folder read-only?)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "the file system is read-only")},
    {QT_TRANSLATE_NOOP("EngineMessage", "the folder does not exist")},
    {QT_TRANSLATE_NOOP("EngineMessage", "cannot write")},
    {QT_TRANSLATE_NOOP("EngineMessage", "cannot flush to disk")},
    {QT_TRANSLATE_NOOP("EngineMessage", "cannot move the new file into place")},
    {QT_TRANSLATE_NOOP("EngineMessage", "infinite")},
    {QT_TRANSLATE_NOOP("EngineMessage", "No checkpoint was saved before it.")},
    {QT_TRANSLATE_NOOP("EngineMessage", "The last good checkpoint is kept: %1")},
    {QT_TRANSLATE_NOOP("EngineMessage", "No checkpoint had been saved.")},
    {QT_TRANSLATE_NOOP("EngineMessage", "The last checkpoint is kept (%1): continue with --resume.")},
    {QT_TRANSLATE_NOOP("EngineMessage", ", or turn on --gradient-checkpointing")},
    {QT_TRANSLATE_NOOP("EngineMessage", "an allocation failed")},
    {QT_TRANSLATE_NOOP("EngineMessage", "no record is usable")},
    {QT_TRANSLATE_NOOP("EngineMessage", "fix them, or let training skip them with --skip-bad-records")},

    {QT_TRANSLATE_NOOP("EngineMessage", "a non-ASCII character")},
    {QT_TRANSLATE_NOOP("EngineMessage", "null")},
};

// First match wins: a specific shape goes before a general one that would also match it.
const Shape kShapes[] = {
    // --- Messages that wrap another one: before every "%1: ..." shape, which would otherwise take
    // the wrapper's words for the path of the message inside ---------------------------------------
    {QT_TRANSLATE_NOOP("EngineMessage", "  record %1 (line %2): %3"), {3}},
    {QT_TRANSLATE_NOOP("EngineMessage", "  record %1: %2"), {2}},
    {QT_TRANSLATE_NOOP("EngineMessage", "skipping a damaged checkpoint: %1"), {1}},
    {QT_TRANSLATE_NOOP("EngineMessage", "invalid training setting: %1"), {1}},

    // --- Model folders ----------------------------------------------------------------------------
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: no config.json (not a Hugging Face model folder)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: not a folder; expected a Hugging Face model folder")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: no such folder; expected a Hugging Face model folder")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: not a folder; expected the base model's Hugging Face folder")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: no such folder; expected the base model's Hugging Face folder")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: model_type \"%2\" is not supported (supported: %3)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: model_type '%2' is not supported (supported: %3)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: hidden_act \"%2\" is not supported (supported: silu)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: missing required field '%2' (%3)")},
    // The JSON reader (engine/core/json_reader.cpp), for every JSON file the engine reads.
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: field '%2' is %3; expected %4"), {}, {1}},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: expected %2, found %3"), {}, {1}},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: not valid JSON: %2"), {}, {1}},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1: no model.safetensors or model.safetensors.index.json (found %2; only those two names are "
                       "loaded, as in Hugging Face transformers, and only safetensors weights)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: no model.safetensors or model.safetensors.index.json")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: shard \"%2\" (holding '%3') is missing: no file %4")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: missing tensor '%2' (expected shape %3)")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1: tensor '%2' has dtype %3; expected F32, BF16 or F16 (quantized checkpoints are not supported)")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1: file is %2 bytes; a safetensors file starts with an 8-byte header length (truncated or not "
                       "safetensors)")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1: header length %2 runs past the end of the file (8 + %3 > %4 bytes; truncated file?)")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1: header length %2 is larger than the %3-byte limit (corrupt or not safetensors)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: header is not valid JSON: %2")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1: tensor '%2' ends at data offset %3, but the file holds only %4 bytes of data after the "
                       "header (truncated file?)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: the model needs %2 of %3 but only %4 is available (%5); %6"), {2, 3, 4, 5, 6}},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "device '%1': CUDA is not available (this libtorch has no CUDA or no GPU is visible)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "device '%1': only %2 CUDA device(s) are visible")},
    {QT_TRANSLATE_NOOP("EngineMessage", "compute dtype float16 is not supported on the CPU (use bfloat16 or float32)")},

    // --- Tokenizers -------------------------------------------------------------------------------
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: holds neither tokenizer.json nor tokenizer.model")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: not a tokenizer file (expected tokenizer.json or tokenizer.model)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: not a sentencepiece model: %2")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: not valid JSON (line %2, column %3): %4")},

    // --- Datasets ---------------------------------------------------------------------------------
    {QT_TRANSLATE_NOOP("EngineMessage", "dataset file %1 does not exist")},
    {QT_TRANSLATE_NOOP("EngineMessage", "dataset %1 is a folder; give a .json, .jsonl or .txt file")},
    {QT_TRANSLATE_NOOP("EngineMessage", "cannot open dataset file %1")},
    {QT_TRANSLATE_NOOP("EngineMessage", "dataset file %1 is empty (it holds only whitespace)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "dataset file %1 is empty")},
    {QT_TRANSLATE_NOOP("EngineMessage", "dataset file %1 is an empty JSON array: it contains no records")},
    {QT_TRANSLATE_NOOP("EngineMessage", "dataset file %1 contains no records")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "dataset file %1 is neither a JSON array nor JSON Lines: it starts with %2 at %3 (a JSON "
                       "dataset starts with '[' or '{'; raw text files must end in .txt)"),
     {2, 3}},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "dataset file %1 is not JSON Lines: the object starting at %2 spans several lines. A dataset is "
                       "either a JSON array of records ([{...}, {...}]) or JSON Lines (one complete record per line)"),
     {2}},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "dataset file %1: invalid JSON: record %2 starting at %3 is never closed (a missing '}' or ']', "
                       "or an unclosed string)"),
     {3}},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "dataset file %1: invalid JSON at %2: expected ',' or ']' after record %3 (which starts at line "
                       "%4), found '%5'"),
     {2}},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1 is not UTF-8: its non-ASCII bytes look like a legacy Chinese/Japanese encoding (GBK/GB18030, "
                       "Big5 or Shift-JIS); first bad byte %2 at %3; save it as UTF-8 (in most editors: Save As... > "
                       "Encoding: UTF-8)"),
     {3}},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1 is %2 encoded, not UTF-8; save it as UTF-8 (in most editors: Save As... > Encoding: UTF-8)"), {}, {1}},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: %2 of %3 record cannot be used (%4):"), {4}, {1}},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: %2 of %3 records cannot be used (%4):"), {4}, {1}},
    {QT_TRANSLATE_NOOP("EngineMessage", "  ... and %1 more")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1 bad records left out of %2:")},
    // One record's reason (the Dataset page shows these beside the record number).
    {QT_TRANSLATE_NOOP("EngineMessage", "field \"%1\" is %2; expected a string"), {2}},
    {QT_TRANSLATE_NOOP("EngineMessage", "has both \"conversations\" and \"messages\"; keep one")},
    {QT_TRANSLATE_NOOP("EngineMessage", "\"%1\" is %2; expected an array of turns"), {2}},
    {QT_TRANSLATE_NOOP("EngineMessage", "empty conversation: \"%1\" has no turns")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1 is from \"%2\"; expected \"system\", \"human\" or \"gpt\"")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1 is from \"%2\"; expected \"system\", \"human\" or \"gpt\" (tool and function turns are "
                       "not supported for training)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1 has role \"%2\"; expected \"system\", \"user\" or \"assistant\"")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1 has role \"%2\"; expected \"system\", \"user\" or \"assistant\" (tool messages are not "
                       "supported for training)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1 is a \"%2\" part; only text can be trained on")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1.text must be a string")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1 is %2; expected a string"), {2}},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1 is %2; expected an object"), {2}},
    {QT_TRANSLATE_NOOP("EngineMessage", "field \"text\" is empty")},
    {QT_TRANSLATE_NOOP("EngineMessage", "is %1; expected a JSON object"), {1}},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "field %1 is missing or empty (format '%2' needs the fields %3); it has no place for %4")},
    {QT_TRANSLATE_NOOP("EngineMessage", "field %1 is missing or empty (format '%2' needs the fields %3)")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "fields %1 are missing or empty (format '%2' needs the fields %3); it has no place for %4")},
    {QT_TRANSLATE_NOOP("EngineMessage", "fields %1 are missing or empty (format '%2' needs the fields %3)")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "no keyset match: its non-empty fields {%1} match none of the keys of format '%2' (%3); closest "
                       "is \"%4\", which has no place for %5")},
    {QT_TRANSLATE_NOOP("EngineMessage", "invalid UTF-8 (byte %1) at %2; save the file as UTF-8"), {2}},
    {QT_TRANSLATE_NOOP("EngineMessage", "invalid JSON at %1: %2"), {1}},
    {QT_TRANSLATE_NOOP("EngineMessage", "empty conversation: \"%1\" has no turns")},
    {QT_TRANSLATE_NOOP("EngineMessage", "the conversation has no assistant turn to train on")},
    {QT_TRANSLATE_NOOP("EngineMessage", "the \"chat\" format needs non-empty \"instruction\" and \"output\" fields")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "is %1 bytes, more than the %2 limit for one record (long text belongs in a .txt file)")},
    // Prompt format files.
    {QT_TRANSLATE_NOOP("EngineMessage", "cannot open prompt format file %1")},
    {QT_TRANSLATE_NOOP("EngineMessage", "prompt format %1 is not valid JSON: %2")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "prompt format %1 must be a JSON object mapping field sets such as \"instruction,output\" to "
                       "templates such as \"...%instruction%...%output%\"")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "prompt format '%1' is neither a built-in format (%2, chat, chat:<chat format>) nor an existing "
                       "format file")},

    // --- Adapters ---------------------------------------------------------------------------------
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: no adapter_config.json (not a PEFT adapter folder)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: no adapter_model.safetensors")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1: the adapter is stored as adapter_model.bin (a pickle); only adapter_model.safetensors is "
                       "supported")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: field 'peft_type' is missing (expected \"LORA\")")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: peft_type is '%2'; only LoRA adapters (\"LORA\") are supported")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: field 'target_modules' is missing (the modules the adapter applies to)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: use_dora is true; DoRA adapters are not supported")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: bias is '%2'; only adapters with bias \"none\" are supported")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1: modules_to_save is set; adapters with fully trained modules are not supported")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: lora_bias is true; LoRA biases are not supported")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: cannot read (%2)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: cannot write (%2)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: cannot replace the existing folder")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: cannot move the copy into place")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1: target_modules selects no linear layer of this %2 model (its linear layers are %3)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: target_modules selects no linear layer of the model in %2")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: missing tensor '%2' (adapter_config.json's target_modules selects '%3')")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: tensor '%2' has shape %3, expected %4")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1: no such folder; expected a PEFT LoRA adapter folder (adapter_config.json + "
                       "adapter_model.safetensors)")},

    // --- Training ---------------------------------------------------------------------------------
    {QT_TRANSLATE_NOOP("EngineMessage", "%1 already holds an adapter; choose another output folder, or resume the run")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: cannot create the output folder (%2)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: cannot create a temporary file in %2 to write it: %3"), {3}},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: %2: %3; the previous file, if any, is unchanged"), {2, 3}, {1}},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: cannot append to the training log (disk full or folder not writable?)")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1: no record is left to train on (%2 dropped at the cutoff length of %3 tokens)")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "out of GPU memory while loading the model (%1): choose a smaller model, bfloat16 precision, "
                       "or the CPU"),
     {1}},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "out of memory (RAM) while loading the model (%1): choose a smaller model, bfloat16 precision, "
                       "or close other programs"),
     {1}},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "out of GPU memory during training (%1). Lower --micro-batch-size (now %2) or --cutoff-len (now "
                       "%3)%4. %5"),
     {1, 4, 5}},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "out of memory (RAM) during training (%1). Lower --micro-batch-size (now %2) or --cutoff-len "
                       "(now %3)%4. %5"),
     {1, 4, 5}},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "training stopped at step %1: the loss became %2. Lower the learning rate or use float32 "
                       "precision. %3"),
     {2, 3}},
    {QT_TRANSLATE_NOOP("EngineMessage", "batch size (%1) must be a multiple of the micro-batch size (%2)")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "an eval split needs at least 2 records (one to train on, one to evaluate); the dataset has %1 — "
                       "give a separate eval file instead")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "the tokenizer has no eos_token, so add_eos cannot append one; turn add_eos off (--no-add-eos)")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "target_modules is empty; choose at least one of q_proj ... down_proj or all-linear")},
    {QT_TRANSLATE_NOOP("EngineMessage", "set epochs or max_steps to a positive number")},
    {QT_TRANSLATE_NOOP("EngineMessage", "batch_size (%1) must be a positive multiple of micro_batch_size (%2)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "cutoff_len must be at least 2 tokens")},
    {QT_TRANSLATE_NOOP("EngineMessage", "learning_rate must be a positive number")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: unknown setting '%2'")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: setting '%2' has the wrong type (%3)")},
    // Checkpoints.
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: has no %2 (the save did not finish, or the file was deleted)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: is missing (listed in %2)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: is %2 bytes, the manifest says %3 (truncated or overwritten)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: SHA-256 %2... differs from the manifest's %3... (the file is damaged)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: cannot create the checkpoint folder (%2)")},
    // The run's progress lines (the Train page's log).
    {QT_TRANSLATE_NOOP("EngineMessage", "reading %1")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1 training examples (%2 tokens, %3 trained on; %4 truncated, %5 dropped), %6 evaluation "
                       "examples")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1 training examples (%2 tokens, %3 trained on; %4 truncated, %5 dropped)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "loading %1")},
    {QT_TRANSLATE_NOOP("EngineMessage", "computing on %1"), {1}},
    {QT_TRANSLATE_NOOP("EngineMessage", "CPU, %1 threads (%2)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "CPU, %1 thread (%2)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "resuming from %1 at step %2")},
    {QT_TRANSLATE_NOOP("EngineMessage", "no checkpoint in %1: starting from step 0")},
    {QT_TRANSLATE_NOOP("EngineMessage", "saving the adapter to %1")},
    {QT_TRANSLATE_NOOP("EngineMessage", "saving %1")},
    {QT_TRANSLATE_NOOP("EngineMessage", "done: %1 of %2 steps, last loss %3; adapter saved in %4")},
    {QT_TRANSLATE_NOOP("EngineMessage", "stopped: %1 of %2 steps, last loss %3; adapter saved in %4")},
    {QT_TRANSLATE_NOOP("EngineMessage", "reached the target loss %1: %2 of %3 steps, last loss %4; adapter saved in %5")},

    // --- Merging and exporting --------------------------------------------------------------------
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: is the base model's folder; write the merged model to a new folder")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: is the adapter's folder; write the merged model to a new folder")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: exists and is not a folder")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1: already holds a model (%2); choose a new folder, or allow replacing its model files (merge "
                       "--force)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "merge cancelled; nothing was written to %1")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "%1: tensor '%2' has dtype %3; a LoRA delta can only be merged into floating-point weights "
                       "(quantized models cannot be merged)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: cannot move the merged model into place (%2)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: cannot create the folder (%2)")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "the adapter uses rsLoRA (scaling lora_alpha/sqrt(r)); the merged weights include that scaling "
                       "exactly, but llama.cpp's convert_lora_to_gguf.py ignores use_rslora and would scale the adapter "
                       "by lora_alpha/r: for llama.cpp, convert this merged model rather than the adapter")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "the adapter changes lm_head, which the base model ties to the input embedding: the merged model "
                       "has its own lm_head.weight and tie_word_embeddings false (the embedding is unchanged)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "weights stored as %1 (the base model is %2)")},
    // The adapter copy (ui/export_task.cpp reports its problems the engine's way).
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: not an adapter folder (no adapter_config.json)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: the copy cannot go into the adapter folder itself")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: folder does not exist")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: already exists")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: cannot create the folder")},

    // --- Chat -------------------------------------------------------------------------------------
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "generate: the prompt has %1 tokens, which fills the model's context length of %2 "
                       "(max_position_embeddings in config.json)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "unknown prompt template '%1'; expected \"model\" or one of %2")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "unknown chat template '%1'; expected \"model\" (the model's own) or one of %2")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "the model has no chat template (no chat_template.jinja, no chat_template in "
                       "tokenizer_config.json); choose a built-in one: %1")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "the model has no chat template (no chat_template.jinja, no chat_template in "
                       "tokenizer_config.json); choose a built-in one such as chatml")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "chat template %1 writes the conversation up to message %2 differently from the whole "
                       "conversation, so the start of that assistant turn is unknown")},
    {QT_TRANSLATE_NOOP("EngineMessage",
                       "chat template %1: cannot find where assistant message %2 ends in the rendered conversation")},

    // --- Files in general (after the specific shapes above) ---------------------------------------
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: cannot read: %2"), {2}},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: cannot open: %2"), {2}},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: cannot open the file")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: is a folder, expected a file")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: not a folder")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: no such folder")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: not valid JSON: %2")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: not valid JSON (%2)")},
    {QT_TRANSLATE_NOOP("EngineMessage", "%1: expected a JSON object")},
};

struct CompiledShape {
  QRegularExpression pattern;
  QString english;
  std::vector<int> placeholder_of_group;  // capture group k (from 1) fills %N: [k - 1] = N
  std::vector<int> nested;
};

// The template's text, literally, with every %N a lazy capture unless marked greedy (the pattern is
// anchored, so the last one still runs to the end of the line).
CompiledShape compile(const Shape& shape) {
  CompiledShape compiled;
  compiled.english = QString::fromUtf8(shape.english);
  compiled.nested = shape.nested;
  static const QRegularExpression placeholder(QStringLiteral("%(\\d)"));
  QString pattern;
  qsizetype at = 0;
  for (auto it = placeholder.globalMatch(compiled.english); it.hasNext();) {
    const QRegularExpressionMatch m = it.next();
    const int n = m.captured(1).toInt();
    const bool greedy = std::find(shape.greedy.begin(), shape.greedy.end(), n) != shape.greedy.end();
    pattern += QRegularExpression::escape(compiled.english.mid(at, m.capturedStart() - at)) +
               (greedy ? QStringLiteral("(.*)") : QStringLiteral("(.*?)"));
    compiled.placeholder_of_group.push_back(n);
    at = m.capturedEnd();
  }
  pattern += QRegularExpression::escape(compiled.english.mid(at));
  compiled.pattern.setPattern(QRegularExpression::anchoredPattern(pattern));
  compiled.pattern.setPatternOptions(QRegularExpression::DotMatchesEverythingOption);
  // Compiled now, once: the workers call engineMessage from their own threads.
  compiled.pattern.optimize();
  return compiled;
}

// Whole-line shapes, or (inside another message) fragments first and then whole-line shapes.
const std::vector<CompiledShape>& shapes(bool inside_another) {
  static const std::vector<CompiledShape> lines = [] {
    std::vector<CompiledShape> all;
    for (const Shape& shape : kShapes) all.push_back(compile(shape));
    return all;
  }();
  static const std::vector<CompiledShape> parts = [] {
    std::vector<CompiledShape> all;
    for (const Shape& shape : kFragments) all.push_back(compile(shape));
    all.insert(all.end(), lines.begin(), lines.end());
    return all;
  }();
  return inside_another ? parts : lines;
}

// %N replaced in one pass, so a captured path holding "%2" stays as it is.
QString fill(const QString& translated, const QStringList& args) {
  QString out;
  out.reserve(translated.size() + 64);
  for (qsizetype i = 0; i < translated.size(); ++i) {
    const QChar c = translated.at(i);
    if (c == QLatin1Char('%') && i + 1 < translated.size() && translated.at(i + 1).isDigit()) {
      const int n = translated.at(i + 1).digitValue();
      if (n >= 1 && n <= args.size()) {
        out += args.at(n - 1);
        ++i;
        continue;
      }
    }
    out += c;
  }
  return out;
}

QString localizeLine(const QString& line, int depth) {
  if (line.isEmpty() || depth > 4) return line;
  for (const CompiledShape& shape : shapes(depth > 0)) {
    const QRegularExpressionMatch m = shape.pattern.match(line);
    if (!m.hasMatch()) continue;
    const QString translated = QCoreApplication::translate(kContext, shape.english.toUtf8().constData());
    if (translated == shape.english) return line;  // no translation installed: the engine's own words
    int count = 0;
    for (int n : shape.placeholder_of_group) count = std::max(count, n);
    QStringList args;
    for (int i = 0; i < count; ++i) args << QString();
    for (size_t group = 0; group < shape.placeholder_of_group.size(); ++group) {
      const int n = shape.placeholder_of_group[group];
      QString part = m.captured(static_cast<int>(group) + 1);
      if (std::find(shape.nested.begin(), shape.nested.end(), n) != shape.nested.end())
        part = localizeLine(part, depth + 1);
      args[n - 1] = part;
    }
    return fill(translated, args);
  }
  return line;
}

}  // namespace

QString engineMessage(const QString& english) {
  QStringList lines = english.split(QLatin1Char('\n'));
  for (QString& line : lines) line = localizeLine(line, 0);
  return lines.join(QLatin1Char('\n'));
}

QString engineMessage(const std::string& english) { return engineMessage(QString::fromStdString(english)); }

QString engineMessage(const std::exception& error) { return engineMessage(QString::fromUtf8(error.what())); }

}  // namespace ui
