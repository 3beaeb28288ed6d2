// Shim for libudev (Debian package libudev-dev). Discovery and hotplug of counters go through it.
#include <libudev.h>
