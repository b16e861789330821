#include "http/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "core/check.h"

namespace suanli::metrics {
namespace {

bool IsValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Prometheus floats: integers print without a fraction, infinities as +Inf/-Inf.
void AppendNumber(double v, std::string* out) {
  if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
  } else if (std::isnan(v)) {
    out->append("NaN");
  } else {
    fmt::format_to(std::back_inserter(*out), "{}", v);
  }
}

void AppendLabels(const std::vector<std::string>& names, const std::vector<std::string>& values,
                  std::string_view extra_name, std::string_view extra_value, std::string* out) {
  if (names.empty() && extra_name.empty()) return;
  out->push_back('{');
  bool first = true;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!first) out->push_back(',');
    first = false;
    out->append(names[i]);
    out->append("=\"");
    AppendEscapedLabelValue(values[i], out);
    out->push_back('"');
  }
  if (!extra_name.empty()) {
    if (!first) out->push_back(',');
    out->append(extra_name);
    out->append("=\"");
    out->append(extra_value);
    out->push_back('"');
  }
  out->push_back('}');
}

void AppendHelp(std::string_view name, std::string_view help, std::string_view type,
                std::string* out) {
  out->append("# HELP ").append(name).push_back(' ');
  for (char c : help) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
  out->append("\n# TYPE ").append(name).push_back(' ');
  out->append(type).push_back('\n');
}

}  // namespace

void AppendEscapedLabelValue(std::string_view value, std::string* out) {
  for (char c : value) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '"') {
      out->append("\\\"");
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  SUANLI_CHECK(std::is_sorted(bounds_.begin(), bounds_.end()));
  for (double b : bounds_) SUANLI_CHECK(std::isfinite(b));
}

void Histogram::Observe(double v) {
  // Buckets are few (a dozen); a linear scan beats a binary search at that size.
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
          1,      2.5,     5,      10};
}

template <typename T>
T& Family<T>::With(const std::vector<std::string>& label_values) {
  SUANLI_CHECK(label_values.size() == label_names_.size());
  std::lock_guard lock(mu_);
  auto it = children_.find(label_values);
  if (it != children_.end()) return *it->second;
  std::unique_ptr<T> child;
  if constexpr (std::is_same_v<T, Histogram>) {
    child = std::make_unique<Histogram>(bounds_);
  } else {
    child = std::make_unique<T>();
  }
  T& ref = *child;
  children_.emplace(label_values, std::move(child));
  return ref;
}

template <typename T>
T& Family<T>::With(std::initializer_list<std::string_view> label_values) {
  std::vector<std::string> values;
  values.reserve(label_values.size());
  for (std::string_view v : label_values) values.emplace_back(v);
  return With(values);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

Registry::Entry& Registry::FindOrAdd(Kind kind, std::string& name,
                                     std::vector<std::string>& label_names) {
  SUANLI_CHECK(IsValidName(name, true));
  for (const auto& label : label_names) {
    SUANLI_CHECK(IsValidName(label, false));
    SUANLI_CHECK(label != "le");  // reserved for histogram buckets
  }
  auto it = entries_.find(name);
  if (it != entries_.end()) {
    SUANLI_CHECK(it->second.kind == kind);  // one name, one kind
    return it->second;
  }
  Entry& entry = entries_[name];
  entry.kind = kind;
  return entry;
}

Family<Counter>& Registry::AddCounter(std::string name, std::string help,
                                      std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  Entry& e = FindOrAdd(Kind::kCounter, name, label_names);
  if (e.counter) {
    SUANLI_CHECK(e.counter->label_names() == label_names);  // same name, other labels
  } else {
    e.counter.reset(new Family<Counter>(name, std::move(help), std::move(label_names), {}));
  }
  return *e.counter;
}

Family<Gauge>& Registry::AddGauge(std::string name, std::string help,
                                  std::vector<std::string> label_names) {
  std::lock_guard lock(mu_);
  Entry& e = FindOrAdd(Kind::kGauge, name, label_names);
  if (e.gauge) {
    SUANLI_CHECK(e.gauge->label_names() == label_names);
  } else {
    e.gauge.reset(new Family<Gauge>(name, std::move(help), std::move(label_names), {}));
  }
  return *e.gauge;
}

Family<Histogram>& Registry::AddHistogram(std::string name, std::string help,
                                          std::vector<std::string> label_names,
                                          std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  Entry& e = FindOrAdd(Kind::kHistogram, name, label_names);
  if (e.histogram) {
    SUANLI_CHECK(e.histogram->label_names() == label_names);
  } else {
    e.histogram.reset(
        new Family<Histogram>(name, std::move(help), std::move(label_names), std::move(bounds)));
  }
  return *e.histogram;
}

void Registry::AddCollector(std::function<void()> collect) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collect));
}

std::string Registry::RenderPrometheus() const {
  std::vector<std::function<void()>> collectors;
  {
    std::lock_guard lock(mu_);
    collectors = collectors_;
  }
  for (const auto& collect : collectors) collect();
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, entry] : entries_) {
    switch (entry.kind) {
      case Kind::kCounter:
        AppendHelp(name, entry.counter->help(), "counter", &out);
        entry.counter->ForEach([&](const std::vector<std::string>& labels, const Counter& c) {
          out.append(name);
          AppendLabels(entry.counter->label_names(), labels, {}, {}, &out);
          fmt::format_to(std::back_inserter(out), " {}\n", c.Value());
        });
        break;
      case Kind::kGauge:
        AppendHelp(name, entry.gauge->help(), "gauge", &out);
        entry.gauge->ForEach([&](const std::vector<std::string>& labels, const Gauge& g) {
          out.append(name);
          AppendLabels(entry.gauge->label_names(), labels, {}, {}, &out);
          out.push_back(' ');
          AppendNumber(g.Value(), &out);
          out.push_back('\n');
        });
        break;
      case Kind::kHistogram:
        AppendHelp(name, entry.histogram->help(), "histogram", &out);
        entry.histogram->ForEach([&](const std::vector<std::string>& labels, const Histogram& h) {
          const auto& names = entry.histogram->label_names();
          // Read the buckets once; the count line is their total so the output is consistent
          // even while other threads observe.
          std::uint64_t cumulative = 0;
          std::string le;
          for (std::size_t i = 0; i <= h.bounds().size(); ++i) {
            cumulative += h.BucketCount(i);
            le.clear();
            if (i < h.bounds().size()) {
              AppendNumber(h.bounds()[i], &le);
            } else {
              le = "+Inf";
            }
            out.append(name).append("_bucket");
            AppendLabels(names, labels, "le", le, &out);
            fmt::format_to(std::back_inserter(out), " {}\n", cumulative);
          }
          out.append(name).append("_sum");
          AppendLabels(names, labels, {}, {}, &out);
          out.push_back(' ');
          AppendNumber(h.Sum(), &out);
          out.push_back('\n');
          out.append(name).append("_count");
          AppendLabels(names, labels, {}, {}, &out);
          fmt::format_to(std::back_inserter(out), " {}\n", cumulative);
        });
        break;
    }
  }
  return out;
}

}  // namespace suanli::metrics
