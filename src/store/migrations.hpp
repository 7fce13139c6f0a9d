#pragma once

#include <span>
#include <string_view>

namespace blindspot::store::detail {

// The schema's history: element i is the SQL script that takes a store from schema version i to
// i + 1 (PRAGMA user_version), so the current version is the list's size. Scripts are only ever
// appended; a released script never changes, because files in the field were built by it.
std::span<const std::string_view> migrations() noexcept;

}  // namespace blindspot::store::detail
