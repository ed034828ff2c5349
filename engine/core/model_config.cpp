#include "model_config.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "json_reader.h"
#include "core_messages.h"
#include "error.h"
#include "model_family.h"

namespace lora {

using nlohmann::json;

double ModelConfig::attention_scale() const {
  const double scalar = query_pre_attn_scalar > 0 ? query_pre_attn_scalar : static_cast<double>(head_dim);
  return 1.0 / std::sqrt(scalar);
}

ModelConfig parse_model_config(const std::string& json_text, const std::string& source_name) {
  const std::string& source = source_name;
  const json root = parse_json_object_text(json_text, source);
  const JsonFields fields(root, JsonPath(source));

  ModelConfig config;
  if (!fields.has("model_type"))
    fields.fail("model_type", Message(msg::Core::expected_one_of, supported_model_types()));
  config.model_type = fields.optional_string("model_type", "");
  const ModelFamily& family = model_family_for(config.model_type, source);
  family.parse(fields, config);
  return config;
}

ModelConfig load_model_config(const std::string& config_json_path) {
  return parse_model_config(read_text_file(config_json_path), config_json_path);
}

std::string model_config_to_json(const ModelConfig& config) {
  const ModelFamily* family = find_model_family(config.model_type);
  if (!family)
    throw Error(msg::Core::cannot_write_config_unknown_type, config.model_type, supported_model_types());
  json out;
  family->write(config, out);
  return out.dump(2) + "\n";
}

}  // namespace lora
