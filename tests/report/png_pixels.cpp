#include "png_pixels.hpp"

#include <png.h>

#include <cstdlib>
#include <stdexcept>
#include <unordered_set>

namespace blindspot::test {
namespace {

bool near(const std::uint8_t* pixel, Rgb colour, int tolerance) {
  return std::abs(pixel[0] - colour.red) <= tolerance && std::abs(pixel[1] - colour.green) <= tolerance &&
         std::abs(pixel[2] - colour.blue) <= tolerance;
}

}  // namespace

PngPixels read_png(const std::filesystem::path& file) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png_image_begin_read_from_file(&image, file.c_str()) == 0) {
    throw std::runtime_error("cannot read " + file.string() + ": " + image.message);
  }
  image.format = PNG_FORMAT_RGBA;
  PngPixels out;
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.rgba.resize(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, out.rgba.data(), 0, nullptr) == 0) {
    const std::string message = image.message;
    png_image_free(&image);
    throw std::runtime_error("cannot decode " + file.string() + ": " + message);
  }
  return out;
}

std::size_t distinct_colours(const PngPixels& image) {
  std::unordered_set<std::uint32_t> colours;
  for (std::size_t i = 0; i + 3 < image.rgba.size(); i += 4) {
    colours.insert((std::uint32_t{image.rgba[i]} << 16) | (std::uint32_t{image.rgba[i + 1]} << 8) | image.rgba[i + 2]);
  }
  return colours.size();
}

std::size_t pixels_unlike(const PngPixels& image, Rgb background, int tolerance) {
  std::size_t count = 0;
  for (std::size_t i = 0; i + 3 < image.rgba.size(); i += 4) {
    if (!near(&image.rgba[i], background, tolerance)) ++count;
  }
  return count;
}

std::size_t pixels_like(const PngPixels& image, Rgb colour, int tolerance) {
  std::size_t count = 0;
  for (std::size_t i = 0; i + 3 < image.rgba.size(); i += 4) {
    if (near(&image.rgba[i], colour, tolerance)) ++count;
  }
  return count;
}

}  // namespace blindspot::test
