#pragma once

// Private to the web module (its tests reach it through src/web).

#include <cstddef>
#include <string>
#include <string_view>

// Secrets of the annotation web app: invitation tokens, session tokens, CSRF tokens and
// completion codes.
namespace blindspot::web {

// `bytes` random bytes from the kernel's CSPRNG (getrandom(2)) as lower-case hex. Throws
// Error{internal} if the kernel refuses.
std::string random_token(std::size_t bytes = 32);

// The hex SHA-256 of a token: what the store keeps instead of the token.
std::string token_hash(std::string_view token);

// Compares in time that depends only on the lengths, so a CSRF check leaks nothing about how
// many leading characters of a guess were right.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

// A completion code for crowd platforms: "BS-" and 10 characters of an unambiguous alphabet.
std::string completion_code();

}  // namespace blindspot::web
