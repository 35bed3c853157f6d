// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the arm64 guest that drives the real arm_cspmu driver on three
 * fake CoreSight PMUs (QEMU virt, RAM pages preset by -device loader, see
 * tests/arm64/run.sh):
 *
 *   7f000000.pmu  PMIIDR 0x43b       generic, cycle counter
 *   7f001000.pmu  PMIIDR 0x2cf0036b  NVIDIA SCF (nvidia_cspmu)
 *   7f002000.pmu  PMIIDR 0xa16       Ampere MCU (ampere_cspmu)
 *
 * The counters count when this program adds to them through /dev/mem, so a
 * read() can be checked exactly. "cspmu.mode=after" (the series) runs the
 * checks and prints "CSPMU-TEST: PASS" or "CSPMU-TEST: FAIL"; a failed check
 * prints "not ok" with the line. "cspmu.mode=before" (the base kernel) shows
 * that the same steps are refused there, then removes the backend under a
 * live event with a forced unload and reads the event, which the base kernel
 * does not survive; the host expects that crash.
 *
 * The same binary is installed as /sbin/modprobe: the kernel's
 * request_module() then only records the request in /modprobe.log.
 *
 * It speaks scripts/vm's protocol for guests without the 9p share (--arch
 * arm64): "pmu-vm: payload start" first, then the kernel log (the runner's
 * backstop for lines below the console loglevel), then "pmu-vm: payload
 * exit status N". "cspmu.mode=status:N", "=splat" and "=hang" only exist
 * for the runner's own test (tests/workbench/vm-runner.sh).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/klog.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "guest-lib.h"

#define DEVS	"/sys/bus/platform/devices"
#define DRV	"/sys/bus/platform/drivers/arm-cs-arch-pmu"
#define EVS	"/sys/bus/event_source/devices"

/*
 * NV2, a second NVIDIA SCF device on the same socket, is in the devicetree
 * only for cspmu.mode=dup (tests/arm64/cspmu-dup.dtsi): the NVIDIA backend
 * names both nvidia_scf_pmu_0.
 */
enum { GEN, NV, AMP, NDEV, NV2 = NDEV, NDEV_MAX };
static int ndev = NDEV;		/* devices in this boot's devicetree */
static const char *const dev_name[NDEV_MAX] = {
	"7f000000.pmu", "7f001000.pmu", "7f002000.pmu", "7f003000.pmu"
};
static const unsigned long dev_phys[NDEV_MAX] = {
	0x7f000000, 0x7f001000, 0x7f002000, 0x7f003000
};
/* An event each PMU accepts, generic and vendor (see the sysfs events). */
static const unsigned long long gen_config[NDEV_MAX] = {
	0x100000000ULL, 0x1, 0x1, 0x1	/* cycles, then any type */
};
static const char *const vendor_prefix[NDEV_MAX] = {
	NULL, "nvidia_scf_pmu_", "ampere_mcu_pmu_", "nvidia_scf_pmu_"
};
static const unsigned long long vendor_config[NDEV_MAX] = {
	0, 0x1d, 0x19, 0x1d		/* bus_cycles, cycle_count */
};

/* The PMU registered by a device: the child directory with a "type". */
static const char *pmu_of(int dev)
{
	static char name[NDEV_MAX][128];
	char p[PATH_MAX];
	struct dirent *e;
	DIR *d;

	name[dev][0] = 0;
	snprintf(p, sizeof(p), DEVS "/%s", dev_name[dev]);
	d = opendir(p);
	while (d && (e = readdir(d))) {
		char t[PATH_MAX + 300];

		if (e->d_name[0] == '.')
			continue;
		snprintf(t, sizeof(t), "%s/%s/type", p, e->d_name);
		if (!access(t, R_OK))
			snprintf(name[dev], sizeof(name[dev]), "%s", e->d_name);
	}
	if (d)
		closedir(d);
	return name[dev];
}

static int is_bound(int dev)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), DEVS "/%s/driver", dev_name[dev]);
	return !access(p, F_OK);
}

static int is_generic(int dev)
{
	return !strncmp(pmu_of(dev), "arm_cspmu_", 10);
}

static int is_vendor(int dev)
{
	return vendor_prefix[dev] &&
	       !strncmp(pmu_of(dev), vendor_prefix[dev], strlen(vendor_prefix[dev]));
}

static void state(const char *tag)
{
	int i;

	printf("# state %s:", tag);
	for (i = 0; i < ndev; i++)
		printf(" %s=%s", dev_name[i], is_bound(i) ?
		       (pmu_of(i)[0] ? pmu_of(i) : "<bound, no pmu>") : "<unbound>");
	printf("\n");
}

/* The type of a device's PMU, -1 if it has none. */
static long type_of(int dev)
{
	char p[PATH_MAX], buf[64];

	snprintf(p, sizeof(p), EVS "/%s/type", pmu_of(dev));
	return pmu_of(dev)[0] && !readstr(p, buf, sizeof(buf)) ? strtol(buf, NULL, 0) : -1;
}

static int open_ev(int dev, unsigned long long config)
{
	struct perf_event_attr attr;
	char p[PATH_MAX], buf[64];
	const char *pmu = pmu_of(dev);
	int fd;

	snprintf(p, sizeof(p), EVS "/%s/type", pmu);
	if (!pmu[0] || readstr(p, buf, sizeof(buf)))
		return -ENOENT;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = strtoul(buf, NULL, 0);
	attr.config = config;
	attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
			   PERF_FORMAT_TOTAL_TIME_RUNNING;
	fd = syscall(__NR_perf_event_open, &attr, -1, 0, -1, 0);
	return fd < 0 ? -errno : fd;
}

/*
 * Advance every counter the driver started on a device: the start path
 * writes 2^63 - 1, so a running counter holds at least that.
 */
static void tick(int dev, unsigned long long add)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC), i;
	volatile uint64_t *m;

	if (fd < 0)
		return;
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, dev_phys[dev]);
	close(fd);
	if (m == MAP_FAILED)
		return;
	for (i = 0; i < 32; i++)
		if (m[i] >= 0x7fffffffffffffffULL)
			m[i] += add;
	munmap((void *)m, 4096);
}

/* A live event: counts exactly what tick() adds. */
static void check_counts(int fd, const char *what)
{
	struct val a, b;

	CHECK(!read_ev(fd, &a), "%s: read", what);
	for (int i = 0; i < ndev; i++)
		tick(i, 1000);
	CHECK(!read_ev(fd, &b) && b.value == a.value + 1000 && b.enabled > a.enabled,
	      "%s: counts (%llu -> %llu)", what, a.value, b.value);
}

/*
 * A revoked event keeps the count it had, with frozen times, and refuses
 * everything else (the semantics of the core series).
 */
static void check_revoked(int fd, unsigned long long count, const char *what)
{
	struct val a, b;
	int i;

	CHECK(!read_ev(fd, &a) && a.value == count, "%s: read gives the count at revoke (%llu, want %llu)",
	      what, a.value, count);
	for (i = 0; i < ndev; i++)
		tick(i, 7);
	msleep(20);
	CHECK(!read_ev(fd, &b) && b.value == a.value && b.enabled == a.enabled &&
	      b.running == a.running, "%s: count and times frozen", what);
	check_revoked_refuses(fd, what);
}

/* Count the requests the kernel made through /sbin/modprobe for a module. */
static int requests(const char *module)
{
	FILE *f = fopen("/modprobe.log", "r");
	char line[256];
	int n = 0;

	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strcmp(line, module))
			n++;
	}
	if (f)
		fclose(f);
	return n;
}

static int wait_requests(const char *module, int want)
{
	int i;

	for (i = 0; i < 100 && requests(module) < want; i++)
		msleep(20);
	msleep(100);	/* and no more than that */
	return requests(module);
}

static int bind_dev(int dev, int bind)
{
	return writestr(bind ? DRV "/bind" : DRV "/unbind", dev_name[dev]);
}

/* Load arm_cspmu alone: every device of this boot is bound generically. */
static void core_only(void)
{
	int i;

	CHECK(!insmod("arm_cspmu_module"), "insmod arm_cspmu_module");
	state("core only");
	for (i = 0; i < ndev; i++)
		CHECK(is_bound(i) && is_generic(i), "%s bound generically (%s)",
		      dev_name[i], pmu_of(i));
}

/* ---------------------------------------------------------------- after */

static void run_after(int loops)
{
	unsigned long long c;
	struct val v;
	int fd[NDEV], rfd[NDEV], i, n;
	long t;
	char old[128], fallback[128] = "";

	printf("# 1. the core module alone: every device is served, generically\n");
	core_only();
	CHECK(wait_requests("nvidia_cspmu", 1) == 1, "nvidia_cspmu requested once");
	CHECK(wait_requests("ampere_cspmu", 1) == 1, "ampere_cspmu requested once");

	printf("# 1b. a failed backend request is asked again at the next bind\n");
	CHECK(!bind_dev(NV, 0) && !bind_dev(NV, 1), "unbind and bind %s", dev_name[NV]);
	CHECK(wait_requests("nvidia_cspmu", 2) == 2, "nvidia_cspmu requested again (%d requests)",
	      requests("nvidia_cspmu"));
	for (i = 0; i < 250 && !is_vendor(NV); i++)
		msleep(20);
	state("second request");
	CHECK(is_vendor(NV), "the second request loaded nvidia_cspmu: %s upgraded (%s)",
	      dev_name[NV], pmu_of(NV));
	CHECK(!rmmod("nvidia_cspmu", 0), "rmmod nvidia_cspmu");
	CHECK(is_bound(NV) && is_generic(NV), "%s fell back to generic (%s)", dev_name[NV],
	      pmu_of(NV));
	CHECK(wait_requests("nvidia_cspmu", 3) == 2,
	      "the fallback after an unload asks for no backend (%d requests)",
	      requests("nvidia_cspmu"));

	printf("# 2. a backend registers while generic events are open: upgrade\n");
	for (i = 0; i < NDEV; i++) {
		fd[i] = open_ev(i, gen_config[i]);
		CHECK(fd[i] >= 0, "open a generic event on %s (%d)", pmu_of(i), fd[i]);
		check_counts(fd[i], pmu_of(i));
	}
	read_ev(fd[NV], &v);
	c = v.value;
	t = type_of(NV);
	snprintf(old, sizeof(old), "%s", pmu_of(NV));
	CHECK(!insmod("nvidia_cspmu"), "insmod nvidia_cspmu with a generic event open");
	state("nvidia loaded");
	CHECK(is_vendor(NV), "%s moved to the NVIDIA backend (%s)", dev_name[NV], pmu_of(NV));
	{
		char line[256];

		snprintf(line, sizeof(line), "PMU %s replaced by %s; open events of %s are revoked",
			 old, pmu_of(NV), old);
		CHECK(klog_has(line), "the kernel log says: %s", line);
	}
	/* The old type must not reach the new PMU with the old encodings. */
	CHECK(type_of(NV) > 0 && type_of(NV) != t, "the NVIDIA PMU has a new type (%ld, was %ld)",
	      type_of(NV), t);
	check_revoked(fd[NV], c, "generic event of the upgraded device");
	check_counts(fd[GEN], "generic event of another device");
	read_ev(fd[AMP], &v);
	c = v.value;
	CHECK(!insmod("ampere_cspmu"), "insmod ampere_cspmu with a generic event open");
	state("ampere loaded");
	CHECK(is_vendor(AMP) && !strcmp(pmu_of(AMP), "ampere_mcu_pmu_0"),
	      "%s moved to the Ampere backend (%s)", dev_name[AMP], pmu_of(AMP));
	check_revoked(fd[AMP], c, "generic event of the Ampere device");
	check_counts(fd[GEN], "generic event of the generic device");
	close(fd[GEN]);
	close(fd[NV]);
	close(fd[AMP]);

	printf("# 3. a backend unloads while its events are open: fallback\n");
	for (n = 0; n < loops; n++) {
		fd[NV] = open_ev(NV, vendor_config[NV]);
		CHECK(fd[NV] >= 0, "open an event on %s (%d)", pmu_of(NV), fd[NV]);
		check_counts(fd[NV], pmu_of(NV));
		read_ev(fd[NV], &v);
		c = v.value;
		CHECK(!rmmod("nvidia_cspmu", 0), "rmmod nvidia_cspmu with its event open");
		CHECK(!module_loaded("nvidia_cspmu"), "nvidia_cspmu is gone");
		state("nvidia unloaded");
		CHECK(is_bound(NV) && is_generic(NV), "%s fell back to generic (%s)",
		      dev_name[NV], pmu_of(NV));
		/* The generic index is freed at each unbind: the same name. */
		if (!n)
			snprintf(fallback, sizeof(fallback), "%s", pmu_of(NV));
		else
			CHECK(!strcmp(pmu_of(NV), fallback),
			      "the fallback PMU keeps its name (%s, first %s)", pmu_of(NV), fallback);
		check_revoked(fd[NV], c, "NVIDIA event after rmmod");
		rfd[NV] = open_ev(NV, gen_config[NV]);
		CHECK(rfd[NV] >= 0, "open a generic event on the fallback PMU");
		check_counts(rfd[NV], "event on the fallback PMU");
		CHECK(!insmod("nvidia_cspmu"), "insmod nvidia_cspmu again");
		CHECK(is_vendor(NV), "upgraded again (%s)", pmu_of(NV));
		/* The revoked NVIDIA event outlives the module it came from. */
		check_revoked(fd[NV], c, "NVIDIA event after its module was reloaded");
		close(fd[NV]);
		close(rfd[NV]);
	}
	CHECK(wait_requests("nvidia_cspmu", 3) == 2,
	      "the fallback probes did not request nvidia_cspmu again (%d requests)",
	      requests("nvidia_cspmu"));

	printf("# 4. sysfs unbind and bind with events open, every backend\n");
	for (n = 0; n < loops; n++) {
		for (i = 0; i < NDEV; i++) {
			snprintf(old, sizeof(old), "%s", pmu_of(i));
			rfd[i] = open_ev(i, i == GEN ? gen_config[i] : vendor_config[i]);
			CHECK(rfd[i] >= 0, "open an event on %s", old);
			check_counts(rfd[i], old);
			read_ev(rfd[i], &v);
			c = v.value;
			CHECK(!bind_dev(i, 0), "unbind %s through sysfs", dev_name[i]);
			CHECK(!is_bound(i) && !pmu_of(i)[0], "%s unbound, its PMU gone", dev_name[i]);
			check_revoked(rfd[i], c, old);
			CHECK(!bind_dev(i, 1), "bind %s through sysfs", dev_name[i]);
			CHECK(is_bound(i) && (i == GEN ? is_generic(i) : is_vendor(i)),
			      "%s bound again (%s)", dev_name[i], pmu_of(i));
			if (i != NV)
				CHECK(!strcmp(pmu_of(i), old), "%s keeps its name (%s, was %s)",
				      dev_name[i], pmu_of(i), old);
			fd[i] = open_ev(i, i == GEN ? gen_config[i] : vendor_config[i]);
			CHECK(fd[i] >= 0, "open an event on the new %s", pmu_of(i));
			check_counts(fd[i], pmu_of(i));
			close(fd[i]);
			check_revoked(rfd[i], c, "unbound event, device bound again");
			close(rfd[i]);
		}
	}

	printf("# 5. the active CPU goes offline: the events move with the PMU\n");
	fd[GEN] = open_ev(GEN, gen_config[GEN]);
	if (writestr("/sys/devices/system/cpu/cpu0/online", "0")) {
		printf("# cpu0 cannot go offline here (%s): skipped\n", strerror(errno));
	} else {
		check_counts(fd[GEN], "generic event after its CPU went offline");
		read_ev(fd[GEN], &v);
		c = v.value;
		CHECK(!bind_dev(GEN, 0), "unbind %s with the event migrated", dev_name[GEN]);
		check_revoked(fd[GEN], c, "migrated event");
		CHECK(!writestr("/sys/devices/system/cpu/cpu0/online", "1"), "cpu0 online again");
		CHECK(!bind_dev(GEN, 1), "bind %s again", dev_name[GEN]);
	}
	close(fd[GEN]);

	printf("# 6. live events pin arm_cspmu_module, revoked ones do not\n");
	rfd[GEN] = open_ev(GEN, gen_config[GEN]);
	fd[GEN] = open_ev(GEN, 0x1);	/* on a general counter */
	CHECK(rfd[GEN] >= 0 && fd[GEN] >= 0, "two events on %s", pmu_of(GEN));
	check_counts(rfd[GEN], pmu_of(GEN));
	CHECK(!rmmod("ampere_cspmu", 0), "rmmod ampere_cspmu");
	CHECK(!rmmod("nvidia_cspmu", 0), "rmmod nvidia_cspmu");
	CHECK(rmmod("arm_cspmu_module", 0) == -EAGAIN,
	      "rmmod arm_cspmu_module refused while events are live");
	read_ev(rfd[GEN], &v);
	c = v.value;
	CHECK(!bind_dev(GEN, 0), "unbind %s", dev_name[GEN]);
	check_revoked(rfd[GEN], c, "event of the unbound generic device");
	close(fd[GEN]);
	CHECK(!rmmod("arm_cspmu_module", 0), "rmmod arm_cspmu_module with a revoked event open");
	state("all unloaded");
	check_revoked(rfd[GEN], c, "revoked event after its driver module is gone");
	close(rfd[GEN]);
	CHECK(!insmod("arm_cspmu_module"), "insmod arm_cspmu_module again");
	CHECK(is_bound(GEN) && is_generic(GEN), "%s bound generically (%s)",
	      dev_name[GEN], pmu_of(GEN));
	/* A new arm_cspmu_module knows of no unload: it asks, and gets them. */
	CHECK(wait_requests("nvidia_cspmu", 3) == 3 && wait_requests("ampere_cspmu", 2) == 2,
	      "the reloaded driver requested both backends (%d, %d requests)",
	      requests("nvidia_cspmu"), requests("ampere_cspmu"));
	for (i = 0; i < 250 && !(is_vendor(NV) && is_vendor(AMP)); i++)
		msleep(20);
	CHECK(is_vendor(NV) && is_vendor(AMP), "the vendor devices upgraded (%s, %s)",
	      pmu_of(NV), pmu_of(AMP));
	state("end");
}

/* ------------------------------------------------------------------ dup */

/*
 * Two NVIDIA SCF devices on one socket: the backend names both
 * nvidia_scf_pmu_0, so it can serve only one. The other must stay served
 * generically (not be left unbound, out of reach of later reprobes), and
 * unloading the backend must leave it alone.
 */
static void run_dup(void)
{
	unsigned long long c;
	struct val v;
	int fd, n;

	ndev = NDEV_MAX;
	printf("# dup 1. the core module alone: both SCF devices generic\n");
	core_only();
	fd = open_ev(NV2, gen_config[NV2]);
	CHECK(fd >= 0, "open a generic event on %s (%d)", pmu_of(NV2), fd);
	check_counts(fd, pmu_of(NV2));

	for (n = 0; n < 2; n++) {
		printf("# dup 2.%d. nvidia_cspmu loads: one SCF device is its, the other stays generic\n",
		       n);
		read_ev(fd, &v);
		c = v.value;
		CHECK(!insmod("nvidia_cspmu"), "insmod nvidia_cspmu");
		state("nvidia loaded");
		CHECK(is_vendor(NV) && !strcmp(pmu_of(NV), "nvidia_scf_pmu_0"),
		      "%s moved to the NVIDIA backend (%s)", dev_name[NV], pmu_of(NV));
		CHECK(is_bound(NV2) && is_generic(NV2),
		      "%s, whose NVIDIA name is taken, is bound generically (%s)",
		      dev_name[NV2], is_bound(NV2) ? pmu_of(NV2) : "<unbound>");
		CHECK(klog_has("nvidia_cspmu failed (-17), using the generic implementation"),
		      "the kernel log says why %s stayed generic", dev_name[NV2]);
		/* Reprobed on the way: its generic PMU was replaced. */
		check_revoked(fd, c, "generic event of the reprobed device");
		close(fd);
		fd = open_ev(NV2, gen_config[NV2]);
		CHECK(fd >= 0, "open a generic event on %s (%d)", pmu_of(NV2), fd);
		check_counts(fd, pmu_of(NV2));

		printf("# dup 3.%d. nvidia_cspmu unloads: the generic device is left alone\n", n);
		CHECK(!rmmod("nvidia_cspmu", 0), "rmmod nvidia_cspmu");
		state("nvidia unloaded");
		CHECK(is_bound(NV) && is_generic(NV), "%s fell back to generic (%s)",
		      dev_name[NV], pmu_of(NV));
		CHECK(is_bound(NV2) && is_generic(NV2), "%s still bound generically (%s)",
		      dev_name[NV2], pmu_of(NV2));
		check_counts(fd, "the generic device's event, across the unload");
	}
	close(fd);
}

/* --------------------------------------------------------------- before */

/*
 * The base kernel: record what it refuses, then take the one path that
 * removes a PMU under a live event there (forced unload) and read the
 * event. The host requires the refusals and then a kernel crash report.
 */
static void run_before(void)
{
	struct val v;
	int fd, r;

	insmod("arm_cspmu_module");
	state("core only");
	printf("BEFORE: generic by default: %s\n",
	       is_bound(NV) || is_bound(AMP) ? "yes" : "no (vendor devices wait for their module)");
	insmod("nvidia_cspmu");
	insmod("ampere_cspmu");
	state("backends loaded");
	fd = open_ev(NV, vendor_config[NV]);
	printf("BEFORE: event on %s: %d\n", pmu_of(NV), fd);
	tick(NV, 1000);
	read_ev(fd, &v);
	printf("BEFORE: read %llu\n", v.value);
	r = rmmod("nvidia_cspmu", 0);
	printf("BEFORE: rmmod nvidia_cspmu with an event open: %s\n",
	       r ? strerror(-r) : "ok");
	r = bind_dev(NV, 0);
	printf("BEFORE: sysfs unbind: %s\n", r ? strerror(-r) : "ok");
	printf("BEFORE: forced unload of nvidia_cspmu with the event open\n");
	r = rmmod("nvidia_cspmu", 1);
	printf("BEFORE: rmmod -f: %s; reading the event\n", r ? strerror(-r) : "ok");
	r = read_ev(fd, &v);
	printf("BEFORE: survived read (%d, %llu); closing\n", r, v.value);
	close(fd);
	printf("BEFORE: survived close\n");
}

/*
 * /sbin/modprobe -q -- <module>: record the request. On the series the
 * first request for a module fails, as at boot before the module can be
 * found, and a later one loads it. On the base every request fails: its
 * deferred probes would otherwise load the backends behind the steps.
 */
static int fake_modprobe(int argc, char **argv)
{
	const char *module = argv[argc - 1];
	char cmdline[1024];
	int fd, first;

	if (argc < 2)
		return 1;
	readstr("/proc/cmdline", cmdline, sizeof(cmdline));
	first = !requests(module) || strstr(cmdline, "cspmu.mode=before") ||
		strstr(cmdline, "cspmu.mode=dup");
	fd = open("/modprobe.log", O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd >= 0) {
		dprintf(fd, "%s\n", module);
		close(fd);
	}
	return first || insmod(module) ? 1 : 0;
}

int main(int argc, char **argv)
{
	char cmdline[1024], *p;
	int loops = 10, rc = 0;

	if (strstr(argv[0], "modprobe"))
		return fake_modprobe(argc, argv);

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	readstr("/proc/cmdline", cmdline, sizeof(cmdline));
	p = strstr(cmdline, "cspmu.loops=");
	if (p)
		loops = atoi(p + 12);

	printf("pmu-vm: payload start\n");
	p = strstr(cmdline, "cspmu.mode=");
	if (p && !strncmp(p + 11, "status:", 7)) {
		rc = atoi(p + 18);
	} else if (p && !strncmp(p + 11, "hang", 4)) {
		for (;;)
			pause();
	} else if (p && !strncmp(p + 11, "splat", 5)) {
		int fd = open("/dev/kmsg", O_WRONLY);

		static const char msg[] =
			"<7>WARNING: CPU: 0 PID: 1 at debug-level splat by the runner test\n";
		/* One write() per record: dprintf() may split it. */
		if (write(fd, msg, sizeof(msg) - 1) < 0)
			printf("write /dev/kmsg: %s\n", strerror(errno));
		close(fd);
	} else if (p && !strncmp(p + 11, "dup", 3)) {
		printf("CSPMU-TEST: mode dup\n");
		run_dup();
		printf("CSPMU-TEST: %d checks, %d failed\n", checks, failures);
		printf("CSPMU-TEST: %s\n", failures ? "FAIL" : "PASS");
		rc = failures ? 1 : 0;
	} else if (p && !strncmp(p + 11, "before", 6)) {
		printf("CSPMU-TEST: mode before\n");
		run_before();
	} else {
		printf("CSPMU-TEST: mode after, %d loops\n", loops);
		run_after(loops);
		printf("CSPMU-TEST: %d checks, %d failed\n", checks, failures);
		printf("CSPMU-TEST: %s\n", failures ? "FAIL" : "PASS");
		rc = failures ? 1 : 0;
	}
	guest_exit(rc);
	return 0;
}
