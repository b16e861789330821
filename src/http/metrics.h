// A small metrics library: counters, gauges and histograms with labels, rendered in the
// Prometheus text exposition format (version 0.0.4). Updating a metric is a few relaxed atomic
// operations and never takes a lock; looking up a labelled child takes the family's mutex, so
// hot paths look a child up once and keep the reference (references stay valid for the
// Registry's lifetime).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace suanli::metrics {

// A monotonically increasing count.
class Counter {
 public:
  void Inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down (open connections, queue depth).
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  void Sub(double v) { value_.fetch_sub(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets with fixed upper bounds (le), plus their sum and count.
class Histogram {
 public:
  // `bounds` ascending, finite; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);

  const std::vector<double>& bounds() const { return bounds_; }
  // Non-cumulative count of bucket i (i == bounds().size() is the +Inf bucket).
  std::uint64_t BucketCount(std::size_t i) const {
    return counts_[i].load(std::memory_order_relaxed);
  }
  std::uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Default latency buckets in seconds: 100 µs to 10 s.
std::vector<double> DefaultLatencyBuckets();

// A named metric and its children, one per combination of label values.
template <typename T>
class Family {
 public:
  // The child for these label values (as many as the family's label names, in that order),
  // created on first use. Takes a mutex: cache the reference on hot paths.
  T& With(const std::vector<std::string>& label_values);
  T& With(std::initializer_list<std::string_view> label_values);

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

  // Calls fn(label_values, child) for each child in label order, under the family's mutex.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    std::lock_guard lock(mu_);
    for (const auto& [labels, child] : children_) fn(labels, *child);
  }

 private:
  friend class Registry;
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> bounds)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        bounds_(std::move(bounds)) {}

  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;  // histograms only
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> children_;
};

// All metrics of a process. Thread-safe. Registering a name twice with the same kind and label
// names returns the existing family; with a different kind or labels it is a bug (CHECK).
// Names follow Prometheus rules ([a-zA-Z_:][a-zA-Z0-9_:]*), as do label names.
class Registry {
 public:
  Family<Counter>& AddCounter(std::string name, std::string help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(std::string name, std::string help,
                          std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(std::string name, std::string help,
                                  std::vector<std::string> label_names = {},
                                  std::vector<double> bounds = DefaultLatencyBuckets());

  // Runs `collect` at the start of every RenderPrometheus, before any family is read: for a
  // value read from elsewhere when scraped (a gauge set from a database count) rather than
  // kept up to date on every change. Collectors run in the order added, without the registry's
  // lock held, so they may set this registry's metrics.
  void AddCollector(std::function<void()> collect);

  // Every family, sorted by name, in the Prometheus text format.
  std::string RenderPrometheus() const;

 private:
  enum class Kind { kCounter, kGauge, kHistogram };
  struct Entry {
    Kind kind;
    std::unique_ptr<Family<Counter>> counter;
    std::unique_ptr<Family<Gauge>> gauge;
    std::unique_ptr<Family<Histogram>> histogram;
  };
  Entry& FindOrAdd(Kind kind, std::string& name, std::vector<std::string>& label_names);

  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
  std::vector<std::function<void()>> collectors_;  // guarded by mu_; copied out to run
};

// Appends a label value escaped for the text format (\\, \", \n).
void AppendEscapedLabelValue(std::string_view value, std::string* out);

}  // namespace suanli::metrics
