// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrent stress of perf_pmu_unregister() against everything else a
 * perf event goes through, on the PMUs of lib/test_perf_pmu.c: test_pmu_0,
 * test_pmu_1 and, if the driver has the devices, test_pmu_sw (a driver PMU
 * in the software context, like hisi_ptt) and test_pmu_aux (the same with
 * an AUX area that its timer writes):
 *
 *   binder     unbinds and binds test_perf_pmu.0 to .3 (the unregister),
 *              those of them that exist
 *   openers    open events on them, random kinds: per-task and per-CPU
 *              counting, sampling with a ring buffer, groups (also across
 *              PMUs and with a software leader), inherited events with a
 *              fork, cgroup events, a test_pmu_sw event as a sibling in a
 *              test_pmu_0 or a cpu-clock group, a test_pmu_aux event
 *              (alone or a sibling in a test_pmu_0 group) opened disabled,
 *              its data pages and AUX area mapped (read-only, snapshot
 *              mode, at times), then enabled; then read, poll, ioctl,
 *              mmap, consume AUX data, close
 *   forker     fork/exit storm with inherited events on itself
 *   hotplug    CPUs 1..N-1 offline and online
 *   cgroup     moves a busy task between two cgroups
 *
 * Usage: pmu-stress SECONDS SEED [CGROUP_DIR]
 * Every thread draws from its own generator seeded with SEED and its index,
 * so a run's choices are reproducible from its seed (timing is not). The
 * tally goes to stdout as "TALLY <name> <count>" lines.
 *
 * A run fails (exit 1, "FAIL: ..." lines) if a bind failed, if a revoked
 * event broke the revoked contract (checked on the first REVOKE_SAMPLE
 * revoked fds: two reads 20 ms apart return the same frozen count with
 * running <= enabled, poll() reports POLLHUP | POLLERR, ioctls, a new
 * mmap() and fcntl(O_ASYNC) fail with ENODEV; each breach prints a
 * "VIOLATION" line), if an AUX user saw its data go wrong (every u64 that
 * test_pmu_aux writes holds its own offset in the AUX stream; checked
 * between aux_tail and aux_head while it runs, and over the whole area
 * once revoked), saw aux_head or data_head move after the revocation, or
 * could not munmap() or close() (also "VIOLATION" lines), or if the run was
 * vacuous: fewer unbinds, binds, events created or events found revoked
 * than a minimum scaled to SECONDS; with test_perf_pmu.2, fewer
 * test_pmu_sw siblings; with test_perf_pmu.3, fewer AUX areas mapped, none
 * written to, or fewer revoked while mapped.
 *
 * Also used by tests/guest/faultinject.sh:
 *   pmu-stress faults LOOPS [open|inherit]   event creation / inherit at
 *                                            fork with allocations failing
 *   pmu-stress hold N TIMEOUT READY_FILE     open events of every kind on
 *                                            test_pmu_N (N is 0 or 1),
 *                                            create READY_FILE,
 *                                            wait (up to TIMEOUT s) until all
 *                                            are revoked, check the contract
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DRV	"/sys/bus/platform/drivers/test_perf_pmu"
#define DEVS	"/sys/bus/platform/devices"
#define EVS	"/sys/bus/event_source/devices"
#define NOPENERS 3
/* Revoked fds whose contract is checked in full (the first ones found). */
#define REVOKE_SAMPLE 50
/* test_perf_pmu.<n> registers pmu_names[n]. */
#define SW_DEV	2
#define AUX_DEV	3
#define MAX_DEVS 4
/* An AUX user maps 1 + AUX_DATA_PAGES data pages, then the AUX area. */
#define AUX_DATA_PAGES 8

static const char *const pmu_names[MAX_DEVS] = {
	"test_pmu_0", "test_pmu_1", "test_pmu_sw", "test_pmu_aux",
};

static atomic_long t_unbind, t_bind, t_bind_fail, t_revoke_checked,
	t_violations, t_revoke_sampled, t_created, t_open_fail, t_revoked,
	t_closed, t_reads, t_polls, t_ioctls, t_mmaps, t_forks, t_hotplug,
	t_migrations, t_cgroup_events, t_inherit_events, t_groups,
	t_sw_events, t_aux_maps, t_aux_map_fail, t_aux_snapshots,
	t_aux_consumed, t_aux_written, t_aux_revoked;
static atomic_int stop;
static unsigned int seed;
static int ncpus;
/* Devices test_perf_pmu.0 .. .<ndevs - 1> exist: 2, or 4 with sw and aux. */
static int ndevs;
static const char *cgdir;

static unsigned int rnd(unsigned int *s, unsigned int n)
{
	*s = *s * 1103515245 + 12345;
	return ((*s >> 16) & 0x7fff) % n;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

/* Run on the CPU for @us, so that per-task events of ours count and write. */
static void spin_us(long us)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000L +
		 (t.tv_nsec - t0.tv_nsec) / 1000 < us);
}

/* Print a "VIOLATION" line for @what on @fd and count it. */
static void __attribute__((format(printf, 3, 4)))
violation(const char *what, int fd, const char *fmt, ...)
{
	va_list ap;

	printf("VIOLATION: %s fd %d: ", what, fd);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	t_violations++;
}

static int writestr(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* The current type of pmu_names[n], or -1 while it is unregistered. */
static int pmu_type(int n)
{
	char p[128], buf[32];
	int fd, len;

	if (n < 0 || n >= MAX_DEVS)
		return -1;
	snprintf(p, sizeof(p), EVS "/%s/type", pmu_names[n]);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = 0;
	return atoi(buf);
}

/*
 * The contract of a revoked event (see the kselftest pmu_unregister.c):
 * read() returns the frozen count, twice the same across a short sleep,
 * with running <= enabled; poll() reports POLLHUP | POLLERR; ioctls, a new
 * mmap() and fcntl(O_ASYNC) fail with ENODEV. Returns the number of
 * breaches, each printed. The read formats used here put enabled and
 * running in words 1 and 2 (value or nr first).
 */
static int check_revoked(int fd, const char *what)
{
	unsigned long long a[64], b[64], id;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t la, lb;
	int bad = 0, r;
	void *p;

#define BAD(...) do { printf("VIOLATION: %s fd %d: ", what, fd); \
		      printf(__VA_ARGS__); printf("\n"); fflush(stdout); bad++; } while (0)
	la = read(fd, a, sizeof(a));
	sleep_us(20000);
	lb = read(fd, b, sizeof(b));
	if (la < 24 || lb != la)
		BAD("read returned %zd then %zd (errno %d)", la, lb, errno);
	else if (memcmp(a, b, la))
		BAD("count not frozen: %llu/%llu/%llu then %llu/%llu/%llu",
		    a[0], a[1], a[2], b[0], b[1], b[2]);
	else if (a[2] > a[1])
		BAD("running %llu > enabled %llu", a[2], a[1]);
	r = poll(&pfd, 1, 0);
	if (r != 1 || (pfd.revents & (POLLHUP | POLLERR)) != (POLLHUP | POLLERR))
		BAD("poll returned %d, revents %#x", r, pfd.revents);
	errno = 0;
	if (ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) != -1 || errno != ENODEV)
		BAD("IOC_ENABLE: errno %d", errno);
	errno = 0;
	if (ioctl(fd, PERF_EVENT_IOC_DISABLE, 0) != -1 || errno != ENODEV)
		BAD("IOC_DISABLE: errno %d", errno);
	errno = 0;
	if (ioctl(fd, PERF_EVENT_IOC_RESET, 0) != -1 || errno != ENODEV)
		BAD("IOC_RESET: errno %d", errno);
	errno = 0;
	if (ioctl(fd, PERF_EVENT_IOC_ID, &id) != -1 || errno != ENODEV)
		BAD("IOC_ID: errno %d", errno);
	errno = 0;
	p = mmap(NULL, 2 * getpagesize(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED) {
		munmap(p, 2 * getpagesize());
		BAD("new mmap succeeded");
	} else if (errno != ENODEV) {
		BAD("mmap: errno %d", errno);
	}
	errno = 0;
	if (fcntl(fd, F_SETFL, O_ASYNC) != -1 || errno != ENODEV)
		BAD("fcntl(O_ASYNC): errno %d", errno);
#undef BAD
	return bad;
}

/* Called when fd was found revoked: check the first REVOKE_SAMPLE in full. */
static void sample_revoked(int fd, const char *what)
{
	if (atomic_fetch_add(&t_revoke_sampled, 1) >= REVOKE_SAMPLE)
		return;
	t_violations += check_revoked(fd, what);
	t_revoke_checked++;
}

static int peo(struct perf_event_attr *a, pid_t pid, int cpu, int group, unsigned long flags)
{
	return syscall(__NR_perf_event_open, a, pid, cpu, group, flags);
}

static void attr_init(struct perf_event_attr *a, int type, unsigned long long config)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = type;
	a->config = config;
	a->read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
			 PERF_FORMAT_TOTAL_TIME_RUNNING | PERF_FORMAT_ID;
}

static int pmu_bound(int n)
{
	char p[128];

	snprintf(p, sizeof(p), DRV "/test_perf_pmu.%d", n);
	return !access(p, F_OK);
}

static void *binder(void *arg)
{
	unsigned int s = seed ^ 0xb1d;
	char name[32];
	int n, ret;

	(void)arg;
	/* For bisecting a failure: PMU_STRESS_NO_UNBIND=1 keeps all bound. */
	if (getenv("PMU_STRESS_NO_UNBIND"))
		return NULL;
	while (!stop) {
		n = rnd(&s, ndevs);
		snprintf(name, sizeof(name), "test_perf_pmu.%d", n);
		if (!writestr(DRV "/unbind", name)) {
			t_unbind++;
			sleep_us(rnd(&s, 20000));
		}
		/* A failed bind is a failed registration: it must not happen. */
		ret = writestr(DRV "/bind", name);
		if (ret == -ENOMEM || !pmu_bound(n))
			t_bind_fail++;
		else if (!ret)
			t_bind++;
		sleep_us(rnd(&s, 50000));
	}
	/* Leave all bound. */
	for (n = 0; n < ndevs; n++) {
		snprintf(name, sizeof(name), "test_perf_pmu.%d", n);
		writestr(DRV "/bind", name);
	}
	return NULL;
}

static void *hotplug(void *arg)
{
	unsigned int s = seed ^ 0x407;
	char p[64];
	int cpu;

	(void)arg;
	while (!stop && ncpus > 1) {
		cpu = 1 + rnd(&s, ncpus - 1);
		snprintf(p, sizeof(p), "/sys/devices/system/cpu/cpu%d/online", cpu);
		if (!writestr(p, "0")) {
			sleep_us(rnd(&s, 100000));
			writestr(p, "1");
			t_hotplug++;
		}
		sleep_us(rnd(&s, 200000));
	}
	for (cpu = 1; cpu < ncpus; cpu++) {
		snprintf(p, sizeof(p), "/sys/devices/system/cpu/cpu%d/online", cpu);
		writestr(p, "1");
	}
	return NULL;
}

/* A busy child moved between cgroup a and b. */
static void *cgroup_mover(void *arg)
{
	unsigned int s = seed ^ 0xc9;
	char p[256], pid[32];
	pid_t child;

	(void)arg;
	if (!cgdir)
		return NULL;
	child = fork();
	if (!child) {
		for (;;)
			getppid();
	}
	snprintf(pid, sizeof(pid), "%d", child);
	while (!stop) {
		snprintf(p, sizeof(p), "%s/%s/cgroup.procs", cgdir, rnd(&s, 2) ? "a" : "b");
		if (!writestr(p, pid))
			t_migrations++;
		sleep_us(rnd(&s, 20000));
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return NULL;
}

/* Fork/exit storm with inherited per-task events on both PMU kinds. */
static void *forker(void *arg)
{
	unsigned int s = seed ^ 0xf0;
	struct perf_event_attr a;
	int fds[4], n, i, t;
	pid_t pid;

	(void)arg;
	while (!stop) {
		n = 0;
		for (i = 0; i < 4; i++) {
			t = pmu_type(0);
			if (i == 3 || t < 0)
				attr_init(&a, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK);
			else
				attr_init(&a, t, rnd(&s, 2));
			a.inherit = 1;
			fds[n] = peo(&a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
			if (fds[n] >= 0) {
				n++;
				t_created++;
				t_inherit_events++;
			}
		}
		for (i = 0; i < 8 && !stop; i++) {
			pid = fork();
			if (!pid) {
				if (rnd(&s, 2) && !fork())
					_exit(0);
				_exit(0);
			}
			if (pid > 0) {
				waitpid(pid, NULL, 0);
				t_forks++;
			}
		}
		for (i = 0; i < n; i++) {
			unsigned long long id;

			if (ioctl(fds[i], PERF_EVENT_IOC_ID, &id) && errno == ENODEV) {
				t_revoked++;
				sample_revoked(fds[i], "forker inherited event");
			}
			close(fds[i]);
			t_closed++;
		}
	}
	return NULL;
}

struct ev {
	int fd;
	void *ring;
	size_t ring_len;
	/* test_pmu_aux: the AUX area, mapped after 1 + AUX_DATA_PAGES of ring */
	uint64_t *aux;
	size_t aux_len;		/* also after the AUX area is unmapped */
	uint64_t aux_tail;	/* what we consumed, see aux_consume() */
	int snapshot;		/* AUX area read-only: overwrite mode */
};

static uint64_t aux_head(struct ev *e)
{
	struct perf_event_mmap_page *pg = e->ring;

	return __atomic_load_n(&pg->aux_head, __ATOMIC_ACQUIRE);
}

static uint64_t data_head(struct ev *e)
{
	struct perf_event_mmap_page *pg = e->ring;

	return __atomic_load_n(&pg->data_head, __ATOMIC_ACQUIRE);
}

/*
 * Map the data pages and an AUX area of @aux_pages pages of e->fd, as perf
 * record does (aux_offset and aux_size in the user page, then mmap() at that
 * offset); read-only for a snapshot. Failing is no breach: the PMU may be
 * gone already, or its type taken by another PMU since we read it.
 */
static int aux_map(struct ev *e, int snapshot, int aux_pages)
{
	size_t len = (1 + AUX_DATA_PAGES) * getpagesize();
	size_t aux_len = (size_t)aux_pages * getpagesize();
	struct perf_event_mmap_page *pg;
	void *aux;

	pg = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, e->fd, 0);
	if (pg == MAP_FAILED)
		return -1;
	/* Unmapped at close whatever happens next; poke() leaves it. */
	e->ring = pg;
	e->ring_len = len;
	t_mmaps++;
	pg->aux_offset = len;
	pg->aux_size = aux_len;
	aux = mmap(NULL, aux_len, PROT_READ | (snapshot ? 0 : PROT_WRITE),
		   MAP_SHARED, e->fd, len);
	if (aux == MAP_FAILED)
		return -1;
	e->aux = aux;
	e->aux_len = aux_len;
	e->aux_tail = 0;
	e->snapshot = snapshot;
	t_aux_maps++;
	if (snapshot)
		t_aux_snapshots++;
	return 0;
}

/*
 * test_pmu_aux writes, in each u64, its offset in the AUX stream: the
 * words in [from, head) that do not hold theirs, looking no further back
 * than one AUX area.
 */
static long aux_bad_words(struct ev *e, uint64_t from, uint64_t head)
{
	uint64_t pos;
	long bad = 0;

	if (head - from > e->aux_len || from > head)
		from = head > e->aux_len ? head - e->aux_len : 0;
	for (pos = from; pos < head; pos += sizeof(uint64_t))
		if (e->aux[(pos % e->aux_len) / sizeof(uint64_t)] != pos)
			bad++;
	return bad;
}

/*
 * Consume the AUX data of a running (or revoked) non-snapshot event:
 * check it and move aux_tail up to aux_head, data_tail to data_head. The
 * driver writes only past aux_head, into the space behind aux_tail, so
 * [aux_tail, aux_head) is stable while we read it.
 */
static void aux_consume(struct ev *e, const char *what)
{
	struct perf_event_mmap_page *pg = e->ring;
	uint64_t head = aux_head(e);
	long bad;

	if (head < e->aux_tail || head - e->aux_tail > e->aux_len) {
		violation(what, e->fd, "aux_head %llu outside [aux_tail %llu, + %zu]",
			  (unsigned long long)head,
			  (unsigned long long)e->aux_tail, e->aux_len);
		return;
	}
	bad = aux_bad_words(e, e->aux_tail, head);
	if (bad)
		violation(what, e->fd, "%ld of the AUX words in [%llu, %llu) are wrong",
			  bad, (unsigned long long)e->aux_tail,
			  (unsigned long long)head);
	__atomic_store_n(&pg->aux_tail, head, __ATOMIC_RELEASE);
	e->aux_tail = head;
	/* The PERF_RECORD_AUX records are not read, only made room for. */
	__atomic_store_n(&pg->data_tail, data_head(e), __ATOMIC_RELEASE);
	t_aux_consumed++;
}

/*
 * Done with an AUX user (before its close()). If the event was revoked
 * (poll() reports POLLHUP | POLLERR), nothing may be written any more:
 * aux_head and data_head stay put, and the AUX area keeps what the driver
 * wrote. munmap() of the AUX area and of the data pages must work, revoked
 * or not.
 */
static void aux_release(struct ev *e, const char *what)
{
	struct pollfd pfd = { .fd = e->fd, .events = POLLIN };
	unsigned long long id;
	uint64_t head, data;
	long bad;

	if (aux_head(e))
		t_aux_written++;
	if (poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLHUP | POLLERR)) == (POLLHUP | POLLERR)) {
		t_aux_revoked++;
		/*
		 * The ioctl takes the ctx->mutex the revocation held, so the
		 * revoker is done with this event; the unregister may release
		 * the AUX state later still, so give it a moment to settle
		 * before the head must stand still.
		 */
		errno = 0;
		if (ioctl(e->fd, PERF_EVENT_IOC_ID, &id) != -1 || errno != ENODEV)
			violation(what, e->fd, "POLLHUP | POLLERR but IOC_ID: errno %d", errno);
		sleep_us(20000);
		head = aux_head(e);
		data = data_head(e);
		if (!e->snapshot && (head < e->aux_tail || head - e->aux_tail > e->aux_len))
			violation(what, e->fd, "revoked: aux_head %llu outside [aux_tail %llu, + %zu]",
				  (unsigned long long)head,
				  (unsigned long long)e->aux_tail, e->aux_len);
		bad = aux_bad_words(e, 0, head);
		if (bad)
			violation(what, e->fd, "revoked: %ld of the last AUX words before %llu are wrong",
				  bad, (unsigned long long)head);
		sleep_us(20000);
		if (aux_head(e) != head || data_head(e) != data)
			violation(what, e->fd,
				  "revoked: aux_head %llu -> %llu, data_head %llu -> %llu in 20 ms",
				  (unsigned long long)head, (unsigned long long)aux_head(e),
				  (unsigned long long)data, (unsigned long long)data_head(e));
	}
	if (munmap(e->aux, e->aux_len))
		violation(what, e->fd, "munmap of the AUX area: errno %d", errno);
	if (munmap(e->ring, e->ring_len))
		violation(what, e->fd, "munmap of the data pages: errno %d", errno);
	e->aux = NULL;
	e->ring = NULL;
}

static void poke(unsigned int *s, struct ev *e)
{
	unsigned long long buf[64], id;
	struct pollfd pfd = { .fd = e->fd, .events = POLLIN };

	if (e->aux && !e->snapshot && !rnd(s, 3)) {
		aux_consume(e, "AUX user");
		return;
	}
	switch (rnd(s, 6)) {
	case 0:
	case 1:
		if (read(e->fd, buf, sizeof(buf)) >= 0)
			t_reads++;
		break;
	case 2:
		poll(&pfd, 1, 0);
		t_polls++;
		break;
	case 3:
		ioctl(e->fd, rnd(s, 2) ? PERF_EVENT_IOC_DISABLE : PERF_EVENT_IOC_ENABLE, 0);
		ioctl(e->fd, PERF_EVENT_IOC_RESET, 0);
		t_ioctls += 2;
		break;
	case 4:
		ioctl(e->fd, PERF_EVENT_IOC_ID, &id);
		ioctl(e->fd, PERF_EVENT_IOC_PERIOD, &(unsigned long long){ 1000 + rnd(s, 1000) });
		t_ioctls += 2;
		break;
	case 5:
		if (!e->ring) {
			e->ring_len = (1 + (1 << rnd(s, 2))) * getpagesize();
			e->ring = mmap(NULL, e->ring_len, PROT_READ | PROT_WRITE,
				       MAP_SHARED, e->fd, 0);
			if (e->ring == MAP_FAILED)
				e->ring = NULL;
			else
				t_mmaps++;
		}
		break;
	}
}

static void *opener(void *arg)
{
	unsigned int s = seed * 31 + (unsigned int)(long)arg;
	struct perf_event_attr a;
	struct ev ev[8];
	int n, i, k, kind, t0, t1, t, cpu, pid, cgfd = -1;
	pid_t child;
	char p[256];

	while (!stop) {
		n = 0;
		child = 0;
		t0 = pmu_type(0);
		t1 = pmu_type(1);
		cpu = rnd(&s, ncpus);
		kind = k = rnd(&s, 9);
		memset(ev, 0, sizeof(ev));
		switch (k) {
		case 0:	/* per-task counting on test_pmu_0 */
			attr_init(&a, t0, rnd(&s, 2));
			ev[n++].fd = peo(&a, 0, -1, -1, 0);
			break;
		case 1:	/* per-CPU counting on both */
			attr_init(&a, t0, rnd(&s, 2));
			ev[n++].fd = peo(&a, -1, cpu, -1, 0);
			attr_init(&a, t1, rnd(&s, 2));
			ev[n++].fd = peo(&a, -1, 0, -1, 0);
			break;
		case 2:	/* sampling, per-task or per-CPU, with a ring buffer */
			attr_init(&a, t0, 0);
			a.sample_period = 1000 + rnd(&s, 5000);
			a.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME;
			a.wakeup_events = 1;
			ev[n++].fd = rnd(&s, 2) ? peo(&a, 0, -1, -1, 0) : peo(&a, -1, cpu, -1, 0);
			break;
		case 3:	/* group: software or test_pmu_0 leader, mixed siblings */
			if (rnd(&s, 2))
				attr_init(&a, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK);
			else
				attr_init(&a, t0, 0);
			a.read_format |= PERF_FORMAT_GROUP;
			ev[n++].fd = peo(&a, -1, cpu, -1, 0);
			if (ev[0].fd >= 0) {
				/*
				 * Siblings without PERF_FORMAT_GROUP: a group
				 * read of a sibling that CPU hotplug detached
				 * overflows in 6.12 (__perf_read_group_add),
				 * on the base kernel too.
				 */
				attr_init(&a, t0, 1);
				ev[n++].fd = peo(&a, -1, cpu, ev[0].fd, 0);
				/* across PMUs: refused unless the core allows it */
				attr_init(&a, t1, 0);
				ev[n++].fd = peo(&a, -1, cpu, ev[0].fd, 0);
				attr_init(&a, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK);
				ev[n++].fd = peo(&a, -1, cpu, ev[0].fd, 0);
				t_groups++;
			}
			break;
		case 4:	/* inherited, then a child that forks and exits */
			attr_init(&a, t0, rnd(&s, 2));
			a.inherit = 1;
			ev[n++].fd = peo(&a, 0, -1, -1, 0);
			if (ev[0].fd >= 0)
				t_inherit_events++;
			child = fork();
			if (!child) {
				sleep_us(rnd(&s, 2000));
				_exit(0);
			}
			break;
		case 5:	/* cgroup event on test_pmu_0 */
			if (!cgdir)
				break;
			snprintf(p, sizeof(p), "%s/%s", cgdir, rnd(&s, 2) ? "a" : "b");
			cgfd = open(p, O_RDONLY | O_DIRECTORY);
			attr_init(&a, t0, rnd(&s, 2));
			ev[n++].fd = peo(&a, cgfd, cpu, -1, PERF_FLAG_PID_CGROUP);
			if (ev[0].fd >= 0)
				t_cgroup_events++;
			close(cgfd);
			break;
		case 6:	/* system-wide test_pmu_1 with output redirection */
			attr_init(&a, t1, 0);
			a.sample_period = 0;
			ev[n++].fd = peo(&a, -1, 0, -1, 0);
			attr_init(&a, t1, 1);
			ev[n++].fd = peo(&a, -1, 0, -1, 0);
			if (ev[0].fd >= 0 && ev[1].fd >= 0)
				ioctl(ev[1].fd, PERF_EVENT_IOC_SET_OUTPUT, ev[0].fd);
			break;
		case 7:	/* test_pmu_sw sibling: test_pmu_0 or cpu-clock leader */
			if (ndevs <= SW_DEV)
				break;
			/*
			 * test_pmu_sw is exclusive: a CPU-wide event of it
			 * refuses per-task ones (EBUSY) and the other way
			 * round, so most are per-task, on this thread.
			 */
			pid = rnd(&s, 4) ? 0 : -1;
			if (rnd(&s, 2))
				attr_init(&a, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK);
			else
				attr_init(&a, t0, 0);
			a.read_format |= PERF_FORMAT_GROUP;
			ev[n++].fd = peo(&a, pid, pid ? cpu : -1, -1, 0);
			if (ev[0].fd < 0)
				break;
			/*
			 * In a test_pmu_0 group it uses test_pmu_0's pmu
			 * context; in a cpu-clock group, its own.
			 */
			attr_init(&a, pmu_type(SW_DEV), rnd(&s, 2));
			ev[n++].fd = peo(&a, pid, pid ? cpu : -1, ev[0].fd, 0);
			if (ev[1].fd >= 0)
				t_sw_events++;
			if (rnd(&s, 2)) {
				attr_init(&a, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK);
				ev[n++].fd = peo(&a, pid, pid ? cpu : -1, ev[0].fd, 0);
			}
			t_groups++;
			break;
		case 8:	/* test_pmu_aux writing into a mapped AUX area */
			if (ndevs <= AUX_DEV)
				break;
			/*
			 * Per-task (exclusive, see above), opened disabled
			 * and enabled once the AUX area is mapped, as perf
			 * record does; or a sibling in a disabled test_pmu_0
			 * group, which the leader then enables.
			 */
			t = pmu_type(AUX_DEV);
			i = -1;
			if (!rnd(&s, 4)) {
				attr_init(&a, t0, 0);
				a.read_format |= PERF_FORMAT_GROUP;
				a.disabled = 1;
				ev[n++].fd = peo(&a, 0, -1, -1, 0);
				if (ev[0].fd < 0)
					break;
				i = ev[0].fd;
			}
			attr_init(&a, t, rnd(&s, 2));
			a.disabled = i < 0;
			ev[n].fd = peo(&a, 0, -1, i, 0);
			if (ev[n].fd >= 0 &&
			    aux_map(&ev[n], !rnd(&s, 3), 4 << rnd(&s, 3)))
				t_aux_map_fail++;
			if (ev[n].fd >= 0)
				ioctl(i < 0 ? ev[n].fd : i, PERF_EVENT_IOC_ENABLE, 0);
			/* Run a little: the driver writes once per ms of it. */
			if (ev[n++].aux)
				spin_us(1000 + rnd(&s, 4000));
			break;
		}
		for (i = 0; i < n; i++) {
			if (ev[i].fd >= 0)
				t_created++;
			else
				t_open_fail++;
		}
		for (k = rnd(&s, 20); k >= 0 && !stop; k--) {
			i = rnd(&s, n ? n : 1);
			if (n && ev[i].fd >= 0)
				poke(&s, &ev[i]);
			if (!rnd(&s, 4))
				sleep_us(rnd(&s, 3000));
		}
		if (child > 0)
			waitpid(child, NULL, 0);
		for (i = 0; i < n; i++) {
			unsigned long long id;

			if (ev[i].fd < 0)
				continue;
			snprintf(p, sizeof(p), "opener kind %d event %d", kind, i);
			if (ev[i].aux)
				aux_release(&ev[i], p);
			if (ioctl(ev[i].fd, PERF_EVENT_IOC_ID, &id) && errno == ENODEV) {
				t_revoked++;
				sample_revoked(ev[i].fd, p);
			}
			if (ev[i].ring)
				munmap(ev[i].ring, ev[i].ring_len);
			if (close(ev[i].fd) && ev[i].aux_len)
				violation(p, ev[i].fd, "close of an AUX user: errno %d", errno);
			t_closed++;
		}
	}
	return NULL;
}

/*
 * "faults LOOPS [open|inherit]", in a child whose allocations fail at
 * random (the caller sets the probability; the child sets make-it-fail):
 *   open     every kind of event creation once per loop (per-task, per-CPU,
 *            sampling with a ring buffer, a group with a software leader,
 *            inherited), then read and close;
 *   inherit  events of test_pmu_0 (counting, sampling, a group) and a
 *            software one, opened with inherit before the faults start,
 *            then five vfork()s per loop: the faults hit copying them into
 *            the child.
 * Without a mode, both. Only clean failures are allowed; the kernel side is
 * checked by KASAN, kmemleak and the console. The counts come back through
 * shared memory: the child could not even open a file to report them.
 */
enum { FR_OK, FR_FAILED, FR_FORKS, FR_FORK_FAILED, FR_NR };
enum { FM_OPEN = 1, FM_INHERIT = 2 };

static int faults_child(int loops, long *res, int mode)
{
	long ok = 0, failed = 0, forks = 0, fork_failed = 0;
	unsigned long long buf[16];
	struct perf_event_attr a;
	int i, j, k, fd, sib, t0, t1, inh[5], ninh = 0;
	void *ring;
	pid_t pid;

	/*
	 * From here on (and in children) allocations may fail. Fault every
	 * page in first: a failing page fault on the binary would test the
	 * guest's 9p root instead of perf, and one that fails for lack of
	 * memory is retried forever (VM_FAULT_OOM without an OOM killer to
	 * help). For the same reason children come from vfork(): after a
	 * fork() the next write to the stack is a copy-on-write fault.
	 */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		return 1;
	if (mode & FM_INHERIT) {
		/* Opened before the faults: the faults are for the fork. */
		t0 = pmu_type(0);
		for (k = 0; k < 5; k++) {
			if (k < 2)
				attr_init(&a, t0, k);
			else if (k == 2)
				attr_init(&a, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK);
			else
				attr_init(&a, t0, 0);
			if (k == 3) {
				a.sample_period = 10000;
				a.sample_type = PERF_SAMPLE_IP;
			}
			a.inherit = 1;
			/* k == 4: a sibling of the first, same group */
			inh[ninh] = peo(&a, 0, -1, k == 4 ? inh[0] : -1, 0);
			if (inh[ninh] < 0) {
				fprintf(stderr, "faults: inherited event %d: %m\n", k);
				return 1;
			}
			ninh++;
		}
	}
	if (writestr("/proc/self/make-it-fail", "1"))
		return 1;
	for (i = 0; i < loops; i++) {
		t0 = pmu_type(0);
		t1 = pmu_type(1);
		for (k = 0; k < 5 && (mode & FM_OPEN); k++) {
			sib = -1;
			switch (k) {
			case 0:
				attr_init(&a, t0, 0);
				fd = peo(&a, 0, -1, -1, 0);
				break;
			case 1:
				attr_init(&a, t1, 1);
				fd = peo(&a, -1, 0, -1, 0);
				break;
			case 2:
				attr_init(&a, t0, 0);
				a.sample_period = 1000;
				a.sample_type = PERF_SAMPLE_IP;
				fd = peo(&a, 0, -1, -1, 0);
				break;
			case 3:
				attr_init(&a, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK);
				fd = peo(&a, -1, 0, -1, 0);
				attr_init(&a, t0, 1);
				sib = fd < 0 ? -1 : peo(&a, -1, 0, fd, 0);
				break;
			default:
				attr_init(&a, t0, 1);
				a.inherit = 1;
				fd = peo(&a, 0, -1, -1, 0);
				break;
			}
			if (fd < 0) {
				failed++;
				continue;
			}
			ok++;
			if (read(fd, buf, sizeof(buf)) < 0)
				failed++;
			if (k == 2) {
				ring = mmap(NULL, 2 * getpagesize(), PROT_READ | PROT_WRITE,
					    MAP_SHARED, fd, 0);
				if (ring != MAP_FAILED)
					munmap(ring, 2 * getpagesize());
			}
			if (sib >= 0)
				close(sib);
			close(fd);
		}
		for (j = 0; j < 5 && (mode & FM_INHERIT); j++) {
			pid = vfork();
			if (!pid)
				_exit(0);
			if (pid > 0) {
				waitpid(pid, NULL, 0);
				forks++;
			} else {
				fork_failed++;
			}
		}
	}
	for (i = 0; i < ninh; i++) {
		if (read(inh[i], buf, sizeof(buf)) < 0)
			failed++;
		close(inh[i]);
	}
	res[FR_OK] = ok;
	res[FR_FAILED] = failed;
	res[FR_FORKS] = forks;
	res[FR_FORK_FAILED] = fork_failed;
	return 0;
}

static int faults(int loops, const char *how)
{
	long *res = mmap(NULL, FR_NR * sizeof(long), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status, mode = FM_OPEN | FM_INHERIT;
	pid_t pid;

	if (how && !strcmp(how, "open"))
		mode = FM_OPEN;
	else if (how && !strcmp(how, "inherit"))
		mode = FM_INHERIT;
	else if (how)
		return 2;
	if (res == MAP_FAILED)
		return 1;
	memset(res, 0, FR_NR * sizeof(long));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid)
		_exit(faults_child(loops, res, mode));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 1;
	printf("TALLY fault_open_ok %ld\nTALLY fault_open_failed %ld\n"
	       "TALLY fault_forks %ld\nTALLY fault_fork_failed %ld\n",
	       res[FR_OK], res[FR_FAILED], res[FR_FORKS], res[FR_FORK_FAILED]);
	return WEXITSTATUS(status);
}

/*
 * "hold N TIMEOUT READY_FILE": open events of every kind test_pmu_N takes,
 * create READY_FILE, then wait until every one of them reports POLLHUP |
 * POLLERR (someone unbinds test_perf_pmu.N) and check the revoked contract
 * on each. Fails if an event is not revoked within TIMEOUT seconds or
 * breaks the contract.
 */
static int hold(int n, int timeout, const char *ready)
{
	struct pollfd pfd[16];
	struct perf_event_attr a;
	int fd[16], nfd = 0, t = pmu_type(n), i, revoked = 0, bad = 0;
	long waited;
	void *ring = NULL;
	size_t ring_len = 2 * getpagesize();
	char what[64];

	if (n != 0 && n != 1) {
		printf("FAIL: hold: only test_pmu_0 and test_pmu_1\n");
		return 2;
	}
	if (t < 0) {
		printf("FAIL: hold: test_pmu_%d is not registered\n", n);
		return 1;
	}
#define OPEN(pid, cpu, group) do { \
		fd[nfd] = peo(&a, pid, cpu, group, PERF_FLAG_FD_CLOEXEC); \
		if (fd[nfd] < 0) { \
			printf("FAIL: hold: event %d on test_pmu_%d: %m\n", nfd, n); \
			return 1; \
		} \
		nfd++; \
	} while (0)
	if (n == 0) {
		attr_init(&a, t, 0);		/* per-task counting (on us) */
		OPEN(0, -1, -1);
		attr_init(&a, t, 1);		/* per-CPU counting */
		OPEN(-1, 0, -1);
		attr_init(&a, t, 0);		/* inherited */
		a.inherit = 1;
		OPEN(0, -1, -1);
		attr_init(&a, t, 0);		/* per-CPU sampling, ring buffer */
		a.sample_period = 10000;
		a.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID;
		a.wakeup_events = 1;
		OPEN(-1, 0, -1);
		ring = mmap(NULL, ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd[nfd - 1], 0);
		if (ring == MAP_FAILED) {
			printf("FAIL: hold: mmap: %m\n");
			return 1;
		}
		attr_init(&a, t, 0);		/* group, software sibling */
		a.read_format |= PERF_FORMAT_GROUP;
		OPEN(0, -1, -1);
		i = fd[nfd - 1];
		attr_init(&a, t, 1);
		OPEN(0, -1, i);
		attr_init(&a, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK);
		OPEN(0, -1, i);
	} else {
		attr_init(&a, t, 0);		/* system-wide counting */
		OPEN(-1, 0, -1);
		attr_init(&a, t, 1);
		a.read_format |= PERF_FORMAT_GROUP;
		OPEN(-1, 0, -1);
		i = fd[nfd - 1];
		attr_init(&a, t, 0);
		OPEN(-1, 0, i);
	}
#undef OPEN
	i = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (i < 0) {
		printf("FAIL: hold: %s: %m\n", ready);
		return 1;
	}
	close(i);
	/*
	 * Counting events without a ring buffer always report POLLHUP;
	 * POLLERR with it is what a revoked event reports.
	 */
	for (waited = 0; waited <= timeout * 1000L; waited += 50) {
		for (i = 0; i < nfd; i++)
			pfd[i] = (struct pollfd){ .fd = fd[i], .events = POLLIN };
		poll(pfd, nfd, 0);
		for (revoked = i = 0; i < nfd; i++)
			revoked += (pfd[i].revents & (POLLHUP | POLLERR)) == (POLLHUP | POLLERR);
		if (revoked == nfd)
			break;
		sleep_us(50000);
	}
	for (i = 0; i < nfd; i++) {
		snprintf(what, sizeof(what), "held event %d of test_pmu_%d", i, n);
		bad += check_revoked(fd[i], what);
	}
	if (ring)
		munmap(ring, ring_len);
	for (i = 0; i < nfd; i++)
		close(fd[i]);
	printf("TALLY revoke_events_open %d\nTALLY revoke_events_revoked %d\n"
	       "TALLY revoke_contract_violations %d\n", nfd, revoked, bad);
	if (revoked != nfd)
		printf("FAIL: hold: %d of %d events on test_pmu_%d revoked after %d s\n",
		       revoked, nfd, n, timeout);
	return revoked == nfd && !bad ? 0 : 1;
}

int main(int argc, char **argv)
{
	pthread_t th[NOPENERS + 4];
	int secs, i, nth = 0, bad = 0;

	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "faults"))
		return faults(atoi(argv[2]), argc == 4 ? argv[3] : NULL);
	if (argc == 5 && !strcmp(argv[1], "hold"))
		return hold(atoi(argv[2]), atoi(argv[3]), argv[4]);
	if (argc < 3) {
		fprintf(stderr, "usage: %s SECONDS SEED [CGROUP_DIR]\n", argv[0]);
		return 2;
	}
	secs = atoi(argv[1]);
	seed = strtoul(argv[2], NULL, 0);
	cgdir = argc > 3 ? argv[3] : NULL;
	ncpus = sysconf(_SC_NPROCESSORS_CONF);
	/* The devices of an older driver: test_perf_pmu.0 and .1 only. */
	for (ndevs = 2; ndevs < MAX_DEVS; ndevs++) {
		char p[64];

		snprintf(p, sizeof(p), DEVS "/test_perf_pmu.%d", ndevs);
		if (access(p, F_OK))
			break;
	}
	signal(SIGPIPE, SIG_IGN);
	printf("pmu-stress: %d s, seed %u, %d CPUs, cgroups %s, devices test_perf_pmu.0-%d\n",
	       secs, seed, ncpus, cgdir ? cgdir : "off", ndevs - 1);

	pthread_create(&th[nth++], NULL, binder, NULL);
	pthread_create(&th[nth++], NULL, hotplug, NULL);
	pthread_create(&th[nth++], NULL, cgroup_mover, NULL);
	pthread_create(&th[nth++], NULL, forker, NULL);
	for (i = 0; i < NOPENERS; i++)
		pthread_create(&th[nth++], NULL, opener, (void *)(long)i);
	sleep(secs);
	stop = 1;
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);

#define T(x) printf("TALLY %s %ld\n", #x, (long)t_##x)
	T(unbind); T(bind_fail); T(created); T(open_fail); T(revoked); T(closed);
	T(reads); T(polls); T(ioctls); T(mmaps); T(forks); T(hotplug);
	T(migrations); T(cgroup_events); T(inherit_events); T(groups);
	T(sw_events); T(aux_maps); T(aux_map_fail); T(aux_snapshots);
	T(aux_consumed); T(aux_written); T(aux_revoked);
	T(bind); T(revoke_checked); T(violations);
#undef T
	/*
	 * Not a vacuous run: minimums far below what a working kernel does
	 * (under TCG, KASAN or KCSAN), scaled to the duration.
	 */
#define NEED(x, min) do { \
		if (t_##x < (min)) { \
			printf("FAIL: %s %ld, expected at least %ld in %d s\n", \
			       #x, (long)t_##x, (long)(min), secs); \
			bad = 1; \
		} \
	} while (0)
	NEED(created, 10L + secs);
	if (ndevs > SW_DEV)
		NEED(sw_events, 1L + secs / 20);
	if (ndevs > AUX_DEV) {
		NEED(aux_maps, 1L + secs / 20);
		NEED(aux_written, 1L);
	}
	if (getenv("PMU_STRESS_NO_UNBIND")) {
		printf("pmu-stress: PMU_STRESS_NO_UNBIND: unbinds and revocations not required\n");
	} else {
		NEED(unbind, 1L + secs / 20);
		NEED(bind, 1L + secs / 20);
		NEED(revoked, 1L + secs / 60);
		NEED(revoke_checked, 1L);
		if (ndevs > AUX_DEV)
			NEED(aux_revoked, secs / 60L);
	}
#undef NEED
	if (t_bind_fail) {
		printf("FAIL: %ld binds failed\n", (long)t_bind_fail);
		bad = 1;
	}
	if (t_violations) {
		printf("FAIL: %ld breaches of the revoked contract in %ld revoked fds checked"
		       " and of the AUX one in %ld AUX areas\n",
		       (long)t_violations, (long)t_revoke_checked, (long)t_aux_maps);
		bad = 1;
	}
	return bad;
}
