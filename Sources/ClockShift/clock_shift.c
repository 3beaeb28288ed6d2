// Test support ("wall-clock jumps"): an LD_PRELOAD library that steps a process's
// wall clock the way an NTP step or `date -s` steps the machine's, without touching the machine.
//
// CLOCK_REALTIME (and its coarse variant, gettimeofday, time) return the kernel's value plus an
// offset in nanoseconds held in a file: $DOSED_CLOCK_SHIFT_FILE, 8 bytes, a native int64. The
// file is mapped shared, so a test changes the offset of a running process by rewriting it.
// CLOCK_MONOTONIC, CLOCK_BOOTTIME and the CPU clocks pass through unchanged: they do not step
// when the wall clock does (clock_gettime(2)), which is exactly what the daemon must rely on.
//
// Interposition works because Foundation, the Swift runtime and SQLite reach these functions
// through glibc's dynamic symbols. Without the variable, or with an unreadable file, the offset
// is zero.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "clock_shift.h"

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);

static clock_gettime_fn real_clock_gettime;
static volatile int64_t *shift;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void setup(void) {
  real_clock_gettime = (clock_gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
  const char *path = getenv("DOSED_CLOCK_SHIFT_FILE");
  if (path == NULL) return;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  void *map = mmap(NULL, sizeof(int64_t), PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (map != MAP_FAILED) shift = (volatile int64_t *)map;
}

int64_t clock_shift_nanoseconds(void) {
  pthread_once(&once, setup);
  return shift == NULL ? 0 : __atomic_load_n(shift, __ATOMIC_RELAXED);
}

static void add(struct timespec *ts, int64_t nanoseconds) {
  int64_t total = (int64_t)ts->tv_nsec + nanoseconds % 1000000000;
  ts->tv_sec += nanoseconds / 1000000000 + total / 1000000000;
  total %= 1000000000;
  if (total < 0) {
    total += 1000000000;
    ts->tv_sec -= 1;
  }
  ts->tv_nsec = total;
}

int clock_gettime(clockid_t clock, struct timespec *ts) {
  int64_t offset = clock_shift_nanoseconds();
  int result = real_clock_gettime(clock, ts);
  if (result == 0 && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)) add(ts, offset);
  return result;
}

int gettimeofday(struct timeval *restrict tv, void *restrict zone) {
  (void)zone;
  struct timespec ts;
  int result = clock_gettime(CLOCK_REALTIME, &ts);
  if (result == 0) {
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
  }
  return result;
}

time_t time(time_t *out) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (out != NULL) *out = ts.tv_sec;
  return ts.tv_sec;
}
