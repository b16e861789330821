// `suanli serve`: the platform's HTTP service — the REST API, the console's static files, health
// and metrics — on the embedded SQLite store in a data directory. Settings come from a TOML file
// (--config), then environment variables (SUANLI_<NAME>), then flags, later ones winning.
// `--demo` seeds the demo accounts; `--clock-start` runs the clock from a past instant (the
// Chengdu 2024 program's windows are in 2024); `--manual-clock` (tests) stands the clock still
// until POST /api/v1/admin/clock moves it. `--centers FILE` attaches real Slurm clusters through
// their slurmrestd (network/slurm/connector_config.h); their usage is pulled every
// --usage-interval seconds.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>
#include <memory>
#include <thread>

#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include "api/api.h"
#include "cli/commands.h"
#include "http/server.h"
#include "network/slurm/connector_config.h"
#include "workflow/demo.h"
#include "workflow/platform.h"

namespace suanli::cli {
namespace {

struct ServeOptions {
  std::string config;
  std::string data = "data/server";
  std::string programs = "programs";
  std::string address = "127.0.0.1";
  int port = 8080;
  int threads = 2;
  std::string static_dir = "web/dist";
  bool demo = false;
  std::string clock_start;
  std::string manual_clock;
  bool fast_password_hashing = false;
  bool access_log = true;
  bool secure_cookies = false;  // behind a TLS-terminating proxy: the session cookie is Secure
  int expiry_interval_s = 60;
  std::string centers;          // the real centers' connector settings (TOML); "" = none
  int usage_interval_s = 300;   // seconds between usage pulls from every attached center
};

// The system clock shifted so that it read `start` when the server started; time then flows.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(Instant start) : offset_us_(start.micros() - SystemClock().Now().micros()) {}
  Instant Now() override { return SystemClock().Now().AddMicros(offset_us_); }

 private:
  std::int64_t offset_us_;
};

Status ApplyConfigFile(ServeOptions& o) {
  if (o.config.empty()) return OkStatus();
  toml::table t;
  try {
    t = toml::parse_file(o.config);
  } catch (const toml::parse_error& e) {
    return MakeError(ErrorCode::kParse, "config", o.config + ": " + std::string(e.description()));
  }
  for (const auto& [key, value] : t) {
    const std::string k(key.str());
    if (k == "data" && value.is_string()) o.data = value.as_string()->get();
    else if (k == "programs" && value.is_string()) o.programs = value.as_string()->get();
    else if (k == "address" && value.is_string()) o.address = value.as_string()->get();
    else if (k == "port" && value.is_integer()) o.port = static_cast<int>(value.as_integer()->get());
    else if (k == "threads" && value.is_integer()) o.threads = static_cast<int>(value.as_integer()->get());
    else if (k == "static_dir" && value.is_string()) o.static_dir = value.as_string()->get();
    else if (k == "demo" && value.is_boolean()) o.demo = value.as_boolean()->get();
    else if (k == "clock_start" && value.is_string()) o.clock_start = value.as_string()->get();
    else if (k == "centers" && value.is_string()) o.centers = value.as_string()->get();
    else if (k == "usage_interval" && value.is_integer()) o.usage_interval_s = static_cast<int>(value.as_integer()->get());
    else if (k == "secure_cookies" && value.is_boolean()) o.secure_cookies = value.as_boolean()->get();
    else return MakeError(ErrorCode::kUnknownField, "config." + k, "unknown key or wrong type");
  }
  return OkStatus();
}

void ApplyEnvironment(ServeOptions& o) {
  auto env = [](const char* name) -> const char* { return std::getenv(name); };
  if (const char* v = env("SUANLI_DATA")) o.data = v;
  if (const char* v = env("SUANLI_PROGRAMS")) o.programs = v;
  if (const char* v = env("SUANLI_ADDRESS")) o.address = v;
  if (const char* v = env("SUANLI_PORT")) o.port = std::atoi(v);
  if (const char* v = env("SUANLI_THREADS")) o.threads = std::atoi(v);
  if (const char* v = env("SUANLI_STATIC_DIR")) o.static_dir = v;
  if (const char* v = env("SUANLI_CENTERS")) o.centers = v;
  if (const char* v = env("SUANLI_SECURE_COOKIES")) o.secure_cookies = std::string_view(v) == "true";
}

// The real centers of --centers, connected; errors name the file's field.
Result<std::vector<std::unique_ptr<network::CenterConnector>>> ConnectCenters(
    const std::string& path, Clock& clock) {
  std::vector<std::unique_ptr<network::CenterConnector>> out;
  if (path.empty()) return out;
  SUANLI_ASSIGN(auto settings, network::slurm::LoadConnectorConfig(path));
  for (auto& s : settings) {
    const std::string cluster = s.cluster;
    auto c = network::slurm::SlurmRestConnector::Create(std::move(s), clock);
    if (!c.ok()) {
      return MakeError(c.error().code, "centers." + cluster, c.error().message);
    }
    out.push_back(std::move(c).value());
  }
  return out;
}

// Runs `task` every `interval_s` seconds on its own thread until Stop(); 0 never runs it.
class Periodic {
 public:
  Periodic(int interval_s, std::function<void()> task)
      : interval_s_(interval_s), task_(std::move(task)) {
    if (interval_s_ > 0) thread_ = std::thread([this] { Loop(); });
  }
  ~Periodic() { Stop(); }
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds(interval_s_), [&] { return stopping_; })) {
      lock.unlock();
      task_();
      lock.lock();
    }
  }
  const int interval_s_;
  std::function<void()> task_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

int Serve(ServeOptions o) {
  std::unique_ptr<Clock> clock;
  ManualClock* manual = nullptr;
  if (!o.manual_clock.empty() || !o.clock_start.empty()) {
    const std::string& text = o.manual_clock.empty() ? o.clock_start : o.manual_clock;
    auto start = Instant::Parse(text, o.manual_clock.empty() ? "clock-start" : "manual-clock");
    if (!start.ok()) {
      std::fprintf(stderr, "suanli serve: %s\n", start.error().ToString().c_str());
      return 2;
    }
    if (!o.manual_clock.empty()) {
      auto m = std::make_unique<ManualClock>(*start);
      manual = m.get();
      clock = std::move(m);
    } else {
      clock = std::make_unique<OffsetClock>(*start);
    }
  } else {
    clock = std::make_unique<SystemClock>();
  }
  workflow::PlatformOptions po;
  po.data_dir = o.data;
  po.programs_dir = o.programs;
  po.clock = clock.get();
  po.fast_password_hashing = o.fast_password_hashing;
  auto platform = workflow::Platform::Open(po);
  if (!platform.ok()) {
    std::fprintf(stderr, "suanli serve: %s\n", platform.error().ToString().c_str());
    return 2;
  }
  std::vector<workflow::DemoLogin> logins;
  if (o.demo) {
    auto seeded = workflow::SeedDemo(**platform);
    if (!seeded.ok()) {
      std::fprintf(stderr, "suanli serve: demo: %s\n", seeded.error().ToString().c_str());
      return 2;
    }
    logins = *seeded;
  }
  // Real centers first: the Slurm connection's settle time is about slurmdbd's real lag, so
  // it reads the system clock even when the platform's clock is shifted or manual.
  SystemClock system_clock;
  auto real = ConnectCenters(o.centers, system_clock);
  if (!real.ok()) {
    std::fprintf(stderr, "suanli serve: %s\n", real.error().ToString().c_str());
    return 2;
  }
  for (const auto& c : *real) (*platform)->AttachConnector(c.get());
  // The demo's centers are simulated (deterministic, on the server's clock), so jobs can be
  // routed and run without Slurm; a cluster --centers connects for real is not simulated.
  std::vector<std::unique_ptr<network::CenterConnector>> simulated;
  if (o.demo) {
    std::vector<std::string> connected;
    for (const auto& c : *real) connected.emplace_back(c->cluster());
    auto sims = workflow::SimulateCenters(**platform, *clock, connected);
    if (!sims.ok()) {
      std::fprintf(stderr, "suanli serve: demo centers: %s\n", sims.error().ToString().c_str());
      return 2;
    }
    simulated = std::move(sims).value();
  }
  metrics::Registry registry;
  http::Router router;
  api::RegisterRoutes(router, **platform, registry,
                      api::ApiOptions{o.secure_cookies, manual});
  http::ServerOptions so;
  so.address = o.address;
  so.port = static_cast<std::uint16_t>(o.port);
  so.threads = o.threads;
  std::error_code ec;
  if (!o.static_dir.empty() && std::filesystem::is_directory(o.static_dir, ec)) {
    so.static_dir = o.static_dir;
  }
  workflow::Platform* p = platform->get();
  so.ready = [p] { return p->ready(); };
  so.access_log = o.access_log;
  // An upload (a scanned document, a day's sacct file) may be as large as a document may be (10
  // MiB) plus its multipart-free framing; JSON bodies are held to 1 MiB by JsonBody.
  so.body_limit_bytes = workflow::PlatformOptions{}.document_bytes_max + (64 << 10);
  so.stop_on_signal = true;
  http::Server server(so, router, registry);
  if (Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "suanli serve: %s\n", s.error().ToString().c_str());
    return 2;
  }
  std::printf("Suanli is serving on http://%s:%u/  (API: /api/v1, OpenAPI: /api/v1/openapi.json)\n",
              o.address.c_str(), server.port());
  std::printf("  data: %s   clock now: %s%s\n", o.data.c_str(), clock->Now().ToString().c_str(),
              so.static_dir.empty() ? "   (console not built: web/dist missing)" : "");
  if (!logins.empty()) {
    std::printf("  demo logins (password %s):\n", workflow::kDemoPassword);
    for (const auto& l : logins) {
      std::printf("    %-16s %-10s %s\n", l.username.c_str(), l.role.c_str(), l.who.c_str());
    }
  }
  std::fflush(stdout);
  // The expiry sweep lapses expired vouchers and sends reminders; the usage pull meters what
  // the attached centers ran. Each on its own thread, so a slow center never delays expiry.
  // Counted when scraped (a partial index keeps the count to the pending rows), so a ledger
  // that stops taking moves shows at the next scrape, not after the next sweep.
  metrics::Gauge& waiting =
      registry.AddGauge("suanli_money_moves_waiting",
                        "Committed money moves still waiting in the outbox for the ledger")
          .With(std::vector<std::string>{});
  registry.AddCollector([p, &waiting] {
    if (auto n = p->MoneyMovesWaiting(); n.ok()) waiting.Set(static_cast<double>(*n));
  });
  Periodic expiry(o.expiry_interval_s, [p] {
    if (Status s = p->RunExpiry(); !s.ok()) spdlog::error("expiry sweep: {}", s.error().ToString());
  });
  Periodic usage(o.usage_interval_s, [p] { (void)p->PullAllUsage(); });
  // Routed jobs followed to their end, well within Slurm's MinJobAge, so their units are freed.
  Periodic jobs(o.expiry_interval_s, [p] {
    if (Status s = p->RefreshJobs(); !s.ok()) spdlog::error("job refresh: {}", s.error().ToString());
  });
  // API keys' last uses, recorded in memory on each request, written once a minute (each key at
  // most once a minute; the rest when the platform closes).
  Periodic key_use(60, [p] {
    if (Status s = p->WriteApiKeyUse(); !s.ok()) {
      spdlog::error("API keys' last use: {}", s.error().ToString());
    }
  });
  server.Wait();
  expiry.Stop();
  usage.Stop();
  jobs.Stop();
  key_use.Stop();
  std::printf("Suanli stopped.\n");
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "run the HTTP service (API, console, metrics)");
  cmd->add_option("--config", o->config, "TOML settings file (keys as the long flags, _ for -)");
  cmd->add_option("--data", o->data, "data directory (platform.db, ledger.db, blobs/)");
  cmd->add_option("--programs", o->programs, "directory of program TOML files");
  cmd->add_option("--address", o->address, "listen address");
  cmd->add_option("--port", o->port, "listen port (0: any free port)");
  cmd->add_option("--threads", o->threads, "I/O threads");
  cmd->add_option("--static-dir", o->static_dir, "the built console (web/dist)");
  cmd->add_flag("--demo", o->demo, "seed the demo accounts, providers and organisations");
  cmd->add_option("--clock-start", o->clock_start, "run the clock from this ISO 8601 instant");
  cmd->add_option("--manual-clock", o->manual_clock,
                  "tests: a clock that moves only by POST /api/v1/admin/clock");
  cmd->add_flag("--fast-password-hashing", o->fast_password_hashing,
                "tests: cheap argon2 parameters (never in production)");
  cmd->add_option("--access-log", o->access_log, "one JSON line per request (true/false)");
  cmd->add_option("--secure-cookies", o->secure_cookies,
                  "mark the session cookie Secure (true when a TLS proxy is in front)");
  cmd->add_option("--expiry-interval", o->expiry_interval_s,
                  "seconds between expiry sweeps, and between refreshes of routed jobs' states");
  cmd->add_option("--centers", o->centers,
                  "real Slurm centers to connect (TOML: [[center]] cluster, rest_url, token_file; "
                  "docs/network.md)");
  cmd->add_option("--usage-interval", o->usage_interval_s,
                  "seconds between usage pulls from the connected centers (0: never)")
      ->check(CLI::Range(0, 86400));
  cmd->callback([o, exit_code, cmd] {
    // The file, then the environment, then the flags given on the command line: later wins.
    ServeOptions merged = *o;
    ServeOptions below = *o;
    if (Status s = ApplyConfigFile(below); !s.ok()) {
      std::fprintf(stderr, "suanli serve: %s\n", s.error().ToString().c_str());
      *exit_code = 2;
      return;
    }
    ApplyEnvironment(below);
    auto pick = [&](const char* flag, auto& field, const auto& from_below) {
      if (cmd->count(flag) == 0) field = from_below;
    };
    pick("--data", merged.data, below.data);
    pick("--programs", merged.programs, below.programs);
    pick("--address", merged.address, below.address);
    pick("--port", merged.port, below.port);
    pick("--threads", merged.threads, below.threads);
    pick("--static-dir", merged.static_dir, below.static_dir);
    pick("--demo", merged.demo, below.demo);
    pick("--clock-start", merged.clock_start, below.clock_start);
    pick("--centers", merged.centers, below.centers);
    pick("--usage-interval", merged.usage_interval_s, below.usage_interval_s);
    pick("--secure-cookies", merged.secure_cookies, below.secure_cookies);
    *exit_code = Serve(merged);
  });
}

}  // namespace suanli::cli
