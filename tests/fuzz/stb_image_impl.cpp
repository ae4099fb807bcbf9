// The stb_image decoder itself, compiled into the fuzz build only: the app links Debian's libstb,
// whose code carries no coverage or sanitizer instrumentation, so here the decoder is built from
// the same header with both, and image inputs exercise it as well as core/datasets.cpp.
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
