#pragma once
// A real write failure for the tests of full disks: a forked child whose files cannot grow past a
// limit (RLIMIT_FSIZE, with SIGXFSZ ignored), so a write past it fails with EFBIG as a write to a
// full disk fails with ENOSPC. No mock: the kernel refuses the bytes.

#include <cstdint>
#include <functional>
#include <string>

namespace blindspot::test {

// Runs `work` in a forked child whose files cannot grow past `limit_bytes`. Returns
// "<kind>: <what()>" of the core::Error it threw, "other exception: <what()>", "no error", or
// "killed" if the child did not exit normally.
std::string run_with_file_size_limit(std::uint64_t limit_bytes, const std::function<void()>& work);

}  // namespace blindspot::test
