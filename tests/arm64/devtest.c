// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the arm64 guest that drives real PMU drivers on fake devices
 * (tests/arm64/devtest.sh): each device of /devices.conf is a devicetree
 * node over no-map RAM whose registers the host preset with -device loader,
 * so the driver probes as on hardware and its counters read what the RAM
 * holds.
 *
 * "devtest.mode=after" (the series), for each device, "devtest.loops" times:
 * load the module, open an event, unbind the device through sysfs with the
 * event open (the event must be revoked: count and times frozen, poll
 * reports POLLHUP|POLLERR, ioctl and mmap fail with ENODEV), bind it again
 * (a PMU with a new type, whose events count), then unload the module with an
 * event open (revoked the same way). Prints "DEVTEST: PASS" or "DEVTEST:
 * FAIL"; a failed check prints "not ok" with its line.
 *
 * "devtest.mode=before" (the base kernel) prints what the same steps get
 * there ("BEFORE: <device> unbind: <error>", "... rmmod: <error>"); the host
 * checks that both are refused.
 *
 * Speaks scripts/vm's protocol for guests without the 9p share, as
 * cspmu-test.c does.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>

#include "guest-lib.h"

#define DEVS	"/sys/bus/platform/devices"
#define DRVS	"/sys/bus/platform/drivers"
#define EVS	"/sys/bus/event_source/devices"

/* One "dev" line of /devices.conf. */
struct dev {
	char name[32];		/* short name, for the output */
	char device[64];	/* platform device name */
	char driver[64];	/* platform driver name */
	char module[64];	/* module file name, without .ko */
	char prefix[64];	/* the PMU's name starts with this */
	unsigned long long config;
};

static struct dev devs[16];

/* The module's name, as rmmod and /proc/modules know it. */
static const char *modname(struct dev *d)
{
	static char name[64];
	char *p;

	snprintf(name, sizeof(name), "%s", d->module);
	for (p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return name;
}
static int ndevs;

static void load_conf(void)
{
	FILE *f = fopen("/devices.conf", "r");
	char line[512];

	while (f && fgets(line, sizeof(line), f) && ndevs < 16) {
		struct dev *d = &devs[ndevs];

		char *p;

		if (sscanf(line, "dev %31s %63s %63s %63s %63s %lli", d->name, d->device,
			   d->driver, d->module, d->prefix, &d->config) != 6)
			continue;
		for (p = d->driver; *p; p++)
			if (*p == '+')
				*p = ' ';
		ndevs++;
	}
	if (f)
		fclose(f);
}

/*
 * The PMU the device registered: the event source whose name starts with
 * the device's prefix (not every driver makes the device its parent).
 */
static const char *pmu_of(struct dev *d)
{
	static char name[128];
	struct dirent *e;
	DIR *dir;

	name[0] = 0;
	dir = opendir(EVS);
	while (dir && (e = readdir(dir)))
		if (!strncmp(e->d_name, d->prefix, strlen(d->prefix)))
			snprintf(name, sizeof(name), "%s", e->d_name);
	if (dir)
		closedir(dir);
	return name;
}

static long type_of(struct dev *d)
{
	char p[PATH_MAX], buf[64];
	const char *pmu = pmu_of(d);

	snprintf(p, sizeof(p), EVS "/%s/type", pmu);
	return pmu[0] && !readstr(p, buf, sizeof(buf)) ? strtol(buf, NULL, 0) : -1;
}

static int is_bound(struct dev *d)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), DEVS "/%s/driver", d->device);
	return !access(p, F_OK);
}

static int bind_dev(struct dev *d, int bind)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), DRVS "/%s/%s", d->driver, bind ? "bind" : "unbind");
	return writestr(p, d->device);
}

/* An uncore PMU counts on the CPU its "cpumask" names (CPU 0 without one). */
static int open_ev(struct dev *d)
{
	struct perf_event_attr attr;
	char p[PATH_MAX], buf[256];
	const char *pmu = pmu_of(d);
	long type = type_of(d);
	int fd, cpu = 0;

	if (type < 0)
		return -ENOENT;
	snprintf(p, sizeof(p), EVS "/%s/cpumask", pmu);
	if (!readstr(p, buf, sizeof(buf)))
		cpu = atoi(buf);
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config = d->config;
	attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
			   PERF_FORMAT_TOTAL_TIME_RUNNING;
	/* Opened disabled, then enabled: the CN10K TAD PMU requires it. */
	attr.disabled = 1;
	fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, PERF_EVENT_IOC_ENABLE, 0)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* A live event: read() works and the enabled time moves. */
static void check_live(int fd, const char *what)
{
	struct val a, b;

	CHECK(!read_ev(fd, &a), "%s: read", what);
	msleep(20);
	CHECK(!read_ev(fd, &b) && b.enabled > a.enabled && b.running > a.running,
	      "%s: enabled and running (%llu -> %llu ns)", what, a.running, b.running);
}

/* A revoked event keeps its count and times and refuses the rest. */
static void check_revoked(int fd, const char *what)
{
	struct val a, b;

	CHECK(!read_ev(fd, &a), "%s: read after revocation", what);
	msleep(20);
	CHECK(!read_ev(fd, &b) && b.value == a.value && b.enabled == a.enabled &&
	      b.running == a.running, "%s: count and times frozen (%llu ns)", what,
	      b.enabled);
	check_revoked_refuses(fd, what);
}

static void run_after(struct dev *d, int loops)
{
	char what[128];
	long type, type2;
	int i, fd, fd2;

	for (i = 0; i < loops; i++) {
		printf("# %s: round %d\n", d->name, i + 1);
		CHECK(!insmod(d->module), "%s: insmod %s", d->name, d->module);
		type = type_of(d);
		CHECK(is_bound(d) && type >= 0, "%s: bound, PMU %s type %ld", d->name,
		      pmu_of(d), type);
		fd = open_ev(d);
		CHECK(fd >= 0, "%s: event on %s (%s)", d->name, pmu_of(d),
		      fd < 0 ? strerror(-fd) : "ok");
		snprintf(what, sizeof(what), "%s unbind", d->name);
		if (fd >= 0)
			check_live(fd, what);

		CHECK(!bind_dev(d, 0), "%s: sysfs unbind with the event open", d->name);
		CHECK(!is_bound(d) && !pmu_of(d)[0], "%s: unbound, no PMU", d->name);
		if (fd >= 0)
			check_revoked(fd, what);

		CHECK(!bind_dev(d, 1), "%s: sysfs bind", d->name);
		type2 = type_of(d);
		CHECK(is_bound(d) && type2 >= 0 && type2 != type,
		      "%s: bound again, PMU %s with a new type (%ld, was %ld)", d->name,
		      pmu_of(d), type2, type);
		fd2 = open_ev(d);
		CHECK(fd2 >= 0, "%s: event on the new PMU (%s)", d->name,
		      fd2 < 0 ? strerror(-fd2) : "ok");
		snprintf(what, sizeof(what), "%s rmmod", d->name);
		if (fd2 >= 0)
			check_live(fd2, what);

		CHECK(!rmmod(modname(d), 0), "%s: rmmod %s with an event open", d->name,
		      modname(d));
		CHECK(!module_loaded(modname(d)) && !is_bound(d),
		      "%s: module gone, device unbound", d->name);
		if (fd2 >= 0)
			check_revoked(fd2, what);
		if (fd >= 0)
			CHECK(!close(fd), "%s: close the first event", d->name);
		if (fd2 >= 0)
			CHECK(!close(fd2), "%s: close the second event", d->name);
	}
}

static void run_before(struct dev *d)
{
	struct val v;
	int fd, r;

	r = insmod(d->module);
	printf("BEFORE: %s: insmod %s, PMU %s\n", d->name, r ? strerror(-r) : "ok",
	       pmu_of(d));
	fd = open_ev(d);
	printf("BEFORE: %s: event: %s\n", d->name, fd < 0 ? strerror(-fd) : "ok");
	r = read_ev(fd, &v);
	printf("BEFORE: %s: read: %s\n", d->name, r ? strerror(-r) : "ok");
	r = bind_dev(d, 0);
	printf("BEFORE: %s: unbind: %s\n", d->name, r ? strerror(-r) : "ok");
	r = rmmod(modname(d), 0);
	printf("BEFORE: %s: rmmod with an event open: %s\n", d->name,
	       r ? strerror(-r) : "ok");
	if (fd >= 0)
		close(fd);
	r = rmmod(modname(d), 0);
	printf("BEFORE: %s: rmmod with no event: %s\n", d->name, r ? strerror(-r) : "ok");
}

int main(void)
{
	char cmdline[1024], *p;
	int loops = 2, before, i, rc = 0;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	readstr("/proc/cmdline", cmdline, sizeof(cmdline));
	p = strstr(cmdline, "devtest.loops=");
	if (p)
		loops = atoi(p + 14);
	before = !!strstr(cmdline, "devtest.mode=before");
	load_conf();

	printf("pmu-vm: payload start\n");
	printf("DEVTEST: mode %s, %d devices, %d loops\n", before ? "before" : "after",
	       ndevs, loops);
	for (i = 0; i < ndevs; i++) {
		if (before)
			run_before(&devs[i]);
		else
			run_after(&devs[i], loops);
	}
	if (!before) {
		CHECK(ndevs > 0, "devices in /devices.conf: %d", ndevs);
		printf("DEVTEST: %d checks, %d failed\n", checks, failures);
		printf("DEVTEST: %s\n", failures ? "FAIL" : "PASS");
		rc = failures ? 1 : 0;
	}
	guest_exit(rc);
	return 0;
}
