#include "lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace lora {

namespace {
struct NamedSchedule {
  LrSchedule schedule;
  const char* name;
};
constexpr NamedSchedule kSchedules[] = {
    {LrSchedule::Linear, "linear"},
    {LrSchedule::Constant, "constant"},
    {LrSchedule::ConstantWithWarmup, "constant_with_warmup"},
    {LrSchedule::Cosine, "cosine"},
    {LrSchedule::CosineWithRestarts, "cosine_with_restarts"},
    {LrSchedule::Polynomial, "polynomial"},
    {LrSchedule::InverseSqrt, "inverse_sqrt"},
};
constexpr double kPi = 3.14159265358979323846;

double warmup_fraction(int64_t step, int64_t warmup) {
  return static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmup));
}
}  // namespace

const std::vector<std::string>& lr_schedule_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& s : kSchedules) out.emplace_back(s.name);
    return out;
  }();
  return names;
}

bool parse_lr_schedule(const std::string& name, LrSchedule* out) {
  for (const auto& s : kSchedules) {
    if (name == s.name) {
      *out = s.schedule;
      return true;
    }
  }
  return false;
}

const char* lr_schedule_name(LrSchedule schedule) {
  for (const auto& s : kSchedules)
    if (s.schedule == schedule) return s.name;
  return "?";
}

double lr_multiplier(const LrScheduleParams& p, int64_t step) {
  const int64_t warmup = p.warmup_steps;
  const int64_t total = p.total_steps;
  const bool in_warmup = step < warmup;
  // Fraction of the post-warmup phase done, as HF computes it.
  const double progress =
      static_cast<double>(step - warmup) / static_cast<double>(std::max<int64_t>(1, total - warmup));
  switch (p.schedule) {
    case LrSchedule::Constant:
      return 1.0;
    case LrSchedule::ConstantWithWarmup:
      return in_warmup ? warmup_fraction(step, warmup) : 1.0;
    case LrSchedule::Linear:
      if (in_warmup) return warmup_fraction(step, warmup);
      return std::max(0.0, static_cast<double>(total - step) / static_cast<double>(std::max<int64_t>(1, total - warmup)));
    case LrSchedule::Cosine:
      if (in_warmup) return warmup_fraction(step, warmup);
      return std::max(0.0, 0.5 * (1.0 + std::cos(kPi * p.cosine_cycles * 2.0 * progress)));
    case LrSchedule::CosineWithRestarts: {
      if (in_warmup) return warmup_fraction(step, warmup);
      if (progress >= 1.0) return 0.0;
      return std::max(0.0, 0.5 * (1.0 + std::cos(kPi * std::fmod(p.restart_cycles * progress, 1.0))));
    }
    case LrSchedule::Polynomial: {
      if (in_warmup) return warmup_fraction(step, warmup);
      if (step > total) return p.polynomial_lr_end / p.base_lr;
      const double lr_range = p.base_lr - p.polynomial_lr_end;
      const double decay_steps = static_cast<double>(total - warmup);
      const double remaining = 1.0 - static_cast<double>(step - warmup) / decay_steps;
      return (lr_range * std::pow(remaining, p.polynomial_power) + p.polynomial_lr_end) / p.base_lr;
    }
    case LrSchedule::InverseSqrt: {
      if (in_warmup) return warmup_fraction(step, warmup);
      const double timescale = warmup > 0 ? static_cast<double>(warmup) : 10000.0;
      const double shift = timescale - static_cast<double>(warmup);
      return 1.0 / std::sqrt((static_cast<double>(step) + shift) / timescale);
    }
  }
  return 1.0;
}

}  // namespace lora
