#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace blindspot::test {

// A decoded image, 8-bit RGBA, rows top to bottom.
struct PngPixels {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;
};

// Decodes a PNG with libpng's simplified API (any colour type, converted to RGBA). Throws
// std::runtime_error with libpng's message if the file is missing or not a PNG.
PngPixels read_png(const std::filesystem::path& file);

struct Rgb {
  std::uint8_t red = 0;
  std::uint8_t green = 0;
  std::uint8_t blue = 0;
};

// Distinct RGB colours in the image (alpha ignored).
std::size_t distinct_colours(const PngPixels& image);
// Pixels whose colour differs from `background` by more than `tolerance` in some channel.
std::size_t pixels_unlike(const PngPixels& image, Rgb background, int tolerance);
// Pixels within `tolerance` of `colour` in every channel.
std::size_t pixels_like(const PngPixels& image, Rgb colour, int tolerance);

}  // namespace blindspot::test
