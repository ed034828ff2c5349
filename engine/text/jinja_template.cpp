#include "jinja_template.h"

#include "jinja_parser.h"
#include "jinja_render.h"
#include "text_messages.h"

namespace lora {

JinjaTemplate JinjaTemplate::parse(const std::string& source, const std::string& source_name) {
  JinjaTemplate result;
  result.program_ = jinja::parse_program(source, source_name);
  return result;
}

JinjaRender JinjaTemplate::render(const nlohmann::ordered_json& variables, const JinjaLimits& limits) const {
  if (!program_) throw Error(msg::Text::template_never_parsed);
  jinja::Renderer renderer(*program_, limits);
  return renderer.render(variables);
}

bool JinjaTemplate::has_generation_blocks() const { return program_ && program_->has_generation; }

const std::string& JinjaTemplate::source() const {
  static const std::string empty;
  return program_ ? program_->source : empty;
}

}  // namespace lora
