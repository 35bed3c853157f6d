// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrent stress of perf_pmu_unregister() against everything else a
 * perf event goes through, on the two PMUs of lib/test_perf_pmu.c:
 *
 *   binder     unbinds and binds test_perf_pmu.0 and .1 (the unregister)
 *   openers    open events on them, random kinds: per-task and per-CPU
 *              counting, sampling with a ring buffer, groups (also across
 *              PMUs and with a software leader), inherited events with a
 *              fork, cgroup events; then read, poll, ioctl, mmap, close
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
 * "VIOLATION" line), or if the run was vacuous: fewer unbinds, binds, events
 * created or events found revoked than a minimum scaled to SECONDS.
 *
 * Also used by tests/guest/faultinject.sh:
 *   pmu-stress faults LOOPS [open|inherit]   event creation / inherit at
 *                                            fork with allocations failing
 *   pmu-stress hold N TIMEOUT READY_FILE     open events of every kind on
 *                                            test_pmu_N, create READY_FILE,
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
#define EVS	"/sys/bus/event_source/devices"
#define NOPENERS 3
/* Revoked fds whose contract is checked in full (the first ones found). */
#define REVOKE_SAMPLE 50

static atomic_long t_unbind, t_bind, t_bind_fail, t_revoke_checked,
	t_violations, t_revoke_sampled, t_created, t_open_fail, t_revoked,
	t_closed, t_reads, t_polls, t_ioctls, t_mmaps, t_forks, t_hotplug,
	t_migrations, t_cgroup_events, t_inherit_events, t_groups;
static atomic_int stop;
static unsigned int seed;
static int ncpus;
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

/* The current type of test_pmu_<n>, or -1 while it is unregistered. */
static int pmu_type(int n)
{
	char p[128], buf[32];
	int fd, len;

	snprintf(p, sizeof(p), EVS "/test_pmu_%d/type", n);
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
	/* For bisecting a failure: PMU_STRESS_NO_UNBIND=1 keeps both bound. */
	if (getenv("PMU_STRESS_NO_UNBIND"))
		return NULL;
	while (!stop) {
		n = rnd(&s, 2);
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
	/* Leave both bound. */
	writestr(DRV "/bind", "test_perf_pmu.0");
	writestr(DRV "/bind", "test_perf_pmu.1");
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

struct ev { int fd; void *ring; size_t ring_len; };

static void poke(unsigned int *s, struct ev *e)
{
	unsigned long long buf[64], id;
	struct pollfd pfd = { .fd = e->fd, .events = POLLIN };

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
	int n, i, k, kind, t0, t1, cpu, cgfd = -1;
	pid_t child;
	char p[256];

	while (!stop) {
		n = 0;
		child = 0;
		t0 = pmu_type(0);
		t1 = pmu_type(1);
		cpu = rnd(&s, ncpus);
		kind = k = rnd(&s, 7);
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
			if (ioctl(ev[i].fd, PERF_EVENT_IOC_ID, &id) && errno == ENODEV) {
				t_revoked++;
				snprintf(p, sizeof(p), "opener kind %d event %d", kind, i);
				sample_revoked(ev[i].fd, p);
			}
			if (ev[i].ring)
				munmap(ev[i].ring, ev[i].ring_len);
			close(ev[i].fd);
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
	signal(SIGPIPE, SIG_IGN);
	printf("pmu-stress: %d s, seed %u, %d CPUs, cgroups %s\n", secs, seed, ncpus,
	       cgdir ? cgdir : "off");

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
	if (getenv("PMU_STRESS_NO_UNBIND")) {
		printf("pmu-stress: PMU_STRESS_NO_UNBIND: unbinds and revocations not required\n");
	} else {
		NEED(unbind, 1L + secs / 20);
		NEED(bind, 1L + secs / 20);
		NEED(revoked, 1L + secs / 60);
		NEED(revoke_checked, 1L);
	}
#undef NEED
	if (t_bind_fail) {
		printf("FAIL: %ld binds failed\n", (long)t_bind_fail);
		bad = 1;
	}
	if (t_violations) {
		printf("FAIL: %ld breaches of the revoked contract in %ld revoked fds checked\n",
		       (long)t_violations, (long)t_revoke_checked);
		bad = 1;
	}
	return bad;
}
