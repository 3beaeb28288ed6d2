// Shim for libusb-1.0 (Debian package libusb-1.0-0-dev). The RadiaCode 10x is a vendor bulk
// device, not a tty, so its driver talks to it through libusb.
#include <libusb-1.0/libusb.h>
