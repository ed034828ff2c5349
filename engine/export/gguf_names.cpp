#include "gguf_names.h"

#include "model_family.h"
#include "string_affix.h"

#include <map>
#include <utility>
#include <vector>

namespace lora {

std::string gguf_architecture(const ModelConfig& config) {
  const ModelFamily* family = find_model_family(config.model_type);
  if (!family) return "";
  // convert_hf_to_gguf.py registers MistralForCausalLM with LlamaModel: the "llama" architecture.
  static const std::map<std::string, std::string> architectures = {
      {"llama", "llama"}, {"mistral", "llama"}, {"qwen2", "qwen2"},
      {"qwen3", "qwen3"}, {"gemma3", "gemma3"}, {"phi3", "phi3"},
  };
  const auto found = architectures.find(family->name);
  return found == architectures.end() ? "" : found->second;
}

std::string gguf_block_tensor_name(const std::string& rest, const std::string& architecture) {
  static const std::vector<std::pair<std::string, std::string>> common = {
      {"self_attn.q_proj.", "attn_q."},       {"self_attn.k_proj.", "attn_k."},
      {"self_attn.v_proj.", "attn_v."},       {"self_attn.o_proj.", "attn_output."},
      {"self_attn.qkv_proj.", "attn_qkv."},   {"self_attn.q_norm.", "attn_q_norm."},
      {"self_attn.k_norm.", "attn_k_norm."},  {"mlp.gate_proj.", "ffn_gate."},
      {"mlp.up_proj.", "ffn_up."},            {"mlp.down_proj.", "ffn_down."},
      {"mlp.gate_up_proj.", "ffn_up."},       {"input_layernorm.", "attn_norm."},
      {"pre_feedforward_layernorm.", "ffn_norm."}, {"post_feedforward_layernorm.", "post_ffw_norm."},
  };
  for (const auto& [hf, gguf_name] : common)
    if (starts_with(rest, hf)) return gguf_name + rest.substr(hf.size());
  if (starts_with(rest, "post_attention_layernorm.")) {
    // Gemma's sandwich norm after attention; elsewhere the norm before the MLP.
    const std::string tail = rest.substr(std::string("post_attention_layernorm.").size());
    return (architecture == "gemma3" ? "post_attention_norm." : "ffn_norm.") + tail;
  }
  return "";
}

}  // namespace lora
