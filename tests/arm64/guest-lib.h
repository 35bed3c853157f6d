/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the /init programs of the arm64 guests in tests/arm64 share:
 * TAP-like checks, sysfs and module helpers, the kernel log, and reading a
 * counting event. Each program is one static binary, so this header holds
 * the definitions themselves.
 */
#ifndef ARM64_GUEST_LIB_H
#define ARM64_GUEST_LIB_H

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int checks, failures;

#define CHECK(cond, ...) check(!!(cond), __LINE__, #cond, __VA_ARGS__)

static inline void check(int ok, int line, const char *what, const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (!ok)
		failures++;
	printf("%s %d line %d: ", ok ? "ok" : "not ok", checks, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(ok ? "\n" : " [%s]\n", what);
}

static inline int readstr(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	buf[0] = 0;
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

/* Write a sysfs file; returns 0 or -errno. */
static inline int writestr(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static inline void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static inline int insmod(const char *name)
{
	char p[PATH_MAX];
	int fd, r;

	snprintf(p, sizeof(p), "/lib/modules/%s.ko", name);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return -errno;
	r = syscall(__NR_finit_module, fd, "", 0);
	r = r ? -errno : 0;
	close(fd);
	printf("# insmod %s: %s\n", name, r ? strerror(-r) : "ok");
	return r;
}

static inline int rmmod(const char *name, int force)
{
	int r = syscall(__NR_delete_module, name, O_NONBLOCK | (force ? O_TRUNC : 0));

	r = r ? -errno : 0;
	printf("# rmmod%s %s: %s\n", force ? " -f" : "", name, r ? strerror(-r) : "ok");
	return r;
}

static inline int module_loaded(const char *name)
{
	FILE *f = fopen("/proc/modules", "r");
	char line[256];
	size_t n = strlen(name);
	int found = 0;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ' ')
			found = 1;
	if (f)
		fclose(f);
	return found;
}

/* The whole kernel log, NUL-terminated, to free(); NULL on failure. */
static inline char *read_klog(void)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf = len > 0 ? malloc(len + 1) : NULL;

	if (!buf)
		return NULL;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	buf[len > 0 ? len : 0] = 0;
	return buf;
}

/* Whether the kernel log has a line containing @s. */
static inline int klog_has(const char *s)
{
	char *buf = read_klog();
	int found = buf && strstr(buf, s);

	free(buf);
	return found;
}

/* The whole kernel log, for the runner to triage after the payload. */
static inline void dump_kernel_log(void)
{
	char *buf = read_klog();
	size_t len = buf ? strlen(buf) : 0;

	if (len) {
		printf("pmu-vm: kernel log follows\n%s%s", buf,
		       buf[len - 1] == '\n' ? "" : "\n");
		printf("pmu-vm: kernel log ends\n");
	}
	free(buf);
}

/*
 * The end of the payload, in scripts/vm's protocol: the kernel log, the
 * exit status, then power off.
 */
static inline void guest_exit(int rc)
{
	dump_kernel_log();
	printf("pmu-vm: payload exit status %d\n", rc);
	sync();
	reboot(RB_POWER_OFF);
}

struct val { unsigned long long value, enabled, running; };

static inline int read_ev(int fd, struct val *v)
{
	memset(v, 0, sizeof(*v));
	return read(fd, v, sizeof(*v)) == sizeof(*v) ? 0 : -errno;
}

/*
 * What a revoked event refuses (the semantics of the core series): poll()
 * reports POLLHUP|POLLERR, ioctl() and a new mmap() fail with ENODEV.
 */
static inline void check_revoked_refuses(int fd, const char *what)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	void *p;

	CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR)) == (POLLHUP | POLLERR),
	      "%s: poll reports POLLHUP|POLLERR (0x%x)", what, pfd.revents);
	errno = 0;
	CHECK(ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) == -1 && errno == ENODEV,
	      "%s: ioctl(ENABLE) fails with ENODEV (%s)", what, strerror(errno));
	errno = 0;
	p = mmap(NULL, 2 * getpagesize(), PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p == MAP_FAILED && errno == ENODEV, "%s: mmap fails with ENODEV (%s)",
	      what, strerror(errno));
}

#endif
