#pragma once

// Private to the web module: the state every request handler shares.

#include "model_feedback.hpp"

#include "blindspot/store/database.hpp"
#include "blindspot/teach/campaign.hpp"
#include "blindspot/web/server.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace blindspot::web {

// Store connections for the worker threads: a Database is used by one thread at a time
// (docs/store.md), so each request borrows one and gives it back.
class ConnectionPool {
 public:
  explicit ConnectionPool(std::filesystem::path file) : file_(std::move(file)) {}

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<store::Database> db) : pool_(pool), db_(std::move(db)) {}
    ~Lease() { pool_.give_back(std::move(db_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    store::Database& db() { return *db_; }

   private:
    ConnectionPool& pool_;
    std::unique_ptr<store::Database> db_;
  };

  Lease acquire();

 private:
  void give_back(std::unique_ptr<store::Database> db);

  std::filesystem::path file_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<store::Database>> idle_;
};

struct App {
  App(std::filesystem::path store_file, std::int64_t campaign_run, ServerOptions server_options);

  teach::Campaign campaign;
  std::map<std::string, std::size_t> uu_index;  // UU id -> index in campaign.uus
  std::set<std::string> label_issue_uus;        // UUs flagged as probable label errors
  ServerOptions options;
  ConnectionPool pool;
  FeedbackLimiter feedback_limiter{options.feedback_per_minute};
  // Writers in this process take turns here before SQLite's write lock: SQLite's busy handler
  // polls with sleeps of up to 100 ms, a mutex hands the lock over at once. Other processes
  // writing the same store still wait through the busy timeout.
  std::mutex write_mutex;

  double now() const;
  const discover::Uu* find_uu(const std::string& id) const;

  // Runs `work` in one write transaction on a pooled connection.
  template <class Work>
  void write(Work&& work) {
    auto lease = pool.acquire();
    const std::lock_guard<std::mutex> lock(write_mutex);
    lease.db().transaction([&] { work(lease.db()); });
  }
  // Runs `work` on a pooled connection without a transaction (WAL readers never wait).
  template <class Work>
  void read(Work&& work) {
    auto lease = pool.acquire();
    work(lease.db());
  }
};

}  // namespace blindspot::web
