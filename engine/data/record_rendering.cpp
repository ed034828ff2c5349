#include "record_rendering.h"

#include <set>

#include "data_messages.h"
#include "error.h"
#include "string_affix.h"

namespace lora {
namespace {

void append(PromptSegments& segments, std::string text, bool is_response) {
  if (text.empty()) return;
  if (!segments.empty() && segments.back().is_response == is_response)
    segments.back().text += text;
  else
    segments.push_back({std::move(text), is_response});
}

void append(PromptSegments& segments, const PromptSegments& more) {
  for (const auto& segment : more) append(segments, segment.text, segment.is_response);
}

std::vector<ChatMessage> first_messages(const std::vector<ChatMessage>& messages, size_t count) {
  return std::vector<ChatMessage>(messages.begin(), messages.begin() + static_cast<std::ptrdiff_t>(count));
}

void reject_non_string(const DatasetRecord& record, const std::string& field) {
  for (const auto& [name, type] : record.non_string_fields)
    if (name == field) throw Error(msg::Data::field_not_string, name, type);
}

}  // namespace

std::string segments_text(const PromptSegments& segments) {
  std::string text;
  for (const auto& segment : segments) text += segment.text;
  return text;
}

RecordRenderer::RecordRenderer(RenderSettings settings)
    : settings_(std::move(settings)), chat_stop_strings_(settings_.chat_template.stop_strings(settings_.tokens)) {}

PromptSegments RecordRenderer::render(const DatasetRecord& record, std::vector<std::string>* ignored_fields) const {
  switch (record.kind) {
    case RecordKind::RawText: return {{record.text, true}};
    case RecordKind::Conversation: return render_conversation(record.messages);
    case RecordKind::Fields:
      return settings_.fields_as_chat ? render_fields_as_chat(record) : render_fields(record, ignored_fields);
  }
  return {};
}

PromptSegments RecordRenderer::render_fields(const DatasetRecord& record, std::vector<std::string>* ignored_fields) const {
  const PromptFormat& format = settings_.prompt_format;
  const bool system_is_field = format.uses_field("system");
  std::set<std::string> keyset;
  std::string system;
  for (const auto& [name, value] : record.fields) {
    if (!format.uses_field(name)) {
      if (name == "system")
        system = value;
      else if (ignored_fields && !is_blank_text(value))
        ignored_fields->push_back(name);
      continue;
    }
    if (!is_blank_text(value)) keyset.insert(name);
  }
  for (const auto& [name, type] : record.non_string_fields)
    if (format.uses_field(name) || name == "system") reject_non_string(record, name);

  const FormatTemplate* current = format.match(keyset);
  if (!current) throw Error(format.explain_no_match(keyset));

  PromptSegments segments;
  if (!system_is_field && !is_blank_text(system)) append(segments, system + "\n\n", false);
  if (!record.history.empty()) {
    const FormatTemplate* turn = format.match({"instruction", PromptFormat::kResponseField});
    if (!turn)
      throw Error(msg::Data::history_without_turn_template, format.name());
    for (size_t k = 0; k < record.history.size(); ++k) {
      const auto& [instruction, output] = record.history[k];
      if (is_blank_text(instruction) || is_blank_text(output))
        throw Error(msg::Data::history_entry_empty, k);
      append(segments, fill_template(*turn, {{"instruction", instruction}, {PromptFormat::kResponseField, output}}));
      append(segments, "\n\n", false);
    }
  }
  append(segments, fill_template(*current, record.fields));
  return segments;
}

PromptSegments RecordRenderer::render_fields_as_chat(const DatasetRecord& record) const {
  for (const char* name : {"instruction", "input", "output", "system"}) reject_non_string(record, name);
  auto value = [&](const char* name) {
    const std::string* v = record.field(name);
    return v && !is_blank_text(*v) ? *v : std::string();
  };
  const std::string instruction = value("instruction"), input = value("input"), output = value("output"),
                    system = value("system");
  if (instruction.empty() || output.empty())
    throw Error(msg::Data::chat_format_needs_instruction_and_output);
  std::vector<ChatMessage> messages;
  if (!system.empty()) messages.push_back({"system", system});
  for (const auto& [q, a] : record.history) {
    messages.push_back({"user", q});
    messages.push_back({"assistant", a});
  }
  messages.push_back({"user", input.empty() ? instruction : instruction + "\n\n" + input});
  messages.push_back({"assistant", output});
  return render_conversation(messages);
}

PromptSegments RecordRenderer::render_conversation(const std::vector<ChatMessage>& messages) const {
  const ChatTemplate& chat = settings_.chat_template;
  const TokenizerConfig& tokens = settings_.tokens;
  const std::string name = chat.describe();
  ChatTemplateOptions whole;
  const JinjaRender rendered = chat.render_json(chat_messages_json(messages), whole, tokens);
  const std::string& full = rendered.text;

  std::vector<std::pair<size_t, size_t>> spans;  // assistant turns in `full`
  if (chat.has_generation_blocks()) {
    spans = rendered.generation_spans;
  } else {
    for (size_t i = 0; i < messages.size(); ++i) {
      if (messages[i].role != "assistant") continue;
      const std::string before = chat.render(first_messages(messages, i), true, tokens);
      if (!starts_with(full, before))
        throw Error(msg::Data::chat_template_prefix_differs, name, i);
      const size_t start = before.size();
      const std::string through = chat.render(first_messages(messages, i + 1), false, tokens);
      size_t end = std::string::npos;
      if (starts_with(full, through) && through.size() >= start) {
        end = through.size();
      } else {
        // The turn is written differently as the last message (Qwen3's empty <think> block): end it
        // where its end-of-turn string ends in the whole conversation, plus what the template writes after.
        for (const std::string& stop : chat_stop_strings_) {
          if (stop.empty()) continue;
          size_t count = 0, last = std::string::npos;
          for (size_t at = through.find(stop, start); at != std::string::npos;
               at = through.find(stop, at + stop.size())) {
            ++count;
            last = at;
          }
          if (count == 0) continue;
          size_t found = std::string::npos;
          for (size_t k = 0, from = start; k < count; ++k) {
            found = full.find(stop, from);
            if (found == std::string::npos) break;
            from = found + stop.size();
          }
          if (found == std::string::npos) continue;
          end = found + stop.size();
          const std::string tail = through.substr(last + stop.size());
          if (full.compare(end, tail.size(), tail) == 0) end += tail.size();
          break;
        }
        if (end == std::string::npos)
          throw Error(msg::Data::chat_template_turn_end_not_found, name, i);
      }
      if (!spans.empty() && start < spans.back().second)
        throw Error(msg::Data::chat_template_turns_overlap, name, i);
      spans.emplace_back(start, end);
    }
  }
  if (spans.empty() && !settings_.train_on_prompt)
    throw Error(msg::Data::conversation_without_assistant_turn);

  PromptSegments segments;
  size_t done = 0;
  for (const auto& [start, end] : spans) {
    append(segments, full.substr(done, start - done), false);
    append(segments, full.substr(start, end - start), true);
    done = end;
  }
  append(segments, full.substr(done), false);
  return segments;
}

}  // namespace lora
